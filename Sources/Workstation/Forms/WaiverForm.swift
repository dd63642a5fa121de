import Receivables
import TerminalKit

/// The late fees of one invoice waived, with why; above the policy's large-item threshold it asks first, and it
/// always shows what it gives away (a trial user waived 5 106 € with one key).
struct WaiverForm: FormKind {
    let customerId: String
    var title: String { "Waive late fees" }

    static func fields(invoice: String) -> [FormField] {
        [FormField(id: .invoice, label: "Invoice", kind: .choice([.init(invoice, invoice)])),
         FormField(id: .reason, label: "Why waive", kind: .text)]
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {}

    func questions(_ fields: Fields, session: Session) -> [String] {
        guard let n = fields[.invoice].selectedChoice else { return [] }
        let total = session.book.lateFees(n, asOf: session.today).total
        guard total >= session.book.policy.largeItemThreshold else { return [] }
        return ["Waive \(total.formatted) of late fees on \(n)? Press F2 again to confirm"]
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let n = fields[.invoice].selectedChoice!
        let reason = fields[.reason].text.trimmed
        let waived = book.lateFees(n, asOf: session.today).total
        return (.batch(changes: [.waiveLateFees(waiver: LateFeeWaiver(invoice: n, date: session.today, user: session.user.id, reason: reason)),
                                 FormParts.activity(session, customerId: customerId, .note, invoices: [n],
                                                    event: .waiver(amount: waived, reason: reason), note: "")]),
                "late fees on \(n) waived")
    }

    func extraLines(_ fields: Fields, session: Session, width: Int) -> [(String, Style)] {
        guard let n = fields[.invoice].selectedChoice else { return [] }
        let fees = session.book.lateFees(n, asOf: session.today)
        return [("Waives \(fees.total.formatted)\(fees.missingRate == nil ? "" : " at least"): indemnity \(fees.indemnity.formatted), interest \(fees.knownInterest.formatted)", .bold)]
    }
}
