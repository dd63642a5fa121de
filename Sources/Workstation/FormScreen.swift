import TextSafety
import Receivables
import TerminalKit
import Wording

/// A data-entry form: fields validated one by one with the error next to the field, saved only when valid, through
/// the app, against the latest book. What differs from form to form is its `FormKind` (one type per form, in
/// `Forms/`); the editing, moving, questions and rendering are here, the same for all.
public struct FormScreen: Screen {
    var form: any FormKind
    public let customerId: String
    public var fields: [FormField]
    public var focus = 0
    /// A problem that is not one field's (the store refused, another user changed the account).
    public var formError: String?
    /// The questions answered with F2 again since the form last changed (two questions need two answers).
    var answered: Set<String> = []
    let customerName: String

    init(_ form: any FormKind, customerId: String, session: Session, fields: [FormField], subject: String? = nil) {
        self.form = form
        self.customerId = customerId
        self.fields = fields
        customerName = subject ?? session.book.customers[customerId]?.name ?? customerId
        followDefaults(session: session)
    }

    public static func call(customerId: String, session: Session) -> FormScreen {
        FormScreen(CallForm(customerId: customerId), customerId: customerId, session: session, fields: CallForm.fields(session, customerId))
    }
    public static func promise(customerId: String, session: Session) -> FormScreen {
        FormScreen(PromiseForm(customerId: customerId), customerId: customerId, session: session, fields: PromiseForm.fields(session, customerId))
    }
    public static func dispute(customerId: String, invoice: String?, session: Session) -> FormScreen {
        FormScreen(DisputeForm(customerId: customerId), customerId: customerId, session: session,
                   fields: DisputeForm.fields(session, customerId, invoice: invoice))
    }
    public static func disputeUpdate(customerId: String, invoice: String?, session: Session) -> FormScreen {
        FormScreen(DisputeUpdateForm(customerId: customerId), customerId: customerId, session: session,
                   fields: DisputeUpdateForm.fields(session, customerId, invoice: invoice))
    }
    public static func plan(customerId: String, session: Session) -> FormScreen {
        let name = session.book.customers[customerId]?.name ?? customerId
        return FormScreen(PlanForm(customerId: customerId, customerName: name), customerId: customerId, session: session,
                          fields: PlanForm.fields(session, customerId))
    }
    public static func note(customerId: String, session: Session) -> FormScreen {
        FormScreen(NoteForm(customerId: customerId), customerId: customerId, session: session, fields: NoteForm.fields())
    }
    public static func waiver(customerId: String, invoice: String, session: Session) -> FormScreen {
        FormScreen(WaiverForm(customerId: customerId), customerId: customerId, session: session, fields: WaiverForm.fields(invoice: invoice))
    }
    public static func account(customerId: String, session: Session) -> FormScreen {
        FormScreen(AccountForm(customerId: customerId), customerId: customerId, session: session, fields: AccountForm.fields(session, customerId))
    }
    public static func reassign(customers: [String], session: Session) -> FormScreen {
        let subject = customers.count == 1 ? nil : trn("{count} account", "{count} accounts", count: customers.count)
        return FormScreen(ReassignForm(customers: customers), customerId: customers.first ?? "", session: session,
                          fields: ReassignForm.fields(session, customers), subject: subject)
    }
    public static func creditLimitRequest(customerId: String, session: Session) -> FormScreen {
        FormScreen(CreditLimitRequestForm(customerId: customerId), customerId: customerId, session: session, fields: CreditLimitRequestForm.fields())
    }
    public static func riskFlag(customerId: String, session: Session) -> FormScreen {
        FormScreen(RiskFlagForm(customerId: customerId), customerId: customerId, session: session, fields: RiskFlagForm.fields())
    }
    public static func visit(customerId: String, session: Session) -> FormScreen {
        FormScreen(VisitForm(customerId: customerId), customerId: customerId, session: session, fields: VisitForm.fields(session, customerId))
    }
    public static func decision(request: AccountRequest, approve: Bool, session: Session) -> FormScreen {
        FormScreen(DecisionForm(request: request, approve: approve), customerId: request.customerId, session: session, fields: DecisionForm.fields())
    }
    public static func litigation(customerId: String, session: Session) -> FormScreen {
        FormScreen(LitigationForm(customerId: customerId), customerId: customerId, session: session, fields: LitigationForm.fields(session, customerId))
    }

