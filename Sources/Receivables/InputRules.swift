import TextSafety

/// The rules every *new* change must pass, on top of `apply`'s consistency rules: amounts within
/// `Money.limit`, dates within `CalendarDate.supportedYears`, a SIREN of 9 ASCII digits passing its Luhn check,
/// credit limits not negative, collectors and salespeople who are users of the store, users' ids and logins,
/// and no invoice moving to another customer.
///
/// They live apart from `apply` because `apply` also replays journals written before these rules existed: a
/// record already in a store that breaks a new rule still loads (`check` lists it, and it can be corrected),
/// while every door (CSV import, form, command) commits through `applyNew`.
extension Book {
    /// Checks `change` against the input rules, then applies it; a batch is checked item by item as it applies.
    public mutating func applyNew(_ change: Change, by author: String) throws(DomainError) {
        // Who may make it first (the permission table), then what it may hold (the input rules).
        if let refusal = Permission.refusal(change, by: author, in: self) { throw .refused(refusal) }
        // The policy's log names its author: only the one saving it.
        if case .setPolicy(_, let user, _) = change, user != author { throw .policyAuthor(author: author, logged: user) }
        try applyChecked(change)
    }

    /// A new change the permission table allowed: the input rules, then the change.
    mutating func applyChecked(_ change: Change) throws(DomainError) {
        if case .batch(let changes) = change, changes.count == 1 {
            // One change is all or nothing by itself (`apply` leaves the book unchanged on error): no copy needed.
            do { try applyChecked(changes[0]) } catch { throw .inBatch(item: 1, change: changes[0], error) }
            return
        }
        if case .batch(let changes) = change {
            // Activities (a chunk of letters), with at most one outcome per outbox message (an e-mail recorded sent with
            // its reminder's activities): each is checked on the book as it is, none depends on another, and
            // recording one cannot fail once checked, so they are applied in place. A copy of the book for the
            // all-or-nothing rule would copy its largest tables (invoices, digests) under the store's lock, once per
            // e-mail sent.
            var outcomes = Set<String>()
            if changes.allSatisfy({ c in
                switch c {
                case .logActivity: return true
                case .mailOutcome(let id, _): return outcomes.insert(id).inserted
                default: return false
                }
            }) {
                for (i, c) in changes.enumerated() {
                    do throws(DomainError) {
                        try checkNew(c)
                        switch c {
                        case .logActivity(let a):
                            guard customers[a.customerId] != nil else { throw .unknown(.customer, a.customerId) }
                            for n in a.invoices where invoices[n] == nil { throw .unknown(.invoice, n) }
                        case .mailOutcome(let id, let outcome): _ = try message(id, after: outcome)
                        default: break
                        }
                    } catch { throw .inBatch(item: i + 1, change: c, error) }
                }
                for c in changes { try apply(c) }
                revision += 1
                return
            }
            var copy = self
            for (i, c) in changes.enumerated() {
                do { try copy.applyChecked(c) } catch { throw .inBatch(item: i + 1, change: c, error) }
            }
            self = copy
            revision += 1
            return
        }
        try checkNew(change)
        try apply(change)
    }

