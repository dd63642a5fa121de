/// The dunning ladder (issue 10): every item climbs the policy's written steps one level at a time.
///
/// As in the major ERPs' dunning runs, the level belongs to the item, not to the customer: level 1 is the first
/// written reminder after the due date, then each later written step after due, in the policy's order (by days).
/// Letters before the due date (courtesy, preventive) are level 0, and only for items not yet due. The next
/// written action on an item is always the next level (never a skip, never back), at the earliest when its step
/// triggers and the policy's minimum interval after the item's last written action. After the top of the ladder
/// comes the litigation review, a decision (see `LitigationDecision`), not a letter.
extension Policy {
    /// Written steps after the due date, in order: `ladder[k - 1]` takes an item to level k.
    public var ladder: [Step] {
        steps.enumerated().filter { _, s in s.isWritten && s.relativeTo == .due && s.days >= 0 }
            .sorted { ($0.element.days, $0.offset) < ($1.element.days, $1.offset) }.map(\.element)
    }

    /// Written steps before the due date (or counted from the issue date): level 0, items not yet due only.
    public var preDueWrittenSteps: [Step] { steps.filter { $0.isWritten && !($0.relativeTo == .due && $0.days >= 0) } }

    /// The level a written step takes an item to (0 for letters before due and for unknown steps).
    public func level(ofStep id: String?) -> Int { Self.level(ofStep: id, in: ladder) }

    static func level(ofStep id: String?, in ladder: [Step]) -> Int {
        guard let id, let i = ladder.firstIndex(where: { $0.id == id }) else { return 0 }
        return i + 1
    }

    /// The step of a level (1 = the first written reminder after due).
    public func step(ofLevel level: Int) -> Step? {
        let l = ladder
        return l.indices.contains(level - 1) ? l[level - 1] : nil
    }

    public var litigationStep: Step? { steps.first { $0.channel == .litigationReview } }
    public var preventiveCallSteps: [Step] { steps.filter { $0.channel.isCall && $0.relativeTo == .due && $0.days < 0 } }
    public var overdueCallSteps: [Step] { steps.filter { $0.channel.isCall && !($0.relativeTo == .due && $0.days < 0) } }
}

/// The policy's steps as the rules read them, filtered and sorted once for a policy rather than for every item
/// (the team's agenda sorted the ladder twice per open item and copied the policy at each look: a quarter of its
/// time at 100,000 invoices, issue 23). The book keeps one for its policy.
public struct DunningSteps: Sendable {
    public let ladder: [Policy.Step]
    public let preDueWritten: [Policy.Step]
    public let litigation: Policy.Step?
    public let preventiveCalls: [Policy.Step]
    public let overdueCalls: [Policy.Step]
    public let minLetterIntervalDays: Int
    public let callIntervalDays: Int
    /// Days after issue from which an item is in the critical zone.
    public let criticalZoneFromDays: Int
    let threshold: Money

    public init(_ policy: Policy) {
        threshold = policy.largeItemThreshold
        ladder = policy.ladder
        preDueWritten = policy.preDueWrittenSteps
        litigation = policy.litigationStep
        preventiveCalls = policy.preventiveCallSteps
        overdueCalls = policy.overdueCallSteps
        minLetterIntervalDays = policy.minLetterIntervalDays
        callIntervalDays = policy.callIntervalDays
        criticalZoneFromDays = policy.criticalZoneDaysAfterIssue.from
    }

    /// `Policy.step(_:appliesTo:)`.
    public func applies(_ step: Policy.Step, to amount: Money) -> Bool { Policy.step(step, appliesTo: amount, threshold: threshold) }

    /// `Policy.level(ofStep:)`, from the ladder made once.
    public func level(ofStep id: String?) -> Int { Policy.level(ofStep: id, in: ladder) }
}

extension Policy.Step {
    /// A letter, an e-mail, an SMS or a formal notice: something sent to the customer.
    public var isWritten: Bool { !channel.isCall && channel != .litigationReview }
}

/// The written action due on one item at a date.
public struct ItemDunning: Sendable, Equatable {
    public var invoice: String
    public var step: Policy.Step
    /// The item's level once this action is sent (0 before due).
    public var level: Int
    /// The day it became due (trigger, or the end of the minimum interval).
    public var since: CalendarDate
}

extension Book {
    /// What a written activity does to its items: each moves to the level of the activity's step (never down),
    /// and its last written date moves on. Called when the activity is applied, so replay rebuilds the same.
    mutating func recordDunning(_ a: Activity) {
        guard a.channel.isWritten else { return }
        let level = dunningSteps.level(ofStep: a.step)
        for n in a.invoices {
            guard var inv = invoices[n] else { continue }
            if level > inv.level { inv.dunningLevel = level; inv.dunningStep = a.step }
            else if inv.dunningLevel == nil { inv.dunningLevel = inv.level }
            inv.lastDunned = max(inv.lastDunned ?? a.date, a.date)
            invoices[n] = inv
        }
    }

