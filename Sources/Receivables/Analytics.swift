/// Supervisor reports. "At the as-of date" means: invoices issued on or before it, less payments and credit
/// notes dated on or before it, so a past date gives the book as it was then.
public enum Analytics {
    public static let reportNames = ["aged", "dso", "disputes", "promises", "cash-impact", "blocked", "litigation", "collectors", "provisions", "write-offs"]

    public static func report(_ name: String, book: Book, asOf: CalendarDate) throws(DomainError) -> ReportTable {
        var t = try table(name, book: book, asOf: asOf)
        t.asOf = asOf
        return t
    }

    static func table(_ name: String, book: Book, asOf: CalendarDate) throws(DomainError) -> ReportTable {
        switch name {
        case "aged": return aged(book, asOf)
        case "dso": return dso(book, asOf)
        case "disputes": return disputes(book, asOf)
        case "promises": return promises(book, asOf)
        case "cash-impact": return cashImpact(book, asOf)
        case "blocked": return blocked(book, asOf)
        case "litigation": return litigation(book, asOf)
        case "collectors": return collectors(book, asOf)
        case "provisions": return provisions(book, asOf)
        case "write-offs": return writeOffs(book, asOf)
        default: throw .unknownReport(name, choices: reportNames)
        }
    }

    /// Aged-balance buckets by days past due (as-of date minus due date).
    public static let buckets: [(String, ClosedRange<Int>)] = [
        ("not due", Int.min...0), ("1-30", 1...30), ("31-60", 31...60), ("61-90", 61...90), ("91-120", 91...120), ("over 120", 121...Int.max),
    ]

    public static func bucketIndex(daysPastDue: Int) -> Int { buckets.firstIndex { $0.1.contains(daysPastDue) }! }

