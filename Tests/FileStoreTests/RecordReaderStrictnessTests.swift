import Foundation
import Testing
@testable import FileStore
@testable import Receivables

/// The fast `RecordReader` is never more lenient than `JSONDecoder`: whenever it accepts a line, `JSONDecoder` accepts
/// it with the same value; anything else it leaves to `JSONDecoder` (returns nil).
@Suite struct RecordReaderStrictnessTests {
    static let customer = #"{"customer":{"id":"C1","name":"Dupont","siren":"552120222","deliverySites":[{"street":"1 rue A","postalCode":"75001","city":"Paris"}],"contacts":[{"name":"Service AP","phone":"01"}],"paymentTermsDays":30,"creditLimit":"100.00","orderBlocked":false}}"#
    static let invoice = #"{"invoice":{"number":"F1","customerId":"C1","issueDate":"2026-09-01","dueDate":"2026-10-01","amount":"1000.00","poNumber":"PO1"}}"#
    static let payment = #"{"payment":{"id":"P1","customerId":"C1","date":"2026-11-20","amount":"250.00","allocations":[{"invoice":"F1","amount":"250.00"}]}}"#
    static let activity = #"{"activity":{"id":"A1","at":"2026-11-23T10:00:00Z","date":"2026-11-23","user":"amelie","customerId":"C1","invoices":["F1"],"channel":"phone","note":"appel"}}"#

    /// What the reader makes of a line; the open's own readers of invoice and payment lines (`decodedLine`) must
    /// read every line as it does.
    static func read(_ line: [UInt8]) -> BookRecord? {
        let record = line.withUnsafeBufferPointer { RecordReader.record(in: $0, range: 0..<$0.count) }
        #expect(RecordReaderAudit.read(line) == record.map(SnapshotCodec.Item.record), "\(String(decoding: line, as: UTF8.self))")
        return record
    }

    static func decode(_ line: [UInt8]) -> BookRecord? { try? JSONDecoder().decode(BookRecord.self, from: Data(line)) }

    static func edit(_ base: String, _ old: String, _ new: String) -> String {
        precondition(base.contains(old), old)
        return base.replacingOccurrences(of: old, with: new)
    }

    @Test(arguments: [customer, invoice, payment, activity])
    func theBaseLinesAreReadFastAsJSONDecoderReadsThem(line: String) {
        let fast = Self.read(Array(line.utf8))
        #expect(fast != nil)
        #expect(fast == Self.decode(Array(line.utf8)))
    }

