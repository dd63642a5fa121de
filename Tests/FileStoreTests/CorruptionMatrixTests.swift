import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables
#if canImport(Glibc)
import Glibc
#endif

/// Every kind of damage on every store file: each is refused by `check` naming the file and the position
/// (line or bytes) where that means something, and by opening wherever the damage is in what opening reads;
/// no file changes, whoever opens. The exceptions are what `kill -9` legitimately leaves (a torn last journal
/// line: a warning) and the lock file's content (advisory text nobody trusts). The table this prints is in
/// docs/STORE.md.
@Suite struct CorruptionMatrixTests {
    enum Expect { case refused, warned, accepted }

    struct Case: Sendable {
        var file: String          // "history" stands for the live history file
        var damage: String
        var expect: Expect
        var opening: Bool         // is the damage in what opening reads (so opening must refuse it too)?
        var position: Bool        // must the message give a line or byte position?
        var apply: @Sendable (String, String) throws -> Void   // (store directory, file path)
    }

    static func flip(at fraction: Double) -> @Sendable (String, String) throws -> Void {
        { _, path in
            var d = try Data(contentsOf: URL(fileURLWithPath: path))
            var i = min(d.count - 2, max(0, Int(Double(d.count) * fraction)))
            while d[i] == 10 { i += 1 }            // a flipped newline looks like a cut line; flips inside lines here
            d[i] ^= 0x04
            try d.write(to: URL(fileURLWithPath: path))
        }
    }
    static let truncate: @Sendable (String, String) throws -> Void = { _, path in
        let d = try Data(contentsOf: URL(fileURLWithPath: path))
        try d.prefix(d.count / 2 + 3).write(to: URL(fileURLWithPath: path))
    }
    static let badUTF8: @Sendable (String, String) throws -> Void = { _, path in
        var d = try Data(contentsOf: URL(fileURLWithPath: path))
        let i = try #require(d.indices.dropFirst(d.count / 3).first { d[$0] == UInt8(ascii: "e") })
        d[i] = 0xFF
        try d.write(to: URL(fileURLWithPath: path))
    }
    static let empty: @Sendable (String, String) throws -> Void = { _, path in try Data().write(to: URL(fileURLWithPath: path)) }
    static let missing: @Sendable (String, String) throws -> Void = { _, path in try FileManager.default.removeItem(atPath: path) }
    static let symlink: @Sendable (String, String) throws -> Void = { dir, path in
        // The planted link points at an intact copy: following it would "work", which is exactly what must not happen.
        let elsewhere = dir + "-planted-" + URL(fileURLWithPath: path).lastPathComponent
        try FileManager.default.moveItem(atPath: path, toPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: elsewhere)
    }
    static let fifo: @Sendable (String, String) throws -> Void = { _, path in
        try FileManager.default.removeItem(atPath: path)
        #expect(mkfifo(path, 0o660) == 0)
    }
    static func raise(_ key: String) -> @Sendable (String, String) throws -> Void {
        { _, path in
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let r = try #require(text.range(of: "\"\(key)\":"))
            let digits = text[r.upperBound...].prefix { $0.isNumber }
            let raised = text.replacingCharacters(in: r.upperBound..<text.index(r.upperBound, offsetBy: digits.count), with: String(Int(digits)! + 1))
            try raised.write(toFile: path, atomically: false, encoding: .utf8)
        }
    }

