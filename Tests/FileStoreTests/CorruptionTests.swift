import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables

/// Every bad store is refused with the file, the place and what is wrong, and nothing is written.
@Suite struct CorruptionTests {
    /// (what is done to a good store, words the message must contain, line expected or nil)
    static let cases: [(String, @Sendable (String) throws -> Void, [String], Int?)] = [
        ("truncated snapshot", { dir in
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/snapshot.jsonl"))
            try data.prefix(data.count - 40).write(to: URL(fileURLWithPath: dir + "/snapshot.jsonl"))
        }, ["snapshot.jsonl"], nil),
        ("invalid UTF-8", { dir in
            var lines = try String(contentsOfFile: dir + "/snapshot.jsonl", encoding: .utf8).components(separatedBy: "\n")
            lines[3] = lines[3].replacingOccurrences(of: "Société", with: "Soci\u{FFFD}t\u{FFFD}")
            var data = Data(lines.joined(separator: "\n").utf8)
            let bad = Data("\u{FFFD}".utf8)
            while let r = data.range(of: bad) { data.replaceSubrange(r, with: Data([0xC3, 0x28])) }
            try data.write(to: URL(fileURLWithPath: dir + "/snapshot.jsonl"))
        }, ["not valid UTF-8"], 4),   // (lines: header, the two users, the customer...)
        ("wrong type", { dir in
            try replace(dir, "\"paymentTermsDays\":30", "\"paymentTermsDays\":\"thirty\"")
        }, ["paymentTermsDays", "expected a whole number"], 4),
        ("bad amount", { dir in try replace(dir, "\"amount\":\"1000.00\"", "\"amount\":\"1 000,00\"") }, ["amount", "1 000,00"],5),
        ("impossible date", { dir in try replace(dir, "\"dueDate\":\"2026-10-01\"", "\"dueDate\":\"2026-02-30\"") }, ["dueDate", "2026-02-30"],5),
        ("unknown reference", { dir in try replace(dir, "\"customerId\":\"C1\",\"issueDate\"", "\"customerId\":\"C9\",\"issueDate\"") },
         ["unknown customer 'C9'"],5),
        ("not JSON", { dir in try replace(dir, "{\"invoice\":{", "{\"invoice\":{{") }, ["not valid JSON", "column"],5),
        ("future schema", { dir in try replace(dir, "\"schemaVersion\":\(currentSchemaVersion)", "\"schemaVersion\":\(currentSchemaVersion + 1)") }, ["newer Relance", "schema \(currentSchemaVersion + 1)"], 1),
        ("missing history file", { dir in
            let name = try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasPrefix("history-") }!
            try FileManager.default.removeItem(atPath: dir + "/" + name)
        }, ["history file", "is missing"], 1),
        ("history range of an unknown customer", { dir in
            try replace(dir, "\"customerId\":\"C1\",\"digest\"", "\"customerId\":\"C7\",\"digest\"")
        }, ["unknown customer 'C7'"], nil),
        ("empty file", { dir in try Data().write(to: URL(fileURLWithPath: dir + "/snapshot.jsonl")) }, ["empty"], 1),
        ("directory instead of file", { dir in
            try FileManager.default.removeItem(atPath: dir + "/snapshot.jsonl")
            try FileManager.default.createDirectory(atPath: dir + "/snapshot.jsonl", withIntermediateDirectories: false)
        }, ["is a directory"], nil),
        ("missing snapshot", { dir in try FileManager.default.removeItem(atPath: dir + "/snapshot.jsonl") }, ["not a complete store", "backups"], nil),
        ("future journal", { dir in
            try Data(#"{"journal":{"schemaVersion":99,"baseSeq":0}}"#.utf8 + [10]).write(to: URL(fileURLWithPath: dir + "/journal.jsonl"))
        }, ["journal.jsonl", "newer Relance"], 1),
    ]

    static func replace(_ dir: String, _ a: String, _ b: String) throws {
        let path = dir + "/snapshot.jsonl"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        precondition(text.contains(a), "fixture does not contain \(a)")
        try text.replacingOccurrences(of: a, with: b).write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test(arguments: 0..<cases.count)
    func badStoreIsRefusedClearlyAndLeftUntouched(index: Int) throws {
        let (name, damage, words, line) = Self.cases[index]
        let dir = TempDirectory("bad"); defer { dir.remove() }
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        try book.apply(.logActivity(activity: Activity(id: "A1", at: "2026-11-20T09:00:00Z", date: Fixtures.date("2026-11-20"), user: "amelie",
                                                        customerId: "C1", channel: .phone, note: "appel")))
        try JSONFileStore.create(directory: dir.path, book: book)
        try damage(dir.path)
        let before = snapshotOfFiles(dir.path)
        do {
            _ = try JSONFileStore(directory: dir.path)
            Issue.record("\(name): the store loaded")
        } catch {
            let text = "\(error)"
            for w in words { #expect(text.contains(w), "\(name): '\(text)' lacks '\(w)'") }
            if let line { #expect((error as? StoreError)?.line == line, "\(name): \(text)") }
        }
        #expect(snapshotOfFiles(dir.path) == before, "\(name): files changed")
    }
}
