import TextSafety
import Foundation

/// Reads the CSV files accountants actually produce: UTF-8 with or without BOM, `,` or `;` separators
/// (sniffed from the header), quoted fields with doubled quotes, CRLF or LF line ends.
///
/// Hand-written rather than a package because every row must keep its line number for error messages
/// (docs/DECISIONS.md).
public struct CSVReader {
    public struct Row {
        /// 1-based line number in the file where the row starts.
        public var line: Int
        public var fields: [String]
    }

    public let separator: Character
    public let header: [String]
    public let rows: [Row]

    public init(data: Data, file: String) throws {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) else {
            let line = CSVReader.firstInvalidUTF8Line(bytes)
            throw ImportError(file: file, line: line, "not valid UTF-8 (save the file as UTF-8)")
        }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        separator = firstLine.filter { $0 == ";" }.count > firstLine.filter { $0 == "," }.count ? ";" : ","
        var records = try CSVReader.parse(text, separator: separator, file: file)
        guard !records.isEmpty else { throw ImportError(file: file, line: 1, "the file is empty") }
        header = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        rows = records.filter { !($0.fields.count == 1 && $0.fields[0].trimmingCharacters(in: .whitespaces).isEmpty) }
    }

    static func parse(_ text: String, separator: Character, file: String) throws -> [Row] {
        var rows: [Row] = []
        var field = "", fields: [String] = []
        var inQuotes = false, line = 1, rowStart = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? { if let p = pending { pending = nil; return p }; return iterator.next() }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: inQuotes = true
            case separator: fields.append(field); field = ""
            case "\n", "\r\n", "\r":
                fields.append(field); field = ""
                rows.append(Row(line: rowStart, fields: fields)); fields = []
                line += 1; rowStart = line
            default: field.append(c)
            }
        }
        if inQuotes { throw ImportError(file: file, line: rowStart, "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); rows.append(Row(line: rowStart, fields: fields)) }
        return rows
    }

    static func firstInvalidUTF8Line(_ data: Data) -> Int {
        var line = 1
        for chunk in data.split(separator: 10, omittingEmptySubsequences: false) {
            if String(data: Data(chunk), encoding: .utf8) == nil { return line }
            line += 1
        }
        return 1
    }

    /// Index of each required column, or an error naming the missing ones.
    public func columns(required: [String], optional: [String], file: String) throws -> [String: Int] {
        var map: [String: Int] = [:]
        for (i, h) in header.enumerated() {
            if let bad = h.unicodeScalars.first(where: Safe.isUnsafe) {
                throw ImportError(file: file, line: 1, "column \(i + 1)'s name holds an invisible or control character U+\(String(bad.value, radix: 16, uppercase: true))")
            }
            // Two columns of one name: which one is meant? Refused rather than "the last one wins".
            if let first = map[h], !h.isEmpty {
                throw ImportError(file: file, line: 1, "column \(h) appears twice (columns \(first + 1) and \(i + 1))")
            }
            map[h] = i
        }
        let missing = required.filter { map[$0] == nil }
        guard missing.isEmpty else {
            throw ImportError(file: file, line: 1, "missing column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) (found: \(header.joined(separator: ", ")))")
        }
        return map.filter { required.contains($0.key) || optional.contains($0.key) }
    }
}

/// An import problem: file, line, and what is wrong.
public struct ImportError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var reason: String
    public init(file: String, line: Int, _ reason: String) { self.file = file; self.line = line; self.reason = reason }
    public var description: String { "\(file):\(line): \(reason)" }
}

/// Several import problems: the file is refused as a whole.
public struct ImportFailure: Error, CustomStringConvertible, Sendable {
    public var errors: [ImportError]
    public var description: String {
        let shown = errors.prefix(20).map(\.description).joined(separator: "\n")
        return shown + (errors.count > 20 ? "\n… and \(errors.count - 20) more" : "") + "\nNothing was imported from this file."
    }
}
