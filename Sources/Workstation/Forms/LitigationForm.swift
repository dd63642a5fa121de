import Wording
import Receivables

/// The litigation review's decision (issue 10): the items it covers (those due for review ticked; others may be
/// ticked by hand, after a question: a customer in liquidation is handed over without waiting for the ladder), the
/// outcome, a reason (required to write off), the date of the next review when going back to amicable follow-up.
struct LitigationForm: FormKind {
    let customerId: String
    var title: String { tr("Litigation decision") }

    static func fields(_ session: Session, _ customerId: String) -> [FormField] {
        var invoices = FormParts.invoiceField(session, customerId, label: tr("Invoices", context: "field"))
        invoices.picked = Set(invoices.invoiceChoices.map(\.number).filter { session.book.isDueForReview($0, at: session.today) })
        let outcomes = LitigationDecision.Outcome.allCases.map { FormField.Choice($0.rawValue, $0.label) }
        return [invoices,
                FormField(id: .outcome, label: tr("Decision", context: "field"), kind: .choice(outcomes)),
                FormField(id: .reason, label: tr("Reason", context: "field"), kind: .text, optional: true),
                FormField(id: .date, label: tr("Review again on", context: "field"), kind: .date, text: session.today.adding(days: 30).iso, optional: true),
                FormField(id: .note, label: tr("Note", context: "field"), kind: .text, optional: true)]
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {
        let today = session.today
        let outcome = LitigationDecision.Outcome(rawValue: fields[.outcome].selectedChoice ?? "")
        let picked = fields[.invoices].pickedInvoices
        if picked.isEmpty { fields.fail(.invoices, tr("tick the invoices the decision covers")) }
        for n in picked where book.isInLitigation(n) { fields.fail(.invoices, tr("{invoice} is already {outcome}", ["invoice": n, "outcome": book.litigation(of: n)!.outcome.label])) }
        for n in picked where (book.invoices[n]?.dueDate ?? today) >= today { fields.fail(.invoices, tr("{invoice} is not overdue: nothing to hand over or write off yet", ["invoice": n])) }
        if outcome == .writeOff {
            if !session.may(.writeOff) { fields.fail(.outcome, tr("only a supervisor writes items off")) }
            if fields[.reason].text.trimmed.isEmpty { fields.fail(.reason, tr("say why the items are written off")) }
        }
        if outcome == .amicable {
            if let d = fields[.date].date {
                if d <= today { fields.fail(.date, tr("the next review comes after today")) } else { FormParts.future(.date, &fields, book: book, today: today) }
            } else { fields.fail(.date, tr("the date of the next review")) }
        }
    }

    /// Items not due for review (no formal notice yet, its time to pay not over, or sent back to amicable follow-up
    /// until a later date): deciding early is possible, after a question.
    func questions(_ fields: Fields, session: Session) -> [String] {
        let early = fields[.invoices].pickedInvoices.filter { !session.book.isDueForReview($0, at: session.today) }
        guard !early.isEmpty else { return [] }
        return [trn("{invoices} is not due for review yet: press F2 again to decide anyway", "{invoices} are not due for review yet: press F2 again to decide anyway",
                     count: early.count, ["invoices": early.joined(separator: ", ")])]
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let outcome = LitigationDecision.Outcome(rawValue: fields[.outcome].selectedChoice!)!
        let reason = fields[.reason].text.trimmed
        let note = fields.note
        let decision = LitigationDecision(id: newId("LIT"), customerId: customerId, invoices: fields[.invoices].pickedInvoices, date: session.today,
                                          user: session.user.id, outcome: outcome, reason: reason.isEmpty ? nil : reason, note: note,
                                          reviewAgainOn: outcome == .amicable ? fields[.date].date : nil)
        let event = ActivityEvent.litigation(outcome: outcome, reason: reason.isEmpty ? nil : reason, reviewAgainOn: decision.reviewAgainOn)
        return (.batch(changes: [.decideLitigation(decision: decision),
                                 FormParts.activity(session, customerId: customerId, .litigationReview, invoices: decision.invoices,
                                                    event: event, note: note)]),
                trn("{outcome}: {count} invoice", "{outcome}: {count} invoices", count: decision.invoices.count, ["outcome": outcome.label]))
    }
}
