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

    public var title: String { tr("Account") }
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
            historyProblem = tr("history could not be read: {problem}", ["problem": "\(error)"])
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
            if session.store.isReadOnly { return .status(.error(tr("read-only session: nothing can be saved"))) }
            return .push(FormScreen.note(customerId: customerId, session: session))
        case .letterCredit:
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            return letterCredit(session: session)
        case .history:
            return .push(HistoryScreen(customerId: customerId))
        case .statement:
            return .push(StatementScreen(customerId: customerId))
        case .cancelCommitment:
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            return cancelCommitment(session: session)
        case .litigation:
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            guard items.contains(where: { $0.daysPastDue > 0 && !session.book.isInLitigation($0.invoice.number) }) else {
                return .status(.error(tr("No overdue invoice left in amicable follow-up")))
            }
            return .push(FormScreen.litigation(customerId: customerId, session: session))
        case .logCall:
            if session.store.isReadOnly { return .status(.error(tr("read-only session: nothing can be saved"))) }
            return .push(FormScreen.call(customerId: customerId, session: session))
        case .visit:
            if session.store.isReadOnly { return .status(.error(tr("read-only session: nothing can be saved"))) }
            return .push(FormScreen.visit(customerId: customerId, session: session))
        case .editAccount:
            if session.store.isReadOnly { return .status(.error(tr("read-only session: nothing can be saved"))) }
            guard session.may(.editCustomer) else { return .status(.error(tr("Accounts are controlled by supervisors: ask one (Q asks for a higher credit limit)"))) }
            return .push(FormScreen.account(customerId: customerId, session: session))
        case .requestLimit, .riskFlag:
            if session.store.isReadOnly { return .status(.error(tr("read-only session: nothing can be saved"))) }
            return .push(command == .requestLimit ? FormScreen.creditLimitRequest(customerId: customerId, session: session)
                                                  : FormScreen.riskFlag(customerId: customerId, session: session))
        case .promise, .dispute, .updateDispute, .plan, .waiveFees:
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            switch command {
            case .promise:
                guard !items.isEmpty else { return .status(.error(tr("No open invoice to promise on"))) }
                return .push(FormScreen.promise(customerId: customerId, session: session))
            case .dispute:
                guard !items.isEmpty else { return .status(.error(tr("No open invoice to dispute"))) }
                return .push(FormScreen.dispute(customerId: customerId, invoice: selectedInvoice, session: session))
            case .updateDispute:
                let active = session.book.activeDisputes(of: customerId)
                guard !active.isEmpty else { return .status(.error(tr("No open dispute on this account"))) }
                return .push(FormScreen.disputeUpdate(customerId: customerId, invoice: selectedInvoice, session: session))
            case .plan:
                guard !items.isEmpty else { return .status(.error(tr("No open invoice to put in a plan"))) }
                return .push(FormScreen.plan(customerId: customerId, session: session))
            default:
                guard let n = selectedInvoice, items[cursor].lateFees.total.isPositive || items[cursor].lateFees.waived else {
                    return .status(.error(tr("The selected invoice carries no late fees")))
                }
                if items[cursor].lateFees.waived { return .status(.info(tr("Late fees on {invoice} are already waived", ["invoice": n]))) }
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
        return .commit(Commit(prefix: tr("Not lettered")) { book in
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
            guard !changes.isEmpty else { throw DomainError.said(tr("no on-account credit to letter, or no open invoice to letter it to")) }
            return (.batch(changes: changes), { .status(.info(tr("Lettered {amount} of on-account credit to the oldest open invoices", ["amount": lettered.formatted]))) })
        })
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(tr("Account"), session: session)
        guard let s = summary else {
            canvas.text(" " + tr("Unknown customer {id}", ["id": customerId]), row: 2, style: .error)
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
        header([c.name] + (c.siren.map { ["SIREN \($0)"] } ?? []) + [c.id]
               + (c.orderBlocked ? [c.holdReason.map { tr("ORDERS HELD: {reason}", ["reason": $0]) } ?? tr("ORDERS HELD")] : [])
               + [tr("collector {name}", ["name": session.name(of: c.collector)]), tr("sales {name}", ["name": session.name(of: c.salesperson)])], style: .accent)
        let kind = c.customerKind == .business ? nil : c.customerKind == .consumer ? tr("consumer") : c.customerKind == .publicBody ? tr("public body") : tr("public hospital")
        var terms: [String] = []
        // On-account credit first: it is money to letter before calling or writing.
        if s.onAccountCredit.isPositive { terms.append(tr("on account {amount} to letter (l)", ["amount": s.onAccountCredit.formatted])) }
        if let kind { terms.append(kind) }
        terms.append(c.terms.label + (s.payerProfile.map { ", " + PayerProfileWording.summary($0) } ?? ""))
        var limit = c.creditLimit.map { tr("credit limit {amount}", ["amount": $0.formatted]) } ?? tr("no credit limit")
        if let use = s.creditUsePermille { limit += " " + (use > 1000 ? tr("(used {share}, OVER LIMIT)", ["share": ReportTable.Cell.permille(use).display])
                                               : tr("(used {share})", ["share": ReportTable.Cell.permille(use).display])) }
        terms.append(limit)
        if s.lateFees.isPositive { terms.append(tr("late fees {amount}", ["amount": s.lateFees.formatted])) }
        header(terms, style: (s.creditUsePermille ?? 0) > 1000 ? .error : .plain)
        // Issue 20: what the field says and what is asked, where the collector looks first.
        let flags = session.book.riskFlags(of: c.id).prefix(2).map { tr("⚑ {flag} ({name}, {date})", ["flag": AccountWording.flagName($0.flag ?? ""), "name": session.name(of: $0.requestedBy), "date": $0.date.short]) }
        let asked = session.book.requests(of: c.id).filter { $0.isPending && $0.kind == .creditLimit }
            .map { tr("limit of {amount} asked by {name}, pending", ["amount": $0.amount?.formatted ?? "", "name": session.name(of: $0.requestedBy)]) }
        if !flags.isEmpty || !asked.isEmpty { header(flags + asked, style: .error) }
        // Issue 22: the outbox, where a collector looks for "was it sent?": what failed (with the mail system's words)
        // or waits, else the last one sent.
        let outbox = session.book.outbox(of: c.id)
        let waiting = outbox.filter(\.isPending).map { m in
            m.status == .failed ? tr("e-mail of {date} failed: {reason}", ["date": m.date.short, "reason": m.reasonText ?? ""])
                                : tr("e-mail of {date} queued (attempt {attempt})", ["date": m.date.short, "attempt": "\(m.attempts)"])
        }
        if !waiting.isEmpty { header(waiting, style: .error) }
        else if let last = outbox.last(where: { $0.status == .sent }) {
            header([tr("last e-mail sent {date} to {address}: {subject}", ["date": last.date.short, "address": last.to, "subject": last.subject])], style: .dim)
        }
        // A promise said with what it leaves claimed: a small promise never reads as the debt settled.
        let when = { (d: CalendarDate) in s.promiseCount > 1 ? tr("({count} promises, next {date})", ["count": "\(s.promiseCount)", "date": String(d.short.prefix(5))])
                                                              : tr("for {date}", context: "promise", ["date": String(d.short.prefix(5))]) }
        let open = tr("Open {amount}", ["amount": s.totalOpen.formatted]), disputed = tr("Disputed {amount}", ["amount": s.disputed.formatted])
        let figures = s.promisedFor.map { [open, tr("{amount} promised {when}, {overdue} still overdue",
                                                    ["amount": s.promised.formatted, "when": when($0), "overdue": s.stillOverdue.formatted]), disputed] }
            ?? [open, tr("Overdue {amount}", ["amount": s.overdue.formatted]), disputed, tr("Promised {amount}", ["amount": s.promised.formatted])]
        for line in flow(figures, width: width - 2, separator: "  ") { canvas.text(" " + line, row: row, style: .bold); row += 1 }

        // Open invoices, largest first.
        let table = TableLayout([Column(11), Column(8), Column(5, right: true), Column(9), Column.fitting(items.map(\.open.formatted), minimum: 6),
                                 Column(6, right: true), Column(nil)], total: width - 1)
        let header = [tr("Invoice", context: "column"), tr("Due", context: "column"), tr("Days", context: "column"), tr("State", context: "column"),
                      tr("Open", context: "column"), tr("Cum.", context: "column"), tr("Notes", context: "column")]
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
        if items.isEmpty { canvas.text("   " + tr("No open invoice: the account is clear."), row: tableTop + 1, style: .good) }
        let window = ListView.window(showing: display.firstIndex(where: { $0 == cursor }) ?? 0, of: display.count, visible: invoiceRows)
        for (offset, entry) in display[window].enumerated() {
            let row = tableTop + 1 + offset
            guard let i = entry else {
                let n = (s.paretoCutIndex ?? 0) + 1
                canvas.text(" ── " + trn("80 % of the open amount is in the {count} invoice above", "80 % of the open amount is in the {count} invoices above", count: n) + " ──", row: row, style: Style(color: .cyan))
                continue
            }
            let item = items[i]
            let days = item.daysPastDue > 0 ? "+\(item.daysPastDue)" : String(item.daysPastDue)
            let cells = [item.invoice.number, item.invoice.dueDate.short, days, item.state.label, item.open.formatted,
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
        canvas.text(" " + tr("Contacts") + (c.deliverySites.isEmpty ? "" : " · " + tr("delivery: {sites}", ["sites": c.deliverySites.map(\.oneLine).joined(separator: "; ")])),
                    row: row, style: Style(underline: true))
        row += 1
        if c.contacts.isEmpty { canvas.text("   " + tr("no accounts-payable contact on file"), row: row, style: .dim); row += 1 }
        for contact in c.contacts.prefix(2) {
            canvas.text("   " + flow([contact.name, contact.role, contact.phone, contact.email].compactMap { $0 }, width: width - 4)[0], row: row)
            row += 1
        }
        if !receipts.isEmpty {
            let onAccount = receipts.reduce(Money.zero) { $0 + $1.onAccount }
            canvas.text(" " + tr("Received") + (receipts.count > 2 ? " " + tr("(2 of {count})", ["count": "\(receipts.count)"]) : "")
                        + (onAccount.isPositive ? " · " + tr("{amount} on account, to letter (l)", ["amount": onAccount.formatted]) : ""), row: row, style: Style(underline: true))
            row += 1
            for r in receipts.prefix(2) {
                canvas.text("   " + clip(Self.line(r), width: width - 4), row: row, style: r.onAccount.isPositive ? .accent : .plain)
                row += 1
            }
        }
        canvas.text(" " + tr("History (newest first)"), row: row, style: Style(underline: true))
        row += 1
        if let problem = historyProblem, row < rows - 2 { canvas.text("   " + problem, row: row, style: .error); row += 1 }
        else if history.isEmpty && row < rows - 2 { canvas.text("   " + tr("nothing recorded yet"), row: row, style: .dim) }
        for a in history where row < rows - 2 {
            let next = a.nextActionDate.map { " → " + tr("next {date}", context: "next action", ["date": $0.short]) } ?? ""
            let said = ActivityWording.text(a, book: session.book).replacingOccurrences(of: "\n", with: " ")
            canvas.text("   " + clip("\(a.date.short) \(a.user) " + (said.isEmpty ? a.what : tr("{what}: {said}", ["what": a.what, "said": said])) + next, width: width - 4), row: row)
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
            notes.append(item.disputed < item.open ? tr("{amount} disp. {days} d", ["amount": item.disputed.formatted, "days": "\(age)"])
                                                   : tr("disputed {days} d", ["days": "\(age)"]))
        }
        if item.brokenPromises > 0 { notes.append(tr("broken promises: {count}", ["count": "\(item.brokenPromises)"])) }
        if item.state != .promised, item.promisedPart.isPositive { notes.append(tr("{amount} promised", ["amount": item.promisedPart.formatted])) }
        // The item's dunning level and its last letter: what the next letter will be follows from it.
        if item.invoice.level > 0 || item.invoice.lastDunned != nil {
            let step = session.book.policy.step(ofLevel: item.invoice.level)?.shortLabel ?? tr("courtesy")
            notes.append(tr("L{level} {step}", ["level": "\(item.invoice.level)", "step": step]) + (item.invoice.lastDunned.map { " \($0.short)" } ?? ""))
        }
        if let d = session.book.litigation(of: item.invoice.number) {
            notes.append(d.outcome == .amicable ? tr("amicable, review {date}", ["date": d.reviewAgainOn?.short ?? ""])
                                                 : tr("{outcome} since {date}", ["outcome": d.outcome.short.uppercased(), "date": d.date.short]))
        }
        // Counted from the issue date (where most debts become irrecoverable), not from the due date.
        if item.pastCriticalZone { notes.append(tr("CRITICAL issued >{days} d", ["days": "\(session.book.policy.criticalZoneDaysAfterIssue.to)"])) }
        else if item.critical { notes.append(tr("critical: issued {from}-{to} d", ["from": "\(session.book.policy.criticalZoneDaysAfterIssue.from)", "to": "\(session.book.policy.criticalZoneDaysAfterIssue.to)"])) }
        // A claim lapses 2 years after its due date for a consumer (L218-2 Code de la consommation), 5 between
        // businesses (L110-4 Code de commerce): said from 90 days before.
        let lapse = item.invoice.dueDate.adding(months: 12 * c.customerKind.lapseYears)
        if lapse <= session.today { notes.append(tr("LAPSED {date}", ["date": lapse.short])) }
        else if session.today.days(until: lapse) <= 90 { notes.append(tr("lapses {date}", ["date": lapse.short])) }
        if item.lateFees.waived { notes.append(tr("fees waived")) }
        else if item.lateFees.total.isPositive {
            notes.append(tr("fees {amount}", ["amount": (item.lateFees.missingRate == nil ? "" : "≥ ") + item.lateFees.total.formatted]))
        }
        return notes
    }

    /// "12/11/26 payment VIR-2026-118  20 000,00 €  on account 20 000,00 €" / "... → F26-001 5 000,00 €, F26-002".
    static func line(_ r: Receipt) -> String {
        let what = r.kind == .payment ? tr("payment", context: "receipt") : tr("credit note", context: "receipt")
        let lettered = r.lettered.map { "\($0.invoice) \($0.amount.formatted)" }.joined(separator: ", ")
        return "\(r.date.short) \(what) \(r.reference ?? r.id)  \(r.amount.formatted)"
            + (r.onAccount.isPositive ? "  " + tr("on account {amount}", ["amount": r.onAccount.formatted]) : "")
            + (lettered.isEmpty ? "" : " → " + lettered)
    }

    /// Withdraws the open promise on the selected invoice, or else cancels the active plan holding it, after a
    /// second `X`; the history records it.
    private mutating func cancelCommitment(session: Session) -> ScreenAction {
        guard let n = selectedInvoice else { return .status(.error(tr("Select an invoice"))) }
        let book = session.book
        let promise = book.openPromises(of: customerId, asOf: session.today).first { $0.invoices.contains(n) }
        let plan = book.activePlans(of: customerId, asOf: session.today).first { $0.invoices.contains(n) }
        guard let id = promise?.id ?? plan?.id else { return .status(.error(tr("No open promise or active plan on {invoice}", ["invoice": n]))) }
        let what = promise.map { tr("the promise of {amount} for {date}", ["amount": $0.amount.formatted, "date": $0.promisedDate.french]) }
            ?? plan.map { trn("the payment plan of {amount} ({count} payment)", "the payment plan of {amount} ({count} payments)", count: $0.schedule.count,
                              ["amount": $0.total.formatted]) }!
        guard pendingCancel == id else {
            pendingCancel = id
            return .status(.error(tr("Press X again to withdraw {what}; any other key keeps it", ["what": what])))
        }
        pendingCancel = nil
        let user = session.user.id, today = session.today, customer = customerId
        return .commit(Commit { latest in
            let change: Change = promise != nil ? .closePromise(id: id, closure: .withdrawn) : .cancelPlan(id: id)
            let still = promise != nil ? latest.openPromises(of: customer, asOf: today).contains { $0.id == id }
                                       : latest.activePlans(of: customer, asOf: today).contains { $0.id == id }
            guard still else { throw DomainError.said(tr("{what} was already closed by someone else", ["what": what])) }
            let event = ActivityEvent.withdrawn(promise.map(ActivityEvent.Commitment.promise) ?? .plan(plan!))
            return (.batch(changes: [change, .logActivity(activity: Activity(id: newId("ACT"), at: Timestamp.now(), date: today, user: user,
                customerId: customer, invoices: promise?.invoices ?? plan?.invoices ?? [], channel: .note, event: event))]),
                    { .status(.info(tr("Saved: {what} withdrawn", ["what": what]))) })
        })
    }
}
