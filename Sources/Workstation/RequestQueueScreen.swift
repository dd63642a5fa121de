import Receivables
import TerminalKit
import Wording

/// Requests on accounts (issue 20, `Q` on the agenda): for a supervisor, the queue of pending requests to approve or
/// refuse with a note; for anyone else, their own requests and what became of them.
public struct RequestQueueScreen: Screen {
    var list = ListView()
    public var cursor: Int { list.cursor }
    private(set) var requests: [AccountRequest] = []
    private var revision = -1
    /// Everyone's pending requests (a supervisor), or one's own (anyone else).
    public let queue: Bool

    public init(queue: Bool) { self.queue = queue }
    public var title: String { queue ? tr("Requests to decide") : tr("My requests") }
    public var screenID: ScreenID { .requests }

    public mutating func prepare(session: Session) {
        guard session.book.revision != revision else { return }
        let book = session.book
        requests = queue ? book.pendingRequests
            : book.requests.values.filter { $0.requestedBy == session.user.id }.sorted { ($0.at, $0.id) > ($1.at, $1.id) }
        revision = book.revision
        list.clamp(count: requests.count)
    }

    public func offers(_ command: Command) -> Bool {
        switch command {
        case .approve, .refuse, .open: !requests.isEmpty
        case .up, .down, .pageUp, .pageDown, .home, .end: requests.count > 1
        default: true
        }
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        if list.move(command, count: requests.count) { return .none }
        switch command {
        case .back: return .pop
        case .open:
            guard requests.indices.contains(cursor) else { return .none }
            return .push(AccountScreen(customerId: requests[cursor].customerId))
        case .approve, .refuse:
            guard requests.indices.contains(cursor) else { return .none }
            if session.store.isReadOnly { return .status(.error(tr("read-only session: nothing can be saved"))) }
            guard session.may(.decideRequest) else { return .status(.error(tr("Requests are decided by supervisors"))) }
            return .push(FormScreen.decision(request: requests[cursor], approve: command == .approve, session: session))
        default: break
        }
        return .none
    }

    /// What is asked, without the amount (its own column, never cut).
    static func what(_ r: AccountRequest) -> String {
        r.kind == .creditLimit ? tr("credit limit", context: "request kind") : AccountWording.flagName(r.flag ?? "")
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        let book = session.book
        canvas.titleBar(title, session: session)
        canvas.text(" " + clip(queue ? trn("{count} request to decide, oldest first", "{count} requests to decide, oldest first", count: requests.count)
                                     : trn("{count} request, newest first", "{count} requests, newest first", count: requests.count), width: width - 2),
                    row: 1, style: .bold)
        let amounts = requests.map { $0.amount?.formatted ?? "" }
        let table = TableLayout([Column(8), Column(nil), Column(width >= 100 ? 28 : 20), Column.fitting(amounts + [tr("Amount", context: "column")], minimum: 6),
                                 Column(width >= 100 ? 16 : 10), Column(queue ? 0 : 9)], total: width - 1)
        canvas.text(table.line([tr("Date", context: "column"), tr("Customer", context: "column"), tr("Request", context: "column"), tr("Amount", context: "column"),
                                tr("By", context: "column"), queue ? "" : tr("Status", context: "column")]), row: 2, style: Style(underline: true))
        let detailRows = 4
        let visible = max(1, rows - 3 - 2 - detailRows - 1)
        if requests.isEmpty {
            canvas.text("  " + (queue ? tr("No request waits for a decision.") : tr("You have filed no request yet: on an account, Q asks for a higher credit limit, F raises a risk flag.")),
                        row: 3, style: .dim)
        }
        let names = ListView.distinctNames(requests.map { book.customers[$0.customerId]?.name ?? $0.customerId }, width: table.flexibleWidth)
        for (k, i) in ListView.window(showing: cursor, of: requests.count, visible: visible).enumerated() {
            let r = requests[i]
            let cells = [r.date.short, names[i], Self.what(r), amounts[i], session.name(of: r.requestedBy), queue ? "" : r.status.label]
            let style: Style = r.status == .refused ? .dim : r.kind == .risk ? .overdue : .plain
            canvas.text(table.line(cells), row: 3 + k, style: style.with(reverse: i == cursor))
        }
        // The selected request: why, and the account as it stands.
        if requests.indices.contains(cursor) {
            let r = requests[cursor]
            var top = rows - 2 - detailRows
            let s = AccountSummary(book: book, customerId: r.customerId, date: session.today)
            let limit = s.customer.creditLimit.map(\.formatted) ?? tr("none", context: "credit limit")
            let lines = [tr("Why: {note}", ["note": r.note]),
                         tr("Now: limit {limit}, open {open}, overdue {overdue}", ["limit": limit, "open": s.totalOpen.formatted, "overdue": s.overdue.formatted])]
                + (r.decidedBy.map { [tr("{status} by {name}: {note}", ["status": r.status.label, "name": session.name(of: $0), "note": r.decisionNote ?? ""])] } ?? [])
            for l in lines.prefix(detailRows) {
                for piece in wrap(l, width: width - 4).prefix(2) where top < rows - 2 { canvas.text("   " + piece, row: top, style: .plain); top += 1 }
            }
        }
        canvas.keyBar(self, session: session)
    }
}
