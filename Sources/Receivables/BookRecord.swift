/// One record of a book as written in a snapshot (one JSON line each), in dependency order.
///
/// The few large records (a customer, the policy, ...) are held in a box of their own, so that a record is the size
/// of an invoice: the 100,000 invoices and 65,000 payments of an open each moved the 329 bytes of a customer (issue 23).
public enum BookRecord: Codable, Sendable, Equatable {
    /// Schema 6: the store's own policy and its log (first: the invoices' levels are read in its ladder).
    indirect case policy(StoredPolicy)
    case settings(StoreSettings)
    indirect case company(CompanyProfile)
    case user(User)
    indirect case customer(Customer)
    case invoice(Invoice)
    case payment(Payment)
    case creditNote(CreditNote)
    case dispute(Dispute)
    case promise(Promise)
    case plan(PaymentPlan)
    case waiver(LateFeeWaiver)
    indirect case activity(Activity)
    case litigation(LitigationDecision)
    /// Schema 10: a request on an account.
    indirect case request(AccountRequest)
    /// Schema 12: an outbox message.
    indirect case mail(OutboxMessage)

    private enum Key: String, CodingKey { case policy, settings, company, user, customer, invoice, payment, creditNote, dispute, promise, plan, waiver, activity, litigation, request, mail }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard let key = c.allKeys.first, c.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription:
                "a record has exactly one of the keys policy, settings, company, user, customer, invoice, payment, creditNote, dispute, promise, plan, waiver, activity, litigation, request, mail"))
        }
        switch key {
        case .policy: self = .policy(try c.decode(StoredPolicy.self, forKey: key))
        case .settings: self = .settings(try c.decode(StoreSettings.self, forKey: key))
        case .company: self = .company(try c.decode(CompanyProfile.self, forKey: key))
        case .user: self = .user(try c.decode(User.self, forKey: key))
        case .customer: self = .customer(try c.decode(Customer.self, forKey: key))
        case .invoice: self = .invoice(try c.decode(Invoice.self, forKey: key))
        case .payment: self = .payment(try c.decode(Payment.self, forKey: key))
        case .creditNote: self = .creditNote(try c.decode(CreditNote.self, forKey: key))
        case .dispute: self = .dispute(try c.decode(Dispute.self, forKey: key))
        case .promise: self = .promise(try c.decode(Promise.self, forKey: key))
        case .plan: self = .plan(try c.decode(PaymentPlan.self, forKey: key))
        case .waiver: self = .waiver(try c.decode(LateFeeWaiver.self, forKey: key))
        case .activity: self = .activity(try c.decode(Activity.self, forKey: key))
        case .litigation: self = .litigation(try c.decode(LitigationDecision.self, forKey: key))
        case .request: self = .request(try c.decode(AccountRequest.self, forKey: key))
        case .mail: self = .mail(try c.decode(OutboxMessage.self, forKey: key))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .policy(let v): try c.encode(v, forKey: .policy)
        case .settings(let v): try c.encode(v, forKey: .settings)
        case .company(let v): try c.encode(v, forKey: .company)
        case .user(let v): try c.encode(v, forKey: .user)
        case .customer(let v): try c.encode(v, forKey: .customer)
        case .invoice(let v): try c.encode(v, forKey: .invoice)
        case .payment(let v): try c.encode(v, forKey: .payment)
        case .creditNote(let v): try c.encode(v, forKey: .creditNote)
        case .dispute(let v): try c.encode(v, forKey: .dispute)
        case .promise(let v): try c.encode(v, forKey: .promise)
        case .plan(let v): try c.encode(v, forKey: .plan)
        case .waiver(let v): try c.encode(v, forKey: .waiver)
        case .activity(let v): try c.encode(v, forKey: .activity)
        case .litigation(let v): try c.encode(v, forKey: .litigation)
        case .request(let v): try c.encode(v, forKey: .request)
        case .mail(let v): try c.encode(v, forKey: .mail)
        }
    }
}

extension Book {
    /// Every record, in an order `restore(_:)` accepts (referenced records first).
    public var records: [BookRecord] { records(includingActivities: true) }

    /// The records, with or without the activities held in memory (a store keeps those in its history file).
    public func records(includingActivities: Bool) -> [BookRecord] {
        var out: [BookRecord] = []
        out.reserveCapacity(customers.count + invoices.count + payments.count + activityCount + 16)
        forEachRecord(includingActivities: includingActivities) { out.append($0) }
        return out
    }

