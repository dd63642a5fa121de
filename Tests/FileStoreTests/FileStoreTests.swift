import Foundation
import Testing
import TestSupport
import DemoData
@testable import FileStore
@testable import Receivables

@Suite struct FileStoreTests {
    func smallBook() -> Book {
        Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00"), ("F2", "2026-09-15", "2026-10-15", "500.00")])
    }

    func note(_ id: String, customer: String = "C1") -> Change {
        .logActivity(activity: Activity(id: id, at: "2026-11-23T10:00:00Z", date: Fixtures.date("2026-11-23"), user: "amelie",
                                        customerId: customer, channel: .phone, outcome: .reached, note: "note \(id)"))
    }

    @Test func aSavedChangeIsThereOnTheNextStart() throws {
        let dir = TempDirectory("persist"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.path, book: smallBook())
        try store.commit(user: "amelie", note("A1"))
        let reopened = try JSONFileStore(directory: dir.path)
        #expect(reopened.book.activities(of: "C1").map(\.id) == ["A1"])
        #expect(reopened.seq == 1)
        #expect(reopened.book.openAmount("F1") == Fixtures.eur("1000.00"))
        #expect(reopened.warnings.isEmpty)
    }

    @Test func twoInstancesNeverLoseEachOthersChanges() throws {
        let dir = TempDirectory("two"); defer { dir.remove() }
        var book = smallBook()
        try book.apply(.upsertCustomer(customer: Customer(id: "C2", name: "Boulangeries Lefèvre")))
        let a = try JSONFileStore.create(directory: dir.path, book: book)
        let b = try JSONFileStore(directory: dir.path)
        try a.commit(user: "amelie", note("A1"))
        try b.commit(user: "helene", note("B1", customer: "C2"))      // b had not seen A1: it must replay it first
        try a.commit(user: "helene", .updateCustomer(id: "C1", patch: CustomerPatch(creditLimit: Money(euros: 1000))))
        try b.commit(user: "helene", .updateCustomer(id: "C1", patch: CustomerPatch(creditLimit: Money(euros: 2000), orderBlocked: true)))
        let c = try JSONFileStore(directory: dir.path)
        #expect(c.book.activities(of: "C1").map(\.id) == ["A1"])
        #expect(c.book.activities(of: "C2").map(\.id) == ["B1"])
        // Same field: the later change wins; the earlier one stays in the journal.
        #expect(c.book.customers["C1"]!.creditLimit == Money(euros: 2000))
        #expect(c.book.customers["C1"]!.orderBlocked)
        let journal = try String(contentsOfFile: dir.file("journal.jsonl"), encoding: .utf8)
        #expect(journal.contains("\"creditLimit\":\"1000.00\""))
        #expect(b.book.activities(of: "C1").map(\.id) == ["A1"])
    }

    @Test func aChangeIsValidatedAgainstTheLatestStateNotAStaleCopy() throws {
        let dir = TempDirectory("stale"); defer { dir.remove() }
        let a = try JSONFileStore.create(directory: dir.path, book: smallBook())
        let b = try JSONFileStore(directory: dir.path)
        try a.commit(user: "helene", .recordPayment(payment: Payment(id: "V1", customerId: "C1", date: Fixtures.date("2026-11-20"),
            amount: Fixtures.eur("1000.00"), allocations: [.init(invoice: "F1", amount: Fixtures.eur("1000.00"))])))
        // b still believes F1 is open; under the lock it sees the payment and the promise is refused.
        let promise = Promise(id: "P1", customerId: "C1", invoices: ["F1"], amount: Fixtures.eur("100.00"),
                              promisedDate: Fixtures.date("2026-11-30"), madeOn: Fixtures.date("2026-11-23"), user: "benoit")
        #expect(b.book.openAmount("F1").isPositive)      // b's copy is stale: it has not seen the payment
        #expect(throws: DomainError.self) { try b.commit(user: "benoit", .makePromise(promise: promise, supersedes: [])) }
        #expect(try JSONFileStore(directory: dir.path).book.promises.isEmpty)
    }

    @Test func refreshPicksUpOthersChanges() throws {
        let dir = TempDirectory("refresh"); defer { dir.remove() }
        let a = try JSONFileStore.create(directory: dir.path, book: smallBook())
        let b = try JSONFileStore(directory: dir.path)
        #expect(try b.refresh() == false)
        try a.commit(user: "amelie", note("A1"))
        #expect(try b.refresh() == true)
        #expect(b.book.activities(of: "C1").count == 1)
        a.compactAfterEntries = 1
        try a.commit(user: "amelie", note("A2"))   // compacts: new journal file
        try a.commit(user: "amelie", note("A3"))
        #expect(try b.refresh() == true)
        #expect(try b.history(of: "C1").map(\.id) == ["A1", "A2", "A3"])
    }

