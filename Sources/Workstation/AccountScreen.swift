import Wording
import Receivables
import TerminalKit

/// One customer: exposure, open invoices largest first with the 80 % Pareto mark, contacts, history.
public struct AccountScreen: Screen {
    public let customerId: String
    var list = ListView()
    public var cursor: Int { list.cursor }
    private(set) var summary: AccountSummary?
    /// The account's whole history, newest first (the store may read it from disk), or why it could not be read.
    private(set) var history: [Activity] = []
    private(set) var historyProblem: String?
    /// Payments and credit notes received, on-account money first.
    private(set) var receipts: [Receipt] = []
    private var revision = -1

    public init(customerId: String) { self.customerId = customerId }

    public var title: String { "Account" }
    public var screenID: ScreenID { .account }
    /// `X` asks first: the promise or plan it would withdraw, until `X` is pressed again on the same one.
    private var pendingCancel: String?


    var items: [AccountSummary.ItemRow] { summary?.items ?? [] }
    var selectedInvoice: String? { items.indices.contains(cursor) ? items[cursor].invoice.number : nil }

    public mutating func prepare(session: Session) {
        guard session.book.revision != revision || summary == nil, session.book.customers[customerId] != nil else { return }
        let selected = selectedInvoice
        summary = AccountSummary(book: session.book, customerId: customerId, date: session.today)
        receipts = session.book.receipts(of: customerId)
        revision = session.book.revision
        do {
            history = try session.history(of: customerId)
            historyProblem = nil
        } catch {
            history = []
            historyProblem = "history could not be read: \(error)"
        }
        if let s = selected, let i = items.firstIndex(where: { $0.invoice.number == s }) { list.cursor = i }
        list.clamp(count: items.count)
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        if command != .cancelCommitment { pendingCancel = nil }
        if list.move(command, count: items.count) { return .none }
        switch command {
        case .quit, .back: return .pop
        case .note:
            if session.store.isReadOnly { return .status(.error("read-only session: nothing can be saved")) }
            return .push(FormScreen.note(customerId: customerId, session: session))
        case .letterCredit:
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            return letterCredit(session: session)
        case .history:
            return .push(HistoryScreen(customerId: customerId))
        case .cancelCommitment:
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            return cancelCommitment(session: session)
        case .litigation:
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            guard items.contains(where: { $0.daysPastDue > 0 && !session.book.isInLitigation($0.invoice.number) }) else {
                return .status(.error("No overdue invoice left in amicable follow-up"))
            }
            return .push(FormScreen.litigation(customerId: customerId, session: session))
        case .logCall, .promise, .dispute, .updateDispute, .plan, .waiveFees:
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            switch command {
            case .logCall: return .push(FormScreen.call(customerId: customerId, session: session))
            case .promise:
                guard !items.isEmpty else { return .status(.error("No open invoice to promise on")) }
                return .push(FormScreen.promise(customerId: customerId, session: session))
            case .dispute:
                guard !items.isEmpty else { return .status(.error("No open invoice to dispute")) }
                return .push(FormScreen.dispute(customerId: customerId, invoice: selectedInvoice, session: session))
            case .updateDispute:
                let active = session.book.activeDisputes(of: customerId)
                guard !active.isEmpty else { return .status(.error("No open dispute on this account")) }
                return .push(FormScreen.disputeUpdate(customerId: customerId, invoice: selectedInvoice, session: session))
            case .plan:
                guard !items.isEmpty else { return .status(.error("No open invoice to put in a plan")) }
                return .push(FormScreen.plan(customerId: customerId, session: session))
            default:
                guard let n = selectedInvoice, items[cursor].lateFees.total.isPositive || items[cursor].lateFees.waived else {
                    return .status(.error("The selected invoice carries no late fees"))
                }
                if items[cursor].lateFees.waived { return .status(.info("Late fees on \(n) are already waived")) }
                return .push(FormScreen.waiver(customerId: customerId, invoice: n, session: session))
            }
        default: break
        }
        return .none
    }

