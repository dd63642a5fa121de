import Testing
@testable import Receivables

@Suite struct MoneyTests {
    @Test(arguments: [
        ("1234.56", 123_456), ("1 234,56", 123_456), ("1234,56", 123_456), ("1\u{202F}234,56 €", 123_456),
        ("1,234.56", 123_456), ("1.234,56", 123_456), ("0,5", 50), ("12", 1200), ("-3,10", -310), ("21 771,07", 2_177_107),
    ] as [(String, Int64)])
    func parsesWhatUsersType(input: String, cents: Int64) throws {
        #expect(try Money.parse(input).cents == cents)
    }

    @Test(arguments: ["abc", "", "12,345", "1.2.3,4", "12a", "€", "1,2,3.456"])
    func refusesNonAmounts(input: String) {
        #expect(throws: ParseError.self) { try Money.parse(input) }
    }

    @Test func messageNamesTheInput() {
        do { _ = try Money.parse("abc"); Issue.record("accepted abc") } catch {
            #expect(error.message.contains("'abc' is not an amount"))
        }
    }

    @Test(arguments: [(2_177_107, "21 771,07 €"), (5, "0,05 €"), (-123_456, "-1 234,56 €"), (100_000_000, "1 000 000,00 €")] as [(Int64, String)])
    func formatsTheFrenchWay(cents: Int64, text: String) {
        #expect(Money(cents: cents).formatted == text)
    }

    /// Digits grouped byte by byte (issue 23): the English form checked by hand at the limits of Int64, the French
    /// form against it with its own separators.
    @Test(arguments: [(0, "€0.00"), (7, "€0.07"), (99_999, "€999.99"), (100_000, "€1,000.00"), (-100_000_000, "-€1,000,000.00"),
                      (Int64.max, "€92,233,720,368,547,758.07"), (Int64.min, "-€92,233,720,368,547,758.08")] as [(Int64, String)])
    func groupsDigitsAtTheLimits(cents: Int64, english: String) {
        #expect(Money(cents: cents).formattedEnglish == english)
        let french = Money(cents: cents).formatted
        let fromEnglish = english.replacingOccurrences(of: "€", with: "").replacingOccurrences(of: ".", with: "#")
        #expect(french.filter(\.isNumber) == fromEnglish.filter(\.isNumber))
        #expect(french.hasSuffix(" €") || french.hasSuffix("\u{00A0}€") || french.hasSuffix("\u{202F}€"), "\(french)")
        #expect(french.filter { $0 == "," }.count == 1)
    }

    @Test func canonicalRoundTrip() {
        for c: Int64 in [0, 1, 10, 99, 100, 123_456, -5, -123_456] {
            #expect(Money.parseCanonical(Money(cents: c).plain) == Money(cents: c))
        }
        #expect(Money.parseCanonical("1e3") == nil)
        #expect(Money.parseCanonical("1.234") == nil)
    }

    @Test func scaledRoundsHalfAwayFromZero() {
        #expect(Money(cents: 5).scaled(by: 1, over: 2).cents == 3)
        #expect(Money(cents: -5).scaled(by: 1, over: 2).cents == -3)
        #expect(Money(cents: 100).scaled(by: 1, over: 3).cents == 33)
        // no overflow on large products: 1 billion euros x 1215 bp
        #expect(Money(cents: 100_000_000_000).scaled(by: 1215, over: 10_000).cents == 12_150_000_000)
    }

    @Test func tenTimesTenCentsIsExactlyOneEuro() {
        let sum = (0..<10).reduce(Money.zero) { total, _ in total + Money(cents: 10) }
        #expect(sum == Money(euros: 1))
    }
}

@Suite struct CalendarDateTests {
    @Test(arguments: [("2026-12-03", 2026, 12, 3), ("03/12/2026", 2026, 12, 3), ("3/1/2027", 2027, 1, 3), ("20240229", 2024, 2, 29)])
    func parsesBothForms(input: String, y: Int, m: Int, d: Int) throws {
        let date = try CalendarDate.parse(input)
        #expect(date.year == y && date.month == m && date.day == d)
    }

    @Test(arguments: ["31/02/2026", "2026-02-29", "2023-13-01", "32/01/2026", "abc", "2026/12/03x", "12/03/26", "2026-1-"])
    func refusesImpossibleDates(input: String) {
        #expect(throws: ParseError.self) { try CalendarDate.parse(input) }
    }

    @Test func messageForFebruary31() {
        do { _ = try CalendarDate.parse("31/02/2026"); Issue.record("accepted") } catch {
            #expect(error.message.contains("does not exist"))
        }
    }

    @Test func strictISODecodingRefusesWhatFoundationAccepts() {
        #expect(CalendarDate.parseISO("2023-02-30") == nil)
        #expect(CalendarDate.parseISO("2023-02-28") != nil)
    }

    @Test(arguments: [
        ("2026-01-31", 1, "2026-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2026-01-31", 2, "2026-03-31"),
        ("2026-12-15", 1, "2027-01-15"), ("2024-02-29", 12, "2025-02-28"),
    ])
    func monthArithmeticClampsToMonthEnd(start: String, months: Int, expected: String) throws {
        #expect(try CalendarDate.parse(start).adding(months: months).iso == expected)
    }

    @Test func dayNumbersAreContinuousAcrossLeapYears() throws {
        let a = try CalendarDate.parse("2024-02-28")
        #expect(a.adding(days: 1).iso == "2024-02-29")
        #expect(a.adding(days: 2).iso == "2024-03-01")
        #expect(try CalendarDate.parse("1970-01-01").dayNumber == 0)
        #expect(try CalendarDate.parse("2000-03-01").days(until: try CalendarDate.parse("2001-03-01")) == 365)
    }
}
