import Receivables

/// A history entry in the reader's words (issue 18: the forms built the sentence at save time). An entry with an
/// event (schema 8) is worded here from its codes and values, then the note the person typed; an older entry keeps
/// the sentence it was saved with. (English for now; the catalogue issue
/// words the same values in French.)
public enum ActivityWording {
    public static func text(_ a: Activity, book: Book) -> String {
        // A call with no note says nothing more: its line already shows the channel and the outcome.
        guard let event = a.event else { return a.note }
        let worded = describe(event, invoices: a.invoices, book: book)
        return a.note.isEmpty ? worded : worded + " — " + a.note
    }

    public static func describe(_ event: ActivityEvent, invoices: [String], book: Book) -> String {
        switch event {
        case .promise(let amount, let date, let replaced):
            return "Promise of \(amount.formatted) for \(date.french) on \(invoices.joined(separator: ", "))" + replacing(replaced)
        case .dispute(let reason, let amount):
            return "Dispute \(reason) (\(book.reasons.reason(reason)?.fr ?? reason)): \(amount.formatted)"
        case .disputeUpdate(let reason, let status, let number, let credit):
            return "Dispute \(reason) \(status.label)" + (credit.map { ", credit note \(number.map { $0 + " " } ?? "")\($0.formatted)" } ?? "")
        case .plan(let down, let downDate, let instalments, let lastDate, let total, let replaced):
            return "Payment plan: \(down.formatted) down on \(downDate.french), then \(instalments) instalments to \(lastDate.french), total \(total.formatted)"
                + replacing(replaced)
        case .withdrawn(let c):
            return "Withdrawn: " + commitment(c)
        case .litigation(let outcome, let reason, let review):
            return "Litigation: \(outcome.label) — \(invoices.joined(separator: ", "))" + (reason.map { "; reason: \($0)" } ?? "")
                + (review.map { "; review again on \($0.french)" } ?? "")
        case .waiver(let amount, let reason):
            return "Late fees of \(amount.formatted) waived on \(invoices.first ?? ""): \(reason)"
        }
    }

    static func commitment(_ c: ActivityEvent.Commitment) -> String {
        if let date = c.date { return "the promise of \(c.amount.formatted) for \(date.french)" }
        return "the payment plan of \(c.amount.formatted) (\(c.payments ?? 0) payments)"
    }

    static func replacing(_ replaced: [ActivityEvent.Commitment]) -> String {
        replaced.map { "; replaces " + commitment($0) }.joined()
    }
}