    /// Open amount per customer and bucket; totals equal the sum of the open items to the cent. Items handed over
    /// (agency, injunction, legal) at the as-of date are still owed: they make a line of their own, after the
    /// customers; written-off items left the balance on the write-off date.
    public static func aged(_ book: Book, _ asOf: CalendarDate) -> ReportTable {
        let width = buckets.count
        struct Part {
            var rows: [[ReportTable.Cell]] = [], totals: [Money], handedOver: [Money], onAccount = Money.zero, disputed = Money.zero
            init(_ width: Int) { totals = [Money](repeating: .zero, count: width); handedOver = totals }
        }
        // The customers on every core, their parts added in the book's order (sums of integers: the same as one pass).
        let anyLitigation = !book.litigationByInvoice.isEmpty
        let parts = Chunks.map(book.customerOrder) { ids in
            var part = Part(width)
            for id in ids {
                var sums = [Money](repeating: .zero, count: buckets.count)
                var disputed = Money.zero
                // Each item's settlements looked up once, its disputes only when the customer has any (issue 23).
                let hasDisputes = book.disputesByCustomer[id] != nil
                for (inv, settlements) in book.invoicesWithSettlements(of: id) {
                    let open = Book.openAmount(of: inv, settlements: settlements, asOf: asOf)
                    guard !open.isZero else { continue }
                    let bucket = bucketIndex(daysPastDue: inv.dueDate.days(until: asOf))
                    if anyLitigation, let d = book.litigation(of: inv.number), d.outcome.isHandedOver, d.date <= asOf { part.handedOver[bucket] += open; continue }
                    sums[bucket] += open
                    if hasDisputes { disputed += min(open, book.disputedAmount(inv.number, asOf: asOf)) }
                }
                let total = sums.sum { $0 }
                // Money received and not settling an invoice at the date (issue 17): its own column, and the net.
                let onAccount = book.onAccount(of: id, asOf: asOf)
                guard !total.isZero || sums.contains(where: { !$0.isZero }) || !onAccount.isZero else { continue }
                for i in sums.indices { part.totals[i] += sums[i] }
                part.onAccount += onAccount; part.disputed += disputed
                part.rows.append([.text(id), .text(book.customers[id]!.name), .money(total)] + sums.map { .money($0) }
                                 + [.money(onAccount), .money(total - onAccount), .money(disputed)])
            }
            return part
        }
        var rows = parts.flatMap(\.rows)
        var totals = [Money](repeating: .zero, count: buckets.count), handedOver = totals
        var onAccountTotal = Money.zero, disputedTotal = Money.zero
        for p in parts {
            for i in totals.indices { totals[i] += p.totals[i]; handedOver[i] += p.handedOver[i] }
            onAccountTotal += p.onAccount; disputedTotal += p.disputed
        }
        rows.sort { if case .money(let a) = $0[2], case .money(let b) = $1[2] { return a > b }; return false }
        if handedOver.contains(where: { !$0.isZero }) {
            for i in handedOver.indices { totals[i] += handedOver[i] }
            rows.append([.text(""), .phrases([Phrase("HANDED OVER (agency, injunction, legal)")]), .money(handedOver.sum { $0 })] + handedOver.map { .money($0) }
                        + [.money(.zero), .money(handedOver.sum { $0 }), .money(.zero)])
        }
        let grand = totals.sum { $0 }
        return ReportTable(name: "aged", title: "Aged balance at \(asOf.iso)",
            columns: [.init("customer_id", "Id"), .init("customer", "Customer"), .init("total", "Total")]
                + buckets.map { .init("b_" + $0.0.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_"), $0.0) }
                + [.init("on_account", "On account"), .init("net", "Net"), .init("disputed", "Disputed")],
            rows: rows, total: [.text(""), .text("TOTAL"), .money(grand)] + totals.map { .money($0) }
                + [.money(onAccountTotal), .money(grand - onAccountTotal), .money(disputedTotal)],
            notes: [Phrase("days past due = as-of date - due date; open = amount - payments and credit notes dated on or before {date}", ["date": asOf.iso]),
                    Phrase("on account = money received by {date} not settling an invoice at that date (unlettered, or lettered to an invoice issued later); net = total - on account; disputed = the part of the open items under a dispute active at that date", ["date": asOf.iso])])
    }

    public static func openTotal(_ book: Book, _ asOf: CalendarDate) -> Money {
        // Customer by customer on every core (every invoice is some customer's).
        Chunks.map(book.customerOrder) { ids in
            ids.reduce(Money.zero) { total, id in
                book.invoicesWithSettlements(of: id).reduce(total) { $0 + Book.openAmount(of: $1.invoice, settlements: $1.settlements, asOf: asOf) }
            }
        }.reduce(Money.zero, +)
    }

    /// Money received by `asOf` and not settling an invoice at that date, all customers.
    public static func onAccountTotal(_ book: Book, _ asOf: CalendarDate) -> Money {
        Chunks.map(book.customerOrder) { ids in ids.reduce(Money.zero) { $0 + book.onAccount(of: $1, asOf: asOf) } }.reduce(Money.zero, +)
    }

    /// Invoiced amount (incl. VAT) of invoices issued in `from...to`.
    public static func invoiced(_ book: Book, from: CalendarDate, to: CalendarDate) -> Money {
        book.invoices.values.reduce(Money.zero) { $1.issueDate >= from && $1.issueDate <= to ? $0 + $1.amount : $0 }
    }

    /// Standard DSO and count-back DSO, with the periods used.
    public static func dso(_ book: Book, _ asOf: CalendarDate) -> ReportTable {
        let open = openTotal(book, asOf)
        let sales90 = invoiced(book, from: asOf.adding(days: -89), to: asOf)
        let standard = sales90.isPositive ? Int(clamping: open.scaled(by: 900, over: sales90.cents).cents) : 0
        let (countBack, periods) = countBackDSO(book, asOf, remaining: open)
        // Net of the money on account (issue 17): received and not yet lettered, it is cash in, not receivables.
        let onAccount = onAccountTotal(book, asOf)
        let net = max(.zero, open - onAccount)
        let standardNet = sales90.isPositive ? Int(clamping: net.scaled(by: 900, over: sales90.cents).cents) : 0
        let (countBackNet, _) = countBackDSO(book, asOf, remaining: net)
        // (The gross rows keep their places: scripts read rows 0 and 1.)
        var rows: [[ReportTable.Cell]] = [
            [.text("standard"), .tenths(standard), .phrases([Phrase("open {open} / invoiced last 90 days {invoiced} x 90 (gross)", ["open": open.formatted, "invoiced": sales90.formatted])])],
            [.text("count-back"), .tenths(countBack), .phrases([Phrase("30-day periods back from {date}, see below (gross)", ["date": asOf.iso])])],
        ]
        let netRows: [[ReportTable.Cell]] = [
            [.text("standard net"), .tenths(standardNet), .phrases([Phrase("(open {open} - on account {onAccount}) / invoiced last 90 days x 90", ["open": open.formatted, "onAccount": onAccount.formatted])])],
            [.text("count-back net"), .tenths(countBackNet), .phrases([Phrase("the same periods, from the open amount less the money on account")])],
        ]
        for p in periods {
            rows.append([.phrases([Phrase("period {n}", ["n": "\(p.index)"])]), .tenths(p.daysTenths),
                         .phrases([Phrase("{from}..{to} invoiced {invoiced}, remaining before {remaining}",
                                          ["from": p.from.iso, "to": p.to.iso, "invoiced": p.invoiced.formatted, "remaining": p.remainingBefore.formatted])])])
        }
        rows += netRows
        return ReportTable(name: "dso", title: "DSO at \(asOf.iso)",
            columns: [.init("measure", "Measure"), .init("days", "Days"), .init("how", "How")], rows: rows, total: nil,
            notes: [Phrase("count-back: each 30-day period whose invoiced amount the remaining receivables exceed adds 30 days; then the remaining fraction of the next period")])
    }

    public struct CountBackPeriod: Sendable, Equatable {
        public var index: Int
        public var from: CalendarDate
        public var to: CalendarDate
        public var invoiced: Money
        public var remainingBefore: Money
        /// Days this period contributes, in tenths.
        public var daysTenths: Int
    }

    /// Count-back DSO in tenths of a day; period k is the 30 days ending 30(k-1) days before the as-of date.
    public static func countBackDSO(_ book: Book, _ asOf: CalendarDate, maxPeriods: Int = 36, remaining start: Money? = nil) -> (Int, [CountBackPeriod]) {
        var remaining = start ?? openTotal(book, asOf)
        var tenths = 0
        var periods: [CountBackPeriod] = []
        // Every period's sales in one pass over the book (it went over all the invoices once a period, up to 36
        // times: issue 23). Period k is the 30 days from asOf - 30(k-1) - 29 to asOf - 30(k-1).
        var salesOf = [Money](repeating: .zero, count: maxPeriods + 1)
        if remaining.isPositive {
            for inv in book.invoices.values {
                let back = inv.issueDate.days(until: asOf)
                if back >= 0 && back < 30 * maxPeriods { salesOf[back / 30 + 1] += inv.amount }
            }
        }
        for k in 1...maxPeriods where remaining.isPositive {
            let to = asOf.adding(days: -30 * (k - 1)), from = to.adding(days: -29)
            let sales = salesOf[k]
            var p = CountBackPeriod(index: k, from: from, to: to, invoiced: sales, remainingBefore: remaining, daysTenths: 0)
            if remaining > sales {
                p.daysTenths = 300
                remaining -= sales
            } else {
                p.daysTenths = Int(clamping: remaining.scaled(by: 300, over: sales.cents).cents)
                remaining = .zero
            }
            tenths += p.daysTenths
            periods.append(p)
        }
        return (tenths, periods)
    }

    /// Disputes active at the as-of date, by reason code: the root-cause Pareto.
    public static func disputes(_ book: Book, _ asOf: CalendarDate) -> ReportTable {
        let active = book.disputes.values.filter { $0.openedOn <= asOf && ($0.resolvedOn.map { $0 > asOf } ?? true) }
        let total = active.sum(\.amount)
        var groups: [String: [Dispute]] = [:]
        for d in active { groups[d.reasonCode, default: []].append(d) }
        var rows: [[ReportTable.Cell]] = groups.map { code, list in
            let ages = list.map { $0.age(at: asOf) }.sorted()
            let median = ages.count % 2 == 1 ? ages[ages.count / 2] * 10 : (ages[ages.count / 2 - 1] + ages[ages.count / 2]) * 5
            let amount = list.sum(\.amount)
            return [.text(code), .phrases([Phrase(english: book.reasons.reason(code)?.en ?? code, french: book.reasons.reason(code)?.fr)]), .int(list.count), .money(amount),
                    .tenths(median), .permille(amount.permille(of: total))]
        }
        rows.sort { if case .money(let a) = $0[3], case .money(let b) = $1[3] { return a != b ? a > b : $0[0].plain < $1[0].plain }; return false }
        return ReportTable(name: "disputes", title: "Disputes by reason at \(asOf.iso)",
            columns: [.init("code", "Code"), .init("reason", "Reason"), .init("count", "Count"), .init("amount", "Amount"),
                      .init("median_age_days", "Median age"), .init("share", "Share")],
            rows: rows, total: [.text("TOTAL"), .text(""), .int(active.count), .money(total), .text(""), .permille(total.isZero ? 0 : 1000)],
            notes: [Phrase("disputes opened on or before {date} and not resolved or withdrawn by then; age in days", ["date": asOf.iso])])
    }

    /// Promises made up to the as-of date and how they ended, by collector.
    public static func promises(_ book: Book, _ asOf: CalendarDate) -> ReportTable {
        var byUser: [String: [Promise.State: Int]] = [:]
        for p in book.promises.values where p.madeOn <= asOf {
            byUser[p.user, default: [:]][book.state(of: p, asOf: asOf), default: 0] += 1
        }
        func row(_ name: String, _ c: [Promise.State: Int]) -> [ReportTable.Cell] {
            let kept = c[.kept] ?? 0, partial = c[.partiallyKept] ?? 0, broken = c[.broken] ?? 0
            let judged = kept + partial + broken
            return [.text(name), .int(c.values.reduce(0, +)), .int(kept), .int(partial), .int(broken), .int(c[.open] ?? 0),
                    .int((c[.withdrawn] ?? 0) + (c[.superseded] ?? 0)), .permille(judged == 0 ? 0 : (kept * 2000 + judged) / (2 * judged))]   // rounded half-up like every rate
        }
        var all: [Promise.State: Int] = [:]
        for c in byUser.values { for (k, v) in c { all[k, default: 0] += v } }
        return ReportTable(name: "promises", title: "Promises to pay at \(asOf.iso)",
            columns: [.init("collector", "Collector"), .init("made", "Made"), .init("kept", "Kept"), .init("partially_kept", "Partly"),
                      .init("broken", "Broken"), .init("open", "Open"), .init("withdrawn", "Withdrawn"), .init("kept_rate", "Kept rate")],
            rows: byUser.keys.sorted().map { row($0, byUser[$0]!) }, total: row("TOTAL", all),
            notes: [Phrase("judged at promised date + {days} grace days; kept rate = kept / (kept + partly + broken)", ["days": "\(book.policy.graceDays)"])])
    }

    /// The cash one day of DSO is worth: sales incl. VAT of the last 12 months / 365. A book holding less than
    /// 12 months of invoices is extrapolated from the days it covers, and the report says so.
    public static func cashImpact(_ book: Book, _ asOf: CalendarDate) -> ReportTable {
        let from = asOf.adding(days: -364)
        let sales = invoiced(book, from: from, to: asOf)
        let first = book.invoices.values.map(\.issueDate).filter { $0 <= asOf }.min()
        let covered = first.map { max(1, min(365, $0.days(until: asOf) + 1)) } ?? 365
        let perDay = sales.scaled(by: 1, over: Int64(covered))
        var notes = [Phrase("sales = invoices issued {from}..{to}", ["from": from.iso, "to": asOf.iso])]
        if covered < 365, let first {
            notes.append(Phrase("extrapolated: the book holds {days} days of invoices (since {date}), under 12 months; one day = sales / {days}", ["days": "\(covered)", "date": first.iso]))
        }
        return ReportTable(name: "cash-impact", title: "Cash impact of one day of DSO at \(asOf.iso)",
            columns: [.init("measure", "Measure"), .init("amount", "Amount")],
            rows: [[.phrases([covered < 365 ? Phrase("sales incl. VAT, last {days} days", ["days": "\(covered)"]) : Phrase("sales incl. VAT, last 12 months")]), .money(sales)],
                   [.phrases([Phrase("one day of DSO")]), .money(perDay)]],
            total: nil, notes: notes)
    }

    /// Litigation decisions up to the as-of date: what was handed over, written off or sent back to amicable
    /// follow-up, by whom, and what is still owed on the items handed over.
    public static func litigation(_ book: Book, _ asOf: CalendarDate) -> ReportTable {
        var rows: [[ReportTable.Cell]] = []
        var handedOver = Money.zero, writtenOff = Money.zero
        for d in book.litigationDecisions where d.date <= asOf {
            let amount: Money
            if d.outcome == .writeOff {
                amount = d.invoices.reduce(Money.zero) { total, n in
                    total + (book.settlementsByInvoice[n] ?? []).reduce(Money.zero) { if case .writeOff(d.id) = $1.kind { return $0 + $1.amount }; return $0 }
                }
                writtenOff += amount
            } else {
                // Still owed at the as-of date, on the items this decision is the latest for.
                amount = d.invoices.filter { book.litigationByInvoice[$0] == d.id }.reduce(Money.zero) { $0 + book.openAmount($1, asOf: asOf) }
                if d.outcome.isHandedOver { handedOver += amount }
            }
            rows.append([.text(d.date.iso), .text(d.customerId), .text(book.customers[d.customerId]?.name ?? d.customerId), .text(d.outcome.rawValue),
                         .text(d.invoices.joined(separator: " ")), .money(amount), .text(d.user),
                         .phrases([d.reason.map(Phrase.init(verbatim:)), d.reviewAgainOn.map { Phrase("review again {date}", ["date": $0.iso]) },
                                   d.note.isEmpty ? nil : Phrase(verbatim: d.note)].compactMap { $0 })])
        }
        return ReportTable(name: "litigation", title: "Litigation decisions to \(asOf.iso)",
            columns: [.init("date", "Date"), .init("customer_id", "Id"), .init("customer", "Customer"), .init("decision", "Decision"),
                      .init("invoices", "Invoices"), .init("amount", "Amount"), .init("user", "By"), .init("detail", "Reason / next review")],
            rows: rows, total: nil,
            notes: [Phrase("handed over and still owed: {owed}; written off: {writtenOff}", ["owed": handedOver.formatted, "writtenOff": writtenOff.formatted]),
                    Phrase("amount = still owed at {date} (handed over, amicable) or written off on the decision's date", ["date": asOf.iso])])
    }

    /// Customers whose orders should be held: over their credit limit, or with items far overdue.
    public static func blocked(_ book: Book, _ asOf: CalendarDate) -> ReportTable {
        let limitDays = book.policy.blockOrdersAfterDaysOverdue
        let policy = book.policy
        // The customers on every core, their rows put together in the book's order.
        let rows = Chunks.map(book.customerOrder) { ids in
            var rows: [[ReportTable.Cell]] = []
            for id in ids {
                let c = book.customers[id]!
                // One pass over the customer's items, each one's settlements looked up once (issue 23).
                let hasDisputes = book.disputesByCustomer[id] != nil
                var open = Money.zero, late = Money.zero, oldest: Int?
                for (inv, settlements) in book.invoicesWithSettlements(of: id) {
                    let o = Book.openAmount(of: inv, settlements: settlements, asOf: asOf)
                    open += o
                    let overdue = inv.dueDate.days(until: asOf)
                    if o.isPositive { oldest = max(oldest ?? overdue, overdue) }
                    // Only what matters (issue 17: one 50 € item 61 days late put 189 of 300 customers on the list): the
                    // amount more than the policy's days overdue reaches `blockMinAmount`, or a share of the credit limit.
                    // (A disputed part is being dealt with: it does not hold orders by itself.)
                    if overdue > limitDays { late += max(.zero, o - (hasDisputes ? book.disputedAmount(inv.number, asOf: asOf) : .zero)) }
                }
                let lateMatters = late.isPositive && (late >= policy.blockAmount
                    || (c.creditLimit.map { $0.isPositive && late.times(100) >= $0.times(Int64(policy.blockShareOfLimit)) } ?? false))
                let oldestDays = oldest ?? 0
                var reasons: [Phrase] = []
                // The exposure is what is owed less the money received and not yet lettered (issue 17): against a limit.
                if let l = c.creditLimit, case let exposure = open - book.onAccount(of: id, asOf: asOf), exposure > l {
                    reasons.append(Phrase("over credit limit {limit} by {excess}", ["limit": l.formatted, "excess": (exposure - l).formatted]))
                }
                if lateMatters { reasons.append(Phrase("{amount} more than {days} days overdue (oldest {oldest} days)", ["amount": late.formatted, "days": "\(limitDays)", "oldest": "\(oldestDays)"])) }
                if c.orderBlocked { reasons.append(Phrase("orders held by decision")) }
                guard !reasons.isEmpty else { continue }
                rows.append([.text(id), .text(c.name), .money(open), .int(oldestDays), .phrases(reasons)])
            }
            return rows
        }.flatMap { $0 }
        return ReportTable(name: "blocked", title: "Customers to hold at \(asOf.iso)",
            columns: [.init("customer_id", "Id"), .init("customer", "Customer"), .init("open", "Open"),
                      .init("oldest_days_overdue", "Days overdue"), .init("reason", "Reason")],
            rows: rows, total: nil, notes: [])
    }
}
