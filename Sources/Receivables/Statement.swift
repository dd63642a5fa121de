/// A statement of account (relevé de compte, issue 22, 4): what a customer owed at the end of a day, and what
/// settled its invoices over a period. Values only; `StatementWriter` words it in the customer's language.
///
/// Open items are the invoices issued by `asOf` with something still open at its end (settlements dated later do
/// not count), oldest due date first. Movements are the payments and credit notes dated in `from...asOf`, each with
/// the invoices it settled by `asOf`. The balance is the open items less the money received by then and not yet
/// lettered to them (on account): what the customer owes, net.
public struct Statement: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var number: String
        public var issueDate: CalendarDate
        public var dueDate: CalendarDate
        public var amount: Money
        public var open: Money
        /// Days past due at `asOf` (negative: not due yet).
        public var daysLate: Int
    }

    public struct Movement: Sendable, Equatable {
        public enum Kind: String, Sendable { case payment, creditNote = "credit-note" }
        public var date: CalendarDate
        public var kind: Kind
        /// The payment's reference or the credit note's number, as the customer knows it.
        public var reference: String
        public var amount: Money
        /// The invoices it settled, with how much of each.
        public var settled: [(invoice: String, amount: Money)]

        public static func == (a: Movement, b: Movement) -> Bool {
            a.date == b.date && a.kind == b.kind && a.reference == b.reference && a.amount == b.amount
                && a.settled.map(\.invoice) == b.settled.map(\.invoice) && a.settled.map(\.amount) == b.settled.map(\.amount)
        }
    }

    public var customerId: String
    public var customerName: String
    public var from: CalendarDate
    public var asOf: CalendarDate
    public var items: [Item]
    public var movements: [Movement]
    public var totalOpen: Money
    /// The open items past due at `asOf`.
    public var overdue: Money
    public var onAccount: Money
    /// `totalOpen − onAccount`.
    public var balance: Money { totalOpen - onAccount }

    /// The default period: from the first day of the month two months before `asOf` (a quarter).
    public static func defaultFrom(asOf: CalendarDate) -> CalendarDate {
        let start = asOf.adding(months: -2)
        return CalendarDate(year: start.year, month: start.month, day: 1) ?? start
    }
}

extension Book {
    /// The customer's statement of account at the end of `asOf`, with the movements from `from` (nil: unknown customer).
    public func statement(of customerId: String, asOf: CalendarDate, from: CalendarDate? = nil) -> Statement? {
        guard let customer = customers[customerId] else { return nil }
        let from = from ?? Statement.defaultFrom(asOf: asOf)
        let items = invoices(of: customerId).compactMap { inv -> Statement.Item? in
            let open = openAmount(inv.number, asOf: asOf)
            guard inv.issueDate <= asOf, open.isPositive else { return nil }
            return .init(number: inv.number, issueDate: inv.issueDate, dueDate: inv.dueDate, amount: inv.amount, open: open,
                         daysLate: inv.dueDate.days(until: asOf))
        }.sorted { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) }
        var movements: [Statement.Movement] = []
        for p in payments(of: customerId) where p.date >= from && p.date <= asOf {
            var settled: [(invoice: String, amount: Money)] = []
            for a in p.allocations where (a.date ?? p.date) <= asOf { settled.append((a.invoice, a.amount)) }
            movements.append(.init(date: p.date, kind: p.isCash ? .payment : .creditNote, reference: p.reference ?? p.id,
                                   amount: p.amount, settled: settled))
        }
        let numbers = Set(invoices(of: customerId).map(\.number))
        for n in creditNotes.values where numbers.contains(n.invoice) && n.date >= from && n.date <= asOf {
            movements.append(.init(date: n.date, kind: .creditNote, reference: n.number ?? n.id, amount: n.amount, settled: [(n.invoice, n.amount)]))
        }
        movements.sort { ($0.date, $0.reference) < ($1.date, $1.reference) }
        let total = items.reduce(Money.zero) { $0 + $1.open }
        let overdue = items.filter { $0.daysLate > 0 }.reduce(Money.zero) { $0 + $1.open }
        return Statement(customerId: customerId, customerName: customer.name, from: from, asOf: asOf, items: items, movements: movements,
                         totalOpen: total, overdue: overdue, onAccount: onAccount(of: customerId, asOf: asOf))
    }
}
