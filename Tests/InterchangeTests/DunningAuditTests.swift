import Foundation
import Testing
import TestSupport
import DemoData
@testable import Simulation
@testable import Receivables
@testable import Interchange

/// The cases of the independent audit of the first landing (issue 10), on the demo stores it used
/// (`relance demo --seed 1` and `--seed 7`, today 23/11/2026).
@Suite struct DunningAuditTests {
    static let today = Fixtures.date("2026-11-23")
    static let seed1: Book = try! DemoGenerator(customers: 200, seed: 1, today: today).book()
    static let seed7: Book = try! DemoGenerator(customers: 200, seed: 7, today: today).book()
    var today: CalendarDate { Self.today }

    func send(_ book: inout Book, on date: CalendarDate) throws -> [LetterWriter.Letter] {
        let letters = try LetterWriter.letters(for: Agenda(book: book, date: date, collector: nil), book: book)
        for l in letters { for a in l.activities(user: "helene", date: date, at: "t", policy: book.policy) { try book.applyNew(.logActivity(activity: a), by: Fixtures.supervisor) } }
        return letters
    }

    /// C0097, C0002: items 50-120 days late, never written to: the first letter is the first reminder (level 1),
    /// not a formal notice saying "despite our reminders".
    @Test(arguments: ["C0097", "C0002"])
    func noLevelIsSkipped(customer: String) throws {
        let letters = try LetterWriter.letters(for: Agenda(book: Self.seed1, date: today, collector: nil), book: Self.seed1)
        let l = try #require(letters.first { $0.line.customerId == customer })
        #expect(l.step == "reminder-after-due" && !l.text.contains("MISE EN DEMEURE") && !l.text.contains("Malgré nos relances"))
        #expect(l.items.allSatisfy { $0.level <= 1 })
    }

