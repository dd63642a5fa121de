import TextSafety
import Foundation
import Wording

/// Reads the CSV files accountants actually produce: UTF-8 with or without BOM, `,` or `;` separators
/// (sniffed from the header), quoted fields with doubled quotes, CRLF, LF or CR line ends.
///
/// Hand-written rather than a package because every row must keep its line number for error messages
/// (docs/DECISIONS.md). Rows are parsed one at a time from the file's bytes (`forEachRow`), never all kept:
/// a million-row import holds the file and the rows it keeps, not a second copy of every field (issue 9).
/// Separators, quotes and line ends are ASCII, so working on UTF-8 bytes is exact; each field is checked to be
/// valid UTF-8 as it is decoded, and the first invalid one stops the file with its line.
public struct CSVReader {
    public struct Row: Equatable {
        /// 1-based line number in the file where the row starts.
        public var line: Int
        public var fields: [String]
    }

    public let separator: Character
    public let header: [String]
    private let data: Data
    private let file: String
    /// Where the rows after the header start (bytes), and on which line.
    private let bodyStart: Int
    private let bodyLine: Int

    public init(data: Data, file: String) throws {
        self.data = data
        self.file = file
        let start = data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let sep: UInt8 = data.withUnsafeBytes { raw in
            var semicolons = 0, commas = 0, quoted = false
            for b in raw.dropFirst(start) {
                if b == UInt8(ascii: "\"") { quoted.toggle() }
                if !quoted && (b == 10 || b == 13) { break }
                if b == UInt8(ascii: ";") { semicolons += 1 } else if b == UInt8(ascii: ",") { commas += 1 }
            }
            return semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
        }
        separator = Character(UnicodeScalar(sep))
        var parser = Parser(separator: sep, offset: start, line: 1)
        let first = try data.withUnsafeBytes { raw throws(ImportError) in try parser.next(raw.bindMemory(to: UInt8.self), file: file) }
        guard let first else { throw ImportError(file: file, line: 1, tr("the file is empty")) }
        header = first.fields.map { $0.trimmedSpaces.lowercased() }
        bodyStart = parser.offset
        bodyLine = parser.line
    }

