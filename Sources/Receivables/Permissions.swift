/// Who may make which change: one table (issue 15). `Book.applyNew(_:by:)` asks it for every new change, so no
/// screen, command or store can skip it (before, six places checked roles, and the library none: a `MemoryStore`
/// took a salesperson's promise, `relance-tools writer --tag` committed as anyone). Screens ask it only to grey out
/// keys; `check` replays a store's journal against it.
public enum Permission {
    /// What a change does, as the table knows it.
    public enum Action: String, CaseIterable, Sendable {
        case importCustomers = "customers", editCustomer = "edit-customer", manageUsers = "users", setCompany = "company", setPolicy = "policy"
        case importInvoices = "invoices", recordPayment = "payments", letterCredit = "letter-credit"
        case call, writtenReminder = "written-reminder", fieldNote = "field-note", preferences
        case promise, dispute, plan, waiveFees = "waive-fees", litigation, writeOff = "write-off"
        /// Issue 20: asking for a credit limit or raising a risk flag; deciding on such a request.
        case request, decideRequest = "decide-request"
        /// Issue 20: the team's dashboard (no change; the screens grey its key).
        case teamPerformance = "team-performance"
    }

    /// The table: the roles that may do each action.
    public static let table: [Action: Set<User.Role>] = {
        let everyone: Set<User.Role> = [.supervisor, .collector, .salesperson]
        let collection: Set<User.Role> = [.supervisor, .collector]
        let supervisors: Set<User.Role> = [.supervisor]
        var t: [Action: Set<User.Role>] = [:]
        for a in Action.allCases {
            switch a {
            // The book's data comes from the accounting package (imports), the team and the company are set up,
            // and write-offs decided, by supervisors.
            case .importCustomers, .editCustomer, .manageUsers, .setCompany, .setPolicy, .importInvoices, .recordPayment, .writeOff,
                 .decideRequest, .teamPerformance: t[a] = supervisors
            // The collection work.
            case .letterCredit, .call, .writtenReminder, .promise, .dispute, .plan, .waiveFees, .litigation: t[a] = collection
            // Salespeople look accounts up and add field notes.
            case .fieldNote, .request: t[a] = everyone
            // One's own language (`refusal` keeps others' to supervisors).
            case .preferences: t[a] = everyone
            }
        }
        return t
    }()

    /// A history entry's action: what it records decides first — an account change or a decision is a
    /// supervisor's, whatever its channel; a salesperson's call is a field report (no money: a promise is its own
    /// change) — then its channel.
    static func actions(of a: Activity) -> [Action] {
        switch a.event {
        case .account?: return [.editCustomer]
        case .requestFiled?: return [.request]
        case .requestDecided?: return [.decideRequest]
        case .fieldReport?: return [.fieldNote]
        default: break
        }
        return switch a.channel {
        case .phone: [.call]
        case .letter, .email, .sms, .fax, .formalNotice, .injunction: [.writtenReminder]
        case .note, .visit: [.fieldNote]
        case .litigationReview: [.litigation]
        case .system: [.manageUsers]
        }
    }

    public static func allows(_ role: User.Role, _ action: Action) -> Bool { table[action]?.contains(role) ?? false }

    /// The roles that may do `action`, in the roles' order (for a command's early refusal, which names them).
    public static func roles(for action: Action) -> [User.Role] { User.Role.allCases.filter { allows($0, action) } }

    /// The actions a change is made of (a batch: each of its changes').
    public static func actions(of change: Change) -> [Action] {
        switch change {
        case .upsertCustomer: [.importCustomers]
        case .updateCustomer: [.editCustomer]
        case .upsertUser: [.manageUsers]
        case .setLanguage: [.preferences]
        case .setCompany: [.setCompany]
        case .setPolicy: [.setPolicy]
        case .upsertInvoice: [.importInvoices]
        case .recordPayment: [.recordPayment]
        case .allocateCredit: [.letterCredit]
        case .logActivity(let a): actions(of: a)
        case .makePromise, .closePromise: [.promise]
        case .openDispute, .updateDispute: [.dispute]
        case .createPlan, .cancelPlan: [.plan]
        case .waiveLateFees: [.waiveFees]
        case .fileRequest: [.request]
        case .decideRequest: [.decideRequest]
        case .acknowledgeRequests: [.preferences]
        case .queueMail, .mailOutcome: [.writtenReminder]
        case .setMailer: [.setCompany]
        case .decideLitigation(let d): [d.outcome == .writeOff ? .writeOff : .litigation]
        case .batch(let changes): changes.flatMap(actions(of:))
        }
    }

    /// Why `author` may not make `change` in `book` (its state before the change), or nil. A book without users
    /// yet (a store being set up) refuses nobody: its first user is its first supervisor.
    public static func refusal(_ change: Change, by author: String, in book: Book) -> PermissionRefusal? {
        guard !book.users.isEmpty else { return nil }
        let actions = actions(of: change)
        guard let first = actions.first else { return nil }
        guard let user = book.users[author] else { return PermissionRefusal(user: author, action: first, reason: .notAUser) }
        guard user.isActive else { return PermissionRefusal(user: author, action: first, reason: .disabled) }
        if let denied = actions.first(where: { !allows(user.role, $0) }) {
            return PermissionRefusal(user: author, action: denied, reason: .role(user.role))
        }
        // Preferences are one's own: someone else's are a supervisor's to set.
        if user.role != .supervisor, let other = othersPreferences(change, author) {
            return PermissionRefusal(user: author, action: .preferences, reason: .someoneElses(other))
        }
        return nil
    }
}

extension Permission {
    /// The user whose preferences `change` sets, when it is not `author`.
    static func othersPreferences(_ change: Change, _ author: String) -> String? {
        switch change {
        case .setLanguage(let id, _): id == author ? nil : id
        case .acknowledgeRequests(_, let id): id == author ? nil : id
        case .fileRequest(let r): r.requestedBy == author ? nil : r.requestedBy
        case .batch(let changes): changes.lazy.compactMap { othersPreferences($0, author) }.first
        default: nil
        }
    }
}

/// A change its author may not make, as a value (worded at the edge: `Wording`).
public struct PermissionRefusal: Error, Equatable, Sendable {
    public enum Reason: Equatable, Sendable { case notAUser, disabled, role(User.Role), someoneElses(String) }
    public var user: String
    public var action: Permission.Action
    public var reason: Reason
    public init(user: String, action: Permission.Action, reason: Reason) { self.user = user; self.action = action; self.reason = reason }
}