    public var title: String { form.title }
    public var screenID: ScreenID { .form }
    public func offers(_ command: Command) -> Bool {
        switch command {
        case .nextField, .previousField, .up, .down: fields.count > 1
        case .toggle: fields.contains { !$0.choices.isEmpty || $0.isList }
        default: true
        }
    }

    /// The form's field `id`.
    public func field(_ id: FieldID) -> FormField { Fields(all: fields)[id] }

    public mutating func prepare(session: Session) { form.prepare(Fields(all: fields), session: session) }

    mutating func followDefaults(session: Session) {
        var f = Fields(all: fields)
        form.followDefaults(&f, session: session)
        fields = f.all
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        var f = fields[focus]
        switch command {
        case .back: return .popWith(.info(tr("Cancelled: nothing saved")))
        case .nextField: leave(); focus = (focus + 1) % fields.count; return .none
        case .lineBreak:
            guard f.keepsLineBreaks else { leave(); focus = (focus + 1) % fields.count; return .none }
            f.insert("\n")
        case .previousField: leave(); focus = (focus + fields.count - 1) % fields.count; return .none
        case .up:
            if f.isList && f.listCursor > 0 { f.listCursor -= 1 } else { leave(); focus = (focus + fields.count - 1) % fields.count; return .none }
        case .down:
            if f.isList && f.listCursor < f.invoiceChoices.count - 1 { f.listCursor += 1 } else { leave(); focus = (focus + 1) % fields.count; return .none }
        case .left:
            if !f.choices.isEmpty { f.choice = (f.choice + f.choices.count - 1) % f.choices.count; f.edited = true }
            else { f.moveCaret(by: -1) }
        case .right:
            if !f.choices.isEmpty { f.choice = (f.choice + 1) % f.choices.count; f.edited = true }
            else { f.moveCaret(by: 1) }
        case .home, .end:
            guard f.choices.isEmpty, !f.isList else { return .none }
            f.moveCaret(by: command == .home ? -f.text.count : f.text.count)
        case .toggle:
            if f.isList, f.invoiceChoices.indices.contains(f.listCursor) {
                let n = f.invoiceChoices[f.listCursor].number
                if f.picked.contains(n) { f.picked.remove(n) } else { f.picked.insert(n) }
                f.error = nil
                f.edited = true   // ticked by hand: the ticks no longer follow the amount
            } else if !f.choices.isEmpty { f.choice = (f.choice + 1) % f.choices.count; f.edited = true }
            else { f.insert(" ") }
        case .insert(let c):
            guard f.choices.isEmpty, !f.isList else { return .none }
            f.insert(String(c))
        case .paste(let text):
            guard f.choices.isEmpty, !f.isList else { return .none }
            f.insert(FormField.pastedLines(text))
        case .backspace:
            guard f.choices.isEmpty, !f.isList else { return .none }
            f.deleteBackward()
        case .deleteForward:
            guard f.choices.isEmpty, !f.isList else { return .none }
            f.deleteForward()
        case .save: return save(session: session)
        default: return .none
        }
        fields[focus] = f
        answered = []
        followDefaults(session: session)
        return .none
    }

    /// Validates the field being left, so mistakes show as soon as the user moves on.
    private mutating func leave() {
        fields[focus].error = fields[focus].formatError()
        if form.excuses(fields[focus], in: Fields(all: fields)) { fields[focus].error = nil }
    }

    /// Checks every field and the rules across them; true when the form may be saved.
    mutating func validate(session: Session) -> Bool {
        for i in fields.indices { fields[i].error = fields[i].formatError() }
        let before = Fields(all: fields)
        for i in fields.indices where form.excuses(fields[i], in: before) { fields[i].error = nil }
        if fields.allSatisfy({ $0.error == nil }) {
            var f = Fields(all: fields)
            form.check(&f, book: session.book, session: session)
            fields = f.all
        }
        return fields.allSatisfy { $0.error == nil }
    }

    mutating func save(session: Session) -> ScreenAction {
        formError = nil
        guard validate(session: session) else {
            focus = fields.firstIndex { $0.error != nil } ?? focus
            return .status(.error(trn("Not saved: correct the field marked in red", "Not saved: correct the fields marked in red",
                                      count: fields.filter { $0.error != nil }.count)))
        }
        let filled = Fields(all: fields)
        if let question = form.questions(filled, session: session).first(where: { !answered.contains($0) }) {
            answered.insert(question)
            return .status(.error(question))
        }
        if let instead = form.submit(filled, session: session) { return instead }
        let form = form
        return .commit(Commit { book in
            // Built against the latest book, re-read under the store's lock.
            let (change, message) = try form.build(filled, book: book, session: session)
            return (change, { form.afterSave(filled, message: .info(tr("Saved: {what}", ["what": message])), session: session) })
        })
    }

