import Foundation
import Receivables

/// Checks that the fast `RecordReader` is never more lenient than `JSONDecoder`: valid lines of every record type,
/// made by the store's own writer, are mutated at random (bytes flipped, inserted, deleted, duplicated; values, keys
/// and members replaced, repeated or removed; escapes, control characters and invalid UTF-8 put into strings), and
/// whenever the reader accepts a line, `JSONDecoder` must accept it too, with the same value. Deterministic: the same
/// seed tries the same lines. The test suite runs it briefly; `relance-tools` runs it long.
public enum RecordReaderAudit {
    /// What happened to the mutated lines of one record type.
    public struct Figures: Sendable, Equatable {
        public let kind: String
        public internal(set) var lines = 0
        public internal(set) var readerAccepted = 0
        public internal(set) var decoderAccepted = 0
        /// Lines both accepted with the same value.
        public internal(set) var bothAccepted = 0
        /// Lines the reader accepted that `JSONDecoder` refused or read differently.
        public internal(set) var disagreements = 0
    }

    /// A line the reader accepted wrongly. Bytes outside printable ASCII are shown as `\xNN`.
    public struct Disagreement: Sendable, CustomStringConvertible {
        public let kind: String
        public let line: String
        public let problem: String
        public var description: String { "\(kind): \(problem)\n  \(line)" }
    }

    public struct Result: Sendable, CustomStringConvertible {
        public let seed: UInt64
        public let linesPerType: Int
        /// One entry per record type, the four the reader handles first.
        public internal(set) var figures: [Figures] = []
        /// Unmutated lines of the record types the reader handles, and how many it read to the very record written.
        public internal(set) var validLines = 0
        public internal(set) var validLinesReadFast = 0
        /// Unmutated lines the reader refused or misread, or `JSONDecoder` did not read back (the fast path silently
        /// disabled, or the writer wrong).
        public internal(set) var validLineProblems: [String] = []
        /// The first few disagreements (see `disagreements` for the count).
        public internal(set) var examples: [Disagreement] = []

        public var lines: Int { figures.reduce(0) { $0 + $1.lines } }
        public var disagreements: Int { figures.reduce(0) { $0 + $1.disagreements } }
        public var passed: Bool { disagreements == 0 && validLineProblems.isEmpty && validLinesReadFast == validLines }

        public var description: String {
            func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
            var out = ["RecordReader audit, seed \(seed), \(linesPerType) mutated lines per record type",
                       "record type      lines   reader  decoder     both  disagreements"]
            for f in figures {
                out.append(f.kind.padding(toLength: 12, withPad: " ", startingAt: 0) + pad("\(f.lines)", 9) + pad("\(f.readerAccepted)", 9)
                           + pad("\(f.decoderAccepted)", 9) + pad("\(f.bothAccepted)", 9) + pad("\(f.disagreements)", 15))
            }
            out.append("total       " + pad("\(lines)", 9) + pad("\(figures.reduce(0) { $0 + $1.readerAccepted })", 9)
                       + pad("\(figures.reduce(0) { $0 + $1.decoderAccepted })", 9) + pad("\(figures.reduce(0) { $0 + $1.bothAccepted })", 9)
                       + pad("\(disagreements)", 15))
            out.append("unmutated lines of the reader's record types: \(validLines), read by the fast path: \(validLinesReadFast)")
            out += validLineProblems.map { "valid line problem: \($0)" }
            out += examples.map(\.description)
            out.append(passed ? "passed" : "FAILED")
            return out.joined(separator: "\n")
        }
    }

    public static let maxExamples = 10

