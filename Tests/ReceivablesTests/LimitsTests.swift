import Testing
import TestSupport
@testable import Receivables

/// No trap, ever, on any data (issue 9): amounts and dates at the limits, in what the doors accept and in what an
/// older store may already hold.
@Suite struct LimitsTests {
    @Test func moneySaturatesInsteadOfTrapping() {
        let max = Money(cents: .max), min = Money(cents: .min)
        #expect(max + Money(cents: 1) == max)
        #expect(min - Money(cents: 1) == min)
        #expect(min + min == min)
        #expect(-min == max)
        #expect(max.times(365) == max)
        #expect(min.times(2) == min)
        #expect(max.times(-2) == min)
        #expect(Money(cents: 1_000).times(-3) == Money(cents: -3_000))
        #expect(max.scaled(by: .max, over: 1) == max)
        #expect(Money(cents: 10).permille(of: Money(cents: 3)) == 3333)
        #expect(max.permille(of: Money(cents: 1)) == Int.max)
    }

    @Test(arguments: [("1 000 000 000,00", true), ("1000000000.00", true), ("-1 000 000 000,00", true),
                      ("1 000 000 000,01", false), ("9999999999999.99", false), ("999 999 999 999", false)])
    func amountsBeyondTheLimitAreRefusedAtTheDoor(text: String, accepted: Bool) {
        let parsed = try? Money.parse(text)
        #expect((parsed != nil) == accepted, "\(text)")
        if !accepted { #expect(throws: ParseError.self) { try Money.parse(text) } }
    }

    @Test(arguments: [("1900-01-01", true), ("2199-12-31", true), ("1899-12-31", false), ("2200-01-01", false),
                      ("31/12/9999", false), ("0001-01-01", false)])
    func datesOutsideTheSupportedYearsAreRefusedAtTheDoor(text: String, accepted: Bool) {
        #expect(((try? CalendarDate.parse(text)) != nil) == accepted, "\(text)")
    }

    @Test func dateArithmeticNeverTraps() {
        let last = CalendarDate(year: 9999, month: 12, day: 31)!
        #expect(last.adding(months: 1).dayNumber == last.dayNumber + 31)
        #expect(last.adding(months: 120).year == 10009)
        #expect(CalendarDate(year: 1, month: 1, day: 1)!.adding(months: -13).year == -1)
        #expect(CalendarDate(dayNumber: .max).adding(days: 1).dayNumber == .min)   // wraps, never traps
    }

    @Test func theDomainRefusesAmountsAndDatesOutsideTheLimits() {
        var b = Fixtures.book(invoices: [])
        #expect(throws: DomainError.self) {
            try b.applyNew(.upsertInvoice(invoice: Invoice(number: "X", customerId: "C1", issueDate: Fixtures.date("2026-01-01"),
                                                        dueDate: Fixtures.date("2026-02-01"), amount: Money(cents: 100_000_000_001))), by: Fixtures.supervisor)
        }
        #expect(throws: DomainError.self) {
            try b.applyNew(.upsertInvoice(invoice: Invoice(number: "X", customerId: "C1", issueDate: CalendarDate(year: 2026, month: 1, day: 1)!,
                                                        dueDate: CalendarDate(year: 2300, month: 1, day: 1)!, amount: Money(cents: 100))), by: Fixtures.supervisor)
        }
    }

    /// An older store's absurd amounts (the first landing accepted 9 999 999 999 999,99 €): every screen's figures,
    /// at an ordinary date and at the end of the calendar, without a trap.
    @Test func hugeAmountsAlreadyInABookCrashNothing() throws {
        var b = Fixtures.book(invoices: [])
        for i in 0..<12 {
            try b.restore(.invoice(Invoice(number: "H\(i)", customerId: "C1", issueDate: Fixtures.date("2026-0\(i % 9 + 1)-01"),
                                           dueDate: Fixtures.date("2026-0\(i % 9 + 1)-28"), amount: Money(cents: 999_999_999_999_999))))
        }
        try b.restore(.payment(Payment(id: "P", customerId: "C1", date: Fixtures.date("2026-10-01"), amount: Money(cents: 999_999_999_999_999),
                                       allocations: [Allocation(invoice: "H0", amount: Money(cents: 999_999_999_999_999))])))
        for date in [Fixtures.date("2026-11-23"), CalendarDate(year: 9999, month: 12, day: 31)!] {
            let agenda = Agenda(book: b, date: date, collector: nil)
            #expect(!agenda.lines.isEmpty)
            _ = agenda.lines.map(\.score)
            for name in Analytics.reportNames { _ = try Analytics.report(name, book: b, asOf: date) }
            _ = AccountSummary(book: b, customerId: "C1", date: date)
            _ = b.payerProfile(of: "C1", asOf: date)
            _ = b.consistencyProblems()
        }
        // They are listed to be corrected.
        // The 12 invoices and the payment.
        #expect(b.ruleViolations().filter { $0.message.contains("above the limit") }.count == 13)
        #expect(b.ruleViolations().contains(.about(.record(.payment, "P"), .aboveLimit(Money(cents: 999_999_999_999_999)))))
    }
}
