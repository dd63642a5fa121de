import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables

/// Issue 15: in a store its group can write, anyone in the group can append a journal line (its CRC-32 is
/// recomputable) or copy the snapshot with the demo flag; `check` replays the journal against the permission table
/// and reports what it finds, with the change's number and author.
@Suite struct ForgeryTests {
    func store(_ dir: TempDirectory) throws -> JSONFileStore {
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        // amelie is the login running the tests (her own saves are hers); helene is someone else.
        try book.apply(.upsertUser(user: User(id: "amelie", name: "Amélie Rousseau", role: .collector, login: UnixLogin.current)))
        try book.apply(.upsertUser(user: User(id: "helene", name: "Hélène Dupré", role: .supervisor, login: "hdupre")))
        let store = try JSONFileStore.create(directory: dir.path + "/s", book: book)
        try store.commit(user: "amelie", .logActivity(activity: Activity(id: "A1", at: "t", date: Fixtures.date("2026-11-23"), user: "amelie",
                                                                        customerId: "C1", channel: .phone, note: "appel")))
        return store
    }

    /// Appends a line as a colleague with write access would: a valid CRC, the next sequence number.
    func append(_ entry: JournalEntry, to dir: String) throws {
        let line = try JournalCodec.line(entry, encoder: JSONEncoder())
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/journal.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
        try handle.close()
    }

    @Test func aCollectorWhoMakesHimselfSupervisorIsReported() throws {
        let dir = TempDirectory("forged-role"); defer { dir.remove() }
        let s = try store(dir)
        #expect(StoreCheck.run(directory: s.directory).ok)
        try append(JournalEntry(seq: 2, at: "2026-11-23T10:00:00Z", user: "amelie", login: UnixLogin.current,
                                change: .upsertUser(user: User(id: "amelie", name: "Amélie Rousseau", role: .supervisor, login: UnixLogin.current))), to: s.directory)
        let check = StoreCheck.run(directory: s.directory)
        #expect(!check.ok)
        #expect(check.text.contains("journal.jsonl:3: change 2 (user amelie) by amelie: users is not for collectors (amelie)"), "\(check.text)")
    }

    @Test func aChangeMadeFromAnotherLoginIsReported() throws {
        let dir = TempDirectory("forged-login"); defer { dir.remove() }
        let s = try store(dir)
        // amelie's login writes a supervisor's change in helene's name.
        try append(JournalEntry(seq: 2, at: "2026-11-23T10:00:00Z", user: "helene", login: UnixLogin.current,
                                change: .updateCustomer(id: "C1", patch: CustomerPatch(creditLimit: Money(euros: 900_000)))), to: s.directory)
        let check = StoreCheck.run(directory: s.directory)
        #expect(!check.ok)
        #expect(check.text.contains("change 2 (update customer C1) by helene was made from login \(UnixLogin.current), not hdupre"), "\(check.text)")
    }

    /// The demo flag copied into a team's snapshot is not a demo: check says so, and nobody may act as anyone.
    @Test func aDemoFlagInATeamsStoreIsRefused() throws {
        let dir = TempDirectory("forged-demo"); defer { dir.remove() }
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        try book.apply(.upsertUser(user: User(id: "helene", name: "Hélène Dupré", role: .supervisor, login: "hdupre")))
        book.markAsDemo()
        #expect(!book.isDemo)
        try JSONFileStore.create(directory: dir.path + "/s", book: book)
        let check = StoreCheck.run(directory: dir.path + "/s")
        #expect(!check.ok && check.text.contains("claims a demo store, but its users have Unix logins"), "\(check.text)")
        // A real demo (no logins) stays one.
        var demo = Fixtures.book(invoices: [])
        demo.markAsDemo()
        #expect(demo.isDemo)
    }
}
