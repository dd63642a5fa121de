import Foundation
import TextSafety

/// An exact amount of the book's currency, in integer minor units (cents). Never a `Double`.
///
/// A book holds one currency (EUR by default, see docs/DECISIONS.md); amounts are encoded in the store
/// as decimal strings ("1234.56") so the files stay readable and exact.
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var cents: Int64

    public init(cents: Int64) { self.cents = cents }
    public static let zero = Money(cents: 0)

    /// Whole euros, for literals in tests and policies.
    public init(euros: Int64) { self.cents = euros * 100 }

    /// The largest amount any door accepts (CSV, form, argument): 1 000 000 000,00 €. Sums of a whole book of
    /// such amounts stay far inside `Int64`; arithmetic still saturates instead of trapping, so an older store
    /// holding larger values loads and is listed by `check`, never crashes a screen.
    public static let limit = Money(cents: 100_000_000_000)
    public var isWithinLimit: Bool { cents.magnitude <= Money.limit.cents.magnitude }

    public static func + (a: Money, b: Money) -> Money { Money(cents: saturate(a.cents.addingReportingOverflow(b.cents), a.cents < 0 && b.cents < 0)) }
    public static func - (a: Money, b: Money) -> Money { Money(cents: saturate(a.cents.subtractingReportingOverflow(b.cents), a.cents < 0)) }
    public static func += (a: inout Money, b: Money) { a = a + b }
    public static func -= (a: inout Money, b: Money) { a = a - b }
    public static prefix func - (a: Money) -> Money { Money(cents: a.cents == .min ? .max : -a.cents) }

    /// `self` times `factor` (cent-days, weights), saturating instead of trapping.
    public func times(_ factor: Int64) -> Money {
        let r = cents.multipliedReportingOverflow(by: factor)
        return Money(cents: Money.saturate(r, (cents < 0) != (factor < 0)))
    }

    private static func saturate(_ r: (partialValue: Int64, overflow: Bool), _ negative: Bool) -> Int64 {
        r.overflow ? (negative ? .min : .max) : r.partialValue
    }
    public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }

    public var isPositive: Bool { cents > 0 }
    public var isZero: Bool { cents == 0 }
    public var isNegative: Bool { cents < 0 }

    /// `self` multiplied by `numerator/denominator`, rounded half away from zero to the cent.
    public func scaled(by numerator: Int64, over denominator: Int64) -> Money {
        precondition(denominator != 0)
        // 128-bit intermediate: 100,000 invoices of a million euros times a day count must not overflow.
        let product = cents.multipliedFullWidth(by: numerator)
        let wide = (Int128(product.high) << 64) | Int128(product.low)
        let d = Int128(denominator)
        var q = wide / d
        let r = wide % d
        if (r < 0 ? -r : r) * 2 >= (d < 0 ? -d : d) { q += (wide < 0) != (d < 0) ? -1 : 1 }
        return Money(cents: Int64(clamping: q))
    }

    /// Percentage of `total` that `self` represents, in tenths of a percent (exact integer arithmetic).
    public func permille(of total: Money) -> Int {
        guard total.cents != 0 else { return 0 }
        return Int(clamping: scaled(by: 1000, over: total.cents).cents)
    }

    /// Canonical machine form: `-1234.56`. Used in the store, CSV and JSON outputs.
    public var plain: String {
        let sign = cents < 0 ? "-" : ""
        let a = cents.magnitude
        let frac = a % 100
        return "\(sign)\(a / 100).\(frac < 10 ? "0" : "")\(frac)"
    }

    /// French display form `21 771,07 €` (plain spaces: see docs/DECISIONS.md, greppable and copy-pastable).
    public var formatted: String { formatted(symbol: true) }

    public func formatted(symbol: Bool) -> String {
        (cents < 0 ? "-" : "") + digits(group: " ", decimal: ",") + (symbol ? " €" : "")
    }

    /// The magnitude with thousands groups and two decimals: `21 771,07`, `21,771.07`.
    private func digits(group: Character, decimal: Character) -> String {
        // Byte by byte: walking the digits as Characters, with `count` at each one, was most of the time a report
        // of 5,000 rows took to print (issue 23).
        let a = cents.magnitude
        var whole = a / 100
        var reversed: [UInt8] = []
        reversed.reserveCapacity(20)
        repeat { reversed.append(UInt8(whole % 10) + 0x30); whole /= 10 } while whole > 0
        let groupBytes = Array(String(group).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(reversed.count * (1 + groupBytes.count) + 8)
        for r in stride(from: reversed.count - 1, through: 0, by: -1) {
            out.append(reversed[r])
            if r > 0 && r % 3 == 0 { out.append(contentsOf: groupBytes) }   // r digits follow: a group of 3 starts
        }
        out.append(contentsOf: String(decimal).utf8)
        let frac = a % 100
        out.append(UInt8(frac / 10) + 0x30)
        out.append(UInt8(frac % 10) + 0x30)
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { formatted }

    /// English display form `€21,771.07`.
    public var formattedEnglish: String { (cents < 0 ? "-" : "") + "€" + digits(group: ",", decimal: ".") }

    /// The display form of a letter's language ("fr" or "en").
    public func formatted(language: String) -> String { language == "en" ? formattedEnglish : formatted }

    /// Parses what a user types: `1234.56`, `1 234,56`, `1234,56`, `1234`, with an optional `€`.
    public static func parse(_ input: String) throws(ParseError) -> Money {
        // The canonical form (every export's) needs none of the work below: a million-row import is mostly it.
        if let m = parseCanonical(input), m.isWithinLimit { return m }
        var text = input.trimmedSpaces
        if text.hasSuffix("€") { text.removeLast() }
        if text.hasPrefix("EUR") { text.removeFirst(3) }
        text = String(text.filter { !" \u{00A0}\u{202F}\u{2009}'".contains($0) })
        guard !text.isEmpty else { throw ParseError.emptyAmount }
        var negative = false
        if text.hasPrefix("-") { negative = true; text.removeFirst() }
        // The last of ',' or '.' is the decimal separator; the other one may only group thousands.
        let lastComma = text.lastIndex(of: ","), lastDot = text.lastIndex(of: ".")
        var intPart = text, fracPart = ""
        if let sep = [lastComma, lastDot].compactMap({ $0 }).max() {
            let groupChar: Character = text[sep] == "," ? "." : ","
            let groups = text[..<sep].split(separator: groupChar, omittingEmptySubsequences: false)
            // Thousands groups are exactly three digits: "1.234,56" yes, "1.2.3,4" no.
            guard groups.dropFirst().allSatisfy({ $0.count == 3 }), groups.count == 1 || !groups[0].isEmpty else {
                throw ParseError.notAnAmount(input)
            }
            intPart = groups.joined()
            fracPart = String(text[text.index(after: sep)...])
        }
        guard !intPart.isEmpty || !fracPart.isEmpty,
              intPart.allSatisfy({ $0.isASCII && $0.isNumber }), fracPart.allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw ParseError.notAnAmount(input) }
        guard fracPart.count <= 2 else { throw ParseError.tooManyDecimals(input) }
        guard intPart.count <= 13 else { throw ParseError.amountAboveLimit(input) }
        let whole = Int64(intPart.isEmpty ? "0" : intPart)!
        let frac = Int64((fracPart + "00").prefix(2))!
        let cents = whole * 100 + frac
        let m = Money(cents: negative ? -cents : cents)
        guard m.isWithinLimit else { throw ParseError.amountAboveLimit(input) }
        return m
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let m = Money.parseCanonical(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(s)' is not an amount like \"1234.56\"")
        }
        self = m
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(plain)
    }

    /// Strict parser for the canonical form written by `plain` (store, CSV exports): `-?\d+(\.\d{1,2})?`.
    public static func parseCanonical(_ s: String) -> Money? {
        var s = s
        return s.withUTF8 { parseCanonical(bytes: $0) }
    }

    /// The same, read from the bytes of a snapshot line (issue 23: no string made for 200,000 amounts an open).
    public static func parseCanonical(bytes: UnsafeBufferPointer<UInt8>) -> Money? {
        var utf8 = bytes[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") { negative = true; utf8 = utf8.dropFirst() }
        var whole: Int64 = 0, frac: Int64 = 0, fracDigits = 0, intDigits = 0, seenDot = false
        for b in utf8 {
            if b == UInt8(ascii: ".") { if seenDot { return nil }; seenDot = true; continue }
            guard b >= 48 && b <= 57 else { return nil }
            if seenDot { fracDigits += 1; if fracDigits > 2 { return nil }; frac = frac * 10 + Int64(b - 48) }
            else { intDigits += 1; if intDigits > 15 { return nil }; whole = whole * 10 + Int64(b - 48) }
        }
        guard intDigits > 0 else { return nil }
        if fracDigits == 1 { frac *= 10 }
        let cents = whole * 100 + frac
        return Money(cents: negative ? -cents : cents)
    }
}

extension Sequence {
    /// Sum of the money values that `value` picks out of each element.
    public func sum(_ value: (Element) -> Money) -> Money {
        reduce(Money.zero) { $0 + value($1) }
    }
}

/// An amount, a date or payment terms a person typed that could not be read, as a value (worded at the edge, next
/// to the field: `Wording`). Each case carries what was typed.
public enum ParseError: Error, Equatable, Sendable {
    case emptyAmount
    case notAnAmount(String)
    case tooManyDecimals(String)
    /// Above `Money.limit` (or more than 13 digits before the decimals).
    case amountAboveLimit(String)
    case emptyDate
    case notADate(String)
    case yearDigits(String)
    case noSuchMonth(String, month: Int)
    case noSuchDay(String, day: Int, month: Int, year: Int)
    case yearOutside(String, year: Int)
    case paymentTerms(String)
}
