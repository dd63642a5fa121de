import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables

/// A schema-1 store (history inside the snapshot) is migrated on open, keeping the original files.
@Suite struct MigrationTests {
    /// Writes a store as Relance wrote schema 1: every record, activities included, in the snapshot.
    func writeSchema1Store(_ dir: String, _ book: Book) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var lines = [#"{"snapshot":{"createdAt":"2026-11-01T08:00:00Z","records":\#(book.records.count),"schemaVersion":1,"seq":0}}"#]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for r in book.records { lines.append(String(decoding: try encoder.encode(r), as: UTF8.self)) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/snapshot.jsonl", atomically: true, encoding: .utf8)
        try #"{"journal":{"schemaVersion":1,"baseSeq":0}}"#.appending("\n").write(toFile: dir + "/journal.jsonl", atomically: true, encoding: .utf8)
        try "".write(toFile: dir + "/store.lock", atomically: true, encoding: .utf8)
    }

    func book() throws -> Book {
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        for i in 1...3 {
            try b.apply(.logActivity(activity: Activity(id: "A\(i)", at: "2026-11-2\(i)T09:00:00Z", date: Fixtures.date("2026-11-2\(i)"), user: "amelie",
                                                        customerId: "C1", channel: i == 2 ? .letter : .phone, note: "n\(i)", step: i == 2 ? "reminder-after-due" : nil)))
        }
        return b
    }

    @Test func schema1IsMigratedWithABackupOfTheOriginal() throws {
        let dir = TempDirectory("mig"); defer { dir.remove() }
        let original = try book()
        try writeSchema1Store(dir.path, original)
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.file("snapshot.jsonl")))
        let store = try JSONFileStore(directory: dir.path)
        #expect(store.warnings.contains { $0.contains("schema 1, older") })
        #expect(snapshotOfFiles(dir.path).keys.sorted() == ["journal.jsonl", "snapshot.jsonl", "store.lock"])  // opening migrates nothing
        #expect(try store.migrate() == "migrated from schema 1 to \(currentSchemaVersion)")
        #expect(store.warnings.contains { $0.contains("migrated from schema 1 to \(currentSchemaVersion)") })
        #expect(try store.history(of: "C1").map(\.id) == ["A1", "A2", "A3"])
        #expect(store.book.digest(of: "C1") == original.digest(of: "C1"))
        let header = try String(contentsOfFile: dir.file("snapshot.jsonl"), encoding: .utf8).split(separator: "\n")[0]
        #expect(header.contains("\"schemaVersion\":\(currentSchemaVersion)") && header.contains("\"history\":\"history-0.jsonl\""))
        let backups = try FileManager.default.contentsOfDirectory(atPath: dir.file("backups"))
        let folder = try #require(backups.first { $0.hasPrefix("schema-1-") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("backups/\(folder)/snapshot.jsonl"))) == before)
        #expect(StoreCheck.run(directory: dir.path).ok)
        // and the agenda reads the same from the digest as from the full history
        #expect(Agenda(book: store.book, date: Fixtures.date("2026-11-30"), collector: nil).lines.map(\.reasons)
                == Agenda(book: original, date: Fixtures.date("2026-11-30"), collector: nil).lines.map(\.reasons))
    }

    @Test func aReadOnlySchema1StoreIsReadAsItIs() throws {
        let dir = TempDirectory("mig-ro"); defer { dir.remove() }
        try writeSchema1Store(dir.path, try book())
        let before = snapshotOfFiles(dir.path)
        // Root writes anything; read-only is simulated on the store object, as a user without write access gets it.
        let store = try JSONFileStore(directory: dir.path, forceReadOnly: true)
        #expect(store.isReadOnly)
        #expect(try store.history(of: "C1").count == 3)
        #expect(snapshotOfFiles(dir.path) == before)
    }
}

@Suite struct StaleFileTests {
    @Test func leftoversAreRemovedByACompactionButNotFilesBeingWrittenNorOthersFiles() throws {
        let dir = TempDirectory("orphan"); defer { dir.remove() }
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        try book.apply(.logActivity(activity: Activity(id: "A1", at: "x", date: Fixtures.date("2026-11-20"), user: "amelie",
                                                        customerId: "C1", channel: .phone, note: "n")))
        try JSONFileStore.create(directory: dir.path, book: book)
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: dir.file("history-999.jsonl")))
        try Data("half".utf8).write(to: URL(fileURLWithPath: dir.file("snapshot.jsonl.tmp-1-2")))
        // Files that are not the store's own are never touched.
        for foreign in ["history-2024-ventes.xlsx", "notes.tmp-backup.txt", "history-12.jsonl.bak"] {
            try Data("mine".utf8).write(to: URL(fileURLWithPath: dir.file(foreign)))
        }
        // A file another process is writing (it holds its flock) survives any cleanup.
        let busy = open(dir.file("history-77.jsonl"), O_RDWR | O_CREAT, 0o660)
        #expect(flock(busy, LOCK_EX) == 0)
        defer { close(busy) }
        let store = try JSONFileStore(directory: dir.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).contains("history-999.jsonl"))  // opening deletes nothing
        try store.compact()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!names.contains("history-999.jsonl"))
        #expect(!names.contains("snapshot.jsonl.tmp-1-2"))
        #expect(names.contains("history-77.jsonl"))
        for foreign in ["history-2024-ventes.xlsx", "notes.tmp-backup.txt", "history-12.jsonl.bak"] { #expect(names.contains(foreign), "\(foreign)") }
        #expect(names.contains { $0.hasPrefix("history-0") })
        #expect(try store.history(of: "C1").map(\.id) == ["A1"])
    }
}
