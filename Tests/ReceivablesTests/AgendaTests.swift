import Testing
import Wording
import TestSupport
@testable import Receivables

/// Agenda selection and order, each line explained by a policy step.
@Suite struct AgendaTests {
    let today = Fixtures.date("2026-11-23")

    func lines(_ book: Book) -> Agenda { Agenda(book: book, date: today, collector: "amelie") }

    /// (due date, amount, expected call step, expected written step) for one invoice issued 2026-11-02.
    @Test(arguments: [
        ("2026-12-07", "5000.00", "preventive-call", nil),          // large, due in 14 days: call before due
        ("2026-12-07", "4999.99", nil, "courtesy-reminder"),         // small: written reminder 14 days after issue (16/11)
        ("2026-12-08", "8000.00", nil, nil),                         // large, due in 15 days: nothing yet
        ("2026-11-22", "200.00", nil, "reminder-after-due"),         // 1 day overdue: reminder
        ("2026-11-15", "9000.00", "call-after-due", "reminder-after-due"), // 8 days overdue: call (and letter not sent)
    ] as [(String, String, String?, String?)])
    func stepsByAmountAndDueDate(due: String, amount: String, call: String?, written: String?) {
        let b = Fixtures.book(invoices: [("F1", "2026-11-02", due, amount)])
        let a = lines(b)
        #expect(a.calls.first?.reasons.map(\.step) == call.map { [$0] })
        #expect(a.written.first?.reasons.first?.step == written)
    }

