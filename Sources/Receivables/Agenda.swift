import Dispatch

/// The actions due on a date: calls first, by priority, then written reminders (one per customer and step).
///
/// Every line carries its reasons: the policy step (or promise, dispute, plan) that put it there, the invoices
/// concerned and the date the action became due, so "why am I here?" always has an answer.
public struct Agenda: Sendable {
    public var date: CalendarDate
    public var collector: String?
    public var calls: [AgendaLine]
    public var written: [AgendaLine]
    public var lines: [AgendaLine] { calls + written }

    /// The scope of the accounts without an active collector (none, unknown or disabled): a supervisor's to hand out.
    public static let unassigned = "*unassigned"

    /// Builds the agenda of `collector` (all collectors when nil, `Agenda.unassigned` for accounts nobody active
    /// collects) at `date`.
    public init(book: Book, date: CalendarDate, collector: String?) {
        self.date = date
        self.collector = collector
        // Each account's lines are chosen on every core (a team's agenda at 100,000 invoices: issue 23), then put
        // together in the book's order, so the result is the same as chosen one by one.
        let parts = Chunks.map(book.customerOrder) { ids in
            var calls: [AgendaLine] = [], written: [AgendaLine] = []
            // One set of rules per part, given each customer in turn: made per customer, each copied the book's
            // tables' references in and out, on both cores at once (a third of the team's agenda at L).
            var rules = AgendaRules(book: book, customer: Customer(id: "", name: ""), date: date)
            for id in ids {
                guard let c = book.customers[id], Self.isInScope(id, collector: collector, in: book) else { continue }
                rules.customer = c
                let (call, letters) = rules.lines()
                if let call { calls.append(call) }
                written.append(contentsOf: letters)
            }
            return (calls: calls, written: written)
        }
        var calls = parts.flatMap(\.calls), written = parts.flatMap(\.written)
        calls.sort(by: AgendaLine.priorityOrder)
        written.sort(by: AgendaLine.priorityOrder)
        self.calls = calls
        self.written = written
    }
}

extension Agenda {
    /// Whether the account is among `collector`'s (nil: everyone's; `Agenda.unassigned`: those without an active
    /// collector): the one rule the agenda, its narrowing, the letters and the mail runs choose accounts by.
    public static func isInScope(_ customerId: String, collector: String?, in book: Book) -> Bool {
        guard let collector else { return true }
        return collector == unassigned ? book.assignedCollector(of: customerId) == nil : book.customers[customerId]?.collector == collector
    }

    /// This agenda narrowed to a collector's accounts (`Agenda.unassigned`: those without an active collector), in the
    /// same order: what `Agenda(book:date:collector:)` gives, without choosing every account's lines again (issue 23:
    /// `a` in the workstation rebuilt the agenda at each press).
    public func narrowed(to collector: String?, in book: Book) -> Agenda {
        guard let collector else { return self }
        func keeps(_ l: AgendaLine) -> Bool { Self.isInScope(l.customerId, collector: collector, in: book) }
        var a = self
        a.collector = collector
        a.calls = calls.filter(keeps)
        a.written = written.filter(keeps)
        return a
    }

    /// One customer's lines at `date` (its call, then its written lines): what the whole agenda would hold for it,
    /// without computing everyone's (the workstation re-chooses a letter under the lock with it).
    public static func lines(of customerId: String, book: Book, date: CalendarDate) -> [AgendaLine] {
        guard let c = book.customers[customerId] else { return [] }
        let (call, written) = AgendaRules(book: book, customer: c, date: date).lines()
        return (call.map { [$0] } ?? []) + written
    }
}

/// One customer to call, or one reminder to send.
public struct AgendaLine: Sendable, Equatable {
    public enum Kind: String, Sendable { case call, written }
    public var kind: Kind
    public var customerId: String
    public var customerName: String
    public var collector: String?
    public var channel: Policy.Channel
    public var reasons: [AgendaReason]
    public var amountAtStake: Money
    /// Days past due of the customer's oldest overdue item (negative: days until the nearest due date).
    public var oldestDaysOverdue: Int
    public var contact: Contact?
    /// A written line that goes by e-mail: the address it goes to (schema 12, `Policy.Step.allowsEmail` for every step
    /// of the line and the customer's first contact with an address); nil: a letter.
    public var email: String?
    /// 0 = broken promise, 1 = promise/plan/dispute follow-up, 2 = policy steps.
    public var tier: Int
    /// Some open item is 90 days or more after its issue date (the zone where most debts become irrecoverable;
    /// worse after 120 days, see `Critical`).
    public var critical: Bool

