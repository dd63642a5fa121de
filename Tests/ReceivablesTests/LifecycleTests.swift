import Testing
import Wording
import TestSupport
@testable import Receivables

/// Promise states, payment plans, disputes and credit notes.
@Suite struct LifecycleTests {
    func book() -> Book {
        Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00"), ("F2", "2026-09-15", "2026-10-15", "500.00")])
    }

    func promise(_ amount: String = "1000.00", on day: String = "2026-11-20") -> Promise {
        Promise(id: "P1", customerId: "C1", invoices: ["F1"], amount: Fixtures.eur(amount), promisedDate: Fixtures.date(day),
                madeOn: Fixtures.date("2026-11-10"), user: "amelie")
    }

    /// (payments on F1 as (date, amount), evaluation date, expected state). Grace is 3 days: deadline 23/11.
    @Test(arguments: [
        ([("2026-11-23", "1000.00")], "2026-11-30", Promise.State.kept),          // exactly on the last grace day
        ([("2026-11-24", "1000.00")], "2026-11-30", .broken),                     // one day too late
        ([("2026-11-21", "400.00")], "2026-11-30", .partiallyKept),
        ([], "2026-11-23", .open),                                                // still within grace
        ([], "2026-11-24", .broken),
        ([("2026-11-12", "600.00"), ("2026-11-22", "400.00")], "2026-11-30", .kept), // two payments add up
    ] as [([(String, String)], String, Promise.State)])
    func promiseIsJudgedAtPromisedDatePlusGrace(payments: [(String, String)], at day: String, expected: Promise.State) throws {
        var b = book()
        try b.apply(.makePromise(promise: promise(), supersedes: []))
        for (i, (d, a)) in payments.enumerated() { try Fixtures.pay(&b, "V\(i + 1)", on: d, [("F1", a)]) }
        #expect(b.state(of: b.promises["P1"]!, asOf: Fixtures.date(day)) == expected)
    }

    @Test func paymentBeforeThePromiseDoesNotCountTowardsIt() throws {
        var b = book()
        try Fixtures.pay(&b, "V0", on: "2026-11-05", [("F1", "500.00")])
        try b.apply(.makePromise(promise: promise("500.00"), supersedes: []))
        #expect(b.state(of: b.promises["P1"]!, asOf: Fixtures.date("2026-11-30")) == .broken)
    }

    @Test func brokenPromiseCountsOnTheInvoice() throws {
        var b = book()
        try b.apply(.makePromise(promise: promise(), supersedes: []))
        #expect(b.brokenPromiseCount("F1", asOf: Fixtures.date("2026-11-23")) == 0)
        #expect(b.brokenPromiseCount("F1", asOf: Fixtures.date("2026-11-24")) == 1)
    }