    /// The level an item's recorded step stands for in this book's policy (a store's policy may have gained or lost a
    /// step since the level was written). A step no longer in the ladder is taken as one level below the number
    /// written, capped to the ladder: the next letter is then the step that number names, never one past it (a
    /// removed second reminder must not read as a formal notice sent).
    static func realign(_ inv: inout Invoice, steps: DunningSteps) {
        guard let step = inv.dunningStep else { return }
        let level = steps.level(ofStep: step)
        inv.dunningLevel = level > 0 ? level : max(0, min(inv.level, steps.ladder.count) - 1)
    }

    /// Whether the item's litigation review is due at `date`: at the top of the ladder, its delay passed, and not
    /// decided, or sent back to amicable follow-up until a day now reached.
    public func isDueForReview(_ number: String, at date: CalendarDate) -> Bool {
        guard let inv = invoices[number] else { return false }
        return isDueForReview(inv, open: openAmount(number), at: date)
    }

    /// The same for an item at hand with what it owes (the agenda asks it of every item it does not write about).
    func isDueForReview(_ inv: Invoice, open: Money, at date: CalendarDate) -> Bool {
        guard open.isPositive, let review = litigationReviewDate(of: inv), review <= date else { return false }
        guard let d = litigation(of: inv.number) else { return true }
        return d.outcome == .amicable && (d.reviewAgainOn ?? date) <= date
    }

    /// The levels written letters of an older history give (a store migrated to schema 5).
    public mutating func replayDunning(_ activities: [Activity]) {
        for a in activities.sorted(by: { $0.date < $1.date }) { recordDunning(a) }
    }

    /// The written action due on `inv` at `date`, or nil. The caller leaves out items held by a promise or plan,
    /// disputed or in litigation; `claiming` is what is still claimed of an item promised in part (its open amount
    /// less what a promise holds), which decides the steps that apply.
    public func writtenAction(on inv: Invoice, at date: CalendarDate, claiming: Money? = nil) -> ItemDunning? {
        let open = claiming ?? openAmount(inv.number)
        guard open.isPositive else { return nil }
        let steps = dunningSteps
        let rest = inv.lastDunned.map { $0.adding(days: steps.minLetterIntervalDays) }
        if date <= inv.dueDate {
            // Not yet due: the latest courtesy step triggered and not written since (level 0).
            var best: ItemDunning?
            for step in steps.preDueWritten where steps.applies(step, to: open) {
                guard let trigger = AgendaRules.triggerDate(step, inv, at: date), inv.lastDunned.map({ $0 < trigger }) ?? true else { continue }
                let since = max(trigger, rest ?? trigger)
                guard since <= date else { continue }
                if best.map({ trigger > $0.since }) ?? true { best = ItemDunning(invoice: inv.number, step: step, level: inv.level, since: since) }
            }
            return best
        }
        // Overdue: the next level of the ladder, never a skip, never back.
        let ladder = steps.ladder
        guard let k = ladder.indices.first(where: { $0 >= inv.level && steps.applies(ladder[$0], to: open) }) else { return nil }
        let trigger = inv.dueDate.adding(days: ladder[k].days)
        let since = max(trigger, rest ?? trigger)
        guard since <= date else { return nil }
        return ItemDunning(invoice: inv.number, step: ladder[k], level: k + 1, since: since)
    }

    /// The day the litigation review falls due on `inv` (top of the ladder reached, the review's delay after due
    /// passed, and the formal notice's time to pay over: 8 days from its receipt, so 15 days after it was sent,
    /// or the minimum interval if longer), or nil.
    public func litigationReviewDate(of inv: Invoice) -> CalendarDate? {
        let steps = dunningSteps
        guard let step = steps.litigation, steps.applies(step, to: openAmount(inv.number)) else { return nil }
        guard inv.level >= steps.ladder.count else { return nil }
        var since = inv.dueDate.adding(days: step.days)
        if let last = inv.lastDunned { since = max(since, last.adding(days: max(15, steps.minLetterIntervalDays))) }
        return since
    }
}

extension Book {
    /// Under an open promise or an active plan at `date`.
    /// Held whole by an open promise (one that covers all it owes) or in an active plan: out of dunning. An item
    /// promised in part is not held: its rest is still claimed.
    public func isHeld(_ invoice: String, asOf date: CalendarDate) -> Bool {
        guard let c = invoices[invoice]?.customerId else { return false }
        return heldInvoices(of: c, asOf: date).contains(invoice)
    }

    /// Under an active dispute.
    public func isDisputed(_ invoice: String) -> Bool {
        guard let c = invoices[invoice]?.customerId else { return false }
        return activeDisputes(of: c).contains { $0.invoices.contains(invoice) }
    }
}
