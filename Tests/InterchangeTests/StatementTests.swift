import Foundation
import Testing
import TestSupport
@testable import Interchange
import Receivables

/// Statements of account (issue 22, 4), against a book worked out by hand.
///
/// C1, as of 23/11/2026, period from 01/09/2026 (the default: the first day of the month two months before):
///   F1 1 000,00 € issued 01/08, due 31/08; P1 600,00 € on 20/08 lettered to it (before the period): open 400,00,
///      84 days late (30 in September + 31 in October + 23 in November).
///   F2 2 500,00 € issued 15/09, due 15/10; P2 1 000,00 € on 10/10 and a credit note P5 200,00 € on 05/11 lettered
///      to it: open 1 300,00, 39 days late (16 in October + 23).
///   F3 800,00 € issued 20/11, due 20/12: open 800,00, not due (-27 days).
///   F4 300,00 € issued 01/12: after the day, not on the statement.
///   P3 500,00 € on 10/11, not lettered: on account. P4 400,00 € on 25/11 to F1: after the day, F1 still 400,00.
/// Open 400 + 1 300 + 800 = 2 500,00; overdue 400 + 1 300 = 1 700,00; on account 500,00; balance 2 000,00.
/// Movements of the period, by date: P2 (10/10, payment, F2 1 000,00), P5 (05/11, credit note, F2 200,00),
/// P3 (10/11, payment, nothing settled). P1 is before the period, P4 after the day.
@Suite struct StatementTests {
    let asOf = Fixtures.date("2026-11-23")

