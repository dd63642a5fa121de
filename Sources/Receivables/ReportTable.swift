/// A report as a table of typed cells, so one report feeds the text, CSV and JSON outputs and the screens.
public struct ReportTable: Sendable, Equatable {
    public var name: String
    public var title: String
    public var columns: [Column]
    public var rows: [[Cell]]
    /// A total row, when the report has one.
    public var total: [Cell]?
    /// Lines explaining how the figures were computed.
    public var notes: [Phrase]
    /// The date a supervisor report is at, for the edge to word its title.
    public var asOf: CalendarDate?

    public init(name: String, title: String, columns: [Column], rows: [[Cell]], total: [Cell]?, notes: [Phrase]) {
        self.name = name; self.title = title; self.columns = columns; self.rows = rows; self.total = total; self.notes = notes
    }

    public struct Column: Sendable, Equatable {
        public var id: String
        public var title: String
        public init(_ id: String, _ title: String) { self.id = id; self.title = title }
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        /// Texts the edge words in the reader's language ("period 2"; "orders held by decision"), joined by "; ";
        /// English in CSV and JSON.
        case phrases([Phrase])
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
            case .phrases(let p): p.map(\.english).joined(separator: "; ")
            case .money(let m): m.plain
            case .int(let i): String(i)
            case .permille(let p), .tenths(let p): Self.oneDecimal(p)
            }
        }

        /// Display form: `21 771,07 €`, `12,5 %`.
        public var display: String {
            switch self {
            case .text(let s): s
            case .phrases(let p): p.map(\.english).joined(separator: "; ")
            case .money(let m): m.formatted
            case .int(let i): String(i)
            case .permille(let p): Self.oneDecimal(p).replacingOccurrences(of: ".", with: ",") + " %"
            case .tenths(let p): Self.oneDecimal(p).replacingOccurrences(of: ".", with: ",")
            }
        }

        public var isNumeric: Bool {
            switch self { case .text, .phrases: false; default: true }
        }

        static func oneDecimal(_ v: Int) -> String {
            "\(v < 0 ? "-" : "")\(abs(v) / 10).\(abs(v) % 10)"
        }
    }
}

extension ReportTable {
    /// The same table with `f` applied to every text (title, column titles, text cells, notes).
    public func mapTexts(_ f: (String) -> String) -> ReportTable {
        func cell(_ c: Cell) -> Cell {
            switch c {
            case .text(let s): .text(f(s))
            case .phrases(let p): .phrases(p.map { $0.mapValues(f) })
            default: c
            }
        }
        var out = ReportTable(name: name, title: f(title), columns: columns.map { Column($0.id, f($0.title)) },
                              rows: rows.map { $0.map(cell) }, total: total.map { $0.map(cell) }, notes: notes.map { $0.mapValues(f) })
        out.asOf = asOf
        return out
    }
}

/// A sentence a report says: its catalogue id (the English, with `{placeholders}`) and the values that fill it. The
/// domain names what it says and gives the figures; the edge words it in the reader's language (`ReportWording`),
/// while CSV and JSON keep the English, the same in every language (issue 19). The catalogue tests read the ids of
/// `Phrase("…")` like those of `tr("…")` (context "report").
public struct Phrase: Sendable, Equatable {
    public var id: String
    public var values: [String: String]
    /// A user's own text (a decision's reason), shown as typed in every language.
    public var verbatim = false
    public init(_ id: String, _ values: [String: String] = [:]) { self.id = id; self.values = values }
    /// Data's own French, for a text of the store kept in both languages (a dispute reason's name).
    public var french: String?
    public init(verbatim text: String) { self.id = text; self.values = [:]; self.verbatim = true }
    public init(english: String, french: String?) { self.init(verbatim: english); self.french = french }

    /// The English sentence.
    public var english: String { verbatim ? id : Self.fill(id, values) }

    func mapValues(_ f: (String) -> String) -> Phrase {
        var out = self
        if verbatim { out.id = f(id); out.french = french.map(f) } else { out.values = values.mapValues(f) }
        return out
    }

    /// `text` with each `{name}` replaced by its value; a name without a value stays as written.
    public static func fill(_ text: String, _ arguments: [String: String]) -> String {
        guard !arguments.isEmpty, text.contains("{") else { return text }
        var out = "", rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { return out + rest[open...] }
            let name = String(rest[rest.index(after: open)..<close])
            if let v = arguments[name] { out += v } else { out += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
