import Foundation
import Testing
import TestSupport
@testable import Interchange
@testable import Receivables

/// Reports on imported files agree to the cent with an independent computation made straight from the files.
@Suite struct ReportReproductionTests {
    struct Row { var number: String; var customer: String; var issue: CalendarDate; var due: CalendarDate; var cents: Int64 }
    struct Pay { var date: CalendarDate; var invoice: String; var cents: Int64 }

    /// Deterministic files: 40 customers, 400 invoices over a year, payments naming their invoice.
    func files() -> (String, String, String, [Row], [Pay]) {
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int((seed >> 33) % UInt64(n)) }
        let start = Fixtures.date("2025-11-01")
        var customers = "id,name\n", invoices = "number;customer_id;issue_date;due_date;amount\n", payments = "date,customer_id,amount,invoice_number\n"
        var rows: [Row] = [], pays: [Pay] = []
        for c in 1...40 { customers += "K\(c),Client \(c) Société\n" }
        for i in 1...400 {
            let issue = start.adding(days: next(380))
            let due = issue.adding(days: [30, 45, 60][next(3)])
            let cents = Int64(next(2_000_000) + 100)
            let r = Row(number: "N\(i)", customer: "K\(1 + next(40))", issue: issue, due: due, cents: cents)
            rows.append(r)
            invoices += "\(r.number);\(r.customer);\(issue.french);\(due.iso);\(Money(cents: cents).formatted(symbol: false))\n"   // French form: 12 345,67
            if next(10) < 7 {
                let paid = next(4) == 0 ? cents / 2 : cents
                let date = due.adding(days: next(60) - 10)
                pays.append(Pay(date: max(date, issue), invoice: r.number, cents: paid))
                payments += "\(max(date, issue).iso),\(r.customer),\(Money(cents: paid).plain),\(r.number)\n"
            }
        }
        return (customers, invoices, payments, rows, pays)
    }

    func importedBook() throws -> (Book, [Row], [Pay]) {
        let (c, i, p, rows, pays) = files()
        var b = Book()
        for (kind, text) in [(Importer.Kind.customers, c), (.invoices, i), (.payments, p)] {
            try b.apply(try Importer.plan(kind, data: Data(text.utf8), file: "\(kind).csv", book: b, user: "t", today: Fixtures.date("2027-12-31")).change!)   // payments run into 2027
        }
        return (b, rows, pays)
    }

    func independentOpen(_ rows: [Row], _ pays: [Pay], asOf: CalendarDate) -> [String: Int64] {
        var open: [String: Int64] = [:]
        for r in rows where r.issue <= asOf { open[r.number] = r.cents }
        for p in pays where p.date <= asOf { open[p.invoice]? -= p.cents }
        return open
    }

    @Test(arguments: ["2026-06-30", "2026-11-23", "2026-03-15"])
    func agedBalanceMatchesToTheCent(day: String) throws {
        let asOf = Fixtures.date(day)
        let (book, rows, pays) = try importedBook()
        let open = independentOpen(rows, pays, asOf: asOf)
        var buckets = [Int64](repeating: 0, count: 6)
        for r in rows { guard let o = open[r.number], o != 0 else { continue }
            let late = asOf.dayNumber - r.due.dayNumber
            let i = late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : late <= 120 ? 4 : 5
            buckets[i] += o
        }
        let table = Analytics.aged(book, asOf)
        let totals = table.total!.dropFirst(3).map { cell -> Int64 in if case .money(let m) = cell { return m.cents }; return -1 }
        #expect(Array(totals.prefix(6)) == buckets)
        if case .money(let t) = table.total![2] { #expect(t.cents == open.values.reduce(0, +)) }
        // On account (issue 17): payments by the date whose invoice was not issued yet; net = total - on account.
        let issued = Dictionary(rows.map { ($0.number, $0.issue) }, uniquingKeysWith: { a, _ in a })
        let onAccount = pays.filter { $0.date <= asOf && (issued[$0.invoice].map { $0 > asOf } ?? true) }.reduce(Int64(0)) { $0 + $1.cents }
        #expect(Array(totals.dropFirst(6).prefix(2)) == [onAccount, open.values.reduce(0, +) - onAccount])
        // the CSV output carries the same figures
        let csvTotal = TableFormatter.format(table, as: .csv).split(separator: "\n").last!
        #expect(csvTotal.contains(buckets.map { Money(cents: $0).plain }.joined(separator: ",")))
    }

    @Test(arguments: ["2026-06-30", "2026-11-23"])
    func dsoMatchesAnIndependentCountBack(day: String) throws {
        let asOf = Fixtures.date(day)
        let (book, rows, pays) = try importedBook()
        let openTotal = independentOpen(rows, pays, asOf: asOf).values.reduce(0, +)
        func sales(_ from: CalendarDate, _ to: CalendarDate) -> Int64 { rows.filter { $0.issue >= from && $0.issue <= to }.reduce(0) { $0 + $1.cents } }
        // standard: open / sales of the last 90 days x 90, in tenths of a day, rounded half up
        let s90 = sales(asOf.adding(days: -89), asOf)
        let standard = (openTotal * 900 * 2 + s90) / (2 * s90)
        // count-back
        var remaining = openTotal, tenths: Int64 = 0, k = 0
        while remaining > 0 && k < 36 {
            let to = asOf.adding(days: -30 * k), s = sales(to.adding(days: -29), to)
            if remaining > s { tenths += 300; remaining -= s } else { tenths += (remaining * 300 * 2 + s) / (2 * s); remaining = 0 }
            k += 1
        }
        let table = Analytics.dso(book, asOf)
        #expect(table.rows[0][1] == .tenths(Int(standard)))
        #expect(table.rows[1][1] == .tenths(Int(tenths)))
    }
}
