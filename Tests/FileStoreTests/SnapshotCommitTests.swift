import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables

/// A large change (an import) committed as a new snapshot written aside, never as a journal line (issue 9).
@Suite struct SnapshotCommitTests {
    func note(_ id: String) -> Change {
        .logActivity(activity: Activity(id: id, at: "t", date: Fixtures.date("2026-11-23"), user: "u", customerId: "C1", channel: .phone, note: id))
    }

    func invoices(_ range: ClosedRange<Int>) -> Change {
        .batch(changes: range.map { .upsertInvoice(invoice: Invoice(number: "N\($0)", customerId: "C1", issueDate: Fixtures.date("2026-10-01"),
                                                                     dueDate: Fixtures.date("2026-11-01"), amount: Money(cents: Int64(1000 + $0)))) })
    }

    @Test func theChangeLandsInTheSnapshotAndOthersSeeIt() throws {
        let dir = TempDirectory("snap-commit"); defer { dir.remove() }
        let a = try JSONFileStore.create(directory: dir.path, book: Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")]))
        let b = try JSONFileStore(directory: dir.path)
        try a.commit(user: "amelie", note("A1"))
        let written = try a.commitThroughSnapshot { book, state in
            #expect(state.seq == 1)
            var after = book
            try after.applyNew(invoices(1...50), by: Fixtures.supervisor)
            return after
        }
        #expect(written?.invoices.count == 51)
        #expect(a.seq == 1)   // folded into the snapshot at the captured change: no number of its own
        // The journal holds its header only; the snapshot stands at change 1; the one before is in backups/.
        let journal = try String(contentsOfFile: dir.file("journal.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(journal.count == 1 && journal[0].contains("\"baseSeq\":1"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("backups")).contains { $0.hasSuffix("-0.jsonl") })   // the created snapshot, at change 0
        // Another process sees it, saves after it, and a fresh open has everything.
        try b.commit(user: "helene", note("B1"))
        #expect(b.book.invoices.count == 51 && b.seq == 2)
        let c = try JSONFileStore(directory: dir.path)
        #expect(c.book.invoices.count == 51)
        #expect(try c.history(of: "C1").map(\.id) == ["A1", "B1"])
        #expect(StoreCheck.run(directory: dir.path).ok)
    }

    @Test func savesMeanwhileAreKeptAfterTheChange() throws {
        let dir = TempDirectory("snap-meanwhile"); defer { dir.remove() }
        let a = try JSONFileStore.create(directory: dir.path, book: Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")]))
        let b = try JSONFileStore(directory: dir.path)
        var calls: [Int] = []
        let written = try a.commitThroughSnapshot { book, state in
            calls.append(state.seq)
            // The transform runs outside the lock: colleagues save meanwhile, and never wait for it.
            try b.commit(user: "helene", note("B1"))
            try b.commit(user: "helene", note("B2"))
            var after = book
            try after.applyNew(invoices(1...5), by: Fixtures.supervisor)
            return after
        }
        #expect(calls == [0])
        #expect(written?.invoices.count == 6 && a.seq == 2)
        #expect(try a.history(of: "C1").map(\.id) == ["B1", "B2"])
        let journal = try String(contentsOfFile: dir.file("journal.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(journal.count == 3 && journal[0].contains("\"baseSeq\":0"))   // the saves carried over after the snapshot
        try b.commit(user: "helene", note("B3"))                                      // b reloads the new generation first
        #expect(b.book.invoices.count == 6)
        let c = try JSONFileStore(directory: dir.path)
        #expect(c.seq == 3 && c.book.invoices.count == 6)
        #expect(try c.history(of: "C1").map(\.id) == ["B1", "B2", "B3"])
        #expect(StoreCheck.run(directory: dir.path).ok)
    }

    /// Each attempt, a colleague records the very payment the change records: the colleague's save no longer
    /// applies after the change, so the write is stale; made again on the new state, it conflicts again.
    @Test func aConflictingSaveMeanwhileMakesItStaleAndAfterTheAttemptsItIsLeftToTheCaller() throws {
        let dir = TempDirectory("snap-busy"); defer { dir.remove() }
        let a = try JSONFileStore.create(directory: dir.path, book: Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")]))
        let b = try JSONFileStore(directory: dir.path)
        func payment(_ n: Int) -> Change {
            .recordPayment(payment: Payment(id: "X\(n)", customerId: "C1", date: Fixtures.date("2026-11-20"), amount: Money(cents: 100), allocations: []))
        }
        var n = 0
        var seqs: [Int] = []
        let written = try a.commitThroughSnapshot(attempts: 2) { book, state in
            n += 1; seqs.append(state.seq)
            try b.commit(user: "helene", payment(n))
            var after = book
            try after.applyNew(payment(n), by: Fixtures.supervisor)
            return after
        }
        #expect(written == nil)
        #expect(seqs == [0, 1])   // the second attempt started from the state with the first conflict in it
        let c = try JSONFileStore(directory: dir.path)
        #expect(c.seq == 2 && c.book.payments.count == 2)   // the colleague's two, nothing of the stale writes
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("tmp") }.isEmpty, "files left behind")
        #expect(StoreCheck.run(directory: dir.path).ok)
    }

    @Test func nothingToDoWritesNothing() throws {
        let dir = TempDirectory("snap-none"); defer { dir.remove() }
        let a = try JSONFileStore.create(directory: dir.path, book: Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")]))
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.file("snapshot.jsonl")))
        #expect(try a.commitThroughSnapshot { _, _ in nil } != nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("snapshot.jsonl"))) == before)
        #expect(a.seq == 0)
    }
}
