import DemoData
import Foundation
import Interchange
import Receivables

/// A collections department run day by day on a book (issue 10), to check what a collector trusts the dunning
/// engine for. A scripted collector sends every letter of the day (as `relance letters --mark-sent` records
/// them), logs every call (some promise, some dispute, some do not answer), a supervisor decides every litigation
/// review, and customers pay some items. Every day the rules are checked:
/// - one letter per customer per day (the letters are asked for twice: the second run finds nothing), and at least
///   the minimum interval between two letters to one customer;
/// - each item of a letter climbs exactly one level after its due date (never a skip, never back), courtesy
///   letters only on items not yet due, and at least the policy's minimum interval after its last letter;
/// - no letter on a paid, disputed, promised, planned or handed-over item;
/// - every large overdue item is called at least every `callEveryDays` days until it is settled, held or handed over.
/// It runs in process on the in-memory store (`MemoryStore`): every change is committed through it, so it passes
/// `Book.applyNew`, the rules every door of the store applies.
public struct DunningSimulation {
    public struct Report: Sendable {
        public var days = 0
        public var letters = 0
        public var lettersByLevel: [Int: Int] = [:]
        public var calls = 0
        public var promises = 0
        public var plans = 0
        public var disputes = 0
        public var payments = 0
        public var decisions: [String: Int] = [:]
        public var largeItemsWatched = 0
        public var longestCallGap = 0
        public var violations: [String] = []

        public var summary: String {
            let levels = lettersByLevel.keys.sorted().map { "level \($0): \(lettersByLevel[$0]!)" }.joined(separator: ", ")
            let decided = decisions.keys.sorted().map { "\($0) \(decisions[$0]!)" }.joined(separator: ", ")
            return "\(days) days: \(letters) letters (\(levels)), \(calls) calls, \(promises) promises, \(plans) plans, \(disputes) disputes, "
                + "\(payments) payments, litigation decisions: \(decided.isEmpty ? "none" : decided); \(largeItemsWatched) large overdue items watched, "
                + "longest gap between calls \(longestCallGap) d; \(violations.count) violation\(violations.count == 1 ? "" : "s")"
        }
    }

    public let store: MemoryStore
    public var book: Book { store.book }
    public var start: CalendarDate
    public var days: Int
    var random: SeededRandom
    let collector = "amelie"
    let supervisor: String

    public init(book: Book, start: CalendarDate, days: Int, seed: UInt64) {
        store = MemoryStore(book: book); self.start = start; self.days = days
        random = SeededRandom(seed: seed)
        supervisor = book.users.values.filter { $0.role == .supervisor }.map(\.id).sorted().first ?? "helene"
    }

    /// A demo book as `relance demo` makes it, with its history.
    public static func demoBook(customers: Int, seed: UInt64, today: CalendarDate) throws -> Book {
        try DemoGenerator(customers: customers, seed: seed, today: today).book()
    }

    /// The same customers and open invoices as a company's first import: no history, except the dunning levels an
    /// earlier tool reached on some items (`dunning_level,last_dunned` columns).
    public static func importedBook(from demo: Book, today: CalendarDate) throws -> Book {
        var book = Book()
        // The first supervisor first (a book without users refuses nobody), then the rest of the team, as that supervisor.
        let supervisor = demo.users.values.filter { $0.role == .supervisor }.map(\.id).sorted().first ?? "helene"
        for u in demo.users.values.sorted(by: { ($0.id == supervisor ? "" : $0.id) < ($1.id == supervisor ? "" : $1.id) }) { try book.applyNew(.upsertUser(user: u), by: supervisor) }
        var customers = "id,name,collector\n"
        for id in demo.customerOrder { customers += "\(id),\"\(demo.customers[id]!.name)\",\(demo.customers[id]!.collector ?? "")\n" }
        try book.applyNew(try Importer.plan(.customers, data: Data(customers.utf8), file: "customers.csv", book: book, user: supervisor).change!, by: supervisor)
        var invoices = "number,customer_id,issue_date,due_date,amount,dunning_level,last_dunned\n"
        for (k, inv) in demo.invoices.values.sorted(by: { $0.number < $1.number }).enumerated() {
            let open = demo.openAmount(inv.number)
            guard open.isPositive else { continue }
            // One overdue item in four comes with its first reminder sent ten days after its due date.
            let carried = k % 4 == 0 && inv.dueDate.adding(days: 10) < today
            invoices += "\(inv.number),\(inv.customerId),\(inv.issueDate.iso),\(inv.dueDate.iso),\(open.plain),"
                + (carried ? "1,\(inv.dueDate.adding(days: 10).iso)\n" : ",\n")
        }
        try book.applyNew(try Importer.plan(.invoices, data: Data(invoices.utf8), file: "invoices.csv", book: book, user: supervisor).change!, by: supervisor)
        return book
    }

