import Receivables
import TerminalKit
import Wording

/// A higher credit limit asked for (issue 20, `Q` on the account): a supervisor approves or refuses it.
struct CreditLimitRequestForm: FormKind {
    let customerId: String
    var title: String { tr("Ask for a higher credit limit") }

    static func fields() -> [FormField] {
        [FormField(id: .amount, label: tr("Limit asked", context: "field"), kind: .amount),
         FormField(id: .reason, label: tr("Why", context: "field"), kind: .text)]
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {
        guard let m = fields[.amount].money else { return }
        if !m.isPositive { fields.fail(.amount, tr("must be above zero")) }
        else if let current = book.customers[customerId]?.creditLimit, m <= current {
            fields.fail(.amount, tr("the credit limit asked for must be above the current {limit}", ["limit": current.formatted]))
        }
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let r = AccountRequest(id: newId("REQ"), customerId: customerId, kind: .creditLimit, requestedBy: session.user.id, at: Timestamp.now(),
                               date: session.today, amount: fields[.amount].money, note: fields[.reason].text.trimmed)
        return (AccountRequests.file(r, entryId: newId("ACT")), tr("request for a credit limit of {amount} on {customer}",
                                                                   ["amount": r.amount?.formatted ?? "", "customer": book.customers[customerId]?.name ?? customerId]))
    }

    func extraLines(_ fields: Fields, session: Session, width: Int) -> [(String, Style)] {
        let limit = session.book.customers[customerId]?.creditLimit
        return [(limit.map { tr("Current limit: {amount}", ["amount": $0.formatted]) } ?? tr("No credit limit yet"), .dim)]
    }
    var extraRows: Int { 1 }
}

/// A risk flag from the field (`F`): difficulty, a commercial dispute coming, a visit planned, a change of ownership.
struct RiskFlagForm: FormKind {
    let customerId: String
    var title: String { tr("Raise a risk flag") }

    static func fields() -> [FormField] {
        [FormField(id: .flag, label: tr("Risk", context: "field"),
                   kind: .choice(RiskFlagCatalogue.standard.flags.map { FormField.Choice($0.code, AccountWording.flagName($0.code)) })),
         FormField(id: .note, label: tr("What you saw or heard", context: "field"), kind: .text)]
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {}

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let r = AccountRequest(id: newId("REQ"), customerId: customerId, kind: .risk, requestedBy: session.user.id, at: Timestamp.now(),
                               date: session.today, flag: fields[.flag].selectedChoice, note: fields.note)
        return (AccountRequests.file(r, entryId: newId("ACT")), tr("risk flag on {customer}, for its collector tomorrow morning",
                                                                   ["customer": book.customers[customerId]?.name ?? customerId]))
    }
}

/// A field visit (`V`): whom the salesperson met and what they learned; the collector sees it the next morning.
struct VisitForm: FormKind {
    let customerId: String
    var title: String { tr("Field visit") }

    static func fields(_ session: Session, _ customerId: String) -> [FormField] {
        [FormField(id: .contact, label: tr("Met", context: "field"), kind: .text, text: FormParts.defaultContact(session, customerId), optional: true),
         FormField(id: .note, label: tr("What you learned", context: "field"), kind: .text)]
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {}

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let contact = fields[.contact].text.trimmed
        return (FormParts.activity(session, customerId: customerId, .visit, event: .fieldReport, note: fields.note, contact: contact.isEmpty ? nil : contact),
                tr("visit to {customer}", ["customer": book.customers[customerId]?.name ?? customerId]))
    }
}

/// A supervisor's decision on a request, with its note (the request queue's `a` and `r`).
struct DecisionForm: FormKind {
    let request: AccountRequest
    let approve: Bool
    var title: String { approve ? tr("Approve the request") : tr("Refuse the request") }

    static func fields() -> [FormField] { [FormField(id: .note, label: tr("Decision note", context: "field"), kind: .text)] }

    func check(_ fields: inout Fields, book: Book, session: Session) {}

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        guard let r = book.requests[request.id] else { throw .unknown(.request, request.id) }
        let asked = AccountWording.asked(kind: r.kind, amount: r.amount, flag: r.flag)
        return (AccountRequests.decide(r, approve: approve, note: fields.note, by: session.user.id, at: Timestamp.now(), date: session.today,
                                       entryId: newId("ACT")),
                approve ? tr("approved: {asked}", ["asked": asked]) : tr("refused: {asked}", ["asked": asked]))
    }

    func extraLines(_ fields: Fields, session: Session, width: Int) -> [(String, Style)] {
        let r = request
        var out = [(tr("{name} asks: {asked}", ["name": session.name(of: r.requestedBy), "asked": AccountWording.asked(kind: r.kind, amount: r.amount, flag: r.flag)]), Style.bold),
                   (tr("Why: {note}", ["note": r.note]), Style.plain)]
        if r.kind == .creditLimit {
            let s = AccountSummary(book: session.book, customerId: r.customerId, date: session.today)
            let limit = s.customer.creditLimit.map(\.formatted) ?? tr("none", context: "credit limit")
            out.append((tr("Now: limit {limit}, open {open}, overdue {overdue}", ["limit": limit, "open": s.totalOpen.formatted, "overdue": s.overdue.formatted]), .dim))
        }
        return out
    }
    var extraRows: Int { 3 }
}