    /// Applies on-account credit (payments received without a matching invoice) to the open invoices,
    /// oldest first: what to do before calling a customer who may already have paid.
    func letterCredit(session: Session) -> ScreenAction {
        let customerId = customerId
        return .commit(Commit(prefix: "Not lettered") { book in
            var scratch = book
            var lettered = Money.zero
            var changes: [Change] = []
            for p in book.payments(of: customerId).sorted(by: { $0.date < $1.date }) where p.unallocated.isPositive {
                let allocations = Lettering.allocate(book: scratch, customerId: customerId, amount: p.unallocated, invoiceNumber: nil, reference: p.reference)
                guard !allocations.isEmpty else { continue }
                let change = Change.allocateCredit(paymentId: p.id, allocations: allocations)
                try scratch.apply(change)
                changes.append(change)
                lettered += allocations.sum(\.amount)
            }
            guard !changes.isEmpty else { throw DomainError.said("no on-account credit to letter, or no open invoice to letter it to") }
            return (.batch(changes: changes), { .status(.info("Lettered \(lettered.formatted) of on-account credit to the oldest open invoices")) })
        })
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar("Account", session: session)
        guard let s = summary else {
            canvas.text(" Unknown customer \(customerId)", row: 2, style: .error)
            canvas.keyBar(self, session: session)
            return
        }
        let c = s.customer
        // The header flows over as many rows as the width needs, broken between its parts, never inside one: an
        // amount is never cut (issue 18: at 80 columns the late fees read "la…").
        var row = 1
        func header(_ parts: [String], style: Style) {
            for line in flow(parts, width: width - 2) { canvas.text(" " + line, row: row, style: style); row += 1 }
        }
        header([c.name] + (c.siren.map { ["SIREN \($0)"] } ?? []) + [c.id] + (c.orderBlocked ? ["ORDERS HELD"] : [])
               + ["collector \(session.name(of: c.collector))", "sales \(session.name(of: c.salesperson))"], style: .accent)
        let kind = c.customerKind == .business ? nil : c.customerKind == .consumer ? "consumer" : c.customerKind == .publicBody ? "public body" : "public hospital"
        var terms: [String] = []
        // On-account credit first: it is money to letter before calling or writing.
        if s.onAccountCredit.isPositive { terms.append("on account \(s.onAccountCredit.formatted) to letter (l)") }
        if let kind { terms.append(kind) }
        terms.append("\(c.terms)" + (s.payerProfile.map { ", " + PayerProfileWording.summary($0) } ?? ""))
        var limit = c.creditLimit.map { "credit limit \($0.formatted)" } ?? "no credit limit"
        if let use = s.creditUsePermille { limit += " (used \(ReportTable.Cell.permille(use).display)\(use > 1000 ? ", OVER LIMIT" : ""))" }
        terms.append(limit)
        if s.lateFees.isPositive { terms.append("late fees \(s.lateFees.formatted)") }
        header(terms, style: (s.creditUsePermille ?? 0) > 1000 ? .error : .plain)
        // A promise said with what it leaves claimed: a small promise never reads as the debt settled.
        let when = { (d: CalendarDate) in s.promiseCount > 1 ? "(\(s.promiseCount) promises, next \(d.short.prefix(5)))" : "for \(d.short.prefix(5))" }
        let figures = s.promisedFor.map { ["Open \(s.totalOpen.formatted)", "\(s.promised.formatted) promised \(when($0)), \(s.stillOverdue.formatted) still overdue",
                                           "Disputed \(s.disputed.formatted)"] }
            ?? ["Open \(s.totalOpen.formatted)", "Overdue \(s.overdue.formatted)", "Disputed \(s.disputed.formatted)", "Promised \(s.promised.formatted)"]
        for line in flow(figures, width: width - 2, separator: "  ") { canvas.text(" " + line, row: row, style: .bold); row += 1 }

        // Open invoices, largest first.
        let table = TableLayout([Column(11), Column(8), Column(5, right: true), Column(9), Column.fitting(items.map(\.open.formatted), minimum: 6),
                                 Column(6, right: true), Column(nil)], total: width - 1)
        let header = ["Invoice", "Due", "Days", "State", "Open", "Cum.", "Notes"]
        let tableTop = row
        canvas.text(table.line(header), row: tableTop, style: Style(underline: true))
        let available = rows - tableTop - 1 - 2
        let contactRows = min(2, c.contacts.count) + 1
        let receiptRows = receipts.isEmpty ? 0 : min(2, receipts.count) + 1
        // Notes cut between notes, never inside one; the selected item's are then shown whole under the table.
        let allNotes = items.map { notes($0, customer: c, session: session) }
        let noteText = allNotes.map { fit($0, width: table.flexibleWidth) }
        let selectedCut = items.indices.contains(cursor) && noteText[cursor] != allNotes[cursor].joined(separator: ", ")
        let invoiceRows = max(3, min(items.count + (s.paretoCutIndex != nil ? 1 : 0),
                                     available - contactRows - receiptRows - 3 - (selectedCut ? 1 : 0)))
        var display: [Int?] = []     // nil: the 80 % line
        for i in items.indices {
            display.append(i)
            if i == s.paretoCutIndex && i < items.count - 1 { display.append(nil) }
        }
        if items.isEmpty { canvas.text("   No open invoice: the account is clear.", row: tableTop + 1, style: .good) }
        let window = ListView.window(showing: display.firstIndex(where: { $0 == cursor }) ?? 0, of: display.count, visible: invoiceRows)
        for (offset, entry) in display[window].enumerated() {
            let row = tableTop + 1 + offset
            guard let i = entry else {
                let n = (s.paretoCutIndex ?? 0) + 1
                canvas.text(" ── 80 % of the open amount is in the \(n) invoice\(n == 1 ? "" : "s") above ──", row: row, style: Style(color: .cyan))
                continue
            }
            let item = items[i]
            let days = item.daysPastDue > 0 ? "+\(item.daysPastDue)" : String(item.daysPastDue)
            let cells = [item.invoice.number, item.invoice.dueDate.short, days, item.state.rawValue, item.open.formatted,
                         ReportTable.Cell.permille(item.cumulativePermille).display.replacingOccurrences(of: " %", with: "%"),
                         noteText[i]]
            let style: Style = switch item.state {
            case .disputed: .disputed
            case .overdue: .overdue
            case .dueSoon: .dueSoon
            default: .plain
            }
            let text = table.line(cells)
            canvas.text(text, row: row, style: style.with(reverse: i == cursor))
        }
        row = tableTop + 1 + invoiceRows
        if display.count > invoiceRows {
            // On the header row (its right end is free): on the last invoice row it covered the notes.
            let position = " \(cursor + 1)/\(items.count) "
            terminal.put(position, row: tableTop, column: max(0, width - TextWidth.of(position)), style: .dim)
        }
        if selectedCut {
            canvas.text(" " + clip("\(items[cursor].invoice.number): " + allNotes[cursor].joined(separator: ", "), width: width - 2), row: row, style: .dim)
            row += 1
        }
        canvas.text(" Contacts" + (c.deliverySites.isEmpty ? "" : " · delivery: " + c.deliverySites.map(\.oneLine).joined(separator: "; ")),
                    row: row, style: Style(underline: true))
        row += 1
        if c.contacts.isEmpty { canvas.text("   no accounts-payable contact on file", row: row, style: .dim); row += 1 }
        for contact in c.contacts.prefix(2) {
            canvas.text("   " + flow([contact.name, contact.role, contact.phone, contact.email].compactMap { $0 }, width: width - 4)[0], row: row)
            row += 1
        }
        if !receipts.isEmpty {
            let onAccount = receipts.reduce(Money.zero) { $0 + $1.onAccount }
            canvas.text(" Received" + (receipts.count > 2 ? " (2 of \(receipts.count))" : "")
                        + (onAccount.isPositive ? " · \(onAccount.formatted) on account, to letter (l)" : ""), row: row, style: Style(underline: true))
            row += 1
            for r in receipts.prefix(2) {
                canvas.text("   " + clip(Self.line(r), width: width - 4), row: row, style: r.onAccount.isPositive ? .accent : .plain)
                row += 1
            }
        }
        canvas.text(" History (newest first)", row: row, style: Style(underline: true))
        row += 1
        if let problem = historyProblem, row < rows - 2 { canvas.text("   " + problem, row: row, style: .error); row += 1 }
        else if history.isEmpty && row < rows - 2 { canvas.text("   nothing recorded yet", row: row, style: .dim) }
        for a in history where row < rows - 2 {
            let next = a.nextActionDate.map { " → next \($0.short)" } ?? ""
            let said = ActivityWording.text(a, book: session.book).replacingOccurrences(of: "\n", with: " ")
            canvas.text("   " + clip("\(a.date.short) \(a.user) \(a.what)" + (said.isEmpty ? "" : ": " + said) + next, width: width - 4), row: row)
            row += 1
        }
        canvas.keyBar(self, session: session)
    }

