import TerminalKit

/// What a key asks for. Screens handle commands, never raw keys, so bindings live in one table (`Bindings`).
public enum Command: Equatable, Sendable {
    case up, down, pageUp, pageDown, home, end, left, right
    case open, back, quit, help, search, redraw
    case logCall, promise, dispute, updateDispute, plan, note, markSent, toggleScope, waiveFees, letterCredit, reports
    case users, toggleUserDisabled, cancelCommitment, history, litigation
    // Issue 20: account control, requests, risk, the team's figures.
    case editAccount, mark, reassign, requestLimit, riskFlag, visit, requests, dashboard, approve, refuse, agenda
    // Issue 22: sending a written reminder or a statement; the statement of account.
    case sendMail, sendLetter, statement
    case nextField, previousField, save, toggle, lineBreak, spread
    case insert(Character), backspace, deleteForward
    case paste(String)
}