    /// Tries `linesPerType` mutated lines of each of the ten record types and of the history lines (the reader's four, the history lines, and six it leaves to
    /// `JSONDecoder`). About 16 µs a line in a release build, nearly all of it in `JSONDecoder`: 1,000,000 lines per
    /// type take under 3 minutes on one core.
    public static func run(seed: UInt64, linesPerType: Int) -> Result {
        var result = Result(seed: seed, linesPerType: linesPerType)
        var rng = AuditRandom(seed: seed)
        let decoder = JSONDecoder()
        for (kind, records) in sampleRecords().map({ ($0.0, $0.1.map(SnapshotCodec.Item.record)) }) + [("history", sampleHistoryLines().map(SnapshotCodec.Item.history))] {
            let bases = records.flatMap { validLines(of: $0) }
            for (line, record) in bases {
                let fast = read(line)
                let slow = strict(line, decoder)
                if slow != record { result.validLineProblems.append("JSONDecoder does not read back \(kind) line \(render(line))") }
                if kind == "history" || RecordReader.recordKeys.contains(where: { $0.description == kind }) {
                    result.validLines += 1
                    if let fast, same(fast, record) { result.validLinesReadFast += 1 } else {
                        result.validLineProblems.append("the reader \(fast == nil ? "refused" : "misread") \(kind) line \(render(line))")
                    }
                } else if fast != nil {
                    result.validLineProblems.append("the reader read a \(kind) line, a record type it leaves to JSONDecoder")
                }
            }
            let shapes = bases.map { Shape($0.line) }
            var figures = Figures(kind: kind)
            for i in 0..<max(0, linesPerType) {
                let base = bases[i % bases.count].line
                let line = mutate(base, shapes[i % bases.count], &rng)
                figures.lines += 1
                let fast = read(line)
                let slow = strict(line, decoder)
                if fast != nil { figures.readerAccepted += 1 }
                if slow != nil { figures.decoderAccepted += 1 }
                guard let fast else { continue }
                if let slow, same(fast, slow) { figures.bothAccepted += 1; continue }
                figures.disagreements += 1
                if result.examples.count < maxExamples {
                    result.examples.append(Disagreement(kind: kind, line: render(line), problem: slow == nil
                        ? "the reader accepted a line JSONDecoder refuses" : "the reader read \(fast), JSONDecoder \(slow!)"))
                }
            }
            result.figures.append(figures)
        }
        return result
    }

    // MARK: Checking

    static func read(_ line: [UInt8]) -> SnapshotCodec.Item? {
        line.withUnsafeBufferPointer { RecordReader.decodedLine(in: $0, range: 0..<$0.count) }
    }

    /// What `JSONDecoder` reads of the line, as the snapshot's decoding asks it (`SnapshotCodec.decodeBody`).
    static func strict(_ line: [UInt8], _ decoder: JSONDecoder = JSONDecoder()) -> SnapshotCodec.Item? {
        if line.starts(with: RecordReader.historyPrefix) {
            return (try? decoder.decode(SnapshotCodec.HistoryLine.self, from: Data(line))).map { .history($0.history) }
        }
        return (try? decoder.decode(BookRecord.self, from: Data(line))).map { .record($0) }
    }

    /// One line, as the fuzzer gives it: nil when the fast reader is no more lenient than `JSONDecoder` on it,
    /// else what went wrong.
    public static func disagreement(on line: [UInt8]) -> String? {
        guard let fast = read(line) else { return nil }
        guard let strict = strict(line) else {
            return "the fast reader accepted a line JSONDecoder refuses: \(render(line))"
        }
        return same(fast, strict) ? nil : "the readers disagree on: \(render(line))"
    }

    /// Equal, and written as the same bytes (`==` on strings ignores differences of Unicode normalisation).
    static func same(_ a: SnapshotCodec.Item, _ b: SnapshotCodec.Item) -> Bool { a == b && bytes(a) == bytes(b) }

    /// The line the store writes for `item`.
    static func bytes(_ item: SnapshotCodec.Item) -> [UInt8] {
        switch item {
        case .record(let record):
            let w = JSONWriter(capacity: 512)
            record.write(to: w)
            return w.bytes
        case .history(let h):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            return Array((try? encoder.encode(SnapshotCodec.HistoryLine(history: h))) ?? Data())
        }
    }

