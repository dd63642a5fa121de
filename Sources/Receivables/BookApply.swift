extension Book {
    /// Applies one change after checking it against the current state; on error the book is unchanged.
    public mutating func apply(_ change: Change) throws(DomainError) {
        defer { revision += 1 }
        switch change {
        case .upsertCustomer(let c):
            guard !c.id.isEmpty else { throw DomainError("a customer needs an id") }
            guard !c.name.trimmed.isEmpty else { throw DomainError("customer \(c.id) needs a name") }
            insertCustomer(c)
        case .updateCustomer(let id, let patch):
            guard customers[id] != nil else { throw DomainError("unknown customer \(id)") }
            updateCustomer(id) { c in
                if let v = patch.collector { c.collector = v }
                if let v = patch.salesperson { c.salesperson = v }
                if let v = patch.creditLimit { c.creditLimit = v }
                if let v = patch.orderBlocked { c.orderBlocked = v }
                if let v = patch.paymentTermsDays { c.paymentTermsDays = v }
                if let v = patch.addContact { c.contacts.append(v) }
            }
        case .upsertUser(let u):
            setUser(u)
        case .setCompany(let c):
            company = c
        case .setPolicy(let p, let user, let at):
            let problems = p.problems()
            guard problems.isEmpty else { throw DomainError("the policy: " + problems.joined(separator: "; ")) }
            setPolicy(p, user: user, at: at)
        case .upsertInvoice(let i):
            guard customers[i.customerId] != nil else { throw DomainError("invoice \(i.number): unknown customer \(i.customerId)") }
            guard i.amount.isPositive else { throw DomainError("invoice \(i.number): amount must be above zero") }

            guard i.dueDate >= i.issueDate else { throw DomainError("invoice \(i.number): due date \(i.dueDate) is before issue date \(i.issueDate)") }
            if invoices[i.number] != nil {
                let settled = invoices[i.number]!.amount - openAmount(i.number)
                guard i.amount >= settled else { throw DomainError("invoice \(i.number): amount \(i.amount) is below what was already paid (\(settled))") }
            }
            insertInvoice(i)
        case .recordPayment(let p):
            guard customers[p.customerId] != nil else { throw DomainError("payment \(p.id): unknown customer \(p.customerId)") }
            guard payments[p.id] == nil else { throw DomainError("payment \(p.id) is already recorded") }
            guard p.amount.isPositive else { throw DomainError("payment \(p.id): amount must be above zero") }

            guard p.unallocated >= .zero else { throw DomainError("payment \(p.id): allocations exceed the payment") }
            try checkAllocations(p.allocations, customer: p.customerId, what: "payment \(p.id)")
            insertPayment(p)
        case .allocateCredit(let id, let allocations):
            guard let p = payments[id] else { throw DomainError("unknown payment \(id)") }
            guard allocations.sum(\.amount) <= p.unallocated else { throw DomainError("payment \(id): only \(p.unallocated) is unallocated") }
            try checkAllocations(allocations, customer: p.customerId, what: "payment \(id)")
            addAllocations(paymentId: id, allocations, date: p.date)
        case .logActivity(let a):
            guard customers[a.customerId] != nil else { throw DomainError("unknown customer \(a.customerId)") }
            for n in a.invoices where invoices[n] == nil { throw DomainError("unknown invoice \(n)") }
            appendActivity(a)
        case .makePromise(let p, let supersedes):
            try validate(promise: p)
            for id in supersedes {
                guard var old = promises[id] else { throw DomainError("unknown promise \(id)") }
                old.closedAs = .superseded
                setPromise(old)
            }
            setPromise(p)
        case .closePromise(let id, let closure):
            guard var p = promises[id] else { throw DomainError("unknown promise \(id)") }
            p.closedAs = closure
            setPromise(p)
        case .openDispute(let d):
            try validate(dispute: d)
            setDispute(d)
        case .updateDispute(let u):
            try apply(disputeUpdate: u)
        case .createPlan(let plan):
            try validate(plan: plan)
            setPlan(plan)
        case .cancelPlan(let id):
            guard var p = plans[id] else { throw DomainError("unknown plan \(id)") }
            p.cancelled = true
            setPlan(p)
        case .waiveLateFees(let w):
            guard invoices[w.invoice] != nil else { throw DomainError("unknown invoice \(w.invoice)") }
            guard !w.reason.trimmed.isEmpty else { throw DomainError("say why the late fees are waived") }
            setWaiver(w)
        case .decideLitigation(let d):
            try applyLitigation(d)
        case .batch(let changes):
            var copy = self
            for (i, c) in changes.enumerated() {
                do { try copy.apply(c) } catch { throw DomainError("item \(i + 1) (\(c.summary)): \(error.message)") }
            }
            self = copy
        }
    }

    private func checkAllocations(_ allocations: [Allocation], customer: String, what: String) throws(DomainError) {
        var perInvoice: [String: Money] = [:]
        for a in allocations { perInvoice[a.invoice, default: .zero] += a.amount }
        for (n, amount) in perInvoice {
            guard let inv = invoices[n] else { throw DomainError("\(what): unknown invoice \(n)") }
            guard inv.customerId == customer else { throw DomainError("\(what): invoice \(n) belongs to another customer") }
            guard amount.isPositive else { throw DomainError("\(what): allocation to \(n) must be above zero") }
            guard amount <= openAmount(n) else { throw DomainError("\(what): \(amount) is more than the \(openAmount(n)) open on \(n)") }
        }
    }

    /// Open invoices of the customer among `numbers`, or an error naming the first that is not.
    func openItems(_ numbers: [String], customer: String) throws(DomainError) -> [Invoice] {
        guard !numbers.isEmpty else { throw DomainError("choose at least one invoice") }
        var items: [Invoice] = []
        for n in numbers {
            guard let inv = invoices[n], inv.customerId == customer else { throw DomainError("invoice \(n) is not an invoice of this customer") }
            guard openAmount(n).isPositive else { throw DomainError("invoice \(n) is already settled") }
            items.append(inv)
        }
        return items
    }

    /// The rules of a promise to pay (also used by the form, field by field).
    public func validate(promise p: Promise) throws(DomainError) {
        guard customers[p.customerId] != nil else { throw DomainError("unknown customer \(p.customerId)") }
        guard promises[p.id] == nil else { throw DomainError("promise \(p.id) already exists") }
        _ = try openItems(p.invoices, customer: p.customerId)
        if let problem = Rules.withinOpen(p.amount, on: p.invoices, in: self) { throw DomainError("the amount: \(problem)") }
        // The policy's horizon, as for every future date (a hard-coded 12 months contradicted a policy of 18).
        if let problem = Rules.future(p.promisedDate, today: p.madeOn, policy: policy) { throw DomainError("the promised date: \(problem)") }
    }

    public func validate(dispute d: Dispute) throws(DomainError) {
        guard customers[d.customerId] != nil else { throw DomainError("unknown customer \(d.customerId)") }
        guard disputes[d.id] == nil else { throw DomainError("dispute \(d.id) already exists") }
        guard reasons.reason(d.reasonCode) != nil else { throw DomainError("unknown reason code \(d.reasonCode)") }
        _ = try openItems(d.invoices, customer: d.customerId)
        if let problem = Rules.withinOpen(d.amount, on: d.invoices, in: self, lessDisputed: true) { throw DomainError("the disputed amount: \(problem)") }
        for line in d.lines {
            if let problem = Rules.withinOpen(line.amount, on: [line.invoice], in: self, lessDisputed: true) { throw DomainError("\(line.invoice): \(problem)") }
        }
    }

    private mutating func apply(disputeUpdate u: DisputeUpdate) throws(DomainError) {
        guard var d = disputes[u.id] else { throw DomainError("unknown dispute \(u.id)") }
        guard d.isActive else { throw DomainError("dispute \(u.id) is already \(d.status.rawValue)") }
        if let s = u.status { d.status = s }
        if let f = u.followUpDate { d.followUpDate = f }
        if let o = u.ownerDepartment { d.ownerDepartment = o }
        if let n = u.note, !n.isEmpty { d.note = d.note.isEmpty ? n : d.note + "\n" + n }
        if !u.creditNotes.isEmpty {
            guard u.status == .resolvedCreditNote else { throw DomainError("a credit note goes with the resolution 'credit note'") }
            for cn in u.creditNotes {
                guard let line = d.lines.first(where: { $0.invoice == cn.invoice }) else {
                    throw DomainError("invoice \(cn.invoice) is not part of dispute \(d.id)")
                }
                guard cn.amount.isPositive else { throw DomainError("the credit note must be above zero") }
                guard cn.amount <= line.amount else {
                    throw DomainError("credit note \(cn.amount) is larger than the \(line.amount) disputed on \(cn.invoice)")
                }
                guard cn.amount <= openAmount(cn.invoice) else {
                    throw DomainError("credit note \(cn.amount) is larger than the \(openAmount(cn.invoice)) open on \(cn.invoice)")
                }
            }
        }
        if let s = u.status, s != .open, s != .inProgress {
            d.resolvedOn = u.date
            d.resolutionNote = u.note
        }
        for (i, cn) in u.creditNotes.enumerated() {
            insertCreditNote(CreditNote(id: "\(d.id)-CN\(i + 1)", invoice: cn.invoice, date: u.creditNoteDate ?? u.date, amount: cn.amount,
                                        disputeId: d.id, number: u.creditNoteNumber))
        }
        setDispute(d)
    }

    public func validate(plan: PaymentPlan) throws(DomainError) {
        guard customers[plan.customerId] != nil else { throw DomainError("unknown customer \(plan.customerId)") }
        guard plans[plan.id] == nil else { throw DomainError("plan \(plan.id) already exists") }
        let items = try openItems(plan.invoices, customer: plan.customerId)
        let open = items.sum { openAmount($0.number) }
        guard plan.schedule.count >= 2 else { throw DomainError("a plan needs a down payment and at least one instalment") }
        for (i, line) in plan.schedule.enumerated() {
            guard line.amount.isPositive else { throw DomainError("line \(i + 1) of the schedule must be above zero") }
            if i > 0 { guard line.date > plan.schedule[i - 1].date else { throw DomainError("line \(i + 1) is not after line \(i)") } }
        }
        if let problem = Rules.notInPast(plan.schedule[0].date, today: plan.createdOn) { throw DomainError("the down payment date: \(problem)") }
        guard plan.total == open else { throw DomainError("the schedule sums to \(plan.total), the invoices to \(open): they must match to the cent") }
    }
}

