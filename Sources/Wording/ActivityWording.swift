import Receivables

/// A history entry in the reader's words (issue 18: the forms built the sentence at save time). An entry with an
/// event (schema 8) is worded here from its codes and values, then the note the person typed; an older entry keeps
/// the sentence it was saved with. Each reader sees the entry in their own language (issue 19).
public enum ActivityWording {
    public static func text(_ a: Activity, book: Book) -> String {
        // A call with no note says nothing more: its line already shows the channel and the outcome.
        guard let event = a.event else { return sentReminder(a, book: book) ?? a.note }
        let worded = describe(event, invoices: a.invoices, book: book)
        return a.note.isEmpty ? worded : worded + " — " + a.note
    }

    /// A written reminder marked sent records "<step's English label>: <invoices> (letter <file>)" (`sentActivities`):
    /// worded again from the policy's step for the reader, so a French collector reads the step's French label.
    /// Any other note, or a step the policy no longer has, stays as stored.
    static func sentReminder(_ a: Activity, book: Book) -> String? {
        guard a.channel.isWritten, let id = a.step, let step = book.policy.steps.first(where: { $0.id == id }) else { return nil }
        let head = step.label + ": " + a.invoices.joined(separator: ", ")
        guard a.note.hasPrefix(head) else { return nil }
        let rest = a.note.dropFirst(head.count)
        var file: String?
        if rest.hasPrefix(" (letter "), rest.hasSuffix(")") { file = String(rest.dropFirst(9).dropLast()) } else if !rest.isEmpty { return nil }
        let label = Language.current == .fr ? step.fr?.label ?? step.label : step.label
        let said = tr("{what}: {said}", ["what": label, "said": a.invoices.joined(separator: ", ")])
        return said + (file.map { " " + tr("(letter {path})", ["path": $0]) } ?? "")
    }

    public static func describe(_ event: ActivityEvent, invoices: [String], book: Book) -> String {
        switch event {
        case .promise(let amount, let date, let replaced):
            return tr("Promise of {amount} for {date} on {invoices}", ["amount": amount.formatted, "date": date.french,
                                                                       "invoices": invoices.joined(separator: ", ")]) + replacing(replaced)
        case .dispute(let reason, let amount):
            return tr("Dispute {code} ({reason}): {amount}", ["code": reason, "reason": reasonName(reason, book), "amount": amount.formatted])
        case .disputeUpdate(let reason, let status, let number, let credit):
            let worded = tr("Dispute {code} {status}", ["code": reason, "status": status.label])
            guard let credit else { return worded }
            return worded + (number.map { tr(", credit note {number} {amount}", ["number": $0, "amount": credit.formatted]) }
                             ?? tr(", credit note {amount}", ["amount": credit.formatted]))
        case .plan(let down, let downDate, let instalments, let lastDate, let total, let replaced):
            return trn("Payment plan: {down} down on {downDate}, then {count} instalment to {lastDate}, total {total}",
                       "Payment plan: {down} down on {downDate}, then {count} instalments to {lastDate}, total {total}", count: instalments,
                       ["down": down.formatted, "downDate": downDate.french, "lastDate": lastDate.french, "total": total.formatted])
                + replacing(replaced)
        case .withdrawn(let c):
            return tr("Withdrawn: {what}", ["what": commitment(c)])
        case .litigation(let outcome, let reason, let review):
            return tr("Litigation: {outcome} — {invoices}", ["outcome": outcome.label, "invoices": invoices.joined(separator: ", ")])
                + (reason.map { tr("; reason: {reason}", ["reason": $0]) } ?? "")
                + (review.map { tr("; review again on {date}", ["date": $0.french]) } ?? "")
        case .waiver(let amount, let reason):
            return tr("Late fees of {amount} waived on {invoice}: {reason}", ["amount": amount.formatted, "invoice": invoices.first ?? "", "reason": reason])
        case .account, .requestFiled, .requestDecided, .fieldReport:
            return AccountWording.describe(event, book: book) ?? ""
        }
    }

    static func commitment(_ c: ActivityEvent.Commitment) -> String {
        if let date = c.date { return tr("the promise of {amount} for {date}", ["amount": c.amount.formatted, "date": date.french]) }
        return trn("the payment plan of {amount} ({count} payment)", "the payment plan of {amount} ({count} payments)", count: c.payments ?? 0,
                   ["amount": c.amount.formatted])
    }

    static func replacing(_ replaced: [ActivityEvent.Commitment]) -> String {
        replaced.map { tr("; replaces {what}", ["what": commitment($0)]) }.joined()
    }

    /// A dispute reason's name in the reader's language (the catalogue of reasons holds both).
    public static func reasonName(_ code: String, _ book: Book) -> String {
        guard let r = book.reasons.reason(code) else { return code }
        return Language.current == .fr ? r.fr : r.en
    }
}
