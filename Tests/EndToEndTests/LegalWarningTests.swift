import Foundation
import Testing
import TestSupport

/// Issue 17 (4): what the Commercial Code does not allow (L441-10) is imported only when a supervisor confirms:
/// terms beyond 60 days from the invoice date or 45 days end of month, a contractual rate below three times the taux
/// de l'intérêt légal (here the policy's table for today: refused when the half-year is missing, nothing to compare).
@Suite struct LegalWarningTests {
    var relance: String { productsDirectory + "/relance" }
    func run(_ args: [String]) throws -> (Int32, String) { try Spawn.run(["timeout", "30", relance] + args) }

    @Test func termsTheLawDoesNotAllowNeedAConfirmation() throws {
        let dir = TempDirectory("legal"); defer { dir.remove() }
        let store = dir.file("s")
        let (i, it) = try run(["init", "--store", store, "--supervisor-login", "root", "--supervisor-id", "helene", "--legal-name", "Négoce Dupont SAS"])
        try #require(i == 0, "\(it)")
        let csv = dir.file("c.csv")
        try Data("id,name,payment_terms\nC1,Brasserie,60 jours date de facture\nC2,Scierie,90\nC3,Hôtel,60 jours fin de mois\n".utf8).write(to: URL(fileURLWithPath: csv))
        let journal = try Data(contentsOf: URL(fileURLWithPath: store + "/journal.jsonl"))
        let (s1, t1) = try run(["import", "customers", csv, "--store", store])
        #expect(s1 == 1, "\(t1)")
        #expect(t1.contains("c.csv:3: customer C2: payment terms of 90 days exceed the 60 days"), "\(t1)")
        #expect(t1.contains("c.csv:4: customer C3: payment terms of 60 days end of month exceed the 45 days end of month"), "\(t1)")
        #expect(!t1.contains("customer C1"), "\(t1)")
        #expect(t1.contains("--accept-warnings") && t1.contains("Nothing was changed."), "\(t1)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/journal.jsonl")) == journal)
        let (s2, t2) = try run(["import", "customers", csv, "--store", store, "--accept-warnings"])
        #expect(s2 == 0 && t2.contains("3 added"), "\(t2)")
    }
}
