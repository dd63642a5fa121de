import TextSafety
import Receivables
import TerminalKit
import Wording

/// The payment plan's lines, each date and amount editable; saved only when they sum exactly to the
/// invoices' open amount and the dates follow each other.
public struct ScheduleScreen: Screen {
    let customerId: String
    let customerName: String
    let invoices: [String]
    let target: Money
    public var dates: [String]
    public var amounts: [String]
    /// Row and column (0 = date, 1 = amount) of the cell being edited.
    public var row = 0
    public var column = 1
    var errors: [Int: String] = [:]
    var formError: String?
    /// The line whose amount was just typed: leaving it with the lines no longer adding up offers to spread the
    /// difference over the lines after it (issue 16).
    var editedAmount: Int?
    var offer: String?
    /// The low down payment was asked about once (F2 again saves).
    var downPaymentConfirmed = false

    init(customerId: String, customerName: String, invoices: [String], target: Money, lines: [PaymentPlan.Instalment]) {
        self.customerId = customerId; self.customerName = customerName; self.invoices = invoices; self.target = target
        dates = lines.map(\.date.iso)
        amounts = lines.map { $0.amount.formatted(symbol: false) }
    }

    public var title: String { tr("Payment plan schedule") }
    public var screenID: ScreenID { .schedule }

    public mutating func prepare(session: Session) {}

    /// The lines as typed, or the first problem per line.
    func parsed() -> ([PaymentPlan.Instalment], [Int: String]) {
        var lines: [PaymentPlan.Instalment] = [], problems: [Int: String] = [:]
        for i in dates.indices {
            do {
                let d = try CalendarDate.parse(dates[i]), a = try Money.parse(amounts[i])
                if !a.isPositive { problems[i] = tr("the amount must be above zero") }
                if let previous = lines.last, d <= previous.date { problems[i] = tr("{date} is not after the line before", ["date": d.french]) }
                lines.append(.init(date: d, amount: a))
            } catch { problems[i] = error.message }
        }
        return (lines, problems)
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        func edit(_ body: (inout String) -> Void) {
            if column == 0 { body(&dates[row]) } else { body(&amounts[row]); editedAmount = row }
            errors[row] = nil
            formError = nil
            offer = nil; spreadFrom = nil
            if row == 0 && column == 1 { downPaymentConfirmed = false }
        }
        switch command {
        case .nextField, .previousField, .up, .down: offerSpread()
        case .spread: return spread()
        default: break
        }
        switch command {
        case .back: return .pop
        case .spread: break
        case .nextField:
            if column == 0 { column = 1 } else { column = 0; row = (row + 1) % dates.count }
        case .previousField:
            if column == 1 { column = 0 } else { column = 1; row = (row + dates.count - 1) % dates.count }
        case .up: row = max(0, row - 1)
        case .down: row = min(dates.count - 1, row + 1)
        case .left: column = 0
        case .right: column = 1
        case .insert(let c):
            // A date or an amount: no control characters, and no longer than its cell shows.
            guard Safe.isClean(String(c)) else { return .none }
            edit { if TextWidth.of($0) < (column == 0 ? 12 : 14) - 1 { $0.append(c) } }
        case .toggle: edit { if TextWidth.of($0) < (column == 0 ? 12 : 14) - 1 { $0.append(" ") } }
        case .backspace: edit { if !$0.isEmpty { $0.removeLast() } }
        case .save: return save(session: session)
        default: break
        }
        return .none
    }

    /// After an amount was changed: when the lines no longer add up and lines follow, says Ctrl-R spreads it.
    private mutating func offerSpread() {
        guard let edited = editedAmount else { return }
        editedAmount = nil
        let (lines, problems) = parsed()
        guard problems.isEmpty, lines.count == dates.count, edited < lines.count - 1 else { return }
        let difference = target - lines.sum(\.amount)
        guard !difference.isZero else { return }
        let n = lines.count - 1 - edited
        offer = trn("Off by {amount}: Ctrl-R spreads it over the {count} instalment after this one",
                    "Off by {amount}: Ctrl-R spreads it over the {count} instalments after this one", count: n, ["amount": difference.formatted])
        spreadFrom = edited
    }
    private var spreadFrom: Int?