extension String {
    /// Without leading and trailing white space.
    public var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

import Foundation

extension Book {
    /// A user's id, name and login are checked; two active users never share a login (who you are comes from it),
    /// and the last active supervisor cannot be disabled or demoted (someone must be able to manage the team).
    func checkUser(_ u: User) throws(DomainError) {
        guard !u.id.isEmpty, u.id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "." })
        else { throw DomainError("user id '\(u.id)' must be lower-case letters, digits, '_', '-' or '.'") }
        guard !u.name.trimmed.isEmpty else { throw DomainError("user \(u.id) needs a name") }
        if let login = u.login {
            guard User.isValidLogin(login) else { throw DomainError("user \(u.id): '\(login)' is not a Unix login (lower-case letters, digits, '_', '-', '.')") }
            if u.isActive, let other = users.values.first(where: { $0.id != u.id && $0.isActive && $0.login == login }) {
                throw DomainError("login \(login) is already the login of user \(other.id) (\(other.name))")
            }
        }
        // A new role must still fit the accounts the user holds: a collector made a salesperson would stay the
        // collector of accounts nobody then works (check said OK).
        if let old = users[u.id], old.role != u.role, u.role != .supervisor {
            let held = customerOrder.filter { id in
                guard let c = customers[id] else { return false }
                return u.role == .salesperson ? c.collector == u.id : c.salesperson == u.id
            }
            if !held.isEmpty {
                let what = u.role == .salesperson ? "collector" : "salesperson"
                let list = held.prefix(5).joined(separator: ", ") + (held.count > 5 ? " and \(held.count - 5) more" : "")
                throw DomainError("\(u.id) is the \(what) of \(held.count) account\(held.count == 1 ? "" : "s") (\(list)): a \(u.role.rawValue) cannot be; give them to another \(what) first")
            }
        }
        if let old = users[u.id], old.role == .supervisor, old.isActive, u.role != .supervisor || !u.isActive,
           !users.values.contains(where: { $0.id != u.id && $0.role == .supervisor && $0.isActive }) {
            throw DomainError("\(u.id) is the last active supervisor: add another supervisor first")
        }
    }
}
