import Foundation
import TextSafety

/// A calendar day (no time, no time zone): invoice, due, promise and payment dates.
///
/// Stored as days since 1970-01-01 so comparisons and differences are integer operations;
/// encoded as `YYYY-MM-DD`, parsed strictly (`2026-02-30` is refused, unlike Foundation's ISO-8601 parser).
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    /// A valid date, or nil (e.g. February 30th).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CalendarDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        dayNumber = CalendarDate.daysFromCivil(year, month, day)
    }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// Year, month, day (Howard Hinnant's civil_from_days).
    public var components: (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool { a.dayNumber < b.dayNumber }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber.addingReportingOverflow(days).partialValue) }

    /// The years every door accepts (CSV, form, argument); stores keep loading 0001-9999.
    public static let supportedYears = 1900...2199
    public var isSupported: Bool { CalendarDate.supportedYears.contains(year) }

    /// Same day `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28 or 29).
    public func adding(months: Int) -> CalendarDate {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let ny = total / 12, nm = total % 12 + 1
        // By day number, not through the checked initialiser: no date arithmetic may trap, even past year 9999.
        return CalendarDate(dayNumber: CalendarDate.daysFromCivil(ny, nm, min(d, CalendarDate.daysIn(month: nm, year: ny))))
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int { other.dayNumber - dayNumber }

    /// `YYYY-MM-DD`. Formatted by hand: `String(format:)` cost microseconds per date when writing a large store.
    public var iso: String {
        let (y, m, d) = components
        return Self.digits(y, 4) + "-" + Self.digits(m, 2) + "-" + Self.digits(d, 2)
    }

    /// `DD/MM/YYYY`, the French display form.
    public var french: String {
        let (y, m, d) = components
        return Self.digits(d, 2) + "/" + Self.digits(m, 2) + "/" + Self.digits(y, 4)
    }

    /// `23 November 2026`, the English letters' form.
    public var english: String {
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(day) \(months[month - 1]) \(year)"
    }

    /// The display form of a letter's language ("fr": `23/11/2026`, "en": `23 November 2026`).
    public func formatted(language: String) -> String { language == "en" ? english : french }

    /// Short display form `DD/MM/YY` for narrow table columns.
    public var short: String {
        let (y, m, d) = components
        return Self.digits(d, 2) + "/" + Self.digits(m, 2) + "/" + Self.digits(y % 100, 2)
    }

    private static func digits(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    public var description: String { iso }

    /// Today in the process's local time zone.
    public static func today(clock: Date = Date()) -> CalendarDate {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = .current
        let c = cal.dateComponents([.year, .month, .day], from: clock)
        return CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Strict parser for what users and files give: `2026-12-03` or `03/12/2026` (also `3/12/2026`, `20261203`).
    public static func parse(_ input: String) throws(ParseError) -> CalendarDate {
        if let d = parseISO(input), d.isSupported { return d }   // the exports' form, without the general path
        let text = input.trimmedSpaces
        guard !text.isEmpty else { throw ParseError.emptyDate }
        var parts: [Substring]
        var ymd: Bool
        if text.contains("-") { parts = text.split(separator: "-", omittingEmptySubsequences: false); ymd = true }
        else if text.contains("/") { parts = text.split(separator: "/", omittingEmptySubsequences: false); ymd = false }
        else if text.count == 8, text.allSatisfy(\.isNumber) {
            let s = Array(text)
            parts = [Substring(String(s[0..<4])), Substring(String(s[4..<6])), Substring(String(s[6..<8]))]
            ymd = true
        } else { throw ParseError.notADate(input) }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { throw ParseError.notADate(input) }
        let nums = parts.map { Int($0)! }
        let (y, m, d) = ymd ? (nums[0], nums[1], nums[2]) : (nums[2], nums[1], nums[0])
        if !ymd && parts[0].count == 4 { throw ParseError.notADate(input) }
        guard (ymd ? parts[0].count : parts[2].count) == 4 else { throw ParseError.yearDigits(input) }
        guard (1...12).contains(m) else { throw ParseError.noSuchMonth(input, month: m) }
        guard let date = CalendarDate(year: y, month: m, day: d) else {
            throw ParseError.noSuchDay(input, day: d, month: m, year: y)
        }
        guard date.isSupported else {
            throw ParseError.yearOutside(input, year: y)
        }
        return date
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = CalendarDate.parseISO(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(s)' is not a valid date YYYY-MM-DD")
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }

    /// Strict `YYYY-MM-DD` without allocation beyond the string itself (hot path when loading a store).
    public static func parseISO(_ s: String) -> CalendarDate? {
        var s = s
        return s.withUTF8 { parseISO(bytes: $0) }
    }

    /// The same, read from the bytes of a snapshot line (issue 23: 300,000 dates an open, each was an array).
    public static func parseISO(bytes u: UnsafeBufferPointer<UInt8>) -> CalendarDate? {
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { let b = u[i]; guard b >= 48 && b <= 57 else { return nil }; v = v * 10 + Int(b - 48) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        return CalendarDate(year: y, month: m, day: d)
    }
}
