import Receivables
import TerminalKit
import Wording

/// The team's figures (issue 20, `T` on the agenda, supervisors): a row per collector and the team, the figures of
/// docs/FIGURES.md, ← → for the columns that do not fit, and the selected row's 12-month trends drawn below.
public struct DashboardScreen: Screen {
    var list = ListView()
    public var cursor: Int { list.cursor }
    /// The first of the scrolling columns shown (the collector's name stays).
    public var firstColumn = 0
    private(set) var figures: TeamPerformance?
    private var revision = -1

    public init() {}
    public var title: String { tr("Team figures") }
    public var screenID: ScreenID { .dashboard }

    /// The collectors' rows, then the team's.
    var rows: [TeamPerformance.Row] { (figures?.rows ?? []) + (figures.map { [$0.team] } ?? []) }

    public mutating func prepare(session: Session) {
        guard session.book.revision != revision || figures == nil else { return }
        figures = TeamPerformance(book: session.book, date: session.today)
        revision = session.book.revision
        list.clamp(count: rows.count)
    }

    /// A column: its title, and a row's value as shown (right-aligned; never cut: a column is shown whole or not).
    struct Figure {
        var title: String
        var value: (TeamPerformance.Row) -> String
    }

    static func days(_ v: Int?) -> String { v.map { ReportTable.Cell.tenths($0).display } ?? "—" }
    static func rate(_ v: Int?) -> String { v.map { ReportTable.Cell.permille($0).display } ?? "—" }

    /// In the order of importance: at 80 columns the first five are shown with the name (issue 20).
    static var figures: [Figure] {
        [Figure(title: tr("Overdue", context: "dashboard")) { $0.overdue.formatted },
         Figure(title: tr("DSO", context: "dashboard")) { days($0.dso) },
         Figure(title: tr("ADD", context: "dashboard")) { days($0.add) },
         Figure(title: tr("CEI", context: "dashboard")) { rate($0.cei.value) },
         Figure(title: tr("Kept", context: "dashboard")) { rate($0.keptRateCount) },
         Figure(title: tr("Kept €", context: "dashboard")) { rate($0.keptRateAmount) },
         Figure(title: tr("BPDSO", context: "dashboard")) { days($0.bpdso) },
         Figure(title: tr("Calls", context: "dashboard")) { "\($0.callsDone)/\($0.callsPlanned)" },
         Figure(title: tr("Promises", context: "dashboard")) { "\($0.promisesCount)" },
         Figure(title: tr("Promised", context: "dashboard")) { $0.promisesAmount.formatted },
         Figure(title: tr("Cash (month)", context: "dashboard")) { $0.cashThisMonth.formatted },
         Figure(title: tr("Accounts", context: "dashboard")) { "\($0.accounts)" }]
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        if list.move(command, count: rows.count) { return .none }
        switch command {
        case .back: return .pop
        case .left: firstColumn = max(0, firstColumn - 1)
        case .right: firstColumn = min(Self.figures.count - 1, firstColumn + 1)
        case .open:
            guard rows.indices.contains(cursor) else { return .none }
            // The team row opens the whole team's agenda; the unassigned row the unassigned accounts'.
            let scope: String? = cursor == rows.count - 1 ? nil : rows[cursor].collector ?? Agenda.unassigned
            return .push(AgendaScreen(scope: scope))
        default: break
        }
        return .none
    }

    func name(_ r: TeamPerformance.Row, index: Int, session: Session) -> String {
        if index == rows.count - 1 { return tr("Team", context: "dashboard") }
        return r.collector.map { session.name(of: $0) } ?? tr("unassigned")
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (height, width) = terminal.size
        canvas.titleBar(title, session: session)
        let month = figures?.team.cei.month.map { ReportWording.monthName($0) } ?? ""
        canvas.text(" " + clip(tr("Team figures at {date} · CEI of {month} · DSO and ADD in days", ["date": session.today.french, "month": month]), width: width - 2),
                    row: 1, style: .bold)
        let all = Self.figures
        let names = rows.indices.map { name(rows[$0], index: $0, session: session) }
        let nameWidth = min(20, max(10, names.map { TextWidth.of($0) }.max() ?? 10))
        // Each column as wide as its widest value: an amount is never cut, a column is shown whole or not at all.
        let widths = all.map { f in max(TextWidth.of(f.title), rows.map { TextWidth.of(f.value($0)) }.max() ?? 0) }
        var shown: [Int] = []
        var used = 1 + nameWidth
        for i in firstColumn..<all.count {
            guard used + 2 + widths[i] <= width else { break }
            shown.append(i); used += 2 + widths[i]
        }
        func line(_ first: String, _ cells: [String]) -> String {
            " " + TextWidth.pad(clip(first, width: nameWidth), to: nameWidth) + zip(shown, cells).map { "  " + TextWidth.pad($1, to: widths[$0], alignRight: true) }.joined()
        }
        canvas.text(line(tr("Collector", context: "column"), shown.map { all[$0].title }), row: 3, style: Style(underline: true))
        var row = 4
        let trendRows = 7
        let visible = max(1, height - 4 - trendRows - 3)
        let window = ListView.window(showing: cursor, of: rows.count, visible: visible)
        for i in window {
            let r = rows[i]
            let team = i == rows.count - 1
            canvas.text(line(names[i], shown.map { all[$0].value(r) }), row: row, style: (team ? Style.bold : .plain).with(reverse: i == cursor))
            row += 1
        }
        if shown.count < all.count {
            let more = tr("columns {first}-{last}/{count}, ←→", ["first": "\(firstColumn + 1)", "last": "\(firstColumn + shown.count)", "count": "\(all.count)"])
            terminal.put(" " + more + " ", row: 2, column: max(0, width - TextWidth.of(more) - 2), style: .dim)
        }
        // The selected row's 12 months, oldest first: DSO, the overdue amount, the aged buckets.
        guard rows.indices.contains(cursor) else { canvas.keyBar(self, session: session); return }
        let r = rows[cursor]
        var top = height - 2 - trendRows
        let first = r.trend.first.map { ReportWording.monthName($0.date) } ?? "", last = session.today.french
        canvas.text(" " + clip(tr("{name}, 12 months ({from} to {to})", ["name": names[cursor], "from": first, "to": last]), width: width - 2), row: top, style: .accent)
        top += 1
        let buckets = [(1, tr("1-30 days", context: "dashboard")), (2, tr("31-60 days", context: "dashboard")), (3, tr("61-90 days", context: "dashboard")),
                       (4, tr("over 90 days", context: "dashboard"))]
        // The labels' own width (French "plus de 90 jours" is longer than English), so that none is cut.
        let labelWidth = min(20, ([tr("DSO", context: "dashboard"), tr("Overdue", context: "dashboard")] + buckets.map(\.1)).map(TextWidth.of).max() ?? 14)
        func trend(_ label: String, _ values: [Int64?], now: String) {
            canvas.text(" " + TextWidth.pad(clip(label, width: labelWidth), to: labelWidth) + "  " + Sparkline.draw(values) + "  " + now, row: top)
            top += 1
        }
        trend(tr("DSO", context: "dashboard"), r.trend.map { $0.dso.map(Int64.init) }, now: Self.days(r.dso))
        trend(tr("Overdue", context: "dashboard"), r.trend.map { $0.overdue.cents }, now: r.overdue.formatted)
        for (k, label) in buckets {
            trend(label, r.trend.map { $0.buckets[k].cents }, now: r.trend.last?.buckets[k].formatted ?? "")
        }
        canvas.keyBar(self, session: session)
    }
}
