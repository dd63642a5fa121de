/// Account control (issue 20): what a supervisor sets on an account — who collects it, who sells to it, the credit
/// limit, the payment terms, an order hold and its reason, the accounts-payable contacts — and how each change is
/// recorded: one `updateCustomer` with only the fields that change, in a batch with a history entry that names
/// every field's old and new value, who, when and why. A refused change (by `Permission`, or by the rules)
/// writes nothing, because the batch is applied whole or not at all.

/// A field of an account as history entries and the CLI name it.
public enum AccountField: String, Codable, Sendable, CaseIterable {
    case collector, salesperson, creditLimit = "credit-limit", terms, hold, holdReason = "hold-reason"
    case contactAdded = "contact-added", contactRemoved = "contact-removed", contactEdited = "contact-edited"
}

/// One field's change, as values (user ids, amounts, terms, true/false, contact names); the edge words them.
public struct AccountFieldChange: Codable, Sendable, Equatable {
    public var field: AccountField
    public var old: String?
    public var new: String?
    public init(field: AccountField, old: String?, new: String?) { self.field = field; self.old = old; self.new = new }
}

/// Who collected an account until a day (schema 10): a customer's `assignments` list the collectors before the
/// current one, so a collector's figures follow the account's assignment on each day.
public struct Assignment: Codable, Sendable, Equatable {
    /// The last day this collector held the account.
    public var until: CalendarDate
    /// nil: nobody (the account was unassigned).
    public var collector: String?
    public init(until: CalendarDate, collector: String?) { self.until = until; self.collector = collector }
}

/// What the last customers import said (schema 10), so the next import can tell a value the accounting package
/// changed (applied, and reported when it overrides a change made in Relance) from one it merely repeats (which
/// leaves a change made in Relance — an approved limit, a reassignment — in place).
public struct ImportedTerms: Codable, Sendable, Equatable {
    public var collector: String?
    public var salesperson: String?
    public var creditLimit: Money?
    public var paymentTermsDays: Int?
    public var paymentTermsRule: PaymentTerms.Rule?
    public init(collector: String? = nil, salesperson: String? = nil, creditLimit: Money? = nil, paymentTermsDays: Int? = nil,
                paymentTermsRule: PaymentTerms.Rule? = nil) {
        self.collector = collector; self.salesperson = salesperson; self.creditLimit = creditLimit
        self.paymentTermsDays = paymentTermsDays; self.paymentTermsRule = paymentTermsRule
    }
    /// What a customer holds now, taken as what was imported when nothing was recorded (stores before schema 10).
    public init(of c: Customer) {
        self.init(collector: c.collector, salesperson: c.salesperson, creditLimit: c.creditLimit, paymentTermsDays: c.paymentTermsDays,
                  paymentTermsRule: c.paymentTermsRule)
    }
}

/// The account's controlled values, as a form or a command sets them.
public struct AccountTerms: Sendable, Equatable {
    public var collector: String?
    public var salesperson: String?
    public var creditLimit: Money?
    public var terms: PaymentTerms
    public var orderBlocked: Bool
    public var holdReason: String?
    public var contacts: [Contact]

    public init(of c: Customer) {
        collector = c.collector; salesperson = c.salesperson; creditLimit = c.creditLimit
        terms = PaymentTerms(days: c.paymentTermsDays, rule: c.paymentTermsRule ?? .net)
        orderBlocked = c.orderBlocked; holdReason = c.holdReason; contacts = c.contacts
    }
}

extension PaymentTerms {
    /// A stable code for history entries: `45`, `45 eom`, `eom 45` (what `parse` reads back).
    public var code: String {
        switch rule {
        case .net: "\(days)"
        case .endOfMonth: "\(days) eom"
        case .endOfMonthThenDays: "eom \(days)"
        }
    }
}

