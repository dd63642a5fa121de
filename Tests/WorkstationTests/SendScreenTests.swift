import Foundation
import Interchange
import Testing
import TestSupport
@testable import Receivables
@testable import Workstation

/// Keeps what it is handed; refuses every message when told to.
final class TestTransport: MailTransport, @unchecked Sendable {
    var handed: [String] = []
    var refusal: String?
    func send(_ message: Data, bounce: String?) -> String? {
        handed.append(String(decoding: message, as: UTF8.self))
        return refusal
    }
}

/// Issue 22 (5): `s` on a written reminder shows what goes out and offers e-mail or letter; `S` the statement.
@Suite struct SendScreenTests {
    let today = Fixtures.date("2026-11-23")

    /// C1 with a contact address and a postal address; F1 300,00 € 53 days overdue: the reminder after due, by e-mail.
    func store() throws -> MemoryStore {
        var b = addressed(Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "300.00")]))
        var c = b.customers["C1"]!
        c.contacts[0].email = "compta@chaudronnerie.example"
        try b.apply(.upsertCustomer(customer: c))
        try b.apply(.setCompany(company: CompanyProfile(legalName: "Aciers SAS", street: "1 quai", postalCode: "69002", city: "Lyon",
                                                        email: "recouvrement@aciers.example", signatory: "Hélène Dupré")))
        return MemoryStore(book: b)
    }

    @Test func sShowsTheEmailAndESendsItThroughTheMailService() throws {
        let store = try store()
        let (app, screen) = workstation(store, user: "amelie", today: today, rows: 30, columns: 100)
        let transport = TestTransport()
        app.session.mailTransport = transport
        app.render()
        #expect(screen.text.contains("@ Société Générale de Chaudronnerie"), "e-mail lines are marked @: \(screen.text)")
        app.handle(.end); app.handle(.character("s")); app.render()
        #expect(screen.text.contains("by e-mail to compta@chaudronnerie.example"), "\(screen.text)")
        #expect(screen.text.contains("To: compta@chaudronnerie.example") && screen.text.contains("Subject: Relance — factures échues"), "\(screen.text)")
        #expect(screen.text.contains("Facture F1 du 01/09/2026"), "\(screen.text)")
        #expect(transport.handed.isEmpty, "nothing goes before e")
        app.handle(.character("e")); app.render()
        #expect(screen.text.contains("Sent: e-mail to Société Générale de Chaudronnerie"), "\(screen.text)")
        #expect(transport.handed.count == 1 && transport.handed[0].contains("To: =?UTF-8?B?") && transport.handed[0].contains("<compta@chaudronnerie.example>"))
        #expect(store.book.outbox(of: "C1").map(\.status) == [.sent])
        #expect(store.book.invoices["F1"]?.level == 1 && store.book.invoices["F1"]?.lastDunned == today)
        // The account says it (found by its name: nothing is left on today's agenda).
        app.handle(.character("/")); for ch in "Soc" { app.handle(.character(ch)) }; app.handle(.enter); app.render()
        #expect(screen.text.contains("last e-mail sent 23/11/26 to compta@chaudronnerie.example"), "\(screen.text)")
    }

    @Test func aRefusalIsSaidWithTheMailSystemsWordsAndKeptOnTheAccount() throws {
        let store = try store()
        let (app, screen) = workstation(store, user: "amelie", today: today, rows: 30, columns: 100)
        let transport = TestTransport()
        transport.refusal = "550 5.1.1 <compta@chaudronnerie.example>: mailbox unavailable"
        app.session.mailTransport = transport
        app.render(); app.handle(.end); app.handle(.character("s")); app.handle(.character("e")); app.render()
        #expect(screen.text.contains("E-mail to compta@chaudronnerie.example failed: 550 5.1.1"), "\(screen.text)")
        #expect(store.book.outbox(of: "C1").map(\.status) == [.failed])
        #expect(store.book.invoices["F1"]?.level == 0, "not sent: the item stays where it was")
        app.handle(.enter); app.render()
        #expect(screen.text.contains("e-mail of 23/11/26 failed: 550 5.1.1"), "\(screen.text)")
        // The letter instead: l records it sent (posted by the collector).
        app.handle(.escape); app.render(); app.handle(.end); app.handle(.character("s")); app.handle(.character("l")); app.render()
        #expect(screen.text.contains("recorded as sent"), "\(screen.text)")
        #expect(store.book.invoices["F1"]?.level == 1)
    }

    @Test func theAccountShowsItsStatementAndESendsIt_aSalespersonOnlyReadsIt() throws {
        let store = try store()
        try store.commit(user: "helene", .upsertUser(user: User(id: "zoe", name: "Zoé Fontaine", role: .salesperson)))
        let (sales, salesScreen) = workstation(store, user: "zoe", today: today, rows: 30, columns: 100)
        sales.render(); sales.handle(.character("/")); for ch in "Soc" { sales.handle(.character(ch)) }; sales.handle(.enter)
        sales.handle(.character("S")); sales.render()
        #expect(salesScreen.text.contains("RELEVÉ DE COMPTE"), "\(salesScreen.text)")
        sales.handle(.character("e")); sales.render()
        #expect(store.book.outbox.isEmpty, "a salesperson sends nothing: \(salesScreen.text)")
        let (app, screen) = workstation(store, user: "amelie", today: today, rows: 30, columns: 100)
        let transport = TestTransport()
        app.session.mailTransport = transport
        app.render(); app.handle(.enter); app.handle(.character("S")); app.render()
        #expect(screen.text.contains("Statement of account") && screen.text.contains("RELEVÉ DE COMPTE au 23/11/2026"), "\(screen.text)")
        #expect(screen.text.contains("Facture F1 du 01/09/2026, échéance 01/10/2026 : 300,00 €, échue depuis 53 j"), "\(screen.text)")
        app.handle(.character("e")); app.render()
        #expect(screen.text.contains("Sent: statement of account to compta@chaudronnerie.example"), "\(screen.text)")
        #expect(transport.handed.count == 1 && store.book.outbox(of: "C1").first?.kind == .statement)
    }
}
