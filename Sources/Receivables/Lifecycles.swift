/// How promises and payment plans stand at a date, evaluated from dated payment allocations.
extension Book {
    /// Payments allocated to the promise's invoices from the day it was made up to `end`.
    public func paidTowards(_ p: Promise, through end: CalendarDate) -> Money {
        p.invoices.reduce(Money.zero) { total, n in
            total + (settlementsByInvoice[n] ?? []).reduce(Money.zero) { sum, s in
                if case .payment = s.kind, s.date >= p.madeOn, s.date <= end { return sum + s.amount }
                return sum
            }
        }
    }

    /// The last day a payment counts towards the promise (promised date + grace days).
    public func deadline(of p: Promise) -> CalendarDate { p.promisedDate.adding(days: policy.graceDays) }

    /// open -> kept | partially kept | broken, judged at promised date + grace days; or withdrawn/superseded.
    public func state(of p: Promise, asOf date: CalendarDate) -> Promise.State {
        if let c = p.closedAs { return c == .withdrawn ? .withdrawn : .superseded }
        let paid = paidTowards(p, through: min(date, deadline(of: p)))
        if paid >= p.amount { return .kept }
        if date <= deadline(of: p) { return .open }
        return paid.isPositive ? .partiallyKept : .broken
    }

    /// Promises still open at `date` (they hold written reminders back on their items).
    public func openPromises(of customerId: String, asOf date: CalendarDate) -> [Promise] {
        promises(of: customerId).filter { state(of: $0, asOf: date) == .open }
    }

    /// What open promises still hold of each of a customer's invoices at `date` (issue 16: a promise holds only what
    /// it covers): its promised part less what was paid on the invoice since the promise was made, never more than the
    /// invoice's open amount. A promise made before schema 7 (no `covers`) holds its invoices whole. The rest of an
    /// invoice is still claimed: calls and letters go on for it.
    public func promisedParts(of customerId: String, asOf date: CalendarDate) -> [String: Money] {
        var held: [String: Money] = [:]
        for p in openPromises(of: customerId, asOf: date) {
            let parts = p.covers ?? p.invoices.map { Allocation(invoice: $0, amount: openAmount($0)) }
            for part in parts {
                let paid = (settlementsByInvoice[part.invoice] ?? []).reduce(Money.zero) { sum, s in
                    if case .payment = s.kind, s.date >= p.madeOn, s.date <= date { return sum + s.amount }
                    return sum
                }
                held[part.invoice, default: .zero] += p.covers == nil ? part.amount : max(.zero, part.amount - paid)
            }
        }
        for (n, h) in held { held[n] = min(h, openAmount(n)) }
        return held
    }

    /// The invoices out of dunning at `date`: covered whole by open promises (`promised`, when the caller has them),
    /// or in an active plan. One promised in part is not: its rest is still claimed.
    public func heldInvoices(of customerId: String, asOf date: CalendarDate, promised: [String: Money]? = nil) -> Set<String> {
        let parts = promised ?? promisedParts(of: customerId, asOf: date)
        // Loops, not `filter`: the agenda asks this of every customer, most with no promise and no plan, and the
        // filtered table and its closure were a tenth of the team's agenda (issue 23).
        var held = Set<String>()
        for (n, part) in parts where part.isPositive && part >= openAmount(n) { held.insert(n) }
        if plansByCustomer[customerId] != nil {
            for plan in activePlans(of: customerId, asOf: date) { held.formUnion(plan.invoices) }
        }
        return held
    }

    /// Times an invoice was covered by a promise that was then broken.
    public func brokenPromiseCount(_ invoice: String, asOf date: CalendarDate) -> Int {
        guard let inv = invoices[invoice] else { return 0 }
        return promises(of: inv.customerId).filter { $0.invoices.contains(invoice) && state(of: $0, asOf: date) == .broken }.count
    }