    static let cases: [Case] = [
        Case(file: "snapshot.jsonl", damage: "truncated", expect: .refused, opening: true, position: true, apply: truncate),
        Case(file: "snapshot.jsonl", damage: "byte flipped (header)", expect: .refused, opening: true, position: true, apply: flip(at: 0.02)),
        Case(file: "snapshot.jsonl", damage: "byte flipped (middle)", expect: .refused, opening: true, position: true, apply: flip(at: 0.5)),
        Case(file: "snapshot.jsonl", damage: "byte flipped (end line)", expect: .refused, opening: true, position: true, apply: flip(at: 0.97)),
        Case(file: "snapshot.jsonl", damage: "invalid UTF-8", expect: .refused, opening: true, position: true, apply: badUTF8),
        Case(file: "snapshot.jsonl", damage: "empty", expect: .refused, opening: true, position: false, apply: empty),
        Case(file: "snapshot.jsonl", damage: "missing", expect: .refused, opening: true, position: false, apply: missing),
        Case(file: "snapshot.jsonl", damage: "seq raised in the header", expect: .refused, opening: true, position: true, apply: raise("seq")),
        Case(file: "snapshot.jsonl", damage: "symbolic link", expect: .refused, opening: true, position: false, apply: symlink),
        Case(file: "snapshot.jsonl", damage: "FIFO", expect: .refused, opening: true, position: false, apply: fifo),
        Case(file: "history", damage: "truncated", expect: .refused, opening: false, position: true, apply: truncate),
        Case(file: "history", damage: "byte flipped (start)", expect: .refused, opening: false, position: true, apply: flip(at: 0.05)),
        Case(file: "history", damage: "byte flipped (middle)", expect: .refused, opening: false, position: true, apply: flip(at: 0.5)),
        Case(file: "history", damage: "byte flipped (end)", expect: .refused, opening: false, position: true, apply: flip(at: 0.95)),
        Case(file: "history", damage: "invalid UTF-8", expect: .refused, opening: false, position: true, apply: badUTF8),
        Case(file: "history", damage: "empty", expect: .refused, opening: false, position: true, apply: empty),
        Case(file: "history", damage: "missing", expect: .refused, opening: true, position: false, apply: missing),
        Case(file: "history", damage: "symbolic link", expect: .refused, opening: true, position: false, apply: symlink),
        Case(file: "history", damage: "FIFO", expect: .refused, opening: true, position: false, apply: fifo),
        Case(file: "journal.jsonl", damage: "truncated mid-line (what kill -9 leaves)", expect: .warned, opening: true, position: true, apply: truncate),
        Case(file: "journal.jsonl", damage: "byte flipped (header)", expect: .refused, opening: true, position: true, apply: flip(at: 0.01)),
        Case(file: "journal.jsonl", damage: "byte flipped (middle)", expect: .refused, opening: true, position: true, apply: flip(at: 0.5)),
        Case(file: "journal.jsonl", damage: "byte flipped (last line)", expect: .refused, opening: true, position: true, apply: flip(at: 0.97)),
        Case(file: "journal.jsonl", damage: "invalid UTF-8", expect: .refused, opening: true, position: true, apply: badUTF8),
        Case(file: "journal.jsonl", damage: "empty", expect: .refused, opening: true, position: false, apply: empty),
        Case(file: "journal.jsonl", damage: "missing", expect: .refused, opening: true, position: false, apply: missing),
        Case(file: "journal.jsonl", damage: "baseSeq raised in the header", expect: .refused, opening: true, position: true, apply: raise("baseSeq")),
        Case(file: "journal.jsonl", damage: "symbolic link", expect: .refused, opening: true, position: false, apply: symlink),
        Case(file: "journal.jsonl", damage: "FIFO", expect: .refused, opening: true, position: false, apply: fifo),
        Case(file: "store.lock", damage: "byte flipped / truncated (advisory text only)", expect: .accepted, opening: true, position: false, apply: empty),
        Case(file: "store.lock", damage: "missing", expect: .refused, opening: true, position: false, apply: missing),
        Case(file: "store.lock", damage: "symbolic link", expect: .refused, opening: true, position: false, apply: symlink),
        Case(file: "store.lock", damage: "FIFO", expect: .refused, opening: true, position: false, apply: fifo),
        Case(file: "backups", damage: "symbolic link", expect: .refused, opening: true, position: false, apply: symlink),
        Case(file: "backups", damage: "FIFO", expect: .refused, opening: true, position: false, apply: fifo),
    ]

    /// A store with something in every file: history from a compaction, journal entries after it, a backup.
    func makeStore(_ path: String) throws -> String {
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00"), ("F2", "2026-09-15", "2026-10-15", "500.00")])
        try book.apply(.upsertCustomer(customer: Customer(id: "C2", name: "Brasserie de l'Écluse")))
        let store = try JSONFileStore.create(directory: path, book: book)
        for i in 1...12 {
            try store.commit(user: "amelie", .logActivity(activity: Activity(id: "A\(i)", at: "2026-11-23T10:00:00Z", date: Fixtures.date("2026-11-23"),
                user: "amelie", customerId: i % 2 == 0 ? "C1" : "C2", channel: .phone, outcome: .reached, note: "appel n° \(i) — réglé")))
            if i == 8 { try store.compact() }
        }
        return try #require(try FileManager.default.contentsOfDirectory(atPath: path).first { HistoryFile.isOurs($0) })
    }