    /// Spreads what the lines lack (or have too much) over the lines after the one edited, in equal cents, the
    /// remainder on the last; every line stays above zero.
    private mutating func spread() -> ScreenAction {
        // Only what the offer said (an outside attack: Ctrl-R later used a stale line and overwrote a value typed since).
        guard offer != nil, let from = spreadFrom else { return .status(.error(tr("Nothing to spread: change an amount, then leave its cell"))) }
        let (lines, problems) = parsed()
        guard problems.isEmpty else { return .status(.error(tr("Correct the lines marked in red first"))) }
        let difference = target - lines.sum(\.amount)
        guard !difference.isZero else { offer = nil; return .status(.info(tr("The lines already add up"))) }
        let following = Array((from + 1)..<lines.count)
        guard !following.isEmpty else { return .status(.error(tr("No line after line {line} to spread over", ["line": "\(from + 1)"]))) }
        let share = difference.cents / Int64(following.count)
        let remainder = difference.cents - share * Int64(following.count)
        var updated = lines
        for (k, i) in following.enumerated() {
            updated[i].amount = Money(cents: lines[i].amount.cents + share + (k == following.count - 1 ? remainder : 0))
        }
        guard following.allSatisfy({ updated[$0].amount.isPositive }) else {
            return .status(.error(tr("Spreading {amount} would leave a line at zero or below: change the amounts by hand", ["amount": difference.formatted])))
        }
        for i in following { amounts[i] = updated[i].amount.formatted(symbol: false) }
        offer = nil; spreadFrom = nil; formError = nil; downPaymentConfirmed = false
        return .status(.info(trn("Spread {amount} over the {count} instalment after it", "Spread {amount} over the {count} instalments after it",
                                   count: following.count, ["amount": difference.formatted])))
    }

    mutating func save(session: Session) -> ScreenAction {
        let (lines, problems) = parsed()
        errors = problems
        if let first = lines.first, let p = Rules.notInPast(first.date, today: session.today) { errors[0] = errors[0] ?? p.message }
        guard errors.isEmpty else {
            row = errors.keys.min()!
            return .status(.error(tr("Not saved: correct the lines marked in red")))
        }
        let sum = lines.sum(\.amount)
        guard sum == target else {
            formError = tr("the lines sum to {sum}, the invoices to {target}: difference {difference}", ["sum": sum.formatted, "target": target.formatted, "difference": (target - sum).formatted])
            return .status(.error(tr("{prefix}: {problem}", ["prefix": tr("Not saved"), "problem": formError!])))
        }
        // The policy's down payment, asked here too: the schedule can change what the terms form checked.
        let range = session.book.policy.downPaymentPercent
        if let down = lines.first?.amount, down.times(100) < target.times(Int64(range.min)), !downPaymentConfirmed {
            downPaymentConfirmed = true
            return .status(.error(tr("Down payment is {share} % (policy: {min}-{max} %): F2 again to save anyway",
                                             ["share": "\(PlanBuilder.downPaymentPercent(down, of: target))", "min": "\(range.min)", "max": "\(range.max)"])))
        }
        let me = self
        let target = target
        return .commit(Commit { book in
                let plan = PaymentPlan(id: newId("ECH"), customerId: me.customerId, invoices: me.invoices, createdOn: session.today,
                                       schedule: lines, user: session.user.id)
                try book.validate(plan: plan)
                // A plan replaces the promises on its items (issue 16: both stood, and the agenda showed "Promise due" and
                // "Plan defaulted" on one account); the history says so.
                let replaced = book.openPromises(of: me.customerId, asOf: session.today).filter { !Set($0.invoices).isDisjoint(with: me.invoices) }
                let event = ActivityEvent.plan(down: lines[0].amount, downDate: lines[0].date, instalments: lines.count - 1, lastDate: lines.last!.date,
                                               total: plan.total, replaced: replaced.map(ActivityEvent.Commitment.promise))
                return (.batch(changes: [.createPlan(plan: plan)] + replaced.map { .closePromise(id: $0.id, closure: .superseded) } + [.logActivity(activity: Activity(
                    id: newId("ACT"), at: Timestamp.now(), date: session.today, user: session.user.id, customerId: me.customerId,
                    invoices: me.invoices, channel: .phone, event: event))]),
                    { .popMany(2, .info(tr("Saved: payment plan of {amount} in {count} lines", ["amount": target.formatted, "count": "\(lines.count)"]))) })
        })
    }

