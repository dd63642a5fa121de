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
    /// Which state `book` is: equal states hold the same book (see `StoreState`).
    var state: StoreState { get }
    /// The changes applied since `state`, oldest first, when the store knows them all; nil when it does not (another
    /// generation of the store, or too long ago). A long command that planned at `state` outside the lock checks,
    /// under the lock, only what these touched (`Change.customers(in:)`), so it holds the lock no longer than a save.
    func changes(since state: StoreState) -> [Change]?
    /// Housekeeping while the user is idle or after a command has printed its result (compaction): never
    /// inside a save, so a save never waits for it.
    /// Returns what went wrong, worth telling the user once (nil: done, or nothing to do).
    @discardableResult
    func maintain() -> String?
}

/// A store that can take a large change as a new snapshot written aside, holding its lock for the swap only (the
/// JSON file store): a million-record import then never becomes a journal line every other process must decode.
public protocol SnapshotCommitting: BookStore {
    /// Makes the new book from the state captured for the write (`transform` returns nil: nothing to write); nil
    /// when others kept saving during every attempt (the caller then commits through the journal).
    func commitThroughSnapshot(attempts: Int, _ transform: (Book, StoreState) throws -> Book?) throws -> Book?
}

/// The identity of a store's state: the generation of its journal and the change number. Two equal states hold the
/// same book; a large import (folded into a new snapshot) changes the generation, not the number.
public struct StoreState: Equatable, Sendable {
    public var journalId: String?
    public var seq: Int
    public init(journalId: String?, seq: Int) { self.journalId = journalId; self.seq = seq }
}

extension BookStore {
    /// The accounts the changes saved since `state` touched (`Change.customers(in:)`), or nil when the store cannot
    /// say or a change may have touched any account: what a long command planned at `state` checks again under the
    /// lock (the letters run, an import).
    public func touchedAccounts(since state: StoreState, in book: Book) -> Set<String>? {
        guard let since = changes(since: state) else { return nil }
        var touched = Set<String>()
        for c in since {
            guard let some = c.customers(in: book) else { return nil }
            touched.formUnion(some)
        }
        return touched
    }

    public func history(of customerId: String) throws -> [Activity] { book.activities(of: customerId) }
    @discardableResult
    public func maintain() -> String? { nil }

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
        guard !isReadOnly else { throw DomainError.readOnly(directory: nil) }
        let change = try make(book)
        try book.applyNew(change, by: user)
        changes.append(change)
        return book
    }

    public func refresh() throws -> Bool { false }

    public var state: StoreState { StoreState(journalId: nil, seq: changes.count) }

    public func changes(since state: StoreState) -> [Change]? {
        guard state.journalId == nil, state.seq <= changes.count else { return nil }
        return Array(changes[state.seq...])
    }
}
