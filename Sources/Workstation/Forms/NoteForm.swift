import Receivables
import Wording

/// A field note (everyone may add one, salespeople included).
struct NoteForm: FormKind {
    let customerId: String
    var title: String { tr("Field note") }

    static func fields() -> [FormField] { [FormField(id: .note, label: tr("Field note", context: "field"), kind: .text)] }

    func check(_ fields: inout Fields, book: Book, session: Session) {}

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        (FormParts.activity(session, customerId: customerId, .note, note: fields.note), tr("field note on {customer}", ["customer": book.customers[customerId]?.name ?? customerId]))
    }
}
