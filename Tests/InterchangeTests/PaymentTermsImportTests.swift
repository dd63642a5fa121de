import Foundation
import Testing
import TestSupport
@testable import Interchange
@testable import Receivables

/// Issue 17 (4): terms in the customer CSV (`payment_terms`), and a due date computed from them when an invoice
/// line leaves it empty.
@Suite struct PaymentTermsImportTests {
    @Test func termsAreImportedAndGiveTheDueDate() throws {
        var b = Fixtures.book(invoices: [])
        let today = Fixtures.date("2026-12-03")
        let customers = "id,name,collector,payment_terms\nC7,Brasserie de l'Écluse SARL,amelie,45 jours fin de mois\nC8,Hôpital Nord,amelie,60\n"
        try b.apply(try Importer.plan(.customers, data: Data(customers.utf8), file: "c.csv", book: b, user: "helene", today: today).change!)
        #expect(b.customers["C7"]?.terms == PaymentTerms(days: 45, rule: .endOfMonth))
        #expect(b.customers["C8"]?.terms == PaymentTerms(days: 60))
        // 31/01 + 45 days = 17/03, end of month: 31/03. 31/01 + 60 = 01/04. A due date given is kept.
        let invoices = "number,customer_id,issue_date,due_date,amount\nA1,C7,2026-01-31,,100.00\nA2,C8,2026-01-31,,100.00\nA3,C7,2026-01-31,2026-02-15,100.00\n"
        try b.apply(try Importer.plan(.invoices, data: Data(invoices.utf8), file: "i.csv", book: b, user: "helene", today: today).change!)
        #expect(b.invoices["A1"]?.dueDate == Fixtures.date("2026-03-31"))
        #expect(b.invoices["A2"]?.dueDate == Fixtures.date("2026-04-01"))
        #expect(b.invoices["A3"]?.dueDate == Fixtures.date("2026-02-15"))
        // A French postal code is five digits; abroad, the country says so.
        #expect { try Importer.plan(.customers, data: Data("id,name,street,postal_code,city\nC9,X,1 rue A,6900,Lyon\n".utf8), file: "a.csv", book: b, user: "helene", today: today) }
            throws: { "\($0)".contains("a.csv:2") && "\($0)".contains("is not a French postal code") }
        #expect(throws: Never.self) { try Importer.plan(.customers, data: Data("id,name,street,postal_code,city,country\nC9,X,1 High St,EC1A 1BB,London,United Kingdom\n".utf8), file: "a.csv", book: b, user: "helene", today: today) }
        // Terms not understood: the line and the words.
        let bad = "id,name,payment_terms\nC9,X,45 semaines\n"
        #expect { try Importer.plan(.customers, data: Data(bad.utf8), file: "c.csv", book: b, user: "helene", today: today) }
            throws: { "\($0)".contains("c.csv:2") && "\($0)".contains("payment terms '45 semaines' are not understood") }
    }
}

/// Issue 17 (4): a contractual rate below three times the taux de l'intérêt légal (2025 H2: 2,76 %, so 8,28 %).
@Suite struct ContractualRateFloorTests {
    @Test(arguments: [("8.00", true), ("8.28", false), ("12.00", false)])
    func aRateBelowTheFloorIsWarned(rate: String, warned: Bool) {
        let c = Customer(id: "C1", name: "X", interestRatePercent: rate)
        let w = Importer.legalWarnings(c, policy: .standard, today: Fixtures.date("2025-08-01"))
        #expect(w.contains { $0.contains("below three times the taux de l'intérêt légal (3 × 2.76 % = 8.28 %") } == warned, "\(w)")
    }
}