    @Test func formalNoticeAndLitigationEscalateOneLevelAtATime() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-10-20", "300.00"), ("F2", "2026-08-01", "2026-09-20", "300.00")])
        // Never written to: the first reminder, however late (64 and 34 days).
        #expect(lines(b).written.flatMap { $0.reasons.map(\.step) } == ["reminder-after-due"])
        func send(_ step: String, _ invoices: [String], on date: String) throws {
            try b.applyNew(.logActivity(activity: Activity(id: "\(step)\(date)", at: "t", date: Fixtures.date(date), user: "amelie", customerId: "C1",
                                                           invoices: invoices, channel: step == "formal-notice" ? .formalNotice : .letter, step: step)), by: Fixtures.supervisor)
        }
        try send("reminder-after-due", ["F1", "F2"], on: "2026-10-25")
        try send("formal-notice", ["F1", "F2"], on: "2026-11-05")
        // At the top of the ladder, 60 days after due and 10 after the notice: F2's litigation review only.
        let w = lines(b).written
        #expect(w.map(\.channel) == [.litigationReview])
        #expect(w[0].reasons[0].invoices == ["F2"] && w[0].tier == 1)
    }

    @Test func oneLetterPerCustomerAndStepListingAllItsItems() {
        let b = Fixtures.book(invoices: [("F1", "2026-10-01", "2026-11-20", "100.00"), ("F2", "2026-10-02", "2026-11-21", "150.00")])
        let w = lines(b).written
        #expect(w.count == 1)
        #expect(w[0].reasons[0].invoices.sorted() == ["F1", "F2"])
        #expect(w[0].amountAtStake == Fixtures.eur("250.00"))
    }

    @Test func disputedAndPromisedItemsLeaveRemindersButStayVisible() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-10-01", "2026-11-20", "100.00"), ("F2", "2026-10-02", "2026-11-21", "150.00"),
                                         ("F3", "2026-10-02", "2026-11-21", "120.00")])
        try b.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [.init(invoice: "F1", amount: Fixtures.eur("100.00"))],
                                                  reasonCode: "PO_MISSING", ownerDepartment: "billing", openedOn: today, user: "amelie")))
        try b.apply(.makePromise(promise: Promise(id: "P1", customerId: "C1", invoices: ["F2"], amount: Fixtures.eur("150.00"),
                                                  promisedDate: Fixtures.date("2026-11-30"), madeOn: today, user: "amelie"), supersedes: []))
        #expect(lines(b).written.flatMap { $0.reasons[0].invoices } == ["F3"])
        let summary = AccountSummary(book: b, customerId: "C1", date: today)
        #expect(summary.items.count == 3)
        #expect(Set(summary.items.map(\.state)) == [.disputed, .promised, .overdue])
    }

    @Test func brokenPromiseComesFirstEvenWhenSmaller() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "300.00")])
        try b.apply(.upsertCustomer(customer: Customer(id: "C2", name: "Boulangeries Lefèvre", contacts: [Contact(name: "Zoé", phone: "02")], collector: "amelie")))
        try b.apply(.upsertInvoice(invoice: Invoice(number: "G1", customerId: "C2", issueDate: Fixtures.date("2026-08-01"),
                                                  dueDate: Fixtures.date("2026-09-01"), amount: Fixtures.eur("90000.00"))))
        #expect(lines(b).calls.map(\.customerId) == ["C2"])   // F1 small: letters only
        try b.apply(.makePromise(promise: Promise(id: "P1", customerId: "C1", invoices: ["F1"], amount: Fixtures.eur("300.00"),
                                                  promisedDate: Fixtures.date("2026-11-10"), madeOn: Fixtures.date("2026-11-01"), user: "amelie"), supersedes: []))
        let calls = lines(b).calls
        #expect(calls.map(\.customerId) == ["C1", "C2"])
        #expect(calls[0].reasons[0].step == "broken-promise")
        #expect(AgendaWording.detail(calls[0].reasons[0], book: b).contains("promised 300,00 €"))
        #expect(calls[0].contact?.phone == "01 23 45 67 89")
    }

    /// Issue 16 (4): a broken promise whose items were paid later, or that was followed up, leaves the top tier (one
    /// paid a month later still ranked above a 16 568,72 € item 204 days overdue, with 0,00 € at stake).
    @Test func aBrokenPromiseLeavesTheTopOncePaidOrFollowedUp() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "300.00"), ("F2", "2026-09-01", "2026-10-01", "200.00")])
        try b.apply(.upsertCustomer(customer: Customer(id: "C2", name: "Boulangeries Lefèvre", collector: "amelie")))
        try b.apply(.upsertInvoice(invoice: Invoice(number: "G1", customerId: "C2", issueDate: Fixtures.date("2026-04-01"),
                                                  dueDate: Fixtures.date("2026-05-03"), amount: Fixtures.eur("16568.72"))))
        try b.apply(.makePromise(promise: Promise(id: "P1", customerId: "C1", invoices: ["F1"], amount: Fixtures.eur("300.00"),
                                                  promisedDate: Fixtures.date("2026-10-15"), madeOn: Fixtures.date("2026-10-05"), user: "amelie"), supersedes: []))
        #expect(lines(b).calls.first?.customerId == "C1" && lines(b).calls.first?.tier == 0)   // broken, unpaid: on top
        // Paid a month later: F1 owes nothing; the promise is no longer news (F2 stays in dunning, by letter).
        try Fixtures.pay(&b, "V1", on: "2026-11-15", [("F1", "300.00")])
        #expect(lines(b).calls.map(\.customerId) == ["C2"], "\(lines(b).calls.map(\.reasons))")
        // Unpaid but followed up: a next action set after the deadline takes it off the top too.
        var c = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "300.00")])
        try c.apply(.makePromise(promise: Promise(id: "P1", customerId: "C1", invoices: ["F1"], amount: Fixtures.eur("300.00"),
                                                  promisedDate: Fixtures.date("2026-10-15"), madeOn: Fixtures.date("2026-10-05"), user: "amelie"), supersedes: []))
        #expect(lines(c).calls.first?.tier == 0)
        try c.apply(.logActivity(activity: Activity(id: "N1", at: "t", date: Fixtures.date("2026-11-02"), user: "amelie", customerId: "C1",
                                                    channel: .email, note: "relance écrite", nextActionDate: Fixtures.date("2026-12-15"))))
        #expect(!lines(c).calls.contains { $0.tier == 0 })
    }

    /// Issue 16 (1): a promise holds only what it covers. 1 000,50 € promised over F1 (600,00 €, the oldest) and F2
    /// (5 000,00 €): F1 is held whole, F2 for 400,50 €; F2's rest, 4 599,50 €, is still claimed (by letter: it is below
    /// the 5 000 € call threshold now), and F3 (6 000,00 €, not covered) keeps its overdue call.
    @Test func aPromiseHoldsOnlyWhatItCovers() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "600.00"), ("F2", "2026-08-15", "2026-09-15", "5000.00"),
                                         ("F3", "2026-09-01", "2026-10-01", "6000.00")])
        let covers = Promise.covers(Fixtures.eur("1000.50"), over: [("F1", Fixtures.eur("600.00")), ("F2", Fixtures.eur("5000.00")), ("F3", Fixtures.eur("6000.00"))])
        #expect(covers == [Allocation(invoice: "F1", amount: Fixtures.eur("600.00")), Allocation(invoice: "F2", amount: Fixtures.eur("400.50"))])
        try b.applyNew(.makePromise(promise: Promise(id: "P1", customerId: "C1", invoices: ["F1", "F2"], amount: Fixtures.eur("1000.50"),
                                                     promisedDate: Fixtures.date("2026-11-30"), madeOn: today, user: "amelie", covers: covers), supersedes: []), by: "amelie")
        #expect(b.promisedParts(of: "C1", asOf: today) == ["F1": Fixtures.eur("600.00"), "F2": Fixtures.eur("400.50")])
        let agenda = lines(b)
        // F3's call: 6 000,00 € at stake; F2's rest in the letter; F1 out of it.
        #expect(agenda.calls.first?.reasons.flatMap(\.invoices) == ["F3"])
        #expect(agenda.calls.first?.amountAtStake == Fixtures.eur("6000.00"))
        let letter = try #require(agenda.written.first)
        #expect(letter.reasons.flatMap(\.invoices).contains("F2") && !letter.reasons.flatMap(\.invoices).contains("F1"))
        // 400,50 € paid on F2: the promise's part of F2 is paid, F2's open 4 599,50 € is all claimed.
        try Fixtures.pay(&b, "V1", on: "2026-11-25", [("F2", "400.50")])
        #expect(b.promisedParts(of: "C1", asOf: Fixtures.date("2026-11-25")) == ["F1": Fixtures.eur("600.00"), "F2": .zero])
        // A promise whose parts do not add up, or exceed an invoice, is refused.
        #expect(throws: DomainError.self) {
            try b.applyNew(.makePromise(promise: Promise(id: "P2", customerId: "C1", invoices: ["F3"], amount: Fixtures.eur("100.00"),
                promisedDate: Fixtures.date("2026-11-30"), madeOn: today, user: "amelie", covers: [Allocation(invoice: "F3", amount: Fixtures.eur("90.00"))]), supersedes: []), by: "amelie")
        }
        #expect(throws: DomainError.self) {
            try b.applyNew(.makePromise(promise: Promise(id: "P2", customerId: "C1", invoices: ["F3"], amount: Fixtures.eur("7000.00"),
                promisedDate: Fixtures.date("2026-11-30"), madeOn: today, user: "amelie", covers: [Allocation(invoice: "F3", amount: Fixtures.eur("7000.00"))]), supersedes: []), by: "amelie")
        }
    }

    @Test func callsAreOrderedByAmountAtStakeWeightedByLateness() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-11-10", "10000.00")])     // 13 days late
        try b.apply(.upsertCustomer(customer: Customer(id: "C2", name: "B", collector: "amelie")))
        try b.apply(.upsertInvoice(invoice: Invoice(number: "G1", customerId: "C2", issueDate: Fixtures.date("2026-08-01"),
                                                  dueDate: Fixtures.date("2026-09-24"), amount: Fixtures.eur("6000.00"))))  // 60 days late
        let calls = lines(b).calls
        // 10000 x (1 + 13/30) = 14333 < 6000 x (1 + 60/30) = 18000
        #expect(calls.map(\.customerId) == ["C2", "C1"])
        #expect(calls[1].oldestDaysOverdue == 13)
    }

    @Test func aLoggedCallTakesTheCustomerOffUntilTheNextStep() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-11-10", "10000.00")])
        #expect(lines(b).calls.count == 1)
        try b.apply(.logActivity(activity: Activity(id: "A1", at: "x", date: today, user: "amelie", customerId: "C1", channel: .phone,
                                                    outcome: .reached, note: "will pay", nextActionDate: Fixtures.date("2026-11-26"))))
        #expect(lines(b).calls.isEmpty)
        let later = Agenda(book: b, date: Fixtures.date("2026-11-26"), collector: "amelie")
        #expect(later.calls.first?.reasons.map(\.step) == ["follow-up"])
    }

    @Test func undoneActionsRollOverAndAge() {
        let b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-11-10", "10000.00")])
        let a = Agenda(book: b, date: Fixtures.date("2026-11-25"), collector: "amelie")
        #expect(a.calls[0].reasons[0].since.iso == "2026-11-18")
        #expect(a.calls[0].age == 7)
    }

    @Test func disputeFollowUpAndCriticalZone() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-08-31", "700.00")])   // 114 days after issue
        try b.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [.init(invoice: "F1", amount: Fixtures.eur("700.00"))],
                                                  reasonCode: "QTY", ownerDepartment: "logistics", openedOn: Fixtures.date("2026-11-01"),
                                                  followUpDate: Fixtures.date("2026-11-20"), user: "amelie")))
        let call = lines(b).calls[0]
        #expect(call.reasons.map(\.step) == ["dispute-follow-up"])
        #expect(AgendaWording.detail(call.reasons[0], book: b).contains("22 days old"))
        #expect(call.critical)
        #expect(lines(b).written.isEmpty)
    }

    @Test func instalmentDueIsOnTheAgenda() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")])
        try b.apply(.createPlan(plan: PaymentPlan(id: "E1", customerId: "C1", invoices: ["F1"], createdOn: Fixtures.date("2026-11-01"),
            schedule: [.init(date: Fixtures.date("2026-11-01"), amount: Fixtures.eur("250.00")), .init(date: Fixtures.date("2026-11-23"), amount: Fixtures.eur("750.00"))],
            user: "amelie")))
        try Fixtures.pay(&b, "V1", on: "2026-11-01", [("F1", "250.00")])
        #expect(lines(b).calls.first?.reasons.map(\.step) == ["instalment-due"])
        #expect(lines(b).written.isEmpty)   // items in an active plan get no reminders
    }

    @Test func agendaFiltersByCollector() {
        let b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-11-10", "10000.00")])
        #expect(Agenda(book: b, date: today, collector: "benoit").lines.isEmpty)
        #expect(Agenda(book: b, date: today, collector: nil).calls.count == 1)
    }
}

