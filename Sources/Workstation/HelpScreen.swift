import Receivables
import TerminalKit
import Wording

/// Every key of the screen it was opened from, from the binding table: what the user may not do is marked with who
/// may (the key still answers, with the refusal). Scrolls when the screen is short; never cuts a line.
public struct HelpScreen: Screen {
    let screenTitle: String
    /// The bindings the screen offered when the help was opened.
    let bindings: [Binding]
    let takesText: Bool
    public var top = 0

    public init(for screen: any Screen) {
        screenTitle = screen.title
        // The screen's own keys as its key bar ranks them, then the others (moving, redrawing) in the table's order.
        let offered = Bindings.bindings(on: screen.screenID).filter { screen.offers($0.command) }
        bindings = offered.filter { $0.bar != nil }.sorted { $0.bar! < $1.bar! } + offered.filter { $0.bar == nil }
        takesText = screen.screenID.takesText
    }

    public var title: String { tr("Help") }
    public var screenID: ScreenID { .help }

    public mutating func prepare(session: Session) {}

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        switch command {
        case .back: return .pop
        case .up, .down, .pageUp, .pageDown: top = ListView.moved(top, by: command, count: 200) ?? top; return .none
        // The last page: `fit` brings it back to the last full screen before the next frame.
        case .home: top = 0; return .none
        case .end: top = 200; return .none
        default: return .none
        }
    }

    /// The help's lines for a width: the screen's keys, then notes.
    func lines(session: Session, width: Int) -> [(String, Style)] {
        let keyWidth = max(8, bindings.map { TextWidth.of($0.keyLabel) }.max() ?? 8)
        var out: [(String, Style)] = [(" " + tr("Keys of the {screen} screen", ["screen": screenTitle]), .accent)]
        for b in bindings {
            let available = b.isAvailable(to: session)
            let who = available ? "" : b.whoMay.map { " (\($0))" } ?? " " + tr("(not in a read-only session)")
            let pieces = wrap(b.help + who, width: max(10, width - keyWidth - 6))
            out.append(("   " + TextWidth.pad(b.keyLabel, to: keyWidth) + "  " + (pieces.first ?? ""), available ? .plain : .dim))
            for p in pieces.dropFirst() { out.append(("   " + String(repeating: " ", count: keyWidth) + "  " + p, available ? .plain : .dim)) }
        }
        out.append(("", .plain))
        var notes = [tr("Colours: red overdue · yellow due within 14 days · magenta disputed · bold red broken promise"),
                     tr("Every change is saved as it is entered: quitting never asks.")]
        if takesText { notes.insert(tr("Type to edit: amounts 1 234,56 or 1234.56, dates 2026-12-03 or 03/12/2026."), at: 0) }
        for note in notes { out += wrap(note, width: width - 2).map { (" " + $0, .dim) } }
        return out
    }

    public mutating func fit(rows: Int, columns: Int, session: Session) {
        top = min(top, max(0, lines(session: session, width: columns).count - (rows - 4)))
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(tr("Help"), session: session)
        let lines = lines(session: session, width: width)
        let visible = rows - 4
        let first = min(top, max(0, lines.count - visible))
        for (i, line) in lines.dropFirst(first).prefix(visible).enumerated() { canvas.text(line.0, row: 2 + i, style: line.1) }
        if lines.count > visible {
            terminal.put(" \(first + 1)-\(min(lines.count, first + visible))/\(lines.count), ↑↓ ", row: 1, column: max(0, width - 20), style: .dim)
        }
        canvas.keyBar(self, session: session)
    }
}
