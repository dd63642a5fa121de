import Foundation
import Testing
import TestSupport

/// Issue 17 (1), as an ERP export does it: a month's invoices imported, then that month's payments, one of them
/// lettered to an invoice issued after it. Aged at a date in between, the cash is on account, never lost.
@Suite struct LetteringDateTests {
    var relance: String { productsDirectory + "/relance" }
    func run(_ args: [String]) throws -> (Int32, String) { try Spawn.run(["timeout", "30", relance] + args) }

    @Test func aPaymentLetteredToALaterInvoiceIsOnAccountUntilItIsIssued() throws {
        let dir = TempDirectory("lettering"); defer { dir.remove() }
        let store = dir.file("s")
        let (i, it) = try run(["init", "--store", store, "--supervisor-login", "root", "--supervisor-id", "helene", "--legal-name", "Négoce Dupont SAS"])
        try #require(i == 0, "\(it)")
        let files = [
            ("customers", "id,name\nC1,Brasserie de l'Écluse SARL\n"),
            // F1 issued 01/02, F2 issued 18/02 (both 1 000,00 €).
            ("invoices", "number,customer_id,issue_date,due_date,amount\nF1,C1,2026-02-01,2026-03-03,1000.00\nF2,C1,2026-02-18,2026-03-20,1000.00\n"),
            // 08/02: 1 000,00 € lettered to F2, issued ten days later.
            ("payments", "date,customer_id,amount,reference,invoice_number\n2026-02-08,C1,1000.00,VIR-0208,F2\n"),
        ]
        for (kind, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: dir.file(kind + ".csv")))
            let (s, t) = try run(["import", kind, dir.file(kind + ".csv"), "--store", store])
            try #require(s == 0, "\(kind): \(t)")
        }
        func totalRow(_ day: String) throws -> [String] {
            let (s, t) = try run(["report", "aged", "--store", store, "--as-of", day, "--format", "csv"])
            try #require(s == 0, "\(t)")
            let lines = t.split(separator: "\n").map(String.init)
            let header = lines[0].split(separator: ",").map(String.init)
            let total = try #require(lines.last { $0.contains("TOTAL") }).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return ["total", "on_account", "net"].map { total[header.firstIndex(of: $0)!] }
        }
        // 10/02: F1 open (1 000,00), F2 not issued yet; the 1 000,00 € received is on account: net 0,00.
        #expect(try totalRow("2026-02-10") == ["1000.00", "1000.00", "0.00"])
        // 20/02: F2 issued and settled by the payment from 18/02; F1 still open.
        #expect(try totalRow("2026-02-20") == ["1000.00", "0.00", "1000.00"])
        let (c, ct) = try run(["check", "--store", store])
        #expect(c == 0, "\(ct)")
        #expect(ct.contains("payment") && ct.contains("is lettered to F2, issued 18/02/2026: it settles it from that date"), "\(ct)")
    }
}
