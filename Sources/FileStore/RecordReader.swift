import Foundation
import Receivables

/// Reads snapshot records straight from the bytes: several times faster than `JSONDecoder` on a store of
/// 600,000 records (docs/PERFORMANCE.md). It only has to be right on well-formed lines: on anything it does
/// not expect it returns nil, and the caller decodes that line with `JSONDecoder`, whose error says exactly
/// what and where. So messages lose nothing, and a hand-edited store is still judged by the strict decoder.
///
/// It is never more lenient than `JSONDecoder`: a line it accepts, `JSONDecoder` accepts with the same value
/// (`RecordReaderAudit` checks this on mutated lines of every record type). Where the two could differ it
/// returns nil and lets the decoder judge: repeated keys (`JSONDecoder` keeps the first), escaped or unknown
/// keys, numbers other than plain integers, `\u` escapes of surrogates.
struct RecordReader {
    private let base: UnsafePointer<UInt8>
    private var pos: Int
    private let end: Int

    struct Bad: Error {}

    init(_ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
        base = buffer.baseAddress!
        pos = range.lowerBound
        end = range.upperBound
    }

    /// One record, or nil when the line is not exactly what this reader expects.
    static func record(in buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> BookRecord? {
        guard buffer.baseAddress != nil, !range.isEmpty, range.lowerBound >= 0, range.upperBound <= buffer.count else { return nil }
        var r = RecordReader(buffer, range: range)
        guard let rec = try? r.readRecord() else { return nil }
        r.skipSpace()
        return r.pos == r.end ? rec : nil
    }

    /// One snapshot line: a record, or (with `history`) a customer's history line; nil as `record` says.
    static func line(in buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> SnapshotCodec.Item? {
        guard buffer.baseAddress != nil, !range.isEmpty, range.lowerBound >= 0, range.upperBound <= buffer.count else { return nil }
        if range.count > historyPrefix.count, memcmp(buffer.baseAddress! + range.lowerBound, historyPrefix, historyPrefix.count) == 0 {
            var r = RecordReader(buffer, range: range)
            guard let h = try? r.readHistoryLine() else { return nil }
            r.skipSpace()
            return r.pos == r.end ? .history(h) : nil
        }
        return record(in: buffer, range: range).map { .record($0) }
    }

    static let historyPrefix = Array(#"{"history":"#.utf8)
    static let invoicePrefix = Array(#"{"invoice":"#.utf8)
    static let paymentPrefix = Array(#"{"payment":"#.utf8)

    /// An invoice line, `{"invoice":{…}}` as the writer puts it, read into the invoice itself: most of a snapshot's
    /// lines, which the open gives straight to the book, never wrapped in a record and an item then moved out of
    /// them (each wrapping a copy of 170 bytes: a tenth of a launch at L, issue 23). nil when the line is anything
    /// else, or not exactly what `record` reads; that line goes to `line` then, so nothing is read differently.
    static func invoice(in buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Invoice? {
        guard var r = reader(after: invoicePrefix, in: buffer, range: range), let i = try? r.invoice(), r.closes() else { return nil }
        return i
    }

    /// A payment line, as `invoice(in:range:)` reads an invoice line.
    static func payment(in buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Payment? {
        guard var r = reader(after: paymentPrefix, in: buffer, range: range), let p = try? r.payment(), r.closes() else { return nil }
        return p
    }

    /// The snapshot's fast path for one line (`SnapshotCodec.decodeBody`): an invoice or a payment line by its own
    /// reader, any other by `line`, appended to `piece`; false, and nothing appended, when the line must go to
    /// `JSONDecoder`.
    static func read(_ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>, into piece: inout ParsedPiece) -> Bool {
        if let i = invoice(in: buffer, range: range) { piece.append(i); return true }
        if let p = payment(in: buffer, range: range) { piece.append(p); return true }
        if let item = line(in: buffer, range: range) { piece.append(item); return true }
        return false
    }

    /// What that fast path reads of a line, as an item: what the audit judges, so every reader the open uses is.
    static func decodedLine(in buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> SnapshotCodec.Item? {
        var piece = ParsedPiece()
        guard read(buffer, range: range, into: &piece), let kind = piece.kinds.first else { return nil }
        switch kind {
        case .invoice: return .record(.invoice(piece.invoices[0]))
        case .payment: return .record(.payment(piece.payments[0]))
        case .other: return piece.others[0]
        }
    }

    /// A reader placed after `prefix`, when the line starts with it.
    private static func reader(after prefix: [UInt8], in buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> RecordReader? {
        guard let base = buffer.baseAddress, range.lowerBound >= 0, range.upperBound <= buffer.count, range.count > prefix.count,
              memcmp(base + range.lowerBound, prefix, prefix.count) == 0 else { return nil }
        return RecordReader(buffer, range: (range.lowerBound + prefix.count)..<range.upperBound)
    }

    /// The record's closing brace, then the end of the line (spaces allowed, as `record` allows them).
    private mutating func closes() -> Bool {
        guard (try? expect(125)) != nil else { return false }
        skipSpace()
        return pos == end
    }

    // MARK: Scanning

    mutating func skipSpace() { while pos < end, base[pos] == 32 || base[pos] == 9 || base[pos] == 13 { pos += 1 } }

    mutating func expect(_ c: UInt8) throws {
        skipSpace()
        guard pos < end, base[pos] == c else { throw Bad() }
        pos += 1
    }

    mutating func peek() -> UInt8? { skipSpace(); return pos < end ? base[pos] : nil }

    mutating func string() throws -> String {
        try expect(34)
        let start = pos
        var escaped = false, high: UInt8 = 0
        while pos < end {
            let b = base[pos]
            if b == 34 { break }
            // Raw control characters are not JSON (JSONDecoder refuses them); 0x7F is allowed.
            guard b >= 0x20 else { throw Bad() }
            if b == 92 { escaped = true; pos += 2; continue }   // the escaped byte is checked by `unescape`
            high |= b
            pos += 1
        }
        guard pos < end else { throw Bad() }
        let raw = UnsafeBufferPointer(start: base + start, count: pos - start)
        pos += 1
        if escaped { return try unescape(raw) }
        // ASCII (ids, dates, amounts: most values) needs no validation; anything else is validated, because
        // invalid UTF-8 must not be repaired silently: the strict decoder refuses it with its line.
        if high < 0x80 { return String(decoding: raw, as: UTF8.self) }
        guard let s = String(validating: raw, as: UTF8.self) else { throw Bad() }
        return s
    }

    private func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let b = raw[i]
            guard b == 92 else { out.append(b); i += 1; continue }
            guard i + 1 < raw.count else { throw Bad() }
            switch raw[i + 1] {
            case 34: out.append(34); case 92: out.append(92); case 47: out.append(47)
            case 110: out.append(10); case 114: out.append(13); case 116: out.append(9)
            case 98: out.append(8); case 102: out.append(12)
            case 117:
                // \uXXXX: exactly four hex digits (no sign: `UInt32("+041", radix: 16)` would take one). The writer
                // only emits these below U+0020; surrogates, paired or not, go to JSONDecoder.
                guard i + 5 < raw.count else { throw Bad() }
                let v = try hex(raw[i + 2]) << 12 | hex(raw[i + 3]) << 8 | hex(raw[i + 4]) << 4 | hex(raw[i + 5])
                guard v < 0xD800 || v >= 0xE000 else { throw Bad() }
                if v < 0x80 {
                    out.append(UInt8(v))
                } else if v < 0x800 {
                    out.append(0xC0 | UInt8(v >> 6)); out.append(0x80 | UInt8(v & 0x3F))
                } else {
                    out.append(0xE0 | UInt8(v >> 12)); out.append(0x80 | UInt8(v >> 6 & 0x3F)); out.append(0x80 | UInt8(v & 0x3F))
                }
                i += 6
                continue
            default: throw Bad()
            }
            i += 2
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw Bad() }
        return s
    }

    private func hex(_ b: UInt8) throws -> UInt32 {
        switch b {
        case 48...57: return UInt32(b - 48)
        case 65...70: return UInt32(b - 55)
        case 97...102: return UInt32(b - 87)
        default: throw Bad()
        }
    }

    /// A JSON integer, `-?(0|[1-9][0-9]*)`, of at most 17 digits. What JSONDecoder also reads as an Int (`1.0`,
    /// `1e2`) stops at the `.` or `e`, which then fails as the next token.
    mutating func int() throws -> Int {
        skipSpace()
        var negative = false
        if pos < end, base[pos] == 45 { negative = true; pos += 1 }
        let start = pos
        var v = 0
        while pos < end, base[pos] >= 48, base[pos] <= 57 {
            guard pos - start < 17 else { throw Bad() }   // before `v` could overflow
            v = v * 10 + Int(base[pos] - 48)
            pos += 1
        }
        guard pos > start, base[start] != 48 || pos - start == 1 else { throw Bad() }   // no leading zero: "007", "-01"
        return negative ? -v : v
    }

    /// Every byte of `true` / `false`; what follows is checked by the caller (`truex` fails as the next token).
    mutating func bool() throws -> Bool {
        skipSpace()
        if end - pos >= 4, base[pos] == 116, base[pos + 1] == 114, base[pos + 2] == 117, base[pos + 3] == 101 { pos += 4; return true }
        if end - pos >= 5, base[pos] == 102, base[pos + 1] == 97, base[pos + 2] == 108, base[pos + 3] == 115, base[pos + 4] == 101 {
            pos += 5; return false
        }
        throw Bad()
    }

    // Amounts and dates are read from the line's bytes, no string made (issue 23: 500,000 of them an open at M);
    // one written with escapes (only by hand) is unescaped first, as before.
    mutating func money() throws -> Money {
        let m = try plainString().map(Money.parseCanonical(bytes:)) ?? Money.parseCanonical(try string())
        guard let m else { throw Bad() }
        return m
    }
    mutating func date() throws -> CalendarDate {
        let d = try plainString().map(CalendarDate.parseISO(bytes:)) ?? CalendarDate.parseISO(try string())
        guard let d else { throw Bad() }
        return d
    }

    /// The bytes of a string value without escapes, past its closing quote; nil (and nothing read) when it has an
    /// escape. What `string()` refuses (a raw control character, no closing quote) is refused here too.
    private mutating func plainString() throws -> UnsafeBufferPointer<UInt8>? {
        skipSpace()
        guard pos < end, base[pos] == 34 else { throw Bad() }
        var i = pos + 1
        while i < end {
            let b = base[i]
            if b == 34 { break }
            if b == 92 { return nil }
            guard b >= 0x20 else { throw Bad() }
            i += 1
        }
        guard i < end else { throw Bad() }
        let raw = UnsafeBufferPointer(start: base + pos + 1, count: i - pos - 1)
        pos = i + 1
        return raw
    }
    mutating func strings() throws -> [String] { try array { try $0.string() } }

    /// Every byte of `null`, read as absent, as `decodeIfPresent` does.
    mutating func isNull() -> Bool {
        skipSpace()
        if end - pos >= 4, base[pos] == 110, base[pos + 1] == 117, base[pos + 2] == 108, base[pos + 3] == 108 { pos += 4; return true }
        return false
    }

    mutating func array<T>(_ element: (inout RecordReader) throws -> T) throws -> [T] {
        try expect(91)
        var out: [T] = []
        if peek() == 93 { pos += 1; return out }
        while true {
            out.append(try element(&self))
            guard let c = peek() else { throw Bad() }
            pos += 1
            if c == 93 { return out }
            guard c == 44 else { throw Bad() }
        }
    }

    /// Calls `field` with the index in `keys` of each key whose value is not `null` (`null` reads as absent, as
    /// `decodeIfPresent` does; a required field left absent then fails the record). Unknown keys, keys written with
    /// escapes and repeated keys (`JSONDecoder` keeps the first one) make the line go to the strict decoder, and so
    /// does a `null` when `nullIsAbsent` is false.
    mutating func object(_ keys: [StaticString], nullIsAbsent: Bool = true, _ field: (Int, inout RecordReader) throws -> Void) throws {
        try expect(123)
        if peek() == 125 { pos += 1; return }
        var seen: UInt32 = 0, next = 0
        while true {
            let k = try key(in: keys, from: next)
            guard seen & (1 << k) == 0 else { throw Bad() }
            seen |= 1 << k
            next = k + 1 == keys.count ? 0 : k + 1
            try expect(58)
            if isNull() {
                guard nullIsAbsent else { throw Bad() }
            } else {
                try field(k, &self)
            }
            guard let c = peek() else { throw Bad() }
            pos += 1
            if c == 125 { return }
            guard c == 44 else { throw Bad() }
        }
    }

    /// The index in `keys` of the key read (compared as bytes: no String is made). The writer puts the keys in the
    /// order of the list, leaving out absent ones, so the search starts at `from`, the one after the last key read,
    /// and goes round: most keys match at the first try (matching keys was 7 % of a launch at L, issue 23).
    mutating func key(in keys: [StaticString], from hint: Int = 0) throws -> Int {
        try expect(34)
        let start = pos
        while pos < end, base[pos] != 34 {
            guard base[pos] != 92 else { throw Bad() }
            pos += 1
        }
        guard pos < end else { throw Bad() }
        let count = pos - start
        pos += 1
        let n = keys.count
        var i = hint < n ? hint : 0
        for _ in 0..<n {
            let k = keys[i]
            if k.utf8CodeUnitCount == count, count == 0 || (k.utf8Start[0] == base[start] && memcmp(k.utf8Start, base + start, count) == 0) {
                return i
            }
            i = i + 1 == n ? 0 : i + 1
        }
        throw Bad()
    }

    // MARK: Records
    // Each reader lists its keys; the `case` numbers below are indices in that list.

    static let recordKeys: [StaticString] = ["activity", "invoice", "payment", "customer"]   // rarer records: the Codable path is fast enough

    mutating func readRecord() throws -> BookRecord {
        var record: BookRecord?
        // Not absent here: `{"invoice":null,"payment":{…}}` has two keys, which `BookRecord`'s decoding refuses.
        try object(Self.recordKeys, nullIsAbsent: false) { k, r in
            guard record == nil else { throw Bad() }
            switch k {
            case 0: record = .activity(try r.activity())
            case 1: record = .invoice(try r.invoice())
            case 2: record = .payment(try r.payment())
            default: record = .customer(try r.customer())
            }
        }
        guard let record else { throw Bad() }
        return record
    }

    // An entry with an `event` (schema 8) is not read here: the key is not in the list, so the line goes to
    // `JSONDecoder`, which reads the nested value (events are on a minority of entries: forms' saves, not calls).
    static let activityKeys: [StaticString] = ["id", "at", "date", "user", "customerId", "invoices", "channel", "outcome", "contact", "note",
                                              "nextActionDate", "step"]

    mutating func activity() throws -> Activity {
        var id: String?, at: String?, date: CalendarDate?, user: String?, customer: String?, invoices: [String]?
        var channel: Activity.Channel?, outcome: Activity.Outcome?, contact: String?, note: String?, next: CalendarDate?, step: String?
        try object(Self.activityKeys) { k, r in
            switch k {
            case 0: id = try r.string()
            case 1: at = try r.string()
            case 2: date = try r.date()
            case 3: user = try r.string()
            case 4: customer = try r.string()
            case 5: invoices = try r.strings()
            case 6: guard let c = Activity.Channel(rawValue: try r.string()) else { throw Bad() }; channel = c
            case 7: guard let o = Activity.Outcome(rawValue: try r.string()) else { throw Bad() }; outcome = o
            case 8: contact = try r.string()
            case 9: note = try r.string()
            case 10: next = try r.date()
            default: step = try r.string()
            }
        }
        // `invoices` is required like the others: the Codable type has no default for it.
        guard let id, let at, let date, let user, let customer, let invoices, let channel, let note else { throw Bad() }
        return Activity(id: id, at: at, date: date, user: user, customerId: customer, invoices: invoices, channel: channel,
                        outcome: outcome, contact: contact, note: note, nextActionDate: next, step: step)
    }

    static let invoiceKeys: [StaticString] = ["number", "customerId", "issueDate", "dueDate", "amount", "poNumber", "deliverySite",
                                             "dunningLevel", "lastDunned", "dunningStep", "amountExclVat", "ledgerId"]

    mutating func invoice() throws -> Invoice {
        var number: String?, customer: String?, issue: CalendarDate?, due: CalendarDate?, amount: Money?, po: String?, site: String?
        var level: Int?, dunned: CalendarDate?, step: String?, exclVat: Money?, ledger: String?
        try object(Self.invoiceKeys) { k, r in
            switch k {
            case 0: number = try r.string()
            case 1: customer = try r.string()
            case 2: issue = try r.date()
            case 3: due = try r.date()
            case 4: amount = try r.money()
            case 5: po = try r.string()
            case 6: site = try r.string()
            case 7: level = try r.int()
            case 8: dunned = try r.date()
            case 9: step = try r.string()
            case 10: exclVat = try r.money()
            default: ledger = try r.string()
            }
        }
        guard let number, let customer, let issue, let due, let amount else { throw Bad() }
        var inv = Invoice(number: number, customerId: customer, issueDate: issue, dueDate: due, amount: amount, poNumber: po, deliverySite: site,
                          dunningLevel: level, lastDunned: dunned, dunningStep: step)
        inv.amountExclVat = exclVat
        inv.ledgerId = ledger
        return inv
    }

    static let allocationKeys: [StaticString] = ["invoice", "amount", "date"]

    mutating func allocation() throws -> Allocation {
        var invoice: String?, amount: Money?, date: CalendarDate?
        try object(Self.allocationKeys) { k, r in
            switch k {
            case 0: invoice = try r.string()
            case 1: amount = try r.money()
            default: date = try r.date()
            }
        }
        guard let invoice, let amount else { throw Bad() }
        return Allocation(invoice: invoice, amount: amount, date: date)
    }

    static let paymentKeys: [StaticString] = ["id", "customerId", "date", "amount", "reference", "allocations", "ledgerId", "creditNote"]

    mutating func payment() throws -> Payment {
        var id: String?, customer: String?, date: CalendarDate?, amount: Money?, reference: String?, allocations: [Allocation]?
        var ledger: String?, creditNote: Bool?
        try object(Self.paymentKeys) { k, r in
            switch k {
            case 0: id = try r.string()
            case 1: customer = try r.string()
            case 2: date = try r.date()
            case 3: amount = try r.money()
            case 4: reference = try r.string()
            case 5: allocations = try r.array { try $0.allocation() }
            case 6: ledger = try r.string()
            default: creditNote = try r.bool()
            }
        }
        guard let id, let customer, let date, let amount, let allocations else { throw Bad() }
        var p = Payment(id: id, customerId: customer, date: date, amount: amount, reference: reference, allocations: allocations)
        p.ledgerId = ledger; p.creditNote = creditNote
        return p
    }

    static let addressKeys: [StaticString] = ["label", "street", "postalCode", "city", "country"]

    mutating func address() throws -> Address {
        var label: String?, street: String?, postal: String?, city: String?, country: String?
        try object(Self.addressKeys) { k, r in
            switch k {
            case 0: label = try r.string()
            case 1: street = try r.string()
            case 2: postal = try r.string()
            case 3: city = try r.string()
            default: country = try r.string()
            }
        }
        guard let street, let postal, let city else { throw Bad() }
        return Address(label: label, street: street, postalCode: postal, city: city, country: country)
    }

    static let contactKeys: [StaticString] = ["name", "role", "phone", "email", "title"]

    mutating func contact() throws -> Contact {
        var name: String?, role: String?, phone: String?, email: String?, title: String?
        try object(Self.contactKeys) { k, r in
            switch k {
            case 0: name = try r.string()
            case 1: role = try r.string()
            case 2: phone = try r.string()
            case 3: email = try r.string()
            default: title = try r.string()
            }
        }
        guard let name else { throw Bad() }
        return Contact(name: name, role: role, phone: phone, email: email, title: title)
    }

    static let customerKeys: [StaticString] = ["id", "name", "siren", "billingAddress", "deliverySites", "contacts", "collector", "salesperson",
                                              "paymentTermsDays", "creditLimit", "orderBlocked", "language", "interestRatePercent", "paymentTermsRule", "kind",
                                              "holdReason", "imported", "assignments"]

    mutating func customer() throws -> Customer {
        var id: String?, name: String?, siren: String?, billing: Address?, sites: [Address]?, contacts: [Contact]?
        var collector: String?, sales: String?, terms: Int?, limit: Money?, blocked: Bool?, language: String?, rate: String?, rule: String?, kind: String?
        var holdReason: String?, imported: ImportedTerms?, assignments: [Assignment]?
        try object(Self.customerKeys) { k, r in
            switch k {
            case 0: id = try r.string()
            case 1: name = try r.string()
            case 2: siren = try r.string()
            case 3: billing = try r.address()
            case 4: sites = try r.array { try $0.address() }
            case 5: contacts = try r.array { try $0.contact() }
            case 6: collector = try r.string()
            case 7: sales = try r.string()
            case 8: terms = try r.int()
            case 9: limit = try r.money()
            case 10: blocked = try r.bool()
            case 11: language = try r.string()
            case 12: rate = try r.string()
            case 13: rule = try r.string()
            case 14: kind = try r.string()
            case 15: holdReason = try r.string()
            case 16: imported = try r.importedTerms()
            default: assignments = try r.array { try $0.assignment() }
            }
        }
        guard let id, let name, let sites, let contacts, let terms, let blocked else { throw Bad() }
        // An unknown rule: JSONDecoder says which value is wrong.
        let termsRule = try rule.map { r throws(Bad) -> PaymentTerms.Rule in guard let v = PaymentTerms.Rule(rawValue: r) else { throw Bad() }; return v }
        let customerKind = try kind.map { k throws(Bad) -> Customer.Kind in guard let v = Customer.Kind(rawValue: k) else { throw Bad() }; return v }
        var c = Customer(id: id, name: name, siren: siren, billingAddress: billing, deliverySites: sites, contacts: contacts,
                        collector: collector, salesperson: sales, paymentTermsDays: terms, creditLimit: limit, orderBlocked: blocked,
                        language: language, interestRatePercent: rate, paymentTermsRule: termsRule, kind: customerKind)
        c.holdReason = holdReason; c.imported = imported; c.assignments = assignments
        return c
    }

    // A history line (`SnapshotCodec.HistoryLine`): where the customer's activities are and their digest. Written
    // by `JSONEncoder` with sorted keys; read here because 5,000 of them through `JSONDecoder` were a tenth of an open.
    static let historyKeys: [StaticString] = ["customerId", "offset", "length", "crc", "digest"]

    mutating func readHistoryLine() throws -> SnapshotCodec.HistoryLine.Inner {
        var inner: SnapshotCodec.HistoryLine.Inner?
        try object(["history"], nullIsAbsent: false) { _, r in inner = try r.historyInner() }
        guard let inner else { throw Bad() }
        return inner
    }

    mutating func historyInner() throws -> SnapshotCodec.HistoryLine.Inner {
        var customer: String?, offset: Int?, length: Int?, crc: String?, digest: ActivityDigest?
        try object(Self.historyKeys) { k, r in
            switch k {
            case 0: customer = try r.string()
            case 1: offset = try r.int()
            case 2: length = try r.int()
            case 3: crc = try r.string()
            default: digest = try r.digest()
            }
        }
        guard let customer, let offset, let length, let digest else { throw Bad() }
        return .init(customerId: customer, offset: offset, length: length, crc: crc, digest: digest)
    }

    static let digestKeys: [StaticString] = ["count", "lastCall", "lastWritten", "lastScheduled", "lastSignal"]

    mutating func digest() throws -> ActivityDigest {
        var count: Int?, written: [String: CalendarDate]?
        var d = ActivityDigest()
        try object(Self.digestKeys) { k, r in
            switch k {
            case 0: count = try r.int()
            case 1: d.lastCall = try r.date()
            case 2: written = try r.dates()
            case 3: d.lastScheduled = try r.activity()
            default: d.lastSignal = try r.activity()
            }
        }
        guard let count, let written else { throw Bad() }
        d.count = count
        d.lastWritten = written
        return d
    }

    /// An object of dates by plain keys (no escapes, no repeats: those go to `JSONDecoder`).
    mutating func dates() throws -> [String: CalendarDate] {
        try expect(123)
        var out: [String: CalendarDate] = [:]
        if peek() == 125 { pos += 1; return out }
        while true {
            try expect(34)
            let start = pos
            var high: UInt8 = 0
            while pos < end, base[pos] != 34 {
                guard base[pos] != 92, base[pos] >= 0x20 else { throw Bad() }
                high |= base[pos]
                pos += 1
            }
            guard pos < end, high < 0x80 else { throw Bad() }   // step ids are ASCII; anything else: JSONDecoder
            let key = String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
            pos += 1
            try expect(58)
            guard out.updateValue(try date(), forKey: key) == nil else { throw Bad() }
            guard let c = peek() else { throw Bad() }
            pos += 1
            if c == 125 { return out }
            guard c == 44 else { throw Bad() }
        }
    }

    static let importedKeys: [StaticString] = ["collector", "salesperson", "creditLimit", "paymentTermsDays", "paymentTermsRule"]

    mutating func importedTerms() throws -> ImportedTerms {
        var t = ImportedTerms()
        try object(Self.importedKeys) { k, r in
            switch k {
            case 0: t.collector = try r.string()
            case 1: t.salesperson = try r.string()
            case 2: t.creditLimit = try r.money()
            case 3: t.paymentTermsDays = try r.int()
            default: guard let v = PaymentTerms.Rule(rawValue: try r.string()) else { throw Bad() }; t.paymentTermsRule = v
            }
        }
        return t
    }

    static let assignmentKeys: [StaticString] = ["collector", "until"]

    mutating func assignment() throws -> Assignment {
        var collector: String?, until: CalendarDate?
        try object(Self.assignmentKeys) { k, r in
            switch k {
            case 0: collector = try r.string()
            default: until = try r.date()
            }
        }
        guard let until else { throw Bad() }
        return Assignment(until: until, collector: collector)
    }
}
