import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables
#if canImport(Glibc)
import Glibc
#endif

/// Issue 14: backups are part of the store. `check` verifies what compaction kept in `backups/`, and a compaction
/// that cannot keep the previous snapshot there does not replace it.
@Suite struct BackupsTests {
    /// A store compacted twice: backups/ holds two earlier snapshots and their history files.
    func makeStore(_ path: String) throws -> JSONFileStore {
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        try book.apply(.upsertCustomer(customer: Customer(id: "C2", name: "Brasserie de l'Écluse")))
        let store = try JSONFileStore.create(directory: path, book: book)
        for i in 1...9 {
            try store.commit(user: "amelie", .logActivity(activity: Activity(id: "A\(i)", at: "2026-11-23T10:00:00Z", date: Fixtures.date("2026-11-23"),
                user: "amelie", customerId: i % 2 == 0 ? "C1" : "C2", channel: .phone, outcome: .reached, note: "appel n° \(i)")))
            if i % 4 == 0 { try store.compact() }
        }
        return store
    }

    enum Damage: String, CaseIterable, Sendable { case flippedSnapshot, truncatedSnapshot, flippedHistory, missingHistory, plantedLink, plantedFIFO }

    @Test(arguments: Damage.allCases) func damageInBackupsIsFound(_ damage: Damage) throws {
        let dir = TempDirectory("backups-check"); defer { dir.remove() }
        let path = dir.path + "/s"
        _ = try makeStore(path)
        #expect(StoreCheck.run(directory: path).ok)
        let backups = path + "/backups"
        let names = try FileManager.default.contentsOfDirectory(atPath: backups).sorted()
        let snapshot = try #require(names.first { $0.hasPrefix("snapshot-") })
        let history = try #require(names.last { $0.hasPrefix("history-") })
        var named = backups + "/" + snapshot
        switch damage {
        case .flippedSnapshot:
            var d = try Data(contentsOf: URL(fileURLWithPath: named))
            d[d.count / 2] ^= 0x04
            try d.write(to: URL(fileURLWithPath: named))
        case .truncatedSnapshot:
            let d = try Data(contentsOf: URL(fileURLWithPath: named))
            try d.prefix(d.count / 2).write(to: URL(fileURLWithPath: named))
        case .flippedHistory:
            named = backups + "/" + history
            var d = try Data(contentsOf: URL(fileURLWithPath: named))
            d[d.count / 3] ^= 0x04
            try d.write(to: URL(fileURLWithPath: named))
        case .missingHistory:
            for h in names where h.hasPrefix("history-") { try FileManager.default.removeItem(atPath: backups + "/" + h) }
        case .plantedLink:
            named = backups + "/snapshot-link.jsonl"
            try FileManager.default.createSymbolicLink(atPath: named, withDestinationPath: "/etc/passwd")
        case .plantedFIFO:
            named = backups + "/queue"
            #expect(mkfifo(named, 0o660) == 0)
        }
        let before = snapshotOfFiles(dir.path)
        let check = StoreCheck.run(directory: path)
        #expect(!check.ok, "\(damage): \(check.text)")
        #expect(check.text.contains(damage == .missingHistory ? "is missing from" : named), "\(damage): \(check.text)")
        #expect(snapshotOfFiles(dir.path) == before)   // check reads only
    }

    /// Before issue 14, a compaction whose hard link into backups/ failed replaced the snapshot anyway.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"), "runs a writer as nobody"))
    func anUnwritableBackupsFolderStopsCompactionAndKeepsTheSnapshot() throws {
        let dir = TempDirectory("backups-readonly"); defer { dir.remove() }
        chmod(dir.path, 0o755)
        let path = dir.path + "/s"
        _ = try makeStore(path)
        // The store is nobody's, its backups/ root's and not writable by nobody.
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name != "backups" { chown(path + "/" + name, 65534, 65534) }
        chown(path, 65534, 65534)
        chmod(path + "/backups", 0o755)
        let snapshot = try Data(contentsOf: URL(fileURLWithPath: path + "/snapshot.jsonl"))
        FileManager.default.createFile(atPath: dir.path + "/ack", contents: nil)
        chown(dir.path + "/ack", 65534, 65534)
        let (status, text) = try Spawn.run(["runuser", "-u", "nobody", "--", productsDirectory + "/relance-tools", "writer", "--store", path,
                                            "--ack", dir.path + "/ack", "--tag", "T", "--count", "2", "--compact-every", "1", "--shared-every", "0"])
        #expect(status != 0)
        #expect(text.contains("backups") && text.contains("the store was left as it was"), "\(text)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + "/snapshot.jsonl")) == snapshot)
        #expect(StoreCheck.run(directory: path).ok)
        // The change made before the compaction was tried is kept.
        let store = try JSONFileStore(directory: path, forceReadOnly: true)
        #expect(try store.history(of: "C2").contains { $0.note == "T-0" } || (try store.history(of: "C1").contains { $0.note == "T-0" }))
    }
}
