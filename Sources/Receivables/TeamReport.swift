/// `relance report collectors` (issue 20): the dashboard's figures as a table (formulas: docs/PERFORMANCE-FIGURES.md).
extension Analytics {
    public static func collectors(_ book: Book, _ asOf: CalendarDate) -> ReportTable {
        let perf = TeamPerformance(book: book, date: asOf)
        func opt(_ v: Int?, permille: Bool = false) -> ReportTable.Cell { v.map { permille ? .permille($0) : .tenths($0) } ?? .text("") }
        func row(_ r: TeamPerformance.Row, id: String, name: String) -> [ReportTable.Cell] {
            [.text(id), .text(name), .int(r.accounts), .int(r.callsPlanned), .int(r.callsDone), .int(r.promisesCount), .money(r.promisesAmount),
             opt(r.keptRateCount, permille: true), opt(r.keptRateAmount, permille: true), .money(r.cashThisMonth), .money(r.overdue),
             opt(r.dso), opt(r.bpdso), opt(r.add), opt(r.cei.value, permille: true),
             .text(r.trend.map { $0.dso.map { ReportTable.Cell.oneDecimal($0) } ?? "" }.joined(separator: " ")),
             .text(r.trend.map(\.overdue.plain).joined(separator: " "))]
        }
        let rows = perf.rows.map { r in
            r.collector.map { row(r, id: $0, name: book.users[$0]?.name ?? $0) } ?? row(r, id: "", name: "")
        }
        // The unassigned row's name is worded by the edge (a phrase), its id left empty.
        let worded = zip(perf.rows, rows).map { r, cells -> [ReportTable.Cell] in
            guard r.collector == nil else { return cells }
            var c = cells; c[1] = .phrases([Phrase("unassigned")]); return c
        }
        let month = perf.team.cei.month ?? asOf
        return ReportTable(name: "collectors", title: "Team performance at \(asOf.iso)",
            columns: [.init("collector", "Id"), .init("name", "Collector"), .init("accounts", "Accounts"), .init("calls_planned", "Planned"),
                      .init("calls_done", "Done"), .init("promises_today", "Promises"), .init("promised_today", "Promised"),
                      .init("kept_rate_count", "Kept (n)"), .init("kept_rate_amount", "Kept (€)"), .init("cash_month", "Cash (month)"),
                      .init("overdue", "Overdue"), .init("dso", "DSO"), .init("bpdso", "BPDSO"), .init("add", "ADD"), .init("cei", "CEI"),
                      .init("dso_12m", "DSO 12 months"), .init("overdue_12m", "Overdue 12 months")],
            rows: worded, total: row(perf.team, id: "", name: "TOTAL"),
            notes: [Phrase("calls planned = agenda calls due on {date} + customers called that day; promises = made that day; kept rates = promises whose deadline (promised date + grace days) fell in the 90 days before {date}, by count and by amount received by the deadline", ["date": asOf.iso]),
                    Phrase("DSO = (open - on account) / invoiced last 90 days x 90; BPDSO = not yet due / invoiced last 90 days x 90; ADD = DSO - BPDSO"),
                    Phrase("CEI {month} = (opening + invoiced - closing - written off) / (opening + invoiced - closing not yet due) x 100", ["month": "\(month.year)-\(month.month < 10 ? "0" : "")\(month.month)"]),
                    Phrase("each figure follows the customer's collector on its day: balances at a date for who held the account then, calls, promises and payments for who held it on their day; 12 months = month ends, the last one {date}", ["date": asOf.iso])])
    }
}
