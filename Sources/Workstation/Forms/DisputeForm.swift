import Receivables
import Wording

/// A dispute coded on the ticked invoices: the reason from the store's catalogue, the amount (by default what is
/// not yet disputed on them), the department that owns it (following the reason), the follow-up date.
struct DisputeForm: FormKind {
    let customerId: String
    var title: String { tr("Dispute") }

    static func fields(_ session: Session, _ customerId: String, invoice: String?) -> [FormField] {
        var invoices = FormParts.invoiceField(session, customerId, label: tr("Disputed invoices", context: "field"))
        if let n = invoice { invoices.picked = [n]; invoices.listCursor = invoices.invoiceChoices.firstIndex { $0.number == n } ?? 0 }
        let reasons = session.book.reasons.reasons.map { FormField.Choice($0.code, "\($0.code) — \(Language.current == .fr ? $0.fr : $0.en)") }
        return [invoices,
                FormField(id: .reason, label: tr("Reason", context: "field"), kind: .choice(reasons)),
                FormField(id: .amount, label: tr("Disputed amount", context: "field"), kind: .amount),
                FormField(id: .owner, label: tr("Owner department", context: "field"), kind: .choice(Dispute.departments.map { FormField.Choice($0, Dispute.departmentLabel($0)) })),
                FormField(id: .followup, label: tr("Follow-up date", context: "field"), kind: .date, text: session.today.adding(days: 7).iso),
                FormField(id: .note, label: tr("Note", context: "field"), kind: .text, optional: true)]
    }

    mutating func followDefaults(_ fields: inout Fields, session: Session) {
        // What is not yet disputed on the ticked items: the most the book takes.
        let free = Rules.openAmount(on: fields[.invoices].pickedInvoices, in: session.book, lessDisputed: true)
        if !fields[.amount].edited { fields[.amount].set(free.formatted(symbol: false)) }
        if !fields[.owner].edited, let code = fields[.reason].selectedChoice, let owner = session.book.reasons.reason(code)?.owner,
           let k = fields[.owner].choices.firstIndex(where: { owner.hasPrefix($0.value) }) {
            fields[.owner].choice = k
        }
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {
        // Less what is already disputed, as the book counts it (the form compared with the open amount only).
        if let a = fields[.amount].money, let p = Rules.withinOpen(a, on: fields[.invoices].pickedInvoices, in: book, lessDisputed: true) {
            fields.fail(.amount, p.message)
        }
        FormParts.future(.followup, &fields, book: book, today: session.today)
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let code = fields[.reason].selectedChoice!
        let note = fields.note
        let lines = Self.spread(fields[.amount].money!, over: fields[.invoices].pickedInvoices, book: book)
        let d = Dispute(id: newId("LIT"), customerId: customerId, lines: lines, reasonCode: code,
                        ownerDepartment: fields[.owner].selectedChoice!, openedOn: session.today, followUpDate: fields[.followup].date,
                        note: note, user: session.user.id)
        try book.validate(dispute: d)
        return (.batch(changes: [.openDispute(dispute: d),
                                 FormParts.activity(session, customerId: customerId, .phone, outcome: .disputed, invoices: d.invoices,
                                                    event: .dispute(reason: code, amount: d.amount), note: note)]),
                tr("dispute {code} on {invoices}", ["code": code, "invoices": d.invoices.joined(separator: ", ")]))
    }

    /// A disputed amount spread over the ticked invoices, largest first, each up to what is not yet disputed.
    static func spread(_ amount: Money, over numbers: [String], book: Book) -> [Allocation] {
        var left = amount
        var out: [Allocation] = []
        for n in numbers where left.isPositive {
            let free = book.openAmount(n) - book.disputedAmount(n)
            guard free.isPositive else { continue }
            let take = min(free, left)
            out.append(.init(invoice: n, amount: take))
            left -= take
        }
        if left.isPositive, let first = numbers.first {   // more than is free: let validation say so
            out.append(.init(invoice: first, amount: left))
        }
        return out
    }
}
