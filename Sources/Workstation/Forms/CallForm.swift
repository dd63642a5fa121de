import Wording
import Receivables

/// A call logged: who was reached, the outcome, a note, the next action. A call that ended in a promise or a dispute
/// goes straight on to that form.
struct CallForm: FormKind {
    let customerId: String
    var title: String { tr("Log a call") }

    /// A salesperson's call (issue 20) is a field report for the collector: no promise, no dispute, no next action.
    static func isFieldReport(_ session: Session) -> Bool { !session.may(.call) }

    static func fields(_ session: Session, _ customerId: String) -> [FormField] {
        let field = isFieldReport(session)
        let outcomes = Activity.Outcome.callForm.filter { !field || ![.promised, .disputed].contains($0) }.map { FormField.Choice($0.rawValue, $0.label) }
        return [
            FormField(id: .contact, label: tr("Contact", context: "field"), kind: .text, text: FormParts.defaultContact(session, customerId)),
            FormField(id: .outcome, label: tr("Outcome", context: "field"), kind: .choice(outcomes)),
            FormField(id: .note, label: tr("Note", context: "field"), kind: .text, optional: !field),
        ] + (field ? [] : [FormField(id: .next, label: tr("Next action", context: "field"), kind: .date, text: session.today.adding(days: 7).iso, optional: true)])
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {
        if !Self.isFieldReport(session) { FormParts.future(.next, &fields, book: book, today: session.today) }
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let outcome = Activity.Outcome(rawValue: fields[.outcome].selectedChoice ?? "") ?? .reached
        let contact = fields[.contact].text.trimmed
        let note = fields.note
        // The outcome is a code; a call with no note is worded from it by each reader.
        let field = Self.isFieldReport(session)
        return (FormParts.activity(session, customerId: customerId, .phone, outcome: outcome, event: field ? .fieldReport : nil, note: note,
                                   next: field ? nil : fields[.next].date, contact: contact.isEmpty ? nil : contact),
                tr("call to {customer} ({outcome})", ["customer": book.customers[customerId]?.name ?? customerId, "outcome": outcome.label]))
    }

    func afterSave(_ fields: Fields, message: StatusMessage, session: Session) -> ScreenAction {
        if Self.isFieldReport(session) { return .popWith(message) }
        switch fields[.outcome].selectedChoice {
        case Activity.Outcome.promised.rawValue:
            return .replace(FormScreen.promise(customerId: customerId, session: session), .info(tr("Call saved — now enter the promise")))
        case Activity.Outcome.disputed.rawValue:
            return .replace(FormScreen.dispute(customerId: customerId, invoice: nil, session: session), .info(tr("Call saved — now code the dispute")))
        default: return .popWith(message)
        }
    }
}
