/// The receivables book in memory: every record, with the indexes the screens and rules need.
///
/// A `Book` only changes through `apply(_:)`, so the store can rebuild it exactly by replaying its journal.
public struct Book: Sendable {
    public private(set) var customers: [String: Customer] = [:]
    /// Customer ids in the order they were added (stable listings).
    public private(set) var customerOrder: [String] = []
    public private(set) var users: [String: User] = [:]
    /// The sender of letters and e-mails (set by `relance init` and `relance company set`).
    public internal(set) var company: CompanyProfile?
    public internal(set) var settings = StoreSettings()
    /// The invoices by number, each with its settlements (see `InvoiceTable`).
    public internal(set) var invoices = InvoiceTable()
    /// Each customer's invoices, as places in `invoices`, in the order they came.
    private var invoicePlacesByCustomer = CustomerLists()
    /// The payments by id (see `PlacedRows`).
    public private(set) var payments = PlacedRows<Payment>()
    /// Each customer's payments, as places in `payments`, in the order they came.
    private var paymentPlacesByCustomer = CustomerLists()
    public private(set) var creditNotes: [String: CreditNote] = [:]
    public private(set) var disputes: [String: Dispute] = [:]
    public private(set) var disputesByCustomer: [String: [String]] = [:]
    public private(set) var promises: [String: Promise] = [:]
    public private(set) var promisesByCustomer: [String: [String]] = [:]
    public private(set) var plans: [String: PaymentPlan] = [:]
    public private(set) var plansByCustomer: [String: [String]] = [:]
    /// Activities held in memory: all of them for a book built in memory; for a book loaded from a store,
    /// those recorded since its snapshot (the rest is read per account through `BookStore.history(of:)`).
    public private(set) var activitiesByCustomer: [String: [Activity]] = [:]
    /// What the agenda needs from each customer's whole history.
    public private(set) var digests: [String: ActivityDigest] = [:]
    public private(set) var waivers: [String: LateFeeWaiver] = [:]
    /// Requests on accounts (schema 10).
    public private(set) var requests: [String: AccountRequest] = [:]
    public private(set) var requestsByCustomer: [String: [String]] = [:]
    /// The e-mails handed to the mail system and where each stands (schema 12).
    public private(set) var outbox: [String: OutboxMessage] = [:]
    public private(set) var outboxByCustomer: [String: [String]] = [:]
    public internal(set) var litigations: [String: LitigationDecision] = [:]
    /// The latest decision on each invoice.
    public internal(set) var litigationByInvoice: [String: String] = [:]
    /// Dated settlements (payment allocations, credit notes, write-offs) per invoice number, for as-of computations
    /// (kept by `invoices`, beside each invoice).
    public var settlementsByInvoice: SettlementsByInvoice { SettlementsByInvoice(table: invoices) }

    /// Marks a generated book as a demo: its users may be chosen with `--user` by anyone (README examples).
    public mutating func markAsDemo() { settings.demo = true; revision += 1 }

    /// A demo store, as `relance demo` makes it: flagged, and no user with a Unix login. The flag alone is not
    /// trusted (issue 15: planted in a real store's snapshot it unlocked `--user` for anyone): a store whose users
    /// have logins is a team's, whatever it claims, and `check` reports the claim.
    public var isDemo: Bool { settings.demo && !users.values.contains { $0.login != nil } }

    /// The active users whose Unix login is `login`.
    public func user(withLogin login: String) -> User? { users.values.first { $0.isActive && $0.login == login } }

    /// A customer's collector when that is an active user; nil shows the account as unassigned.
    public func assignedCollector(of customerId: String) -> String? {
        guard let id = customers[customerId]?.collector, let u = users[id], u.isActive else { return nil }
        return id
    }