    /// Notes joined while they fit in `width`, then "+N" for the ones left out.
    func fit(_ notes: [String], width: Int) -> String {
        var shown = ""
        for (k, n) in notes.enumerated() {
            let candidate = shown.isEmpty ? n : shown + ", " + n
            let more = k + 1 < notes.count ? " +\(notes.count - k - 1)" : ""
            if TextWidth.of(candidate + more) > width { return shown.isEmpty ? clip(n, width: width) : shown + " +\(notes.count - k)" }
            shown = candidate
        }
        return shown
    }

    /// What the Notes column says of an item, most pressing first.
    func notes(_ item: AccountSummary.ItemRow, customer c: Customer, session: Session) -> [String] {
        var notes: [String] = []
        if let age = item.disputeAge {
            notes.append(item.disputed < item.open ? "\(item.disputed.formatted) disp. \(age) d" : "disputed \(age) d")
        }
        if item.brokenPromises > 0 { notes.append("broken promises: \(item.brokenPromises)") }
        if item.state != .promised, item.promisedPart.isPositive { notes.append("\(item.promisedPart.formatted) promised") }
        // The item's dunning level and its last letter: what the next letter will be follows from it.
        if item.invoice.level > 0 || item.invoice.lastDunned != nil {
            let step = session.book.policy.step(ofLevel: item.invoice.level)?.short ?? "courtesy"
            notes.append("L\(item.invoice.level) \(step)" + (item.invoice.lastDunned.map { " \($0.short)" } ?? ""))
        }
        if let d = session.book.litigation(of: item.invoice.number) {
            notes.append(d.outcome == .amicable ? "amicable, review \(d.reviewAgainOn?.short ?? "")" : "\(d.outcome.short.uppercased()) since \(d.date.short)")
        }
        // Counted from the issue date (where most debts become irrecoverable), not from the due date.
        if item.pastCriticalZone { notes.append("CRITICAL issued >\(session.book.policy.criticalZoneDaysAfterIssue.to) d") }
        else if item.critical { notes.append("critical: issued \(session.book.policy.criticalZoneDaysAfterIssue.from)-\(session.book.policy.criticalZoneDaysAfterIssue.to) d") }
        // A claim lapses 2 years after its due date for a consumer (L218-2 Code de la consommation), 5 between
        // businesses (L110-4 Code de commerce): said from 90 days before.
        let lapse = item.invoice.dueDate.adding(months: 12 * c.customerKind.lapseYears)
        if lapse <= session.today { notes.append("LAPSED \(lapse.short)") }
        else if session.today.days(until: lapse) <= 90 { notes.append("lapses \(lapse.short)") }
        if item.lateFees.waived { notes.append("fees waived") }
        else if item.lateFees.total.isPositive {
            notes.append("fees " + (item.lateFees.missingRate == nil ? "" : "≥ ") + item.lateFees.total.formatted)
        }
        return notes
    }

