import Wording
import Receivables

/// A call logged: who was reached, the outcome, a note, the next action. A call that ended in a promise or a dispute
/// goes straight on to that form.
struct CallForm: FormKind {
    let customerId: String
    var title: String { tr("Log a call") }

    static func fields(_ session: Session, _ customerId: String) -> [FormField] {
        let outcomes = Activity.Outcome.callForm.map { FormField.Choice($0.rawValue, $0.label) }
        return [
            FormField(id: .contact, label: tr("Contact", context: "field"), kind: .text, text: FormParts.defaultContact(session, customerId)),
            FormField(id: .outcome, label: tr("Outcome", context: "field"), kind: .choice(outcomes)),
            FormField(id: .note, label: tr("Note", context: "field"), kind: .text, optional: true),
            FormField(id: .next, label: tr("Next action", context: "field"), kind: .date, text: session.today.adding(days: 7).iso, optional: true),
        ]
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {
        FormParts.future(.next, &fields, book: book, today: session.today)
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let outcome = Activity.Outcome(rawValue: fields[.outcome].selectedChoice ?? "") ?? .reached
        let contact = fields[.contact].text.trimmed
        let note = fields.note
        // The outcome is a code; a call with no note is worded from it by each reader.
        return (FormParts.activity(session, customerId: customerId, .phone, outcome: outcome, note: note,
                                   next: fields[.next].date, contact: contact.isEmpty ? nil : contact),
                tr("call to {customer} ({outcome})", ["customer": book.customers[customerId]?.name ?? customerId, "outcome": outcome.label]))
    }

    func afterSave(_ fields: Fields, message: StatusMessage, session: Session) -> ScreenAction {
        switch fields[.outcome].selectedChoice {
        case Activity.Outcome.promised.rawValue:
            return .replace(FormScreen.promise(customerId: customerId, session: session), .info(tr("Call saved — now enter the promise")))
        case Activity.Outcome.disputed.rawValue:
            return .replace(FormScreen.dispute(customerId: customerId, invoice: nil, session: session), .info(tr("Call saved — now code the dispute")))
        default: return .popWith(message)
        }
    }
}