    public mutating func commitFailed(_ message: String, prefix: String) -> ScreenAction {
        formError = message
        return .status(.error(tr("{prefix}: {problem}", ["prefix": prefix, "problem": message])))
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let rows = terminal.size.rows
        canvas.titleBar(title, session: session)
        canvas.text(" " + tr("Payment plan — {customer}", ["customer": customerName]) + " · " + trn("{count} invoice", "{count} invoices", count: invoices.count)
                    + " · \(target.formatted)", row: 1, style: .accent)
        canvas.text(" " + clip(tr("Tab moves between cells · type to change a date or an amount · F2 saves · Esc goes back to the terms"), width: terminal.size.columns - 2), row: 2, style: .dim)
        canvas.text("   " + TextWidth.pad(tr("Line", context: "schedule"), to: 15) + TextWidth.pad(tr("Date", context: "schedule"), to: 14) + tr("Amount", context: "schedule"), row: 4, style: Style(underline: true))
        let (lines, _) = parsed()
        var r = 5
        let window = ListView.window(showing: row, of: dates.count, visible: max(3, rows - 12))
        let top = window.lowerBound
        // The cursor at the end of the cell being typed (amounts are aligned right: just after them).
        if window.contains(row) {
            terminal.setCursor((5 + row - top, column == 0 ? 18 + min(11, TextWidth.of(dates[row])) : 46))
        }
        for i in window {
            let label = i == 0 ? tr("down payment", context: "schedule") : tr("instalment {number}", ["number": "\(i)"])
            canvas.text("   " + TextWidth.pad(label, to: 14), row: r, style: errors[i] != nil ? .error : .plain)
            let dateStyle: Style = i == row && column == 0 ? Style(reverse: true) : .plain
            let amountStyle: Style = i == row && column == 1 ? Style(reverse: true) : .plain
            terminal.put(TextWidth.pad(dates[i], to: 12), row: r, column: 18, style: dateStyle)
            terminal.put(TextWidth.pad(amounts[i], to: 14, alignRight: true), row: r, column: 32, style: amountStyle)
            if errors[i] != nil { terminal.put(" ✗", row: r, column: 47, style: .error) }
            r += 1
        }
        let sum = lines.count == dates.count ? lines.sum(\.amount) : nil
        r += 1
        if let sum {
            let difference = target - sum
            let pct = PlanBuilder.downPaymentPercent(lines.first?.amount ?? .zero, of: target)
            canvas.text(" " + tr("Sum {sum} · invoices {target} · difference {difference} · down payment {share} %",
                                 ["sum": sum.formatted, "target": target.formatted, "difference": difference.formatted, "share": "\(pct)"]),
                        row: r, style: difference.isZero ? .good : .error)
        } else {
            canvas.text(" " + tr("Sum: correct the lines marked in red"), row: r, style: .error)
        }
        r += 1
        if let e = formError { canvas.text(" ✗ \(e)", row: r, style: .error); r += 1 }
        if let o = offer { canvas.text(" " + o, row: r, style: .dueSoon); r += 1 }
        for (i, e) in errors.sorted(by: { $0.key < $1.key }) where r < rows - 2 {
            let which = i == 0 ? tr("down payment", context: "schedule") : tr("instalment {number}", ["number": "\(i)"])
            canvas.text(" ↳ " + tr("{field}: {problem}", ["field": which, "problem": e]), row: r, style: .error)
            r += 1
        }
        canvas.keyBar(self, session: session)
    }
}
