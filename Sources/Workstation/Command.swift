import TerminalKit

/// What a key asks for. Screens handle commands, never raw keys, so bindings live in one table (`Bindings`).
public enum Command: Equatable, Sendable {
    case up, down, pageUp, pageDown, home, end, left, right
    case open, back, quit, help, search, redraw
    case logCall, promise, dispute, updateDispute, plan, note, markSent, toggleScope, waiveFees, letterCredit, reports
    case users, toggleUserDisabled, cancelCommitment, history, litigation
    case nextField, previousField, save, toggle, lineBreak, spread
    case insert(Character), backspace, deleteForward
    case paste(String)
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