    func checkNew(_ change: Change) throws(DomainError) {
        switch change {
        case .upsertCustomer(let c):
            try checkText([c.id, c.name, c.siren, c.billingAddress?.street, c.billingAddress?.city, c.billingAddress?.postalCode]
                          + c.contacts.flatMap { [$0.name, $0.role, $0.phone, $0.email] }, what: .record(.customer, c.id))
            try checkLength([c.id, c.name, c.billingAddress?.street, c.billingAddress?.city] + c.contacts.map(\.name), what: .record(.customer, c.id))
            if let s = c.siren { try Siren.check(s, what: .record(.customer, c.id)) }
            try checkLimit(c.creditLimit, what: .creditLimit(customer: c.id))
            try checkPerson(c.collector, role: .collector, what: .record(.customer, c.id))
            try checkPerson(c.salesperson, role: .salesperson, what: .record(.customer, c.id))
        case .updateCustomer(let id, let patch):
            try checkLimit(patch.creditLimit, what: .creditLimit(customer: id))
            try checkPerson(patch.collector, role: .collector, what: .record(.customer, id))
            try checkPerson(patch.salesperson, role: .salesperson, what: .record(.customer, id))
            let contacts = patch.contacts ?? []
            try checkText([patch.holdReason] + contacts.flatMap { [$0.name, $0.role, $0.phone, $0.email, $0.title] }, what: .record(.customer, id))
            try checkLength([patch.holdReason] + contacts.flatMap { [$0.name, $0.role, $0.phone, $0.email] }, what: .record(.customer, id))
            if contacts.contains(where: { $0.name.trimmed.isEmpty }) { throw .about(.record(.customer, id), .missingName(.contact, id)) }
            if let d = patch.paymentTermsDays, !(0...365).contains(d) { throw .about(.record(.customer, id), .termsDays(d)) }
            if let d = patch.date { try checkDate(d, what: .record(.customer, id)) }
        case .upsertUser(let u):
            try checkText([u.id, u.name, u.login, u.email], what: .record(.user, u.id))
            if let l = u.language, !Customer.languages.contains(l) { throw .about(.record(.user, u.id), .unknownLanguage(l, choices: Customer.languages)) }
            try checkUser(u)
        case .setCompany(let c):
            try checkText([c.legalName, c.siren, c.street, c.postalCode, c.city, c.phone, c.email, c.iban, c.bic, c.signatory], what: .company)
            try checkLength([c.legalName, c.street, c.city, c.email, c.signatory], what: .company)
            if let s = c.siren, !s.isEmpty { try Siren.check(s, what: .companySiren) }
        case .upsertInvoice(let i):
            if let old = invoices[i.number], old.customerId != i.customerId {
                throw .movesCustomer(invoice: i.number, from: old.customerId, to: i.customerId)
            }
            guard i.amount.isWithinLimit else { throw .about(.record(.invoice, i.number), .aboveLimit(i.amount)) }
            try checkLength([i.number, i.customerId, i.poNumber], what: .record(.invoice, String(i.number.prefix(30))))
            try checkDate(i.issueDate, what: .issueDate(invoice: i.number))
            try checkDate(i.dueDate, what: .dueDate(invoice: i.number))
            if let l = i.dunningLevel, !(0...policy.ladder.count).contains(l) {
                throw .about(.record(.invoice, i.number), .dunningLevel(l, levels: policy.ladder.map(\.id)))
            }
            if let d = i.lastDunned {
                try checkDate(d, what: .lastDunned(invoice: i.number))
                guard d >= i.issueDate else { throw .about(.record(.invoice, i.number), .lastDunnedBeforeIssue(d)) }
            }
        case .makePromise(let p, let supersedes):
            // Commitments never contradict each other: a promise on invoices that already carry an open one
            // replaces it only when the person saw it (the form names it in `supersedes`).
            let overlapping = openPromises(of: p.customerId, asOf: p.madeOn).filter { !Set($0.invoices).isDisjoint(with: p.invoices) }
            if let unseen = overlapping.first(where: { !supersedes.contains($0.id) }) {
                throw .unseenPromise(unseen, by: users[unseen.user]?.name ?? unseen.user)
            }
            for id in supersedes where !overlapping.contains(where: { $0.id == id }) {
                throw .promiseClosedMeanwhile(promises[id])
            }
            try checkHorizon(p.promisedDate, from: p.madeOn, what: .promisedDate)
            // An item in an active plan is paid by its schedule: a promise beside it contradicts it.
            let planned = Set(activePlans(of: p.customerId, asOf: p.madeOn).flatMap(\.invoices)).intersection(p.invoices).sorted()
            if !planned.isEmpty {
                throw .inPaymentPlan(invoices: planned)
            }
            if let covers = p.covers {
                guard covers.sum(\.amount) == p.amount else {
                    throw .coverMismatch(promised: p.amount, covered: covers.sum(\.amount))
                }
                for c in covers {
                    guard p.invoices.contains(c.invoice) else { throw .coversUnnamed(invoice: c.invoice) }
                    guard c.amount.isPositive, c.amount <= openAmount(c.invoice) else {
                        throw .coverNotWithinOpen(invoice: c.invoice, part: c.amount, open: openAmount(c.invoice))
                    }
                }
            }
        case .createPlan(let plan):
            let active = activePlans(of: plan.customerId, asOf: plan.createdOn).filter { !Set($0.invoices).isDisjoint(with: plan.invoices) }
            if let other = active.first {
                // Said as a collector reads it (no internal id): which invoices, which plan, what to do.
                throw .inOtherPlan(invoices: Set(other.invoices).intersection(plan.invoices).sorted(), total: other.total, createdOn: other.createdOn)
            }
            // The down payment and the first instalment within the horizon of every date; the end within the plan maximum.
            for line in plan.schedule.prefix(2) { try checkHorizon(line.date, from: plan.createdOn, what: .planPayment) }
            if let last = plan.schedule.last?.date, last > plan.createdOn.adding(months: policy.maxPlanMonths) {
                throw .planBeyondMaximum(end: last, months: policy.maxPlanMonths)
            }
        case .logActivity(let a):
            if let next = a.nextActionDate { try checkHorizon(next, from: a.date, what: .nextAction) }
        case .openDispute(let d):
            if let f = d.followUpDate { try checkHorizon(f, from: d.openedOn, what: .followUpDate) }
        case .updateDispute(let u):
            if let f = u.followUpDate { try checkHorizon(f, from: u.date, what: .followUpDate) }
            try checkText([u.creditNoteNumber], what: .creditNoteNumber)
            try checkLength([u.creditNoteNumber], what: .creditNoteNumber)
            if let d = u.creditNoteDate {
                try checkDate(d, what: .creditNoteDate)
                guard d <= u.date else { throw .creditNoteAfterRecord(d) }
            }
        case .decideLitigation(let d):
            try checkText([d.reason], what: .decisionReason)
            try checkDate(d.date, what: .decisionDate)
            if d.outcome == .amicable {
                guard let r = d.reviewAgainOn else { throw .reviewDateMissing }
                guard r > d.date else { throw .reviewNotAfterDecision }
                try checkHorizon(r, from: d.date, what: .nextReview)
            }
            for n in d.invoices where isInLitigation(n) {
                throw .alreadyInLitigation(invoice: n, litigation(of: n)!.outcome, since: litigation(of: n)!.date)
            }
        case .recordPayment(let p):
            guard p.amount.isWithinLimit else { throw .about(.record(.payment, p.id), .aboveLimit(p.amount)) }
            try checkDate(p.date, what: .record(.payment, p.id))
        default:
            break
        }
    }