    /// Days since the earliest reason became due (undone actions roll over and age).
    public var age: Int
    /// Priority among lines of one tier; see `AgendaRules.score` (docs/DUNNING.md).
    public var score: Int64 = 0

    /// Tier first (broken promises on top), then amount at stake weighted by lateness, then name.
    public static func priorityOrder(_ a: AgendaLine, _ b: AgendaLine) -> Bool {
        if a.tier != b.tier { return a.tier < b.tier }
        if a.score != b.score { return a.score > b.score }
        return a.customerName < b.customerName
    }

}

extension AgendaLine {
    /// The activities recording a written line as sent (the letters command and the workstation's `s`): one per step,
    /// each with its step's channel (a first reminder inside a formal notice is recorded as a letter), with an id
    /// that names the day, customer and step.
    public func sentActivities(user: String, date: CalendarDate, at stamp: String, policy: Policy, file: String?) -> [Activity] {
        reasons.map { reason in
            let channel = policy.steps.first { $0.id == reason.step }?.channel.activityChannel ?? self.channel.activityChannel
            return Activity(id: "LTR-\(date.iso)-\(customerId)-\(reason.step)", at: stamp, date: date, user: user, customerId: customerId,
                            invoices: reason.invoices, channel: channel,
                            note: "\(reason.stepLabel ?? reason.step): \(reason.invoices.joined(separator: ", "))" + (file.map { " (letter \($0))" } ?? ""),
                            step: reason.step)
        }
    }

    /// How the line goes out: `email` for a written line with an address (`relance mail`), else the step's channel.
    public var sentBy: Policy.Channel { email != nil ? .email : channel }

    /// The line's reminders as an outbox message keeps them (what is recorded once the e-mail is sent).
    public var reminders: [OutboxMessage.Reminder] { reasons.map { .init(step: $0.step, invoices: $0.invoices) } }
}

extension OutboxMessage {
    /// The activities recording this e-mail's reminders as sent on `date`: one per step, by e-mail, naming the
    /// message (so the history says which e-mail carried each level).
    public func sentActivities(user: String, date: CalendarDate, at stamp: String, policy: Policy) -> [Activity] {
        if kind == .statement {
            return [Activity(id: "MAIL-\(id)", at: stamp, date: date, user: user, customerId: customerId, invoices: [], channel: .email,
                             note: "\(subject) (e-mail \(messageId))")]
        }
        return reminders.map { r in
            let label = policy.steps.first { $0.id == r.step }?.label ?? r.step
            return Activity(id: "MAIL-\(date.iso)-\(customerId)-\(r.step)", at: stamp, date: date, user: user, customerId: customerId,
                            invoices: r.invoices, channel: .email,
                            note: "\(label): \(r.invoices.joined(separator: ", ")) (e-mail \(messageId))", step: r.step)
        }
    }
}

/// Why a line is on the agenda, as values (issue 18: the reasons were English sentences with French dates, built
/// here); the edge words them (`AgendaWording` in the Wording module).
public struct AgendaReason: Sendable, Equatable {
    /// A policy step id, or `broken-promise`, `promise-due`, `dispute-follow-up`, `instalment-due`,
    /// `plan-defaulted`, `follow-up`, `on-account-credit`.
    public var step: String
    /// A policy step's own words (its label and short form are policy data); nil for the reasons the agenda gives
    /// itself, which the edge words from `detail`.
    public var stepLabel: String?
    public var stepShort: String?
    /// The step's French words, when the policy gives them (the edge picks the reader's language).
    public var stepFrench: Policy.StepWords?
    public var invoices: [String]
    /// The day this action became due.
    public var since: CalendarDate
    public var detail: Detail