public enum AccountControl {
    /// The change that brings `customer` to `target`, with its history entry; nil when nothing differs.
    /// A reason is required (issue 20: every change says why); a hold needs its own reason.
    public static func change(_ customer: Customer, to target: AccountTerms, reason: String, by user: String, at: String,
                              date: CalendarDate, id: String) throws(DomainError) -> Change? {
        let reason = reason.trimmed
        var patch = CustomerPatch()
        var changes: [AccountFieldChange] = []
        let before = AccountTerms(of: customer)
        if target.collector != before.collector {
            patch.collector = target.collector ?? ""
            changes.append(.init(field: .collector, old: before.collector, new: target.collector))
        }
        if target.salesperson != before.salesperson {
            patch.salesperson = target.salesperson ?? ""
            changes.append(.init(field: .salesperson, old: before.salesperson, new: target.salesperson))
        }
        if target.creditLimit != before.creditLimit {
            if let l = target.creditLimit { patch.creditLimit = l } else { patch.clearCreditLimit = true }
            changes.append(.init(field: .creditLimit, old: before.creditLimit?.plain, new: target.creditLimit?.plain))
        }
        if target.terms != before.terms {
            patch.paymentTermsDays = target.terms.days
            patch.paymentTermsRule = target.terms.rule
            changes.append(.init(field: .terms, old: before.terms.code, new: target.terms.code))
        }
        let holdReason = target.orderBlocked ? target.holdReason?.trimmed.nilIfEmpty : nil
        if target.orderBlocked && holdReason == nil { throw .holdNeedsReason }
        if target.orderBlocked != before.orderBlocked {
            patch.orderBlocked = target.orderBlocked
            changes.append(.init(field: .hold, old: "\(before.orderBlocked)", new: "\(target.orderBlocked)"))
        }
        if holdReason != before.holdReason {
            patch.holdReason = holdReason ?? ""
            if target.orderBlocked { changes.append(.init(field: .holdReason, old: before.holdReason, new: holdReason)) }
        }
        if target.contacts != before.contacts {
            patch.contacts = target.contacts
            changes += contactChanges(from: before.contacts, to: target.contacts)
        }
        guard !changes.isEmpty || patch != CustomerPatch() else { return nil }
        guard !reason.isEmpty else { throw .reasonRequired }
        patch.date = date
        let entry = Activity(id: id, at: at, date: date, user: user, customerId: customer.id, channel: .note, note: reason,
                             event: .account(changes: changes))
        return .batch(changes: [.updateCustomer(id: customer.id, patch: patch), .logActivity(activity: entry)])
    }

    /// Contacts added, removed and edited, position by position (the form edits a list in place).
    static func contactChanges(from old: [Contact], to new: [Contact]) -> [AccountFieldChange] {
        var out: [AccountFieldChange] = []
        for i in 0..<max(old.count, new.count) {
            switch (i < old.count ? old[i] : nil, i < new.count ? new[i] : nil) {
            case let (o?, n?) where o != n: out.append(.init(field: .contactEdited, old: o.name, new: n.name))
            case let (o?, nil): out.append(.init(field: .contactRemoved, old: o.name, new: nil))
            case let (nil, n?): out.append(.init(field: .contactAdded, old: nil, new: n.name))
            default: break
            }
        }
        return out
    }

    /// The same collector for several accounts at once (Space and `A` on the team agenda): one batch, one entry each.
    public static func reassign(_ customers: [Customer], to collector: String?, reason: String, by user: String, at: String,
                                date: CalendarDate, ids: (Int) -> String) throws(DomainError) -> Change? {
        var parts: [Change] = []
        for (i, c) in customers.enumerated() {
            var t = AccountTerms(of: c)
            t.collector = collector
            if case .batch(let changes)? = try change(c, to: t, reason: reason, by: user, at: at, date: date, id: ids(i)) { parts += changes }
        }
        return parts.isEmpty ? nil : .batch(changes: parts)
    }
}

extension Customer {
    /// Who collected the account on `day` (its assignments, then the current collector).
    public func collector(on day: CalendarDate) -> String? {
        for a in assignments ?? [] where day <= a.until { return a.collector }
        return collector
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