    static func render(_ line: [UInt8]) -> String {
        var s = ""
        for b in line {
            if b >= 0x20 && b < 0x7F { s.unicodeScalars.append(Unicode.Scalar(b)) } else {
                s += "\\x" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return s
    }

    // MARK: Valid lines

    /// Records of every type, with optional fields present and absent, escapes and non-ASCII text.
    static func sampleRecords() -> [(String, [BookRecord])] {
        func d(_ s: String) -> CalendarDate { CalendarDate.parseISO(s)! }
        func m(_ s: String) -> Money { Money.parseCanonical(s)! }
        let odd = "quote \" backslash \\ slash / newline\n tab\t cr\r bell\u{7} nul\u{0} del\u{7F} é € 漢 😀 e\u{301}"
        let billing = Address(label: "Siège", street: "12 rue de la Paix", postalCode: "75002", city: "Paris")
        let site = Address(street: "ZI des Bruyères, bât. C", postalCode: "69800", city: "Saint-Priest")
        return [
            ("customer", [
                .customer(Customer(id: "C1", name: "Société Générale d'Équipement \"SGE\"", siren: "552120222", billingAddress: billing,
                                   deliverySites: [billing, site], contacts: [Contact(name: "Hélène Petit", role: "comptable fournisseurs",
                                   phone: "+33 1 23 45 67 89", email: "h.petit@sge.fr"), Contact(name: "Service AP")],
                                   collector: "amelie", salesperson: "marc", paymentTermsDays: 45, creditLimit: m("15000.00"), orderBlocked: true)),
                .customer(Customer(id: "C2", name: "Dupont")),
                .customer(Customer(id: "C-3/\u{1}", name: odd, billingAddress: site, contacts: [Contact(name: odd, phone: "\t06")],
                                   paymentTermsDays: 12_345_678_901_234_567, creditLimit: m("-12.50"))),
            ]),
            ("invoice", [
                .invoice(Invoice(number: "F2026-0001", customerId: "C1", issueDate: d("2026-09-30"), dueDate: d("2026-11-14"),
                                 amount: m("1234.56"), poNumber: "PO 77/β", deliverySite: "Entrepôt Nord")),
                .invoice(Invoice(number: "F2", customerId: "C2", issueDate: d("2024-02-29"), dueDate: d("9999-12-31"), amount: m("-0.01"))),
                .invoice(Invoice(number: odd, customerId: "C\u{1F}", issueDate: d("0001-01-01"), dueDate: d("2026-01-01"),
                                 amount: m("123456789012345.67"), poNumber: "")),
            ]),
            ("payment", [
                .payment(Payment(id: "P1", customerId: "C1", date: d("2026-11-20"), amount: m("2500.00"), reference: "VIR SEPA \"urgent\" 2026/11",
                                 allocations: [Allocation(invoice: "F1", amount: m("1000.00")), Allocation(invoice: "F2", amount: m("0.50")),
                                               Allocation(invoice: "F\n3", amount: m("-1.00"))])),
                .payment(Payment(id: "P2", customerId: "C2", date: d("2026-01-31"), amount: m("0.00"), allocations: [])),
                .payment(Payment(id: odd, customerId: "C1", date: d("2026-12-31"), amount: m("99.90"),
                                 allocations: [Allocation(invoice: "F1", amount: m("99.90"))])),
            ]),
            ("activity", [
                .activity(Activity(id: "A1", at: "2026-11-23T10:00:00Z", date: d("2026-11-23"), user: "amelie", customerId: "C1",
                                   invoices: ["F1", "F2"], channel: .phone, outcome: .promised, contact: "Hélène Petit", note: odd,
                                   nextActionDate: d("2026-12-01"), step: "call-after-due")),
                .activity(Activity(id: "A2", at: "2026-11-23T10:05:00Z", date: d("2026-11-23"), user: "system", customerId: "C2",
                                   channel: .letter)),
                .activity(Activity(id: "A3", at: "", date: d("2026-02-28"), user: "u", customerId: "C1", invoices: [""],
                                   channel: .formalNotice, outcome: .noAnswer, note: "relance\u{1}", step: "")),
            ]),
            ("user", [.user(User(id: "amelie", name: "Amélie Martin", role: .collector)), .user(User(id: "x\u{2}", name: odd, role: .salesperson))]),
            ("creditNote", [
                .creditNote(CreditNote(id: "AV1", invoice: "F1", date: d("2026-11-22"), amount: m("10.00"), disputeId: "D1")),
                .creditNote(CreditNote(id: "AV2", invoice: odd, date: d("2026-11-22"), amount: m("0.01"))),
            ]),
            ("dispute", [
                .dispute(Dispute(id: "D1", customerId: "C1", lines: [Allocation(invoice: "F1", amount: m("10.00"))], reasonCode: "PRICE",
                                 ownerDepartment: "sales", status: .resolvedCreditNote, openedOn: d("2026-11-01"), followUpDate: d("2026-11-10"),
                                 note: odd, resolvedOn: d("2026-11-22"), resolutionNote: "avoir", user: "helene")),
                .dispute(Dispute(id: "D2", customerId: "C2", lines: [], reasonCode: "QTY", ownerDepartment: "logistics", openedOn: d("2026-11-02"),
                                 user: "amelie")),
            ]),
            ("promise", [
                .promise(Promise(id: "PR1", customerId: "C1", invoices: ["F1", "F2"], amount: m("500.00"), promisedDate: d("2026-12-05"),
                                 madeOn: d("2026-11-23"), contact: "Hélène", channel: .email, user: "amelie", closedAs: .superseded)),
                .promise(Promise(id: "PR2", customerId: "C2", invoices: [], amount: m("1.00"), promisedDate: d("2026-12-05"),
                                 madeOn: d("2026-11-23"), user: odd)),
            ]),
            ("plan", [
                .plan(PaymentPlan(id: "EX1", customerId: "C1", invoices: ["F1"], createdOn: d("2026-11-23"),
                                  schedule: [.init(date: d("2026-11-23"), amount: m("100.00")), .init(date: d("2026-12-23"), amount: m("450.50"))],
                                  user: "amelie", cancelled: true)),
                .plan(PaymentPlan(id: "EX2", customerId: "C2", invoices: [], createdOn: d("2026-11-23"), schedule: [], user: odd)),
            ]),
            ("waiver", [
                .waiver(LateFeeWaiver(invoice: "F1", date: d("2026-11-22"), user: "helene", reason: "geste commercial")),
                .waiver(LateFeeWaiver(invoice: "F2", date: d("2026-11-22"), user: "helene", reason: odd)),
            ]),
        ]
    }

    /// History lines (issue 23: read by the fast reader too): digests empty and full, with and without a checksum.
    static func sampleHistoryLines() -> [SnapshotCodec.HistoryLine.Inner] {
        func d(_ s: String) -> CalendarDate { CalendarDate.parseISO(s)! }
        var full = ActivityDigest()
        full.count = 102
        full.lastCall = d("2026-11-20")
        full.lastWritten = ["courtesy-reminder": d("2026-11-02"), "*": d("0001-01-01"), "formal-notice": d("9999-12-31")]
        full.lastScheduled = Activity(id: "A9", at: "2026-11-20T09:00:00Z", date: d("2026-11-20"), user: "amelie", customerId: "C1",
                                      invoices: ["F1"], channel: .phone, outcome: .promised, note: "rappeler « lundi » \u{1} 😀",
                                      nextActionDate: d("2026-11-30"))
        full.lastSignal = Activity(id: "S1", at: "2026-11-21T09:00:00Z", date: d("2026-11-21"), user: "zoe", customerId: "C1",
                                   channel: .visit, note: "visite")
        var small = ActivityDigest()
        small.count = 1
        return [
            .init(customerId: "C1", offset: 0, length: 123_456, crc: "0a1b2c3d", digest: full),
            .init(customerId: "C-2/é\"\u{7}", offset: 9_007_199_254, length: 0, crc: nil, digest: small),
            .init(customerId: "C3", offset: 5, length: 7, crc: "ffffffff", digest: ActivityDigest()),
        ]
    }

    /// The writer's line for `record`, the same with spaces between the tokens, and with explicit `null`s for the
    /// optional fields the writer leaves out.
    static func validLines(of item: SnapshotCodec.Item) -> [(line: [UInt8], record: SnapshotCodec.Item)] {
        let record: BookRecord
        switch item {
        case .record(let r): record = r
        case .history(let h):
            // The store takes a line for a history line by its first bytes (`{"history":`): spaces go after them.
            let line = bytes(item), prefix = RecordReader.historyPrefix
            var out = [(line, item), (prefix + spaced(Array(line.dropFirst(prefix.count))), item)]
            if h.crc == nil {   // an explicit null for the checksum the encoder left out
                out.append((Array(String(decoding: line, as: UTF8.self).replacingOccurrences(of: #""length":"#, with: #""crc":null,"length":"#).utf8), item))
            }
            return out
        }
        let line = bytes(item)
        let text = String(decoding: line, as: UTF8.self)
        var out = [(line, item), (spaced(line), item)]
        /// `"key":null,` for each of `keys` the writer left out (a repeated key would go to JSONDecoder).
        func nulls(_ keys: [String]) -> String { keys.filter { !text.contains("\"\($0)\":") }.map { "\"\($0)\":null," }.joined() }
        var edits: [(String, String)] = []
        switch record {
        case .customer:
            edits = [("\"paymentTermsDays\"", nulls(["siren", "billingAddress", "collector", "salesperson", "creditLimit"]) + "\"paymentTermsDays\""),
                     ("{\"name\":\"Service AP\"}", "{\"role\":null,\"name\":\"Service AP\",\"phone\":null,\"email\":null}"),
                     ("{\"street\":\"ZI", "{\"label\":null,\"street\":\"ZI")]
        case .invoice: edits = [("\"amount\"", nulls(["poNumber", "deliverySite"]) + "\"amount\"")]
        case .payment: edits = [("\"allocations\"", nulls(["reference"]) + "\"allocations\"")]
        case .activity: edits = [("\"note\"", nulls(["outcome", "contact", "nextActionDate", "step"]) + "\"note\"")]
        default: break
        }
        for (old, new) in edits where old != new {
            guard let r = text.range(of: old) else { continue }
            out.append((Array(text.replacingCharacters(in: r, with: new).utf8), item))
        }
        return out
    }

    /// `line` with a space, tab or CR after every `{`, `[`, `:` and `,` outside strings.
    static func spaced(_ line: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [32], inString = false, escape = false, n = 0
        for b in line {
            out.append(b)
            if inString {
                if escape { escape = false } else if b == 92 { escape = true } else if b == 34 { inString = false }
            } else if b == 34 {
                inString = true
            } else if b == 123 || b == 91 || b == 58 || b == 44 {
                n += 1
                out.append([32, 9, 13][n % 3])
            }
        }
        out += [32, 13]
        return out
    }

    // MARK: Mutations

    /// Where things are in a valid line.
    struct Shape {
        /// Each member: its key (with quotes) and its value.
        var members: [(key: Range<Int>, value: Range<Int>)] = []
        /// Every value, members' and array elements'.
        var values: [Range<Int>] = []
        /// The inside of every string (between the quotes), keys included.
        var strings: [Range<Int>] = []
        /// Positions just after a `{`.
        var objectStarts: [Int] = []
        /// Positions between two tokens.
        var gaps: [Int] = []
        var keys: [[UInt8]] = []

        init(_ b: [UInt8]) {
            var i = 0
            _ = value(b, &i)
            keys = members.map { Array(b[$0.key]) }
        }

        private mutating func space(_ b: [UInt8], _ i: inout Int) {
            gaps.append(i)
            while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 13 || b[i] == 10 { i += 1 }
        }

        private mutating func string(_ b: [UInt8], _ i: inout Int) {
            i += 1
            let start = i
            while i < b.count, b[i] != 34 { i += b[i] == 92 ? 2 : 1 }
            strings.append(start..<min(i, b.count))
            i += 1
        }

        private mutating func value(_ b: [UInt8], _ i: inout Int) -> Range<Int> {
            space(b, &i)
            let start = i
            guard i < b.count else { return i..<i }
            switch b[i] {
            case 123, 91:
                let close: UInt8 = b[i] == 123 ? 125 : 93
                let isObject = b[i] == 123
                i += 1
                if isObject { objectStarts.append(i) }
                space(b, &i)
                if i < b.count, b[i] == close { i += 1; break }
                while i < b.count {
                    if isObject {
                        space(b, &i)
                        let keyStart = i
                        string(b, &i)
                        let key = keyStart..<i
                        space(b, &i)
                        i += 1   // :
                        let v = value(b, &i)
                        members.append((key, v))
                    } else {
                        _ = value(b, &i)
                    }
                    space(b, &i)
                    guard i < b.count else { break }
                    let c = b[i]
                    i += 1
                    if c != 44 { break }
                }
            case 34:
                string(b, &i)
            default:
                while i < b.count, ![44, 93, 125, 32, 9, 13, 10].contains(b[i]) { i += 1 }
            }
            values.append(start..<i)
            space(b, &i)
            return start..<i
        }
    }

    static func mutate(_ base: [UInt8], _ shape: Shape, _ rng: inout AuditRandom) -> [UInt8] {
        var line = base
        let structured = rng.chance(7, in: 10)
        if structured { structuredMutation(&line, shape, &rng) }
        // Mostly one change, so that a good share of the lines stay readable and their values get compared.
        let byteMutations = structured ? (rng.chance(2, in: 3) ? 0 : 1) : (rng.chance(2, in: 3) ? 1 : 2 + rng.below(2))
        for _ in 0..<byteMutations { byteMutation(&line, &rng) }
        return line
    }

    static func structuredMutation(_ line: inout [UInt8], _ s: Shape, _ rng: inout AuditRandom) {
        switch rng.below(100) {
        case 0..<25:   // a value replaced by a token
            let v = rng.pick(s.values)
            line.replaceSubrange(v, with: token(&rng, for: line[v]))
        case 25..<45:   // something put into a string
            let r = rng.pick(s.strings)
            line.insert(contentsOf: rng.pick(stringFragments), at: r.lowerBound + rng.below(r.count + 1))
        case 45..<60:   // a member repeated, with the same value or another
            let m = rng.pick(s.members)
            let key = Array(line[m.key])
            let value = rng.chance(1, in: 2) ? Array(line[m.value]) : token(&rng, for: line[m.value])
            if rng.chance(1, in: 2) {
                line.insert(contentsOf: [44] + key + [58] + value, at: m.value.upperBound)
            } else {
                line.insert(contentsOf: key + [58] + value + [44], at: m.key.lowerBound)
            }
        case 60..<68:   // a member removed
            let m = rng.pick(s.members)
            var r = m.key.lowerBound..<m.value.upperBound
            var after = r.upperBound
            while after < line.count, line[after] == 32 || line[after] == 9 || line[after] == 13 { after += 1 }
            if after < line.count, line[after] == 44 { r = r.lowerBound..<(after + 1) } else {
                var before = r.lowerBound - 1
                while before > 0, line[before] == 32 || line[before] == 9 || line[before] == 13 { before -= 1 }
                if before >= 0, line[before] == 44 { r = before..<r.upperBound }
            }
            line.removeSubrange(r)
        case 68..<76:   // a key renamed: another key of the line, escaped, or unknown
            let m = rng.pick(s.members)
            let key = Array(line[m.key])
            var new: [UInt8]
            switch rng.below(4) {
            case 0: new = rng.pick(s.keys)
            case 1:
                let i = 1 + rng.below(max(1, key.count - 2))
                new = Array(key[..<i]) + Array(("\\u00" + String(key[i], radix: 16).leftPadded(to: 2)).utf8) + Array(key[(i + 1)...])
            case 2: new = Array(key.dropLast()) + rng.pick([[32], [0], [9], [0x7F], [0xC3, 0xA9]]) + [34]
            default: new = key.count > 2 && key[1] >= 97 && key[1] <= 122 ? [34, key[1] - 32] + Array(key[2...]) : Array("\"extra\"".utf8)
            }
            line.replaceSubrange(m.key, with: new)
        case 76..<83:   // a null or unknown member added to an object
            let at = rng.pick(s.objectStarts)
            let key = rng.chance(3, in: 4) ? rng.pick(s.keys) : Array("\"extra\"".utf8)
            let value = rng.chance(2, in: 3) ? Array("null".utf8) : token(&rng, for: [])
            line.insert(contentsOf: key + [58] + value + [44], at: at)
        case 83..<90:   // whitespace, JSON's or not, between tokens
            line.insert(contentsOf: rng.pick(spaces), at: rng.pick(s.gaps))
        case 90..<95:   // two values swapped
            let a = rng.pick(s.values), b = rng.pick(s.values)
            guard a.upperBound <= b.lowerBound else { return }
            let va = Array(line[a]), vb = Array(line[b])
            line.replaceSubrange(b, with: va)
            line.replaceSubrange(a, with: vb)
        default:   // a member's value swapped for another member's
            let a = rng.pick(s.members), b = rng.pick(s.members)
            line.replaceSubrange(a.value, with: Array(line[b.value]))
        }
    }

    static func byteMutation(_ line: inout [UInt8], _ rng: inout AuditRandom) {
        guard !line.isEmpty else { line = [rng.pick(interestingBytes)]; return }
        let i = rng.below(line.count)
        switch rng.below(10) {
        case 0: line[i] ^= 1 << UInt8(rng.below(8))
        case 1: line[i] = rng.pick(interestingBytes)
        case 2: line.insert(rng.pick(interestingBytes), at: rng.below(line.count + 1))
        case 3: line.remove(at: i)
        case 4: line.removeSubrange(i..<min(line.count, i + 1 + rng.below(8)))
        case 5:
            let r = i..<min(line.count, i + 1 + rng.below(12))
            line.insert(contentsOf: Array(line[r]), at: r.upperBound)
        case 6: line.removeSubrange(i...)   // truncated
        case 7: line.insert(contentsOf: rng.pick(stringFragments), at: rng.below(line.count + 1))
        case 8: line[i] = UInt8(truncatingIfNeeded: rng.next())
        default: if i + 1 < line.count { line.swapAt(i, i + 1) }
        }
    }

    /// A token to put in place of `old`: a near miss of a literal, a number JSON forbids, a tricky string, another value.
    static func token(_ rng: inout AuditRandom, for old: ArraySlice<UInt8>) -> [UInt8] {
        switch rng.below(10) {
        case 0..<6: return Array(rng.pick(tokens).utf8)
        case 6: return [34] + rng.pick(stringFragments) + [34]
        case 7: return [34, UInt8(rng.below(0x20)), 34]
        case 8 where !old.isEmpty: // the old value, cut or extended by one byte
            var v = Array(old)
            if rng.chance(1, in: 2) { v.removeLast() } else { v.append(rng.pick(interestingBytes)) }
            return v
        default: return Array(rng.pick(["1", "2026-11-23", "\"1234.56\"", "\"2026-11-23\"", "\"phone\"", "[]", "{}"]).utf8)
        }
    }

    static let tokens = [
        "true", "false", "null", "tru", "fals", "nul", "nulll", "truex", "True", "TRUE", "NULL", "Null", "fa", "faaaa", "fXlse", "trUe", "nuLl",
        "t", "f", "n", "\"true\"", "\"null\"", "true ", " true", "null ",
        "0", "-0", "1", "30", "007", "01", "00", "-01", "-007", "1e2", "1E2", "1.0", "1.", ".5", "-", "+1", "0x1F", "--1", "1-", "30 0",
        "99999999999999999999", "12345678901234567", "123456789012345678", "-9", "1_000", "Infinity", "NaN", "-0.0", "0e0",
        "\"\"", "\"x\"", "\"a\\\"b\"", "\"\\u0000\"", "\"\\u001f\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud83d\\ude00\"", "\"\\u+041\"",
        "\"\\u-041\"", "\"\\u004\"", "\"\\u00e9\"", "\"\\uFFFF\"", "\"\\uFFFE\"", "\"\\uE000\"", "\"\\uFEFF\"", "\"\\x41\"", "\"\\'\"", "\"\\/\"",
        "\"é\"", "\"e\u{301}\"", "\"2026-02-29\"", "\"2024-02-29\"", "\"2026-13-01\"", "\"2026-1-01\"", "\"+026-01-01\"", "\"0000-01-01\"",
        "\"2026-01-01 \"", "\"1234.56\"", "\"-0.00\"", "\"1.\"", "\"1.234\"", "\"1,00\"", "\" 1.00\"", "\"+1.00\"", "\"007.10\"", "\"-\"",
        "\"1234567890123456.00\"", "\"123456789012345.99\"", "\"phone\"", "\"formal-notice\"", "\"no-answer\"", "\"PHONE\"", "\"phone \"",
        "[]", "{}", "[null]", "[\"x\"]", "[\"x\",]", "[,\"x\"]", "[{}]", "[\"F1\" \"F2\"]", "{\"street\":\"s\",\"postalCode\":\"p\",\"city\":\"c\"}",
        "[{\"invoice\":\"F\",\"amount\":\"1.00\"}]", "[{\"name\":\"n\"}]", "[1]", "[true]", "{\"city\":\"c\",\"city\":\"d\"}",
    ]

    static let stringFragments: [[UInt8]] = {
        var out = ["\\u0000", "\\u001F", "\\u001f", "\\u0020", "\\u007F", "\\u0080", "\\u07FF", "\\u0800", "\\uD7FF", "\\ud800", "\\udbff\\udfff",
                   "\\ud83d\\ude00", "\\ude00", "\\ud83d", "\\ud83dx", "\\u+041", "\\u-041", "\\u 041", "\\u00g0", "\\u12", "\\U0041", "\\x41",
                   "\\'", "\\a", "\\0", "\\", "\\\\", "\\\"", "\"", "\\/", "\\b\\f\\n\\r\\t", "\\uFFFF", "\\uFFFE", "\\uFEFF", "\\uE000",
                   "é", "€", "😀", "e\u{301}", "\u{2028}", "\u{FEFF}", "\u{10FFFF}"].map { Array($0.utf8) }
        out += (0..<0x20).map { [UInt8($0)] } + [[0x7F]]
        out += [[0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xC3], [0xC3, 0x28], [0xE2, 0x82], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80],
                [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFE], [0xFF]]
        return out
    }()

    static let spaces: [[UInt8]] = [[32], [9], [13], [10], [11], [12], [0], [0xC2, 0xA0], [0xEF, 0xBB, 0xBF], [32, 32, 9, 13]]

    static let interestingBytes: [UInt8] = Array(0..<0x20) + [0x20, 0x22, 0x5C, 0x2C, 0x3A, 0x7B, 0x7D, 0x5B, 0x5D, 0x2D, 0x2E, 0x2B, 0x65,
        0x45, 0x6E, 0x74, 0x66, 0x75, 0x6C, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xED, 0xF4, 0xFF] + Array(0x30...0x39)
}

/// SplitMix64 (Steele, Lea and Flood): small, fast and the same on every platform and Swift version.
struct AuditRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n` (Lemire's multiply-high; the tiny bias does not matter here).
    mutating func below(_ n: Int) -> Int { Int(next().multipliedFullWidth(by: UInt64(n)).high) }
    mutating func chance(_ k: Int, in n: Int) -> Bool { below(n) < k }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

private extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
