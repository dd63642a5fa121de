/// Where a book lives. Screens and commands receive this protocol, never a concrete store, so the JSON file
/// store can be replaced (by PostgreSQL for larger teams) without touching them.
public protocol BookStore: AnyObject {
    /// The latest state this instance knows.
    var book: Book { get }
    /// True when the files cannot be written by this user: screens show a banner and refuse changes.
    var isReadOnly: Bool { get }
    /// Where the store is, for messages.
    var location: String { get }
    /// Builds a change from the latest state (re-read under the lock), applies and persists it durably.
    /// Returns once the change is on disk. `make` may throw to refuse the change.
    @discardableResult
    func commit(user: String, _ make: (Book) throws -> Change) throws -> Book
    /// Picks up changes made by other instances; true if anything changed.
    func refresh() throws -> Bool
    /// A customer's whole history, oldest first (a store may keep it on disk, off the start-up path).
    func history(of customerId: String) throws -> [Activity]
    /// Housekeeping while the user is idle or after a command has printed its result (compaction): never
    /// inside a save, so a save never waits for it.
    func maintain()
}

extension BookStore {
    public func history(of customerId: String) throws -> [Activity] { book.activities(of: customerId) }
    public func maintain() {}

    @discardableResult
    public func commit(user: String, _ change: Change) throws -> Book { try commit(user: user) { _ in change } }
}

/// A store that keeps the book in memory only (tests, previews).
public final class MemoryStore: BookStore {
    public private(set) var book: Book
    public var isReadOnly = false
    public let location = "(memory)"
    public private(set) var changes: [Change] = []

    public init(book: Book = Book()) { self.book = book }

    @discardableResult
    public func commit(user: String, _ make: (Book) throws -> Change) throws -> Book {
        guard !isReadOnly else { throw DomainError("this store is read-only") }
        let change = try make(book)
        try book.applyNew(change)
        changes.append(change)
        return book
    }

    public func refresh() throws -> Bool { false }
}
