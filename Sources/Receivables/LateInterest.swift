/// The legal rate of one half-year, as the policy's table keeps it (France, art. L441-10 of the Code de commerce:
/// the ECB's main refinancing rate in force on 1 January for January-June, on 1 July for July-December, plus
/// 10 points, unless the contract says otherwise).
/// One half-year of the taux de l'intérêt légal: "autres cas" (a professional creditor) and a consumer's claims.
public struct LegalInterestRate: Codable, Sendable, Equatable {
    public var year: Int
    public var half: Int
    public var professionalPercent: String
    public var consumerPercent: String
    public init(year: Int, half: Int, professionalPercent: String, consumerPercent: String) {
        self.year = year; self.half = half; self.professionalPercent = professionalPercent; self.consumerPercent = consumerPercent
    }
}

public struct HalfYearRate: Codable, Sendable, Equatable {
    public var year: Int
    /// 1: January-June; 2: July-December.
    public var half: Int
    /// The ECB rate in force on the half-year's first day, in percent ("2.15").
    public var ecbPercent: String
    public init(year: Int, half: Int, ecbPercent: String) { self.year = year; self.half = half; self.ecbPercent = ecbPercent }
}

/// Late fees on one invoice at a date.
public struct LateFees: Sendable, Equatable {
    /// The fixed recovery indemnity (EUR 40 per invoice paid late).
    public var indemnity: Money
    /// Interest at the legal (or contractual) rate; nil when a half-year's rate is missing from the table.
    public var interest: Money?
    public var waived: Bool
    /// "2027 H1" (or "2027 H1, 2027 H2") when the table lacks half-years the item was late in: the interest is then
    /// unknown, never guessed; `knownInterest` is the part of the days whose rate is known.
    public var missingRate: String?
    /// What is still owed on the invoice at the date.
    public var principal: Money
    /// The interest of the days whose rate is known (all of it when `missingRate` is nil).
    public var knownInterest: Money = .zero

    public static let none = LateFees(indemnity: .zero, interest: .zero, waived: false, missingRate: nil, principal: .zero, knownInterest: .zero)

    /// Indemnity + the interest known (a minimum while a rate is missing), zero when waived.
    public var total: Money { waived ? .zero : indemnity + knownInterest }
}

extension Policy {
    /// "2026 H2" for a date.
    public static func halfYear(of d: CalendarDate) -> String { "\(d.year) H\(d.month <= 6 ? 1 : 2)" }

    /// The legal annual rate in basis points for the half-year of `d` (ECB + margin), or nil when missing.
    public func legalRateBasisPoints(on d: CalendarDate) -> Int64? {
        let half = d.month <= 6 ? 1 : 2
        guard let entry = rateTable.last(where: { $0.year == d.year && $0.half == half }),
              let ecb = try? Money.parse(entry.ecbPercent) else { return nil }
        return ecb.cents + 1_000   // + 10 points
    }
}

extension Book {
    /// The day the item's formal notice was sent (the top written step reached, on its last letter), if it was.
    func formalNoticeDate(of inv: Invoice) -> CalendarDate? {
        guard let k = policy.ladder.firstIndex(where: { $0.channel == .formalNotice }), inv.level >= k + 1 else { return nil }
        return inv.lastDunned
    }

