/// The book's invoices: one array in the order they came, a table from each number to its place, and beside each
/// invoice its dated settlements and their total (issue 23).
///
/// Why not `[String: Invoice]` and two more tables keyed by number, as before: at 100,000 invoices each lookup of a
/// number is a probe into a table of megabytes, a cache miss or two. Restoring a payment looked its invoice up three
/// times (to check it, to add the settlement, to add to the total), and the agenda looked every invoice of every
/// customer up twice to know whether it is open. Here a customer's invoices are places in the array: the agenda and
/// the reports read them and their settlements without a lookup, and a payment's allocation costs one.
///
/// Invoices are never removed from a book (a re-import changes one in place), so places never move.
public struct InvoiceTable: Sendable {
    /// Where each invoice is in `rows`.
    private var places: [String: Int] = [:]
    /// The invoices, in the order they came (a snapshot's: customer by customer).
    public private(set) var values: [Invoice] = []
    /// Each invoice's dated settlements (payments, credit notes, write-offs), at its place.
    private var settlementLists: [[Book.Settlement]] = []
    /// Their sum, kept so the open amount needs no addition.
    private var settledTotals: [Money] = []
    /// Settlements of numbers that are not (yet) invoices of the book: the tables keyed by number kept them too,
    /// and an invoice that arrives later takes them over.
    private var orphans: [String: [Book.Settlement]] = [:]

    public init() {}

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    /// The numbers, in the order the invoices came.
    public var keys: LazyMapSequence<[Invoice], String> { values.lazy.map(\.number) }

    public mutating func reserveCapacity(_ n: Int) {
        places.reserveCapacity(n)
        values.reserveCapacity(n)
        settlementLists.reserveCapacity(n)
        settledTotals.reserveCapacity(n)
    }

    /// The invoice numbered `number`. Setting one that exists changes it in place; setting nil is refused (a book
    /// never forgets an invoice: `Book` only ever sets one).
    public subscript(number: String) -> Invoice? {
        get { places[number].map { values[$0] } }
        set {
            guard let newValue else { preconditionFailure("an invoice is never removed from a book") }
            if let k = places[number] { values[k] = newValue } else { _ = append(newValue) }
        }
    }

    /// The place of an invoice, for reading it and its settlements without looking its number up again.
    public func place(of number: String) -> Int? { places[number] }
    public subscript(place k: Int) -> Invoice { values[k] }
    /// What an invoice still owes now, at its place.
    public func openAmount(at k: Int) -> Money { values[k].amount - settledTotals[k] }
    public func settlements(at k: Int) -> [Book.Settlement] { settlementLists[k] }

    /// Adds a new invoice at the end; its place. The caller knows the number is new.
    mutating func append(_ i: Invoice) -> Int {
        let k = values.count
        places[i.number] = k
        values.append(i)
        let early = orphans.removeValue(forKey: i.number) ?? []
        settlementLists.append(early)
        settledTotals.append(early.reduce(Money.zero) { $0 + $1.amount })
        return k
    }

    /// Adds `i` if its number is new, in one lookup (restoring 100,000 invoices); nil when the number is taken.
    mutating func insertNew(_ i: consuming Invoice) -> Int? {
        let k = values.count, number = i.number
        if let taken = places.updateValue(k, forKey: number) { places[number] = taken; return nil }
        values.append(i)
        if orphans.isEmpty {
            settlementLists.append([])
            settledTotals.append(.zero)
        } else {
            let early = orphans.removeValue(forKey: number) ?? []
            settlementLists.append(early)
            settledTotals.append(early.reduce(Money.zero) { $0 + $1.amount })
        }
        return k
    }

    /// Changes the invoice at place `k` (its number stays).
    mutating func replace(at k: Int, with i: Invoice) { values[k] = i }

    /// Every invoice passed through `change`, in place (a new policy realigns every level).
    mutating func updateAll(_ change: (Invoice) -> Invoice) {
        for k in values.indices { values[k] = change(values[k]) }
    }

    mutating func settle(at k: Int, _ s: Book.Settlement) {
        settlementLists[k].append(s)
        settledTotals[k] += s.amount
    }

    mutating func settle(_ number: String, _ s: Book.Settlement) {
        if let k = places[number] { settle(at: k, s) } else { orphans[number, default: []].append(s) }
    }

    /// The settlements of an invoice number (those of a number no invoice has yet too); nil when there are none.
    public func settlements(of number: String) -> [Book.Settlement]? {
        if let k = places[number] { return settlementLists[k].isEmpty ? nil : settlementLists[k] }
        return orphans[number]
    }

    /// Every invoice with its settlements, in place.
    public var withSettlements: LazyMapSequence<Range<Int>, (invoice: Invoice, settlements: [Book.Settlement])> {
        let (rows, lists) = (values, settlementLists)
        return rows.indices.lazy.map { (rows[$0], lists[$0]) }
    }

    /// Every settlement of the book, invoice by invoice.
    public var allSettlements: [Book.Settlement] { Array(settlementLists.joined()) + orphans.values.joined() }
}

/// `settlementsByInvoice[number]` as it read when it was a table keyed by number.
public struct SettlementsByInvoice: Sendable {
    let table: InvoiceTable
    public subscript(number: String) -> [Book.Settlement]? { table.settlements(of: number) }
}
