import Receivables
import TerminalKit
import Wording

/// A salesperson's start (issue 20): their customers, riskiest first — orders held, over the credit limit, the most
/// overdue, broken promises — rather than the team's call queue.
public struct PortfolioScreen: Screen {
    var list = ListView()
    public var cursor: Int { list.cursor }
    private(set) var lines: [Line] = []
    private var revision = -1

    public struct Line: Equatable {
        public var customerId: String
        public var name: String
        public var open: Money
        public var overdue: Money
        /// Credit limit use, tenths of a percent.
        public var use: Int?
        public var held: Bool
        public var brokenPromises: Int
        public var flags: Int
        public var pendingRequests: Int
        var overLimit: Bool { (use ?? 0) > 1000 }
    }

    public init() {}
    public var title: String { tr("My customers") }
    public var screenID: ScreenID { .portfolio }

    /// The salesperson's customers, riskiest first.
    public static func lines(book: Book, salesperson: String, date: CalendarDate) -> [Line] {
        book.customerOrder.compactMap { id -> Line? in
            guard let c = book.customers[id], c.salesperson == salesperson else { return nil }
            let s = AccountSummary(book: book, customerId: id, date: date)
            let broken = book.promises(of: id).filter { [.broken, .partiallyKept].contains(book.state(of: $0, asOf: date)) }.count
            return Line(customerId: id, name: c.name, open: s.totalOpen, overdue: s.overdue, use: s.creditUsePermille, held: c.orderBlocked,
                        brokenPromises: broken, flags: book.riskFlags(of: id).count, pendingRequests: book.requests(of: id).filter(\.isPending).count)
        }.sorted { a, b in
            if a.held != b.held { return a.held }
            if a.overLimit != b.overLimit { return a.overLimit }
            if a.overdue != b.overdue { return a.overdue > b.overdue }
            if a.brokenPromises != b.brokenPromises { return a.brokenPromises > b.brokenPromises }
            return a.name < b.name
        }
    }

    public mutating func prepare(session: Session) {
        guard session.book.revision != revision else { return }
        lines = Self.lines(book: session.book, salesperson: session.user.id, date: session.today)
        revision = session.book.revision
        list.clamp(count: lines.count)
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        if list.move(command, count: lines.count) { return .none }
        switch command {
        case .open:
            guard lines.indices.contains(cursor) else { return .status(.info(tr("No customer to open"))) }
            return .push(AccountScreen(customerId: lines[cursor].customerId))
        case .agenda: return .push(AgendaScreen(scope: nil))
        case .requests: return .push(RequestQueueScreen(queue: session.may(.decideRequest)))
        default: break
        }
        return .none
    }

    /// What the signals column says, most pressing first.
    static func signals(_ l: Line) -> String {
        var out: [String] = []
        if l.held { out.append(tr("HELD", context: "portfolio")) }
        if l.overLimit { out.append(tr("OVER LIMIT", context: "portfolio")) }
        if l.brokenPromises > 0 { out.append(trn("{count} broken promise", "{count} broken promises", count: l.brokenPromises)) }
        if l.flags > 0 { out.append(trn("⚑ {count} flag", "⚑ {count} flags", count: l.flags)) }
        if l.pendingRequests > 0 { out.append(trn("{count} request pending", "{count} requests pending", count: l.pendingRequests)) }
        return out.joined(separator: ", ")
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(title, session: session)
        let overdue = lines.reduce(Money.zero) { $0 + $1.overdue }
        canvas.text(" " + clip(trn("{count} customer, {amount} overdue — riskiest first", "{count} customers, {amount} overdue — riskiest first",
                                   count: lines.count, ["amount": overdue.formatted]), width: width - 2), row: 1, style: .bold)
        let overdues = lines.map(\.overdue.formatted), opens = lines.map(\.open.formatted)
        let uses = lines.map { $0.use.map { ReportTable.Cell.permille($0).display } ?? "—" }
        let table = TableLayout([Column(nil), Column.fitting(overdues + [tr("Overdue", context: "column")], minimum: 8),
                                 Column.fitting(opens + [tr("Open", context: "column")], minimum: 8),
                                 Column.fitting(uses + [tr("Limit", context: "column")], minimum: 5), Column(width >= 100 ? 34 : 18)], total: width - 1)
        canvas.text(table.line([tr("Customer", context: "column"), tr("Overdue", context: "column"), tr("Open", context: "column"), tr("Limit", context: "column"),
                                tr("Signals", context: "column")]), row: 2, style: Style(underline: true))
        if lines.isEmpty {
            canvas.text("  " + tr("No customer names you as their salesperson. Press / to look one up, a for the team's agenda."), row: 3, style: .dim)
        }
        let detailRows = 3
        let visible = max(1, rows - 3 - 2 - detailRows - 1)
        let names = ListView.distinctNames(lines.map(\.name), width: table.flexibleWidth)
        for (k, i) in ListView.window(showing: cursor, of: lines.count, visible: visible).enumerated() {
            let l = lines[i]
            let style: Style = l.held || l.overLimit ? .overdue.with(bold: true) : l.overdue.isPositive ? .overdue : .plain
            canvas.text(table.line([names[i], overdues[i], opens[i], uses[i], clip(Self.signals(l), width: table.widths[4])]), row: 3 + k,
                        style: style.with(reverse: i == cursor))
        }
        if lines.indices.contains(cursor) {
            let l = lines[cursor]
            let c = session.book.customers[l.customerId]
            var top = rows - 2 - detailRows
            let said = [tr("collector {name}", ["name": session.name(of: c?.collector)]),
                        c?.creditLimit.map { tr("credit limit {amount}", ["amount": $0.formatted]) } ?? tr("no credit limit")]
                + (Self.signals(l).isEmpty ? [] : [Self.signals(l)])
            for line in flow(said, width: width - 4).prefix(detailRows) { canvas.text("   " + line, row: top, style: .accent); top += 1 }
        }
        canvas.keyBar(self, session: session)
    }
}
