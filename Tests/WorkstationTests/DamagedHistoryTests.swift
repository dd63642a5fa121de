import Testing
import TestSupport
import TerminalKit
@testable import Receivables
@testable import Workstation

/// A store whose history file cannot be read (damaged on disk): everything else works.
final class DamagedHistoryStore: BookStore {
    let inner: MemoryStore
    init(_ inner: MemoryStore) { self.inner = inner }
    var book: Book { inner.book }
    var isReadOnly: Bool { inner.isReadOnly }
    var location: String { "(damaged)" }
    var state: StoreState { inner.state }
    func commit(user: String, _ make: (Book) throws -> Change) throws -> Book { try inner.commit(user: user, make) }
    func refresh() throws -> Bool { false }
    func changes(since state: StoreState) -> [Change]? { inner.changes(since: state) }
    func history(of customerId: String) throws -> [Activity] {
        throw DomainError.said("history-8.jsonl: bytes 0-768 (the history of \(customerId)) do not match their checksum")
    }
}

@Suite struct DamagedHistoryTests {
    /// Issue 14: the History screen said "nothing recorded yet" over a history it could not read.
    @Test func theHistoryScreenSaysItCouldNotReadTheHistory() throws {
        let book = Fixtures.book(invoices: [("F26-001", "2026-09-01", "2026-10-01", "12000.00")])
        let store = DamagedHistoryStore(MemoryStore(book: book))
        let screen = ScreenBuffer(rows: 24, columns: 100)
        let app = App(session: Session(store: store, user: book.users["amelie"]!, today: Fixtures.date("2026-11-23")), terminal: screen)
        app.render()
        for key: Key in [.enter, .character("h")] { _ = app.handle(key); app.render() }
        #expect(screen.find("History") != nil)
        #expect(screen.find("history could not be read") != nil, "\(screen.text)")
        #expect(screen.find("nothing recorded yet") == nil)
    }
}
