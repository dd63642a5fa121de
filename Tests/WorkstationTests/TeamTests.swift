import Testing
import TestSupport
import TerminalKit
@testable import Receivables
@testable import Workstation

/// The team: the domain's rules on users, the unassigned accounts of a disabled collector, the users screen.
@Suite struct TeamTests {
    let today = Fixtures.date("2026-11-23")

    func book() -> Book {
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "12000.00")])
        try! b.apply(.upsertUser(user: User(id: "amelie", name: "Amélie Rousseau", role: .collector, login: "amelie")))
        try! b.apply(.upsertUser(user: User(id: "helene", name: "Hélène Dupré", role: .supervisor, login: "hdupre")))
        return b
    }

    @Test func loginsAreUniqueValidAndTheLastSupervisorStays() {
        var b = book()
        #expect(throws: DomainError.self) { try b.applyNew(.upsertUser(user: User(id: "x", name: "X", role: .collector, login: "hdupre")), by: Fixtures.supervisor) }
        #expect(throws: DomainError.self) { try b.applyNew(.upsertUser(user: User(id: "x", name: "X", role: .collector, login: "Root; rm")), by: Fixtures.supervisor) }
        #expect(throws: DomainError.self) { try b.applyNew(.upsertUser(user: User(id: "X Y", name: "X", role: .collector)), by: Fixtures.supervisor) }
        #expect(throws: DomainError.self) { try b.applyNew(.upsertUser(user: User(id: "helene", name: "Hélène Dupré", role: .supervisor, login: "hdupre", disabled: true)), by: Fixtures.supervisor) }
        #expect(throws: DomainError.self) { try b.applyNew(.upsertUser(user: User(id: "helene", name: "Hélène Dupré", role: .collector, login: "hdupre")), by: Fixtures.supervisor) }
        // With a second supervisor, the first may go; a disabled user's login may be given to someone else.
        #expect(throws: Never.self) { try b.applyNew(.upsertUser(user: User(id: "paul", name: "Paul", role: .supervisor, login: "paul")), by: Fixtures.supervisor) }
        #expect(throws: Never.self) { try b.applyNew(.upsertUser(user: User(id: "helene", name: "Hélène Dupré", role: .supervisor, login: "hdupre", disabled: true)), by: Fixtures.supervisor) }
        #expect(throws: Never.self) { try b.applyNew(.upsertUser(user: User(id: "hd2", name: "Hélène D.", role: .collector, login: "hdupre")), by: "paul") }   // (helene is disabled now)
        #expect(b.user(withLogin: "hdupre")?.id == "hd2")
    }

    @Test func aDisabledCollectorsAccountsAreUnassigned() throws {
        var b = book()
        #expect(Agenda(book: b, date: today, collector: "amelie").calls.count == 1)
        #expect(Agenda(book: b, date: today, collector: Agenda.unassigned).lines.isEmpty)
        try b.applyNew(.upsertUser(user: User(id: "amelie", name: "Amélie Rousseau", role: .collector, login: "amelie", disabled: true)), by: Fixtures.supervisor)
        let unassigned = Agenda(book: b, date: today, collector: Agenda.unassigned)
        #expect(unassigned.calls.map(\.customerId) == ["C1"])
        #expect(unassigned.calls[0].collector == nil)
        #expect(b.assignedCollector(of: "C1") == nil)
        // The history keeps her name: the user record stays.
        #expect(b.users["amelie"]?.name == "Amélie Rousseau")
    }

    @Test func aSupervisorDisablesAUserFromTheUsersScreen() {
        let store = MemoryStore(book: book())
        let (app, screen) = workstation(store, user: "helene", today: today)
        app.render()
        app.handle(.character("U")); app.render()
        #expect(screen.line(0).contains("Users"))
        #expect(screen.text.contains("hdupre") && screen.text.contains("Amélie Rousseau"))
        // Sorted by role then id: amelie (collector) first. The first D asks (her accounts become unassigned).
        app.handle(.character("D")); app.render()
        #expect(store.book.users["amelie"]?.disabled == false)
        #expect(screen.text.contains("Disable Amélie Rousseau? 1 account will be unassigned: press D again"), "\(screen.text)")
        app.handle(.character("D")); app.render()
        #expect(store.book.users["amelie"]?.disabled == true)
        #expect(screen.text.contains("1 account without an active collector"))
        app.handle(.down); app.handle(.character("D")); app.render()
        #expect(screen.text.contains("You cannot disable yourself"))
        #expect(store.book.users["helene"]?.disabled == false)
        // Back on the agenda, `a` reaches the unassigned accounts.
        app.handle(.escape); app.render()
        app.handle(.character("a")); app.render()     // whole team -> (no active collector left) -> unassigned accounts
        #expect(screen.text.contains("unassigned accounts"), "\(screen.text)")
        #expect(screen.text.contains("Société Générale de Chaudronnerie"))
    }

    /// Issue 16 (9): a disabled user's open session went on saving; the store checks the author at each commit.
    @Test func aDisabledUsersOpenSessionIsRefusedAtTheNextSave() throws {
        let store = MemoryStore(book: book())
        let (app, screen) = workstation(store, user: "amelie", today: today)
        app.render()
        app.handle(.character("/")); for c in "chaudron" { app.handle(.character(c)) }; app.handle(.enter); app.render()
        app.handle(.character("n")); app.render()
        for c in "Passée voir le comptable" { app.handle(.character(c)) }
        // Meanwhile a supervisor disables her.
        try store.commit(user: "helene", .upsertUser(user: User(id: "amelie", name: "Amélie Rousseau", role: .collector, login: "amelie", disabled: true)))
        app.handle(.function(2)); app.render()
        #expect(screen.text.contains("your access was disabled by a supervisor"), "\(screen.text)")
        #expect(store.book.activities(of: "C1").isEmpty)
    }

    /// `q` goes back from the Users screen, as its help says (it did nothing).
    @Test func qGoesBackFromTheUsersScreen() {
        let store = MemoryStore(book: book())
        let (app, screen) = workstation(store, user: "helene", today: today)
        app.render()
        app.handle(.character("U")); app.render()
        #expect(screen.line(0).contains("Users"))
        app.handle(.character("q")); app.render()
        #expect(screen.line(0).contains("Agenda"), "\(screen.text)")
    }

    @Test func aCollectorHasNoUsersScreen() {
        let store = MemoryStore(book: book())
        let screen = ScreenBuffer(rows: 24, columns: 80)
        let app = App(session: Session(store: store, user: store.book.users["amelie"]!, today: today), terminal: screen)
        app.handle(.character("U")); app.render()
        #expect(screen.line(0).contains("Agenda"))
        #expect(screen.text.contains("The team is managed by supervisors"))
    }
}
