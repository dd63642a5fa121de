/// The book's invoices (`PlacedRows`), and beside each one its dated settlements and their total (issue 23).
///
/// They were three tables keyed by number: restoring a payment looked its invoice up three times (to check it, to
/// add the settlement, to add to the total), and the agenda looked every invoice of every customer up twice to know
/// whether it is open. Now an allocation costs one lookup, and a customer's invoices and their settlements are read
/// at their places.
public struct InvoiceTable: Sendable {
    private var rows = PlacedRows<Invoice>()
    /// Each invoice's dated settlements (payments, credit notes, write-offs) and their sum (kept so the open amount
    /// needs no addition), at its place.
    private var settled: [Settled] = []
    struct Settled: Sendable {
        var list: [Book.Settlement] = []
        var total = Money.zero
    }
    /// Settlements of numbers that are not (yet) invoices of the book: the tables keyed by number kept them too,
    /// and an invoice that arrives later takes them over.
    private var orphans: [String: [Book.Settlement]] = [:]

    public init() {}

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }
    /// The invoices, in the order they came.
    public var values: [Invoice] { rows.values }
    /// The numbers, in the order the invoices came.
    public var keys: LazyMapSequence<[Invoice], String> { rows.keys }

    public mutating func reserveCapacity(_ n: Int) {
        rows.reserveCapacity(n)
        settled.reserveCapacity(n)
    }

    /// The invoice numbered `number`. Set by the book only, for an invoice it has whose customer stays (a new one, or
    /// one that moves, goes through `Book.insertInvoice`, which keeps the customers' lists).
    public internal(set) subscript(number: String) -> Invoice? {
        get { rows[number] }
        set {
            guard let newValue else { preconditionFailure("an invoice is never removed from a book") }
            precondition(newValue.number == number, "an invoice is set under its own number")
            guard let k = rows.place(of: number) else { preconditionFailure("a new invoice comes through Book.insertInvoice") }
            precondition(rows[place: k].customerId == newValue.customerId, "an invoice changes customer through Book.insertInvoice")
            rows.replace(at: k, with: newValue)
        }
    }

    /// The place of an invoice, for reading it and its settlements without looking its number up again.
    public func place(of number: String) -> Int? { rows.place(of: number) }
    /// (`_read`: a field read at a place, `invoices[place: k].issueDate`, copies nothing.)
    public subscript(place k: Int) -> Invoice { _read { yield rows[place: k] } }
    /// Whether the invoice at place `k` has this number (read without copying the invoice).
    func hasNumber(_ number: String, at k: Int) -> Bool { rows.hasID(number, at: k) }
    /// What an invoice still owes now, at its place.
    public func openAmount(at k: Int) -> Money { rows[place: k].amount - settled[k].total }
    public func settlements(at k: Int) -> [Book.Settlement] { settled[k].list }

    /// Adds a new invoice at the end; its place. The caller knows the number is new.
    mutating func append(_ i: consuming Invoice) -> Int {
        let number = i.number
        let k = rows.append(i)
        takeSettlements(of: number)
        return k
    }

    /// Adds `i` if its number is new, in one lookup (restoring 100,000 invoices); nil when the number is taken.
    mutating func insertNew(_ i: consuming Invoice) -> Int? {
        let number = i.number
        guard let k = rows.insertNew(i) else { return nil }
        takeSettlements(of: number)
        return k
    }

    /// The new last invoice's settlements: none, or those its number had before it came.
    private mutating func takeSettlements(of number: String) {
        guard !orphans.isEmpty, let early = orphans.removeValue(forKey: number) else { settled.append(Settled()); return }
        settled.append(Settled(list: early, total: early.reduce(Money.zero) { $0 + $1.amount }))
    }

    /// Changes the invoice at place `k` (its number stays).
    mutating func replace(at k: Int, with i: consuming Invoice) { rows.replace(at: k, with: i) }

    /// Every invoice changed by `change`, in place (a new policy realigns every level).
    mutating func updateAll(_ change: (inout Invoice) -> Void) { rows.updateAll(change) }

    mutating func settle(at k: Int, _ s: consuming Book.Settlement) {
        settled[k].total += s.amount
        settled[k].list.append(consume s)   // moved in (copied, it was 1.5 % of a launch at L)
    }

    mutating func settle(_ number: String, _ s: Book.Settlement) {
        if let k = rows.place(of: number) { settle(at: k, s) } else { orphans[number, default: []].append(s) }
    }

    /// The settlements of an invoice number (those of a number no invoice has yet too); nil when there are none.
    public func settlements(of number: String) -> [Book.Settlement]? {
        if let k = rows.place(of: number) { return settled[k].list.isEmpty ? nil : settled[k].list }
        return orphans[number]
    }

    /// Every invoice with its settlements, in place.
    public var withSettlements: LazyMapSequence<Range<Int>, (invoice: Invoice, settlements: [Book.Settlement])> {
        let (invoices, settled) = (rows.values, settled)
        return invoices.indices.lazy.map { (invoices[$0], settled[$0].list) }
    }

    /// Every settlement of the book, invoice by invoice.
    public var allSettlements: [Book.Settlement] { Array(settled.lazy.map(\.list).joined()) + orphans.values.joined() }
}

/// `settlementsByInvoice[number]` as it read when it was a table keyed by number.
public struct SettlementsByInvoice: Sendable {
    let table: InvoiceTable
    public subscript(number: String) -> [Book.Settlement]? { table.settlements(of: number) }
}
