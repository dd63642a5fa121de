import TextSafety
import Receivables
import TerminalKit

/// A data-entry form (call, promise, dispute, plan, note, waiver): fields validated one by one with the
/// error next to the field; saved only when valid, through the store, against the latest book.
public struct FormScreen: Screen {
    public enum Kind: String { case call, promise, dispute, disputeUpdate, plan, note, waiver, litigation }

    public let kind: Kind
    public let customerId: String
    public var fields: [FormField]
    public var focus = 0
    /// A problem that is not one field's (the store refused, another user changed the account).
    public var formError: String?
    /// The open promises on the ticked invoices as last shown: a new promise replaces those, and only those.
    public var seenPromises: [String] = []
    /// The customer's open promises when the form was opened: one saved by a colleague since is replaced only after
    /// asking (issue 16: the second of two collectors replaced the first's promise without knowing).
    var promisesAtOpen: Set<String>?
    /// A save that needs a second F2 (down payment below the policy's minimum).
    /// The questions answered with F2 again since the form last changed (two questions need two answers).
    var answered: Set<String> = []
    let customerName: String

    init(kind: Kind, customerId: String, session: Session, fields: [FormField]) {
        self.kind = kind
        self.customerId = customerId
        self.fields = fields
        customerName = session.book.customers[customerId]?.name ?? customerId
    }

    public var title: String {
        switch kind {
        case .call: "Log a call"; case .promise: "Promise to pay"; case .dispute: "Dispute"; case .disputeUpdate: "Dispute status"
        case .plan: "Payment plan"; case .note: "Field note"; case .waiver: "Waive late fees"; case .litigation: "Litigation decision"
        }
    }
    public var screenID: ScreenID { .form }
    public func offers(_ command: Command) -> Bool {
        switch command {
        case .nextField, .previousField, .up, .down: fields.count > 1
        case .lineBreak: fields.contains { $0.keepsLineBreaks }
        default: true
        }
    }

    /// The form's field `id`; every form kind builds the fields its code asks for (`FormKinds`).
    public func field(_ id: FieldID) -> FormField {
        guard let f = fields.first(where: { $0.id == id }) else { preconditionFailure("the \(kind) form has no field \(id)") }
        return f
    }
    func index(_ id: FieldID) -> Int {
        guard let i = fields.firstIndex(where: { $0.id == id }) else { preconditionFailure("the \(kind) form has no field \(id)") }
        return i
    }

    public mutating func prepare(session: Session) {
        guard kind == .promise else { return }
        if promisesAtOpen == nil { promisesAtOpen = Set(session.book.openPromises(of: customerId, asOf: session.today).map(\.id)) }
        let picked = Set(field(.invoices).pickedInvoices)
        seenPromises = session.book.openPromises(of: customerId, asOf: session.today)
            .filter { !picked.isDisjoint(with: $0.invoices) }.map(\.id)
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        var f = fields[focus]
        switch command {
        case .back: return .popWith(.info("Cancelled: nothing saved"))
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
        // A promise's invoices are ticked from its amount, typed next: none ticked yet is no mistake.
        if kind == .promise, fields[focus].id == .invoices, !fields[focus].edited { fields[focus].error = nil }
    }

    /// Checks every field and the rules across them; true when the form may be saved.
    mutating func validate(session: Session) -> Bool {
        for i in fields.indices { fields[i].error = fields[i].formatError() }
        // A promise's ticks follow its amount: with the amount wrong, the amount is what to correct.
        if kind == .promise, fields[index(.amount)].error != nil { fields[index(.invoices)].error = nil }
        if fields.allSatisfy({ $0.error == nil }) { crossFieldRules(book: session.book, session: session) }
        return fields.allSatisfy { $0.error == nil }
    }

    mutating func save(session: Session) -> ScreenAction {
        formError = nil
        guard validate(session: session) else {
            focus = fields.firstIndex { $0.error != nil } ?? focus
            return .status(.error("Not saved: correct the field\(fields.filter { $0.error != nil }.count > 1 ? "s" : "") marked in red"))
        }
        if let question = confirmationsNeeded(session: session).first(where: { !answered.contains($0) }) {
            answered.insert(question)
            return .status(.error(question))
        }
        if kind == .plan, let lines = try? schedule(session: session) {
            // Terms first, then every line, editable, before anything is saved.
            return .push(ScheduleScreen(customerId: customerId, customerName: customerName, invoices: field(.invoices).pickedInvoices,
                                        target: field(.invoices).pickedTotal, lines: lines))
        }
        let form = self
        return .commit(Commit { book in
            // Built against the latest book, re-read under the store's lock.
            let (change, message) = try form.build(book: book, session: session)
            return (change, { form.afterSave(message: .info("Saved: " + message), session: session) })
        })
    }

    public mutating func commitFailed(_ message: String, prefix: String) -> ScreenAction {
        formError = message
        return .status(.error("\(prefix): \(message)"))
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(title, session: session)
        canvas.text(" \(title) — \(customerName)", row: 1, style: .accent)
        let lineBreak = fields.indices.contains(focus) && fields[focus].keepsLineBreaks ? " · Ctrl-J new line" : ""
        canvas.text(" Tab/Shift-Tab move · Space ticks or chooses" + lineBreak + " · F2 or Ctrl-S saves · Esc cancels", row: 2, style: .dim)
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
                let visible = min(list.count, max(3, rows - 10 - fields.count - (kind == .plan ? 3 : 0)))
                let window = ListView.window(showing: f.listCursor, of: list.count, visible: visible)
                if list.count > visible {
                    terminal.put(" (\(list.count), ↑↓ scroll)", row: row - 1, column: labelWidth + 1 + TextWidth.of(f.display(width: valueWidth)), style: .dim)
                }
                for k in window where row < rows - 3 {
                    let inv = list[k]
                    let mark = f.picked.contains(inv.number) ? "[x]" : "[ ]"
                    let days = inv.daysPastDue > 0 ? "+\(inv.daysPastDue) d" : "\(inv.daysPastDue) d"
                    let line = "   \(mark) \(TextWidth.pad(inv.number, to: 12)) due \(inv.dueDate.short) \(TextWidth.pad(days, to: 7, alignRight: true)) \(TextWidth.pad(inv.open.formatted, to: 15, alignRight: true))"
                    let style: Style = inv.daysPastDue > 0 ? .overdue : .plain
                    canvas.text(line, row: row, style: style.with(reverse: focused && k == f.listCursor))
                    row += 1
                }
            }
            if let e = f.error {
                // Long messages wrap under the field rather than lose their end.
                for piece in wrap("↳ \(f.label): \(e)", width: width - 4) where row < rows - 3 {
                    canvas.text("   " + piece, row: row, style: .error)
                    row += 1
                }
            }
        }
        for extra in extraLines(session: session) where row < rows - 3 {
            canvas.text(" " + extra.0, row: row, style: extra.1)
            row += 1
        }
        let replaced = seenPromises.compactMap { session.book.promises[$0] }
        if !replaced.isEmpty, row < rows - 4 {
            let what = replaced.map { "the promise of \($0.amount.formatted) for \($0.promisedDate.french) (\(session.name(of: $0.user)))" }
            canvas.text(" ⚠ replaces " + what.joined(separator: " and "), row: row, style: .dueSoon)
            row += 1
        }
        if let e = formError { canvas.text(" ✗ \(e)", row: min(row, rows - 3), style: .error) }
        canvas.keyBar(self, session: session)
        terminal.setCursor(cursor)
    }
}
