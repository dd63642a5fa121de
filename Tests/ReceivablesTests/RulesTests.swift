import Foundation
import Testing
import TestSupport
@testable import Receivables

/// Issue 18 (5): each input rule written once, table-driven. Expected values are worked out by hand in the tables.
@Suite struct RulesTests {
    static let today = Fixtures.date("2026-11-23")

    @Test(arguments: [
        ("2026-11-22", true), ("2026-11-23", false), ("2026-11-24", false), ("1900-01-01", true), ("2199-12-31", false),
    ])
    func notInPast(date: String, refused: Bool) {
        #expect((Rules.notInPast(Fixtures.date(date), today: Self.today) != nil) == refused)
        #expect(Rules.notInPast(Fixtures.date(date), today: Self.today)?.subject ?? .date == .date)
    }

    @Test(arguments: [
        // (policy horizon in months, date, refused): 2026-11-23 + 12 months = 2027-11-23; + 18 months = 2028-05-23.
        (12, "2027-11-23", false), (12, "2027-11-24", true), (18, "2028-05-23", false), (18, "2028-05-24", true), (1, "2026-12-23", false),
        (1, "2026-12-24", true), (12, "2199-12-31", true),
    ])
    func withinHorizon(months: Int, date: String, refused: Bool) {
        var policy = Policy.standard
        policy.futureDateHorizonMonths = months
        #expect((Rules.withinHorizon(Fixtures.date(date), from: Self.today, policy: policy) != nil) == refused)
    }

    /// A book: F1 1 000,00 € open; F2 500,00 € with 200,00 € disputed; F3 paid in full.
    static func book() throws -> Book {
        var b = Fixtures.book(invoices: [("F1", "2026-10-01", "2026-11-01", "1000.00"), ("F2", "2026-10-01", "2026-11-01", "500.00"),
                                         ("F3", "2026-10-01", "2026-11-01", "300.00")])
        try b.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [Allocation(invoice: "F2", amount: Fixtures.eur("200"))],
                                                  reasonCode: "PRICE", ownerDepartment: "Sales", openedOn: today, user: "amelie")))
        try Fixtures.pay(&b, "P1", on: "2026-11-10", [("F3", "300.00")])
        return b
    }

    @Test(arguments: [
        // (amount, invoices, less disputed, the problem's words or nil)
        ("1500.00", ["F1", "F2"], false, nil), ("1500.01", ["F1", "F2"], false, "1 500,01 € is more than the 1 500,00 € open on the ticked invoices"),
        ("1300.00", ["F1", "F2"], true, nil),
        ("1300.01", ["F1", "F2"], true, "1 300,01 € is more than the 1 300,00 € open and not yet disputed on the ticked invoices"),
        ("1000.00", ["F1"], true, nil), ("0.01", ["F3"], false, "0,01 € is more than the 0,00 € open on the ticked invoices"),
        ("0", ["F1"], false, "must be above zero"), ("-5", ["F1"], false, "must be above zero"),
        ("1000000000.00", ["F1"], false, "is more than the 1 000,00 € open"),
    ] as [(String, [String], Bool, String?)])
    func withinOpen(amount: String, invoices: [String], lessDisputed: Bool, problem: String?) throws {
        let b = try Self.book()
        let got = Rules.withinOpen(try Money.parse(amount), on: invoices, in: b, lessDisputed: lessDisputed)
        if let problem { #expect(got?.message.contains(problem) == true, "\(String(describing: got))"); #expect(got?.subject == .amount) }
        else { #expect(got == nil) }
    }

    @Test(arguments: [
        ("552100554", true), ("552100555", false), ("55210055", false), ("5521005540", false), ("", false), ("123456789", false),
        ("５５２１００５５４", false), ("552 100 554", false), ("732829320", true),
    ])
    func siren(_ s: String, valid: Bool) {
        #expect((Rules.siren(s) == nil) == valid)
    }

    /// The book's promise rule follows the policy's horizon: a hard-coded 12 months refused a promise the policy
    /// (18 months) allows.
    @Test func aPromiseFollowsThePolicysHorizon() throws {
        var policy = Policy.standard
        policy.futureDateHorizonMonths = 18
        var b = Fixtures.book(invoices: [("F1", "2026-10-01", "2026-11-01", "1000.00")], policy: policy)
        let p = Promise(id: "PRM-1", customerId: "C1", invoices: ["F1"], amount: Fixtures.eur("500"), promisedDate: Fixtures.date("2028-02-23"),
                        madeOn: Self.today, contact: "Hélène", user: "amelie")
        try b.validate(promise: p)                                // 15 months ahead: within 18
        var late = p; late.promisedDate = Fixtures.date("2028-05-24")
        #expect(throws: DomainError.self) { try b.validate(promise: late) }
        var past = p; past.promisedDate = Fixtures.date("2026-11-22")
        do { try b.validate(promise: past); Issue.record("a promise in the past was taken") }
        catch { #expect("\(error)".contains("22/11/2026 is in the past")) }
        try b.applyNew(.makePromise(promise: p, supersedes: []), by: "amelie")
    }

    /// The dispute form and the book now agree: a part already disputed cannot be disputed again.
    @Test func aDisputeCountsWhatIsAlreadyDisputed() throws {
        let b = try Self.book()
        let d = Dispute(id: "D2", customerId: "C1", lines: [Allocation(invoice: "F2", amount: Fixtures.eur("300.01"))], reasonCode: "PRICE",
                        ownerDepartment: "Sales", openedOn: Self.today, user: "amelie")
        #expect(throws: DomainError.self) { try b.validate(dispute: d) }
        var ok = d; ok.lines = [Allocation(invoice: "F2", amount: Fixtures.eur("300.00"))]
        try b.validate(dispute: ok)
    }
}
