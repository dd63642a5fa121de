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
        if let i = cachedSearchIndex, i.revision == book.revision { return i }
        let book = self.book, state = store.state
        // Brought up to date from the changes saved since, when the store can say which accounts they touched.
        let i = cachedSearchIndex.flatMap { old in old.state.flatMap { store.touchedAccounts(since: $0, in: book) }.map { old.updated($0, book: book, state: state) } }
            ?? SearchIndex(book: book, state: state)
        cachedSearchIndex = i
        return i
    }
    private var cachedSearchIndex: SearchIndex?

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
