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
        KeyHint("F2 or Ctrl-S", "save a form"), KeyHint("Ctrl-J", "new line in a note"), KeyHint("Ctrl-R (schedule)", "spread a changed amount over the lines after it"), KeyHint("U (agenda)", "the team, for supervisors"),
    ]

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let rows = terminal.size.rows
        canvas.titleBar("Help", session: session)
        var row = 2
        func line(_ s: String, _ style: Style = .plain) { if row < rows - 2 { canvas.text(s, row: row, style: style) }; row += 1 }
        // Two columns when the screen is wide enough, so everything fits at 80x24.
        let twoColumns = terminal.size.columns >= 80
        func table(_ hints: [KeyHint]) {
            let perColumn = twoColumns && hints.count > 4 ? (hints.count + 1) / 2 : hints.count
            for i in 0..<perColumn {
                var text = "   \(TextWidth.pad(hints[i].keys, to: 15)) \(hints[i].action)"
                if i + perColumn < hints.count {
                    let h = hints[i + perColumn]
                    text = TextWidth.pad(text, to: 42) + "\(TextWidth.pad(h.keys, to: 13)) \(h.action)"
                }
                line(text)
            }
        }
        line(" Keys of the \(screenTitle) screen", .accent)
        table(screenHints)
        row += 1
        line(" Everywhere", .accent)
        table(Self.general)
        row += 1
        line(" Colours: red overdue · yellow due within 14 days · magenta disputed · bold red broken promise", .dim)
        line(" Every change is saved as it is entered: quitting never asks.", .dim)
        canvas.keyBar(hints)
    }
}
