import Receivables
import Wording

/// The import as a use case over any store: plan outside the store's lock on the latest state, record under it
/// only what still fits, so that nobody else waits more than a save. The CLI calls it for every format.
///
/// Under the lock only a planned change that still fits is recorded: when anything landed since planning that
/// touches the same accounts (the same file imported by a colleague a moment ago), the lock is let go and the file
/// planned again outside it on the new state, so the summary says what this run really did; only the last of
/// `attempts` plans under the lock, so the import always ends. A large import lands as a new snapshot written aside
/// when the store can (`SnapshotCommitting`).
public final class ImportService {
    public typealias Planner = (Book) throws -> ImportPlan

    public let store: any BookStore
    public let user: String
    let planner: Planner
    /// Imports that change more records than this are written as a new snapshot (when the store can).
    public var snapshotAfterRecords = 5_000
    /// Plans made outside the lock before the last, made under it.
    public var attempts = 5
    /// Called when the last attempt plans under the lock (the lock log says what took the time).
    public var plannedUnderLock: () -> Void = {}

    public init(store: any BookStore, user: String, planner: @escaping Planner) {
        self.store = store; self.user = user; self.planner = planner
    }

    /// What the import recorded, once its plan (and the book it held) is let go.
    public struct Outcome: Sendable {
        public var summary: String
        public var details: [String]
        public var overrides: [String]
        public var changedRecords: Int
        /// Written as a new snapshot (else through the journal).
        public var throughSnapshot: Bool
        /// Went through the journal although large: worth compacting at once.
        public var largeThroughJournal: Bool

        init(_ plan: ImportPlan, throughSnapshot: Bool = false, large: Bool = false) {
            summary = plan.summary; details = plan.details; overrides = plan.overrides; changedRecords = plan.changedRecords
            self.throughSnapshot = throughSnapshot; largeThroughJournal = large && !throughSnapshot
        }
    }

    /// The plan on the latest state, reading the store only (a dry run).
    public func plan() throws -> ImportPlan {
        _ = try store.refresh()
        return try planner(store.book)
    }

    /// Plans and records. `review` sees the first plan before anything is written and may throw to refuse it (the
    /// legal warnings a supervisor must accept).
    public func run(review: (ImportPlan) throws -> Void = { _ in }) throws -> Outcome {
        _ = try store.refresh()
        var planned = try planner(store.book)
        try review(planned)
        var plannedAt = store.state
        var outcome = Outcome(planned)
        guard planned.changedRecords > 0 else { return outcome }
        let large = planned.changedRecords > snapshotAfterRecords
        if large, let bulk = store as? any SnapshotCommitting {
            // The plan's own book is the result when nobody saved since; otherwise the file is planned again on the
            // state captured for the write.
            let written = try bulk.commitThroughSnapshot(attempts: 3) { book, state in
                if state != plannedAt {
                    planned = try planner(book)
                    plannedAt = state
                    outcome = Outcome(planned)
                }
                return planned.resultingBook
            }
            if written != nil { return Outcome(planned, throughSnapshot: true, large: true) }
            // Others kept saving during every write: the journal's way, with the lock held for the batch.
        }
        // Only the change outlives the plan here: the book it holds is as large as the file's records.
        let change: Change? = { defer { planned = .empty }; return planned.change }()
        guard var current = change else { return outcome }
        func replanned(_ book: Book) throws -> Change? {
            let again = try planner(book)
            outcome = Outcome(again, large: large)
            return again.change
        }
        /// The planned change still fits when nothing saved since planning touched the accounts it changes (the
        /// book's rules check it again as it is applied).
        func stillFits(_ book: Book) -> Bool {
            if store.state == plannedAt { return true }
            guard let touched = store.touchedAccounts(since: plannedAt, in: book), let mine = current.customers(in: book) else { return false }
            return touched.isDisjoint(with: mine)
        }
        for attempt in 1...attempts {
            do {
                try store.commit(user: user) { book in
                    if stillFits(book) { return current }
                    if attempt < attempts { throw Stale() }
                    plannedUnderLock()
                    guard let again = try replanned(book) else { throw NothingToDo() }
                    return again
                }
                break
            } catch is Stale {
            } catch is NothingToDo { return outcome
            } catch is DomainError where attempt < attempts {
                // Refused by the state of the moment (an invoice paid meanwhile): planned again on it.
            }
            _ = try store.refresh()
            plannedAt = store.state
            guard let again = try replanned(store.book) else { return outcome }
            current = again
        }
        outcome.largeThroughJournal = large
        return outcome
    }

    struct Stale: Error {}
    struct NothingToDo: Error {}
}
