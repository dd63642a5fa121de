import Receivables
import TerminalKit

/// A screen: plain state, commands in, pure rendering out.
public protocol Screen {
    var title: String { get }
    var keyContext: KeyContext { get }
    /// The keys shown in the key bar and in help.
    var hints: [KeyHint] { get }
    /// Recomputes what depends on the book (called before rendering; cheap when nothing changed).
    mutating func prepare(session: Session)
    mutating func handle(_ command: Command, session: Session) -> ScreenAction
    func render(on terminal: Terminal, session: Session)
}

/// What a screen asks the app to do after a command.
public enum ScreenAction {
    case none
    case push(any Screen)
    case pop
    /// Close this screen and show a message on the one below (a saved form).
    case popWith(StatusMessage)
    /// Close this screen and the `count - 1` below it (the plan schedule closes its terms form too).
    case popMany(Int, StatusMessage)
    /// Show another screen in place of this one, with a message (a saved call that leads to a promise form).
    case replace(any Screen, StatusMessage?)
    case status(StatusMessage)
    case quit
}