    @Test func aTornLastLineIsReportedIgnoredAndCutBeforeTheNextAppend() throws {
        let dir = TempDirectory("torn"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.path, book: smallBook())
        try store.commit(user: "amelie", note("A1"))
        try store.commit(user: "amelie", note("A2"))
        let journal = dir.file("journal.jsonl")
        let handle = FileHandle(forWritingAtPath: journal)!
        handle.seekToEndOfFile()
        handle.write(Data(#"{"crc":"0badf00d","entry":{"seq":3,"at":"2026-11-"#.utf8))   // a crash mid-append
        handle.closeFile()
        let reopened = try JSONFileStore(directory: dir.path)
        #expect(reopened.book.activities(of: "C1").map(\.id) == ["A1", "A2"])
        #expect(reopened.warnings.count == 1)
        #expect(reopened.warnings[0].contains("journal.jsonl:4: last line ignored"))
        try reopened.commit(user: "amelie", note("A3"))
        let again = try JSONFileStore(directory: dir.path)
        #expect(again.book.activities(of: "C1").map(\.id) == ["A1", "A2", "A3"])
        #expect(again.warnings.isEmpty)
    }

    @Test func aBadLineInTheMiddleOfTheJournalIsAnErrorWithItsLine() throws {
        let dir = TempDirectory("midbad"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.path, book: smallBook())
        for i in 1...3 { try store.commit(user: "amelie", note("A\(i)")) }
        var lines = try String(contentsOfFile: dir.file("journal.jsonl"), encoding: .utf8).components(separatedBy: "\n")
        lines[2] = lines[2].replacingOccurrences(of: "note A2", with: "note X2")     // edited by hand: checksum breaks
        try lines.joined(separator: "\n").write(toFile: dir.file("journal.jsonl"), atomically: false, encoding: .utf8)
        let before = snapshotOfFiles(dir.path)
        #expect { try JSONFileStore(directory: dir.path) } throws: { error in
            let e = error as? StoreError
            return e?.line == 3 && e?.file.hasSuffix("journal.jsonl") == true && e!.message.contains("checksum")
        }
        #expect(snapshotOfFiles(dir.path) == before)
    }

    @Test func compactionKeepsEverythingAndBacksUpThePreviousSnapshot() throws {
        let dir = TempDirectory("compact"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.path, book: smallBook())
        store.compactAfterEntries = 3
        for i in 1...10 {
            try store.commit(user: "amelie", note("A\(i)"))
            #expect(store.needsCompaction == (i % 4 == 0))   // a save never compacts by itself...
            try store.compactIfNeeded()                       // ...the caller does, once its result is shown
        }
        let backups = try FileManager.default.contentsOfDirectory(atPath: dir.file("backups"))
        #expect(backups.count >= 2)
        let journalLines = try String(contentsOfFile: dir.file("journal.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(journalLines.count <= 4)
        let reopened = try JSONFileStore(directory: dir.path)
        #expect(try reopened.history(of: "C1").map(\.id) == (1...10).map { "A\($0)" })
        #expect(reopened.book.activities(of: "C1").count < 10)        // the rest is in the history file, off the start-up path
        #expect(reopened.book.digest(of: "C1").count == 10)
        #expect(reopened.seq == 10)
        #expect(StoreCheck.run(directory: dir.path).ok)
    }

    /// Found by `relance-tools torture`: a journal two compactions later got the inode number of the one a
    /// reader had read (ext4 reuses freed numbers); the reader took it for the same file and read from the
    /// middle of a line. The journal is now recognised by its first line, which names its generation.
    @Test func aJournalWithTheSameInodeButAnotherHeaderIsSeenAsReplaced() throws {
        let dir = TempDirectory("inode"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.path, book: smallBook())
        try store.commit(user: "amelie", note("A1"))
        // Keep the inode the first instance read alive under another name.
        #expect(link(dir.file("journal.jsonl"), dir.file("old-inode")) == 0)
        let other = try JSONFileStore(directory: dir.path)
        try other.commit(user: "amelie", note("A2"))
        try other.compact()
        try other.commit(user: "amelie", note("A3"))
        try other.commit(user: "amelie", note("A4"))
        // The new generation's journal, written in place into the old inode, which then takes the name back.
        let fresh = try Data(contentsOf: URL(fileURLWithPath: dir.file("journal.jsonl")))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.file("old-inode")))
        try handle.truncate(atOffset: 0); try handle.write(contentsOf: fresh); try handle.close()
        #expect(rename(dir.file("old-inode"), dir.file("journal.jsonl")) == 0)
        #expect(store.journal.stamp?.inode == store.journal.inode)        // the same inode, a longer file
        #expect(Int(store.journal.stamp!.size) > store.journal.offset)
        #expect(store.journal.wasReplaced())
        #expect(try store.refresh())
        #expect(store.seq == 4)
        #expect(try store.history(of: "C1").map(\.id) == ["A1", "A2", "A3", "A4"])
    }

    @Test func filesAreOwnerAndGroupOnlyWhateverTheUmask() throws {
        let dir = TempDirectory("mode"); defer { dir.remove() }
        let old = umask(0o027)   // no group write: the store must still be 0660
        defer { umask(old) }
        let store = try JSONFileStore.create(directory: dir.path + "/s", book: smallBook())
        try store.commit(user: "amelie", note("A1"))
        store.compactAfterEntries = 0
        try store.commit(user: "amelie", note("A2"))
        try store.compactIfNeeded()
        for name in ["snapshot.jsonl", "journal.jsonl", "store.lock"] {
            let attrs = try FileManager.default.attributesOfItem(atPath: dir.path + "/s/" + name)
            #expect((attrs[.posixPermissions] as? Int) == 0o660, "\(name)")
        }
    }

    @Test func backupRestoresIntoANewStore() throws {
        let dir = TempDirectory("backup"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.path + "/s", book: smallBook())
        try store.commit(user: "amelie", note("A1"))
        try store.compact()
        try store.commit(user: "amelie", note("A2"))     // one in the history file, one in the journal
        try store.backup(to: dir.path + "/copy.jsonl")
        let restored = try JSONFileStore.restore(backup: dir.path + "/copy.jsonl", into: dir.path + "/restored")
        #expect(try restored.history(of: "C1").map(\.id) == ["A1", "A2"])
        #expect(restored.seq == 2)
        #expect(StoreCheck.run(directory: dir.path + "/restored").ok)
        try restored.commit(user: "amelie", note("A3"))   // and it goes on from change 2
        #expect(try JSONFileStore(directory: dir.path + "/restored").seq == 3)
        // Never over anything: a second restore into the same directory is refused.
        #expect { try JSONFileStore.restore(backup: dir.path + "/copy.jsonl", into: dir.path + "/restored") } throws: { "\($0)".contains("already exists") }
    }

    @Test func aBackupOfADamagedHistoryFails() throws {
        let dir = TempDirectory("backup-bad"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.path + "/s", book: smallBook())
        try store.commit(user: "amelie", note("A1"))
        try store.compact()
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/s").first { $0.hasPrefix("history-") })
        var bytes = try #require(FileManager.default.contents(atPath: dir.path + "/s/" + name))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: dir.path + "/s/" + name))
        #expect { try JSONFileStore(directory: dir.path + "/s", forceReadOnly: true).backup(to: dir.path + "/copy.jsonl") } throws: {
            "\($0)".contains(name) && "\($0)".contains("checksum")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/copy.jsonl"))
    }

    @Test func checkReportsSumsAndProblems() throws {
        let dir = TempDirectory("check"); defer { dir.remove() }
        try JSONFileStore.create(directory: dir.path, book: smallBook())
        let ok = StoreCheck.run(directory: dir.path)
        #expect(ok.ok)
        #expect(ok.text.contains("invoiced 1500.00 - allocated 0.00 - credit notes 0.00 = open 1500.00"))
        let missing = StoreCheck.run(directory: dir.path + "/nope")
        #expect(!missing.ok && missing.text.contains("no store here"))
    }
}

/// A compaction writes its files outside the lock: changes others append meanwhile must survive it.
@Suite struct CompactionRaceTests {
    @Test func changesAppendedDuringACompactionAreCarriedOver() throws {
        let dir = TempDirectory("race-compact"); defer { dir.remove() }
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        try book.apply(.upsertCustomer(customer: Customer(id: "C2", name: "Autre")))
        let a = try JSONFileStore.create(directory: dir.path, book: book)
        let b = try JSONFileStore(directory: dir.path)
        func note(_ id: String, _ c: String) -> Change {
            .logActivity(activity: Activity(id: id, at: "t", date: Fixtures.date("2026-11-23"), user: "u", customerId: c, channel: .phone, note: id))
        }
        for i in 1...5 { try a.commit(user: "amelie", note("A\(i)", "C1")) }
        // b compacts in the background while a keeps saving: run both and interleave.
        let group = DispatchGroup()
        nonisolated(unsafe) var compactionError: Error?
        nonisolated(unsafe) let other = b      // its own lock file descriptor: flock excludes it like another process
        DispatchQueue.global().async(group: group) { do { try other.compact() } catch { compactionError = error } }
        for i in 6...40 { try a.commit(user: "amelie", note("A\(i)", i % 2 == 0 ? "C1" : "C2")) }
        group.wait()
        #expect(compactionError == nil)
        try b.commit(user: "helene", note("B1", "C2"))
        let c = try JSONFileStore(directory: dir.path)
        let all = try c.history(of: "C1").map(\.id) + c.history(of: "C2").map(\.id)
        #expect(Set(all) == Set((1...40).map { "A\($0)" } + ["B1"]))
        #expect(all.count == 41)
        #expect(c.seq == 41)
        #expect(StoreCheck.run(directory: dir.path).ok)
    }

