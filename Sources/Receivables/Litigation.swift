/// What a litigation review decides for overdue items at the top of the dunning ladder (issue 10).
///
/// Handing over (to a collection agency, an injunction to pay, legal proceedings) takes the items out of the
/// amicable agenda and letters; they stay in the aged balance and DSO, on a line of their own. A write-off
/// (supervisors only, with a reason) settles the open amount on its date, so the item leaves the aged balance
/// and DSO from that day. Back to amicable keeps the items in ordinary follow-up until the date given, when the
/// review comes back if they are still unpaid.
public struct LitigationDecision: Codable, Sendable, Equatable, Identifiable {
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case collectionAgency = "collection-agency", injunction, legal, writeOff = "write-off", amicable
        /// Out of the amicable agenda and letters.
        public var isHandedOver: Bool { self == .collectionAgency || self == .injunction || self == .legal }
    }

    public var id: String
    public var customerId: String
    public var invoices: [String]
    public var date: CalendarDate
    public var user: String
    public var outcome: Outcome
    /// Required for a write-off.
    public var reason: String?
    public var note: String
    /// Back to amicable: the review comes back on this day if the items are still unpaid.
    public var reviewAgainOn: CalendarDate?

    public init(id: String, customerId: String, invoices: [String], date: CalendarDate, user: String, outcome: Outcome,
                reason: String? = nil, note: String = "", reviewAgainOn: CalendarDate? = nil) {
        self.id = id; self.customerId = customerId; self.invoices = invoices; self.date = date; self.user = user
        self.outcome = outcome; self.reason = reason; self.note = note; self.reviewAgainOn = reviewAgainOn
    }
}

extension Book {
    /// The latest litigation decision on an invoice, if any.
    public func litigation(of invoice: String) -> LitigationDecision? {
        litigationByInvoice[invoice].flatMap { litigations[$0] }
    }

    /// True when the item is out of the amicable agenda and letters (handed over or written off).
    public func isInLitigation(_ invoice: String) -> Bool {
        guard let d = litigation(of: invoice) else { return false }
        return d.outcome != .amicable
    }

    /// Every decision, oldest first.
    public var litigationDecisions: [LitigationDecision] {
        litigations.values.sorted { ($0.date, $0.id) < ($1.date, $1.id) }
    }

    mutating func applyLitigation(_ d: LitigationDecision) throws(DomainError) {
        guard customers[d.customerId] != nil else { throw .unknown(.customer, d.customerId) }
        guard litigations[d.id] == nil else { throw .alreadyRecorded(.decision, d.id) }
        guard !d.invoices.isEmpty else { throw .decisionWithoutInvoices }
        for n in d.invoices {
            guard let inv = invoices[n] else { throw .unknown(.invoice, n) }
            guard inv.customerId == d.customerId else { throw .notTheCustomers(invoice: n, owner: inv.customerId) }
        }
        if d.outcome == .writeOff {
            guard !(d.reason ?? "").trimmed.isEmpty else { throw .writeOffNeedsReason }
            for n in d.invoices {
                let open = openAmount(n, asOf: d.date)
                if open.isPositive { settle(n, Settlement(date: d.date, amount: open, kind: .writeOff(d.id))) }
            }
        }
        litigations[d.id] = d
        for n in d.invoices { litigationByInvoice[n] = d.id }
    }
}