    /// The same records in the same order, one at a time: a backup writes them as they come, without a second copy
    /// of the book in memory (an array of every record was the backup's memory over the workstation's, issue 23).
    public func forEachRecord(includingActivities: Bool, _ body: (BookRecord) throws -> Void) rethrows {
        if let p = policyRecord { try body(.policy(p)) }
        if settings != StoreSettings() { try body(.settings(settings)) }
        if let company { try body(.company(company)) }
        for id in users.keys.sorted() { try body(.user(users[id]!)) }
        for id in customerOrder { try body(.customer(customers[id]!)) }
        for id in customerOrder { for i in invoices(of: id) { try body(.invoice(i)) } }
        for id in customerOrder { for p in payments(of: id) { try body(.payment(p)) } }
        for id in creditNotes.keys.sorted() { try body(.creditNote(creditNotes[id]!)) }
        for id in customerOrder {
            for d in disputes(of: id) { try body(.dispute(d)) }
            for p in promises(of: id) { try body(.promise(p)) }
            for p in plans(of: id) { try body(.plan(p)) }
        }
        for id in waivers.keys.sorted() { try body(.waiver(waivers[id]!)) }
        for d in litigationDecisions { try body(.litigation(d)) }
        for id in customerOrder { for r in requests(of: id) { try body(.request(r)) } }
        for id in customerOrder { for m in outbox(of: id) { try body(.mail(m)) } }
        if includingActivities { for id in customerOrder { for a in activities(of: id) { try body(.activity(a)) } } }
    }

    /// `restore(.invoice(i))`, for a reader that has the invoice itself: most of a snapshot's lines, moved into the
    /// book without being wrapped in a record first (issue 23).
    public mutating func restoreInvoice(_ i: consuming Invoice) throws(DomainError) {
        revision += 1
        try insertRestoredInvoice(consume i)
    }

    /// `restore(.payment(p))`, as `restoreInvoice`.
    public mutating func restorePayment(_ p: consuming Payment) throws(DomainError) {
        revision += 1
        try insertRestoredPayment(consume p)
    }

    private mutating func insertRestoredInvoice(_ i: consuming Invoice) throws(DomainError) {
        try needRestoredCustomer(i.customerId)
        let number = i.number
        guard insertNewInvoice(consume i) else { throw .appearsTwice(.invoice, number) }
    }

    private mutating func insertRestoredPayment(_ p: consuming Payment) throws(DomainError) {
        try needRestoredCustomer(p.customerId)
        let id = p.id
        guard try insertNewPayment(consume p) else { throw .appearsTwice(.payment, id) }
    }

    /// The customer a restored record refers to must be in the book already.
    private mutating func needRestoredCustomer(_ id: String) throws(DomainError) {
        if id == lastRestored?.id { return }   // (customers are never removed)
        // (`index(forKey:)`: `customers[id] != nil` copied the customer out to test it.)
        guard customers.index(forKey: id) != nil else { throw .refersToUnknown(.customer, id) }
        lastRestored = RestoredCustomer(id: id)
    }

    /// Adds a record read from a snapshot, checking that what it refers to exists.
    public mutating func restore(_ record: consuming BookRecord) throws(DomainError) {
        revision += 1
        func needInvoice(_ n: String) throws(DomainError) {
            guard invoices[n] != nil else { throw .refersToUnknown(.invoice, n) }
        }
        // Consumed: an invoice or a payment moves into the book rather than being copied (issue 23).
        switch consume record {
        case .policy(let p): try restorePolicy(p)
        case .settings(let s): settings = s
        case .company(let c): company = c
        case .user(let u): setUser(u)
        case .customer(let c):
            guard customers.index(forKey: c.id) == nil else { throw .appearsTwice(.customer, c.id) }
            insertCustomer(c)
        case .invoice(let i): try insertRestoredInvoice(i)
        case .payment(let p): try insertRestoredPayment(p)
        case .creditNote(let n): try needInvoice(n.invoice); insertCreditNote(n)
        case .dispute(let d): try needRestoredCustomer(d.customerId); for n in d.invoices { try needInvoice(n) }; setDispute(d)
        case .promise(let p): try needRestoredCustomer(p.customerId); for n in p.invoices { try needInvoice(n) }; setPromise(p)
        case .plan(let p): try needRestoredCustomer(p.customerId); for n in p.invoices { try needInvoice(n) }; setPlan(p)
        case .waiver(let w): try needInvoice(w.invoice); setWaiver(w)
        case .activity(let a): try needRestoredCustomer(a.customerId); appendActivity(a)
        case .litigation(let d): try applyLitigation(d)
        case .request(let r):
            try needRestoredCustomer(r.customerId)
            guard requests[r.id] == nil else { throw .appearsTwice(.request, r.id) }
            setRequest(r)
        case .mail(let m):
            try needRestoredCustomer(m.customerId)
            guard outbox[m.id] == nil else { throw .appearsTwice(.mail, m.id) }
            setOutbox(m)
        }
    }

    /// Consistency problems a check should report: open amounts below zero, payments over-allocated.
    public func consistencyProblems() -> [String] {
        var out: [String] = []
        for inv in invoices.values where openAmount(inv.number).isNegative {
            out.append("invoice \(inv.number): settled \(inv.amount - openAmount(inv.number)) exceeds its amount \(inv.amount)")
        }
        for p in payments.values where p.unallocated.isNegative {
            out.append("payment \(p.id): allocations exceed the payment by \(-p.unallocated)")
        }
        for d in disputes.values where d.isActive {
            for l in d.lines where invoices[l.invoice] != nil && l.amount > invoices[l.invoice]!.amount {
                out.append("dispute \(d.id): \(l.amount) disputed on \(l.invoice) exceeds the invoice")
            }
        }
        return out.sorted()
    }
}
