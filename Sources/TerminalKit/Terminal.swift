/// What screens draw on and read keys from: the real terminal (`CursesTerminal`) or a `ScreenBuffer` in tests.
public protocol Terminal: AnyObject {
    var size: (rows: Int, columns: Int) { get }
    func clear()
    /// Writes `text` at a position; what falls beyond the right edge is cut.
    func put(_ text: String, row: Int, column: Int, style: Style)
    /// Shows the text cursor at a position (forms), or hides it with nil.
    func setCursor(_ position: (row: Int, column: Int)?)
    func refresh()
    /// The next key, or nil when `timeout` milliseconds pass without one (nil timeout: wait).
    func readKey(timeout: Int?) -> Key?
}