    @Test(arguments: [("0.00", "must be above zero"), ("1000.01", "more than"), ("500.00", nil)] as [(String, String?)])
    func promiseAmountRules(amount: String, expected: String?) {
        let b = book()
        do {
            try b.validate(promise: promise(amount))
            #expect(expected == nil)
        } catch { #expect(expected.map { error.message.contains($0) } ?? false, "\(error.message)") }
    }

    @Test func promiseDateMustBeWithinAYear() {
        let b = book()
        var p = promise(on: "2027-11-11")
        #expect(throws: DomainError.self) { try b.validate(promise: p) }
        p.promisedDate = Fixtures.date("2026-11-09")
        #expect(throws: DomainError.self) { try b.validate(promise: p) }
    }

    @Test func supersededAndWithdrawnPromisesAreNotBroken() throws {
        var b = book()
        try b.apply(.makePromise(promise: promise(), supersedes: []))
        var second = promise(on: "2026-12-01"); second.id = "P2"
        try b.apply(.makePromise(promise: second, supersedes: ["P1"]))
        #expect(b.state(of: b.promises["P1"]!, asOf: Fixtures.date("2026-12-31")) == .superseded)
        try b.apply(.closePromise(id: "P2", closure: .withdrawn))
        #expect(b.state(of: b.promises["P2"]!, asOf: Fixtures.date("2026-12-31")) == .withdrawn)
    }

    // MARK: Plans

    @Test func planInstalmentsThatDoNotDivideEvenlySumExactly() throws {
        let lines = try PlanBuilder.schedule(total: Fixtures.eur("1000.00"), downPayment: Fixtures.eur("250.00"),
                                             downPaymentDate: Fixtures.date("2026-11-23"), count: 7, period: .monthly,
                                             firstInstalment: Fixtures.date("2026-12-23"))
        #expect(lines.count == 8)
        #expect(lines.sum(\.amount) == Fixtures.eur("1000.00"))
        #expect(lines[1].amount.cents == 10_715 && lines[7].amount.cents == 10_714)   // 750/7 = 107.142857...
    }

    @Test func monthlyPlanFromJanuary31HandlesLeapYearAndMonthEnds() throws {
        let lines = try PlanBuilder.schedule(total: Fixtures.eur("400.00"), downPayment: Fixtures.eur("100.00"),
                                             downPaymentDate: Fixtures.date("2028-01-15"), count: 3, period: .monthly,
                                             firstInstalment: Fixtures.date("2028-01-31"))
        #expect(lines.dropFirst().map(\.date.iso) == ["2028-01-31", "2028-02-29", "2028-03-31"])
        let weekly = try PlanBuilder.schedule(total: Fixtures.eur("400.00"), downPayment: Fixtures.eur("100.00"),
                                              downPaymentDate: Fixtures.date("2028-02-20"), count: 2, period: .weekly,
                                              firstInstalment: Fixtures.date("2028-02-27"))
        #expect(weekly.dropFirst().map(\.date.iso) == ["2028-02-27", "2028-03-05"])
    }

    @Test func planMustMatchTheInvoicesToTheCent() throws {
        let b = book()
        let schedule = try PlanBuilder.schedule(total: Fixtures.eur("1500.00"), downPayment: Fixtures.eur("300.00"),
                                                downPaymentDate: Fixtures.date("2026-11-23"), count: 3, period: .monthly,
                                                firstInstalment: Fixtures.date("2026-12-23"))
        var plan = PaymentPlan(id: "E1", customerId: "C1", invoices: ["F1", "F2"], createdOn: Fixtures.date("2026-11-23"), schedule: schedule, user: "amelie")
        try b.validate(plan: plan)
        plan.schedule[3].amount.cents -= 1
        #expect(throws: DomainError.self) { try b.validate(plan: plan) }
    }

    @Test func missedInstalmentPastGraceDefaultsThePlan() throws {
        var b = book()
        let schedule = try PlanBuilder.schedule(total: Fixtures.eur("1500.00"), downPayment: Fixtures.eur("300.00"),
                                                downPaymentDate: Fixtures.date("2026-11-23"), count: 3, period: .monthly,
                                                firstInstalment: Fixtures.date("2026-12-23"))
        try b.apply(.createPlan(plan: PaymentPlan(id: "E1", customerId: "C1", invoices: ["F1", "F2"], createdOn: Fixtures.date("2026-11-23"),
                                                  schedule: schedule, user: "amelie")))
        try Fixtures.pay(&b, "V1", on: "2026-11-24", [("F1", "300.00")])
        let plan = b.plans["E1"]!
        #expect(b.status(of: plan, asOf: Fixtures.date("2026-12-26")).state == .active)     // 23/12 + 3 days grace
        #expect(b.status(of: plan, asOf: Fixtures.date("2026-12-27")).state == .defaulted)
        try Fixtures.pay(&b, "V2", on: "2026-12-24", [("F1", "400.00")])
        #expect(b.status(of: plan, asOf: Fixtures.date("2026-12-27")).state == .active)
        try Fixtures.pay(&b, "V3", on: "2027-01-20", [("F1", "300.00"), ("F2", "100.00")])
        try Fixtures.pay(&b, "V4", on: "2027-02-20", [("F2", "400.00")])
        #expect(b.status(of: plan, asOf: Fixtures.date("2027-03-01")).state == .completed)
    }

    // MARK: Disputes and credit notes

    @Test func disputeOnPartOfAnInvoice() throws {
        var b = book()
        let d = Dispute(id: "D1", customerId: "C1", lines: [.init(invoice: "F1", amount: Fixtures.eur("200.00"))], reasonCode: "PRICE",
                        ownerDepartment: "sales", openedOn: Fixtures.date("2026-11-01"), user: "amelie")
        try b.apply(.openDispute(dispute: d))
        #expect(b.disputedAmount("F1") == Fixtures.eur("200.00"))
        var more = d; more.id = "D2"; more.lines = [.init(invoice: "F1", amount: Fixtures.eur("800.01"))]
        #expect(throws: DomainError.self) { try b.validate(dispute: more) }   // only 800.00 not yet disputed
        var unknown = d; unknown.id = "D3"; unknown.reasonCode = "NOPE"
        #expect(throws: DomainError.self) { try b.validate(dispute: unknown) }
    }

    @Test func creditNoteLargerThanTheDisputedAmountIsRefused() throws {
        var b = book()
        try b.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [.init(invoice: "F1", amount: Fixtures.eur("200.00"))],
                                                  reasonCode: "PRICE", ownerDepartment: "sales", openedOn: Fixtures.date("2026-11-01"), user: "amelie")))
        let tooMuch = DisputeUpdate(id: "D1", date: Fixtures.date("2026-11-10"), user: "helene", status: .resolvedCreditNote,
                                    creditNotes: [.init(invoice: "F1", amount: Fixtures.eur("200.01"))])
        #expect(throws: DomainError.self) { try b.apply(.updateDispute(update: tooMuch)) }
        #expect(b.disputes["D1"]!.status == .open)
        var ok = tooMuch; ok.creditNotes = [.init(invoice: "F1", amount: Fixtures.eur("150.00"))]
        try b.apply(.updateDispute(update: ok))
        #expect(b.openAmount("F1") == Fixtures.eur("850.00"))
        #expect(b.openAmount("F1", asOf: Fixtures.date("2026-11-09")) == Fixtures.eur("1000.00"))
        #expect(b.disputes["D1"]!.status == .resolvedCreditNote)
        #expect(b.disputedAmount("F1") == .zero)
        #expect(b.disputes["D1"]!.age(at: Fixtures.date("2026-12-31")) == 9)
    }

    @Test func disputeMovesThroughItsStates() throws {
        var b = book()
        try b.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [.init(invoice: "F2", amount: Fixtures.eur("500.00"))],
                                                  reasonCode: "PO_MISSING", ownerDepartment: "billing", openedOn: Fixtures.date("2026-11-01"), user: "amelie")))
        try b.apply(.updateDispute(update: DisputeUpdate(id: "D1", date: Fixtures.date("2026-11-02"), user: "amelie", status: .inProgress,
                                                         followUpDate: Fixtures.date("2026-11-09"), note: "PO asked to billing")))
        #expect(b.disputes["D1"]!.isActive)
        try b.apply(.updateDispute(update: DisputeUpdate(id: "D1", date: Fixtures.date("2026-11-05"), user: "amelie", status: .resolvedRejected, note: "PO found")))
        #expect(!b.disputes["D1"]!.isActive)
        #expect(throws: DomainError.self) {
            try b.apply(.updateDispute(update: DisputeUpdate(id: "D1", date: Fixtures.date("2026-11-06"), user: "amelie", status: .withdrawn)))
        }
    }

    // MARK: Lettering and late fees

    @Test func paymentGoesToTheNamedInvoiceThenOldestFirst() {
        let b = book()
        let byRef = Lettering.allocate(book: b, customerId: "C1", amount: Fixtures.eur("700.00"), invoiceNumber: nil, reference: "VIR F2 nov")
        #expect(byRef == [.init(invoice: "F2", amount: Fixtures.eur("500.00")), .init(invoice: "F1", amount: Fixtures.eur("200.00"))])
        let oldest = Lettering.allocate(book: b, customerId: "C1", amount: Fixtures.eur("1600.00"), invoiceNumber: nil, reference: nil)
        #expect(oldest == [.init(invoice: "F1", amount: Fixtures.eur("1000.00")), .init(invoice: "F2", amount: Fixtures.eur("500.00"))])
    }

    @Test func lateFeesIndemnityAndInterestAndWaiver() throws {
        var b = book()
        // 1000 € overdue 30 days at 12.15 %: 1000 x 0.1215 x 30/365 = 9.99 €
        let fees = b.lateFees("F1", asOf: Fixtures.date("2026-10-31"))
        #expect(fees.indemnity == Money(euros: 40))
        #expect(fees.interest == Fixtures.eur("9.99"))
        #expect(b.lateFees("F1", asOf: Fixtures.date("2026-10-01")) == .none)
        // paid on time: nothing
        try Fixtures.pay(&b, "V1", on: "2026-10-14", [("F2", "500.00")])
        #expect(b.lateFees("F2", asOf: Fixtures.date("2026-12-01")) == .none)
        try b.apply(.waiveLateFees(waiver: LateFeeWaiver(invoice: "F1", date: Fixtures.date("2026-11-01"), user: "helene", reason: "goodwill")))
        #expect(b.lateFees("F1", asOf: Fixtures.date("2026-10-31")).total == .zero)
        #expect(throws: DomainError.self) {
            try b.apply(.waiveLateFees(waiver: LateFeeWaiver(invoice: "F2", date: Fixtures.date("2026-11-01"), user: "helene", reason: " ")))
        }
    }

    @Test func batchIsAllOrNothing() {
        var b = book()
        #expect(throws: DomainError.self) {
            try b.apply(.batch(changes: [.upsertInvoice(invoice: Invoice(number: "F3", customerId: "C1", issueDate: Fixtures.date("2026-11-01"),
                                                                       dueDate: Fixtures.date("2026-12-01"), amount: Money(euros: 5))),
                                         .upsertInvoice(invoice: Invoice(number: "F4", customerId: "NOPE", issueDate: Fixtures.date("2026-11-01"),
                                                                       dueDate: Fixtures.date("2026-12-01"), amount: Money(euros: 5)))]))
        }
        #expect(b.invoices["F3"] == nil)
    }
}