    public mutating func commitFailed(_ message: String, prefix: String) -> ScreenAction {
        formError = message
        return .status(.error(tr("{prefix}: {problem}", ["prefix": prefix, "problem": message])))
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(title, session: session)
        canvas.text(" \(title) — \(customerName)", row: 1, style: .accent)
        // What this form's keys do, as it offers them (a one-field note has no Tab and nothing to tick).
        let hint = (offers(.nextField) ? [tr("Tab/Shift-Tab move")] : []) + (offers(.toggle) ? [tr("Space ticks or chooses")] : [])
            + (fields.indices.contains(focus) && fields[focus].keepsLineBreaks ? [tr("Ctrl-J new line")] : []) + [tr("F2 or Ctrl-S saves"), tr("Esc cancels")]
        canvas.text(" " + clip(hint.joined(separator: " · "), width: width - 2), row: 2, style: .dim)
        let labelWidth = 20
        let valueWidth = max(10, min(44, width - labelWidth - 4))
        var row = 4
        var cursor: (row: Int, column: Int)?
        for (i, f) in fields.enumerated() where row < rows - 3 {
            let focused = i == focus
            canvas.text(" " + f.label + (f.optional ? "" : " *"), row: row, width: labelWidth, style: focused ? .bold.with(reverse: true) : .bold)
            let editable = f.choices.isEmpty && !f.isList
            // A text field scrolls horizontally to keep the cursor in view; others show their summary.
            let (shown, caretColumn) = editable ? f.visibleText(width: valueWidth) : (f.display(width: valueWidth), 0)
            let value = TextWidth.pad(Safe.text(shown), to: valueWidth)
            terminal.put(value, row: row, column: labelWidth + 1, style: focused ? Style(underline: true) : .plain)
            if focused, editable { cursor = (row, labelWidth + 1 + min(valueWidth - 1, caretColumn)) }
            canvas.text("", row: row, column: labelWidth + 1 + valueWidth)
            row += 1
            if case .invoices(let list) = f.kind {
                // What the other fields, the plan preview and the bottom rows leave for the list.
                let visible = min(list.count, max(3, rows - 10 - fields.count - form.extraRows))
                let window = ListView.window(showing: f.listCursor, of: list.count, visible: visible)
                if list.count > visible {
                    terminal.put(" " + tr("({count}, ↑↓ scroll)", ["count": "\(list.count)"]), row: row - 1, column: labelWidth + 1 + TextWidth.of(f.display(width: valueWidth)), style: .dim)
                }
                for k in window where row < rows - 3 {
                    let inv = list[k]
                    let mark = f.picked.contains(inv.number) ? "[x]" : "[ ]"
                    let days = tr("{days} d", context: "days", ["days": inv.daysPastDue > 0 ? "+\(inv.daysPastDue)" : "\(inv.daysPastDue)"])
                    let line = "   \(mark) \(TextWidth.pad(inv.number, to: 12)) " + tr("due {date}", context: "form", ["date": inv.dueDate.short])
                        + " \(TextWidth.pad(days, to: 7, alignRight: true)) \(TextWidth.pad(inv.open.formatted, to: 15, alignRight: true))"
                    let style: Style = inv.daysPastDue > 0 ? .overdue : .plain
                    canvas.text(line, row: row, style: style.with(reverse: focused && k == f.listCursor))
                    row += 1
                }
            }
            if let e = f.error {
                // Long messages wrap under the field rather than lose their end.
                for piece in wrap("↳ " + tr("{field}: {problem}", ["field": f.label, "problem": e]), width: width - 4) where row < rows - 3 {
                    canvas.text("   " + piece, row: row, style: .error)
                    row += 1
                }
            }
        }
        for extra in form.extraLines(Fields(all: fields), session: session, width: width) where row < rows - 3 {
            canvas.text(" " + clip(extra.0, width: width - 2), row: row, style: extra.1)
            row += 1
        }
        if let e = formError { canvas.text(" ✗ \(e)", row: min(row, rows - 3), style: .error) }
        canvas.keyBar(self, session: session)
        terminal.setCursor(cursor)
    }
}