    public var policy: Policy { didSet { dunningSteps = DunningSteps(policy) } }
    /// The policy's steps as the dunning rules read them, made again whenever the policy changes.
    public private(set) var dunningSteps: DunningSteps
    /// Who changed the store's policy, and what (see `StoredPolicy`).
    public internal(set) var policyLog: [PolicyChange] = []
    /// The store has a policy of its own (a record in its snapshot), rather than the one shipped with Relance.
    public internal(set) var hasOwnPolicy = false
    public var reasons: ReasonCatalogue
    /// Bumped by every change, so screens know when to recompute what they show.
    public internal(set) var revision = 0
    /// The customer the last record restored referred to, known to be in the book: a snapshot's invoices and
    /// payments come customer by customer, so most need no lookup of their customer (a tenth of a restore), nor of
    /// their lists.
    var lastRestored: RestoredCustomer?
    struct RestoredCustomer: Sendable {
        var id: String
        /// Its slots in `invoicePlacesByCustomer` and `paymentPlacesByCustomer`, once known.
        var invoiceSlot: Int?
        var paymentSlot: Int?
        /// Where in its invoices the last payment restored found its invoice: the next one is most often just after.
        var lastSettled = 0
    }

    public init(policy: Policy = .standard, reasons: ReasonCatalogue = .standard) {
        self.policy = policy
        self.dunningSteps = DunningSteps(policy)
        self.reasons = reasons
    }

