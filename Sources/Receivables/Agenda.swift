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
        var calls: [AgendaLine] = [], written: [AgendaLine] = []
        for id in book.customerOrder {
            guard let c = book.customers[id] else { continue }
            if let collector {
                if collector == Agenda.unassigned { guard book.assignedCollector(of: id) == nil else { continue } }
                else { guard c.collector == collector else { continue } }
            }
            let (call, letters) = AgendaRules(book: book, customer: c, date: date).lines()
            if let call { calls.append(call) }
            written.append(contentsOf: letters)
        }
        calls.sort(by: AgendaLine.priorityOrder)
        written.sort(by: AgendaLine.priorityOrder)
        self.calls = calls
        self.written = written
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
    /// 0 = broken promise, 1 = promise/plan/dispute follow-up, 2 = policy steps.
    public var tier: Int
    /// Some open item is in the 90-120 days after issue zone where most debts become irrecoverable.
    public var critical: Bool
    /// Days since the earliest reason became due (undone actions roll over and age).
    public var age: Int

    /// The headline reason, shown in the agenda's "why" column.
    public var why: String { reasons.map(\.short).joined(separator: " + ") }

    /// The first reason and how many more, for narrow columns: "Broken promise +2".
    public var whyShort: String { (reasons.first?.short ?? "") + (reasons.count > 1 ? " +\(reasons.count - 1)" : "") }

    /// Tier first (broken promises on top), then amount at stake weighted by lateness, then name.
    public static func priorityOrder(_ a: AgendaLine, _ b: AgendaLine) -> Bool {
        if a.tier != b.tier { return a.tier < b.tier }
        if a.score != b.score { return a.score > b.score }
        return a.customerName < b.customerName
    }

    /// Amount at stake x (1 + days overdue / 30): a month late counts double.
    public var score: Int64 {
        let late = Int64(max(0, oldestDaysOverdue))
        return Money(cents: amountAtStake.cents / 30).times(30 + late).cents
    }
}

/// Why a line is on the agenda.
public struct AgendaReason: Sendable, Equatable {
    /// A policy step id, or `broken-promise`, `promise-due`, `dispute-follow-up`, `instalment-due`,
    /// `plan-defaulted`, `follow-up`.
    public var step: String
    public var label: String
    public var invoices: [String]
    /// The day this action became due.
    public var since: CalendarDate
    public var detail: String
    /// A few words for narrow columns.
    public var short: String

    public init(step: String, label: String, short: String? = nil, invoices: [String], since: CalendarDate, detail: String) {
        self.step = step; self.label = label; self.short = short ?? label; self.invoices = invoices; self.since = since; self.detail = detail
    }
}

/// The agenda rules for one customer at one date.
struct AgendaRules {
    let book: Book
    let customer: Customer
    let date: CalendarDate
    var policy: Policy { book.policy }

