import Receivables
import TerminalKit
import Wording

/// The supervisor's figures on screen: the same report tables as `relance report`, at the session's date.
public struct ReportScreen: Screen {
    public var reportIndex = 0
    /// The first scrolled column (the leading text columns, id and name, stay in place).
    public var firstColumn = 0
    /// The selected row (issue 20: Enter opens its customer, or a collector's agenda).
    public var cursor = 0
    private(set) var table: ReportTable?
    private var problem: String?
    private var revision = -1

    public init(report: String = "aged") {
        reportIndex = Analytics.reportNames.firstIndex(of: report) ?? 0
    }

    var name: String { Analytics.reportNames[reportIndex] }

    /// Leading text columns that never scroll away (an id and a name).
    var fixedColumns: Int {
        guard let t = table, let first = t.rows.first else { return 1 }
        return first.prefix(2).allSatisfy { !$0.isNumeric } && t.columns.count > 2 ? 2 : 1
    }
    public var title: String { tr("Reports") }
    public var screenID: ScreenID { .reports }

    public mutating func prepare(session: Session) {
        guard session.book.revision != revision || table == nil else { return }
        revision = session.book.revision
        do { table = try Analytics.report(name, book: session.book, asOf: session.today); problem = nil }
        catch { table = nil; problem = "\(error)" }
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        let rows = table?.rows.count ?? 0
        switch command {
        case .back: return .pop
        case .nextField, .previousField:
            let n = Analytics.reportNames.count
            reportIndex = (reportIndex + (command == .nextField ? 1 : n - 1)) % n
            firstColumn = 0; cursor = 0; table = nil
            prepare(session: session)
        case .up, .down, .pageUp, .pageDown: cursor = ListView.moved(cursor, by: command, count: rows) ?? cursor
        case .open:
            guard let t = table, t.rows.indices.contains(cursor) else { return .none }
            let row = t.rows[cursor]
            if let i = t.columns.firstIndex(where: { $0.id == "customer_id" }), case .text(let id) = row[i], session.book.customers[id] != nil {
                return .push(AccountScreen(customerId: id))
            }
            if t.name == "collectors", let i = t.columns.firstIndex(where: { $0.id == "collector" }), case .text(let id) = row[i] {
                return .push(AgendaScreen(scope: id.isEmpty ? Agenda.unassigned : id))
            }
            return .status(.info(tr("This row opens no account")))
        case .left: firstColumn = max(0, firstColumn - 1)
        case .right: firstColumn = min(max(0, (table?.columns.count ?? 1) - fixedColumns - 1), firstColumn + 1)
        default: break
        }
        return .none
    }

    /// The report tabs on one line; when they are wider than the screen, the ones before the selected are dropped
    /// (an ellipsis says so) so that the selected tab is always in sight.
    static func tabLine(_ names: [String], selected: Int, width: Int) -> String {
        let marked = names.enumerated().map { i, n in i == selected ? "[\(n)]" : n }
        var first = 0
        func joined() -> String { (first > 0 ? "… " : "") + marked[first...].joined(separator: " ") }
        while first < selected, TextWidth.of(marked[first...selected].joined(separator: " ")) + (first > 0 ? 2 : 0) > width { first += 1 }
        return clip(joined(), width: width)
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(tr("Reports"), session: session)
        canvas.text(" " + Self.tabLine(Analytics.reportNames.map { ReportWording.tab($0) }, selected: reportIndex, width: width - 2),
                    row: 1, style: .bold)
        guard let t = table.map(ReportWording.localized) else {
            canvas.text(" " + (problem ?? ""), row: 3, style: .error)
            canvas.keyBar(self, session: session)
            return
        }
        canvas.text(" " + t.title, row: 2, style: .accent)
        // Column widths from the content; the first column is kept, the others scroll with ←→.
        let all = [t.columns.map(\.title)] + t.rows.map { $0.map(\.display) } + (t.total.map { [$0.map(\.display)] } ?? [])
        let widths = t.columns.indices.map { i in min(32, all.map { TextWidth.of($0[i]) }.max() ?? 4) }
        let numeric = t.columns.indices.map { i in t.rows.first?[i].isNumeric ?? false }
        var shown = Array(0..<fixedColumns)
        var widthOf = widths
        if fixedColumns == 2 { widthOf[1] = min(widths[1], 28) }
        var used = 1 + shown.reduce(0) { $0 + widthOf[$1] + 2 }
        var i = fixedColumns + firstColumn
        // A column is shown whole or not at all (→ scrolls to it): an amount is never cut. Only a text column may be
        // narrowed, when it is the last one.
        while i < t.columns.count {
            if used + widthOf[i] + 1 > width {
                guard !numeric[i], used + 12 <= width else { break }
                widthOf[i] = width - used - 1
            }
            shown.append(i); used += widthOf[i] + 2; i += 1
        }
        // The last column shown takes what is left (the DSO report's explanations).
        if let last = shown.last, last == t.columns.count - 1, !numeric[last] { widthOf[last] = max(widthOf[last], width - used + widthOf[last]) }
        // A text cell is cut between words (the DSO's explanations hold amounts), never inside an amount.
        func line(_ cells: [String]) -> String {
            " " + shown.map { i in TextWidth.pad(numeric[i] ? cells[i] : clip(cells[i], width: widthOf[i]), to: widthOf[i], alignRight: numeric[i]) }
                .joined(separator: "  ")
        }
        canvas.text(line(t.columns.map(\.title)), row: 4, style: Style(underline: true))
        let noteRows = min(2, t.notes.count)
        let bodyRows = rows - 7 - noteRows - (t.total == nil ? 0 : 1)
        // The window follows the selected row.
        let top = ListView.window(showing: cursor, of: t.rows.count, visible: max(1, bodyRows)).lowerBound
        // The name column (the second, when the first is an id) cut so that names never read alike.
        let body = Array(t.rows.dropFirst(top).prefix(max(0, bodyRows))).map { $0.map(\.display) }
        let names = fixedColumns == 2 ? ListView.distinctNames(body.map { $0[1] }, width: widthOf[1]) : []
        for (k, var cells) in body.enumerated() {
            if fixedColumns == 2 { cells[1] = names[k] }
            canvas.text(line(cells), row: 5 + k, style: top + k == cursor ? .reverse : .plain)
        }
        if t.rows.isEmpty { canvas.text("   " + tr("(none)"), row: 5, style: .dim) }
        var row = 5 + min(max(0, bodyRows), max(1, t.rows.count - top))
        if let total = t.total { canvas.text(line(total.map(\.display)), row: row, style: .bold); row += 1 }
        let more = shown.count < t.columns.count ? " · " + tr("columns {shown}/{count}, ←→", ["shown": "\(shown.count)", "count": "\(t.columns.count)"]) : ""
        if t.rows.count > bodyRows || !more.isEmpty {
            // On the blank line under the title, right-aligned: a long title ("Provision for doubtful receivables at
            // 23/11/2026") is never overwritten.
            let position = tr("rows {first}-{last}/{count}", ["first": "\(top + 1)", "last": "\(min(t.rows.count, top + bodyRows))", "count": "\(t.rows.count)"]) + more
            terminal.put(position + " ", row: 3, column: max(0, width - TextWidth.of(position) - 1), style: .dim)
        }
        for n in t.notes.prefix(noteRows) where row < rows - 2 { canvas.text(" " + clip(n.english, width: width - 2), row: row, style: .dim); row += 1 }
        canvas.keyBar(self, session: session)
    }
}
