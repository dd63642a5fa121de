import TextSafety
import Receivables
import TerminalKit
import Wording

/// The team, for supervisors (`U` from the agenda): who works on the store, with their role and Unix login.
/// `D` disables or enables the selected user (the history keeps their name; their accounts show as unassigned).
/// Adding users and changing logins is done with `relance user add|set` (docs in the README, "For a team").
public struct UsersScreen: Screen {
    var list = ListView()
    public var cursor: Int { list.cursor }
    /// Disabling leaves a collector's accounts unassigned: the first `D` asks, the second does it.
    var pendingDisable: String?
    public init() {}

    public var title: String { tr("Users") }
    public var screenID: ScreenID { .users }

    func users(_ session: Session) -> [User] { session.book.users.values.sorted { ($0.role.rawValue, $0.id) < ($1.role.rawValue, $1.id) } }

    public mutating func prepare(session: Session) { list.clamp(count: session.book.users.count) }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        let users = users(session)
        if command != .toggleUserDisabled { pendingDisable = nil }
        if self.list.move(command, count: users.count) { return .none }
        switch command {
        case .back, .quit: return .pop   // q goes back, as its help says and as on every list screen
        case .toggleUserDisabled:
            guard session.may(.manageUsers) else { return .status(.error(tr("The team is managed by supervisors"))) }
            guard !session.store.isReadOnly else { return .status(.error(tr("read-only session: nothing can be saved"))) }
            guard users.indices.contains(cursor) else { return .none }
            var u = users[cursor]
            guard u.id != session.user.id else { return .status(.error(tr("You cannot disable yourself"))) }
            if !u.disabled && pendingDisable != u.id {
                pendingDisable = u.id
                let accounts = session.book.customers.values.filter { $0.collector == u.id }.count
                return .status(.error(trn("Disable {name}? {count} account will be unassigned: press D again to confirm",
                                          "Disable {name}? {count} accounts will be unassigned: press D again to confirm", count: accounts, ["name": u.name])))
            }
            pendingDisable = nil
            u.disabled.toggle()
            let changed = u
            return .commit(Commit { _ in
                (.upsertUser(user: changed), { .status(.info(changed.disabled ? tr("{name} disabled: their accounts show as unassigned", ["name": changed.name])
                                              : tr("{name} enabled", ["name": changed.name]))) })
            })
        default: return .none
        }
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, _) = terminal.size
        canvas.titleBar(tr("Users"), session: session)
        let list = users(session)
        let window = ListView.window(showing: cursor, of: list.count, visible: rows - 6)
        let unassigned = session.book.customerOrder.filter { session.book.assignedCollector(of: $0) == nil }.count
        canvas.text(" " + trn("{count} user", "{count} users", count: list.count) + " · "
                    + trn("{count} account without an active collector", "{count} accounts without an active collector", count: unassigned), row: 1, style: .accent)
        // The name keeps 20 columns; the e-mail takes what is left.
        let table = TableLayout([Column(10), Column(20), Column(11), Column(12), Column(nil), Column(8)], total: terminal.size.columns - 1)
        canvas.text(table.line([tr("Id", context: "column"), tr("Name", context: "column"), tr("Role", context: "column"), tr("Login", context: "column"),
                                   tr("E-mail", context: "column"), tr("Status", context: "column")]), row: 3, style: Style(underline: true))
        for i in window {
            let u = list[i]
            let style: Style = i == cursor ? Style(reverse: true) : u.disabled ? .dim : .plain
            canvas.text(table.line([u.id, Safe.text(u.name), u.role.label, u.login ?? "—", Safe.text(u.email ?? ""), u.disabled ? tr("disabled", context: "user") : tr("active", context: "user")]),
                        row: 4 + i - window.lowerBound, style: style)
        }
        canvas.keyBar(self, session: session)
    }
}
