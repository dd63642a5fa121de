import Foundation
import Testing
import TestSupport
@testable import Receivables

/// Late interest by half-year (issue 10), figures worked out by hand in the comments.
@Suite struct LateInterestTests {
    static let table = [HalfYearRate(year: 2026, half: 2, ecbPercent: "2.15"), HalfYearRate(year: 2027, half: 1, ecbPercent: "1.90")]

    func book(due: String, amount: String, rates: [HalfYearRate] = table, contractual: String? = nil) -> Book {
        var b = Fixtures.book(invoices: [("F1", "2026-10-01", due, amount)])
        b.policy.interestRates = rates
        if let contractual {
            var c = b.customers["C1"]!
            c.interestRatePercent = contractual
            try! b.apply(.upsertCustomer(customer: c))
        }
        return b
    }

    @Test(arguments: [
        // (due, amount, as of, table, contractual rate, interest or nil, missing half-year)
        // 16 days of 2026 H2 at 12.15 % and 20 days of 2027 H1 at 11.90 % on 10 000,00:
        // 1,000,000 x (1215 x 16 + 1190 x 20) / 3,650,000 = 11846.58 -> 118,47.
        ("2026-12-15", "10000.00", "2027-01-20", table, nil, "118.47", nil),
        // The same days with 2027 H1 missing from the table: unknown, never guessed.
        ("2026-12-15", "10000.00", "2027-01-20", [table[0]], nil, nil, "2027 H1"),
        // A contractual 9.5 % replaces the table: 1,000,000 x 950 x 36 / 3,650,000 = 9369.86 -> 93,70.
        ("2026-12-15", "10000.00", "2027-01-20", [], "9.5", "93.70", nil),
        // Not yet late on its due date.
        ("2026-12-15", "10000.00", "2026-12-15", table, nil, "0.00", nil),
        // One day: 1,000,000 x 1215 / 3,650,000 = 332.88 -> 3,33.
        ("2026-12-15", "10000.00", "2026-12-16", table, nil, "3.33", nil),
        // To the nearest cent: 1 234,56 x 12.15 % x 1 day = 123456 x 1215 / 3,650,000 = 41.096 -> 0,41.
        ("2026-12-15", "1234.56", "2026-12-16", table, nil, "0.41", nil),
    ] as [(String, String, String, [HalfYearRate], String?, String?, String?)])
    func interestAcrossHalfYears(due: String, amount: String, asOf: String, rates: [HalfYearRate], contractual: String?, interest: String?, missing: String?) {
        let b = book(due: due, amount: amount, rates: rates, contractual: contractual)
        let fees = b.lateFees("F1", asOf: Fixtures.date(asOf))
        #expect(fees.interest == interest.map(Fixtures.eur), "\(asOf)")
        #expect(fees.missingRate == missing)
    }

    /// 10 000,00 due 01/11, 4 000,00 paid on 11/11, as of 21/11 at 12.15 %: 10 days on 10 000 (02/11-11/11, the
    /// payment day still counts) and 10 days on 6 000: 1215 x (1,000,000 x 10 + 600,000 x 10) / 3,650,000 = 5326.03 -> 53,26.
    @Test func aPartPaymentLowersThePrincipalTheDayAfter() throws {
        var b = book(due: "2026-11-01", amount: "10000.00")
        try b.apply(.recordPayment(payment: Payment(id: "P1", customerId: "C1", date: Fixtures.date("2026-11-11"), amount: Fixtures.eur("4000.00"),
                                                    allocations: [Allocation(invoice: "F1", amount: Fixtures.eur("4000.00"))])))
        let fees = b.lateFees("F1", asOf: Fixtures.date("2026-11-21"))
        #expect(fees.interest == Fixtures.eur("53.26"))
        #expect(fees.principal == Fixtures.eur("6000.00"))
    }

    /// Paid on time, or entirely credited: no fees at all.
    @Test func paidOnTimeOrCreditedOwesNothing() throws {
        var b = book(due: "2026-11-01", amount: "500.00")
        try b.apply(.recordPayment(payment: Payment(id: "P1", customerId: "C1", date: Fixtures.date("2026-11-01"), amount: Fixtures.eur("500.00"),
                                                    allocations: [Allocation(invoice: "F1", amount: Fixtures.eur("500.00"))])))
        #expect(b.lateFees("F1", asOf: Fixtures.date("2026-11-21")) == .none)
        var c = book(due: "2026-11-01", amount: "500.00")
        try c.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [Allocation(invoice: "F1", amount: Fixtures.eur("500.00"))],
                                                  reasonCode: "PRICE", ownerDepartment: "sales", openedOn: Fixtures.date("2026-10-20"), user: "amelie")))
        try c.apply(.updateDispute(update: DisputeUpdate(id: "D1", date: Fixtures.date("2026-11-15"), user: "amelie", status: .resolvedCreditNote,
                                                         creditNotes: [Allocation(invoice: "F1", amount: Fixtures.eur("500.00"))])))
        #expect(c.lateFees("F1", asOf: Fixtures.date("2026-11-21")) == .none)
    }

    @Test func theShippedTableCoversTheDemoYears() {
        let p = Policy.standard
        #expect(p.legalRateBasisPoints(on: Fixtures.date("2026-11-23")) == 1215)
        #expect(p.legalRateBasisPoints(on: Fixtures.date("2024-03-01")) == 1450)
        #expect(p.legalRateBasisPoints(on: Fixtures.date("2027-01-01")) == nil)
    }
}

/// A store's own policy.json written before issue 10 (no ladder fields, no rate table, the single rate it had)
/// keeps opening, with the new fields' defaults and the shipped rate table.
@Suite struct OlderPolicyTests {
    @Test func aPolicyFromBeforeIssue10StillLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/policy/before-issue-10.json").path
        let data = try #require(FileManager.default.contents(atPath: path))
        let p = try Policy.load(data, source: path)
        #expect(p.minLetterIntervalDays == 10 && p.callIntervalDays == 14 && p.interestRates == nil)
        #expect(p.lateInterestAnnualRatePercent == "12.15")                  // read, no longer used
        #expect(p.legalRateBasisPoints(on: Fixtures.date("2026-11-23")) == 1215)   // the shipped table
        #expect(p.ladder.map(\.id) == ["reminder-after-due", "formal-notice"])
        #expect(p.preDueWrittenSteps.map(\.id) == ["courtesy-reminder"])
    }
}
