extension Book {
    /// Applies one change after checking it against the current state; on error the book is unchanged.
    public mutating func apply(_ change: Change) throws(DomainError) { try apply(change, atomically: true) }

    /// Applies a change read back from a journal, a batch in place: it was checked when it was made, and keeping a
    /// copy of the book to undo a batch copies the book's largest tables at its first change (about 40 ms at
    /// 100,000 invoices for every chunk of letters in the journal, on every open: issue 23). Should it fail
    /// nonetheless (a journal altered by hand), the book may hold part of the batch: the caller rebuilds it.
    public mutating func replay(_ change: Change) throws(DomainError) { try apply(change, atomically: false) }

    private mutating func apply(_ change: Change, atomically: Bool) throws(DomainError) {
        defer { revision += 1 }
        switch change {
        case .upsertCustomer(let c):
            guard !c.id.isEmpty else { throw .missingId(.customer) }
            guard !c.name.trimmed.isEmpty else { throw .missingName(.customer, c.id) }
            insertCustomer(c)
        case .updateCustomer(let id, let patch):
            guard customers[id] != nil else { throw .unknown(.customer, id) }
            updateCustomer(id) { c in
                // The first change made in Relance keeps what the account held as what was imported, so a later
                // import that repeats it leaves the change in place (`ImportedTerms`).
                if c.imported == nil { c.imported = ImportedTerms(of: c) }
                if let v = patch.collector {
                    let new = v.isEmpty ? nil : v
                    if let day = patch.date, new != c.collector {
                        let until = day.adding(days: -1)
                        if (c.assignments?.last?.until).map({ $0 < until }) ?? true {
                            c.assignments = (c.assignments ?? []) + [Assignment(until: until, collector: c.collector)]
                        }
                    }
                    c.collector = new
                }
                if let v = patch.salesperson { c.salesperson = v.isEmpty ? nil : v }
                if let v = patch.creditLimit { c.creditLimit = v }
                if patch.clearCreditLimit == true { c.creditLimit = nil }
                if let v = patch.orderBlocked { c.orderBlocked = v }
                if let v = patch.paymentTermsDays { c.paymentTermsDays = v }
                if let v = patch.paymentTermsRule { c.paymentTermsRule = v == .net ? nil : v }
                if let v = patch.holdReason { c.holdReason = v.isEmpty ? nil : v }
                if let v = patch.addContact { c.contacts.append(v) }
                if let v = patch.contacts { c.contacts = v }
            }
        case .upsertUser(let u):
            setUser(u)
        case .setLanguage(let id, let language):
            guard var u = users[id] else { throw .unknown(.user, id) }
            if let l = language, !Customer.languages.contains(l) { throw .unknownLanguage(l, choices: Customer.languages) }
            u.language = language
            setUser(u)
        case .setCompany(let c):
            company = c
        case .setPolicy(let p, let user, let at):
            let problems = p.problems()
            guard problems.isEmpty else { throw .policy(problems) }
            setPolicy(p, user: user, at: at)
        case .upsertInvoice(let i):
            guard customers[i.customerId] != nil else { throw .about(.record(.invoice, i.number), .unknown(.customer, i.customerId)) }
            guard i.amount.isPositive else { throw .about(.record(.invoice, i.number), .about(.amount, .notPositive)) }

            guard i.dueDate >= i.issueDate else { throw .about(.record(.invoice, i.number), .dueBeforeIssue(due: i.dueDate, issue: i.issueDate)) }
            if invoices[i.number] != nil {
                let settled = invoices[i.number]!.amount - openAmount(i.number)
                guard i.amount >= settled else { throw .about(.record(.invoice, i.number), .belowPaid(amount: i.amount, paid: settled)) }
            }
            insertInvoice(i)
        case .recordPayment(let p):
            guard customers[p.customerId] != nil else { throw .about(.record(.payment, p.id), .unknown(.customer, p.customerId)) }
            guard payments[p.id] == nil else { throw .alreadyRecorded(.payment, p.id) }
            guard p.amount.isPositive else { throw .about(.record(.payment, p.id), .about(.amount, .notPositive)) }

            guard p.unallocated >= .zero else { throw .about(.record(.payment, p.id), .allocationsExceedPayment) }
            try checkAllocations(p.allocations, customer: p.customerId, payment: p.id)
            insertPayment(p)
        case .allocateCredit(let id, let allocations):
            guard let p = payments[id] else { throw .unknown(.payment, id) }
            guard allocations.sum(\.amount) <= p.unallocated else { throw .about(.record(.payment, id), .onlyUnallocated(p.unallocated)) }
            try checkAllocations(allocations, customer: p.customerId, payment: id)
            addAllocations(paymentId: id, allocations, date: p.date)
        case .fileRequest(let r):
            try checkRequest(r)
            setRequest(r)
        case .decideRequest(let id, let d):
            guard var r = requests[id] else { throw .unknown(.request, id) }
            guard r.isPending else { throw .requestDecided(id, r.status) }
            guard !d.note.trimmed.isEmpty else { throw .reasonRequired }
            r.status = d.approve ? .approved : .refused
            r.decidedBy = d.user; r.decidedAt = d.at; r.decisionNote = d.note
            setRequest(r)
        case .acknowledgeRequests(let ids, let user):
            // Every id checked before any is marked: a refused change leaves the book as it was (no copy undoes it).
            for id in ids {
                guard let r = requests[id] else { throw .unknown(.request, id) }
                guard r.requestedBy == user else { throw .notYourRequest(id) }
            }
            for id in ids {
                guard var r = requests[id] else { continue }
                r.seen = true
                setRequest(r)
            }
        case .queueMail(let m): try apply(queueMail: m)
        case .mailOutcome(let id, let outcome): try apply(mailOutcome: outcome, id: id)
        case .setMailer(let command): settings.mailer = command
        case .logActivity(let a):
            guard customers[a.customerId] != nil else { throw .unknown(.customer, a.customerId) }
            for n in a.invoices where invoices[n] == nil { throw .unknown(.invoice, n) }
            appendActivity(a)
        case .makePromise(let p, let supersedes):
            try validate(promise: p)
            for id in supersedes where promises[id] == nil { throw .unknown(.promise, id) }   // all, before any is closed
            for id in supersedes {
                guard var old = promises[id] else { continue }
                old.closedAs = .superseded
                setPromise(old)
            }
            setPromise(p)
        case .closePromise(let id, let closure):
            guard var p = promises[id] else { throw .unknown(.promise, id) }
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
            guard var p = plans[id] else { throw .unknown(.plan, id) }
            p.cancelled = true
            setPlan(p)
        case .waiveLateFees(let w):
            guard invoices[w.invoice] != nil else { throw .unknown(.invoice, w.invoice) }
            guard !w.reason.trimmed.isEmpty else { throw .waiverNeedsReason }
            setWaiver(w)
        case .decideLitigation(let d):
            try applyLitigation(d)
        case .batch(let changes):
            // One change is all or nothing by itself: no copy needed, nor for a batch replayed (`replay`).
            guard atomically && changes.count > 1 else {
                for (i, c) in changes.enumerated() {
                    do { try apply(c, atomically: atomically) } catch { throw .inBatch(item: i + 1, change: c, error) }
                }
                return
            }
            var copy = self
            for (i, c) in changes.enumerated() {
                // The copy is the undo: a batch within it needs none of its own.
                do { try copy.apply(c, atomically: false) } catch { throw .inBatch(item: i + 1, change: c, error) }
            }
            self = copy
        }
    }

