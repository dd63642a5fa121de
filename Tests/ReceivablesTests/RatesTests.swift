import Testing
import TestSupport
@testable import Receivables

/// Rates rounded half-up everywhere, and the cash impact saying when it extrapolates (issue 10).
@Suite struct RatesTests {
    /// Two promises kept out of seven judged: 2/7 = 28.571 % shows as 28,6 % (it was truncated to 28,5 %).
    @Test func thePromiseKeptRateIsRoundedHalfUp() throws {
        var b = Fixtures.book(invoices: (1...7).map { ("F\($0)", "2026-09-01", "2026-10-01", "100.00") })
        for k in 1...7 {
            try b.apply(.makePromise(promise: Promise(id: "P\(k)", customerId: "C1", invoices: ["F\(k)"], amount: Fixtures.eur("100.00"),
                                                      promisedDate: Fixtures.date("2026-10-20"), madeOn: Fixtures.date("2026-10-10"), user: "amelie"), supersedes: []))
        }
        try Fixtures.pay(&b, "V1", on: "2026-10-20", [("F1", "100.00")])
        try Fixtures.pay(&b, "V2", on: "2026-10-20", [("F2", "100.00")])
        let t = Analytics.promises(b, Fixtures.date("2026-11-23"))
        let amelie = try #require(t.rows.first { $0[0].display.contains("Amélie") || $0[0].display == "amelie" })
        #expect(amelie.last?.display == "28,6 %", "\(amelie.map(\.display))")
    }

    /// A book holding invoices from 01/09 only: 84 days to 23/11; 8 400,00 invoiced, so one day = 100,00 (not
    /// 8 400 / 365 = 23,01), and the report says it extrapolates.
    @Test func cashImpactSaysWhenItExtrapolates() {
        let b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "4200.00"), ("F2", "2026-11-01", "2026-12-01", "4200.00")])
        let t = Analytics.cashImpact(b, Fixtures.date("2026-11-23"))
        #expect(t.rows[1][1] == .money(Fixtures.eur("100.00")), "\(t.rows)")
        #expect(t.notes.map(\.english).contains { $0.contains("extrapolated") && $0.contains("84 days") && $0.contains("under 12 months") })
    }
}

/// Found by an outside audit (issue 10): writing off a customer's debt made its payer profile look better, and a
/// 300-character legal name went into every letter.
@Suite struct AuditSmallTests {
    @Test func aWriteOffCountsAsTheLatestOfPayments() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-05-01", "2026-06-01", "1000.00"), ("F2", "2026-09-01", "2026-10-01", "1000.00")])
        try b.apply(.upsertUser(user: User(id: "helene", name: "Hélène", role: .supervisor)))
        try Fixtures.pay(&b, "V1", on: "2026-10-11", [("F2", "1000.00")])                       // 10 days late
        // F1 unpaid 175 days at 23/11: (1000 x 175 + 1000 x 10) / 2000 = 92.5 -> 93.
        #expect(b.payerProfile(of: "C1", asOf: Fixtures.date("2026-11-23"))?.averageDaysLate == 93)
        try b.applyNew(.decideLitigation(decision: LitigationDecision(id: "W1", customerId: "C1", invoices: ["F1"], date: Fixtures.date("2026-11-23"),
                                                                      user: "helene", outcome: .writeOff, reason: "liquidation")), by: Fixtures.supervisor)
        // Written off on 23/11, 175 days late: the same 93, not 10.
        #expect(b.payerProfile(of: "C1", asOf: Fixtures.date("2026-11-23"))?.averageDaysLate == 93)
    }

    @Test func namesAreTwoHundredCharactersAtMost() {
        var b = Fixtures.book(invoices: [])
        #expect(throws: DomainError.self) { try b.applyNew(.setCompany(company: CompanyProfile(legalName: String(repeating: "A", count: 300))), by: Fixtures.supervisor) }
        #expect(throws: DomainError.self) { try b.applyNew(.upsertCustomer(customer: Customer(id: "C9", name: String(repeating: "é", count: 201))), by: Fixtures.supervisor) }
        #expect(throws: Never.self) { try b.applyNew(.upsertCustomer(customer: Customer(id: "C9", name: String(repeating: "é", count: 200))), by: Fixtures.supervisor) }
    }
}

/// Second audit: a write-off more than a year old fell out of the profile, and the customer "paid on time".
@Suite struct OldWriteOffTests {
    @Test func anOldWriteOffStaysInTheProfile() throws {
        var b = Fixtures.book(invoices: [("W1", "2025-05-01", "2025-06-01", "10000.00")])
        try b.apply(.upsertUser(user: User(id: "helene", name: "Hélène", role: .supervisor)))
        try b.applyNew(.decideLitigation(decision: LitigationDecision(id: "W", customerId: "C1", invoices: ["W1"], date: Fixtures.date("2025-09-01"),
                                                                      user: "helene", outcome: .writeOff, reason: "liquidation")), by: Fixtures.supervisor)
        // Written off 92 days after its due date (01/06 -> 01/09/2025), still counted in November 2026.
        #expect(b.payerProfile(of: "C1", asOf: Fixtures.date("2026-11-23"))?.averageDaysLate == 92)
    }
}


/// A trial user typed 2026/12/05 and was told to write the year with 4 digits.
@Suite struct DateMessageTests {
    @Test func aYearFirstDateWithSlashesSaysWhichFormsAreRead() {
        do { _ = try CalendarDate.parse("2026/12/05"); Issue.record("accepted") } catch {
            #expect(error.message.contains("use 2026-12-03 or 03/12/2026"), "\(error.message)")
        }
    }
}
