import Testing
import TestSupport
@testable import Receivables

/// Issue 17 (5): not every customer owes the same. Figures by hand, one invoice of 1 000,00 €:
/// - business, due 15/06/2025, at 15/07/2025: 15 days of H1 at ECB 3,15 + 10 = 13,15 %, 15 days of H2 at 12,15 %:
///   100 000 c x (1315 x 15 + 1215 x 15) / 3 650 000 = 1 039,73 -> 10,40 €; indemnity 40 €.
/// - public body, same: the ECB rate in force when interest started (16/06/2025: 3,15 %) + 8 = 11,15 % for all
///   30 days: 100 000 x 1115 x 30 / 3 650 000 = 916,44 -> 9,16 €; indemnity 40 € (D2192-35).
/// - consumer, due 01/07/2025, formal notice sent 01/08/2025, at 31/08/2025: the taux de l'intérêt légal for
///   consumers (2025 H2: 6,65 %) from 02/08, 30 days: 100 000 x 665 x 30 / 3 650 000 = 546,58 -> 5,47 €; no
///   indemnity (L111-8 CPCE); before any formal notice, no interest at all.
@Suite struct CustomerKindTests {
    func book(kind: Customer.Kind?, due: String, level: Int? = nil, dunned: String? = nil) throws -> Book {
        var b = Fixtures.book(invoices: [])
        try b.apply(.upsertCustomer(customer: Customer(id: "K", name: "Client", collector: "amelie", kind: kind)))
        try b.apply(.upsertInvoice(invoice: Invoice(number: "F", customerId: "K", issueDate: Fixtures.date("2025-05-01"), dueDate: Fixtures.date(due),
                                                    amount: Fixtures.eur("1000.00"), dunningLevel: level, lastDunned: dunned.map(Fixtures.date))))
        return b
    }

    @Test func businessAndPublicBody() throws {
        let business = try book(kind: nil, due: "2025-06-15").lateFees("F", asOf: Fixtures.date("2025-07-15"))
        #expect(business.interest == Fixtures.eur("10.40") && business.indemnity == Fixtures.eur("40.00"))
        let publicBody = try book(kind: .publicBody, due: "2025-06-15").lateFees("F", asOf: Fixtures.date("2025-07-15"))
        #expect(publicBody.interest == Fixtures.eur("9.16") && publicBody.indemnity == Fixtures.eur("40.00"))
    }

    @Test func consumer() throws {
        let noNotice = try book(kind: .consumer, due: "2025-07-01", level: 1, dunned: "2025-07-05").lateFees("F", asOf: Fixtures.date("2025-08-31"))
        #expect(noNotice.interest == .zero && noNotice.indemnity == .zero)
        let notice = try book(kind: .consumer, due: "2025-07-01", level: 2, dunned: "2025-08-01").lateFees("F", asOf: Fixtures.date("2025-08-31"))
        #expect(notice.interest == Fixtures.eur("5.47") && notice.indemnity == .zero)
        #expect(Customer.Kind.consumer.lapseYears == 2 && Customer.Kind.business.lapseYears == 5)
    }
}