    @Test func savesBetweenTheCaptureAndTheSwapAreKept() throws {
        let dir = TempDirectory("swap"); defer { dir.remove() }
        let a = try JSONFileStore.create(directory: dir.path, book: Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")]))
        let b = try JSONFileStore(directory: dir.path)
        func note(_ id: String) -> Change {
            .logActivity(activity: Activity(id: id, at: "t", date: Fixtures.date("2026-11-23"), user: "u", customerId: "C1", channel: .phone, note: id))
        }
        for i in 1...3 { try a.commit(user: "amelie", note("A\(i)")) }
        try b.compact(whileWriting: { for i in 4...6 { try a.commit(user: "amelie", note("A\(i)")) } })
        // b's snapshot stops at change 3; the journal carries 4-6 over.
        let journal = try String(contentsOfFile: dir.file("journal.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(journal.first?.contains("\"baseSeq\":3") == true)
        #expect(journal.count == 4)
        #expect(try b.history(of: "C1").map(\.id) == (1...6).map { "A\($0)" })
        let c = try JSONFileStore(directory: dir.path)
        #expect(try c.history(of: "C1").map(\.id) == (1...6).map { "A\($0)" })
        try a.commit(user: "amelie", note("A7"))            // a notices the new journal and appends after the carried lines
        #expect(try JSONFileStore(directory: dir.path).history(of: "C1").count == 7)
    }

}

/// Issue 23: a backup is written as it goes (never built whole in memory); one over several checksum blocks of 4 MiB
/// restores to the very book and histories it was taken from.
@Suite struct StreamedBackupTests {
    @Test func aBackupOverSeveralBlocksRestoresTheSameBook() throws {
        let dir = TempDirectory("backup-big"); defer { dir.remove() }
        let today = Fixtures.date("2026-11-23")
        var book = try DemoGenerator(customers: 120, seed: 4, today: today).book()
        for (k, id) in book.customerOrder.enumerated() {
            for j in 0..<300 {
                try book.apply(.logActivity(activity: Activity(id: "H\(k)-\(j)", at: "2026-11-01T10:00:00Z", date: today.adding(days: -(j % 90)),
                    user: "amelie", customerId: id, channel: .phone, outcome: .noAnswer, note: "appel \(j) — « Société » \(String(repeating: "x", count: j % 40))")))
            }
        }
        let store = try JSONFileStore.create(directory: dir.path + "/s", book: book)
        try store.compact()
        let someone = book.customerOrder[7]
        try store.commit(user: "helene", .logActivity(activity: Activity(id: "LATE", at: "2026-11-23T10:00:00Z", date: today, user: "helene",
                                                                        customerId: someone, channel: .phone, note: "after the compaction")))
        try store.backup(to: dir.path + "/copy.jsonl")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: dir.path + "/copy.jsonl")[.size] as? Int)
        #expect(size > 2 * (4 << 20))   // three blocks at least
        let restored = try JSONFileStore.restore(backup: dir.path + "/copy.jsonl", into: dir.path + "/r")
        #expect(restored.seq == store.seq)
        #expect(restored.book.records(includingActivities: false) == store.book.records(includingActivities: false))
        for id in book.customerOrder { #expect(try restored.history(of: id) == store.history(of: id), "\(id)") }
        #expect(try restored.history(of: someone).last?.id == "LATE")
        #expect(StoreCheck.run(directory: dir.path + "/r").ok)
    }
}
