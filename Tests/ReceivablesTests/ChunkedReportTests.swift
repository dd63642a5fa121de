import Testing
import DemoData
@testable import Receivables

/// Issue 23: the agenda and the customer reports are computed in pieces on every core (`Chunks`) for books of
/// 2,000 customers and more. Put together, the pieces must give what one pass gives: checked on a demo book of
/// 2,400 customers against sums made here, one customer after another, from the book's items.
@Suite struct ChunkedReportTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 23)!
    static let book: Book = try! DemoGenerator(customers: 2_400, seed: 23, today: today).book()

    @Test func piecesComeBackInOrderAndCoverEveryIdOnce() {
        let ids = (0..<2_345).map { "C\($0)" }
        let pieces = Chunks.map(ids) { Array($0) }
        #expect(pieces.count == 8)
        #expect(pieces.flatMap { $0 } == ids)
        #expect(Chunks.map(Array(ids.prefix(10))) { Array($0) } == [Array(ids.prefix(10))])   // a small book: one piece
        #expect(Chunks.map([String]()) { $0.count } == [0])
    }

    func cents(_ cell: ReportTable.Cell) -> Int64? { if case .money(let m) = cell { return m.cents }; return nil }

    @Test func theAgedBalanceIsTheSumOfEveryCustomersItems() throws {
        let book = Self.book, asOf = Self.today
        try #require(book.customerOrder.count == 2_400)
        let table = Analytics.aged(book, asOf)
        // One customer after another: what each owes at the date (items issued by then, less what settled them by then).
        var expected: [String: Int64] = [:]
        for id in book.customerOrder {
            let owed = book.invoices(of: id).reduce(Int64(0)) { $0 + book.openAmount($1.number, asOf: asOf).cents }
            if owed != 0 { expected[id] = owed }
        }
        let customerRows = table.rows.filter { if case .text(let id) = $0[0] { return !id.isEmpty }; return false }
        var seen: [String: Int64] = [:]
        for row in customerRows {
            guard case .text(let id) = row[0], let total = cents(row[2]) else { Issue.record("row \(row)"); continue }
            #expect(seen[id] == nil, "\(id) twice")
            seen[id] = total
        }
        #expect(seen.filter { $0.value != 0 } == expected)
        // Sorted by what is owed, largest first, and the total line their sum (with the handed-over line, if any).
        let totals = customerRows.compactMap { cents($0[2]) }
        #expect(totals == totals.sorted(by: >))
        let grand = try #require(table.total.flatMap { cents($0[2]) })
        let handedOver = table.rows.count > customerRows.count ? (cents(table.rows.last![2]) ?? 0) : 0
        #expect(grand == totals.reduce(0, +) + handedOver)
        #expect(expected.count > 2_000)
    }

    @Test func theCustomersToHoldComeInTheBooksOrder() {
        let book = Self.book
        let ids = Analytics.blocked(book, Self.today).rows.compactMap { row -> String? in if case .text(let id) = row[0] { return id }; return nil }
        #expect(!ids.isEmpty)
        let order = Dictionary(uniqueKeysWithValues: book.customerOrder.enumerated().map { ($1, $0) })
        let positions = ids.compactMap { order[$0] }
        #expect(positions.count == ids.count && positions == positions.sorted() && Set(positions).count == positions.count)
    }

    @Test func theTeamRowHoldsEveryAccountAndItsOpenItems() {
        let book = Self.book, date = Self.today
        let perf = TeamPerformance(book: book, date: date)
        #expect(perf.team.accounts == 2_400)
        let open = book.invoices.values.reduce(Int64(0)) { total, inv in
            let o = book.openAmount(inv.number, asOf: date)
            return o.isPositive ? total + o.cents : total
        }
        #expect(perf.team.open.cents == open)
        #expect(perf.rows.reduce(0) { $0 + $1.accounts } == 2_400)
    }
}