    /// Seed 1, letters sent on 23/11: on 24/11 C0067 and C0184 get nothing (no level back, no courtesy letter on
    /// overdue items), and on 23/11 itself nobody got more than one letter (the audit: 20 customers got three).
    @Test func oneLetterADayAndNothingGoesBack() throws {
        var book = Self.seed1
        let first = try send(&book, on: today)
        #expect(Set(first.map(\.line.customerId)).count == first.count)
        let next = try LetterWriter.letters(for: Agenda(book: book, date: today.adding(days: 1), collector: nil), book: book)
        #expect(!next.contains { ["C0067", "C0184"].contains($0.line.customerId) })
        // C0184's overdue items never get a courtesy letter, whatever the day.
        for d in 1...40 {
            let date = today.adding(days: d)
            for l in try send(&book, on: date) where l.line.customerId == "C0184" {
                for (n, level) in l.items { #expect(level >= 1 || book.invoices[n]!.dueDate >= date, "\(date.iso) \(n) level \(level)") }
            }
        }
    }

    /// Seed 7, C0091: a 45 222,16 € invoice due 23/11 while a next action is set for 27/11: its preventive call
    /// is on the agenda (the hold would end after the due date).
    @Test func aPreventiveCallIsNeverHeldPastItsDueDate() throws {
        let book = Self.seed7
        #expect(book.digest(of: "C0091").lastScheduled?.nextActionDate == Fixtures.date("2026-11-27"))
        let call = try #require(Agenda(book: book, date: today, collector: nil).calls.first { $0.customerId == "C0091" })
        #expect(call.reasons.contains { $0.step == "preventive-call" && $0.invoices.contains("F26-001587") })
        #expect(book.openAmount("F26-001587") == Fixtures.eur("45222.16"))
    }

    /// Found by an outside audit: a next action a year away hid a 130 077 € item 117 days late for a year. A hold
    /// lasts at most `callEveryDays` after it was set.
    @Test func aFarNextActionHoldsCallsForFourteenDaysAtMost() throws {
        var book = Self.seed1
        try book.applyNew(.logActivity(activity: Activity(id: "FAR", at: "t", date: today, user: "amelie", customerId: "C0004", channel: .phone,
                                                          outcome: .reached, nextActionDate: Fixtures.date("2027-11-20"))), by: Fixtures.supervisor)
        func called(_ d: Int) -> Bool { Agenda(book: book, date: today.adding(days: d), collector: nil).calls.contains { $0.customerId == "C0004" } }
        #expect(!called(13) && called(14))
    }

    /// Seed 1, C0127: 30 807,88 € 110 days late, last called 10/11: the call comes back 14 days after (24/11),
    /// then every 14 days after each call.
    @Test func largeOverdueItemsComeBackForACallEveryFourteenDays() throws {
        var book = Self.seed1
        #expect(book.digest(of: "C0127").lastCall == Fixtures.date("2026-11-10"))
        func called(_ date: CalendarDate) -> Bool {
            Agenda(book: book, date: date, collector: nil).calls.first { $0.customerId == "C0127" }?.reasons.contains { $0.invoices.contains("F26-002109") } ?? false
        }
        var date = today.adding(days: 1)
        for round in 0..<4 {
            #expect(called(date), "round \(round): \(date.iso)")
            #expect(!called(date.adding(days: -1)) || round == 0, "round \(round): a day early")
            try book.applyNew(.logActivity(activity: Activity(id: "CALL\(round)", at: "t", date: date, user: "amelie", customerId: "C0127",
                                                              invoices: ["F26-002109"], channel: .phone, outcome: .noAnswer)), by: Fixtures.supervisor)
            #expect(!called(date.adding(days: 13)))
            date = date.adding(days: 14)
        }
    }

    /// Seed 1, C0004 with 3 000 € received on account: lettering comes first, the letter waits (it would have
    /// claimed the 1 830,57 € that the money covers).
    @Test func onAccountMoneyIsLetteredBeforeAnyLetter() throws {
        var book = Self.seed1
        try book.applyNew(.recordPayment(payment: Payment(id: "VIR-3000", customerId: "C0004", date: Fixtures.date("2026-11-20"),
                                                          amount: Fixtures.eur("3000.00"), allocations: [])), by: Fixtures.supervisor)
        let agenda = Agenda(book: book, date: today, collector: nil)
        #expect(!agenda.written.contains { $0.customerId == "C0004" })
        let call = try #require(agenda.calls.first { $0.customerId == "C0004" })
        #expect(call.reasons.first?.step == "on-account-credit")
    }

    /// A 2 000,00 € invoice due 01/09 (2026 H2: 12.15 %), 742,30 € credited on 01/10 after a price dispute, the rest
    /// (1 257,70 €) paid on 31/10. The credited amount was never owed: interest on 1 257,70 € for 60 days
    /// (02/09-31/10) = 125770 x 1215 x 60 / 3,650,000 = 2511.9 -> 25,12 €; counting the credit note as a late payment
    /// would add 74230 x 1215 x 30 / 3,650,000 = 7,41 €.
    @Test func creditedAmountsBearNoInterest() throws {
        var book = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "2000.00")])
        try book.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [Allocation(invoice: "F1", amount: Fixtures.eur("742.30"))],
                                                     reasonCode: "PRICE", ownerDepartment: "sales", openedOn: Fixtures.date("2026-09-10"), user: "amelie")))
        try book.apply(.updateDispute(update: DisputeUpdate(id: "D1", date: Fixtures.date("2026-10-01"), user: "amelie", status: .resolvedCreditNote,
                                                            creditNotes: [Allocation(invoice: "F1", amount: Fixtures.eur("742.30"))])))
        try book.apply(.recordPayment(payment: Payment(id: "P1", customerId: "C1", date: Fixtures.date("2026-10-31"), amount: Fixtures.eur("1257.70"),
                                                       allocations: [Allocation(invoice: "F1", amount: Fixtures.eur("1257.70"))])))
        let fees = book.lateFees("F1", asOf: Fixtures.date("2026-11-23"))
        #expect(fees.interest == Fixtures.eur("25.12"))
        #expect(fees.indemnity == Fixtures.eur("40.00") && fees.principal == .zero)
    }
}