    private func checkAllocations(_ allocations: [Allocation], customer: String, payment: String) throws(DomainError) {
        var perInvoice: [String: Money] = [:]
        for a in allocations { perInvoice[a.invoice, default: .zero] += a.amount }
        for (n, amount) in perInvoice {
            let what = DomainError.Subject.record(.payment, payment)
            guard let inv = invoices[n] else { throw .about(what, .unknown(.invoice, n)) }
            guard inv.customerId == customer else { throw .about(what, .notTheCustomers(invoice: n, owner: nil)) }
            guard amount.isPositive else { throw .about(what, .about(.invoiceLine(n), .notPositive)) }
            guard amount <= openAmount(n) else { throw .about(what, .aboveOpen(amount: amount, open: openAmount(n), invoice: n)) }
        }
    }

    /// Open invoices of the customer among `numbers`, or an error naming the first that is not.
    func openItems(_ numbers: [String], customer: String) throws(DomainError) -> [Invoice] {
        guard !numbers.isEmpty else { throw .noInvoiceChosen }
        var items: [Invoice] = []
        for n in numbers {
            guard let inv = invoices[n], inv.customerId == customer else { throw .notTheCustomers(invoice: n, owner: nil) }
            guard openAmount(n).isPositive else { throw .settled(invoice: n) }
            items.append(inv)
        }
        return items
    }

