/// Team performance (issue 20): a row of figures per collector and one for the team, at a date. Formulas and
/// sources in docs/PERFORMANCE-FIGURES.md.
///
/// Attribution follows each customer's assignment on each day (`Customer.collector(on:)`): a stock or a ratio at a
/// date (the overdue portfolio, DSO, BPDSO, the month-end balances of the CEI) counts the customers a collector held
/// on that date; a flow (a call, a promise, a payment) counts for whoever held the customer on the day it happened. So
/// a reassigned account's history stays with who collected it then.
public struct TeamPerformance: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// The collector's user id; nil: accounts nobody collects (unassigned, or a disabled user's), and the team row.
        public var collector: String?
        public var accounts = 0
        /// Agenda calls still due today plus customers already called today.
        public var callsPlanned = 0
        /// Customers called today (a call or a visit by the collection team).
        public var callsDone = 0
        /// Promises made today.
        public var promisesCount = 0
        public var promisesAmount = Money.zero
        /// Promises judged in the last 90 days (their deadline, promised date + grace days, in the window).
        public var judgedCount = 0
        public var keptCount = 0
        public var judgedAmount = Money.zero
        /// What those promises received by their deadline, at most what each promised.
        public var keptAmount = Money.zero
        /// Payments received from the first of the month to the date.
        public var cashThisMonth = Money.zero
        public var overdue = Money.zero
        public var open = Money.zero
        /// Not yet due.
        public var current = Money.zero
        public var onAccount = Money.zero
        /// Invoiced in the 90 days to the date.
        public var sales90 = Money.zero
        public var cei = CEIParts()
        /// Month-end figures of the 12 months to the date (the last one is the date itself), oldest first.
        public var trend: [TrendPoint] = []

        /// Kept rate by count and by amount, tenths of a percent (nil: nothing judged).
        public var keptRateCount: Int? { judgedCount == 0 ? nil : Self.rate(Int64(keptCount), Int64(judgedCount)) }
        public var keptRateAmount: Int? { judgedAmount.isZero ? nil : Self.rate(keptAmount.cents, judgedAmount.cents) }
        /// DSO net of on-account money: (open − on account) / sales of 90 days × 90, tenths of a day.
        public var dso: Int? { Self.days(max(.zero, open - onAccount), sales90) }
        /// Best-possible DSO: current receivables / sales of 90 days × 90.
        public var bpdso: Int? { Self.days(current, sales90) }
        /// Average days delinquent: DSO − BPDSO.
        public var add: Int? { dso.flatMap { d in bpdso.map { d - $0 } } }

        static func days(_ m: Money, _ sales: Money) -> Int? { sales.isPositive ? Int(clamping: m.scaled(by: 900, over: sales.cents).cents) : nil }
        /// a / b in tenths of a percent, rounded half up.
        static func rate(_ a: Int64, _ b: Int64) -> Int { Int(clamping: Money(cents: a).scaled(by: 1000, over: b).cents) }

        var hasFigures: Bool {
            accounts > 0 || callsPlanned > 0 || promisesCount > 0 || judgedCount > 0 || !cashThisMonth.isZero || !open.isZero
                || !sales90.isZero || !cei.opening.isZero || !cei.sales.isZero || trend.contains { !$0.open.isZero }
        }

        mutating func add(_ o: Row) {
            accounts += o.accounts; callsPlanned += o.callsPlanned; callsDone += o.callsDone
            promisesCount += o.promisesCount; promisesAmount += o.promisesAmount
            judgedCount += o.judgedCount; keptCount += o.keptCount; judgedAmount += o.judgedAmount; keptAmount += o.keptAmount
            cashThisMonth += o.cashThisMonth; overdue += o.overdue; open += o.open; current += o.current; onAccount += o.onAccount
            sales90 += o.sales90; cei.add(o.cei)
            if trend.isEmpty { trend = o.trend } else { for i in trend.indices where i < o.trend.count { trend[i].add(o.trend[i]) } }
        }
    }

    /// The collection effectiveness index of a month: (opening + sales − closing − written off) / (opening + sales −
    /// closing current) × 100; write-offs are not collected.
    public struct CEIParts: Sendable, Equatable {
        public var month: CalendarDate?   // its first day
        public var opening = Money.zero
        public var sales = Money.zero
        public var closing = Money.zero
        public var closingCurrent = Money.zero
        public var writtenOff = Money.zero
        /// Tenths of a percent; nil when there was nothing to collect.
        public var value: Int? {
            let collectable = opening + sales - closingCurrent
            guard collectable.isPositive else { return nil }
            return Row.rate((opening + sales - closing - writtenOff).cents, collectable.cents)
        }
        mutating func add(_ o: CEIParts) {
            month = month ?? o.month
            opening += o.opening; sales += o.sales; closing += o.closing; closingCurrent += o.closingCurrent; writtenOff += o.writtenOff
        }
    }

    /// A month end's portfolio: DSO's terms and the aged buckets (not due, 1-30, 31-60, 61-90, over 90 days).
    public struct TrendPoint: Sendable, Equatable {
        public var date: CalendarDate
        public var open = Money.zero
        public var onAccount = Money.zero
        public var sales90 = Money.zero
        public var buckets = [Money](repeating: .zero, count: 5)
        public var overdue: Money { buckets.dropFirst().reduce(.zero, +) }
        public var dso: Int? { Row.days(max(.zero, open - onAccount), sales90) }
        mutating func add(_ o: TrendPoint) {
            open += o.open; onAccount += o.onAccount; sales90 += o.sales90
            for i in buckets.indices { buckets[i] += o.buckets[i] }
        }
        static func bucket(daysPastDue d: Int) -> Int { d <= 0 ? 0 : d <= 30 ? 1 : d <= 60 ? 2 : d <= 90 ? 3 : 4 }
    }

    public var date: CalendarDate
    /// One row per active collector (and supervisor holding accounts), by name; then the unassigned row if any.
    public var rows: [Row]
    public var team: Row

    public init(book: Book, date: CalendarDate, trendMonths: Int = 12) {
        self.date = date
        var rows: [String?: Row] = [:]
        @Sendable func owner(_ c: Customer, _ day: CalendarDate) -> String? {
            guard let id = c.collector(on: day), let u = book.users[id], u.isActive else { return nil }
            return id
        }
        // In place: a copy out and back made every row's trend be copied at each edit.
        func edit(_ key: String?, _ body: (inout Row) -> Void) { body(&rows[key, default: Row(collector: key)]) }
        for u in book.users.values where u.isActive && u.role == .collector { rows[u.id] = Row(collector: u.id) }

        let monthStart = CalendarDate(year: date.year, month: date.month, day: 1)!
        let lastMonthStart = date.day == CalendarDate.daysIn(month: date.month, year: date.year) ? monthStart : monthStart.adding(months: -1)
        let lastMonthEnd = lastMonthStart.adding(months: 1).adding(days: -1)
        let ceiOpenDay = lastMonthStart.adding(days: -1)
        let windowStart = date.adding(days: -89)
        let judgedFrom = date.adding(days: -89)
        let ends = (0..<trendMonths).reversed().map { k -> CalendarDate in
            k == 0 ? date : CalendarDate(year: date.year, month: date.month, day: 1)!.adding(months: -k + 1).adding(days: -1)
        }

        // The customers on every core, each piece with rows of its own, added together after (sums: the same as
        // one pass over the book).
        let pieces = Chunks.map(book.customerOrder) { ids in
            var rows: [String?: Row] = [:]
            func edit(_ key: String?, _ body: (inout Row) -> Void) { body(&rows[key, default: Row(collector: key)]) }
            for id in ids {
                guard let c = book.customers[id] else { continue }
                let today = owner(c, date)
                edit(today) { $0.accounts += 1 }
                let ceiOwner = owner(c, lastMonthEnd)
                var trend = ends.map { TrendPoint(date: $0) }
                let trendOwners = ends.map { owner(c, $0) }
                // The customer's items summed here, then added to the rows once (a row looked up per item was a third of
                // this report at 100,000 invoices, issue 23).
                var open = Money.zero, overdue = Money.zero, current = Money.zero, sales90 = Money.zero
                var cei = CEIParts(), ceiTouched = false
                for (inv, settlements) in book.invoicesWithSettlements(of: id) {
                    func openAmount(asOf day: CalendarDate) -> Money { Book.openAmount(of: inv, settlements: settlements, asOf: day) }
                    let itemOpen = openAmount(asOf: date)
                    if itemOpen.isPositive {
                        open += itemOpen
                        if inv.dueDate < date { overdue += itemOpen } else { current += itemOpen }
                    }
                    if inv.issueDate >= windowStart && inv.issueDate <= date { sales90 += inv.amount }
                    // The CEI's month, for who held the customer at its end.
                    let opening = openAmount(asOf: ceiOpenDay)
                    let closing = openAmount(asOf: lastMonthEnd)
                    let sold = inv.issueDate >= lastMonthStart && inv.issueDate <= lastMonthEnd ? inv.amount : .zero
                    var written = Money.zero
                    for s in settlements where s.date >= lastMonthStart && s.date <= lastMonthEnd {
                        if case .writeOff = s.kind { written += s.amount }
                    }
                    if !opening.isZero || !closing.isZero || !sold.isZero || !written.isZero {
                        ceiTouched = true
                        cei.opening += opening; cei.sales += sold; cei.closing += closing; cei.writtenOff += written
                        if inv.dueDate >= lastMonthEnd { cei.closingCurrent += closing }
                    }
                    for (k, end) in ends.enumerated() {
                        let o = openAmount(asOf: end)
                        if o.isPositive {
                            trend[k].open += o
                            trend[k].buckets[TrendPoint.bucket(daysPastDue: inv.dueDate.days(until: end))] += o
                        }
                        if inv.issueDate >= end.adding(days: -89) && inv.issueDate <= end { trend[k].sales90 += inv.amount }
                    }
                }
                edit(today) { r in r.open += open; r.overdue += overdue; r.current += current; r.sales90 += sales90 }
                if ceiTouched {
                    edit(ceiOwner) { r in
                        r.cei.opening += cei.opening; r.cei.sales += cei.sales; r.cei.closing += cei.closing
                        r.cei.writtenOff += cei.writtenOff; r.cei.closingCurrent += cei.closingCurrent
                    }
                }
                let onAccounts = book.onAccount(of: id, asOf: [date] + ends)
                let onAccount = onAccounts[0]
                if !onAccount.isZero { edit(today) { $0.onAccount += onAccount } }
                for k in ends.indices { trend[k].onAccount = onAccounts[k + 1] }
                // Each month end's point goes to who held the customer then.
                for (k, o) in trendOwners.enumerated() {
                    edit(o) { r in
                        if r.trend.isEmpty { r.trend = ends.map { TrendPoint(date: $0) } }
                        r.trend[k].add(trend[k])
                    }
                }
                for p in book.payments(of: id) where p.isCash && p.date >= monthStart && p.date <= date {
                    edit(owner(c, p.date)) { $0.cashThisMonth += p.amount }
                }
                for p in book.promises(of: id) {
                    if p.madeOn == date, p.closedAs == nil {
                        edit(owner(c, p.madeOn)) { $0.promisesCount += 1; $0.promisesAmount += p.amount }
                    }
                    let deadline = book.deadline(of: p)
                    guard deadline >= judgedFrom, deadline < date else { continue }
                    let state = book.state(of: p, asOf: date)
                    guard state == .kept || state == .partiallyKept || state == .broken else { continue }
                    let received = min(p.amount, book.paidTowards(p, through: deadline))
                    edit(owner(c, p.madeOn)) { r in
                        r.judgedCount += 1; r.judgedAmount += p.amount; r.keptAmount += received
                        if state == .kept { r.keptCount += 1 }
                    }
                }
                if book.digest(of: id).lastCall == date { edit(today) { $0.callsDone += 1; $0.callsPlanned += 1 } }
            }
            return rows
        }
        for piece in pieces { for (key, row) in piece { edit(key) { $0.add(row) } } }
        // Calls still due today: the agenda's call lines (a customer called today is off it, and counted above).
        for line in Agenda(book: book, date: date, collector: nil).calls {
            guard let c = book.customers[line.customerId] else { continue }
            edit(owner(c, date)) { $0.callsPlanned += 1 }
        }
        for k in rows.keys where rows[k]!.trend.isEmpty { rows[k]!.trend = ends.map { TrendPoint(date: $0) } }
        for k in rows.keys { rows[k]!.cei.month = lastMonthStart }
        let named = rows.values.filter { $0.collector != nil }.sorted {
            let a = book.users[$0.collector!]?.name ?? $0.collector!, b = book.users[$1.collector!]?.name ?? $1.collector!
            return (a, $0.collector!) < (b, $1.collector!)
        }
        self.rows = named + (rows[nil].map { $0.hasFigures ? [$0] : [] } ?? [])
        var team = Row(collector: nil)
        for r in self.rows { team.add(r) }
        team.cei.month = lastMonthStart
        if team.trend.isEmpty { team.trend = ends.map { TrendPoint(date: $0) } }
        self.team = team
    }
}