    /// What the reason is, with its figures.
    public enum Detail: Sendable, Equatable {
        case promiseDue(amount: Money, promisedFor: CalendarDate, received: Money, brokenAfter: CalendarDate)
        case brokenPromise(partlyKept: Bool, amount: Money, promisedFor: CalendarDate, graceTo: CalendarDate, received: Money)
        case instalmentDue(planTotal: Money, amount: Money, due: CalendarDate, paid: Money)
        case planDefaulted(planTotal: Money, madeOn: CalendarDate)
        case disputeFollowUp(reason: String, amount: Money, ageDays: Int, owner: String)
        /// The entry that set the next action (worded by the edge: its event, its note or its outcome).
        case followUp(entry: Activity)
        /// News from the field (a salesperson's call, visit, note or risk flag), the morning after.
        case fieldReport(entry: Activity)
        /// A policy call step on `items` items; `lastCall` when it is being repeated every `everyDays`, else the step's
        /// trigger (`triggerDays` from the due or issue date).
        case call(items: Int, lastCall: CalendarDate?, everyDays: Int, triggerDays: Int, from: Policy.Step.Anchor)
        case onAccountCredit(amount: Money)
        case written(level: Int, items: Int)
        case litigationReview(items: Int)
    }

    public init(step: String, stepLabel: String? = nil, stepShort: String? = nil, stepFrench: Policy.StepWords? = nil, invoices: [String],
                since: CalendarDate, detail: Detail) {
        self.step = step; self.stepLabel = stepLabel; self.stepShort = stepShort ?? stepLabel; self.stepFrench = stepFrench; self.invoices = invoices; self.since = since
        self.detail = detail
    }
}

/// The agenda rules for one customer at one date (docs/DUNNING.md).
struct AgendaRules {
    let book: Book
    var customer: Customer
    let date: CalendarDate
    var policy: Policy { book.policy }
    /// What the rules read of the policy for each item, made once for it (never `policy`, a copy, in a loop).
    var steps: DunningSteps { book.dunningSteps }

    /// Reasons about a commitment or a dispute rather than a policy step.
    static let commitmentSteps: Set<String> = ["promise-due", "broken-promise", "instalment-due", "plan-defaulted", "dispute-follow-up"]

