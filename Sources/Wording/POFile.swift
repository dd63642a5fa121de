import TextSafety

/// A gettext PO file, as translators and their tools (Poedit, Lokalize, `msgfmt --check`) write it: the part of
/// the format Relance's catalogue uses, read strictly so a broken file is named with its line rather than half
/// taken (issue 19; docs/DECISIONS.md says why PO and not a compiled `.mo`).
///
/// Read: `msgctxt`, `msgid`, `msgid_plural`, `msgstr`, `msgstr[N]`, strings continued on the next lines, the
/// escapes `\n \t \" \\`, comments (`#`, `#.`, `#:`), `#, fuzzy` (an entry a translator has not confirmed: left
/// out, so the English shows rather than a guess), and the header entry (`msgid ""`).
public struct POFile: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var context: String?
        public var id: String
        public var plural: String?
        /// One form for a plain message; one per plural form (`msgstr[0]`, `msgstr[1]`) for a plural one.
        public var forms: [String]
        public var fuzzy: Bool
        /// The line of its `msgid`, for messages about it.
        public var line: Int
    }

    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The header's fields (`Plural-Forms`, `Language`, `Content-Type`).
    public var header: [String: String]
    public var entries: [Entry]

    public static func parse(_ text: String) throws(Problem) -> POFile {
        var entries: [Entry] = []
        var header: [String: String] = [:]
        // The entry being read: its keyword strings, in order.
        var context: String?, id: String?, plural: String?, forms: [Int: String] = [:], fuzzy = false, idLine = 0
        // Which string a continuation line adds to.
        enum Target { case context, id, plural, form(Int) }
        var target: Target?

        func finish(at line: Int) throws(Problem) {
            defer { context = nil; id = nil; plural = nil; forms = [:]; fuzzy = false; target = nil }
            guard let msgid = id else {
                if context != nil || plural != nil || !forms.isEmpty { throw Problem(line: line, message: "an entry without msgid") }
                return
            }
            let count = (forms.keys.max() ?? -1) + 1
            guard count > 0, (0..<count).allSatisfy({ forms[$0] != nil }) else {
                throw Problem(line: idLine, message: "msgid \"\(msgid.prefix(40))\" has no msgstr (or a gap in its msgstr[N])")
            }
            if msgid.isEmpty && context == nil {
                for field in forms[0]!.split(separator: "\n") {
                    guard let colon = field.firstIndex(of: ":") else { continue }
                    header[String(field[..<colon]).trimmedSpaces] = String(field[field.index(after: colon)...]).trimmedSpaces
                }
                return
            }
            if plural == nil && count != 1 { throw Problem(line: idLine, message: "msgstr[N] without msgid_plural") }
            entries.append(Entry(context: context, id: msgid, plural: plural, forms: (0..<count).map { forms[$0]! }, fuzzy: fuzzy, line: idLine))
        }

        var lineNumber = 0
        // "\r\n" is one Character in Swift: split on both, or a Windows file is one long line.
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = String(raw).trimmedSpaces
            if line.isEmpty { try finish(at: lineNumber); continue }
            if line.hasPrefix("#") {
                // A comment ends nothing (translator comments come before the entry's keywords), except that a
                // comment after an entry's msgstr starts the next entry.
                if !forms.isEmpty { try finish(at: lineNumber) }
                if line.hasPrefix("#,"), line.dropFirst(2).split(separator: ",").contains(where: { String($0).trimmedSpaces == "fuzzy" }) { fuzzy = true }
                continue
            }
            if line.hasPrefix("\"") {
                guard let t = target else { throw Problem(line: lineNumber, message: "a string outside an entry") }
                let s = try unquote(line, line: lineNumber)
                switch t {
                case .context: context! += s
                case .id: id! += s
                case .plural: plural! += s
                case .form(let n): forms[n]! += s
                }
                continue
            }
            guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                throw Problem(line: lineNumber, message: "'\(line.prefix(30))' is not a PO keyword line")
            }
            let keyword = String(line[..<space])
            let value = try unquote(String(line[space...]).trimmedSpaces, line: lineNumber)
            switch keyword {
            case "msgctxt":
                if id != nil || !forms.isEmpty { try finish(at: lineNumber) }
                context = value; target = .context
            case "msgid":
                if !forms.isEmpty { try finish(at: lineNumber) }
                guard id == nil else { throw Problem(line: lineNumber, message: "a second msgid in one entry") }
                id = value; idLine = lineNumber; target = .id
            case "msgid_plural":
                guard id != nil, plural == nil else { throw Problem(line: lineNumber, message: "msgid_plural without its msgid") }
                plural = value; target = .plural
            case "msgstr":
                guard id != nil, forms.isEmpty else { throw Problem(line: lineNumber, message: "msgstr without its msgid") }
                forms[0] = value; target = .form(0)
            default:
                guard keyword.hasPrefix("msgstr["), keyword.hasSuffix("]"), let n = Int(keyword.dropFirst(7).dropLast()), (0..<10).contains(n) else {
                    throw Problem(line: lineNumber, message: "unknown keyword '\(keyword.prefix(30))'")
                }
                guard id != nil, plural != nil, forms[n] == nil else { throw Problem(line: lineNumber, message: "\(keyword) out of place") }
                forms[n] = value; target = .form(n)
            }
        }
        try finish(at: lineNumber + 1)
        return POFile(header: header, entries: entries)
    }

    /// The content of a quoted PO string, escapes resolved.
    static func unquote(_ s: String, line: Int) throws(Problem) -> String {
        guard s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") else { throw Problem(line: line, message: "a string must be in double quotes") }
        var out = "", escaped = false
        for c in s.dropFirst().dropLast() {
            if escaped {
                switch c {
                case "n": out.append("\n"); case "t": out.append("\t"); case "\"": out.append("\""); case "\\": out.append("\\")
                default: throw Problem(line: line, message: "unknown escape \\\(c)")
                }
                escaped = false
            } else if c == "\\" { escaped = true }
            else if c == "\"" { throw Problem(line: line, message: "a double quote inside a string must be written \\\"") }
            else { out.append(c) }
        }
        guard !escaped else { throw Problem(line: line, message: "a string ends with a lone backslash") }
        return out
    }
}
