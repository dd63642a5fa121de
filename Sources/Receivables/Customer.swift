/// A customer account (the buyer), with the people and places a collector needs to reach.
public struct Customer: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    /// French legal id (9 digits), when known.
    public var siren: String?
    public var billingAddress: Address?
    /// Where goods are delivered; large customers receive goods in one place and pay from another.
    public var deliverySites: [Address]
    /// Accounts-payable contacts, first one is the default to call.
    public var contacts: [Contact]
    public var collector: String?
    public var salesperson: String?
    public var paymentTermsDays: Int
    public var creditLimit: Money?
    /// Orders held by a supervisor decision (see the `blocked` report for the computed suggestion).
    public var orderBlocked: Bool

    public init(id: String, name: String, siren: String? = nil, billingAddress: Address? = nil,
                deliverySites: [Address] = [], contacts: [Contact] = [], collector: String? = nil,
                salesperson: String? = nil, paymentTermsDays: Int = 30, creditLimit: Money? = nil,
                orderBlocked: Bool = false) {
        self.id = id; self.name = name; self.siren = siren; self.billingAddress = billingAddress
        self.deliverySites = deliverySites; self.contacts = contacts; self.collector = collector
        self.salesperson = salesperson; self.paymentTermsDays = paymentTermsDays
        self.creditLimit = creditLimit; self.orderBlocked = orderBlocked
    }
}

/// A postal address.
public struct Address: Codable, Sendable, Equatable {
    public var label: String?
    public var street: String
    public var postalCode: String
    public var city: String
    public init(label: String? = nil, street: String, postalCode: String, city: String) {
        self.label = label; self.street = street; self.postalCode = postalCode; self.city = city
    }
    public var oneLine: String { [label, street, "\(postalCode) \(city)"].compactMap { $0 }.joined(separator: ", ") }
}

/// A person at the customer: who to call about payments.
public struct Contact: Codable, Sendable, Equatable {
    public var name: String
    public var role: String?
    public var phone: String?
    public var email: String?
    public init(name: String, role: String? = nil, phone: String? = nil, email: String? = nil) {
        self.name = name; self.role = role; self.phone = phone; self.email = email
    }
}

/// Someone who uses Relance, with the role that decides what they may change.
public struct User: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    public var role: Role
    public init(id: String, name: String, role: Role) { self.id = id; self.name = name; self.role = role }

    public enum Role: String, Codable, Sendable, CaseIterable {
        case collector, supervisor, salesperson
        /// Salespeople look up accounts and add field notes; they never record money events.
        public var mayRecordMoneyEvents: Bool { self != .salesperson }
    }
}