    /// One horizon for every future date a person enters (the policy's, default one year; `Rules.withinHorizon`,
    /// which forms ask too, to put the message next to the field).
    private func checkHorizon(_ d: CalendarDate, from start: CalendarDate, what: DomainError.Subject) throws(DomainError) {
        if let problem = Rules.withinHorizon(d, from: start, policy: policy) { throw .about(what, .rule(problem)) }
    }

    /// Text free of control characters and invisible marks (`Safe.isUnsafe`), in every field a person or a file gives.
    private func checkText(_ values: [String?], what: DomainError.Subject) throws(DomainError) {
        for case let v? in values {
            if let bad = v.unicodeScalars.first(where: Safe.isUnsafe) {
                throw .about(what, .controlCharacter(bad.value))
            }
        }
    }

    /// Names and addresses fit a letter's window and a screen line: 200 characters at most (a 300-character legal
    /// name printed as one line of every letter).
    private func checkLength(_ values: [String?], what: DomainError.Subject) throws(DomainError) {
        // Counted as characters and as code points: 400 combining accents on one letter are one character.
        for case let v? in values where v.count > 200 || v.unicodeScalars.count > 400 {
            throw .about(what, .tooLong(start: String(v.prefix(30)), characters: v.count))
        }
    }

    private func checkLimit(_ m: Money?, what: DomainError.Subject) throws(DomainError) {
        guard let m else { return }
        guard !m.isNegative else { throw .about(what, .negative(m)) }
        guard m.isWithinLimit else { throw .about(what, .aboveLimit(m)) }
    }