@Suite struct ParetoTests {
    @Test func invoicesLargestFirstWithThe80PercentCut() {
        let b = Fixtures.book(invoices: [("A", "2026-10-01", "2026-11-01", "100.00"), ("B", "2026-10-01", "2026-11-01", "5000.00"),
                                         ("C", "2026-10-01", "2026-12-20", "2500.00"), ("D", "2026-10-01", "2026-11-01", "1400.00"),
                                         ("E", "2026-10-01", "2026-11-01", "1000.00")])
        let s = AccountSummary(book: b, customerId: "C1", date: Fixtures.date("2026-11-23"))
        #expect(s.items.map(\.invoice.number) == ["B", "C", "D", "E", "A"])
        #expect(s.items.map(\.cumulativePermille) == [500, 750, 890, 990, 1000])
        #expect(s.paretoCutIndex == 2)              // 89 % is the first at or above 80 %
        #expect(s.totalOpen == Fixtures.eur("10000.00"))
        #expect(s.overdue == Fixtures.eur("7500.00"))
        #expect(s.creditUsePermille == 200)
    }
}

/// A trial user called about a promise due today and the line stayed on the agenda.
@Suite struct PromiseDueCallTests {
    @Test func aCallAnswersAPromiseDueLine() throws {
        let today = Fixtures.date("2026-11-23")
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "9000.00")])
        try b.apply(.makePromise(promise: Promise(id: "P1", customerId: "C1", invoices: ["F1"], amount: Fixtures.eur("9000.00"),
                                                  promisedDate: Fixtures.date("2026-11-22"), madeOn: Fixtures.date("2026-11-10"), user: "amelie"), supersedes: []))
        #expect(Agenda(book: b, date: today, collector: nil).calls.first?.reasons.map(\.step) == ["promise-due"])
        try b.apply(.logActivity(activity: Activity(id: "C", at: "t", date: today, user: "amelie", customerId: "C1", channel: .phone, outcome: .noAnswer)))
        #expect(Agenda(book: b, date: today, collector: nil).calls.isEmpty)
    }
}
