import Receivables
import TerminalKit

/// A screen: plain state, commands in, pure rendering out.
public protocol Screen {
    var title: String { get }
    /// Which line of the binding table applies: its keys, key bar and help.
    var screenID: ScreenID { get }
    /// Recomputes what depends on the book (called before rendering; cheap when nothing changed).
    mutating func prepare(session: Session)
    mutating func handle(_ command: Command, session: Session) -> ScreenAction
    func render(on terminal: Terminal, session: Session)
    /// Whether the screen, as it is now, has a use for a command of its bindings (a one-field form has no next
    /// field): the key bar and the help leave out what it has not.
    func offers(_ command: Command) -> Bool
}

extension Screen {
    public func offers(_ command: Command) -> Bool { true }
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
