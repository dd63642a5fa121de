/// What the account screen shows: exposure figures and the open items, largest first, with the Pareto cut.
public struct AccountSummary: Sendable {
    public var customer: Customer
    public var date: CalendarDate
    public var totalOpen: Money
    public var overdue: Money
    public var disputed: Money
    /// Still expected on open promises (promised less received).
    public var promised: Money
    /// The next promised date, when a promise is open, and how many are open.
    public var promisedFor: CalendarDate?
    public var promiseCount = 0
    /// Overdue and not held by a promise: what is still claimed ("1 000,50 € promised for 30/11, 98 832,41 € still
    /// overdue").
    public var stillOverdue: Money
    public var onAccountCredit: Money
    public var lateFees: Money
    /// Credit limit use in tenths of a percent, when a limit is set.
    public var creditUsePermille: Int?
    public var payerProfile: PayerProfile?
    public var items: [ItemRow]
    /// Index of the row where the cumulative share first reaches 80 %.
    public var paretoCutIndex: Int?

    public struct ItemRow: Sendable, Equatable {
        public var invoice: Invoice
        public var open: Money
        /// Positive when past due.
        public var daysPastDue: Int
        public var disputed: Money
        /// Days since the oldest active dispute on the item was opened.
        public var disputeAge: Int?
        public var state: ItemState
        public var cumulativePermille: Int
        public var brokenPromises: Int
        /// 90 days or more after issue: the zone where most debts become irrecoverable, and everything beyond it.
        public var critical: Bool
        /// Beyond the zone (over 120 days after issue): worse.
        public var pastCriticalZone: Bool
        public var lateFees: LateFees
        /// What an open promise holds of it (the whole open amount when `state` is `.promised`).
        public var promisedPart: Money = .zero
    }

    public enum ItemState: String, Sendable {
        case notDue = "not due", dueSoon = "due soon", overdue, disputed, promised, inPlan = "in plan", handedOver = "handed over"
    }

    public init(book: Book, customerId: String, date: CalendarDate) {
        let customer = book.customers[customerId]!
        self.customer = customer
        self.date = date
        let promised = book.openPromises(of: customerId, asOf: date)
        let parts = book.promisedParts(of: customerId, asOf: date)
        let promisedItems = Set(parts.filter { $0.value.isPositive && $0.value >= book.openAmount($0.key) }.keys)
        let planItems = Set(book.activePlans(of: customerId, asOf: date).flatMap(\.invoices))
        let policy = book.policy
        var rows: [ItemRow] = book.openInvoices(of: customerId).map { inv in
            let open = book.openAmount(inv.number)
            let late = inv.dueDate.days(until: date)
            let disputed = book.disputedAmount(inv.number)
            let state: ItemState = book.isInLitigation(inv.number) ? .handedOver : disputed.isPositive ? .disputed : planItems.contains(inv.number) ? .inPlan
                : promisedItems.contains(inv.number) ? .promised : late > 0 ? .overdue : late >= -14 ? .dueSoon : .notDue
            let disputeAge = book.activeDisputes(of: customerId).filter { $0.invoices.contains(inv.number) }.map { $0.age(at: date) }.max()
            let age = inv.issueDate.days(until: date)
            return ItemRow(invoice: inv, open: open, daysPastDue: late, disputed: disputed, disputeAge: disputeAge, state: state, cumulativePermille: 0,
                           brokenPromises: book.brokenPromiseCount(inv.number, asOf: date),
                           critical: age >= policy.criticalZoneDaysAfterIssue.from, pastCriticalZone: age > policy.criticalZoneDaysAfterIssue.to,
                           lateFees: book.lateFees(inv.number, asOf: date), promisedPart: parts[inv.number] ?? .zero)
        }
        rows.sort { $0.open != $1.open ? $0.open > $1.open : $0.invoice.dueDate < $1.invoice.dueDate }
        let total = rows.sum(\.open)
        var running = Money.zero
        var cut: Int?
        for i in rows.indices {
            running += rows[i].open
            rows[i].cumulativePermille = running.permille(of: total)
            if cut == nil, rows[i].cumulativePermille >= 800 { cut = i }
        }
        items = rows
        paretoCutIndex = cut
        totalOpen = total
        overdue = rows.filter { $0.daysPastDue > 0 }.sum(\.open)
        disputed = rows.sum(\.disputed)
        // What the open promises still hold, item by item (the same figure the agenda and the letters use), and the
        // overdue amount less what they hold of it: the two add up to "Overdue".
        self.promised = rows.sum(\.promisedPart)
        promisedFor = promised.map(\.promisedDate).min()
        promiseCount = promised.count
        stillOverdue = overdue - rows.filter { $0.daysPastDue > 0 }.sum(\.promisedPart)
        onAccountCredit = book.unallocatedCredit(of: customerId)
        lateFees = rows.sum { $0.lateFees.total }
        // Money received and not yet lettered lowers the exposure (issue 17).
        creditUsePermille = customer.creditLimit.flatMap { $0.isPositive ? max(.zero, total - onAccountCredit).permille(of: $0) : nil }
        payerProfile = book.payerProfile(of: customerId, asOf: date)
    }
}

/// Money received on an account: a payment or a credit note, what it was lettered to, what is left on account.
public struct Receipt: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case payment, creditNote }
    public var kind: Kind
    public var id: String
    public var date: CalendarDate
    public var amount: Money
    /// The bank reference of a payment, the number of a credit note.
    public var reference: String?
    public var lettered: [Allocation]
    /// Not lettered yet (a payment's on-account credit).
    public var onAccount: Money
}

extension Book {
    /// The payments and credit notes received from a customer (issue 16: a 20 000 € cheque appeared nowhere on the
    /// account): money still on account first (to letter before calling), then the newest first.
    public func receipts(of customerId: String) -> [Receipt] {
        var out = payments(of: customerId).map {
            // A credit note of the accounting package (a FEC's credit line outside the bank journals) is one here too.
            Receipt(kind: $0.isCash ? .payment : .creditNote, id: $0.id, date: $0.date, amount: $0.amount, reference: $0.reference, lettered: $0.allocations, onAccount: $0.unallocated)
        }
        let numbers = Set(invoiceNumbers(of: customerId))
        for n in creditNotes.values where numbers.contains(n.invoice) {
            out.append(Receipt(kind: .creditNote, id: n.id, date: n.date, amount: n.amount, reference: n.number ?? n.id,
                               lettered: [Allocation(invoice: n.invoice, amount: n.amount)], onAccount: .zero))
        }
        return out.sorted { a, b in
            if a.onAccount.isPositive != b.onAccount.isPositive { return a.onAccount.isPositive }
            return (a.date, a.id) > (b.date, b.id)
        }
    }
}
