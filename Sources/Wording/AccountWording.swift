import Receivables

// Issue 20: the words for account control, requests and field reports, in the reader's language.

extension AccountRequest.Kind {
    public var label: String {
        switch self {
        case .creditLimit: tr("credit limit", context: "request kind")
        case .risk: tr("risk flag", context: "request kind")
        }
    }
}

extension AccountRequest.Status {
    public var label: String {
        switch self {
        case .pending: tr("pending", context: "request status")
        case .approved: tr("approved", context: "request status")
        case .refused: tr("refused", context: "request status")
        }
    }
}

extension AccountField {
    public var label: String {
        switch self {
        case .collector: tr("collector", context: "account field")
        case .salesperson: tr("salesperson", context: "account field")
        case .creditLimit: tr("credit limit", context: "account field")
        case .terms: tr("payment terms", context: "account field")
        case .hold: tr("order hold", context: "account field")
        case .holdReason: tr("hold reason", context: "account field")
        case .contactAdded: tr("contact added", context: "account field")
        case .contactRemoved: tr("contact removed", context: "account field")
        case .contactEdited: tr("contact edited", context: "account field")
        }
    }
}

public enum AccountWording {
    /// A risk flag's name in the reader's language (the catalogue holds both).
    public static func flagName(_ code: String) -> String {
        guard let f = RiskFlagCatalogue.standard.flag(code) else { return code }
        return Language.current == .fr ? f.fr : f.en
    }

    static func person(_ id: String?, _ book: Book) -> String {
        guard let id else { return tr("nobody", context: "account field") }
        return book.users[id]?.name ?? id
    }

    /// A field's value as the reader reads it.
    static func value(_ field: AccountField, _ v: String?, _ book: Book) -> String {
        switch field {
        case .collector, .salesperson: return person(v, book)
        case .creditLimit:
            guard let v, let m = try? Money.parse(v) else { return tr("none", context: "credit limit") }
            return m.formatted
        case .terms:
            guard let v, let t = try? PaymentTerms.parse(v) else { return v ?? "" }
            return t.label
        case .hold: return v == "true" ? tr("held", context: "order hold") : tr("not held", context: "order hold")
        case .holdReason, .contactAdded, .contactRemoved, .contactEdited: return v ?? ""
        }
    }

    public static func change(_ c: AccountFieldChange, book: Book) -> String {
        switch c.field {
        case .contactAdded: tr("contact added: {name}", ["name": c.new ?? ""])
        case .contactRemoved: tr("contact removed: {name}", ["name": c.old ?? ""])
        case .contactEdited: c.old == c.new ? tr("contact edited: {name}", ["name": c.new ?? ""])
            : tr("contact edited: {old} → {new}", ["old": c.old ?? "", "new": c.new ?? ""])
        case .holdReason where (c.old ?? "").isEmpty: tr("{field}: {new}", ["field": c.field.label, "new": c.new ?? ""])
        default: tr("{field}: {old} → {new}", ["field": c.field.label, "old": value(c.field, c.old, book), "new": value(c.field, c.new, book)])
        }
    }

    /// What a request asks, as a queue or a history line says it.
    public static func asked(kind: AccountRequest.Kind, amount: Money?, flag: String?) -> String {
        switch kind {
        case .creditLimit: tr("credit limit of {amount}", ["amount": amount?.formatted ?? ""])
        case .risk: tr("risk flag: {flag}", ["flag": flag.map(flagName) ?? ""])
        }
    }

    static func describe(_ event: ActivityEvent, book: Book) -> String? {
        switch event {
        case .account(let changes):
            return tr("Account changed: {changes}", ["changes": changes.map { change($0, book: book) }.joined(separator: "; ")])
        case .requestFiled(let id, let kind, let amount, let flag):
            return tr("Request {id}: {asked}", ["id": id, "asked": asked(kind: kind, amount: amount, flag: flag)])
        case .requestDecided(let id, let kind, let approved, let amount, let flag):
            let what = asked(kind: kind, amount: amount, flag: flag)
            return approved ? tr("Request {id} approved: {asked}", ["id": id, "asked": what])
                            : tr("Request {id} refused: {asked}", ["id": id, "asked": what])
        case .fieldReport:
            return tr("From the field")
        default: return nil
        }
    }
}
