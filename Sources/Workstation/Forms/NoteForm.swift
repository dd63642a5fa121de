import Receivables

/// A field note (everyone may add one, salespeople included).
struct NoteForm: FormKind {
    let customerId: String
    var title: String { "Field note" }

    static func fields() -> [FormField] { [FormField(id: .note, label: "Field note", kind: .text)] }

    func check(_ fields: inout Fields, book: Book, session: Session) {}

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        (FormParts.activity(session, customerId: customerId, .note, note: fields.note), "field note on \(book.customers[customerId]?.name ?? customerId)")
    }
}
