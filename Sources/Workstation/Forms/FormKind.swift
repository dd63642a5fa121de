import Receivables
import TerminalKit
import Wording

/// The fields of a form as its kind reads and marks them, by the compiler-checked `FieldID`.
public struct Fields {
    public var all: [FormField]

    public subscript(id: FieldID) -> FormField {
        get {
            guard let f = all.first(where: { $0.id == id }) else { preconditionFailure("the form has no field \(id)") }
            return f
        }
        set {
            guard let i = all.firstIndex(where: { $0.id == id }) else { preconditionFailure("the form has no field \(id)") }
            all[i] = newValue
        }
    }

    /// Puts `message` next to the field `id` (the first rule to fail on a field keeps its place: rules run in order).
    mutating func fail(_ id: FieldID, _ message: String) { self[id].error = message }

    /// The note typed, trimmed ("" when the form has none).
    var note: String { all.first { $0.id == .note }?.text.trimmed ?? "" }
}

/// What makes one form that form (issue 18: eight forms ran off one `Kind` enum, with four switches and ten
/// `kind ==` tests, the promise form spread over six functions): its fields, the defaults that follow other fields,
/// its rules, the questions a save asks, and the change it saves. `FormScreen` does the editing, the moving between
/// fields, the rendering and the saving, the same for every form.
protocol FormKind {
    var title: String { get }
    /// Defaults that follow other fields until the user types in them (a disputed amount, a down payment).
    mutating func followDefaults(_ fields: inout Fields, session: Session)
    /// Catches up with the book before rendering (the promises a new promise would replace).
    mutating func prepare(_ fields: Fields, session: Session)
    /// Whether a field's own error is no mistake yet (a promise's ticks follow its amount, typed next).
    func excuses(_ field: FormField, in fields: Fields) -> Bool
    /// Rules across fields, their problems put on the field to correct (run once every field is well formed).
    func check(_ fields: inout Fields, book: Book, session: Session)
    /// Questions a save asks first, in order; F2 again answers each.
    func questions(_ fields: Fields, session: Session) -> [String]
    /// What a valid save does instead of committing (the plan's terms open its schedule), or nil to commit.
    func submit(_ fields: Fields, session: Session) -> ScreenAction?
    /// The change, built against the latest book under the store's lock, and what "Saved: …" says.
    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String)
    /// Where to go once saved (a call whose outcome was a promise opens the promise form).
    func afterSave(_ fields: Fields, message: StatusMessage, session: Session) -> ScreenAction
    /// Lines under the fields: what a waiver gives away, a plan's schedule, the promises replaced.
    func extraLines(_ fields: Fields, session: Session, width: Int) -> [(String, Style)]
    /// Rows the extra lines need, kept free of the invoice list.
    var extraRows: Int { get }
}

extension FormKind {
    mutating func followDefaults(_ fields: inout Fields, session: Session) {}
    mutating func prepare(_ fields: Fields, session: Session) {}
    func excuses(_ field: FormField, in fields: Fields) -> Bool { false }
    func questions(_ fields: Fields, session: Session) -> [String] { [] }
    func submit(_ fields: Fields, session: Session) -> ScreenAction? { nil }
    func afterSave(_ fields: Fields, message: StatusMessage, session: Session) -> ScreenAction { .popWith(message) }
    func extraLines(_ fields: Fields, session: Session, width: Int) -> [(String, Style)] { [] }
    var extraRows: Int { 0 }
}

/// What forms share to build their fields and their history lines.
enum FormParts {
    /// The customer's open invoices, largest first, to tick.
    static func invoiceField(_ session: Session, _ customerId: String, label: String = tr("Invoices", context: "field")) -> FormField {
        let book = session.book
        let list = book.openInvoices(of: customerId).map { inv in
            FormField.InvoiceChoice(number: inv.number, dueDate: inv.dueDate, open: book.openAmount(inv.number),
                                    daysPastDue: inv.dueDate.days(until: session.today))
        }.sorted { $0.open != $1.open ? $0.open > $1.open : $0.dueDate < $1.dueDate }
        return FormField(id: .invoices, label: label, kind: .invoices(list))
    }

    static func defaultContact(_ session: Session, _ customerId: String) -> String {
        session.book.customers[customerId]?.contacts.first?.name ?? ""
    }

    /// A history line of the form's save, by the session's user, today.
    /// `note` is what the person typed; what the save did is the `event`, worded by each reader (schema 8).
    static func activity(_ session: Session, customerId: String, _ channel: Activity.Channel, outcome: Activity.Outcome? = nil,
                         invoices: [String] = [], event: ActivityEvent? = nil, note: String, next: CalendarDate? = nil, contact: String? = nil) -> Change {
        .logActivity(activity: Activity(id: newId("ACT"), at: Timestamp.now(), date: session.today, user: session.user.id, customerId: customerId,
                                        invoices: invoices, channel: channel, outcome: outcome, contact: contact, note: note, nextActionDate: next,
                                        event: event))
    }

    /// The rules' future-date check on a field: not in the past, within the policy's horizon.
    static func future(_ id: FieldID, _ fields: inout Fields, book: Book, today: CalendarDate) {
        if let d = fields[id].date, let p = Rules.future(d, today: today, policy: book.policy) { fields.fail(id, p.message) }
    }
}
