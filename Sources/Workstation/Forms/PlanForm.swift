import Receivables
import TerminalKit
import Wording

/// A payment plan's terms (échéancier): the invoices, the down payment (by default the middle of the policy's
/// range), the number of instalments, the period, the first date. A valid save opens the schedule, every line
/// editable (`ScheduleScreen`), which saves the plan.
struct PlanForm: FormKind {
    let customerId: String
    let customerName: String
    var title: String { tr("Payment plan") }
    var extraRows: Int { 3 }

    static func fields(_ session: Session, _ customerId: String) -> [FormField] {
        var invoices = FormParts.invoiceField(session, customerId, label: tr("Invoices", context: "field"))
        // Disputed amounts stay out of a plan by default (they may be credited); ticking them is the user's choice.
        // Items already in an active plan are never ticked (a second plan on them is refused).
        let planned = Set(session.book.activePlans(of: customerId, asOf: session.today).flatMap(\.invoices))
        invoices.picked = Set(invoices.invoiceChoices.map(\.number).filter { session.book.disputedAmount($0).isZero && !planned.contains($0) })
        var period = FormField(id: .period, label: tr("Period", context: "field"), kind: .choice(PlanBuilder.Period.allCases.map { .init($0.rawValue, $0 == .weekly ? tr("weekly") : tr("monthly")) }))
        period.choice = 1   // monthly
        return [invoices,
                FormField(id: .down, label: tr("Down payment", context: "field"), kind: .amount),
                FormField(id: .downDate, label: tr("Down payment date", context: "field"), kind: .date, text: session.today.iso),
                FormField(id: .count, label: tr("Instalments", context: "field"), kind: .number, text: "3"),
                period,
                FormField(id: .first, label: tr("First instalment", context: "field"), kind: .date, text: session.today.adding(months: 1).iso)]
    }

    mutating func followDefaults(_ fields: inout Fields, session: Session) {
        guard !fields[.down].edited else { return }
        // 25 %: the middle of the policy's 20-30 % range.
        let range = session.book.policy.downPaymentPercent
        fields[.down].set(fields[.invoices].pickedTotal.scaled(by: Int64((range.min + range.max) / 2), over: 100).formatted(symbol: false))
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {
        do { _ = try Self.schedule(fields, session: session) } catch { fields.fail(.down, error.message) }
    }

    static func schedule(_ fields: Fields, session: Session) throws(DomainError) -> [PaymentPlan.Instalment] {
        guard let down = fields[.down].money, let downDate = fields[.downDate].date, let count = Int(fields[.count].text.trimmed),
              let first = fields[.first].date else { throw .said(tr("complete the fields above")) }
        if let p = Rules.notInPast(downDate, today: session.today) { throw .about(.downPaymentDate, .rule(p)) }
        return try PlanBuilder.schedule(total: fields[.invoices].pickedTotal, downPayment: down, downPaymentDate: downDate, count: count,
                                        period: fields[.period].selectedChoice == "weekly" ? .weekly : .monthly, firstInstalment: first)
    }

    func questions(_ fields: Fields, session: Session) -> [String] {
        var out: [String] = []
        // A plan replaces the promises on its items: one that also holds items outside the plan is said first
        // (an outside attack: a plan on one item silently cancelled a promise on four).
        let picked = Set(fields[.invoices].pickedInvoices)
        for p in session.book.openPromises(of: customerId, asOf: session.today) where !Set(p.invoices).isDisjoint(with: picked) {
            let outside = p.invoices.filter { !picked.contains($0) }
            guard let first = outside.first else { continue }
            out.append(tr("The plan replaces the promise of {amount}, on {invoices} too: F2 again", ["amount": p.amount.formatted, "invoices": first + (outside.count > 1 ? " +\(outside.count - 1)" : "")]))
        }
        if let down = fields[.down].money {
            let total = fields[.invoices].pickedTotal
            let range = session.book.policy.downPaymentPercent
            // Exact comparison in cents: 19.999 % is below 20 %, whatever the rounding of the figure shown.
            if down.times(100) < total.times(Int64(range.min)) {
                out.append(tr("Down payment is {share} % (policy: {min}-{max} %): press F2 again to continue anyway",
                           ["share": "\(PlanBuilder.downPaymentPercent(down, of: total))", "min": "\(range.min)", "max": "\(range.max)"]))
            }
        }
        return out
    }

    /// Terms first, then every line, editable, before anything is saved.
    func submit(_ fields: Fields, session: Session) -> ScreenAction? {
        guard let lines = try? Self.schedule(fields, session: session) else { return nil }
        return .push(ScheduleScreen(customerId: customerId, customerName: customerName, invoices: fields[.invoices].pickedInvoices,
                                    target: fields[.invoices].pickedTotal, lines: lines))
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        throw .said(tr("a plan is saved from its schedule screen"))   // submit() opens it
    }

    /// The schedule the terms give, under the fields.
    func extraLines(_ fields: Fields, session: Session, width: Int) -> [(String, Style)] {
        do {
            let lines = try Self.schedule(fields, session: session)
            let pct = PlanBuilder.downPaymentPercent(lines[0].amount, of: fields[.invoices].pickedTotal)
            let out: [(String, Style)] = [(tr("Schedule (sums to {total}, down payment {share} %):", ["total": lines.sum(\.amount).formatted, "share": "\(pct)"]), .bold)]
            let parts = lines.enumerated().map { i, l in "\(i == 0 ? tr("down", context: "schedule") : "#\(i)") \(l.date.short) \(l.amount.formatted)" }
            return out + flow(parts, width: width - 4).map { ("  " + $0, .plain) }
        } catch { return [(tr("Schedule: {problem}", ["problem": error.message]), .dim)] }
    }
}
