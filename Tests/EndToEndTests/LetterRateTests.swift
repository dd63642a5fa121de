import Foundation
import Testing
import TestSupport
import FileStore
import Receivables

/// Issue 17 (3), as a run of the binary: a formal notice says the rate it applied. A customer with a contractual
/// rate of 12,00 % was told the penalties ran "au taux légal (taux de refinancement de la BCE majoré de 10 points)"
/// while 12 % was computed; and ECB + 10 points is not the "taux légal" (another rate).
@Suite struct LetterRateTests {
    var relance: String { productsDirectory + "/relance" }

    @Test func aFormalNoticeStatesTheRateItApplied() throws {
        let dir = TempDirectory("rate"); defer { dir.remove() }
        var book = Fixtures.book(invoices: [])
        try book.apply(.setCompany(company: CompanyProfile(legalName: "Négoce Dupont SAS", signatory: "Hélène Dupré, responsable du recouvrement")))
        for (id, rate) in [("C2", "12.00" as String?), ("C3", nil)] {
            try book.apply(.upsertCustomer(customer: Customer(id: id, name: "Client \(id)", billingAddress: Address(street: "1 rue du Port", postalCode: "69002", city: "Lyon"),
                                                              collector: "amelie", interestRatePercent: rate)))
            // Level 1 (the reminder after due) sent on 05/09: the formal notice is due at 30 days overdue.
            try book.apply(.upsertInvoice(invoice: Invoice(number: "F-\(id)", customerId: id, issueDate: Fixtures.date("2026-08-01"), dueDate: Fixtures.date("2026-09-01"),
                                                            amount: Fixtures.eur("1000.00"), dunningLevel: 1, lastDunned: Fixtures.date("2026-09-05"))))
        }
        let store = dir.file("s")
        _ = try JSONFileStore.create(directory: store, book: book)
        let (s, t) = try Spawn.run(["timeout", "30", relance, "letters", "--store", store, "--out", dir.file("out"), "--date", "2026-11-23", "--user", "amelie"])
        try #require(s == 0, "\(t)")
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.file("out")).first)
        func letter(_ id: String) throws -> String {
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.file("out/" + folder)).first { $0.contains(id) })
            return try String(contentsOfFile: dir.file("out/\(folder)/\(name)"), encoding: .utf8)
        }
        let contractual = try letter("C2")
        #expect(contractual.contains("MISE EN DEMEURE") || contractual.contains("mise en demeure"), "\(contractual)")
        #expect(contractual.contains("au taux contractuel de 12,00 % l'an"), "\(contractual)")
        #expect(!contractual.contains("BCE") && !contractual.contains("taux légal"), "\(contractual)")
        let legal = try letter("C3")
        // 2026 H2: ECB 2,15 % + 10 points = 12,15 %.
        #expect(legal.contains("au taux de la BCE majoré de 10 points (art. L441-10 du Code de commerce), celui de\nchaque semestre de retard (12,15 % l'an pour le second semestre 2026)"), "\(legal)")
        #expect(!legal.contains("taux légal"), "\(legal)")
    }
}