    func book() throws -> Book {
        var b = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-08-31", "1000.00"), ("F2", "2026-09-15", "2026-10-15", "2500.00"),
                                         ("F3", "2026-11-20", "2026-12-20", "800.00"), ("F4", "2026-12-01", "2026-12-31", "300.00")])
        try Fixtures.pay(&b, "P1", on: "2026-08-20", [("F1", "600.00")])
        try Fixtures.pay(&b, "P2", on: "2026-10-10", [("F2", "1000.00")])
        try b.apply(.recordPayment(payment: Payment(id: "P3", customerId: "C1", date: Fixtures.date("2026-11-10"), amount: Fixtures.eur("500.00"), allocations: [])))
        try Fixtures.pay(&b, "P4", on: "2026-11-25", [("F1", "400.00")])
        var note = Payment(id: "P5", customerId: "C1", date: Fixtures.date("2026-11-05"), amount: Fixtures.eur("200.00"), reference: "AV-7",
                           allocations: [Allocation(invoice: "F2", amount: Fixtures.eur("200.00"))])
        note.creditNote = true
        try b.apply(.recordPayment(payment: note))
        return b
    }

    @Test func theOpenItemsMovementsAndBalanceAreTheHandMadeOnes() throws {
        let s = try #require(try book().statement(of: "C1", asOf: asOf))
        #expect(s.from == Fixtures.date("2026-09-01"))
        #expect(s.items.map(\.number) == ["F1", "F2", "F3"])
        #expect(s.items.map(\.open) == ["400.00", "1300.00", "800.00"].map(Fixtures.eur))
        #expect(s.items.map(\.daysLate) == [84, 39, -27])
        #expect(s.totalOpen == Fixtures.eur("2500.00") && s.overdue == Fixtures.eur("1700.00"))
        #expect(s.onAccount == Fixtures.eur("500.00") && s.balance == Fixtures.eur("2000.00"))
        #expect(s.movements.map(\.reference) == ["P2", "AV-7", "P3"])
        #expect(s.movements.map(\.kind) == [.payment, .creditNote, .payment])
        #expect(s.movements[0].settled.map(\.invoice) == ["F2"] && s.movements[0].settled.map(\.amount) == [Fixtures.eur("1000.00")])
        #expect(s.movements[2].settled.isEmpty)
        // Three days later P4 has settled F1: no longer an item; a period from 01/11 lists only what is in it.
        let later = try #require(try book().statement(of: "C1", asOf: Fixtures.date("2026-11-26"), from: Fixtures.date("2026-11-01")))
        #expect(later.items.map(\.number) == ["F2", "F3"])
        #expect(later.movements.map(\.reference) == ["AV-7", "P3", "P4"])
        #expect(try book().statement(of: "nobody", asOf: asOf) == nil)
    }

    @Test func theTextIsInTheCustomersLanguageAndTheCSVAndJSONCarryTheSameFigures() throws {
        var b = try book()
        let s = try #require(b.statement(of: "C1", asOf: asOf))
        let fr = try StatementWriter.text(s, book: b)
        #expect(fr.contains("RELEVÉ DE COMPTE au 23/11/2026"))
        #expect(fr.contains("Facture F2 du 15/09/2026, échéance 15/10/2026 : 1 300,00 € (sur 2 500,00 €), échue depuis 39 j"))
        #expect(fr.contains("Total restant dû : 2 500,00 € (dont échu : 1 700,00 €)"))
        #expect(fr.contains("Règlements non affectés : 500,00 €") && fr.contains("Solde en notre faveur : 2 000,00 €"))
        #expect(fr.contains("10/10/2026  Règlement P2 : 1 000,00 €, affecté à F2 (1 000,00 €)"))
        #expect(fr.contains("05/11/2026  Avoir AV-7 : 200,00 €, affecté à F2 (200,00 €)"))
        var english = b.customers["C1"]!
        english.language = "en"
        try b.apply(.upsertCustomer(customer: english))
        let en = try StatementWriter.text(s, book: b)
        #expect(en.contains("STATEMENT OF ACCOUNT as of 23 November 2026"))
        #expect(en.contains("Invoice F2 of 15 September 2026, due 15 October 2026: €1,300.00 (of €2,500.00), 39 days overdue"))
        #expect(en.contains("Balance due to us: €2,000.00"))
        let mail = MailRun.split(try StatementWriter.text(s, book: b, mail: true))
        #expect(mail.subject == "Statement of account as of 23 November 2026 — Société Générale de Chaudronnerie")
        #expect(!mail.body.hasPrefix("\n"))

        let csv = StatementWriter.csv(s).split(separator: "\n").map(String.init)
        #expect(csv.first == "section,date,reference,due_date,amount,open,settled,days_late,invoice")
        #expect(csv.contains("item,2026-09-15,F2,2026-10-15,2500.00,1300.00,,39,F2"))
        #expect(csv.contains("credit-note,2026-11-05,AV-7,,200.00,,200.00,,F2"))
        #expect(csv.contains("payment,2026-11-10,P3,,500.00,,,,"))
        #expect(csv.suffix(3) == ["total_open,2026-11-23,,,2500.00,,,,", "on_account,2026-11-23,,,500.00,,,,", "balance,2026-11-23,,,2000.00,,,,"])
        // A customer in credit: "in your favour", without a minus sign as well. P6 2 600,00 € on account: 2 500 − 3 100.
        var credit = b
        try credit.apply(.recordPayment(payment: Payment(id: "P6", customerId: "C1", date: Fixtures.date("2026-11-20"), amount: Fixtures.eur("2600.00"), allocations: [])))
        let inCredit = try StatementWriter.text(try #require(credit.statement(of: "C1", asOf: asOf)), book: credit)
        #expect(inCredit.contains("Balance in your favour: €600.00"), "\(inCredit)")
        let json = try JSONSerialization.jsonObject(with: Data(StatementWriter.json(s).utf8)) as! [String: Any]
        #expect(json["balance"] as? String == "2000.00" && json["total_open"] as? String == "2500.00" && json["on_account"] as? String == "500.00")
        #expect((json["items"] as? [[String: Any]])?.map { $0["open"] as? String } == ["400.00", "1300.00", "800.00"])
        #expect((json["movements"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["payment", "credit-note", "payment"])
    }
}