    /// The rules of a promise to pay (also used by the form, field by field).
    public func validate(promise p: Promise) throws(DomainError) {
        guard customers[p.customerId] != nil else { throw .unknown(.customer, p.customerId) }
        guard promises[p.id] == nil else { throw .alreadyRecorded(.promise, p.id) }
        _ = try openItems(p.invoices, customer: p.customerId)
        if let problem = Rules.withinOpen(p.amount, on: p.invoices, in: self) { throw .about(.amount, .rule(problem)) }
        // The policy's horizon, as for every future date (a hard-coded 12 months contradicted a policy of 18).
        if let problem = Rules.future(p.promisedDate, today: p.madeOn, policy: policy) { throw .about(.promisedDate, .rule(problem)) }
    }

    public func validate(dispute d: Dispute) throws(DomainError) {
        guard customers[d.customerId] != nil else { throw .unknown(.customer, d.customerId) }
        guard disputes[d.id] == nil else { throw .alreadyRecorded(.dispute, d.id) }
        guard reasons.reason(d.reasonCode) != nil else { throw .unknownReason(d.reasonCode) }
        _ = try openItems(d.invoices, customer: d.customerId)
        if let problem = Rules.withinOpen(d.amount, on: d.invoices, in: self, lessDisputed: true) { throw .about(.disputedAmount, .rule(problem)) }
        for line in d.lines {
            if let problem = Rules.withinOpen(line.amount, on: [line.invoice], in: self, lessDisputed: true) { throw .about(.invoiceLine(line.invoice), .rule(problem)) }
        }
    }

    private mutating func apply(disputeUpdate u: DisputeUpdate) throws(DomainError) {
        guard var d = disputes[u.id] else { throw .unknown(.dispute, u.id) }
        guard d.isActive else { throw .disputeClosed(u.id, d.status) }
        if let s = u.status { d.status = s }
        if let f = u.followUpDate { d.followUpDate = f }
        if let o = u.ownerDepartment { d.ownerDepartment = o }
        if let n = u.note, !n.isEmpty { d.note = d.note.isEmpty ? n : d.note + "\n" + n }
        if !u.creditNotes.isEmpty {
            guard u.status == .resolvedCreditNote else { throw .creditNoteWithoutResolution }
            for cn in u.creditNotes {
                guard let line = d.lines.first(where: { $0.invoice == cn.invoice }) else {
                    throw .notInDispute(invoice: cn.invoice, dispute: d.id)
                }
                guard cn.amount.isPositive else { throw .about(.record(.invoice, cn.invoice), .creditNoteNotPositive) }
                guard cn.amount <= line.amount else {
                    throw .creditNoteAboveDisputed(creditNote: cn.amount, disputed: line.amount, invoice: cn.invoice)
                }
                guard cn.amount <= openAmount(cn.invoice) else {
                    throw .creditNoteAboveOpen(creditNote: cn.amount, open: openAmount(cn.invoice), invoice: cn.invoice)
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
        guard customers[plan.customerId] != nil else { throw .unknown(.customer, plan.customerId) }
        guard plans[plan.id] == nil else { throw .alreadyRecorded(.plan, plan.id) }
        let items = try openItems(plan.invoices, customer: plan.customerId)
        let open = items.sum { openAmount($0.number) }
        guard plan.schedule.count >= 2 else { throw .planTooShort }
        for (i, line) in plan.schedule.enumerated() {
            guard line.amount.isPositive else { throw .scheduleLineNotPositive(line: i + 1) }
            if i > 0 { guard line.date > plan.schedule[i - 1].date else { throw .scheduleLineNotAfter(line: i + 1) } }
        }
        if let problem = Rules.notInPast(plan.schedule[0].date, today: plan.createdOn) { throw .about(.downPaymentDate, .rule(problem)) }
        guard plan.total == open else { throw .scheduleMismatch(schedule: plan.total, invoices: open) }
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
        else { throw .badUserId(u.id) }
        guard !u.name.trimmed.isEmpty else { throw .missingName(.user, u.id) }
        if let login = u.login {
            guard User.isValidLogin(login) else { throw .about(.record(.user, u.id), .badLogin(login)) }
            if u.isActive, let other = users.values.first(where: { $0.id != u.id && $0.isActive && $0.login == login }) {
                throw .loginTaken(login, user: other.id, name: other.name)
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
                throw .holdsAccounts(user: u.id, heldAs: u.role == .salesperson ? .collector : .salesperson, accounts: held, role: u.role)
            }
        }
        if let old = users[u.id], old.role == .supervisor, old.isActive, u.role != .supervisor || !u.isActive,
           !users.values.contains(where: { $0.id != u.id && $0.role == .supervisor && $0.isActive }) {
            throw .lastSupervisor(u.id)
        }
    }
}
