import TerminalKit

/// What a key asks for. Screens handle commands, never raw keys, so bindings live in one table (`Keymap`).
public enum Command: Equatable, Sendable {
    case up, down, pageUp, pageDown, home, end, left, right
    case open, back, quit, help, search, redraw
    case logCall, promise, dispute, updateDispute, plan, note, markSent, toggleScope, waiveFees, letterCredit, reports
    case users, toggleUserDisabled, cancelCommitment, history, litigation
    case nextField, previousField, save, toggle, lineBreak, spread
    case insert(Character), backspace, deleteForward
    case paste(String)
}

/// How keys are read on a screen: list screens bind letters to actions; forms and search boxes take text.
public enum KeyContext: Sendable { case list, form, search }

/// The key bindings, as a pure table (tested without a terminal).
public enum Keymap {
    public static func command(for key: Key, in context: KeyContext) -> Command? {
        switch key {
        case .up: return .up
        case .down: return .down
        case .pageUp: return .pageUp
        case .pageDown: return .pageDown
        case .home: return context == .search ? nil : .home
        case .end: return context == .search ? nil : .end
        case .left: return .left
        case .right: return .right
        case .escape: return .back
        case .function(1): return .help
        case .function(2), .control("s"): return context == .form ? .save : nil
        case .control("r"): return context == .form ? .spread : nil
        case .control("l"): return .redraw
        case .resize: return .redraw
        case .paste(let text): return context == .list ? nil : .paste(text)
        case .tab: return context == .form ? .nextField : nil
        case .backTab: return context == .form ? .previousField : nil
        case .enter: return context == .form ? .nextField : .open
        // Ctrl-J types a line break in a note (Enter moves on); a terminal that sends LF for Enter still works.
        case .control("j"): return context == .form ? .lineBreak : (context == .list ? .open : nil)
        case .backspace: return context == .list ? .back : .backspace
        case .delete: return context == .list ? nil : .deleteForward
        case .character(let c):
            switch context {
            case .form: return c == " " ? .toggle : .insert(c)
            case .search: return .insert(c)
            case .list:
                switch c {
                case "k": return .up
                case "j": return .down
                case "g": return .home
                case "G": return .end
                case "q": return .quit
                case "/": return .search
                case "?": return .help
                case "c": return .logCall
                case "p": return .promise
                case "d": return .dispute
                case "r": return .updateDispute
                case "e": return .plan
                case "n": return .note
                case "s": return .markSent
                case "a": return .toggleScope
                case "w": return .waiveFees
                case "l": return .letterCredit
                case "R": return .reports
                case "U": return .users
                case "D": return .toggleUserDisabled
                case "X": return .cancelCommitment
                case "L": return .litigation
                case "h": return .history
                default: return nil
                }
            }
        default: return nil
        }
    }
}

/// A key and what it does, for the key bar and the help screen.
public struct KeyHint: Equatable, Sendable {
    public var keys: String
    public var action: String
    public init(_ keys: String, _ action: String) { self.keys = keys; self.action = action }
}

/// Where a list cursor goes after a movement command, or nil when the command does not move it.
func movedCursor(_ cursor: Int, by command: Command, count: Int) -> Int? {
    let last = max(0, count - 1)
    switch command {
    case .up: return max(0, cursor - 1)
    case .down: return min(last, cursor + 1)
    case .pageUp: return max(0, cursor - 10)
    case .pageDown: return min(last, cursor + 10)
    case .home: return 0
    case .end: return last
    default: return nil
    }
}