    /// Calls `body` with each row after the header, in order, skipping blank lines; throws the first file-level
    /// problem (invalid UTF-8, a quoted field never closed) as an `ImportError` with its line.
    public func forEachRow(_ body: (Row) throws -> Void) throws {
        let sep = separator.asciiValue!
        var parser = Parser(separator: sep, offset: bodyStart, line: bodyLine)
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            while let row = try parser.next(bytes, file: file) {
                if row.fields.count == 1 && row.fields[0].trimmedSpaces.isEmpty { continue }
                try body(row)
            }
        }
    }

    /// Lines of the file after the header (line ends counted on the bytes): an upper bound of its rows, to size
    /// tables before reading them.
    public var lineCount: Int {
        data.withUnsafeBytes { raw in
            var n = 0, previous: UInt8 = 0
            // LF, and CR not followed by LF (files from old Macs end lines with CR alone).
            for b in raw.dropFirst(bodyStart) {
                if b == 10 || previous == 13 && b != 10 { n += 1 }
                previous = b
            }
            return n + 1
        }
    }

    /// Limits no accounting export reaches: a field of 64 KB, 1,000 fields in a row. Past them the file is refused
    /// at once (a 200 MB "invoice number" took 800 MB to validate).
    static let maxFieldBytes = 65_536
    static let maxFields = 1_000

    /// Every row at once: for small files and tests.
    public func allRows() throws -> [Row] {
        var rows: [Row] = []
        try forEachRow { rows.append($0) }
        return rows
    }

    /// The byte-level state machine: one record per call.
    private struct Parser {
        /// Line breaks in a quoted field before its first invalid UTF-8 sequence, so the error names the line of
        /// the bad byte, not only the line where the row starts.
        static func linesBeforeInvalidUTF8(_ bytes: [UInt8]) -> Int {
            var iterator = bytes.makeIterator()
            var parser = Unicode.UTF8.ForwardParser()
            var lines = 0, previous: UInt32 = 0
            while true {
                switch parser.parseScalar(from: &iterator) {
                case .valid(let encoded):
                    let v = Unicode.UTF8.decode(encoded).value
                    if v == 10 && previous != 13 || v == 13 { lines += 1 }
                    previous = v
                case .error, .emptyInput: return lines
                }
            }
        }

        let separator: UInt8
        var offset: Int
        var line: Int
        var field: [UInt8] = []

        mutating func next(_ b: UnsafeBufferPointer<UInt8>, file: String) throws(ImportError) -> Row? {
            guard offset < b.count else { return nil }
            let rowStart = line
            var fields: [String] = []
            var inQuotes = false
            field.removeAll(keepingCapacity: true)
            func finish() throws(ImportError) {
                guard let s = String(validating: field, as: UTF8.self) else {
                    throw ImportError(file: file, line: rowStart + Parser.linesBeforeInvalidUTF8(field), tr("not valid UTF-8 (save the file as UTF-8)"))
                }
                fields.append(s)
                field.removeAll(keepingCapacity: true)
                guard fields.count <= CSVReader.maxFields else {
                    throw ImportError(file: file, line: rowStart, tr("more than {maxFields} fields in one row", ["maxFields": "\(CSVReader.maxFields)"]))
                }
            }
            let quote = UInt8(ascii: "\"")
            while offset < b.count {
                let c = b[offset]
                offset += 1
                if field.count >= CSVReader.maxFieldBytes {
                    throw ImportError(file: file, line: rowStart, tr("a field longer than {maxFieldBytes} bytes (a missing closing quote?)", ["maxFieldBytes": "\(CSVReader.maxFieldBytes)"]))
                }
                if inQuotes {
                    if c == quote {
                        if offset < b.count && b[offset] == quote { field.append(quote); offset += 1 } else { inQuotes = false }
                    } else {
                        if c == 10 || (c == 13 && !(offset < b.count && b[offset] == 10)) { line += 1 }
                        field.append(c)
                    }
                    continue
                }
                switch c {
                case quote where field.isEmpty: inQuotes = true
                case separator: try finish()
                case 10, 13:
                    if c == 13 && offset < b.count && b[offset] == 10 { offset += 1 }
                    try finish()
                    line += 1
                    return Row(line: rowStart, fields: fields)
                default: field.append(c)
                }
            }
            if inQuotes { throw ImportError(file: file, line: rowStart, tr("a quoted field is never closed")) }
            try finish()
            return Row(line: rowStart, fields: fields)
        }
    }

    /// Index of each required column, or an error naming the missing ones.
    public func columns(required: [String], optional: [String], file: String) throws -> [String: Int] {
        var map: [String: Int] = [:]
        for (i, h) in header.enumerated() {
            if let bad = h.unicodeScalars.first(where: Safe.isUnsafe) {
                throw ImportError(file: file, line: 1, tr("column {n}'s name holds an invisible or control character U+{code}", ["n": "\(i + 1)", "code": String(bad.value, radix: 16, uppercase: true)]))
            }
            // Two columns of one name: which one is meant? Refused rather than "the last one wins".
            if let first = map[h], !h.isEmpty {
                throw ImportError(file: file, line: 1, tr("column {name} appears twice (columns {first} and {second})", ["name": h, "first": "\(first + 1)", "second": "\(i + 1)"]))
            }
            map[h] = i
        }
        let missing = required.filter { map[$0] == nil }
        guard missing.isEmpty else {
            throw ImportError(file: file, line: 1, trn("missing column {missing} (found: {header})", "missing columns {missing} (found: {header})", count: missing.count, ["missing": missing.joined(separator: ", "), "header": header.joined(separator: ", ")]))
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
        return shown + (errors.count > 20 ? tr("\n… and {count} more", ["count": "\(errors.count - 20)"]) : "") + tr("\nNothing was imported from this file.")
    }
}
