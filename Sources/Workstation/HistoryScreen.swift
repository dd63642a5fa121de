import Wording
import Receivables
import TerminalKit

/// An account's whole history (`h` on the account screen), one entry a line, and Enter for the full entry: a long
/// note (2,000 characters, or several lines) is read back whole there, wrapped to the screen.
public struct HistoryScreen: Screen {
    public let customerId: String
    var list = ListView()
    public var cursor: Int { list.cursor }
    /// The entry shown whole, or nil for the list.
    public var detail: Int?
    private(set) var entries: [Activity] = []
    private var problem: String?
    private var revision = -1
    public var top = 0

    public init(customerId: String) { self.customerId = customerId }

    public var title: String { tr("History") }
    public var screenID: ScreenID { detail == nil ? .history : .historyEntry }

    public mutating func prepare(session: Session) {
        guard session.book.revision != revision else { return }
        revision = session.book.revision
        do {
            entries = try session.history(of: customerId)
            problem = nil
        } catch { entries = []; problem = tr("history could not be read: {problem}", ["problem": "\(error)"]) }
        list.clamp(count: entries.count)
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        if detail != nil {
            switch command {
            case .back, .quit: detail = nil; top = 0
            case .up, .pageUp: top = max(0, top - (command == .up ? 1 : 10))
            case .down, .pageDown: top += command == .down ? 1 : 10
            default: break
            }
            return .none
        }
        if list.move(command, count: entries.count) { return .none }
        switch command {
        case .back, .quit: return .pop
        case .open: if entries.indices.contains(cursor) { detail = cursor; top = 0 }
        default: break
        }
        return .none
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(tr("History"), session: session)
        let name = session.book.customers[customerId]?.name ?? customerId
        canvas.text(" \(name) · " + trn("{count} entry, newest first", "{count} entries, newest first", count: entries.count), row: 1, style: .accent)
        if let problem { canvas.text(" " + problem, row: 3, style: .error) }
        if let d = detail, entries.indices.contains(d) {
            renderDetail(entries[d], canvas: canvas, rows: rows, width: width, session: session)
        } else {
            let window = ListView.window(showing: cursor, of: entries.count, visible: max(1, rows - 5))
            for i in window {
                let a = entries[i]
                let said = ActivityWording.text(a, book: session.book).replacingOccurrences(of: "\n", with: " ⏎ ")
                let text = " " + clip("\(a.date.short) \(a.user) " + (said.isEmpty ? a.what : tr("{what}: {said}", ["what": a.what, "said": said])), width: width - 2)
                canvas.text(text, row: 3 + i - window.lowerBound, style: i == cursor ? Style(reverse: true) : .plain)
            }
            if entries.isEmpty && problem == nil { canvas.text("   " + tr("nothing recorded yet"), row: 3, style: .dim) }
        }
        canvas.keyBar(self, session: session)
    }

    /// The whole entry's lines for a width: every line wrapped, nothing cut.
    static func detailLines(_ a: Activity, width: Int, session: Session) -> [String] {
        var lines: [String] = [
            TextWidth.pad(tr("Date", context: "entry"), to: 12) + tr("{date} (recorded {at})", ["date": a.date.french, "at": a.at]),
            TextWidth.pad(tr("By", context: "entry"), to: 12) + "\(session.name(of: a.user)) (\(a.user))",
            TextWidth.pad(tr("What", context: "entry"), to: 12) + a.what,
        ]
        if let c = a.contact { lines.append(TextWidth.pad(tr("Contact", context: "entry"), to: 12) + c) }
        if !a.invoices.isEmpty { lines.append(TextWidth.pad(tr("Invoices", context: "entry"), to: 12) + a.invoices.joined(separator: ", ")) }
        if let n = a.nextActionDate { lines.append(TextWidth.pad(tr("Next action", context: "entry"), to: 12) + n.french) }
        if let s = a.step { lines.append(TextWidth.pad(tr("Policy step", context: "entry"), to: 12) + s) }
        if let event = a.event {
            let recorded = wrap(ActivityWording.describe(event, invoices: a.invoices, book: session.book), width: width - 16)
            lines += recorded.enumerated().map { ($0.offset == 0 ? TextWidth.pad(tr("Recorded", context: "entry"), to: 12) : "            ") + $0.element }
        }
        lines.append("")
        lines.append(tr("Note", context: "entry"))
        for paragraph in (a.event == nil ? ActivityWording.text(a, book: session.book) : a.note).split(separator: "\n", omittingEmptySubsequences: false) {
            lines += Self.wrap(String(paragraph), width: width - 4).map { "  " + $0 }
        }
        return lines.map { clip($0, width: width - 2) }
    }

    /// Keeps the whole entry's first line where the last screenful still shows (↑ then moves at once).
    public mutating func fit(rows: Int, columns: Int, session: Session) {
        guard let d = detail, entries.indices.contains(d) else { return }
        top = min(top, max(0, Self.detailLines(entries[d], width: columns, session: session).count - (rows - 5)))
    }

    private func renderDetail(_ a: Activity, canvas: Canvas, rows: Int, width: Int, session: Session) {
        let lines = Self.detailLines(a, width: width, session: session)
        let visible = rows - 5
        for (i, l) in lines.dropFirst(min(top, max(0, lines.count - visible))).prefix(visible).enumerated() {
            canvas.text(" " + l, row: 3 + i)
        }
    }

    /// Words wrapped to `width` columns; a word longer than a line is cut across lines.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 4 else { return [text] }
        var out: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            var w = String(word)
            while TextWidth.of(w) > width {
                if !line.isEmpty { out.append(line); line = "" }
                var head = ""
                for c in w { if TextWidth.of(head) + TextWidth.of(c) > width { break }; head.append(c) }
                out.append(head); w = String(w.dropFirst(head.count))
            }
            if line.isEmpty { line = w }
            else if TextWidth.of(line) + 1 + TextWidth.of(w) <= width { line += " " + w }
            else { out.append(line); line = w }
        }
        out.append(line)
        return out
    }
}