    /// The late fees of an invoice at `date` (docs/DUNNING.md, "Interest"):
    /// - interest runs from the day after the due date on the principal still owed that day: a payment (or a
    ///   write-off) stops it from the day after its date; a credit note corrects the invoice, so the amount it
    ///   credits bears no interest at all and is not a late payment;
    /// - the rate is the customer's contractual rate when set, else the legal rate of each day's half-year from the
    ///   policy's table; a half-year missing from the table makes the interest unknown ("rate missing for 2027 H1");
    /// - interest = sum over the days of principal x annual rate / 365, rounded half-up to the cent once;
    /// - the EUR 40 indemnity is due on an invoice paid (or still unpaid) after its due date.
    public func lateFees(_ number: String, asOf date: CalendarDate) -> LateFees {
        guard let inv = invoices[number], date > inv.dueDate else { return .none }
        let settlements = (settlementsByInvoice[number] ?? []).filter { $0.date <= date }
        // Credit notes correct the amount invoiced, whenever they are dated.
        let credited = settlements.reduce(Money.zero) { if case .creditNote = $1.kind { return $0 + $1.amount }; return $0 }
        let paying = settlements.filter { if case .creditNote = $0.kind { return false }; return true }.sorted { $0.date < $1.date }
        var owed = inv.amount - credited
        // Paid before or on the due date: not late.
        for s in paying where s.date <= inv.dueDate { owed -= s.amount }
        let principalNow = paying.filter { $0.date > inv.dueDate }.reduce(owed) { $0 - $1.amount }
        guard owed.isPositive else { return .none }
        let customer = customers[inv.customerId]
        let contractual = customer?.interestRatePercent.flatMap { try? Money.parse($0) }?.cents
        let kind = customer?.customerKind ?? .business
        // The rate by kind (issue 17): a business, the ECB rate of each half-year + 10 points (L441-10); a public
        // body, the ECB rate in force on the first day of the half-year in which interest started to run + 8 points,
        // for the whole delay (R2192-31); a consumer, the taux de l'intérêt légal, and only from a formal notice
        // (art. 1231-6 du Code civil). A contractual rate replaces the first two.
        var from = inv.dueDate.adding(days: 1)
        if kind == .consumer {
            guard let notice = formalNoticeDate(of: inv), notice < date else {
                return LateFees(indemnity: .zero, interest: .zero, waived: waivers[number] != nil, missingRate: nil,
                                principal: max(.zero, principalNow), knownInterest: .zero)
            }
            from = max(from, notice.adding(days: 1))
        }
        let publicRate: Int64? = (kind == .publicBody || kind == .publicHospital)
            ? policy.legalRateBasisPoints(on: inv.dueDate.adding(days: 1)).map { $0 - 200 } : nil   // ECB + 10 - 2 = ECB + 8
        func rate(on d: CalendarDate) -> Int64? {
            switch kind {
            case .consumer: return policy.legalInterestBasisPoints(on: d, consumer: true)
            case .publicBody, .publicHospital: return contractual ?? publicRate
            case .business: return contractual ?? policy.legalRateBasisPoints(on: d)
            }
        }
        var numerator: Int128 = 0   // cents x basis points x days
        var missing: [String] = []
        var day = from
        var index = paying.firstIndex { $0.date > inv.dueDate } ?? paying.count
        // Walk the days in runs of one principal and one rate.
        while day <= date && owed.isPositive {
            // The principal changes the day after a payment: a payment dated d leaves interest on day d.
            var end = date
            if index < paying.count { end = min(end, paying[index].date) }
            let halfEnd = CalendarDate(year: day.year, month: day.month <= 6 ? 6 : 12, day: 30 + (day.month <= 6 ? 0 : 1))!
            end = min(end, halfEnd)
            let days = Int64(day.days(until: end) + 1)
            if let bp = rate(on: day) {
                numerator += Int128(owed.cents) * Int128(bp) * Int128(days)
            } else if missing.last != Policy.halfYear(of: day) {
                missing.append(Policy.halfYear(of: day))
            }
            day = end.adding(days: 1)
            while index < paying.count && paying[index].date < day { owed -= paying[index].amount; index += 1 }
        }
        let denominator: Int128 = 10_000 * 365
        let interest = Money(cents: Int64(clamping: (numerator + denominator / 2) / denominator))
        // No recovery indemnity for a consumer (it is owed between businesses, L441-10, and by public bodies, D2192-35).
        return LateFees(indemnity: kind == .consumer ? .zero : policy.fixedRecoveryIndemnity, interest: missing.isEmpty ? interest : nil,
                        waived: waivers[number] != nil, missingRate: missing.isEmpty ? nil : missing.joined(separator: ", "),
                        principal: max(.zero, principalNow), knownInterest: interest)
    }
}
