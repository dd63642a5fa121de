import Receivables
import TerminalKit
import Wording

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
    /// Adjusts to the terminal's size before rendering (a scrolled view keeps its last screenful in view).
    mutating func fit(rows: Int, columns: Int, session: Session)
    /// A change this screen asked for (`.commit`) was refused: what to do (a form keeps the message by its fields).
    mutating func commitFailed(_ message: String, prefix: String) -> ScreenAction
}

extension Screen {
    public func offers(_ command: Command) -> Bool { true }
    public mutating func fit(rows: Int, columns: Int, session: Session) {}
    public mutating func commitFailed(_ message: String, prefix: String) -> ScreenAction { .status(.error(tr("{prefix}: {problem}", ["prefix": prefix, "problem": message]))) }
}

/// A change a screen asks the app to save (issue 18: screens called the store themselves, each wording its failures).
/// `build` runs against the latest book, under the store's lock, and returns the change with what to do once it is
/// on disk (asked then, so that a next screen reads the book with the change); a refusal goes back to the screen
/// (`commitFailed`).
public struct Commit {
    let build: (Book) throws -> (Change, () -> ScreenAction)
    /// How a refusal starts ("Not saved", "Not lettered").
    var prefix = tr("Not saved")

    init(prefix: String = tr("Not saved"), _ build: @escaping (Book) throws -> (Change, () -> ScreenAction)) {
        self.build = build; self.prefix = prefix
    }
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
    /// Save a change (the app commits it through the store), then do what it returns.
    case commit(Commit)
    case quit
}
