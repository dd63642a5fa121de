extension Change {
    /// The customers whose accounts this change can alter, looked up in `book` (the state it applies to or was
    /// applied to); nil when it can alter any account: a user (assignments follow who is active), the company
    /// profile (every letter's sender). A long command planned outside the lock re-checks, under it, only the
    /// accounts the changes made meanwhile touched (`BookStore.changes(since:)`).
    public func customers(in book: Book) -> Set<String>? {
        switch self {
        case .upsertCustomer(let c): return [c.id]
        case .updateCustomer(let id, _): return [id]
        case .upsertUser, .setCompany, .setPolicy: return nil
        case .setLanguage: return []   // the screens' language alters no account
        case .upsertInvoice(let i):
            // An invoice moving from one customer to another (refused by the rules, but a replayed journal may
            // hold it) touches both.
            return Set([i.customerId] + (book.invoices[i.number].map { [$0.customerId] } ?? []))
        case .recordPayment(let p): return Set([p.customerId] + p.allocations.compactMap { book.invoices[$0.invoice]?.customerId })
        case .allocateCredit(let id, let allocations):
            return Set((book.payments[id].map { [$0.customerId] } ?? []) + allocations.compactMap { book.invoices[$0.invoice]?.customerId })
        case .logActivity(let a): return [a.customerId]
        case .makePromise(let p, let supersedes): return Set([p.customerId] + supersedes.compactMap { book.promises[$0]?.customerId })
        case .closePromise(let id, _): return book.promises[id].map { [$0.customerId] } ?? []
        case .openDispute(let d): return [d.customerId]
        case .updateDispute(let u): return book.disputes[u.id].map { [$0.customerId] } ?? []
        case .createPlan(let p): return [p.customerId]
        case .cancelPlan(let id): return book.plans[id].map { [$0.customerId] } ?? []
        case .waiveLateFees(let w): return book.invoices[w.invoice].map { [$0.customerId] } ?? []
        case .decideLitigation(let d): return [d.customerId]
        case .fileRequest(let r): return [r.customerId]
        case .decideRequest(let id, _): return book.requests[id].map { [$0.customerId] } ?? []
        case .acknowledgeRequests: return []   // seen or not alters no account
        case .queueMail(let m): return [m.customerId]
        case .mailOutcome(let id, _): return book.outbox[id].map { [$0.customerId] } ?? []
        case .setMailer: return []   // how mail leaves alters no account
        case .batch(let changes):
            var all = Set<String>()
            for c in changes {
                guard let some = c.customers(in: book) else { return nil }
                all.formUnion(some)
            }
            return all
        }
    }
}
