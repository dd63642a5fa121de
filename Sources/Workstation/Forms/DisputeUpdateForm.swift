import Wording
import Receivables

/// A dispute moved on: in progress, resolved by a credit note (its amount, number and date), claim rejected,
/// withdrawn.
struct DisputeUpdateForm: FormKind {
    let customerId: String
    var title: String { tr("Dispute status") }

    static func fields(_ session: Session, _ customerId: String, invoice: String?) -> [FormField] {
        let active = session.book.activeDisputes(of: customerId)
        let choices = active.map { d in
            FormField.Choice(d.id, tr("{code} {amount} on {invoices} · {days} d", ["code": d.reasonCode, "amount": d.amount.formatted,
                                                       "invoices": d.invoices.joined(separator: ", "), "days": "\(d.age(at: session.today))"]))
        }
        var dispute = FormField(id: .dispute, label: tr("Dispute", context: "field"), kind: .choice(choices))
        if let n = invoice, let i = active.firstIndex(where: { $0.invoices.contains(n) }) { dispute.choice = i }
        let statuses: [Dispute.Status] = [.inProgress, .resolvedCreditNote, .resolvedRejected, .withdrawn]
        return [dispute,
                FormField(id: .status, label: tr("New status", context: "field"), kind: .choice(statuses.map { .init($0.rawValue, $0.label) })),
                FormField(id: .credit, label: tr("Credit note amount", context: "field"), kind: .amount, optional: true),
                FormField(id: .creditNumber, label: tr("Credit note number", context: "field"), kind: .text, optional: true),
                FormField(id: .creditDate, label: tr("Credit note date", context: "field"), kind: .date, text: session.today.iso, optional: true),
                FormField(id: .followup, label: tr("Follow-up date", context: "field"), kind: .date, text: session.today.adding(days: 7).iso, optional: true),
                FormField(id: .note, label: tr("Note", context: "field"), kind: .text, optional: true)]
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {
        let today = session.today
        let status = Dispute.Status(rawValue: fields[.status].selectedChoice ?? "")
        let credit = fields[.credit].money
        let d = book.disputes[fields[.dispute].selectedChoice ?? ""]
        if status == .resolvedCreditNote {
            if credit == nil { fields.fail(.credit, tr("required with a credit note resolution")) }
            else if let c = credit, let d, c > d.amount { fields.fail(.credit, tr("{amount} is more than the {disputed} disputed", ["amount": c.formatted, "disputed": d.amount.formatted])) }
            else if let c = credit, !c.isPositive { fields.fail(.credit, tr("must be above zero")) }
            if let d = fields[.creditDate].date, d > today { fields.fail(.creditDate, tr("{date} is still to come: a credit note is dated when issued", ["date": d.french])) }
            // Its number is how the accounts find it; its date is no earlier than the dispute it settles.
            if fields[.creditNumber].text.trimmed.isEmpty { fields.fail(.creditNumber, tr("the credit note's number (as in the accounts, e.g. AV-2026-0042)")) }
            if let dd = d, let c = fields[.creditDate].date, c < dd.openedOn { fields.fail(.creditDate, tr("{date} is before the dispute was opened ({opened})", ["date": c.french, "opened": dd.openedOn.french])) }
        } else if credit != nil {
            fields.fail(.credit, tr("a credit note goes with the status 'resolved: credit note'"))
        }
        if status != .inProgress, fields.note.isEmpty { fields.fail(.note, tr("say how it was resolved")) }
        FormParts.future(.followup, &fields, book: book, today: today)
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        guard let d = book.disputes[fields[.dispute].selectedChoice ?? ""], d.isActive else {
            throw .said(tr("this dispute was closed meanwhile by someone else"))
        }
        let status = Dispute.Status(rawValue: fields[.status].selectedChoice!)!
        let note = fields.note
        // A credit note is spread over the dispute's invoices in order, each up to its disputed part.
        var left = fields[.credit].money ?? .zero
        var notes: [Allocation] = []
        for line in d.lines where left.isPositive {
            let take = min(left, line.amount)
            notes.append(.init(invoice: line.invoice, amount: take))
            left -= take
        }
        if left.isPositive { throw .creditNoteAboveDisputed(creditNote: fields[.credit].money ?? .zero, disputed: d.amount, invoice: nil) }
        let number = fields[.creditNumber].text.trimmed
        let update = DisputeUpdate(id: d.id, date: session.today, user: session.user.id, status: status,
                                   followUpDate: status == .inProgress ? fields[.followup].date : nil,
                                   note: note.isEmpty ? nil : note, creditNotes: notes,
                                   creditNoteNumber: notes.isEmpty || number.isEmpty ? nil : number,
                                   creditNoteDate: notes.isEmpty ? nil : fields[.creditDate].date)
        let event = ActivityEvent.disputeUpdate(reason: d.reasonCode, status: status, creditNote: notes.isEmpty || number.isEmpty ? nil : number,
                                                credit: notes.isEmpty ? nil : notes.sum(\.amount))
        return (.batch(changes: [.updateDispute(update: update),
                                 FormParts.activity(session, customerId: customerId, .note, invoices: d.invoices, event: event, note: note)]),
                tr("dispute {code} {status}", ["code": d.reasonCode, "status": status.label]))
    }
}
