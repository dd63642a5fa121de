import TextSafety
/// An in-memory terminal: a grid of cells with styles and a queue of scripted keys. Screens render into it in
/// unit tests exactly as they do into ncurses; `text` reads back like `tmux capture-pane -p`.
public final class ScreenBuffer: Terminal {
    public struct Cell: Equatable, Sendable {
        public var character: Character
        public var style: Style
    }

    public private(set) var rows: Int
    public private(set) var columns: Int
    private var cells: [[Cell]]
    public var keys: [Key] = []
    public private(set) var cursor: (row: Int, column: Int)?

    public init(rows: Int = 24, columns: Int = 80) {
        self.rows = rows; self.columns = columns
        cells = Array(repeating: Array(repeating: Cell(character: " ", style: .plain), count: columns), count: rows)
    }

    public var size: (rows: Int, columns: Int) { (rows, columns) }

    public func resize(rows: Int, columns: Int) {
        self.rows = rows; self.columns = columns
        clear()
    }

    public func clear() {
        cells = Array(repeating: Array(repeating: Cell(character: " ", style: .plain), count: columns), count: rows)
    }

    public func put(_ text: String, row: Int, column: Int, style: Style) {
        guard row >= 0, row < rows else { return }
        var col = column
        for ch in Safe.text(text) {   // as the real terminal does: a newline or escape in a name is shown, not obeyed
            let w = TextWidth.of(ch)
            guard col + w <= columns else { break }
            if col >= 0 {
                cells[row][col] = Cell(character: ch, style: style)
                if w == 2 { cells[row][col + 1] = Cell(character: "\u{0}", style: style) }  // continuation
            }
            col += w
        }
    }

    public func setCursor(_ position: (row: Int, column: Int)?) { cursor = position }
    public func refresh() {}

    public func readKey(timeout: Int?) -> Key? { keys.isEmpty ? nil : keys.removeFirst() }

    /// One row as text, trailing blanks trimmed.
    public func line(_ row: Int) -> String {
        var s = String(cells[row].filter { $0.character != "\u{0}" }.map(\.character))
        while s.last == " " { s.removeLast() }
        return s
    }

    /// The whole screen, one line per row, trailing blanks trimmed (like `capture-pane -p`).
    public var text: String { (0..<rows).map(line).joined(separator: "\n") }

    /// Every cell, characters and styles: what a test compares to see whether a key changed anything.
    public var allCells: [[Cell]] { cells }

    /// The style of the cell at a position.
    public func style(row: Int, column: Int) -> Style { cells[row][column].style }

    /// The first position where `needle` appears, to check styles at chosen cells.
    public func find(_ needle: String) -> (row: Int, column: Int)? {
        for r in 0..<rows {
            let chars = cells[r].filter { $0.character != "\u{0}" }.map(\.character)
            let line = String(chars)
            if let range = line.range(of: needle) {
                let prefix = line[line.startIndex..<range.lowerBound]
                return (r, TextWidth.of(String(prefix)))
            }
        }
        return nil
    }
}