    /// Lines the reader used to accept: JSONDecoder refuses them (`decoderReads` false) or reads another value.
    static let leniencies: [(String, String, Bool)] = [
        ("only 'fa' of false was checked", edit(customer, #""orderBlocked":false"#, #""orderBlocked":faXse"#), false),
        ("only 'fa' of false was checked (2)", edit(customer, #""orderBlocked":false"#, #""orderBlocked":faaaa"#), false),
        ("only 'n' of null was checked", edit(customer, #""siren":"552120222""#, #""siren":nXll"#), false),
        ("only 'n' of null was checked (2)", edit(invoice, #""poNumber":"PO1""#, #""poNumber":nope"#), false),
        ("raw control character in a string", edit(customer, "Dupont", "Du\u{1}pont"), false),
        ("raw NUL in a string", edit(invoice, "PO1", "PO\u{0}1"), false),
        ("raw tab in a string", edit(activity, "appel", "ap\tpel"), false),
        ("raw line feed in a string", edit(payment, "\"P1\"", "\"P\n1\""), false),
        ("raw control character in an escaped string", edit(activity, "appel", "a\\\"p\u{1F}pel"), false),
        ("leading zero", edit(customer, #""paymentTermsDays":30"#, #""paymentTermsDays":030"#), false),
        ("leading zeros", edit(customer, #""paymentTermsDays":30"#, #""paymentTermsDays":007"#), false),
        ("negative leading zero", edit(customer, #""paymentTermsDays":30"#, #""paymentTermsDays":-01"#), false),
        ("double zero", edit(customer, #""paymentTermsDays":30"#, #""paymentTermsDays":00"#), false),
        ("\\u with a sign (UInt32(_:radix:) takes one)", edit(activity, "appel", "\\u+041ppel"), false),
        ("missing invoices of an activity (required by the Codable type)", edit(activity, #""invoices":["F1"],"#, ""), false),
        ("null invoices of an activity", edit(activity, #""invoices":["F1"]"#, #""invoices":null"#), false),
        ("repeated key: JSONDecoder keeps the first", edit(customer, #""name":"Dupont""#, #""name":"Dupont","name":"Durand""#), true),
        ("repeated key, the first null", edit(customer, #""siren":"552120222""#, #""siren":null,"siren":"552120222""#), true),
        ("repeated amount", edit(invoice, #""amount":"1000.00""#, #""amount":"1000.00","amount":"1.00""#), true),
        ("repeated key in an allocation", edit(payment, #""invoice":"F1""#, #""invoice":"F1","invoice":"F2""#), true),
        ("repeated key in an address", edit(customer, #""city":"Paris""#, #""city":"Paris","city":"Lyon""#), true),
        ("repeated key in a contact", edit(customer, #""phone":"01""#, #""phone":"01","phone":null"#), true),
        ("repeated optional date", edit(activity, #""note":"appel""#, #""note":"appel","nextActionDate":"2026-12-01","nextActionDate":"2026-12-02""#), true),
    ]

    @Test(arguments: leniencies)
    func theReaderLeavesToJSONDecoderWhatItUsedToAccept(name: String, line: String, decoderReads: Bool) {
        #expect(Self.read(Array(line.utf8)) == nil, "\(name)")
        #expect((Self.decode(Array(line.utf8)) != nil) == decoderReads, "\(name)")
    }

    /// Lines `JSONDecoder` reads (or refuses) by rules the reader does not copy: it leaves them to the decoder.
    static let leftToTheDecoder: [(String, String, Bool)] = [
        ("a null record key: two keys for BookRecord", #"{"invoice":null,"# + String(payment.dropFirst()), false),
        ("an unknown record key (BookRecord ignores it)", #"{"note":1,"# + String(payment.dropFirst()), true),
        ("an escaped key", edit(invoice, #""number""#, #""n\u0075mber""#), true),
        ("an unknown field (Codable ignores it)", edit(invoice, #""number""#, #""extra":1,"number""#), true),
        ("a trailing comma (JSONDecoder allows it)", edit(invoice, #""PO1"}"#, #""PO1",}"#), true),
        ("a line feed between tokens", edit(invoice, #""number":"#, "\"number\":\n"), true),
        ("a byte-order mark", "\u{FEFF}" + invoice, true),
        ("a surrogate pair", edit(activity, "appel", #"\ud83d\ude00"#), true),
        ("a lone surrogate", edit(activity, "appel", #"\ud800"#), false),
        ("a fraction for an Int", edit(customer, #""paymentTermsDays":30"#, #""paymentTermsDays":30.0"#), true),
        ("an exponent for an Int", edit(customer, #""paymentTermsDays":30"#, #""paymentTermsDays":3e1"#), true),
        ("18 digits", edit(customer, #""paymentTermsDays":30"#, #""paymentTermsDays":123456789012345678"#), true),
    ]

    @Test(arguments: leftToTheDecoder)
    func theReaderLeavesOtherRulesToJSONDecoder(name: String, line: String, decoderReads: Bool) {
        #expect(Self.read(Array(line.utf8)) == nil, "\(name)")
        #expect((Self.decode(Array(line.utf8)) != nil) == decoderReads, "\(name)")
    }

    /// The old reader accumulated digits before checking their count: 20 digits overflowed `Int` and trapped.
    @Test func aHugeNumberIsRefusedWithoutOverflowing() {
        for n in ["99999999999999999999", "-99999999999999999999", String(repeating: "9", count: 400), "123456789012345678"] {
            #expect(Self.read(Array(Self.edit(Self.customer, #""paymentTermsDays":30"#, #""paymentTermsDays":\#(n)"#).utf8)) == nil, "\(n)")
        }
    }

    /// What the reader still reads (the fast path is not disabled by strictness), always as JSONDecoder does.
    static let stillRead: [(String, String)] = [
        ("-0", edit(customer, #""paymentTermsDays":30"#, #""paymentTermsDays":-0"#)),
        ("0", edit(customer, #""paymentTermsDays":30"#, #""paymentTermsDays":0"#)),
        ("17 digits", edit(customer, #""paymentTermsDays":30"#, #""paymentTermsDays":12345678901234567"#)),
        ("true", edit(customer, #""orderBlocked":false"#, #""orderBlocked":true"#)),
        ("null optional", edit(customer, #""siren":"552120222""#, #""siren":null"#)),
        ("null optional object", edit(customer, #""siren":"552120222""#, #""billingAddress":null"#)),
        ("spaces, tabs, CRs", edit(invoice, #"":"#, "\" :\t\r ")),
        ("escapes", edit(activity, "appel", #"a\"\\\/\b\f\n\r\t\u0000\u001f\u00e9\u20ac\uFFFF"#)),
        ("DEL and non-ASCII", edit(activity, "appel", "a\u{7F}é€漢😀e\u{301}")),
        ("money forms parseCanonical takes", edit(invoice, #""1000.00""#, #""-007.5""#)),
        ("leap day", edit(invoice, #""2026-09-01""#, #""2024-02-29""#)),
        // The reader looks for each key from the one after the last (the writer's order) and goes round: keys in
        // another order (a hand edit, another tool) are still found, each once.
        ("keys in reverse order", #"{"invoice":{"poNumber":"PO1","amount":"1000.00","dueDate":"2026-10-01","issueDate":"2026-09-01","customerId":"C1","number":"F1"}}"#),
        ("the last key first", #"{"payment":{"allocations":[{"date":"2026-11-20","amount":"250.00","invoice":"F1"}],"id":"P1","customerId":"C1","date":"2026-11-20","amount":"250.00"}}"#),
    ]

    @Test(arguments: stillRead)
    func theReaderStillReadsWellFormedLinesAsJSONDecoderDoes(name: String, line: String) {
        let fast = Self.read(Array(line.utf8))
        #expect(fast != nil, "\(name)")
        #expect(fast == Self.decode(Array(line.utf8)), "\(name)")
    }

    /// Money and dates: the reader uses the very parsers of the Codable types, so both agree on every string.
    @Test(arguments: ["1000.00", "-0.01", "1.", "1", "007.10", "123456789012345.67", "1234567890123456.00", "1.234", "1,00", " 1.00", "+1.00", "-", ".5", "",
                     // Read from the line's bytes since issue 23: escapes (unescaped first), raw control characters, other digits.
                     #"1000.\u00300"#, #"\u0031.00"#, "1\t00", "1.00\u{1}", "\u{0661}.00", "1.0é", #"1.0\"#])
    func moneyAgreesWithTheCodableType(amount: String) {
        let line = Array(Self.edit(Self.invoice, #""1000.00""#, "\"\(amount)\"").utf8)
        #expect(Self.read(line) == Self.decode(line), "\(amount)")
        // The value is the JSON string's, escapes undone.
        let text = try? JSONDecoder().decode(String.self, from: Data("\"\(amount)\"".utf8))
        if let fast = Self.read(line), case .invoice(let i) = fast { #expect(i.amount == text.flatMap(Money.parseCanonical)) }
    }

    @Test(arguments: ["2026-09-01", "2024-02-29", "2026-02-29", "2026-13-01", "0000-01-01", "9999-12-31", "2026-1-01", "+026-01-01", "2026-01-01 ", "20260101",
                     #"2026-09-0\u0031"#, "2026-09\u{1}01", "2026-09-٠1", "2026-09-01\u{7F}"])
    func datesAgreeWithTheCodableType(date: String) {
        let line = Array(Self.edit(Self.invoice, #""2026-09-01""#, "\"\(date)\"").utf8)
        #expect(Self.read(line) == Self.decode(line), "\(date)")
    }

    /// A short run of the audit that `relance-tools` runs long: mutated lines of every record type.
    @Test func mutatedLinesOfEveryRecordTypeNeverFindTheReaderMoreLenient() {
        let result = RecordReaderAudit.run(seed: 20261123, linesPerType: 5_000)
        #expect(result.disagreements == 0, "\(result)")
        #expect(result.validLineProblems.isEmpty, "\(result)")
        #expect(result.validLines > 0 && result.validLinesReadFast == result.validLines, "\(result)")
        #expect(result.figures.count == 11 && result.figures.allSatisfy { $0.lines == 5_000 })
        // The mutations reach the reader: it accepts a good share of the lines of its four record types and of the
        // history lines (issue 23).
        #expect(result.figures.prefix(4).allSatisfy { $0.readerAccepted > 250 }, "\(result)")
        #expect(result.figures.last.map { $0.kind == "history" && $0.readerAccepted > 150 } == true, "\(result)")
    }

    @Test func theAuditIsDeterministic() {
        let a = RecordReaderAudit.run(seed: 7, linesPerType: 200), b = RecordReaderAudit.run(seed: 7, linesPerType: 200)
        #expect(a.figures == b.figures)
    }
}


/// Issue 23: history lines (a customer's range in the history file and its digest) are read by the fast reader too;
/// what it cannot vouch for goes to `JSONDecoder`.
@Suite struct HistoryLineReaderTests {
    static let line = #"{"history":{"crc":"0a1b2c3d","customerId":"C1","digest":{"count":3,"lastCall":"2026-11-20","lastWritten":{"*":"2026-11-02","courtesy-reminder":"2026-11-05"}},"length":120,"offset":0}}"#

    static func fast(_ s: String) -> SnapshotCodec.Item? { RecordReaderAudit.read(Array(s.utf8)) }

    @Test func aWrittenLineIsReadAsJSONDecoderReadsIt() throws {
        let item = try #require(Self.fast(Self.line))
        #expect(item == RecordReaderAudit.strict(Array(Self.line.utf8)))
        guard case .history(let h) = item else { Issue.record("not a history line"); return }
        #expect(h.customerId == "C1" && h.length == 120 && h.crc == "0a1b2c3d" && h.digest.count == 3)
        #expect(h.digest.lastWritten["courtesy-reminder"] == CalendarDate.parseISO("2026-11-05"))
    }

    @Test(arguments: [
        ("a step written twice (JSONDecoder keeps one)", #""courtesy-reminder":"2026-11-05""#, #""courtesy-reminder":"2026-11-05","courtesy-reminder":"2026-11-06""#),
        ("an escaped step", #""courtesy-reminder""#, #""courtesy\u002dreminder""#),
        ("an unknown key (JSONDecoder ignores it)", #""count":3"#, #""count":3,"extra":1"#),
        ("a count written 3.0", #""count":3"#, #""count":3.0"#),
        ("a count left out", #""count":3,"#, ""),
        ("a non-ASCII step", #""courtesy-reminder""#, #""relancé""#),
    ])
    func whatTheReaderCannotVouchForGoesToJSONDecoder(_ name: String, _ old: String, _ new: String) {
        let edited = Self.line.replacingOccurrences(of: old, with: new)
        #expect(edited != Self.line, "\(name)")
        #expect(Self.fast(edited) == nil, "\(name)")
    }
}
