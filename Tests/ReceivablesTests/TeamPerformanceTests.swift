import Foundation
import Testing
import Receivables
import TestSupport

/// Issue 20: the dashboard's figures on a small book worked out by hand (the arithmetic is in the comments; the code
/// under test is not used to compute any expected value). As of Friday 20/11/2026; grace days 3 (the standard policy).
///
/// Customers and collectors: C1 amelie; C2 amelie until 09/11, then benoit (reassigned on 10/11); C3 benoit.
///
/// | item | customer | issued | due | amount | what happens |
/// |---|---|---|---|---|---|
/// | A1 | C1 | 01/09 | 01/10 | 1 000,00 | P1 pays 400,00 on 15/10 |
/// | A2 | C1 | 10/10 | 09/11 | 2 000,00 | open |
/// | A3 | C1 | 05/11 | 05/12 |   500,00 | open (not due on 20/11) |
/// | B1 | C2 | 20/08 | 19/09 | 3 000,00 | P2 pays it all on 20/10 |
/// | B2 | C2 | 25/10 | 24/11 | 1 200,00 | P4 pays 200,00 on 05/11 (C2 still amelie's) |
/// | D1 | C3 | 01/07 | 31/07 |   800,00 | written off on 31/10 |
/// | D2 | C3 | 01/11 | 01/12 |   600,00 | open; P3 100,00 received 15/11, not lettered (on account) |
///
/// Promises (judged at promised date + 3 days): PR1 C1 A1 400 for 12/10 made 01/10 → P1 on 15/10 ≤ 15/10: kept;
/// PR2 C2 B1 3 000 for 10/10 made 05/10 → paid 20/10 > 13/10: broken; PR3 C1 A2 1 000 for 10/11 made 01/11 → nothing:
/// broken; PR4 C2 B2 500 for 04/11 made 03/11 → 200 by 07/11: partly kept; PR5 C3 D2 100 for 14/11 made 12/11 by
/// benoit → P3 is not lettered to D2: broken; PR6 C2 B2 300 for 27/11 made 20/11 by benoit: open, made today.
@Suite struct TeamPerformanceTests {
    static let day = Fixtures.date("2026-11-20")