    func lines() -> (AgendaLine?, [AgendaLine]) {
        // The customer's open items and what each owes, looked up here rather than in the book's table of every
        // invoice, whose probes (a cache miss each) were a fifth of the team's agenda at 400,000 invoices (issue 23).
        let open = book.openInvoicesWithAmounts(of: customer.id)
        let local = Dictionary(open.map { ($0.invoice.number, $0) }, uniquingKeysWith: { a, _ in a })
        func openAmount(_ n: String) -> Money { local[n]?.open ?? book.openAmount(n) }
        func invoice(_ n: String) -> Invoice? { local[n]?.invoice ?? book.invoices[n] }
        let items = open.compactMap { $0.invoice.issueDate <= date ? $0.invoice : nil }
        let digest = book.digest(of: customer.id)
        let lastCall = digest.lastCall
        func calledSince(_ d: CalendarDate) -> Bool { lastCall.map { $0 >= d } ?? false }
        let latest = digest.lastScheduled
        let scheduled = latest?.nextActionDate

        var callReasons: [AgendaReason] = []
        var tier = 2
        var disputed = Set<String>()   // items under active dispute: no reminders, calls only for follow-up

        // A promise holds only what it covers: an item promised whole is out of dunning; one promised in part is
        // still claimed for the rest, which is what its calls and letters are about.
        let promised = book.promisedParts(of: customer.id, asOf: date)
        func claim(_ n: String) -> Money { openAmount(n) - (promised[n] ?? .zero) }
        let held = book.heldInvoices(of: customer.id, asOf: date, promised: promised)   // promised whole, in an active plan
        for p in book.promises(of: customer.id) {
            let state = book.state(of: p, asOf: date)
            let deadline = book.deadline(of: p)
            if state == .open {
                // Due from its date until a call about it (a call after the promised date answers it for now;
                // the promise is judged broken after the grace days anyway).
                if date >= p.promisedDate && !calledSince(p.promisedDate) {
                    let paid = book.paidTowards(p, through: date)
                    callReasons.append(.init(step: "promise-due", invoices: p.invoices, since: p.promisedDate,
                        detail: .promiseDue(amount: p.amount, promisedFor: p.promisedDate, received: paid, brokenAfter: deadline)))
                    tier = min(tier, 1)
                }
            } else if state == .broken || state == .partiallyKept, !calledSince(deadline.adding(days: 1)),
                      !(latest.map { $0.date > deadline } ?? false),
                      p.invoices.contains(where: { openAmount($0).isPositive }),
                      book.paidTowards(p, through: date) < p.amount {
                // On top until followed up (a call since, or a next action set after the deadline), while its items still
                // owe something and what it promised is not paid (late): a promise broken in March and paid in April is
                // no longer news in August.
                let paid = book.paidTowards(p, through: deadline)
                callReasons.append(.init(step: "broken-promise", invoices: p.invoices, since: deadline.adding(days: 1),
                    detail: .brokenPromise(partlyKept: state != .broken, amount: p.amount, promisedFor: p.promisedDate, graceTo: deadline, received: paid)))
                tier = 0
            }
        }
        for plan in book.plans(of: customer.id) {
            let status = book.status(of: plan, asOf: date)
            switch status.state {
            case .active:
                if let due = status.lines.first(where: { $0.state == .due }) {
                    callReasons.append(.init(step: "instalment-due", invoices: plan.invoices, since: due.date,
                        detail: .instalmentDue(planTotal: plan.total, amount: due.amount, due: due.date, paid: due.paid)))
                    tier = min(tier, 1)
                }
            case .defaulted:
                if let d = status.defaultedOn, !calledSince(d) {
                    callReasons.append(.init(step: "plan-defaulted", invoices: plan.invoices, since: d,
                        detail: .planDefaulted(planTotal: plan.total, madeOn: plan.createdOn)))
                    tier = min(tier, 1)
                }
            case .completed, .cancelled: break
            }
        }
        for d in book.activeDisputes(of: customer.id) {
            disputed.formUnion(d.invoices)
            if let f = d.followUpDate, f <= date, !calledSince(f) {
                callReasons.append(.init(step: "dispute-follow-up", invoices: d.invoices, since: f,
                    detail: .disputeFollowUp(reason: d.reasonCode, amount: d.amount, ageDays: d.age(at: date), owner: d.ownerDepartment)))
                tier = min(tier, 1)
            }
        }
        // Items handed over (agency, injunction, legal) or written off leave the amicable agenda and letters.
        let litigated = Set(items.map(\.number).filter { book.isInLitigation($0) })
        let dunnable = items.filter { !held.contains($0.number) && !disputed.contains($0.number) && !litigated.contains($0.number) }

        if let s = scheduled, let a = latest, s <= date, !calledSince(s) {
            callReasons.append(.init(step: "follow-up", invoices: [], since: s, detail: .followUp(entry: a)))
        }
        // News from the field: on the collector's agenda from the next morning until they call.
        if let sig = digest.lastSignal, sig.date < date, !calledSince(sig.date) {
            callReasons.append(.init(step: "field-report", invoices: [], since: sig.date.adding(days: 1), detail: .fieldReport(entry: sig)))
            tier = min(tier, 1)
        }
        // A next action scheduled later holds the policy's calls until that day, when they join the follow-up; but
        // never more than `callEveryDays` after it was set (a date a year away does not hide a large overdue
        // item for a year), and a preventive call is never held past its item's due date.
        let holdUntil = scheduled.flatMap { s -> CalendarDate? in
            let end = min(s, (latest?.date ?? date).adding(days: steps.callIntervalDays))
            return end > date ? end : nil
        }

        // Policy calls, item by item.
        var stepCalls: [String: (Policy.Step, [String], CalendarDate)] = [:]
        for inv in dunnable {
            guard let (step, since) = callDue(inv, lastCall: lastCall, open: claim(inv.number)) else { continue }
            if let h = holdUntil, !(step.relativeTo == .due && step.days < 0 && inv.dueDate < h) { continue }
            stepCalls[step.id, default: (step, [], since)].1.append(inv.number)
            stepCalls[step.id]!.2 = min(stepCalls[step.id]!.2, since)
        }
        for (step, numbers, since) in stepCalls.values.sorted(by: { $0.0.id < $1.0.id }) {
            let again = step.relativeTo == .due && step.days >= 0 && (lastCall.map { $0 >= invoice(numbers[0])!.dueDate.adding(days: step.days) } ?? false)
            callReasons.append(.init(step: step.id, stepLabel: step.label, stepShort: step.short, stepFrench: step.fr, invoices: numbers, since: since,
                detail: .call(items: numbers.count, lastCall: again ? lastCall : nil, everyDays: steps.callIntervalDays, triggerDays: step.days,
                              from: step.relativeTo)))
        }

        // Written actions, item by item, grouped in one letter per customer and day.
        var written: [ItemDunning] = []
        var reviews: [(String, CalendarDate)] = []
        // One letter per customer per day, and at most one every `minDaysBetweenLetters` days: items that fall due
        // one after another wait and go together, as in a dunning run (a customer got a letter every day or two).
        let wroteRecently = digest.lastLetter.map { $0.adding(days: steps.minLetterIntervalDays) > date } ?? false
        for inv in dunnable {
            if let action = book.writtenAction(on: inv, at: date, claiming: claim(inv.number)) { written.append(action) }
            else if book.isDueForReview(inv, open: openAmount(inv.number), at: date), let review = book.litigationReviewDate(of: inv) {
                // Done only by a decision; back to amicable brings it back on the day the decision gave.
                reviews.append((inv.number, max(review, book.litigation(of: inv.number)?.reviewAgainOn ?? review)))
            }
        }
        // Money received and not lettered: when it covers an item the letter would claim, lettering comes first.
        let credit = book.unallocatedCredit(of: customer.id)
        let creditCovers = credit.isPositive && written.contains { openAmount($0.invoice) <= credit }
        if credit.isPositive, !items.isEmpty, !callReasons.isEmpty || creditCovers {
            callReasons.insert(.init(step: "on-account-credit", invoices: [], since: date, detail: .onAccountCredit(amount: credit)), at: 0)
            if creditCovers { tier = min(tier, 1) }
        }

        let overdue = items.map { inv in inv.dueDate.days(until: date) }.max() ?? 0
        let criticalFrom = steps.criticalZoneFromDays
        let critical = items.contains { $0.issueDate.days(until: date) >= criticalFrom }
        func stake(_ numbers: Set<String>) -> Money { numbers.reduce(Money.zero) { $0 + claim($1) } }
        // The payer profile weighs every line of the customer: computed once, and only when there is a line.
        // (Not a `lazy var`: its closure took a copy of these rules, the book's tables with them, for every customer.)
        var payerDaysLateKnown: Int?
        func payerDaysLate() -> Int {
            if let known = payerDaysLateKnown { return known }
            let days = book.payerProfile(of: customer.id, asOf: date)?.averageDaysLate ?? 0
            payerDaysLateKnown = days
            return days
        }

        var call: AgendaLine?
        if !callReasons.isEmpty {
            let numbers = Set(callReasons.flatMap(\.invoices))
            let concerned = numbers.isEmpty ? Set(items.map(\.number)) : numbers
            // A call about a commitment (a promise due or broken, an instalment, a dispute) is about the whole item;
            // a policy call about what is still claimed of it.
            let whole = Set(callReasons.filter { AgendaRules.commitmentSteps.contains($0.step) }.flatMap(\.invoices))
            let atStake: (String) -> Money = { whole.contains($0) ? openAmount($0) : claim($0) }
            call = AgendaLine(kind: .call, customerId: customer.id, customerName: customer.name, collector: book.assignedCollector(of: customer.id),
                              channel: .phone, reasons: callReasons, amountAtStake: concerned.reduce(Money.zero) { $0 + atStake($1) },
                              oldestDaysOverdue: overdue, contact: customer.contacts.first, tier: tier, critical: critical,
                              age: callReasons.map { $0.since.days(until: date) }.max() ?? 0, score: score(concerned, payerDaysLate: payerDaysLate(), claim: atStake, invoice: invoice))
        }
        var lines: [AgendaLine] = []
        if !written.isEmpty && !wroteRecently && !creditCovers {
            // One letter: every item due for a written action, each at its own level, under the highest one's step.
            let byStep = Dictionary(grouping: written, by: \.step.id)
            let steps = byStep.values.map { $0[0] }.sorted { ($0.level, $0.step.days) > ($1.level, $1.step.days) }
            let top = steps[0]
            let numbers = Set(written.map(\.invoice))
            // By e-mail when every step of the letter allows it (a formal notice stays a registered letter).
            let email = steps.allSatisfy(\.step.allowsEmail) ? customer.reminderEmail : nil
            lines.append(AgendaLine(kind: .written, customerId: customer.id, customerName: customer.name, collector: book.assignedCollector(of: customer.id),
                channel: top.step.channel,
                reasons: steps.map { first in
                    let group = byStep[first.step.id]!
                    return AgendaReason(step: first.step.id, stepLabel: first.step.label, stepShort: first.step.short, stepFrench: first.step.fr, invoices: group.map(\.invoice),
                                        since: group.map(\.since).min()!, detail: .written(level: first.level, items: group.count))
                },
                amountAtStake: stake(numbers), oldestDaysOverdue: overdue, contact: customer.contacts.first, email: email,
                tier: top.step.escalates ? 1 : 2, critical: critical, age: written.map { $0.since.days(until: date) }.max() ?? 0,
                score: score(numbers, payerDaysLate: payerDaysLate(), claim: claim, invoice: invoice)))
        }
        if !reviews.isEmpty, let step = steps.litigation {
            let numbers = reviews.map(\.0)
            lines.append(AgendaLine(kind: .written, customerId: customer.id, customerName: customer.name, collector: book.assignedCollector(of: customer.id),
                channel: .litigationReview,
                reasons: [.init(step: step.id, stepLabel: step.label, stepShort: step.short, stepFrench: step.fr, invoices: numbers, since: reviews.map(\.1).min()!,
                                detail: .litigationReview(items: numbers.count))],
                amountAtStake: stake(Set(numbers)), oldestDaysOverdue: overdue, contact: customer.contacts.first, tier: 1, critical: critical,
                age: reviews.map { $0.1.days(until: date) }.max() ?? 0, score: score(Set(numbers), payerDaysLate: payerDaysLate(), claim: claim, invoice: invoice)))
        }
        return (call, lines)
    }

