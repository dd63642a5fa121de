import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables

/// Issue 23: a journal's batches are replayed in place (`Book.replay`), without the copy of the book that made
/// every chunk of letters cost an open about 40 ms at 100,000 invoices. A batch that fails on replay (a journal
/// line written by hand with a valid CRC) must still leave no part of itself in a running process's book, and
/// a new open must still refuse the store naming the line.
@Suite struct ReplayTests {
    static let day = Fixtures.date("2026-11-23")

    func activity(_ id: String) -> Activity {
        Activity(id: id, at: "t", date: Self.day, user: "amelie", customerId: "C1", channel: .phone, note: "appel \(id)")
    }

    func pay(_ id: String, _ amount: String) -> Change {
        .recordPayment(payment: Payment(id: id, customerId: "C1", date: Self.day, amount: Fixtures.eur(amount),
                                        allocations: [Allocation(invoice: "F1", amount: Fixtures.eur(amount))]))
    }

    func append(_ entry: JournalEntry, to dir: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/journal.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: try JournalCodec.line(entry, encoder: JSONEncoder()))
        try handle.close()
    }

    @Test func aBatchReplayedInPlaceEndsAsTheAtomicOne() throws {
        let book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        let batch = Change.batch(changes: [.logActivity(activity: activity("A1")), pay("P1", "400.00"), .batch(changes: [pay("P2", "100.00")])])
        var atomic = book, replayed = book
        try atomic.apply(batch)
        try replayed.replay(batch)
        // 1000.00 - 400.00 - 100.00, by hand.
        #expect(atomic.openAmount("F1") == Fixtures.eur("500.00"))
        #expect(replayed.openAmount("F1") == atomic.openAmount("F1"))
        #expect(replayed.payments == atomic.payments)
        #expect(replayed.activities(of: "C1") == atomic.activities(of: "C1"))
        #expect(replayed.digest(of: "C1") == atomic.digest(of: "C1"))

        // A batch whose second change fails: `apply` leaves the book as it was; `replay` may not (its caller rebuilds).
        let failing = Change.batch(changes: [pay("P3", "100.00"), pay("P4", "5000.00")])
        var kept = atomic
        #expect(throws: DomainError.self) { try kept.apply(failing) }
        #expect(kept.openAmount("F1") == Fixtures.eur("500.00"))
        #expect(kept.payments["P3"] == nil)
    }

    /// A single change is all or nothing by itself (a batch of one is not copied): a promise superseding a known
    /// promise and an unknown one is refused with the known one still open.
    @Test func aPromiseSupersedingAnUnknownOneIsRefusedWhole() throws {
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        func promise(_ id: String) -> Promise {
            Promise(id: id, customerId: "C1", invoices: ["F1"], amount: Fixtures.eur("500.00"), promisedDate: Fixtures.date("2026-11-30"),
                    madeOn: Self.day, user: "amelie")
        }
        try book.apply(.makePromise(promise: promise("P1"), supersedes: []))
        #expect(throws: DomainError.self) { try book.apply(.batch(changes: [.makePromise(promise: promise("P2"), supersedes: ["P1", "P9"])])) }
        #expect(book.promises["P1"]?.closedAs == nil)
        #expect(book.promises["P2"] == nil)
    }

    @Test func aForgedBatchThatFailsLeavesNoPartOfItselfInARunningBook() throws {
        let dir = TempDirectory("replay-failing-batch"); defer { dir.remove() }
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        try book.apply(.upsertUser(user: User(id: "amelie", name: "Amélie Rousseau", role: .collector, login: UnixLogin.current)))
        let store = try JSONFileStore.create(directory: dir.path + "/s", book: book)
        try store.commit(user: "amelie", .logActivity(activity: activity("A1")))
        let running = try JSONFileStore(directory: store.directory)
        #expect(running.book.activities(of: "C1").count == 1)

        // Change 2: a call logged (fine), then a payment of 5,000.00 on an item of 1,000.00 (refused).
        try append(JournalEntry(seq: 2, at: "2026-11-23T10:00:00Z", user: "amelie", login: UnixLogin.current,
                                change: .batch(changes: [.logActivity(activity: activity("A2")), pay("P9", "5000.00")])), to: store.directory)
        #expect(throws: StoreError.self) { _ = try running.refresh() }
        // The running process's book is as it stood at change 1: the call of the failed batch is not in it.
        #expect(running.book.activities(of: "C1").map(\.id) == ["A1"])
        #expect(running.book.digest(of: "C1").count == 1)
        #expect(running.book.payments["P9"] == nil)
        #expect(running.book.openAmount("F1") == Fixtures.eur("1000.00"))
        #expect(running.state.seq == 1)
        // Nor does it save on top of the entry it could not apply (it would be a second change 2): refused.
        #expect(throws: (any Error).self) { try running.commit(user: "amelie", .logActivity(activity: activity("A3"))) }
        #expect(running.book.activities(of: "C1").map(\.id) == ["A1"])

        // A new process refuses the store, naming the line and the change.
        do {
            _ = try JSONFileStore(directory: store.directory)
            Issue.record("a journal line that cannot be applied must be refused")
        } catch let e as StoreError {
            #expect(e.description.contains("journal.jsonl:3"), "\(e)")
            #expect(e.description.contains("change 2"), "\(e)")
            #expect(e.description.contains("cannot be applied"), "\(e)")
        }
        // The journal holds one change 2, the forged one.
        let journal = try String(contentsOfFile: store.directory + "/journal.jsonl", encoding: .utf8)
        #expect(journal.components(separatedBy: "\"seq\":2").count - 1 == 1)
    }
}