@Suite struct PayerProfileTests {
    @Test func averageDaysLateWeightedByAmountWithTrend() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-05-01", "2026-06-01", "3000.00"), ("F2", "2026-06-01", "2026-07-01", "1000.00"),
                                         ("F3", "2026-09-01", "2026-10-01", "1000.00")])
        #expect(b.payerProfile(of: "C1", asOf: Fixtures.date("2026-05-20")) == nil)   // nothing paid, nothing late yet
        // Nothing paid yet, all three overdue at 23/11: (3000 x 175 + 1000 x 145 + 1000 x 53) / 5000 = 144.6 -> 145.
        let unpaid = try #require(b.payerProfile(of: "C1", asOf: Fixtures.date("2026-11-23")))
        #expect(unpaid.averageDaysLate == 145 && unpaid.unpaidOverdue == 3 && PayerProfileWording.summary(unpaid) == "pays 145 d late, 3 unpaid late")
        try Fixtures.pay(&b, "V1", on: "2026-06-11", [("F1", "3000.00")])   // 10 days late
        try Fixtures.pay(&b, "V2", on: "2026-07-31", [("F2", "1000.00")])   // 30 days late
        try Fixtures.pay(&b, "V3", on: "2026-11-09", [("F3", "1000.00")])   // 39 days late, in the last 90 days
        let p = try #require(b.payerProfile(of: "C1", asOf: Fixtures.date("2026-11-23")))
        // (3000 x 10 + 1000 x 30 + 1000 x 39) / 5000 = 19.8 → 20; before: (30000 + 30000) / 4000 = 15; trend 39 - 15 = 24
        #expect(p.averageDaysLate == 20)
        #expect(p.payments == 3)
        #expect(p.trend == 24)
        #expect(PayerProfileWording.summary(p) == "pays 20 d late (trend +24 d)")
    }
}