    /// A dated reduction of an invoice's open amount.
    public struct Settlement: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case payment(String), creditNote(String), writeOff(String) }
        public var date: CalendarDate
        public var amount: Money
        public var kind: Kind
    }

    // MARK: Queries

    public func invoices(of customerId: String) -> [Invoice] {
        (invoicePlacesByCustomer[customerId] ?? []).map { invoices[place: $0] }
    }

    /// The numbers of a customer's invoices, in the order they came.
    public func invoiceNumbers(of customerId: String) -> [String] {
        (invoicePlacesByCustomer[customerId] ?? []).map { invoices[place: $0].number }
    }

    /// Each of a customer's invoices with its settlements, read in place (the reports go over every invoice of every
    /// customer: no lookup by number for either).
    public func invoicesWithSettlements(of customerId: String) -> LazyMapSequence<[Int], (invoice: Invoice, settlements: [Settlement])> {
        let table = invoices
        return (invoicePlacesByCustomer[customerId] ?? []).lazy.map { (table[place: $0], table.settlements(at: $0)) }
    }

    /// What is still owed on an invoice now.
    public func openAmount(_ number: String) -> Money {
        guard let k = invoices.place(of: number) else { return .zero }
        return invoices.openAmount(at: k)
    }

    /// What was owed on an invoice at the end of `date`: zero if not yet issued, less settlements dated on or before.
    public func openAmount(_ number: String, asOf date: CalendarDate) -> Money {
        guard let k = invoices.place(of: number) else { return .zero }
        return Self.openAmount(of: invoices[place: k], settlements: invoices.settlements(at: k), asOf: date)
    }

    /// The same for an invoice whose settlements are already at hand: a report asking for many dates looks them up
    /// once (the team's report asked 15 dates of each of 100,000 invoices, each time by its number).
    public static func openAmount(of inv: Invoice, settlements: [Settlement], asOf date: CalendarDate) -> Money {
        guard inv.issueDate <= date else { return .zero }
        return inv.amount - settlements.reduce(Money.zero) { $1.date <= date ? $0 + $1.amount : $0 }
    }

    /// A customer's open invoices with what each still owes.
    public func openInvoicesWithAmounts(of customerId: String) -> [(invoice: Invoice, open: Money)] {
        (invoicePlacesByCustomer[customerId] ?? []).compactMap { k in
            let open = invoices.openAmount(at: k)
            return open.isPositive ? (invoices[place: k], open) : nil
        }
    }

    /// The number of the customer's `k`-th invoice, in the order they came (as `invoiceNumbers(of:)` lists them).
    public func invoiceNumber(at k: Int, of customerId: String) -> String? {
        guard let places = invoicePlacesByCustomer[customerId], places.indices.contains(k) else { return nil }
        return invoices[place: places[k]].number
    }

    public func openInvoices(of customerId: String) -> [Invoice] { openInvoicesWithAmounts(of: customerId).map(\.invoice) }

    /// Amount of an invoice under active dispute.
    public func disputedAmount(_ number: String) -> Money {
        guard let inv = invoices[number] else { return .zero }
        return (disputesByCustomer[inv.customerId] ?? []).compactMap { disputes[$0] }.filter(\.isActive)
            .flatMap(\.lines).filter { $0.invoice == number }.sum(\.amount)
    }

    public func activeDisputes(of customerId: String) -> [Dispute] {
        (disputesByCustomer[customerId] ?? []).compactMap { disputes[$0] }.filter(\.isActive)
    }

    public func disputes(of customerId: String) -> [Dispute] {
        (disputesByCustomer[customerId] ?? []).compactMap { disputes[$0] }
    }

    public func promises(of customerId: String) -> [Promise] {
        (promisesByCustomer[customerId] ?? []).compactMap { promises[$0] }
    }

    public func plans(of customerId: String) -> [PaymentPlan] {
        (plansByCustomer[customerId] ?? []).compactMap { plans[$0] }
    }

    public func payments(of customerId: String) -> [Payment] {
        (paymentPlacesByCustomer[customerId] ?? []).map { payments[place: $0] }
    }

    /// The activities held in memory, oldest first (see `activitiesByCustomer`).
    public func activities(of customerId: String) -> [Activity] { activitiesByCustomer[customerId] ?? [] }

    public func digest(of customerId: String) -> ActivityDigest { digests[customerId] ?? ActivityDigest() }

    /// On-account credit: payments not yet lettered to invoices.
    public func unallocatedCredit(of customerId: String) -> Money {
        // Each payment read at its place, not copied into an array (the agenda asks this of every customer).
        (paymentPlacesByCustomer[customerId] ?? []).reduce(Money.zero) { $0 + payments[place: $1].unallocated }
    }

    /// Money received by `date` and not yet settling an invoice at that date: unlettered, or lettered to an invoice
    /// issued later (the aged balance's "on account" column; DSO net and the credit exposure count it).
    public func onAccount(of customerId: String, asOf date: CalendarDate) -> Money {
        onAccount(of: customerId, asOf: [date])[0]
    }

    /// The same at several dates, each payment's settlements gathered once.
    public func onAccount(of customerId: String, asOf dates: [CalendarDate]) -> [Money] {
        var totals = [Money](repeating: .zero, count: dates.count)
        guard let last = dates.max() else { return totals }
        for place in paymentPlacesByCustomer[customerId] ?? [] {
            // The payment looked up in place, its settlements gathered without a set or an array for the usual single
            // allocation (the aged balance asked this of 65,000 payments: a third of its time, issue 23).
            let p = payments[place: place]
            guard p.date <= last else { continue }   // received after every date: on account at none
            let kind = Settlement.Kind.payment(p.id)
            var own: [Settlement] = []
            if p.allocations.count == 1 {
                for s in invoices.settlements(of: p.allocations[0].invoice) ?? [] where s.kind == kind { own.append(s) }
            } else {
                for n in Set(p.allocations.map(\.invoice)) {
                    for s in invoices.settlements(of: n) ?? [] where s.kind == kind { own.append(s) }
                }
            }
            for (k, date) in dates.enumerated() where p.date <= date {
                totals[k] += p.amount - own.reduce(Money.zero) { $1.date <= date ? $0 + $1.amount : $0 }
            }
        }
        return totals
    }

    /// The disputed part of an invoice at `date`: disputes opened by then and not resolved by then.
    public func disputedAmount(_ number: String, asOf date: CalendarDate) -> Money {
        guard let inv = invoices[number] else { return .zero }
        return (disputesByCustomer[inv.customerId] ?? []).compactMap { disputes[$0] }
            .filter { $0.openedOn <= date && ($0.isActive || ($0.resolvedOn.map { $0 > date } ?? false)) }
            .flatMap(\.lines).filter { $0.invoice == number }.sum(\.amount)
    }

    /// Allocations that settle their invoice later than their payment's date (the invoice was issued after it), for
    /// `check` to list: the money was on account until the invoice existed.
    public func allocationsBeforeIssue() -> [(payment: Payment, invoice: Invoice)] {
        var out: [(Payment, Invoice)] = []
        for p in payments.values.sorted(by: { $0.id < $1.id }) {
            for a in p.allocations { if let inv = invoices[a.invoice], inv.issueDate > p.date { out.append((p, inv)) } }
        }
        return out
    }

    /// Activities recorded, loaded or not.
    public var activityCount: Int { digests.values.reduce(0) { $0 + $1.count } }

    /// Room for `count` more invoices or customers at once: a million-row import then grows its table once
    /// instead of doubling it twenty times, each doubling holding the old table and the new one (issue 9).
    public mutating func reserveCapacity(invoices count: Int) { invoices.reserveCapacity(invoices.count + count) }
    public mutating func reserveCapacity(customers count: Int) {
        customers.reserveCapacity(customers.count + count)
        customerOrder.reserveCapacity(customerOrder.count + count)
    }

    // MARK: Mutation (only through apply)

    mutating func insertCustomer(_ c: Customer) {
        if customers.updateValue(c, forKey: c.id) == nil { customerOrder.append(c.id) }   // one lookup
    }
    mutating func setUser(_ u: User) { users[u.id] = u }
    mutating func insertInvoice(_ i: Invoice) {
        var i = i
        // An invoice sent again without its dunning state (a re-import, an edit) keeps the one it has.
        if i.dunningLevel == nil && i.lastDunned == nil, let old = invoices[i.number] {
            i.dunningLevel = old.dunningLevel; i.lastDunned = old.lastDunned; i.dunningStep = old.dunningStep
        }
        i = ladderChecked(i)
        if let k = invoices.place(of: i.number) {
            let old = invoices[place: k]
            invoices.replace(at: k, with: i)
            if old.customerId != i.customerId {
                invoicePlacesByCustomer.remove(k, from: old.customerId)
                invoicePlacesByCustomer.append(k, to: i.customerId)
            }
            return
        }
        invoicePlacesByCustomer.append(invoices.append(i), to: i.customerId)
    }
    /// The item's place on the ladder as this book reads it. A due date moved after the last letter (an extension):
    /// the letters were sent before it, so the item starts its ladder again (the date of the last letter stays, for
    /// the minimum interval); and the level follows its step in this book's policy, whatever path it came by.
    func ladderChecked(_ i: consuming Invoice) -> Invoice {
        var i = i
        if let last = i.lastDunned, last <= i.dueDate, i.level > 0 { i.dunningLevel = 0; i.dunningStep = nil }
        Self.realign(&i, steps: dunningSteps)
        return i
    }

    /// A snapshot's invoice, new to the book, in one lookup (restoring 100,000 invoices: issue 23); false when its
    /// number is taken (the load then fails).
    mutating func insertNewInvoice(_ i: consuming Invoice) -> Bool {
        let customer = i.customerId
        // (`consume`: without it the invoice was copied here, and the copy's strings released: 3 % of a launch at L.)
        guard let k = invoices.insertNew(ladderChecked(consume i)) else { return false }
        if lastRestored?.id == customer { invoicePlacesByCustomer.append(k, to: customer, slot: &lastRestored!.invoiceSlot) }
        else { invoicePlacesByCustomer.append(k, to: customer) }
        return true
    }

    /// A snapshot's payment, new to the book: each allocation's invoice looked up once; false when its id is taken.
    mutating func insertNewPayment(_ p: consuming Payment) throws(DomainError) -> Bool {
        let customer = p.customerId
        // Most payments settle one invoice: no array for them (one allocation a payment restored, issue 23).
        if p.allocations.count == 1 {
            let a = p.allocations[0]
            guard let k = placeOfRestored(a.invoice, customer: customer) else { throw .refersToUnknown(.invoice, a.invoice) }
            let s = Settlement(date: Self.settlementDate(of: a, in: p, issued: invoices[place: k].issueDate), amount: a.amount, kind: .payment(p.id))
            guard let place = payments.insertNew(consume p) else { return false }
            listRestoredPayment(place, of: customer)
            invoices.settle(at: k, consume s)
            return true
        }
        var settles: [(place: Int, settlement: Settlement)] = []
        settles.reserveCapacity(p.allocations.count)
        for a in p.allocations {
            guard let k = placeOfRestored(a.invoice, customer: customer) else { throw .refersToUnknown(.invoice, a.invoice) }
            settles.append((k, Settlement(date: Self.settlementDate(of: a, in: p, issued: invoices[place: k].issueDate), amount: a.amount, kind: .payment(p.id))))
        }
        guard let place = payments.insertNew(consume p) else { return false }   // the payment moves in
        listRestoredPayment(place, of: customer)
        for s in settles { invoices.settle(at: s.place, s.settlement) }
        return true
    }

    private mutating func listRestoredPayment(_ place: Int, of customer: String) {
        if lastRestored?.id == customer { paymentPlacesByCustomer.append(place, to: customer, slot: &lastRestored!.paymentSlot) }
        else { paymentPlacesByCustomer.append(place, to: customer) }
    }

    /// The place of invoice `number`, which a payment of `customer` settles. A snapshot's payments come customer by
    /// customer, most often in the order of their invoices: the invoice is looked for among the last restored
    /// customer's own (a few dozen at most), from where the last one was found, before the table of every invoice
    /// (at L, 400,000 numbers: each probe a cache miss or two, a sixth of the restore).
    private mutating func placeOfRestored(_ number: String, customer: String) -> Int? {
        if lastRestored?.id == customer {
            if lastRestored!.invoiceSlot == nil { lastRestored!.invoiceSlot = invoicePlacesByCustomer.slot(of: customer) }
            if let slot = lastRestored!.invoiceSlot {
                let places = invoicePlacesByCustomer.places(atSlot: slot)
                if !places.isEmpty {
                    var j = min(lastRestored!.lastSettled, places.count - 1)
                    for _ in 0..<min(places.count, 32) {
                        if invoices.hasNumber(number, at: places[j]) { lastRestored!.lastSettled = j; return places[j] }
                        j = j + 1 == places.count ? 0 : j + 1
                    }
                }
            }
        }
        return invoices.place(of: number)
    }

    /// Room for a snapshot's records, counted before they are restored: the tables are made at their size rather
    /// than doubled a dozen times (a twelfth of an open at 100,000 invoices).
    public mutating func reserveForRestore(customers c: Int, invoices i: Int, payments p: Int) {
        customers.reserveCapacity(customers.count + c)
        customerOrder.reserveCapacity(customerOrder.count + c)
        invoicePlacesByCustomer.reserveCapacity(invoicePlacesByCustomer.count + c)
        paymentPlacesByCustomer.reserveCapacity(paymentPlacesByCustomer.count + c)
        digests.reserveCapacity(digests.count + c)
        invoices.reserveCapacity(invoices.count + i)
        payments.reserveCapacity(payments.count + p)
    }

    /// An allocation settles its invoice on the later of the payment's (or the lettering's) date and the invoice's
    /// issue date (issue 17): a payment of 08/02 lettered to an invoice of 18/02, as an ERP export of a month's
    /// invoices then its payments does, is money on account until 18/02, never cash that vanished in between. The
    /// rule applies on replay too, so an existing store reads right.
    func settlementDate(of invoice: String, from date: CalendarDate) -> CalendarDate {
        max(date, invoices[invoice]?.issueDate ?? date)
    }
    /// The same for a snapshot's allocation whose invoice is at hand.
    static func settlementDate(of a: Allocation, in p: Payment, issued: CalendarDate) -> CalendarDate {
        max(max(p.date, a.date ?? p.date), issued)
    }
    mutating func insertPayment(_ p: Payment) {
        if let place = payments.place(of: p.id) { payments.replace(at: place, with: p) }   // (the rules refuse an id taken)
        else { paymentPlacesByCustomer.append(payments.append(p), to: p.customerId) }
        for a in p.allocations { settle(a.invoice, Settlement(date: settlementDate(of: a.invoice, from: max(p.date, a.date ?? p.date)), amount: a.amount, kind: .payment(p.id))) }
    }
    mutating func addAllocations(paymentId: String, _ allocations: [Allocation], date: CalendarDate) {
        if let place = payments.place(of: paymentId) { payments.modify(at: place) { $0.allocations.append(contentsOf: allocations) } }
        for a in allocations { settle(a.invoice, Settlement(date: settlementDate(of: a.invoice, from: max(date, a.date ?? date)), amount: a.amount, kind: .payment(paymentId))) }
    }
    mutating func insertCreditNote(_ n: CreditNote) {
        creditNotes[n.id] = n
        settle(n.invoice, Settlement(date: n.date, amount: n.amount, kind: .creditNote(n.id)))
    }
    mutating func settle(_ invoice: String, _ s: Settlement) {
        invoices.settle(invoice, s)
    }
    mutating func appendActivity(_ a: Activity) {
        activitiesByCustomer[a.customerId, default: []].append(a)
        digests[a.customerId, default: ActivityDigest()].add(a)
        recordDunning(a)   // idempotent: a snapshot's levels and a replayed letter agree
    }

    /// Sets a customer's digest as a store saved it (the activities themselves stay on disk).
    public mutating func restoreDigest(_ digest: ActivityDigest, of customerId: String) throws(DomainError) {
        guard customers[customerId] != nil else { throw .refersToUnknown(.customer, customerId) }
        digests[customerId] = digest
        revision += 1
    }

    /// Forgets the activities held in memory once a store has written them to its history file; the digests stay.
    /// `written` gives, per customer, how many of the first activities were written (later ones stay in memory).
    public mutating func releaseActivities(written: [String: Int]) {
        for (id, n) in written where n > 0 {
            guard let list = activitiesByCustomer[id] else { continue }
            activitiesByCustomer[id] = n >= list.count ? nil : Array(list.dropFirst(n))
        }
        revision += 1
    }
    mutating func setDispute(_ d: Dispute) {
        if disputes[d.id] == nil { disputesByCustomer[d.customerId, default: []].append(d.id) }
        disputes[d.id] = d
    }
    mutating func setPromise(_ p: Promise) {
        if promises[p.id] == nil { promisesByCustomer[p.customerId, default: []].append(p.id) }
        promises[p.id] = p
    }
    mutating func setPlan(_ p: PaymentPlan) {
        if plans[p.id] == nil { plansByCustomer[p.customerId, default: []].append(p.id) }
        plans[p.id] = p
    }
    mutating func setWaiver(_ w: LateFeeWaiver) { waivers[w.invoice] = w }
    mutating func setRequest(_ r: AccountRequest) {
        if requests[r.id] == nil { requestsByCustomer[r.customerId, default: []].append(r.id) }
        requests[r.id] = r
    }
    mutating func setOutbox(_ m: OutboxMessage) {
        if outbox[m.id] == nil { outboxByCustomer[m.customerId, default: []].append(m.id) }
        outbox[m.id] = m
    }
    mutating func updateCustomer(_ id: String, _ body: (inout Customer) -> Void) {
        if var c = customers[id] { body(&c); customers[id] = c }
    }
}