    /// The call due on an item: a preventive call before its due date (once, from its trigger), then after due the
    /// overdue call step and every `callEveryDays` after the customer's last call, until the item is settled.
    func callDue(_ inv: Invoice, lastCall: CalendarDate?, open: Money) -> (Policy.Step, CalendarDate)? {
        func calledSince(_ d: CalendarDate) -> Bool { lastCall.map { $0 >= d } ?? false }
        let steps = self.steps
        if date <= inv.dueDate {
            for step in steps.preventiveCalls where steps.applies(step, to: open) {
                let trigger = inv.dueDate.adding(days: step.days)
                if trigger <= date && !calledSince(trigger) { return (step, trigger) }
            }
            return nil
        }
        var best: (Policy.Step, CalendarDate)?
        for step in steps.overdueCalls where steps.applies(step, to: open) {
            guard let first = AgendaRules.triggerDate(step, inv, at: date) else { continue }
            // Called since the step triggered: it comes back `callEveryDays` after that call.
            let since = calledSince(first) ? lastCall!.adding(days: steps.callIntervalDays) : first
            guard since <= date else { continue }
            if best.map({ since < $0.1 }) ?? true { best = (step, since) }
        }
        return best
    }

    /// Calls and letters are ranked by what they are about: the sum over their items of the open amount times
    /// (30 + days overdue) / 30 (a month late counts double; items not yet due count once), times the payer
    /// profile's factor (100 + average days late, 0 to 60) / 100: a customer who pays 30 days late weighs 1.3.
    func score(_ numbers: Set<String>, payerDaysLate: Int, claim: (String) -> Money, invoice: (String) -> Invoice?) -> Int64 {
        var weighted = Money.zero
        for n in numbers {
            guard let inv = invoice(n) else { continue }
            let late = Int64(max(0, inv.dueDate.days(until: date)))
            weighted += claim(n).scaled(by: 30 + late, over: 30)
        }
        return weighted.scaled(by: 100 + Int64(min(60, max(0, payerDaysLate))), over: 100).cents
    }

    /// The date the step last fell due for this item on or before `date`, or nil if it does not apply yet
    /// (or no longer: steps before the due date end on the due date).
    static func triggerDate(_ step: Policy.Step, _ inv: Invoice, at date: CalendarDate) -> CalendarDate? {
        let anchor = step.relativeTo == .issue ? inv.issueDate : inv.dueDate
        let first = anchor.adding(days: step.days)
        guard first <= date else { return nil }
        if step.relativeTo == .due, step.days < 0, date > inv.dueDate { return nil }
        guard let every = step.repeatEveryDays else { return first }
        return first.adding(days: (first.days(until: date) / every) * every)
    }
}
