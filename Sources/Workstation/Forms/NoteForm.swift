import Receivables
import Wording

/// A field note (everyone may add one, salespeople included).
struct NoteForm: FormKind {
    let customerId: String
    var title: String { tr("Field note") }

    static func fields() -> [FormField] { [FormField(id: .note, label: tr("Field note", context: "field"), kind: .text)] }

    func check(_ fields: inout Fields, book: Book, session: Session) {}

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        // A salesperson's note is news for the collector (issue 20: a note nobody was told about): on their agenda tomorrow.
        (FormParts.activity(session, customerId: customerId, .note, event: CallForm.isFieldReport(session) ? .fieldReport : nil, note: fields.note), tr("field note on {customer}", ["customer": book.customers[customerId]?.name ?? customerId]))
    }
}