    func book() throws -> Book {
        var b = Fixtures.book(customer: "C1", name: "Alpha", invoices: [("A1", "2026-09-01", "2026-10-01", "1000.00"), ("A2", "2026-10-10", "2026-11-09", "2000.00"),
                                                                      ("A3", "2026-11-05", "2026-12-05", "500.00")])
        try b.apply(.upsertUser(user: User(id: "benoit", name: "Benoît Caron", role: .collector)))
        try b.apply(.upsertCustomer(customer: Customer(id: "C2", name: "Bêta", collector: "amelie")))
        try b.apply(.upsertCustomer(customer: Customer(id: "C3", name: "Gamma", collector: "benoit")))
        for (n, c, issue, due, amount) in [("B1", "C2", "2026-08-20", "2026-09-19", "3000.00"), ("B2", "C2", "2026-10-25", "2026-11-24", "1200.00"),
                                           ("D1", "C3", "2026-07-01", "2026-07-31", "800.00"), ("D2", "C3", "2026-11-01", "2026-12-01", "600.00")] {
            try b.apply(.upsertInvoice(invoice: Invoice(number: n, customerId: c, issueDate: Fixtures.date(issue), dueDate: Fixtures.date(due), amount: Fixtures.eur(amount))))
        }
        func promise(_ id: String, _ c: String, _ inv: String, _ amount: String, for day: String, made: String, by user: String = "amelie") throws {
            try b.apply(.makePromise(promise: Promise(id: id, customerId: c, invoices: [inv], amount: Fixtures.eur(amount), promisedDate: Fixtures.date(day),
                                                      madeOn: Fixtures.date(made), user: user), supersedes: []))
        }
        try promise("PR1", "C1", "A1", "400.00", for: "2026-10-12", made: "2026-10-01")
        try promise("PR2", "C2", "B1", "3000.00", for: "2026-10-10", made: "2026-10-05")
        try promise("PR3", "C1", "A2", "1000.00", for: "2026-11-10", made: "2026-11-01")
        try promise("PR4", "C2", "B2", "500.00", for: "2026-11-04", made: "2026-11-03")
        try Fixtures.pay(&b, "P1", customer: "C1", on: "2026-10-15", [("A1", "400.00")])
        try Fixtures.pay(&b, "P2", customer: "C2", on: "2026-10-20", [("B1", "3000.00")])
        try b.apply(.decideLitigation(decision: LitigationDecision(id: "W1", customerId: "C3", invoices: ["D1"], date: Fixtures.date("2026-10-31"),
                                                                   user: Fixtures.supervisor, outcome: .writeOff, reason: "liquidation")))
        try Fixtures.pay(&b, "P4", customer: "C2", on: "2026-11-05", [("B2", "200.00")])
        // C2 goes to benoit on 10/11.
        var t = AccountTerms(of: b.customers["C2"]!)
        t.collector = "benoit"
        try b.applyNew(try #require(try AccountControl.change(b.customers["C2"]!, to: t, reason: "rééquilibrage", by: Fixtures.supervisor,
                                                              at: "2026-11-10T08:00:00Z", date: Fixtures.date("2026-11-10"), id: "ACC")), by: Fixtures.supervisor)
        try promise("PR5", "C3", "D2", "100.00", for: "2026-11-14", made: "2026-11-12", by: "benoit")
        try b.apply(.recordPayment(payment: Payment(id: "P3", customerId: "C3", date: Fixtures.date("2026-11-15"), amount: Fixtures.eur("100.00"), allocations: [])))
        try promise("PR6", "C2", "B2", "300.00", for: "2026-11-27", made: "2026-11-20", by: "benoit")
        // amelie calls C1 today.
        try b.apply(.logActivity(activity: Activity(id: "CALL", at: "2026-11-20T09:00:00Z", date: Self.day, user: "amelie", customerId: "C1", channel: .phone, outcome: .reached)))
        return b
    }

    func rows() throws -> (amelie: TeamPerformance.Row, benoit: TeamPerformance.Row, team: TeamPerformance.Row) {
        let p = TeamPerformance(book: try book(), date: Self.day)
        #expect(p.rows.map(\.collector) == ["amelie", "benoit"])
        return (p.rows[0], p.rows[1], p.team)
    }

    /// CEI of October (the last full month; balances at 30/09 and 31/10, customers as held on 31/10: C1, C2 amelie's; C3 benoit's).
    /// amelie: opening A1 1 000 + B1 3 000 = 4 000; invoiced A2 2 000 + B2 1 200 = 3 200; closing A1 600 + A2 2 000 + B2 1 200 = 3 800,
    /// of which not due on 31/10 A2 + B2 = 3 200 → (4 000 + 3 200 − 3 800) / (4 000 + 3 200 − 3 200) = 3 400 / 4 000 = 85,0 %.
    /// benoit: opening D1 800, nothing invoiced, closing 0 (written off on 31/10, not collected) → (800 − 0 − 800) / 800 = 0,0 %.
    /// team: (4 800 + 3 200 − 3 800 − 800) / (4 800 + 3 200 − 3 200) = 3 400 / 4 800 = 70,83 % → 70,8 %.
    @Test func theCEIOfTheLastFullMonthDoesNotCountAWriteOffAsCollected() throws {
        let (a, b, team) = try rows()
        #expect(a.cei.month == Fixtures.date("2026-10-01"))
        #expect(a.cei.value == 850)
        #expect(b.cei.value == 0)
        #expect(team.cei.value == 708)
    }

    /// DSO, BPDSO and ADD on 20/11 (90 days: invoices issued 23/08..20/11; customers as held on 20/11: C1 amelie's, C2 and C3 benoit's).
    /// amelie: open A1 600 + A2 2 000 + A3 500 = 3 100, invoiced A1 + A2 + A3 = 3 500, not due A3 500:
    ///   DSO 3 100 / 3 500 × 90 = 79,71 → 79,7; BPDSO 500 / 3 500 × 90 = 12,86 → 12,9; ADD 66,8.
    /// benoit: open B2 1 000 + D2 600 = 1 600, on account 100, invoiced B2 1 200 + D2 600 = 1 800 (B1 and D1 are older),
    ///   not due 1 600: DSO (1 600 − 100) / 1 800 × 90 = 75,0; BPDSO 1 600 / 1 800 × 90 = 80,0; ADD −5,0 (money on account).
    /// team: DSO (4 700 − 100) / 5 300 × 90 = 78,11 → 78,1; BPDSO 2 100 / 5 300 × 90 = 35,66 → 35,7; ADD 42,4.
    @Test func dsoBestPossibleDsoAndDaysDelinquentFollowTodaysAssignment() throws {
        let (a, b, team) = try rows()
        #expect((a.dso, a.bpdso, a.add) == (797, 129, 668))
        #expect((b.dso, b.bpdso, b.add) == (750, 800, -50))
        #expect((team.dso, team.bpdso, team.add) == (781, 357, 424))
        #expect(a.overdue == Fixtures.eur("2600.00") && b.overdue == .zero && team.overdue == Fixtures.eur("2600.00"))
    }

    /// Kept rates over the 90 days (deadlines 23/08..19/11), for who held the customer when the promise was made.
    /// amelie: PR1 kept, PR2, PR3 broken, PR4 partly → by count 1 / 4 = 25,0 %; by amount (400 + 0 + 0 + 200) / (400 + 3 000 + 1 000 + 500)
    ///   = 600 / 4 900 = 12,24 → 12,2 %. benoit: PR5 broken → 0,0 % and 0,0 %. team: 1 / 5 = 20,0 %; 600 / 5 000 = 12,0 %.
    @Test func keptRatesByCountAndByAmount() throws {
        let (a, b, team) = try rows()
        #expect((a.keptRateCount, a.keptRateAmount) == (250, 122))
        #expect((b.keptRateCount, b.keptRateAmount) == (0, 0))
        #expect((team.keptRateCount, team.keptRateAmount) == (200, 120))
    }

    /// Today's work and the month's cash: amelie called C1 (1 done); benoit took PR6 (1 promise, 300,00). Cash from 01/11:
    /// P4 200 on 05/11 (C2 was amelie's), P3 100 on 15/11 (benoit's) → 200 and 100, team 300. Accounts today: amelie 1, benoit 2.
    @Test func todaysCallsPromisesAndTheMonthsCashGoToWhoHeldTheAccountThatDay() throws {
        let (a, b, team) = try rows()
        #expect(a.callsDone == 1 && b.callsDone == 0 && a.callsPlanned >= 1)
        #expect(a.promisesCount == 0 && b.promisesCount == 1 && b.promisesAmount == Fixtures.eur("300.00"))
        #expect(a.cashThisMonth == Fixtures.eur("200.00") && b.cashThisMonth == Fixtures.eur("100.00") && team.cashThisMonth == Fixtures.eur("300.00"))
        #expect((a.accounts, b.accounts, team.accounts) == (1, 2, 3))
    }

    /// The 12 month ends, oldest first, the last one the date itself. On 31/10 (C1 and C2 amelie's): open A1 600 + A2 2 000 + B2 1 200
    /// = 3 800; invoiced 03/08..31/10: A1 1 000 + A2 2 000 + B1 3 000 + B2 1 200 = 7 200 → DSO 3 800 / 7 200 × 90 = 47,5; A1 is 30 days
    /// late (1-30 bucket: 600), A2 and B2 not due. benoit on 31/10: C3 only, D1 written off that day: nothing open, nothing invoiced.
    @Test func theTwelveMonthTrendFollowsWhoHeldTheAccountsAtEachMonthEnd() throws {
        let (a, b, _) = try rows()
        #expect(a.trend.count == 12 && a.trend.last?.date == Self.day && a.trend[10].date == Fixtures.date("2026-10-31"))
        #expect(a.trend[0].date == Fixtures.date("2025-12-31"))
        #expect(a.trend.last?.dso == 797)
        #expect(a.trend[10].dso == 475)
        #expect(a.trend[10].buckets == [Fixtures.eur("3200.00"), Fixtures.eur("600.00"), .zero, .zero, .zero])
        #expect(b.trend[10].open == .zero && b.trend[10].dso == nil)
    }
}
