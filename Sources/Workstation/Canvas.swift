import TerminalKit
import Wording

/// Drawing helpers shared by the screens: title bar, key bar, status line, table rows.
struct Canvas {
    let terminal: Terminal
    var rows: Int { terminal.size.rows }
    var columns: Int { terminal.size.columns }

    func text(_ s: String, row: Int, column: Int = 0, width: Int? = nil, style: Style = .plain, alignRight: Bool = false) {
        let w = width ?? (columns - column)
        guard w > 0 else { return }
        terminal.put(TextWidth.pad(s, to: w, alignRight: alignRight), row: row, column: column, style: style)
    }

    /// Row 0: the app's title bar, with the read-only banner when there is one.
    func titleBar(_ title: String, session: Session) {
        let right = "\(session.user.name) (\(session.user.role.label)) · \(session.today.french) "
        text(" Relance — \(title)", row: 0, style: .reverse)
        if session.readOnlyBanner != nil {
            terminal.put(" " + tr("READ-ONLY") + " ", row: 0, column: TextWidth.of(" Relance — \(title)") + 2, style: Style(color: .red, bold: true, reverse: true))
        }
        // The user's part gives way to the title: the role goes first, then the whole part (a French role, "chargé de
        // recouvrement", wrote over "Promesse de paiement" at 80 columns).
        let left = TextWidth.of(" Relance — \(title)") + (session.readOnlyBanner.map { TextWidth.of($0) + 4 } ?? 0) + 2
        let short = "\(session.user.name) · \(session.today.french) "
        for candidate in [right, short] where left + TextWidth.of(candidate) <= columns {
            terminal.put(candidate, row: 0, column: columns - TextWidth.of(candidate), style: .reverse)
            break
        }
    }

    /// The last row: the keys of the current screen the user may use, from the binding table.
    func keyBar(_ screen: any Screen, session: Session) {
        let hints = Bindings.bar(on: screen, session: session, width: columns)
        let row = rows - 1
        text("", row: row, style: .reverse)
        var col = 0
        for h in hints {
            let needed = TextWidth.of(h.keys) + TextWidth.of(h.action) + 3
            guard col + needed <= columns else { break }
            terminal.put(h.keys, row: row, column: col, style: Style(bold: true))
            terminal.put(" " + h.action + "  ", row: row, column: col + TextWidth.of(h.keys), style: .reverse)
            col += needed
        }
    }

    /// The row above the key bar: the last message (saved, refused, error).
    func statusLine(_ message: StatusMessage?) {
        guard let m = message else { text("", row: rows - 2); return }
        // A message too long for one row takes the row above too (a refusal is read whole).
        let pieces = wrap(m.text, width: columns - 2)
        let shown = pieces.count > 1 ? [pieces[0], clip(pieces.dropFirst().joined(separator: " "), width: columns - 2)] : pieces
        for (i, piece) in shown.enumerated() { text(" " + piece, row: rows - 1 - shown.count + i, style: m.isError ? .error : .good) }
    }
}

/// A message for the status line.
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool
    public static func info(_ t: String) -> StatusMessage { StatusMessage(text: t, isError: false) }
    public static func error(_ t: String) -> StatusMessage { StatusMessage(text: t, isError: true) }
}

/// A table column: width in columns (nil: takes what is left) and alignment.
struct Column {
    var width: Int?
    var right = false
    init(_ width: Int?, right: Bool = false) { self.width = width; self.right = right }

    /// A column as wide as the widest of `values` (amounts are never cut), at least `minimum`.
    static func fitting(_ values: [String], minimum: Int, right: Bool = true) -> Column {
        Column(max(minimum, values.map { TextWidth.of($0) }.max() ?? 0), right: right)
    }

    /// Resolves flexible widths for the screen width, one space between the columns shown (a column of width 0
    /// is left out, with its space).
    static func layout(_ columns: [Column], total: Int) -> [Int] {
        let shown = columns.filter { $0.width != 0 }
        let fixed = shown.compactMap(\.width).reduce(0, +) + shown.count - 1
        let flex = max(4, total - fixed)
        return columns.map { $0.width ?? flex }
    }
}

/// Columns laid out for a screen width: turns a row of cells into one line, each cell padded or cut to its
/// column and aligned as the column says.
struct TableLayout {
    let columns: [Column]
    let widths: [Int]

    init(_ columns: [Column], total: Int) {
        self.columns = columns
        widths = Column.layout(columns, total: total)
    }

    func line(_ cells: [String]) -> String {
        " " + cells.indices.filter { widths[$0] > 0 }.map { i in TextWidth.pad(cells[i], to: widths[i], alignRight: columns[i].right) }
            .joined(separator: " ")
    }

    /// The flexible column's width (the names').
    var flexibleWidth: Int { columns.indices.first { columns[$0].width == nil }.map { widths[$0] } ?? 0 }
}