    private func checkDate(_ d: CalendarDate, what: DomainError.Subject) throws(DomainError) {
        guard d.isSupported else {
            throw .about(what, .outsideYears(d))
        }
    }

    /// A collector or salesperson named on a customer must be a user of the store (an unknown id would drop the
    /// account out of every agenda); the message lists who can be named.
    /// The role must fit too: a salesperson is never an account's collector, nor a collector its salesperson
    /// (supervisors may be either).
    private func checkPerson(_ id: String?, role: User.Role, what: DomainError.Subject) throws(DomainError) {
        guard let id, !id.isEmpty else { return }
        let fits: (User) -> Bool = { $0.role == .supervisor || $0.role == role }
        guard let user = users[id] else {
            let known = users.values.filter { $0.isActive }.map(\.id).sorted()
            throw .about(what, .notAUser(id, as: role, users: known))
        }
        guard fits(user) else {
            let known = users.values.filter { $0.isActive && fits($0) }.map(\.id).sorted()
            throw .about(what, .wrongRole(id, is: user.role, as: role, candidates: known))
        }
    }
}

/// The SIREN, the French company number: 9 ASCII digits whose Luhn sum is a multiple of 10.
public enum Siren {
    public static func isValid(_ s: String) -> Bool {
        let digits = s.unicodeScalars.compactMap { $0.isASCII && ("0"..."9").contains($0) ? Int($0.value - 48) : nil }
        guard digits.count == 9, s.unicodeScalars.count == 9 else { return false }
        let sum = digits.enumerated().reduce(0) { total, e in
            let v = e.offset % 2 == 1 ? e.element * 2 : e.element
            return total + (v > 9 ? v - 9 : v)
        }
        return sum % 10 == 0
    }

    static func check(_ s: String, what: DomainError.Subject) throws(DomainError) {
        if let problem = Rules.siren(s) { throw .about(what, .rule(problem)) }
    }
}

extension Book {
    /// Records already in the book that today's input rules would refuse (an older store's), for `check` to list
    /// so they can be corrected in the workstation or by re-import.
    public func ruleViolations() -> [DomainError] {
        var out: [DomainError] = []
        let active = users.values.filter(\.isActive)
        func candidates(_ role: User.Role) -> [String] { active.filter { $0.role == role || $0.role == .supervisor }.map(\.id).sorted() }
        for id in customerOrder {
            guard let c = customers[id] else { continue }
            let customer = DomainError.Subject.record(.customer, id)
            if let s = c.siren, !Siren.isValid(s) { out.append(.about(customer, .rule(.siren(s)))) }
            if let l = c.creditLimit, l.isNegative { out.append(.about(.creditLimit(customer: id), .negative(l))) }
            if let l = c.creditLimit, !l.isWithinLimit { out.append(.about(.creditLimit(customer: id), .aboveLimit(l))) }
            for (person, role) in [(c.collector, User.Role.collector), (c.salesperson, .salesperson)] {
                guard let p = person else { continue }
                guard let u = users[p] else { out.append(.about(customer, .notAUser(p, as: role, users: active.map(\.id).sorted()))); continue }
                if u.role != role, u.role != .supervisor { out.append(.about(customer, .wrongRole(p, is: u.role, as: role, candidates: candidates(role)))) }
            }
        }
        var folded: [String: String] = [:]
        for i in invoices.values.sorted(by: { $0.number < $1.number }) {
            let invoice = DomainError.Subject.record(.invoice, i.number)
            if let other = folded.updateValue(i.number, forKey: i.number.lowercased()) { out.append(.about(invoice, .sameNumberButCase(other))) }
            if !i.amount.isWithinLimit { out.append(.about(invoice, .aboveLimit(i.amount))) }
            for d in [i.issueDate, i.dueDate] where !d.isSupported { out.append(.about(invoice, .outsideYears(d))); break }
        }
        for p in payments.values.sorted(by: { $0.id < $1.id }) {
            if !p.amount.isWithinLimit { out.append(.about(.record(.payment, p.id), .aboveLimit(p.amount))) }
            if !p.date.isSupported { out.append(.about(.record(.payment, p.id), .outsideYears(p.date))) }
        }
        return out
    }
}
