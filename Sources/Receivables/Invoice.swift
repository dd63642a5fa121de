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

    public var id: String { number }

    public init(number: String, customerId: String, issueDate: CalendarDate, dueDate: CalendarDate,
                amount: Money, poNumber: String? = nil, deliverySite: String? = nil) {
        self.number = number; self.customerId = customerId; self.issueDate = issueDate
        self.dueDate = dueDate; self.amount = amount; self.poNumber = poNumber; self.deliverySite = deliverySite
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

    public init(id: String, customerId: String, date: CalendarDate, amount: Money, reference: String? = nil, allocations: [Allocation]) {
        self.id = id; self.customerId = customerId; self.date = date; self.amount = amount
        self.reference = reference; self.allocations = allocations
    }

    /// What was not lettered: on-account credit.
    public var unallocated: Money { amount - allocations.sum(\.amount) }
}

/// Part of a payment (or on-account credit) applied to one invoice.
public struct Allocation: Codable, Sendable, Equatable {
    public var invoice: String
    public var amount: Money
    public init(invoice: String, amount: Money) { self.invoice = invoice; self.amount = amount }
}

/// A credit note issued against an invoice (resolution of a dispute), reducing its open amount.
public struct CreditNote: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var invoice: String
    public var date: CalendarDate
    public var amount: Money
    public var disputeId: String?
    public init(id: String, invoice: String, date: CalendarDate, amount: Money, disputeId: String? = nil) {
        self.id = id; self.invoice = invoice; self.date = date; self.amount = amount; self.disputeId = disputeId
    }
}