    /// Schedule lines with what has been paid on each, and the plan's state.
    public func status(of plan: PaymentPlan, asOf date: CalendarDate) -> PlanStatus {
        func paid(through end: CalendarDate) -> Money {
            plan.invoices.reduce(Money.zero) { total, n in
                total + (settlementsByInvoice[n] ?? []).reduce(Money.zero) { sum, s in
                    if case .payment = s.kind, s.date >= plan.createdOn, s.date <= end { return sum + s.amount }
                    return sum
                }
            }
        }
        let paidNow = paid(through: date)
        var lines: [PlanStatus.Line] = []
        var cumulative = Money.zero
        var defaultedOn: CalendarDate?
        for line in plan.schedule {
            cumulative += line.amount
            let paidBefore = cumulative - line.amount
            let covered = max(.zero, min(line.amount, paidNow - paidBefore))
            let lineDeadline = line.date.adding(days: policy.graceDays)
            var state: PlanStatus.LineState = covered == line.amount ? .paid : .open
            if state == .open, date > lineDeadline, paid(through: lineDeadline) < cumulative {
                state = .late
                defaultedOn = defaultedOn ?? lineDeadline.adding(days: 1)
            } else if state == .open, date >= line.date { state = .due }
            lines.append(.init(date: line.date, amount: line.amount, paid: covered, state: state))
        }
        let s: PaymentPlan.State = plan.cancelled ? .cancelled : paidNow >= plan.total ? .completed : defaultedOn != nil ? .defaulted : .active
        return PlanStatus(state: s, lines: lines, paid: min(paidNow, plan.total), defaultedOn: s == .defaulted ? defaultedOn : nil)
    }

    /// Plans whose items are held out of dunning at `date`.
    public func activePlans(of customerId: String, asOf date: CalendarDate) -> [PaymentPlan] {
        plans(of: customerId).filter { status(of: $0, asOf: date).state == .active }
    }
}

/// A payment plan as it stands at a date.
public struct PlanStatus: Sendable, Equatable {
    public var state: PaymentPlan.State
    public var lines: [Line]
    public var paid: Money
    public var defaultedOn: CalendarDate?

    public enum LineState: String, Sendable { case open, due, paid, late }
    public struct Line: Sendable, Equatable {
        public var date: CalendarDate
        public var amount: Money
        public var paid: Money
        public var state: LineState
    }
}

/// Builds payment plan schedules whose lines sum exactly to the total.
public enum PlanBuilder {
    public enum Period: String, Sendable, CaseIterable { case weekly, monthly }

    /// Down payment first, then `count` instalments of equal size; the cents that do not divide evenly go
    /// to the first instalments (one each), so the schedule sums exactly to `total`.
    public static func schedule(total: Money, downPayment: Money, downPaymentDate: CalendarDate, count: Int,
                                period: Period, firstInstalment: CalendarDate) throws(DomainError) -> [PaymentPlan.Instalment] {
        guard total.isPositive else { throw .nothingToSpread }
        guard downPayment.isPositive else { throw .about(.downPayment, .notPositive) }
        guard downPayment < total else { throw .downPaymentNotBelowTotal(total) }
        guard (1...60).contains(count) else { throw .instalmentCount }
        guard firstInstalment > downPaymentDate else { throw .firstInstalmentNotAfterDownPayment }
        let rest = total - downPayment
        guard rest.cents >= Int64(count) else { throw .cannotSpread(rest, instalments: count) }
        let base = rest.cents / Int64(count), extra = rest.cents % Int64(count)
        var lines = [PaymentPlan.Instalment(date: downPaymentDate, amount: downPayment)]
        for k in 0..<count {
            // Monthly dates come from the first date each time (not from the previous line), so a plan started
            // on Jan 31 goes Feb 28/29, Mar 31, Apr 30 instead of drifting to the 28th.
            let date = period == .weekly ? firstInstalment.adding(days: 7 * k) : firstInstalment.adding(months: k)
            lines.append(.init(date: date, amount: Money(cents: base + (Int64(k) < extra ? 1 : 0))))
        }
        return lines
    }

    /// Down payment as a share of the total, in whole percent rounded to the nearest (for display).
    public static func downPaymentPercent(_ down: Money, of total: Money) -> Int {
        total.isPositive ? Int(clamping: down.scaled(by: 100, over: total.cents).cents) : 0
    }
}