    /// "12/11/26 payment VIR-2026-118  20 000,00 €  on account 20 000,00 €" / "... → F26-001 5 000,00 €, F26-002".
    static func line(_ r: Receipt) -> String {
        let what = r.kind == .payment ? "payment" : "credit note"
        let lettered = r.lettered.map { "\($0.invoice) \($0.amount.formatted)" }.joined(separator: ", ")
        return "\(r.date.short) \(what) \(r.reference ?? r.id)  \(r.amount.formatted)"
            + (r.onAccount.isPositive ? "  on account \(r.onAccount.formatted)" : "")
            + (lettered.isEmpty ? "" : " → " + lettered)
    }

    /// Withdraws the open promise on the selected invoice, or else cancels the active plan holding it, after a
    /// second `X`; the history records it.
    private mutating func cancelCommitment(session: Session) -> ScreenAction {
        guard let n = selectedInvoice else { return .status(.error("Select an invoice")) }
        let book = session.book
        let promise = book.openPromises(of: customerId, asOf: session.today).first { $0.invoices.contains(n) }
        let plan = book.activePlans(of: customerId, asOf: session.today).first { $0.invoices.contains(n) }
        guard let id = promise?.id ?? plan?.id else { return .status(.error("No open promise or active plan on \(n)")) }
        let what = promise.map { "the promise of \($0.amount.formatted) for \($0.promisedDate.french)" }
            ?? plan.map { "the payment plan of \($0.total.formatted) (\($0.schedule.count) payments)" }!
        guard pendingCancel == id else {
            pendingCancel = id
            return .status(.error("Press X again to withdraw \(what); any other key keeps it"))
        }
        pendingCancel = nil
        let user = session.user.id, today = session.today, customer = customerId
        return .commit(Commit { latest in
            let change: Change = promise != nil ? .closePromise(id: id, closure: .withdrawn) : .cancelPlan(id: id)
            let still = promise != nil ? latest.openPromises(of: customer, asOf: today).contains { $0.id == id }
                                       : latest.activePlans(of: customer, asOf: today).contains { $0.id == id }
            guard still else { throw DomainError.said("\(what) was already closed by someone else") }
            let event = ActivityEvent.withdrawn(promise.map(ActivityEvent.Commitment.promise) ?? .plan(plan!))
            return (.batch(changes: [change, .logActivity(activity: Activity(id: newId("ACT"), at: Timestamp.now(), date: today, user: user,
                customerId: customer, invoices: promise?.invoices ?? plan?.invoices ?? [], channel: .note, event: event))]),
                    { .status(.info("Saved: \(what) withdrawn")) })
        })
    }
}
