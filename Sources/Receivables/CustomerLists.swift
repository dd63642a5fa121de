/// Each customer's rows in a table (its invoices, its payments) as places, the lists kept by slot in one array
/// (issue 23).
///
/// Why slots: a snapshot comes customer by customer, so restoring its 500,000 invoices and payments added each to
/// its customer's list through a lookup of the customer in a table of 20,000 (at L, a tenth of the restore). The
/// restore now looks the customer up once and appends at its slot. A customer's slot never changes and is never
/// removed (a list may become empty), so a slot once known stays right, in every copy of the book.
public struct CustomerLists: Sendable {
    private var slots: [String: Int] = [:]
    private var lists: [[Int]] = []

    public init() {}

    /// Customers with a list.
    public var count: Int { lists.count }

    /// The customer's places, in the order they came; nil for a customer never given one.
    public subscript(customer: String) -> [Int]? { slots[customer].map { lists[$0] } }

    /// The customer's slot, for appending without looking the customer up again.
    func slot(of customer: String) -> Int? { slots[customer] }
    /// The places at a slot.
    func places(atSlot s: Int) -> [Int] { lists[s] }

    /// Adds `place` at the end of the customer's list; the customer's slot.
    @discardableResult
    mutating func append(_ place: Int, to customer: String) -> Int {
        if let s = slots[customer] { lists[s].append(place); return s }
        slots[customer] = lists.count
        lists.append([place])
        return lists.count - 1
    }

    /// Adds `place` to the customer's list at `slot` when it is known, else looking the customer up and saying its slot.
    mutating func append(_ place: Int, to customer: String, slot: inout Int?) {
        if let s = slot { lists[s].append(place) } else { slot = append(place, to: customer) }
    }

    /// Takes `place` out of the customer's list (an invoice moved to another customer by a re-import).
    mutating func remove(_ place: Int, from customer: String) {
        guard let s = slots[customer] else { return }
        lists[s].removeAll { $0 == place }
    }

    mutating func reserveCapacity(_ n: Int) {
        slots.reserveCapacity(n)
        lists.reserveCapacity(n)
    }
}
