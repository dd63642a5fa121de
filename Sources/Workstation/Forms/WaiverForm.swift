import Receivables
import TerminalKit
import Wording

/// The late fees of one invoice waived, with why; above the policy's large-item threshold it asks first, and it
/// always shows what it gives away (a trial user waived 5 106 € with one key).
struct WaiverForm: FormKind {
    let customerId: String
    var title: String { tr("Waive late fees") }

    static func fields(invoice: String) -> [FormField] {
        [FormField(id: .invoice, label: tr("Invoice", context: "field"), kind: .choice([.init(invoice, invoice)])),
         FormField(id: .reason, label: tr("Why waive", context: "field"), kind: .text)]
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {}

    func questions(_ fields: Fields, session: Session) -> [String] {
        guard let n = fields[.invoice].selectedChoice else { return [] }
        let total = session.book.lateFees(n, asOf: session.today).total
        guard total >= session.book.policy.largeItemThreshold else { return [] }
        return [tr("Waive {amount} of late fees on {invoice}? Press F2 again to confirm", ["amount": total.formatted, "invoice": n])]
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let n = fields[.invoice].selectedChoice!
        let reason = fields[.reason].text.trimmed
        let waived = book.lateFees(n, asOf: session.today).total
        return (.batch(changes: [.waiveLateFees(waiver: LateFeeWaiver(invoice: n, date: session.today, user: session.user.id, reason: reason)),
                                 FormParts.activity(session, customerId: customerId, .note, invoices: [n],
                                                    event: .waiver(amount: waived, reason: reason), note: "")]),
                tr("late fees on {invoice} waived", ["invoice": n]))
    }

    func extraLines(_ fields: Fields, session: Session, width: Int) -> [(String, Style)] {
        guard let n = fields[.invoice].selectedChoice else { return [] }
        let fees = session.book.lateFees(n, asOf: session.today)
        return [((fees.missingRate == nil ? tr("Waives {amount}: indemnity {indemnity}, interest {interest}", ["amount": fees.total.formatted, "indemnity": fees.indemnity.formatted, "interest": fees.knownInterest.formatted])
                  : tr("Waives at least {amount}: indemnity {indemnity}, interest {interest}", ["amount": fees.total.formatted, "indemnity": fees.indemnity.formatted, "interest": fees.knownInterest.formatted])), .bold)]
    }
}