    /// Runs the days and returns what happened and every rule broken.
    public mutating func run() -> Report {
        var report = Report()
        var lastEligible: [String: CalendarDate] = [:]   // large overdue items: since when they wait for a call
        var n = 0
        func id(_ p: String) -> String { n += 1; return "\(p)-SIM-\(n)" }
        for d in 0..<days {
            let date = start.adding(days: d)
            report.days += 1
            // Plans: the instalment due today is paid most of the time, spread over the plan's items in order.
            for plan in book.plans.values.sorted(by: { $0.id < $1.id }) where book.status(of: plan, asOf: date).state == .active {
                guard let line = plan.schedule.first(where: { $0.date == date }), random.int(1...100) <= 80 else { continue }
                var left = line.amount
                var allocations: [Allocation] = []
                for n in plan.invoices where left.isPositive {
                    let take = min(left, book.openAmount(n))
                    if take.isPositive { allocations.append(Allocation(invoice: n, amount: take)); left -= take }
                }
                guard !allocations.isEmpty else { continue }
                apply(.recordPayment(payment: Payment(id: id("INST"), customerId: plan.customerId, date: date, amount: allocations.reduce(.zero) { $0 + $1.amount },
                                                      allocations: allocations)), &report, "instalment", as: supervisor)   // an imported bank line
                report.payments += 1
            }
            // Customers pay: a promised item on its date most of the time, any other one now and then.
            for inv in book.invoices.values.sorted(by: { $0.number < $1.number }) {
                let open = book.openAmount(inv.number)
                guard open.isPositive, inv.issueDate <= date else { continue }
                let promised = book.openPromises(of: inv.customerId, asOf: date).contains { $0.invoices.contains(inv.number) && $0.promisedDate == date }
                guard promised ? random.int(1...100) <= 70 : random.int(1...100) <= 1 else { continue }
                apply(.recordPayment(payment: Payment(id: id("PAY"), customerId: inv.customerId, date: date, amount: open,
                                                      allocations: [Allocation(invoice: inv.number, amount: open)])), &report, "payment", as: supervisor)
                report.payments += 1
            }
            let agenda = Agenda(book: book, date: date, collector: nil)
            // Letters, as `letters --mark-sent` writes and records them.
            do {
                let letters = try LetterWriter.letters(for: agenda, book: book)
                var perCustomer: [String: Int] = [:]
                for l in letters { perCustomer[l.line.customerId, default: 0] += 1 }
                for (c, k) in perCustomer where k > 1 { report.violations.append("\(date.iso) \(c): \(k) letters in one day") }
                for l in letters {
                    check(letter: l, date: date, &report)
                    for a in l.activities(user: collector, date: date, at: "sim", policy: book.policy) { apply(.logActivity(activity: a), &report, "letter") }
                    report.letters += 1
                    report.lettersByLevel[l.items.map(\.level).max() ?? 0, default: 0] += 1
                }
                let again = try LetterWriter.letters(for: Agenda(book: book, date: date, collector: nil), book: book)
                if !again.isEmpty { report.violations.append("\(date.iso): \(again.count) letter(s) offered again after sending the day's letters") }
            } catch { report.violations.append("\(date.iso): letters failed: \(error)") }

            // Calls: every call line is made.
            for line in agenda.calls { call(line, date: date, id: id, &report) }
            // Litigation reviews: the supervisor decides.
            for line in agenda.written where line.channel == .litigationReview {
                let roll = random.next() % 10
                let outcome: LitigationDecision.Outcome = roll < 5 ? .collectionAgency : roll < 8 ? .amicable : .writeOff
                let decision = LitigationDecision(id: id("LIT"), customerId: line.customerId, invoices: line.reasons[0].invoices, date: date,
                                                  user: supervisor, outcome: outcome, reason: outcome == .writeOff ? "insolvent" : nil,
                                                  reviewAgainOn: outcome == .amicable ? date.adding(days: 30) : nil)
                apply(.decideLitigation(decision: decision), &report, "decision", as: supervisor)
                report.decisions[outcome.rawValue, default: 0] += 1
            }
            watchCalls(date: date, lastEligible: &lastEligible, &report)
        }
        if report.violations.count > 50 { report.violations = Array(report.violations.prefix(50)) + ["…"] }
        return report
    }

