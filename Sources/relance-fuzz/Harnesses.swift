import FileStore
import Foundation
import Interchange
import Receivables
import TerminalKit

/// The fuzz harnesses (issue 9): each takes bytes and must never crash; a parser that accepts something must give
/// a value that is itself valid. Which one runs is chosen by `RELANCE_FUZZ` (amount, date, csv, record, keys, fec).
/// Built with libFuzzer by `scripts/fuzz.sh`; without it, `relance-fuzz HARNESS FILE...` replays inputs.
enum Harnesses {
    static let all = ["amount", "date", "csv", "record", "keys", "fec"]

    /// A small book for the CSV importer to validate against.
    static let book: Book = {
        var b = Book()
        try? b.applyNew(.upsertUser(user: User(id: "helene", name: "Hélène", role: .supervisor)), by: "helene")
        try? b.applyNew(.upsertUser(user: User(id: "amelie", name: "Amélie", role: .collector)), by: "helene")
        try? b.applyNew(.upsertCustomer(customer: Customer(id: "C1", name: "Société Générale", siren: "552100554", collector: "amelie")), by: "helene")
        try? b.applyNew(.upsertInvoice(invoice: Invoice(number: "F1", customerId: "C1", issueDate: CalendarDate(year: 2026, month: 9, day: 1)!,
                                                        dueDate: CalendarDate(year: 2026, month: 10, day: 1)!, amount: Money(cents: 100_000))), by: "helene")
        return b
    }()

    /// An import's plan, whatever its format, applies to the book it was planned on and lets no bad value in.
    static func mustApply(_ plan: ImportPlan?) {
        guard let change = plan?.change else { return }
        var b = book
        do { try b.applyNew(change, by: "helene") } catch { preconditionFailure("a planned import does not apply: \(error)") }
        precondition(b.ruleViolations().isEmpty, "an import let a bad value in: \(b.ruleViolations())")
    }

    static func run(_ name: String, _ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch name {
        case "amount":
            if let m = try? Money.parse(text) {
                precondition(m.isWithinLimit, "accepted an amount beyond the limit: \(text)")
                precondition(Money.parseCanonical(m.plain) == m, "round trip failed: \(text)")
                _ = m.formatted; _ = m + m; _ = m.times(365); _ = m.scaled(by: 3, over: 7)
            }
            if let m = Money.parseCanonical(text) { precondition(Money.parseCanonical(m.plain) == m, "canonical round trip failed: \(text)") }
        case "date":
            if let d = try? CalendarDate.parse(text) {
                precondition(d.isSupported, "accepted an unsupported date: \(text)")
                precondition(CalendarDate.parseISO(d.iso) == d, "round trip failed: \(text)")
                _ = d.adding(months: 1); _ = d.french
            }
            if let d = CalendarDate.parseISO(text) { _ = d.adding(months: 120); _ = d.adding(days: 1_000_000) }
        case "csv":
            for kind in Importer.Kind.allCases {
                mustApply(try? Importer.plan(kind, data: Data(bytes), file: "f.csv", book: book, user: "helene"))
            }
        case "fec":
            // Any bytes as a FEC: read or refused in words; a plan applies to the book and lets no bad value in.
            if let ledger = try? FECReader.read(Data(bytes), file: "f.txt") { mustApply(try? FECImport.plan(ledger, book: book, user: "helene")) }
        case "record":
            if let problem = RecordReaderAudit.disagreement(on: bytes) { preconditionFailure(problem) }
        case "keys":
            // (status, value) pairs as curses' get_wch returns them.
            var i = 0
            while i + 5 <= bytes.count {
                let status = Int32(Int8(bitPattern: bytes[i]))
                let value = UInt32(bytes[i + 1]) | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3]) << 16 | UInt32(bytes[i + 4]) << 24
                _ = KeyDecoder.decode(status: status, value: value)
                i += 5
            }
        default:
            preconditionFailure("unknown harness \(name); one of \(all.joined(separator: ", "))")
        }
    }
}

#if FUZZING
// SwiftPM links an executable's entry point as `<module>_main` (and `main` to it), so libFuzzer's own `main` is not
// used: this entry point hands control to libFuzzer's driver with the harness as callback.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@_cdecl("relance_fuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        Harnesses.run(harness, Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}

let harness: String = ProcessInfo.processInfo.environment["RELANCE_FUZZ"] ?? "amount"
#else
/// Without libFuzzer: replays files (a crash found by a fuzzer, kept as a regression input).
@main
struct Replay {
    static func main() {
        let args = CommandLine.arguments.dropFirst()
        guard let name = args.first, Harnesses.all.contains(name) else {
            print("usage: relance-fuzz \(Harnesses.all.joined(separator: "|")) FILE...   (build with scripts/fuzz.sh to fuzz)")
            exit(2)
        }
        var count = 0
        for path in args.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { print("cannot read \(path)"); exit(1) }
            Harnesses.run(name, [UInt8](data))
            count += 1
        }
        print("\(name): \(count) input\(count == 1 ? "" : "s") replayed without a crash")
    }
}
#endif