    @Test func everyDamageOnEveryFileIsFoundAndNothingIsWritten() throws {
        var table = ["| file | damage | `relance check` | opening |", "|---|---|---|---|"]
        for c in Self.cases {
            let dir = TempDirectory("matrix"); defer { dir.remove(); try? FileManager.default.removeItem(atPath: dir.path + "/s-planted-" + c.file) }
            let path = dir.path + "/s"
            let history = try makeStore(path)
            let name = c.file == "history" ? history : c.file
            try c.apply(path, path + "/" + name)
            defer { try? FileManager.default.removeItem(atPath: path + "-planted-" + name) }
            let before = snapshotOfFiles(dir.path)
            let check = StoreCheck.run(directory: path)
            var opened: String
            var openError: String?
            do {
                let s = try JSONFileStore(directory: path)
                _ = try JSONFileStore(directory: path, forceReadOnly: true)
                for id in s.book.customerOrder { _ = try? s.history(of: id) }
                opened = s.warnings.isEmpty ? "opens" : "opens with a warning"
            } catch { openError = "\(error)"; opened = "refused: \(error)" }
            #expect(snapshotOfFiles(dir.path) == before, "\(c.file) \(c.damage): a file changed")
            let label = "\(c.file) \(c.damage)"
            switch c.expect {
            case .refused:
                #expect(!check.ok, "\(label): check said OK")
                #expect(check.text.contains(name), "\(label): check does not name the file: \(check.text)")
                if c.position {
                    let positioned = check.text.contains("\(name):") && check.text.range(of: #"\.jsonl:\d+:|bytes? \d+"#, options: .regularExpression) != nil
                    #expect(positioned, "\(label): no position in: \(check.text)")
                }
                if c.opening { #expect(openError != nil, "\(label): the store opened") }
            case .warned:
                #expect(check.ok, "\(label): \(check.text)")
                #expect(check.text.contains("warning"), "\(label): \(check.text)")
                #expect(opened == "opens with a warning", "\(label): \(opened)")
            case .accepted:
                #expect(check.ok, "\(label): \(check.text)")
            }
            let lines = check.text.split(separator: "\n").map(String.init)
            let found = lines.first { $0.contains("problem:") || $0.contains("warning:") } ?? (lines.first?.hasPrefix("FAILED") == true && lines.count > 1 ? lines[1] : "")
            let detail = found.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: dir.path + "/s/", with: "")
                .replacingOccurrences(of: dir.path + "/s", with: "<store>").replacingOccurrences(of: "|", with: "/")
            let verdict = check.ok ? (detail.isEmpty ? "OK" : "OK, \(detail)") : "FAILED: \(detail)"
            table.append("| \(c.file) | \(c.damage) | \(verdict) | \(openError == nil ? opened : "refused") |")
        }
        print(table.joined(separator: "\n"))
    }

    /// Every single byte of every file, flipped in turn (one bit), is refused by `check`: the first landing
    /// accepted 15 of 135 snapshot flips and every history flip. (A flipped *final* newline of the journal looks
    /// exactly like a torn append and is reported as one; it is left out here.)
    @Test func everySingleByteFlipIsRefused() throws {
        let dir = TempDirectory("flips"); defer { dir.remove() }
        let path = dir.path + "/s"
        let history = try makeStore(path)
        var accepted: [String] = []
        var tried = 0
        for name in ["snapshot.jsonl", history, "journal.jsonl"] {
            let file = URL(fileURLWithPath: path + "/" + name)
            let original = try Data(contentsOf: file)
            for i in original.indices where !(name == "journal.jsonl" && i == original.count - 1) {
                var d = original
                d[i] ^= 0x10
                try d.write(to: file)
                tried += 1
                if StoreCheck.run(directory: path).ok { accepted.append("\(name) byte \(i)") }
            }
            try original.write(to: file)
        }
        #expect(StoreCheck.run(directory: path).ok)
        #expect(accepted.isEmpty, "\(accepted.count) of \(tried) flips accepted: \(accepted.prefix(10))")
        print("single-byte flips: \(tried) tried, \(accepted.count) accepted")
    }
}
