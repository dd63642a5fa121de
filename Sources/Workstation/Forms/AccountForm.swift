import Receivables
import TerminalKit
import Wording

/// Account control (issue 20, `E` on the account, supervisors): who collects and sells, the credit limit, the terms,
/// an order hold with its reason, the accounts-payable contacts, and why. A contact is one line "name; role; phone;
/// e-mail": a new line adds one, an emptied line removes it.
struct AccountForm: FormKind {
    let customerId: String
    var title: String { tr("Account control") }

    static func people(_ session: Session, role: User.Role, current: String?) -> FormField.Kind {
        let users = session.book.users.values.filter { ($0.role == role || $0.role == .supervisor) && ($0.isActive || $0.id == current) }
            .sorted { ($0.role == role ? 0 : 1, $0.name) < ($1.role == role ? 0 : 1, $1.name) }
        return .choice([FormField.Choice("", tr("nobody", context: "account field"))] + users.map { FormField.Choice($0.id, $0.name) })
    }

    static func choice(_ kind: FormField.Kind, id: FieldID, label: String, value: String?) -> FormField {
        var f = FormField(id: id, label: label, kind: kind)
        f.choice = f.choices.firstIndex { $0.value == (value ?? "") } ?? 0
        return f
    }

    static func contactLine(_ c: Contact) -> String {
        [c.name, c.role ?? "", c.phone ?? "", c.email ?? ""].joined(separator: "; ").replacingOccurrences(of: "(; )+$", with: "", options: .regularExpression)
    }

    static func fields(_ session: Session, _ customerId: String) -> [FormField] {
        guard let c = session.book.customers[customerId] else { return [] }
        var out = [
            FormField(id: .limit, label: tr("Credit limit", context: "field"), kind: .amount, text: c.creditLimit?.plain ?? "", optional: true),
            FormField(id: .terms, label: tr("Payment terms", context: "field"), kind: .text, text: PaymentTerms(days: c.paymentTermsDays, rule: c.paymentTermsRule ?? .net).label),
            choice(people(session, role: .collector, current: c.collector), id: .collector, label: tr("Collector", context: "field"), value: c.collector),
            choice(people(session, role: .salesperson, current: c.salesperson), id: .salesperson, label: tr("Salesperson", context: "field"), value: c.salesperson),
            choice(.choice([.init("no", tr("no", context: "order hold")), .init("yes", tr("held", context: "order hold"))]), id: .hold,
                   label: tr("Order hold", context: "field"), value: c.orderBlocked ? "yes" : "no"),
            FormField(id: .holdReason, label: tr("Hold reason", context: "field"), kind: .text, text: c.holdReason ?? "", optional: true),
        ]
        for (i, slot) in FieldID.contactSlots.enumerated() where i <= c.contacts.count {
            out.append(FormField(id: slot, label: tr("Contact {n}", context: "field", ["n": "\(i + 1)"]), kind: .text,
                                 text: i < c.contacts.count ? contactLine(c.contacts[i]) : "", optional: true))
        }
        out.append(FormField(id: .reason, label: tr("Why", context: "field"), kind: .text))
        return out
    }

    /// The contacts as typed, each line "name; role; phone; e-mail"; an empty line is a contact removed.
    static func contacts(_ fields: Fields, old: [Contact]) -> [Contact] {
        FieldID.contactSlots.enumerated().compactMap { i, slot -> Contact? in
            guard fields.all.contains(where: { $0.id == slot }) else { return nil }
            let parts = fields[slot].text.split(separator: ";", omittingEmptySubsequences: false).map { String($0).trimmed }
            guard let name = parts.first, !name.isEmpty else { return nil }
            func part(_ k: Int) -> String? { k < parts.count && !parts[k].isEmpty ? parts[k] : nil }
            let previous = i < old.count ? old[i] : nil
            return Contact(name: name, role: part(1), phone: part(2), email: part(3), title: previous?.name == name ? previous?.title : nil)
        }
    }

    func target(_ fields: Fields, customer c: Customer) throws(DomainError) -> AccountTerms {
        var t = AccountTerms(of: c)
        t.collector = fields[.collector].selectedChoice.flatMap { $0.isEmpty ? nil : $0 }
        t.salesperson = fields[.salesperson].selectedChoice.flatMap { $0.isEmpty ? nil : $0 }
        t.creditLimit = fields[.limit].text.trimmed.isEmpty ? nil : fields[.limit].money
        do { t.terms = try PaymentTerms.parse(fields[.terms].text) } catch { throw .said(error.message) }
        t.orderBlocked = fields[.hold].selectedChoice == "yes"
        t.holdReason = fields[.holdReason].text.trimmed
        t.contacts = Self.contacts(fields, old: c.contacts)
        return t
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {
        do { _ = try PaymentTerms.parse(fields[.terms].text) } catch { fields.fail(.terms, error.message) }
        if fields[.hold].selectedChoice == "yes", fields[.holdReason].text.trimmed.isEmpty { fields.fail(.holdReason, tr("an order hold needs a reason")) }
        if let m = fields[.limit].money, m.isNegative { fields.fail(.limit, tr("a credit limit is not negative")) }
        guard let c = book.customers[customerId], let t = try? target(fields, customer: c) else { return }
        if t == AccountTerms(of: c) { fields.fail(.reason, tr("nothing changed")) }
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        guard let c = book.customers[customerId] else { throw .unknown(.customer, customerId) }
        guard let change = try AccountControl.change(c, to: try target(fields, customer: c), reason: fields[.reason].text, by: session.user.id,
                                                     at: Timestamp.now(), date: session.today, id: newId("ACC"))
        else { throw .said(tr("nothing changed")) }
        return (change, tr("account {customer} changed", ["customer": c.name]))
    }
}

/// The same collector for the accounts marked on the team agenda or the search (Space, then `A`).
struct ReassignForm: FormKind {
    let customers: [String]
    var title: String { tr("Reassign") }

    static func fields(_ session: Session, _ customers: [String]) -> [FormField] {
        let current = customers.count == 1 ? session.book.customers[customers[0]]?.collector : nil
        return [AccountForm.choice(AccountForm.people(session, role: .collector, current: current), id: .collector,
                                   label: tr("Collector", context: "field"), value: current),
                FormField(id: .reason, label: tr("Why", context: "field"), kind: .text)]
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {
        let who = fields[.collector].selectedChoice.flatMap { $0.isEmpty ? nil : $0 }
        if customers.allSatisfy({ book.customers[$0]?.collector == who }) { fields.fail(.collector, tr("nothing changed")) }
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let who = fields[.collector].selectedChoice.flatMap { $0.isEmpty ? nil : $0 }
        let list = customers.compactMap { book.customers[$0] }
        guard let change = try AccountControl.reassign(list, to: who, reason: fields[.reason].text, by: session.user.id, at: Timestamp.now(),
                                                       date: session.today, ids: { _ in newId("ACC") })
        else { throw .said(tr("nothing changed")) }
        let moved = list.filter { $0.collector != who }.count
        return (change, trn("{count} account to {name}", "{count} accounts to {name}", count: moved, ["name": session.name(of: who)]))
    }
}
