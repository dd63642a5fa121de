import Foundation
import Interchange
import Wording
import Receivables

/// Who is working, on which store, on which day: what every screen needs besides its own state.
public final class Session {
    public let store: BookStore
    public let user: User
    public let today: CalendarDate
    /// Shown on every screen when the store files cannot be written.
    public var readOnlyBanner: String? { store.isReadOnly ? tr("READ-ONLY") : nil }

    /// Where `s` hands an e-mail off: nil, the store's mail command (`relance company set --mailer`); tests set their own.
    public var mailTransport: (any MailTransport)?

    public init(store: BookStore, user: User, today: CalendarDate) {
        self.store = store; self.user = user; self.today = today
    }

    /// The book's search keys, folded once per book revision (issue 23: every keystroke folded every name and
    /// invoice number with Foundation again, 311 ms a character at 100,000 invoices). Kept by the session, so that
    /// leaving the search frees nothing (100,000 keys took 17 ms to free on Esc) and the next search starts at once.
    var searchIndex: SearchIndex {
        if let i = cachedSearchIndex, isCurrent(i) { return i }
        // Keys being made on another thread since the user went idle (`prepareSearch`): waited for, then taken.
        adopt(preparing.wait())
        if let i = cachedSearchIndex, isCurrent(i) { return i }
        let book = self.book, state = store.state
        // Brought up to date from the changes saved since, when the store can say which accounts they touched.
        let i = cachedSearchIndex.flatMap { old in old.state.flatMap { store.touchedAccounts(since: $0, in: book) }.map { old.updated($0, book: book, state: state) } }
            ?? SearchIndex(book: book, state: state)
        cachedSearchIndex = i
        return i
    }
    private var cachedSearchIndex: SearchIndex?
    private let preparing = PreparedKeys()

    /// Makes the search's keys on another thread when they are not those of the book in memory (the workstation
    /// calls it once its first frame is on the screen, then whenever the user is idle): `/` then opens at once instead of folding every customer's keys (60-80 ms at
    /// 100,000 invoices, 250 ms at 400,000), and no key waits while they are made. One at a time.
    public func prepareSearch() {
        if let i = cachedSearchIndex, isCurrent(i) { return }
        adopt(preparing.take())
        if let i = cachedSearchIndex, isCurrent(i) { return }
        // (From the old keys brought up to date when the store can say what changed: done at `/` itself, quickly.)
        guard cachedSearchIndex == nil, preparing.start() else { return }
        let book = self.book, state = store.state, preparing = self.preparing
        Thread.detachNewThread {
            // Signals (Ctrl-C, a resized window) go to the thread reading the keys, which they wake.
            var all = sigset_t()
            sigfillset(&all)
            pthread_sigmask(SIG_BLOCK, &all, nil)
            preparing.finish(SearchIndex(book: book, state: state))
        }
    }

    /// Keys of the book in memory: its revision (a counter of this process's book, which starts again when another
    /// user's compaction is read) and the store's state (journal and change number) both theirs.
    private func isCurrent(_ i: SearchIndex) -> Bool { i.revision == book.revision && i.state == store.state }

    /// Keys a thread made, kept when they are the book's, or when there are none (they are then brought up to date).
    private func adopt(_ made: SearchIndex?) {
        if let made, isCurrent(made) || cachedSearchIndex == nil { cachedSearchIndex = made }
    }

    /// The transport e-mails go through now.
    var transport: any MailTransport { mailTransport ?? SendmailTransport(command: book.settings.mailCommand) }

    public var book: Book { store.book }

    /// A customer's whole history, newest first (the account and history screens).
    public func history(of customerId: String) throws -> [Activity] {
        try store.history(of: customerId).sorted { ($0.date, $0.at) > ($1.date, $1.at) }
    }

    /// A user's display name, or their id when unknown.
    public func name(of userId: String?) -> String {
        guard let id = userId else { return "—" }
        return book.users[id]?.name ?? id
    }

    /// Why the user may not record money events, or nil when they may.
    /// Why this session cannot record the collection work (promises, disputes, plans, calls, letters): read-only,
    /// or the permission table (the screens ask it only to grey out keys; `applyNew` enforces it).
    public var moneyRefusal: String? {
        if store.isReadOnly { return tr("read-only session: nothing can be saved") }
        if !Permission.allows(user.role, .promise) { return tr("salespeople look up accounts and add field notes (n); money events are for collectors") }
        return nil
    }

    /// Whether the table lets this session's user do `action` (to grey out a key).
    public func may(_ action: Permission.Action) -> Bool { Permission.allows(user.role, action) }
}

extension Activity {
    /// "phone promised", "letter": what the entry was, for history lines.
    var what: String { [channel.label, outcome?.label].compactMap { $0 }.joined(separator: " ") }
}

/// The search keys one background thread is making, handed to the session's thread when done.
final class PreparedKeys: @unchecked Sendable {
    private let condition = NSCondition()
    private var running = false
    private var made: SearchIndex?

    /// False when keys are already being made.
    func start() -> Bool {
        condition.lock(); defer { condition.unlock() }
        guard !running else { return false }
        running = true
        return true
    }

    func finish(_ index: SearchIndex) {
        condition.lock(); defer { condition.unlock() }
        made = index; running = false
        condition.broadcast()
    }

    /// The keys made, if any, without waiting.
    func take() -> SearchIndex? {
        condition.lock(); defer { condition.unlock() }
        defer { made = nil }
        return made
    }

    /// The keys being made or made, waiting for them if a thread is at it; nil when none was started.
    func wait() -> SearchIndex? {
        condition.lock(); defer { condition.unlock() }
        while running { condition.wait() }
        defer { made = nil }
        return made
    }
}