    /// Commits as the collector, or as `author` (the supervisor imports payments and decides the reviews).
    mutating func apply(_ change: Change, _ report: inout Report, _ what: String, as author: String? = nil) {
        do { try store.commit(user: author ?? collector, change) } catch { report.violations.append("\(what) refused: \(error)") }
    }

    /// The collector's call: a promise, a dispute, no answer (call back in 2 days) or a payment announced.
    mutating func call(_ line: AgendaLine, date: CalendarDate, id: (String) -> String, _ report: inout Report) {
        report.calls += 1
        let items = Set(line.reasons.flatMap(\.invoices)).filter { n in
            book.openAmount(n).isPositive && !book.isInLitigation(n) && !book.isHeld(n, asOf: date) && !book.isDisputed(n)
        }.sorted()
        let roll = random.next() % 100
        var outcome: Activity.Outcome = .reached
        var next: CalendarDate?
        if roll < 30, !items.isEmpty {
            outcome = .promised
            let total = items.reduce(Money.zero) { $0 + book.openAmount($1) }
            // Half the promises are for part of the debt (issue 16): they hold only what they cover, the oldest items
            // first, and the rest stays claimed; the calls on it must keep their interval (`watchCalls`).
            let share = random.next() % 2 == 0 ? 100 : Int64(20 + random.next() % 60)
            let amount = max(Money(cents: 1), total.scaled(by: share, over: 100))
            let oldest = items.compactMap { book.invoices[$0] }.sorted { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) }
            let covers = Promise.covers(amount, over: oldest.map { ($0.number, book.openAmount($0.number)) })
            apply(.makePromise(promise: Promise(id: id("PRM"), customerId: line.customerId, invoices: covers.map(\.invoice), amount: amount,
                                                promisedDate: date.adding(days: 7 + Int(random.next() % 8)), madeOn: date, user: collector,
                                                covers: covers),
                               // An open promise for part of these items is seen on the form and replaced, as a
                               // collector does.
                               supersedes: book.openPromises(of: line.customerId, asOf: date)
                                   .filter { !Set($0.invoices).isDisjoint(with: covers.map(\.invoice)) }.map(\.id)), &report, "promise")
            report.promises += 1
        } else if roll < 45, let first = items.first {
            outcome = .disputed
            apply(.openDispute(dispute: Dispute(id: id("DSP"), customerId: line.customerId, lines: [Allocation(invoice: first, amount: book.openAmount(first))],
                                                reasonCode: "PRICE", ownerDepartment: "sales", openedOn: date,
                                                followUpDate: date.adding(days: 10), user: collector)), &report, "dispute")
            report.disputes += 1
        } else if roll < 50, items.count >= 1 {
            // A payment plan: a quarter down in a week, the rest in three monthly instalments.
            outcome = .reached
            let total = items.reduce(Money.zero) { $0 + book.openAmount($1) }
            if total.cents >= 400, let schedule = try? PlanBuilder.schedule(total: total, downPayment: total.scaled(by: 1, over: 4),
                    downPaymentDate: date.adding(days: 7), count: 3, period: .monthly, firstInstalment: date.adding(months: 1)) {
                // The plan replaces the open promises on its items, as the workstation's plan does.
                let replaced = book.openPromises(of: line.customerId, asOf: date).filter { !Set($0.invoices).isDisjoint(with: items) }
                apply(.batch(changes: [.createPlan(plan: PaymentPlan(id: id("PLAN"), customerId: line.customerId, invoices: items, createdOn: date,
                                                                     schedule: schedule, user: collector))]
                             + replaced.map { .closePromise(id: $0.id, closure: .superseded) }), &report, "plan")
                report.plans += 1
            }
        } else if roll < 85 {
            outcome = .noAnswer
            next = date.adding(days: 2)
        }
        apply(.logActivity(activity: Activity(id: id("CALL"), at: "sim", date: date, user: collector, customerId: line.customerId,
                                              invoices: items, channel: .phone, outcome: outcome, nextActionDate: next)), &report, "call")
    }

    /// Every letter's items: one level up after due (level 0 before), the minimum interval, nothing held.
    func check(letter: LetterWriter.Letter, date: CalendarDate, _ report: inout Report) {
        if let last = book.digest(of: letter.line.customerId).lastLetter, last.days(until: date) < book.policy.minLetterIntervalDays {
            report.violations.append("\(date.iso) \(letter.line.customerId): a letter \(last.days(until: date)) days after the previous one to this customer")
        }
        for (number, level) in letter.items {
            guard let inv = book.invoices[number] else { continue }
            let at = "\(date.iso) \(letter.line.customerId) \(number)"
            if !book.openAmount(number).isPositive { report.violations.append("\(at): letter on a paid item") }
            if book.isDisputed(number) { report.violations.append("\(at): letter on a disputed item") }
            if book.isHeld(number, asOf: date) { report.violations.append("\(at): letter on a promised or planned item") }
            if book.isInLitigation(number) { report.violations.append("\(at): letter on an item in litigation") }
            if date > inv.dueDate {
                if level != inv.level + 1 { report.violations.append("\(at): level \(inv.level) -> \(level) (one level at a time)") }
            } else if level != inv.level || level != 0 {
                report.violations.append("\(at): letter before due at level \(level)")
            }
            if let last = inv.lastDunned, last.days(until: date) < book.policy.minLetterIntervalDays {
                report.violations.append("\(at): \(last.days(until: date)) days after the previous letter (minimum \(book.policy.minLetterIntervalDays))")
            }
        }
    }

    /// Large overdue items waiting for a call (past the overdue call's trigger, not held, disputed or in
    /// litigation): the customer must have been called within `callEveryDays` days, counting from when the item
    /// started waiting.
    func watchCalls(date: CalendarDate, lastEligible: inout [String: CalendarDate], _ report: inout Report) {
        let policy = book.policy
        guard let step = policy.overdueCallSteps.first else { return }
        var parts: [String: [String: Money]] = [:]
        for inv in book.invoices.values {
            // What is still claimed: the open amount less what an open promise holds of it.
            if parts[inv.customerId] == nil { parts[inv.customerId] = book.promisedParts(of: inv.customerId, asOf: date) }
            let open = book.openAmount(inv.number) - (parts[inv.customerId]?[inv.number] ?? .zero)
            let waiting = open.isPositive && policy.step(step, appliesTo: open) && date >= inv.dueDate.adding(days: step.days)
                && !book.isHeld(inv.number, asOf: date) && !book.isDisputed(inv.number) && !book.isInLitigation(inv.number)
            guard waiting else { lastEligible[inv.number] = nil; continue }
            if lastEligible[inv.number] == nil { lastEligible[inv.number] = date; report.largeItemsWatched += 1 }
            let since = max(lastEligible[inv.number]!, book.digest(of: inv.customerId).lastCall ?? lastEligible[inv.number]!)
            let gap = since.days(until: date)
            report.longestCallGap = max(report.longestCallGap, gap)
            if gap > policy.callIntervalDays {
                report.violations.append("\(date.iso) \(inv.customerId) \(inv.number): \(gap) days without a call (every \(policy.callIntervalDays))")
            }
        }
    }
}
