import Foundation
import Testing
import TestSupport
@testable import Interchange
@testable import Receivables

@Suite struct LetterTests {
    @Test func oneLetterPerCustomerAndStepWithItsItemsTotalAndLateFees() throws {
        var book = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-10-20", "300.00"), ("F2", "2026-08-15", "2026-10-21", "200.00"),
                                            ("F3", "2026-07-01", "2026-09-20", "150.00")])
        try book.apply(.upsertCustomer(customer: Customer(id: "C1", name: "Société Générale de Chaudronnerie",
            billingAddress: Address(street: "12 rue Pasteur", postalCode: "69002", city: "Lyon"),
            contacts: [Contact(name: "Hélène Martin")], collector: "amelie")))
        let agenda = Agenda(book: book, date: Fixtures.date("2026-11-23"), collector: "amelie")
        #expect(Set(agenda.written.map { $0.reasons[0].step }) == ["formal-notice", "litigation-review"])
        let letters = try LetterWriter.letters(for: agenda, book: book)
        #expect(letters.map(\.fileName) == ["2026-11-23-C1-formal-notice.txt"])     // the litigation review is internal
        let text = letters[0].text
        #expect(text.hasPrefix("Société Générale de Chaudronnerie\n12 rue Pasteur\n69002 Lyon\nÀ l'attention de Hélène Martin"))
        #expect(text.contains("MISE EN DEMEURE"))
        #expect(text.contains("Facture F1 du 01/08/2026, échéance 20/10/2026 : 300,00 €"))
        #expect(text.contains("Total dû : 500,00 €"))
        #expect(text.contains("Indemnités forfaitaires de recouvrement (art. L441-10 du Code de commerce) : 80,00 €"))
        #expect(text.contains("Amélie Rousseau"))
        #expect(!text.contains("{{"))
    }

    @Test func aMissingTemplateIsNamed() {
        let book = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-10-20", "300.00")])
        let agenda = Agenda(book: book, date: Fixtures.date("2026-11-23"), collector: nil)
        #expect(throws: DomainError.self) { try LetterWriter.letters(for: agenda, book: book, language: "de") }
    }
}
