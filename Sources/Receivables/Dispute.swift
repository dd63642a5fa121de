/// A coded reason for not paying all or part of one or more invoices.
public struct Dispute: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var customerId: String
    /// The disputed part of each invoice (sums to the disputed amount).
    public var lines: [Allocation]
    public var reasonCode: String
    public var ownerDepartment: String
    public var status: Status
    public var openedOn: CalendarDate
    public var followUpDate: CalendarDate?
    public var note: String
    public var resolvedOn: CalendarDate?
    public var resolutionNote: String?
    public var user: String

    public init(id: String, customerId: String, lines: [Allocation], reasonCode: String, ownerDepartment: String,
                status: Status = .open, openedOn: CalendarDate, followUpDate: CalendarDate? = nil, note: String = "",
                resolvedOn: CalendarDate? = nil, resolutionNote: String? = nil, user: String) {
        self.id = id; self.customerId = customerId; self.lines = lines; self.reasonCode = reasonCode
        self.ownerDepartment = ownerDepartment; self.status = status; self.openedOn = openedOn
        self.followUpDate = followUpDate; self.note = note; self.resolvedOn = resolvedOn
        self.resolutionNote = resolutionNote; self.user = user
    }

    public var amount: Money { lines.sum(\.amount) }
    public var invoices: [String] { lines.map(\.invoice) }
    public var isActive: Bool { status == .open || status == .inProgress }

    /// Age in days at `date` (until resolution for closed disputes).
    public func age(at date: CalendarDate) -> Int { openedOn.days(until: min(resolvedOn ?? date, date)) }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case open, inProgress = "in-progress", resolvedCreditNote = "resolved-credit-note"
        case resolvedRejected = "resolved-rejected", withdrawn
    }

    /// Departments that own the root cause of a dispute.
    public static let departments = ["billing", "sales", "logistics", "quality", "operations", "master data", "customer"]
}

/// A promise to pay made by a customer contact.
public struct Promise: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var customerId: String
    public var invoices: [String]
    public var amount: Money
    public var promisedDate: CalendarDate
    public var madeOn: CalendarDate
    public var contact: String?
    public var channel: Activity.Channel
    public var user: String
    /// Set only by an explicit action; kept / partially kept / broken are evaluated from payments.
    public var closedAs: Closure?
    /// What it promises on each invoice (schema 7): the oldest first, the last one in part, adding up to `amount`.
    /// Nil in a promise made before: each of its invoices is held whole.
    public var covers: [Allocation]?

    public init(id: String, customerId: String, invoices: [String], amount: Money, promisedDate: CalendarDate,
                madeOn: CalendarDate, contact: String? = nil, channel: Activity.Channel = .phone, user: String,
                closedAs: Closure? = nil, covers: [Allocation]? = nil) {
        self.id = id; self.customerId = customerId; self.invoices = invoices; self.amount = amount
        self.promisedDate = promisedDate; self.madeOn = madeOn; self.contact = contact; self.channel = channel
        self.user = user; self.closedAs = closedAs; self.covers = covers
    }

    /// `amount` spread over `invoices` (number, open amount) in the order given (the oldest first): each whole
    /// until the last, which takes what is left.
    public static func covers(_ amount: Money, over invoices: [(number: String, open: Money)]) -> [Allocation] {
        var left = amount
        var out: [Allocation] = []
        for (n, open) in invoices where left.isPositive && open.isPositive {
            let take = min(open, left)
            out.append(Allocation(invoice: n, amount: take))
            left -= take
        }
        return out
    }

    public enum Closure: String, Codable, Sendable { case withdrawn, superseded }

    public enum State: String, Codable, Sendable, CaseIterable {
        case open, kept, partiallyKept = "partially-kept", broken, withdrawn, superseded
    }
}

/// A payment plan (échéancier): a down payment and dated instalments covering chosen invoices.
public struct PaymentPlan: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var customerId: String
    public var invoices: [String]
    public var createdOn: CalendarDate
    /// The down payment is the first schedule line; the lines sum exactly to the plan's total.
    public var schedule: [Instalment]
    public var user: String
    public var cancelled: Bool

    public init(id: String, customerId: String, invoices: [String], createdOn: CalendarDate, schedule: [Instalment],
                user: String, cancelled: Bool = false) {
        self.id = id; self.customerId = customerId; self.invoices = invoices; self.createdOn = createdOn
        self.schedule = schedule; self.user = user; self.cancelled = cancelled
    }

    public var total: Money { schedule.sum(\.amount) }

    public struct Instalment: Codable, Sendable, Equatable {
        public var date: CalendarDate
        public var amount: Money
        public init(date: CalendarDate, amount: Money) { self.date = date; self.amount = amount }
    }

    public enum State: String, Codable, Sendable { case active, completed, defaulted, cancelled }
}

/// An explicit decision not to claim the late-payment indemnity and interest on an invoice.
public struct LateFeeWaiver: Codable, Sendable, Equatable {
    public var invoice: String
    public var date: CalendarDate
    public var user: String
    public var reason: String
    public init(invoice: String, date: CalendarDate, user: String, reason: String) {
        self.invoice = invoice; self.date = date; self.user = user; self.reason = reason
    }
}