    func lines() -> (AgendaLine?, [AgendaLine]) {
        let items = book.openInvoices(of: customer.id).filter { $0.issueDate <= date }
        let digest = book.digest(of: customer.id)
        let lastCall = digest.lastCall
        func calledSince(_ d: CalendarDate) -> Bool { lastCall.map { $0 >= d } ?? false }
        let latest = digest.lastScheduled
        let scheduled = latest?.nextActionDate

        var callReasons: [AgendaReason] = []
        var tier = 2
        var held = Set<String>()       // items out of dunning: open promise, active plan
        var disputed = Set<String>()   // items under active dispute: no reminders, calls only for follow-up

        for p in book.promises(of: customer.id) {
            let state = book.state(of: p, asOf: date)
            let deadline = book.deadline(of: p)
            if state == .open {
                held.formUnion(p.invoices)
                if date >= p.promisedDate {
                    let paid = book.paidTowards(p, through: date)
                    callReasons.append(.init(step: "promise-due", label: "Promise due", invoices: p.invoices, since: p.promisedDate,
                        detail: "promised \(p.amount) for \(p.promisedDate.french), \(paid) received so far; broken after \(deadline.french)"))
                    tier = min(tier, 1)
                }
            } else if state == .broken || state == .partiallyKept, !calledSince(deadline.adding(days: 1)) {
                let paid = book.paidTowards(p, through: deadline)
                callReasons.append(.init(step: "broken-promise", label: state == .broken ? "Broken promise" : "Promise partly kept",
                    invoices: p.invoices, since: deadline.adding(days: 1),
                    detail: "promised \(p.amount) for \(p.promisedDate.french) (grace to \(deadline.french)), received \(paid)"))
                tier = 0
            }
        }
        for plan in book.plans(of: customer.id) {
            let status = book.status(of: plan, asOf: date)
            switch status.state {
            case .active:
                held.formUnion(plan.invoices)
                if let due = status.lines.first(where: { $0.state == .due }) {
                    callReasons.append(.init(step: "instalment-due", label: "Instalment due", invoices: plan.invoices, since: due.date,
                        detail: "plan \(plan.id): \(due.amount) due \(due.date.french), \(due.paid) paid"))
                    tier = min(tier, 1)
                }
            case .defaulted:
                if let d = status.defaultedOn, !calledSince(d) {
                    callReasons.append(.init(step: "plan-defaulted", label: "Plan defaulted", invoices: plan.invoices, since: d,
                        detail: "plan \(plan.id) missed an instalment; its items are back in dunning"))
                    tier = min(tier, 1)
                }
            case .completed, .cancelled: break
            }
        }
        for d in book.activeDisputes(of: customer.id) {
            disputed.formUnion(d.invoices)
            if let f = d.followUpDate, f <= date, !calledSince(f) {
                let reason = book.reasons.reason(d.reasonCode)?.en ?? d.reasonCode
                callReasons.append(.init(step: "dispute-follow-up", label: "Dispute follow-up", invoices: d.invoices, since: f,
                    detail: "\(d.reasonCode) (\(reason)), \(d.amount), \(d.age(at: date)) days old, owner \(d.ownerDepartment)"))
                tier = min(tier, 1)
            }
        }
        if let s = scheduled, let a = latest, s <= date, !calledSince(s) {
            callReasons.append(.init(step: "follow-up", label: "Scheduled follow-up", invoices: [], since: s,
                detail: "next action set on \(a.date.french) by \(a.user): \(a.note.prefix(60))"))
        }
        let snoozed = scheduled.map { $0 > date } ?? false

        // Policy steps, item by item: the latest triggered call step and written step of each item.
        var stepCalls: [String: (Policy.Step, [String], CalendarDate)] = [:]
        var stepLetters: [String: (Policy.Step, [String], CalendarDate)] = [:]
        for inv in items where !held.contains(inv.number) {
            let open = book.openAmount(inv.number)
            let isDisputed = disputed.contains(inv.number)
            // Of the steps triggered and not yet done, the one furthest down the policy wins (escalation order):
            // a formal notice replaces the courtesy reminder; once a step is done, a repeating one may come back.
            var bestCall: (Policy.Step, CalendarDate)?, bestWritten: (Policy.Step, CalendarDate)?
            for step in policy.steps where policy.step(step, appliesTo: open) {
                guard let trigger = triggerDate(step, inv) else { continue }
                if step.channel.isCall {
                    if !calledSince(trigger) { bestCall = (step, trigger) }
                } else if !digest.wrote(step: step.id, since: trigger) { bestWritten = (step, trigger) }
            }
            if let (step, trigger) = bestCall, !isDisputed, !snoozed {
                stepCalls[step.id, default: (step, [], trigger)].1.append(inv.number)
                stepCalls[step.id]!.2 = min(stepCalls[step.id]!.2, trigger)
            }
            if let (step, trigger) = bestWritten, !isDisputed {
                stepLetters[step.id, default: (step, [], trigger)].1.append(inv.number)
                stepLetters[step.id]!.2 = min(stepLetters[step.id]!.2, trigger)
            }
        }
        for (step, numbers, since) in stepCalls.values.sorted(by: { $0.0.id < $1.0.id }) {
            callReasons.append(.init(step: step.id, label: step.label, short: step.short, invoices: numbers, since: since,
                detail: "\(numbers.count) item(s), step triggers \(step.days >= 0 ? "+" : "")\(step.days) days from \(step.relativeTo.rawValue) date"))
        }

        // Money already received but not lettered: to apply before calling, or the call asks for paid invoices.
        let credit = book.unallocatedCredit(of: customer.id)
        if credit.isPositive, !items.isEmpty, !callReasons.isEmpty {
            callReasons.insert(.init(step: "on-account-credit", label: "On-account credit to letter", short: "Letter credit", invoices: [],
                                     since: date, detail: "\(credit) received without a matching invoice: letter it before calling"), at: 0)
        }

        let overdue = items.map { inv in inv.dueDate.days(until: date) }.max() ?? 0
        let critical = items.contains { policy.criticalZoneDaysAfterIssue.from...policy.criticalZoneDaysAfterIssue.to ~= $0.issueDate.days(until: date) }
        func stake(_ numbers: Set<String>) -> Money { numbers.reduce(Money.zero) { $0 + book.openAmount($1) } }

        var call: AgendaLine?
        if !callReasons.isEmpty {
            let numbers = Set(callReasons.flatMap(\.invoices))
            call = AgendaLine(kind: .call, customerId: customer.id, customerName: customer.name, collector: book.assignedCollector(of: customer.id),
                              channel: .phone, reasons: callReasons, amountAtStake: numbers.isEmpty ? book.openInvoices(of: customer.id).sum { book.openAmount($0.number) } : stake(numbers),
                              oldestDaysOverdue: overdue, contact: customer.contacts.first, tier: tier, critical: critical,
                              age: callReasons.map { $0.since.days(until: date) }.max() ?? 0)
        }
        let letters = stepLetters.values.sorted(by: { $0.0.id < $1.0.id }).map { step, numbers, since in
            AgendaLine(kind: .written, customerId: customer.id, customerName: customer.name, collector: book.assignedCollector(of: customer.id),
                       channel: step.channel,
                       reasons: [.init(step: step.id, label: step.label, short: step.short, invoices: numbers, since: since,
                                       detail: "one \(step.channel.label) listing \(numbers.count) item(s), template \(step.template)")],
                       amountAtStake: stake(Set(numbers)), oldestDaysOverdue: overdue, contact: customer.contacts.first,
                       tier: step.escalates ? 1 : 2, critical: critical, age: since.days(until: date))
        }
        return (call, letters)
    }

    /// The date the step last fell due for this item on or before `date`, or nil if it does not apply yet
    /// (or no longer: steps before the due date end on the due date).
    func triggerDate(_ step: Policy.Step, _ inv: Invoice) -> CalendarDate? {
        let anchor = step.relativeTo == .issue ? inv.issueDate : inv.dueDate
        let first = anchor.adding(days: step.days)
        guard first <= date else { return nil }
        if step.relativeTo == .due, step.days < 0, date > inv.dueDate { return nil }
        guard let every = step.repeatEveryDays else { return first }
        return first.adding(days: (first.days(until: date) / every) * every)
    }

}
