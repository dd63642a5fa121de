import Foundation
import Testing
import Receivables
import TestSupport

/// Issue 20: the provision for doubtful receivables by age and the write-offs by month, on a book worked out by hand.
/// As of 20/11/2026, the standard rates (not due 0 %, 1-90 days 0 %, 91-180 25 %, 181-360 50 %, over 360 100 %,
/// handed over 100 %).
///
/// | item | due | amount incl. VAT | excl. VAT | paid | open | days late | bucket | base | provision |
/// |---|---|---|---|---|---|---|---|---|---|
/// | A | 12/08/2026 | 1 200 | 1 000 | — | 1 200 | 100 | 91-180 | 1 000 (excl.) | 25 % = 250 |
/// | B | 04/05/2026 | 600 | — | 300 | 300 | 200 | 181-360 | 300 (incl., estimate) | 50 % = 150 |
/// | C | 01/10/2026 | 500 | — | — | 500 | handed over to an agency on 15/11 | litigation | 500 | 100 % = 500 |
/// | D | 01/12/2026 | 1 000 | — | — | 1 000 | not due | not due | 1 000 | 0 |
/// | E | 15/10/2025 | 240 | 200 | 120 | 120 | 401 | over 360 | 120 × 200 / 240 = 100 (excl.) | 100 % = 100 |
/// | F | 01/01/2026 | 700 | — | — | written off 31/10 ("liquidation") | | | | |
/// | G | 01/02/2026 | 300 | — | — | written off 31/10 ("liquidation") | | | | |
///
/// Total provision 250 + 150 + 500 + 100 = 1 000; base excl. VAT 1 100, incl. VAT 1 800. Write-offs: 2026-10, liquidation, 2 items, 1 000.
@Suite struct ProvisionsTests {
    func book() throws -> Book {
        var b = Fixtures.book(invoices: [])
        for (n, due, amount, ht) in [("A", "2026-08-12", "1200.00", "1000.00"), ("B", "2026-05-04", "600.00", ""), ("C", "2026-10-01", "500.00", ""),
                                     ("D", "2026-12-01", "1000.00", ""), ("E", "2025-10-15", "240.00", "200.00"), ("F", "2026-01-01", "700.00", ""),
                                     ("G", "2026-02-01", "300.00", "")] {
            let d = Fixtures.date(due)
            var inv = Invoice(number: n, customerId: "C1", issueDate: d.adding(days: -30), dueDate: d, amount: Fixtures.eur(amount))
            if !ht.isEmpty { inv.amountExclVat = Fixtures.eur(ht) }
            try b.apply(.upsertInvoice(invoice: inv))
        }
        try Fixtures.pay(&b, "P1", on: "2026-06-01", [("B", "300.00"), ("E", "120.00")])
        try b.apply(.decideLitigation(decision: LitigationDecision(id: "L1", customerId: "C1", invoices: ["C"], date: Fixtures.date("2026-11-15"),
                                                                   user: Fixtures.supervisor, outcome: .collectionAgency)))
        try b.apply(.decideLitigation(decision: LitigationDecision(id: "W1", customerId: "C1", invoices: ["F", "G"], date: Fixtures.date("2026-10-31"),
                                                                   user: Fixtures.supervisor, outcome: .writeOff, reason: "liquidation")))
        return b
    }

    func money(_ c: ReportTable.Cell) -> Money? { if case .money(let m) = c { m } else { nil } }

    @Test func theProvisionByAgeIsOnTheAmountExcludingVATWhereKnown() throws {
        let t = Analytics.provisions(try book(), Fixtures.date("2026-11-20"))
        #expect(t.rows.map { $0[0].plain } == ["not due", "1-90", "91-180", "181-360", "over 360", "litigation"])
        #expect(t.rows.map { money($0[6]) } == [.zero, .zero, Fixtures.eur("250.00"), Fixtures.eur("150.00"), Fixtures.eur("100.00"), Fixtures.eur("500.00")])
        #expect(t.rows.map { money($0[3]) } == [.zero, .zero, Fixtures.eur("1000.00"), .zero, Fixtures.eur("100.00"), .zero])
        let total = try #require(t.total)
        #expect(money(total[6]) == Fixtures.eur("1000.00"))
        #expect(money(total[3]) == Fixtures.eur("1100.00") && money(total[4]) == Fixtures.eur("1800.00"))
        #expect(t.notes.contains { $0.english.contains("estimate incl. VAT: 1 800,00 €") })
    }

    @Test func aStoresOwnRatesApplyAndOutOfRangeRatesAreRefused() throws {
        var b = try book()
        var p = b.policy
        p.provisionPercent = ProvisionPercent(notDue: 0, upTo90Days: 10, upTo180Days: 50, upTo360Days: 50, over360Days: 100, litigation: 80)
        try b.apply(.setPolicy(policy: p, user: Fixtures.supervisor, at: "2026-11-20T08:00:00Z"))
        // 91-180: 1 000 × 50 % = 500; 181-360: 150; over 360: 100; litigation: 500 × 80 % = 400 → 1 150.
        #expect(money(try #require(Analytics.provisions(b, Fixtures.date("2026-11-20")).total)[6]) == Fixtures.eur("1150.00"))
        p.provisionPercent?.litigation = 101
        #expect(throws: DomainError.self) { try b.apply(.setPolicy(policy: p, user: Fixtures.supervisor, at: "2026-11-20T08:00:00Z")) }
    }

    @Test func writeOffsByMonthWithTheirReasons() throws {
        let t = Analytics.writeOffs(try book(), Fixtures.date("2026-11-20"))
        #expect(t.rows.count == 1)
        #expect(t.rows[0][0].plain == "2026-10" && t.rows[0][1].plain == "liquidation" && t.rows[0][2] == .int(2) && money(t.rows[0][3]) == Fixtures.eur("1000.00"))
        // Before the decision, nothing.
        #expect(Analytics.writeOffs(try book(), Fixtures.date("2026-10-30")).rows.isEmpty)
    }
}
