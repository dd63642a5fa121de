/// One thing a user (or an import) does to the book. Changes are the unit of the store's journal:
/// each is validated against the latest state and applied under the store's lock, so no update is lost.
///
/// Conflict rule (docs/STORE.md): changes are operations, not whole-record overwrites. Two changes to
/// different records both apply; two edits of the same customer field apply in journal order, so the later
/// one wins and the earlier one stays in the journal (the audit trail). A change that no longer fits the
/// latest state (a promise above what is still open) is refused and shown to the user, never dropped silently.
public enum Change: Codable, Sendable, Equatable {
    case upsertCustomer(customer: Customer)
    case updateCustomer(id: String, patch: CustomerPatch)
    case upsertUser(user: User)
    case setCompany(company: CompanyProfile)
    case upsertInvoice(invoice: Invoice)
    case recordPayment(payment: Payment)
    /// Letter on-account credit of an earlier payment to invoices.
    case allocateCredit(paymentId: String, allocations: [Allocation])
    case logActivity(activity: Activity)
    case makePromise(promise: Promise, supersedes: [String])
    case closePromise(id: String, closure: Promise.Closure)
    case openDispute(dispute: Dispute)
    case updateDispute(update: DisputeUpdate)
    case createPlan(plan: PaymentPlan)
    case cancelPlan(id: String)
    case waiveLateFees(waiver: LateFeeWaiver)
    /// A litigation review's outcome for some of a customer's items.
    case decideLitigation(decision: LitigationDecision)
    /// The store's policy replaced (supervisors; `relance policy set|edit`): who and when are part of the change,
    /// so the policy's log replays with it.
    case setPolicy(policy: Policy, user: String, at: String)
    /// A user's own language for the screens (schema 9; `relance user set ID --lang`): anyone for themselves,
    /// supervisors for anyone; nil goes back to the environment's.
    case setLanguage(user: String, language: String?)
    /// A request on an account filed (schema 10; issue 20): a credit limit asked for, a risk flag raised.
    case fileRequest(request: AccountRequest)
    /// A supervisor approves or refuses a pending request (an approved limit comes in the same batch).
    case decideRequest(id: String, decision: RequestDecision)
    /// The requester has seen these decisions (shown once when they open Relance).
    case acknowledgeRequests(ids: [String], user: String)
    /// An e-mail put in the outbox before its first hand-off (schema 12; issue 22).
    case queueMail(message: OutboxMessage)
    /// What happened to an outbox message: handed off, sent, failed with the mail system's reason, withdrawn.
    case mailOutcome(id: String, outcome: MailOutcome)
    /// The sendmail-compatible command the store's e-mails are handed to (supervisors; nil: `/usr/sbin/sendmail -t -i`).
    case setMailer(command: [String]?)
    /// Several changes applied all together or not at all (an import file).
    case batch(changes: [Change])
}

/// Field-level edit of a customer: only the fields that are set change. An empty collector, salesperson or hold
/// reason clears it; `clearCreditLimit` removes the limit (schema 10).
public struct CustomerPatch: Codable, Sendable, Equatable {
    public var collector: String?
    public var salesperson: String?
    public var creditLimit: Money?
    public var orderBlocked: Bool?
    public var paymentTermsDays: Int?
    public var addContact: Contact?
    /// Schema 10 (issue 20, account control).
    public var clearCreditLimit: Bool?
    public var paymentTermsRule: PaymentTerms.Rule?
    public var holdReason: String?
    /// The whole list of contacts, replacing the account's.
    public var contacts: [Contact]?
    /// The day the change takes effect: a new collector holds the account from that day (its `assignments`).
    public var date: CalendarDate?
    public init(collector: String? = nil, salesperson: String? = nil, creditLimit: Money? = nil,
                orderBlocked: Bool? = nil, paymentTermsDays: Int? = nil, addContact: Contact? = nil) {
        self.collector = collector; self.salesperson = salesperson; self.creditLimit = creditLimit
        self.orderBlocked = orderBlocked; self.paymentTermsDays = paymentTermsDays; self.addContact = addContact
    }
}

/// A step in a dispute's life: progress, follow-up, resolution (with an optional credit note).
public struct DisputeUpdate: Codable, Sendable, Equatable {
    public var id: String
    public var date: CalendarDate
    public var user: String
    public var status: Dispute.Status?
    public var followUpDate: CalendarDate?
    public var ownerDepartment: String?
    public var note: String?
    /// With status `.resolvedCreditNote`: the credit note, at most the disputed amount of each invoice.
    public var creditNotes: [Allocation]
    /// The credit note's number and date in the accounting package (schema 7; the date defaults to the update's).
    public var creditNoteNumber: String?
    public var creditNoteDate: CalendarDate?
    public init(id: String, date: CalendarDate, user: String, status: Dispute.Status? = nil, followUpDate: CalendarDate? = nil,
                ownerDepartment: String? = nil, note: String? = nil, creditNotes: [Allocation] = [],
                creditNoteNumber: String? = nil, creditNoteDate: CalendarDate? = nil) {
        self.id = id; self.date = date; self.user = user; self.status = status; self.followUpDate = followUpDate
        self.ownerDepartment = ownerDepartment; self.note = note; self.creditNotes = creditNotes
        self.creditNoteNumber = creditNoteNumber; self.creditNoteDate = creditNoteDate
    }
}

