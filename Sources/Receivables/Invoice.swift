/// An invoice issued to a customer (an open item until fully paid or credited).
public struct Invoice: Codable, Sendable, Equatable, Identifiable {
    public var number: String
    public var customerId: String
    public var issueDate: CalendarDate
    public var dueDate: CalendarDate
    /// Amount including VAT.
    public var amount: Money
    public var poNumber: String?
    public var deliverySite: String?
    /// The item's written dunning level (issue 10): 0 = no written action yet, or only courtesy letters before its
    /// due date; 1 = the first written reminder after due; then each later written step of the policy's ladder.
    /// Kept with the item (the agenda reads it at start-up; the history stays on disk). Nil reads as 0.
    public var dunningLevel: Int?
    /// The day of the item's last written action (any level): the next one waits the policy's minimum interval.
    public var lastDunned: CalendarDate?
    /// The ladder step the level stands for: when a store's policy gains or loses a step, the level follows the
    /// step (an item past its formal notice stays past it), not the old position in the ladder.
    public var dunningStep: String?
    /// The amount excluding VAT, when the accounting package gives it (schema 10, column `amount_excl_vat`): the
    /// provision for doubtful receivables is computed on it.
    public var amountExclVat: Money?
    /// The item's identity in the accounting package's FEC (schema 11, issue 21): `account/aux|journal|entry|piece|date`, so
    /// a re-import or a later FEC finds it whatever number it is shown under.
    public var ledgerId: String?

    public var id: String { number }
    public var level: Int { dunningLevel ?? 0 }

    public init(number: String, customerId: String, issueDate: CalendarDate, dueDate: CalendarDate,
                amount: Money, poNumber: String? = nil, deliverySite: String? = nil, dunningLevel: Int? = nil, lastDunned: CalendarDate? = nil,
                dunningStep: String? = nil) {
        self.number = number; self.customerId = customerId; self.issueDate = issueDate
        self.dueDate = dueDate; self.amount = amount; self.poNumber = poNumber; self.deliverySite = deliverySite
        self.dunningLevel = dunningLevel; self.lastDunned = lastDunned; self.dunningStep = dunningStep
    }
}

/// A payment received from a customer and how it was lettered (allocated) to invoices.
public struct Payment: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var customerId: String
    public var date: CalendarDate
    public var amount: Money
    public var reference: String?
    public var allocations: [Allocation]
    /// The credit line's identity in the FEC it came from (schema 11, see `Invoice.ledgerId`).
    public var ledgerId: String?
    /// A credit note of the accounting package (a credit line outside the bank journals, schema 11): it settles
    /// invoices as a payment does, but it is not cash collected.
    public var creditNote: Bool?

    public init(id: String, customerId: String, date: CalendarDate, amount: Money, reference: String? = nil, allocations: [Allocation]) {
        self.id = id; self.customerId = customerId; self.date = date; self.amount = amount
        self.reference = reference; self.allocations = allocations
    }

    /// Money received (not a credit note).
    public var isCash: Bool { creditNote != true }

    /// What was not lettered: on-account credit.
    public var unallocated: Money { amount - allocations.sum(\.amount) }
}

/// Part of a payment (or on-account credit) applied to one invoice.
public struct Allocation: Codable, Sendable, Equatable {
    public var invoice: String
    public var amount: Money
    /// When the lettering settles the invoice, if later than the payment (schema 11: a FEC's `DateLet`); nil: the
    /// payment's date.
    public var date: CalendarDate?
    public init(invoice: String, amount: Money, date: CalendarDate? = nil) { self.invoice = invoice; self.amount = amount; self.date = date }
}

/// A credit note issued against an invoice (resolution of a dispute), reducing its open amount.
public struct CreditNote: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var invoice: String
    public var date: CalendarDate
    public var amount: Money
    public var disputeId: String?
    /// The credit note's own number in the accounting package (`AV-2026-0042`; schema 7).
    public var number: String?
    public init(id: String, invoice: String, date: CalendarDate, amount: Money, disputeId: String? = nil, number: String? = nil) {
        self.id = id; self.invoice = invoice; self.date = date; self.amount = amount; self.disputeId = disputeId; self.number = number
    }
}
