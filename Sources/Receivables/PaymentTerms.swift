import Foundation

/// A customer's payment terms (issue 17): a number of days from the invoice date ("60 jours date de facture"), or
/// days then end of month ("45 jours fin de mois": the invoice date plus 45 days, then the last day of that month),
/// or end of month then days ("fin de mois 45 jours": the last day of the invoice's month, then 45 days). The
/// Commercial Code (L441-10) admits both end-of-month readings; the customer's contract says which.
public struct PaymentTerms: Sendable, Equatable, CustomStringConvertible {
    public enum Rule: String, Codable, Sendable, CaseIterable {
        case net, endOfMonth = "end-of-month", endOfMonthThenDays = "end-of-month-then-days"
    }
    public var days: Int
    public var rule: Rule

    public init(days: Int, rule: Rule = .net) { self.days = days; self.rule = rule }

    /// The due date of an invoice issued on `issue`.
    public func dueDate(issuedOn issue: CalendarDate) -> CalendarDate {
        switch rule {
        case .net: return issue.adding(days: days)
        case .endOfMonth: return issue.adding(days: days).endOfMonth
        case .endOfMonthThenDays: return issue.endOfMonth.adding(days: days)
        }
    }

    /// "60 days", "45 days end of month", "end of month + 45 days" (the edge words it in the user's language).
    public var description: String {
        switch rule {
        case .net: return "\(days) days"
        case .endOfMonth: return "\(days) days end of month"
        case .endOfMonthThenDays: return "end of month + \(days) days"
        }
    }

    /// Reads what an accounting package or a person writes: `60`, `60 jours`, `60 jours date de facture`, `60 days`;
    /// `45 fdm`, `45 jours fin de mois`, `45 days end of month`, `45 eom`; `fdm 45`, `fin de mois 45 jours`,
    /// `fin de mois + 45`, `eom+45`, `end of month 45 days`. Case and accents are ignored.
    public static func parse(_ text: String) throws(ParseError) -> PaymentTerms {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .replacingOccurrences(of: "+", with: " ").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let words = folded.filter { !["jours", "jour", "j", "days", "day", "d", "net", "date", "de", "facture", "invoice", "le", "the", "a", "à", "of"].contains($0) }
        let numbers = words.compactMap { Int($0) }
        let rest = words.filter { Int($0) == nil }.joined(separator: " ")
        guard numbers.count == 1, let days = numbers.first, (0...365).contains(days) else {
            throw ParseError.paymentTerms(text)
        }
        let endOfMonth = ["fdm", "fin mois", "fin du mois", "eom", "end month", "fm"]
        guard !rest.isEmpty else { return PaymentTerms(days: days) }
        guard endOfMonth.contains(rest) else {
            throw ParseError.paymentTerms(text)
        }
        // The number first: days then end of month; "fin de mois" first: end of month then days.
        let numberFirst = words.first.map { Int($0) != nil } ?? true
        return PaymentTerms(days: days, rule: numberFirst ? .endOfMonth : .endOfMonthThenDays)
    }
}

extension CalendarDate {
    /// The last day of this date's month.
    public var endOfMonth: CalendarDate {
        var d = self
        while d.adding(days: 1).month == month { d = d.adding(days: 1) }
        return d
    }
}

extension Customer {
    /// The customer's terms: `paymentTermsDays` read by `paymentTermsRule` (net when none).
    public var terms: PaymentTerms { PaymentTerms(days: paymentTermsDays, rule: paymentTermsRule ?? .net) }
}
