/// A report as a table of typed cells, so one report feeds the text, CSV and JSON outputs and the screens.
public struct ReportTable: Sendable, Equatable {
    public var name: String
    public var title: String
    public var columns: [Column]
    public var rows: [[Cell]]
    /// A total row, when the report has one.
    public var total: [Cell]?
    /// Lines explaining how the figures were computed.
    public var notes: [String]
    /// The date a supervisor report is at, for the edge to word its title.
    public var asOf: CalendarDate?

    public init(name: String, title: String, columns: [Column], rows: [[Cell]], total: [Cell]?, notes: [String]) {
        self.name = name; self.title = title; self.columns = columns; self.rows = rows; self.total = total; self.notes = notes
    }

    public struct Column: Sendable, Equatable {
        public var id: String
        public var title: String
        public init(_ id: String, _ title: String) { self.id = id; self.title = title }
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        case money(Money)
        case int(Int)
        /// Tenths of a percent.
        case permille(Int)
        /// Tenths of a day.
        case tenths(Int)

        /// Machine form (CSV, JSON): `1234.56`, `12.5`.
        public var plain: String {
            switch self {
            case .text(let s): s
            case .money(let m): m.plain
            case .int(let i): String(i)
            case .permille(let p), .tenths(let p): Self.oneDecimal(p)
            }
        }

        /// Display form: `21 771,07 €`, `12,5 %`.
        public var display: String {
            switch self {
            case .text(let s): s
            case .money(let m): m.formatted
            case .int(let i): String(i)
            case .permille(let p): Self.oneDecimal(p).replacingOccurrences(of: ".", with: ",") + " %"
            case .tenths(let p): Self.oneDecimal(p).replacingOccurrences(of: ".", with: ",")
            }
        }

        public var isNumeric: Bool { if case .text = self { return false }; return true }

        static func oneDecimal(_ v: Int) -> String {
            "\(v < 0 ? "-" : "")\(abs(v) / 10).\(abs(v) % 10)"
        }
    }
}

extension ReportTable {
    /// The same table with `f` applied to every text (title, column titles, text cells, notes).
    public func mapTexts(_ f: (String) -> String) -> ReportTable {
        func cell(_ c: Cell) -> Cell { if case .text(let s) = c { return .text(f(s)) }; return c }
        return ReportTable(name: name, title: f(title), columns: columns.map { Column($0.id, f($0.title)) },
                           rows: rows.map { $0.map(cell) }, total: total.map { $0.map(cell) }, notes: notes.map(f))
    }
}
