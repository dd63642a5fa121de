import Testing
import TestSupport
@testable import Receivables

/// Issue 17 (1, 2): money on account is in the figures, by hand:
/// C1: F1 8 000,00 € (issued 01/09, due 01/10), F2 4 000,00 € (issued 01/10, due 31/10); credit limit 10 000,00 €;
/// a payment of 3 000,00 € on 15/11 not lettered. At 23/11: open 12 000,00, on account 3 000,00, net 9 000,00.
/// Invoiced in the 90 days 25/08..23/11: 12 000,00 € -> DSO gross 12 000 / 12 000 x 90 = 90,0 days; net
/// 9 000 / 12 000 x 90 = 67,5 days. Exposure 9 000 / 10 000 = 90,0 % (gross 120 %: it was "over limit").
@Suite struct CashOnAccountTests {
    let today = Fixtures.date("2026-11-23")

    func book() throws -> Book {
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "8000.00"), ("F2", "2026-10-01", "2026-10-31", "4000.00")])
        try b.apply(.updateCustomer(id: "C1", patch: CustomerPatch(creditLimit: Fixtures.eur("10000.00"))))
        try b.apply(.recordPayment(payment: Payment(id: "P1", customerId: "C1", date: Fixtures.date("2026-11-15"), amount: Fixtures.eur("3000.00"), allocations: [])))
        return b
    }

    @Test func theAgedBalanceDsoAndExposureCountTheMoneyOnAccount() throws {
        let b = try book()
        let aged = Analytics.aged(b, today)
        let column = { (key: String) in aged.columns.firstIndex { $0.id == key }! }
        #expect(aged.total![column("total")] == .money(Fixtures.eur("12000.00")))
        #expect(aged.total![column("on_account")] == .money(Fixtures.eur("3000.00")))
        #expect(aged.total![column("net")] == .money(Fixtures.eur("9000.00")))
        let dso = Analytics.dso(b, today)
        #expect(dso.rows[0][1] == .tenths(900))
        #expect(dso.rows.first { $0[0] == .text("standard net") }?[1] == .tenths(675))
        #expect(AccountSummary(book: b, customerId: "C1", date: today).creditUsePermille == 900)
        #expect(Analytics.blocked(b, today).rows.allSatisfy { !$0[4].plain.contains("credit limit") })
        // Before the payment (14/11) the exposure was over the limit: 12 000 > 10 000.
        #expect(Analytics.blocked(b, Fixtures.date("2026-11-14")).rows.first?[4].plain.contains("over credit limit 10 000,00 € by 2 000,00 €") == true)
    }

    /// A disputed part is its own column: 1 500,00 € disputed on F1 from 20/11; not yet at 19/11.
    @Test func theDisputedShareIsAColumnAtItsDate() throws {
        var b = try book()
        try b.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [Allocation(invoice: "F1", amount: Fixtures.eur("1500.00"))],
                                                  reasonCode: "PRICE", ownerDepartment: "sales", openedOn: Fixtures.date("2026-11-20"), user: "amelie")))
        let column = { (t: ReportTable) in t.columns.firstIndex { $0.id == "disputed" }! }
        let now = Analytics.aged(b, today), before = Analytics.aged(b, Fixtures.date("2026-11-19"))
        #expect(now.total![column(now)] == .money(Fixtures.eur("1500.00")))
        #expect(before.total![column(before)] == .money(.zero))
    }

    /// Issue 17 (7): a customer is on the blocked list for lateness only when what is more than 60 days overdue reaches
    /// 500,00 € (policy `blockMinAmount`) or 10 % of its credit limit (`blockMinShareOfLimitPercent`). At 23/11 an item
    /// due 01/09 is 83 days late; one due 01/10, 53 days (not counted).
    @Test(arguments: [
        ("50.00", nil as String?, false),           // 50 € late: no longer listed (189 of 300 customers were)
        ("499.99", nil, false),
        ("500.00", nil, true),                     // the amount floor
        ("150.00", "1000.00", true),                // 15 % of a 1 000 € limit
        ("90.00", "1000.00", false),                // 9 %
    ])
    func theBlockedListNeedsAnAmountThatMatters(late: String, limit: String?, listed: Bool) throws {
        var b = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", late), ("F2", "2026-09-01", "2026-10-01", "20000.00")])
        try b.apply(.updateCustomer(id: "C1", patch: CustomerPatch(creditLimit: limit.map(Fixtures.eur) ?? Fixtures.eur("1000000.00"))))
        let rows = Analytics.blocked(b, today).rows
        #expect(rows.contains { $0[4].plain.contains("more than 60 days overdue") } == listed, "\(rows)")
    }

    /// A disputed part does not hold orders by itself: 600,00 € more than 60 days late of which 200,00 € disputed is
    /// 400,00 €, below the 500 € floor.
    @Test func aDisputedPartDoesNotPutACustomerOnTheBlockedList() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "600.00")])
        try b.apply(.updateCustomer(id: "C1", patch: CustomerPatch(creditLimit: Fixtures.eur("1000000.00"))))
        #expect(Analytics.blocked(b, today).rows.contains { $0[4].plain.contains("more than 60 days overdue") })
        try b.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [Allocation(invoice: "F1", amount: Fixtures.eur("200.00"))],
                                                  reasonCode: "PRICE", ownerDepartment: "sales", openedOn: Fixtures.date("2026-11-01"), user: "amelie")))
        #expect(!Analytics.blocked(b, today).rows.contains { $0[4].plain.contains("more than 60 days overdue") })
    }
}
