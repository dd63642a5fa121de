import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables
#if canImport(Glibc)
import Glibc
#endif

/// What an outside attack on issue 7's store found, each now a test.
@Suite struct AttackRegressionTests {
    func book() -> Book { Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")]) }

    func note(_ id: String, customer: String = "C1") -> Change {
        .logActivity(activity: Activity(id: id, at: "2026-11-23T10:00:00Z", date: Fixtures.date("2026-11-23"), user: "amelie",
                                        customerId: customer, channel: .phone, note: "note \(id)"))
    }

    /// Two compactions of the same change: the loser used to rename its history file over the winner's, then
    /// delete "its" file, which was the live one (6 of 30 double imports lost every activity).
    @Test func twoCompactionsOfTheSameChangeKeepTheLiveHistory() throws {
        let dir = TempDirectory("double-compact"); defer { dir.remove() }
        let a = try JSONFileStore.create(directory: dir.path, book: book())
        for i in 1...5 { try a.commit(user: "amelie", note("A\(i)")) }
        let b = try JSONFileStore(directory: dir.path)
        // b captures change 5 and writes its files; meanwhile a compacts the same change completely.
        try b.compact(whileWriting: { try a.compact() })
        let check = StoreCheck.run(directory: dir.path)
        #expect(check.ok, "\(check.text)")
        #expect(try JSONFileStore(directory: dir.path).history(of: "C1").map(\.id) == (1...5).map { "A\($0)" })
        // And the other order.
        try a.commit(user: "amelie", note("A6"))
        try a.compact(whileWriting: { try b.compact() })
        #expect(StoreCheck.run(directory: dir.path).ok)
        #expect(try JSONFileStore(directory: dir.path).history(of: "C1").count == 6)
    }

    @Test func aCompactionWhosePreviousHistoryWasReplacedMeanwhileIsNotAnError() throws {
        let dir = TempDirectory("stale-compact"); defer { dir.remove() }
        let a = try JSONFileStore.create(directory: dir.path, book: book())
        try a.commit(user: "amelie", note("A1"))
        try a.compact()
        let b = try JSONFileStore(directory: dir.path)
        try b.commit(user: "amelie", note("A2"))
        try b.compact()                        // removes the history file a still knows
        try a.compact()                        // a catches up first, or finds its capture stale: no error
        #expect(StoreCheck.run(directory: dir.path).ok)
    }

    func damage(_ name: String, _ edit: (String) -> String, check expectWords: String) throws {
        let dir = TempDirectory("attack"); defer { dir.remove() }
        let s = try JSONFileStore.create(directory: dir.path, book: book())
        for i in 1...3 { try s.commit(user: "amelie", note("A\(i)")) }
        let path = dir.file(name)
        try edit(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: false, encoding: .utf8)
        let check = StoreCheck.run(directory: dir.path)
        #expect(!check.ok, "\(name): \(check.text)")
        #expect(check.text.contains(expectWords), "\(check.text)")
    }

    @Test func aDuplicatedJournalLineIsRefused() throws {
        try damage("journal.jsonl", { text in
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            lines.insert(lines[2], at: 3)
            return lines.joined(separator: "\n")
        }, check: "duplicated, removed or moved")
    }

    @Test func aJournalHeaderWithoutItsIdIsRefused() throws {
        try damage("journal.jsonl", { text in
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            lines[0] = #"{"journal":{"schemaVersion":4,"baseSeq":0}}"#
            return lines.joined(separator: "\n")
        }, check: "belongs to another store or generation")
    }

    @Test func aJournalHeaderWithAnotherSchemaIsRefused() throws {
        try damage("journal.jsonl", { $0.replacingOccurrences(of: "\"schemaVersion\":\(currentSchemaVersion)", with: "\"schemaVersion\":2") },
                   check: "the header was altered")
    }

    @Test func aSnapshotWithoutItsFinalNewlineIsRefused() throws {
        try damage("snapshot.jsonl", { String($0.dropLast()) }, check: "lost its newline")
    }

    @Test func othersFilesWithNamesLikeOursSurviveCompactions() throws {
        let dir = TempDirectory("foreign"); defer { dir.remove() }
        let s = try JSONFileStore.create(directory: dir.path, book: book())
        try FileManager.default.createDirectory(atPath: dir.file("backups"), withIntermediateDirectories: true)
        let foreign = ["history-2024-11.jsonl", "snapshot.jsonl.tmp-my-copy", "backups/snapshot-0-mine.jsonl", "backups/notes.txt"]
        for f in foreign { try Data("mine".utf8).write(to: URL(fileURLWithPath: dir.file(f))) }
        s.backupsKept = 1
        for i in 1...4 { try s.commit(user: "amelie", note("A\(i)")); try s.compact() }
        for f in foreign { #expect(FileManager.default.fileExists(atPath: dir.file(f)), "\(f) was removed") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("backups")).filter { $0.hasPrefix("snapshot-2") }.count == 1)
    }

    @Test func theMigrationBackupIsACompleteOldStore() throws {
        let dir = TempDirectory("mig-backup"); defer { dir.remove() }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/stores/schema-2").path
        try FileManager.default.copyItem(atPath: fixture, toPath: dir.file("s"))
        let s = try JSONFileStore(directory: dir.file("s"))
        _ = try s.migrate()
        s.backupsKept = 1
        for i in 1...3 { try s.commit(user: "amelie", note("M\(i)", customer: "C0001")); try s.compact() }   // pruning must not eat it
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.file("s/backups")).first { $0.hasPrefix("schema-2-") })
        try FileManager.default.copyItem(atPath: dir.file("s/backups/\(folder)"), toPath: dir.file("old"))
        try Data().write(to: URL(fileURLWithPath: dir.file("old/store.lock")))
        let old = try JSONFileStore(directory: dir.file("old"), forceReadOnly: true)
        #expect(old.loadedSchema == 2 && old.book.activityCount == 15)
        #expect(StoreCheck.run(directory: dir.file("old")).ok)
    }

    @Test func aHardLinkedLockFileIsNeverWrittenThrough() throws {
        let dir = TempDirectory("hardlink"); defer { dir.remove() }
        try JSONFileStore.create(directory: dir.file("s"), book: book())
        let victim = dir.file("victim")
        try Data("root:x:0:0:root:/root:/bin/bash\n".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.removeItem(atPath: dir.file("s/store.lock"))
        #expect(link(victim, dir.file("s/store.lock")) == 0)
        let s = try JSONFileStore(directory: dir.file("s"))
        try s.commit(user: "amelie", note("A1"))
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "root:x:0:0:root:/root:/bin/bash\n")
    }
}
