import Testing
import Wording
import TestSupport
import TerminalKit
import FileStore
@testable import Receivables
@testable import Workstation

@Suite struct DisputeAndLiveViewTests {
    let today = Fixtures.date("2026-11-23")

    func book() -> Book {
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00"), ("F2", "2026-10-01", "2026-11-01", "400.00")])
        try! b.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [.init(invoice: "F1", amount: Fixtures.eur("300.00"))],
                                                   reasonCode: "PRICE", ownerDepartment: "sales", openedOn: Fixtures.date("2026-11-11"), user: "amelie")))
        return b
    }

    func press(_ app: App, _ keys: Key...) { for k in keys { app.handle(k); app.render() } }
    func type(_ app: App, _ text: String) { for c in text { app.handle(.character(c)) }; app.render() }

    @Test func resolvingADisputeWithACreditNoteReducesTheOpenAmount() throws {
        let store = MemoryStore(book: book())
        let screen = ScreenBuffer(rows: 24, columns: 80)
        let app = App(session: Session(store: store, user: store.book.users["amelie"]!, today: today), terminal: screen,
                      start: AccountScreen(customerId: "C1"))
        app.render()
        #expect(screen.text.contains("300,00 € disp. 12 d"))
        press(app, .character("r"))
        #expect(screen.text.contains("PRICE 300,00 € on F1 · 12 d"))
        press(app, .tab, .right, .tab)                  // status: resolved: credit note
        #expect(screen.text.contains("‹ resolved: credit note ›"))
        type(app, "350")
        press(app, .function(2))
        #expect(screen.text.contains("Credit note amount: 350,00 € is more than the 300,00 € disputed"))
        #expect(screen.text.contains("Note: say how it was resolved"))
        #expect(store.changes.isEmpty)
        for _ in 0..<5 { app.handle(.backspace) }      // the focus went to the first field in error
        // Issue 16 (6): the credit note's number and date have fields of their own (the number was refused as "not an
        // amount" in the amount field).
        type(app, "250"); press(app, .tab); type(app, "AV-2026-0042"); press(app, .tab)
        for _ in 0..<12 { app.handle(.backspace) }
        type(app, "20/11/2026"); press(app, .tab, .tab); type(app, "avoir accordé"); press(app, .function(2))
        #expect(screen.text.contains("Saved: dispute PRICE resolved: credit note"), "\(screen.text)")
        #expect(store.book.openAmount("F1") == Fixtures.eur("750.00"))
        #expect(screen.text.contains("Open 1 150,00 €"))
        let note = try #require(store.book.creditNotes.values.first)
        #expect(note.number == "AV-2026-0042" && note.date == Fixtures.date("2026-11-20") && note.amount == Fixtures.eur("250.00"))
        #expect(store.book.receipts(of: "C1").first { $0.kind == .creditNote }?.reference == "AV-2026-0042")
        #expect(store.book.activities(of: "C1").last.map { ActivityWording.text($0, book: store.book) }?.contains("credit note AV-2026-0042 250,00 €") == true)
    }

    @Test func anotherUsersSaveAppearsWithoutLosingWhatIsBeingTyped() throws {
        let dir = TempDirectory("live"); defer { dir.remove() }
        let mine = try JSONFileStore.create(directory: dir.path, book: book())
        let theirs = try JSONFileStore(directory: dir.path)
        let screen = ScreenBuffer(rows: 24, columns: 80)
        let app = App(session: Session(store: mine, user: mine.book.users["amelie"]!, today: today), terminal: screen,
                      start: AccountScreen(customerId: "C1"))
        app.render()
        press(app, .character("c"), .tab, .tab)
        type(app, "rappel en cours")
        try theirs.commit(user: "helene", .recordPayment(payment: Payment(id: "V1", customerId: "C1", date: today, amount: Fixtures.eur("400.00"),
                                                                           allocations: [.init(invoice: "F2", amount: Fixtures.eur("400.00"))])))
        #expect(app.poll())
        app.render()
        #expect(screen.text.contains("rappel en cours"))
        press(app, .escape)
        #expect(screen.text.contains("Open 1 000,00 €"))      // the payment made elsewhere shows
        #expect(!screen.text.split(separator: "\n").contains { $0.hasPrefix(" F2 ") })   // paid: no longer an open invoice...
        #expect(screen.text.contains("payment V1  400,00 € → F2 400,00 €"))                 // ...but received
    }
}

@Suite struct CreditLetteringTests {
    @Test func onAccountCreditIsShownOnTheAgendaAndLetteredFromTheAccount() throws {
        var book = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "6000.00"), ("F2", "2026-09-01", "2026-10-01", "7000.00")])
        try book.apply(.recordPayment(payment: Payment(id: "V1", customerId: "C1", date: Fixtures.date("2026-11-20"), amount: Fixtures.eur("6500.00"),
                                                       reference: "virement sans référence", allocations: [])))
        let store = MemoryStore(book: book)
        let screen = ScreenBuffer(rows: 24, columns: 80)
        let app = App(session: Session(store: store, user: book.users["amelie"]!, today: Fixtures.date("2026-11-23")), terminal: screen)
        app.render()
        #expect(screen.text.contains("Letter credit +1"))
        app.handle(.enter); app.render()
        #expect(screen.text.contains("on account 6 500,00 €"))
        app.handle(.character("l")); app.render()
        #expect(screen.text.contains("Lettered 6 500,00 € of on-account credit"))
        #expect(store.book.openAmount("F1") == .zero)
        #expect(store.book.openAmount("F2") == Fixtures.eur("6500.00"))
        #expect(!screen.text.contains("on account"))
    }
}
