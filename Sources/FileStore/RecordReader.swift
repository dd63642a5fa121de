import Foundation
import Receivables

/// Reads snapshot records straight from the bytes: several times faster than `JSONDecoder` on a store of
/// 600,000 records (docs/PERFORMANCE.md). It only has to be right on well-formed lines: on anything it does
/// not expect it returns nil, and the caller decodes that line with `JSONDecoder`, whose error says exactly
/// what and where. So messages lose nothing, and a hand-edited store is still judged by the strict decoder.
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
        var r = RecordReader(buffer, range: range)
        guard let rec = try? r.readRecord() else { return nil }
        r.skipSpace()
        return r.pos == r.end ? rec : nil
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
        var escaped = false
        while pos < end {
            let b = base[pos]
            if b == 34 { break }
            if b == 92 { escaped = true; pos += 2; continue }
            pos += 1
        }
        guard pos < end else { throw Bad() }
        defer { pos += 1 }
        let raw = UnsafeBufferPointer(start: base + start, count: pos - start)
        guard escaped else {
            // ASCII (ids, dates, amounts: most values) needs no validation; anything else is validated, because
            // invalid UTF-8 must not be repaired silently: the strict decoder refuses it with its line.
            if !raw.contains(where: { $0 >= 0x80 }) { return String(decoding: raw, as: UTF8.self) }
            guard let s = String(validating: raw, as: UTF8.self) else { throw Bad() }
            return s
        }
        return try unescape(raw)
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
                // \uXXXX (the writer only emits these below U+0020; anything fancier goes to JSONDecoder)
                guard i + 5 < raw.count, let v = UInt32(String(decoding: UnsafeBufferPointer(rebasing: raw[(i + 2)..<(i + 6)]), as: UTF8.self), radix: 16),
                      v < 0xD800, let scalar = Unicode.Scalar(v) else { throw Bad() }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                i += 6
                continue
            default: throw Bad()
            }
            i += 2
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw Bad() }
        return s
    }

    mutating func int() throws -> Int {
        skipSpace()
        var v = 0, digits = 0, negative = false
        if pos < end, base[pos] == 45 { negative = true; pos += 1 }
        while pos < end, base[pos] >= 48, base[pos] <= 57 { v = v * 10 + Int(base[pos] - 48); pos += 1; digits += 1 }
        guard digits > 0, digits < 18 else { throw Bad() }
        return negative ? -v : v
    }

    mutating func bool() throws -> Bool {
        skipSpace()
        if end - pos >= 4, base[pos] == 116, base[pos + 1] == 114, base[pos + 2] == 117, base[pos + 3] == 101 { pos += 4; return true }
        if end - pos >= 5, base[pos] == 102, base[pos + 1] == 97 { pos += 5; return false }
        throw Bad()
    }

    mutating func money() throws -> Money { guard let m = Money.parseCanonical(try string()) else { throw Bad() }; return m }
    mutating func date() throws -> CalendarDate { guard let d = CalendarDate.parseISO(try string()) else { throw Bad() }; return d }
    mutating func strings() throws -> [String] { try array { try $0.string() } }

    /// `null` is read as absent, as `decodeIfPresent` does.
    mutating func isNull() -> Bool {
        skipSpace()
        if end - pos >= 4, base[pos] == 110 { pos += 4; return true }
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

    /// Calls `field` for each key; unknown keys make the line go to the strict decoder.
    mutating func object(_ field: (String, inout RecordReader) throws -> Void) throws {
        try expect(123)
        if peek() == 125 { pos += 1; return }
        while true {
            let key = try string()
            try expect(58)
            try field(key, &self)
            guard let c = peek() else { throw Bad() }
            pos += 1
            if c == 125 { return }
            guard c == 44 else { throw Bad() }
        }
    }

    // MARK: Records

    mutating func readRecord() throws -> BookRecord {
        var record: BookRecord?
        try object { key, r in
            guard record == nil else { throw Bad() }
            switch key {
            case "activity": record = .activity(try r.activity())
            case "invoice": record = .invoice(try r.invoice())
            case "payment": record = .payment(try r.payment())
            case "customer": record = .customer(try r.customer())
            default: throw Bad()   // rarer records: the Codable path is fast enough
            }
        }
        guard let record else { throw Bad() }
        return record
    }

    mutating func activity() throws -> Activity {
        var id: String?, at: String?, date: CalendarDate?, user: String?, customer: String?, invoices: [String] = []
        var channel: Activity.Channel?, outcome: Activity.Outcome?, contact: String?, note: String?, next: CalendarDate?, step: String?
        try object { key, r in
            if r.isNull() { return }
            switch key {
            case "id": id = try r.string()
            case "at": at = try r.string()
            case "date": date = try r.date()
            case "user": user = try r.string()
            case "customerId": customer = try r.string()
            case "invoices": invoices = try r.strings()
            case "channel": guard let c = Activity.Channel(rawValue: try r.string()) else { throw Bad() }; channel = c
            case "outcome": guard let o = Activity.Outcome(rawValue: try r.string()) else { throw Bad() }; outcome = o
            case "contact": contact = try r.string()
            case "note": note = try r.string()
            case "nextActionDate": next = try r.date()
            case "step": step = try r.string()
            default: throw Bad()
            }
        }
        guard let id, let at, let date, let user, let customer, let channel, let note else { throw Bad() }
        return Activity(id: id, at: at, date: date, user: user, customerId: customer, invoices: invoices, channel: channel,
                        outcome: outcome, contact: contact, note: note, nextActionDate: next, step: step)
    }

    mutating func invoice() throws -> Invoice {
        var number: String?, customer: String?, issue: CalendarDate?, due: CalendarDate?, amount: Money?, po: String?, site: String?
        try object { key, r in
            if r.isNull() { return }
            switch key {
            case "number": number = try r.string()
            case "customerId": customer = try r.string()
            case "issueDate": issue = try r.date()
            case "dueDate": due = try r.date()
            case "amount": amount = try r.money()
            case "poNumber": po = try r.string()
            case "deliverySite": site = try r.string()
            default: throw Bad()
            }
        }
        guard let number, let customer, let issue, let due, let amount else { throw Bad() }
        return Invoice(number: number, customerId: customer, issueDate: issue, dueDate: due, amount: amount, poNumber: po, deliverySite: site)
    }

    mutating func allocation() throws -> Allocation {
        var invoice: String?, amount: Money?
        try object { key, r in
            switch key {
            case "invoice": invoice = try r.string()
            case "amount": amount = try r.money()
            default: throw Bad()
            }
        }
        guard let invoice, let amount else { throw Bad() }
        return Allocation(invoice: invoice, amount: amount)
    }

    mutating func payment() throws -> Payment {
        var id: String?, customer: String?, date: CalendarDate?, amount: Money?, reference: String?, allocations: [Allocation]?
        try object { key, r in
            if r.isNull() { return }
            switch key {
            case "id": id = try r.string()
            case "customerId": customer = try r.string()
            case "date": date = try r.date()
            case "amount": amount = try r.money()
            case "reference": reference = try r.string()
            case "allocations": allocations = try r.array { try $0.allocation() }
            default: throw Bad()
            }
        }
        guard let id, let customer, let date, let amount, let allocations else { throw Bad() }
        return Payment(id: id, customerId: customer, date: date, amount: amount, reference: reference, allocations: allocations)
    }

    mutating func address() throws -> Address {
        var label: String?, street: String?, postal: String?, city: String?
        try object { key, r in
            if r.isNull() { return }
            switch key {
            case "label": label = try r.string()
            case "street": street = try r.string()
            case "postalCode": postal = try r.string()
            case "city": city = try r.string()
            default: throw Bad()
            }
        }
        guard let street, let postal, let city else { throw Bad() }
        return Address(label: label, street: street, postalCode: postal, city: city)
    }

    mutating func contact() throws -> Contact {
        var name: String?, role: String?, phone: String?, email: String?
        try object { key, r in
            if r.isNull() { return }
            switch key {
            case "name": name = try r.string()
            case "role": role = try r.string()
            case "phone": phone = try r.string()
            case "email": email = try r.string()
            default: throw Bad()
            }
        }
        guard let name else { throw Bad() }
        return Contact(name: name, role: role, phone: phone, email: email)
    }

    mutating func customer() throws -> Customer {
        var id: String?, name: String?, siren: String?, billing: Address?, sites: [Address]?, contacts: [Contact]?
        var collector: String?, sales: String?, terms: Int?, limit: Money?, blocked: Bool?
        try object { key, r in
            if r.isNull() { return }
            switch key {
            case "id": id = try r.string()
            case "name": name = try r.string()
            case "siren": siren = try r.string()
            case "billingAddress": billing = try r.address()
            case "deliverySites": sites = try r.array { try $0.address() }
            case "contacts": contacts = try r.array { try $0.contact() }
            case "collector": collector = try r.string()
            case "salesperson": sales = try r.string()
            case "paymentTermsDays": terms = try r.int()
            case "creditLimit": limit = try r.money()
            case "orderBlocked": blocked = try r.bool()
            default: throw Bad()
            }
        }
        guard let id, let name, let sites, let contacts, let terms, let blocked else { throw Bad() }
        return Customer(id: id, name: name, siren: siren, billingAddress: billing, deliverySites: sites, contacts: contacts,
                        collector: collector, salesperson: sales, paymentTermsDays: terms, creditLimit: limit, orderBlocked: blocked)
    }
}
