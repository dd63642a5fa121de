import Receivables
import TerminalKit

/// The keys of the screen it was opened from, then the keys that work everywhere, and what colours mean.
public struct HelpScreen: Screen {
    let screenTitle: String
    let screenHints: [KeyHint]

    public init(for screen: any Screen) {
        screenTitle = screen.title
        screenHints = screen.hints
    }

    public var title: String { "Help" }
    public var keyContext: KeyContext { .list }
    public var hints: [KeyHint] { [KeyHint("Esc", "Back")] }

    public mutating func prepare(session: Session) {}

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        switch command {
        case .back, .quit, .open, .help: return .pop
        default: return .none
        }
    }

    static let general: [KeyHint] = [
        KeyHint("↑ ↓ / j k", "move"), KeyHint("PgUp PgDn, g G", "page, first, last"), KeyHint("Enter", "open"),
        KeyHint("/", "search (name, SIREN, invoice, phone)"), KeyHint("Esc", "back (cancels a form)"),
        KeyHint("q", "back; quits from the agenda"), KeyHint("? or F1", "this help"), KeyHint("Ctrl-L", "redraw"),
        KeyHint("Tab, Shift-Tab", "next, previous field in a form"), KeyHint("Space", "tick an invoice, change a choice"),
        KeyHint("F2 or Ctrl-S", "save a form"),
    ]

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let rows = terminal.size.rows
        canvas.titleBar("Help", session: session)
        var row = 2
        func line(_ s: String, _ style: Style = .plain) { if row < rows - 2 { canvas.text(s, row: row, style: style) }; row += 1 }
        line(" Keys of the \(screenTitle) screen", .accent)
        for h in screenHints { line("   \(TextWidth.pad(h.keys, to: 16)) \(h.action)") }
        row += 1
        line(" Everywhere", .accent)
        // Two columns when the screen is wide enough, so everything fits at 80x24.
        let twoColumns = terminal.size.columns >= 80
        let perColumn = twoColumns ? (Self.general.count + 1) / 2 : Self.general.count
        for i in 0..<perColumn {
            var text = "   \(TextWidth.pad(Self.general[i].keys, to: 15)) \(Self.general[i].action)"
            if twoColumns, i + perColumn < Self.general.count {
                let h = Self.general[i + perColumn]
                text = TextWidth.pad(text, to: 42) + "\(TextWidth.pad(h.keys, to: 13)) \(h.action)"
            }
            line(text)
        }
        row += 1
        line(" Colours: red overdue · yellow due within 14 days · magenta disputed · bold red broken promise", .dim)
        line(" Every change is saved as it is entered: quitting never asks.", .dim)
        canvas.keyBar(hints)
    }
}
