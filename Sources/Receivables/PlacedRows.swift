/// Rows kept in one array in the order they came, with a table from each id to its place (issue 23): the book's
/// payments, and the invoices of `InvoiceTable`.
///
/// Why not `[String: Row]`: at 100,000 rows each lookup by id is a probe into a table of megabytes, a cache miss or
/// two, and the book's lists of a customer's rows held ids to look up again. A customer's rows are now places in
/// the array, read without a lookup, and the table from id to place holds small values.
///
/// Rows are never removed (a book never forgets an invoice or a payment; a re-import changes one in place), so
/// places never move.
public struct PlacedRows<Row: Identifiable & Sendable>: Sendable where Row.ID == String {
    private var places: [String: Int] = [:]
    /// The rows, in the order they came (a snapshot's: customer by customer).
    public private(set) var values: [Row] = []

    public init() {}

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    /// The ids, in the order the rows came.
    public var keys: LazyMapSequence<[Row], String> { values.lazy.map(\.id) }

    public mutating func reserveCapacity(_ n: Int) {
        places.reserveCapacity(n)
        values.reserveCapacity(n)
    }

    /// The row with this id (rows are added and changed by place, by the book, which keeps its customers' lists).
    public subscript(id: String) -> Row? { places[id].map { values[$0] } }

    /// The place of a row, for reading it again without looking its id up.
    public func place(of id: String) -> Int? { places[id] }
    /// (`_read`: a field read at a place copies nothing, not the whole row.)
    public subscript(place k: Int) -> Row { _read { yield values[k] } }
    func hasID(_ id: String, at k: Int) -> Bool { values[k].id == id }

    /// Adds a row whose id is new, at the end; its place.
    mutating func append(_ row: consuming Row) -> Int {
        let k = values.count
        places[row.id] = k
        values.append(row)
        return k
    }

    /// Adds `row` if its id is new, in one lookup (restoring a snapshot); nil, and nothing changed, when it is taken.
    mutating func insertNew(_ row: consuming Row) -> Int? {
        let k = values.count
        let id = row.id
        if let taken = places.updateValue(k, forKey: id) { places[id] = taken; return nil }
        values.append(row)
        return k
    }

    mutating func replace(at k: Int, with row: consuming Row) { values[k] = row }

    /// Changes the row at place `k` in place (its id stays).
    mutating func modify(at k: Int, _ change: (inout Row) -> Void) { change(&values[k]) }

    /// Every row changed by `change`, in place.
    mutating func updateAll(_ change: (inout Row) -> Void) {
        for k in values.indices { change(&values[k]) }
    }
}

extension PlacedRows: Equatable where Row: Equatable {
    /// The same rows by id, whatever order they came in (as the tables keyed by id compared).
    public static func == (a: Self, b: Self) -> Bool {
        a.count == b.count && a.values.allSatisfy { b[$0.id] == $0 }
    }
}
