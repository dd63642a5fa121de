/// The provision for doubtful receivables by age (issue 20): a management estimate of what the open items may not
/// bring in, percent by age bucket, 100 % for items handed over to litigation (agency, injunction, legal). It is not
/// the provision the tax rules deduct (art. 39-1-5° CGI: a loss made probable by events, justified receivable by
/// receivable); docs/FIGURES.md says so. Computed on the amount excluding VAT where the invoice gives it (the VAT
/// of an unpaid invoice is recovered otherwise), else on the amount including VAT, said to be an estimate.
public struct ProvisionPercent: Codable, Sendable, Equatable {
    public var notDue: Int
    public var upTo90Days: Int
    public var upTo180Days: Int
    public var upTo360Days: Int
    public var over360Days: Int
    public var litigation: Int

    public init(notDue: Int, upTo90Days: Int, upTo180Days: Int, upTo360Days: Int, over360Days: Int, litigation: Int) {
        self.notDue = notDue; self.upTo90Days = upTo90Days; self.upTo180Days = upTo180Days; self.upTo360Days = upTo360Days
        self.over360Days = over360Days; self.litigation = litigation
    }

    public static let standard = ProvisionPercent(notDue: 0, upTo90Days: 0, upTo180Days: 25, upTo360Days: 50, over360Days: 100, litigation: 100)

    public var all: [(String, Int)] {
        [("notDue", notDue), ("upTo90Days", upTo90Days), ("upTo180Days", upTo180Days), ("upTo360Days", upTo360Days),
         ("over360Days", over360Days), ("litigation", litigation)]
    }
    /// The buckets in order, with their percent.
    var rates: [Int] { [notDue, upTo90Days, upTo180Days, upTo360Days, over360Days, litigation] }
}

extension Analytics {
    /// The provision's buckets: not due, 1-90, 91-180, 181-360, over 360 days past due, handed over.
    public static let provisionBuckets = ["not due", "1-90", "91-180", "181-360", "over 360", "litigation"]

    static func provisionBucket(daysPastDue d: Int) -> Int { d <= 0 ? 0 : d <= 90 ? 1 : d <= 180 ? 2 : d <= 360 ? 3 : 4 }

    public static func provisions(_ book: Book, _ asOf: CalendarDate) -> ReportTable {
        let rates = book.policy.provisions.rates
        var count = [Int](repeating: 0, count: 6)
        var open = [Money](repeating: .zero, count: 6), exclVat = open, inclVat = open
        for inv in book.invoices.values {
            let o = book.openAmount(inv.number, asOf: asOf)
            guard o.isPositive else { continue }
            let handedOver = book.litigation(of: inv.number).map { $0.outcome.isHandedOver && $0.date <= asOf } ?? false
            let b = handedOver ? 5 : provisionBucket(daysPastDue: inv.dueDate.days(until: asOf))
            count[b] += 1; open[b] += o
            // The open part excluding VAT, in proportion (a part payment settles VAT and price alike).
            if let ht = inv.amountExclVat, inv.amount.isPositive { exclVat[b] += o.scaled(by: ht.cents, over: inv.amount.cents) }
            else { inclVat[b] += o }
        }
        var rows: [[ReportTable.Cell]] = []
        var total = Money.zero
        for b in 0..<6 {
            let provision = (exclVat[b] + inclVat[b]).scaled(by: Int64(rates[b]), over: 100)
            total += provision
            rows.append([.text(provisionBuckets[b]), .int(count[b]), .money(open[b]), .money(exclVat[b]), .money(inclVat[b]),
                         .permille(rates[b] * 10), .money(provision)])
        }
        var notes = [Phrase("base = the open amount excluding VAT where the invoice gives it (in proportion to what is still open), else the amount including VAT; provision = base x rate; buckets by days past due at {date}, litigation = handed over to an agency, an injunction or legal proceedings", ["date": asOf.iso]),
                     Phrase("a management estimate, not the provision the tax rules deduct (art. 39-1-5 CGI: a probable loss justified receivable by receivable)")]
        if inclVat.contains(where: { $0.isPositive }) {
            notes.append(Phrase("estimate incl. VAT: {amount} of the base has no amount excluding VAT (column amount_excl_vat of the invoices import)", ["amount": inclVat.reduce(.zero, +).formatted]))
        }
        return ReportTable(name: "provisions", title: "Provision for doubtful receivables at \(asOf.iso)",
            columns: [.init("bucket", "Age"), .init("items", "Count"), .init("open", "Open"), .init("base_excl_vat", "Base excl. VAT"),
                      .init("base_incl_vat", "Base incl. VAT (estimate)"), .init("rate", "Rate"), .init("provision", "Provision")],
            rows: rows, total: [.text("TOTAL"), .int(count.reduce(0, +)), .money(open.reduce(.zero, +)), .money(exclVat.reduce(.zero, +)),
                                .money(inclVat.reduce(.zero, +)), .text(""), .money(total)],
            notes: notes)
    }

    /// Write-offs (a litigation outcome) by month and reason, up to the date.
    public static func writeOffs(_ book: Book, _ asOf: CalendarDate) -> ReportTable {
        var groups: [String: (count: Int, amount: Money)] = [:]
        for (_, settlements) in book.invoices.withSettlements {
            for s in settlements where s.date <= asOf {
                guard case .writeOff(let id) = s.kind else { continue }
                let reason = book.litigations[id]?.reason ?? ""
                let key = "\(s.date.year)-\(s.date.month < 10 ? "0" : "")\(s.date.month)\u{1F}" + reason
                groups[key, default: (0, .zero)].count += 1
                groups[key]!.amount += s.amount
            }
        }
        let keys = groups.keys.sorted { a, b in
            let (ma, mb) = (a.prefix(7), b.prefix(7))
            return ma != mb ? ma > mb : groups[a]!.amount > groups[b]!.amount
        }
        let rows: [[ReportTable.Cell]] = keys.map { k in
            let parts = k.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
            return [.text(String(parts[0])), .phrases([Phrase(verbatim: parts.count > 1 ? String(parts[1]) : "")]), .int(groups[k]!.count), .money(groups[k]!.amount)]
        }
        return ReportTable(name: "write-offs", title: "Write-offs to \(asOf.iso)",
            columns: [.init("month", "Month"), .init("reason", "Reason"), .init("items", "Count"), .init("amount", "Amount")],
            rows: rows, total: [.text("TOTAL"), .text(""), .int(groups.values.reduce(0) { $0 + $1.count }), .money(groups.values.reduce(.zero) { $0 + $1.amount })],
            notes: [Phrase("items written off by a litigation decision on or before {date}, by month of the decision, the amount open when it was taken", ["date": asOf.iso])])
    }
}
