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
        if let refusal = Permission.refusal(change, by: author, in: self) { throw DomainError(refusal.description) }
        // The policy's log names its author: only the one saving it.
        if case .setPolicy(_, let user, _) = change, user != author { throw DomainError("a policy change is logged as its author's: \(author), not \(user)") }
        try applyChecked(change)
    }

    /// A new change the permission table allowed: the input rules, then the change.
    mutating func applyChecked(_ change: Change) throws(DomainError) {
        if case .batch(let changes) = change, changes.count == 1 {
            // One change is all or nothing by itself (`apply` leaves the book unchanged on error): no copy needed.
            do { try applyChecked(changes[0]) } catch { throw DomainError("item 1 (\(changes[0].summary)): \(error.message)") }
            return
        }
        if case .batch(let changes) = change {
            // Activities only (a chunk of letters): each is checked on the book as it is, none depends on another, and
            // recording one cannot fail once checked, so they are applied in place. A copy of the book for the
            // all-or-nothing rule would copy its largest tables (invoices, digests) under the store's lock.
            if changes.allSatisfy({ if case .logActivity = $0 { return true }; return false }) {
                for (i, c) in changes.enumerated() {
                    guard case .logActivity(let a) = c else { continue }
                    do throws(DomainError) {
                        try checkNew(c)
                        guard customers[a.customerId] != nil else { throw DomainError("unknown customer \(a.customerId)") }
                        for n in a.invoices where invoices[n] == nil { throw DomainError("unknown invoice \(n)") }
                    } catch { throw DomainError("item \(i + 1) (\(c.summary)): \(error.message)") }
                }
                for c in changes { try apply(c) }
                revision += 1
                return
            }
            var copy = self
            for (i, c) in changes.enumerated() {
                do { try copy.applyChecked(c) } catch { throw DomainError("item \(i + 1) (\(c.summary)): \(error.message)") }
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
                          + c.contacts.flatMap { [$0.name, $0.role, $0.phone, $0.email] }, what: "customer \(c.id)")
            try checkLength([c.id, c.name, c.billingAddress?.street, c.billingAddress?.city] + c.contacts.map(\.name), what: "customer \(c.id)")
            if let s = c.siren { try Siren.check(s, what: "customer \(c.id)") }
            try checkLimit(c.creditLimit, what: "customer \(c.id): credit limit")
            try checkPerson(c.collector, role: "collector", what: "customer \(c.id)")
            try checkPerson(c.salesperson, role: "salesperson", what: "customer \(c.id)")
        case .updateCustomer(let id, let patch):
            try checkLimit(patch.creditLimit, what: "customer \(id): credit limit")
            try checkPerson(patch.collector, role: "collector", what: "customer \(id)")
            try checkPerson(patch.salesperson, role: "salesperson", what: "customer \(id)")
        case .upsertUser(let u):
            try checkText([u.id, u.name, u.login, u.email], what: "user \(u.id)")
            try checkUser(u)
        case .setCompany(let c):
            try checkText([c.legalName, c.siren, c.street, c.postalCode, c.city, c.phone, c.email, c.iban, c.bic, c.signatory], what: "the company profile")
            try checkLength([c.legalName, c.street, c.city, c.email, c.signatory], what: "the company profile")
            if let s = c.siren, !s.isEmpty { try Siren.check(s, what: "the company") }
        case .upsertInvoice(let i):
            if let old = invoices[i.number], old.customerId != i.customerId {
                throw DomainError("invoice \(i.number) belongs to customer \(old.customerId), not \(i.customerId): an invoice never moves to another customer")
            }
            guard i.amount.isWithinLimit else { throw DomainError("invoice \(i.number): \(i.amount) is above the limit of \(Money.limit)") }
            try checkLength([i.number, i.customerId, i.poNumber], what: "invoice \(i.number.prefix(30))")
            try checkDate(i.issueDate, what: "invoice \(i.number): issue date")
            try checkDate(i.dueDate, what: "invoice \(i.number): due date")
            if let l = i.dunningLevel, !(0...policy.ladder.count).contains(l) {
                throw DomainError("invoice \(i.number): dunning level \(l) is not one of the policy's levels 0-\(policy.ladder.count) (\(policy.ladder.map(\.id).joined(separator: ", ")))")
            }
            if let d = i.lastDunned {
                try checkDate(d, what: "invoice \(i.number): last dunned")
                guard d >= i.issueDate else { throw DomainError("invoice \(i.number): last dunned \(d.french) is before its issue date") }
            }
        case .makePromise(let p, let supersedes):
            // Commitments never contradict each other: a promise on invoices that already carry an open one
            // replaces it only when the person saw it (the form names it in `supersedes`).
            let overlapping = openPromises(of: p.customerId, asOf: p.madeOn).filter { !Set($0.invoices).isDisjoint(with: p.invoices) }
            if let unseen = overlapping.first(where: { !supersedes.contains($0.id) }) {
                throw DomainError("these invoices already carry the promise of \(unseen.amount.formatted) for \(unseen.promisedDate.french) made by \(users[unseen.user]?.name ?? unseen.user) on \(unseen.madeOn.french); it was not replaced (look at it, then enter yours again)")
            }
            for id in supersedes where !overlapping.contains(where: { $0.id == id }) {
                let gone = promises[id].map { "the promise of \($0.amount.formatted) for \($0.promisedDate.short.prefix(5))" } ?? "a promise shown"
                throw DomainError("\(gone) was closed meanwhile: look again, then save")
            }
            try checkHorizon(p.promisedDate, from: p.madeOn, what: "the promised date")
            // An item in an active plan is paid by its schedule: a promise beside it contradicts it.
            let planned = Set(activePlans(of: p.customerId, asOf: p.madeOn).flatMap(\.invoices)).intersection(p.invoices).sorted()
            if let first = planned.first {
                throw DomainError("\(first)\(planned.count > 1 ? " and \(planned.count - 1) more" : "") \(planned.count > 1 ? "are" : "is") in a payment plan: a promise cannot hold \(planned.count > 1 ? "them" : "it")")
            }
            if let covers = p.covers {
                guard covers.sum(\.amount) == p.amount else {
                    throw DomainError("the promise of \(p.amount.formatted) covers \(covers.sum(\.amount).formatted) of its invoices: the parts must add up to it")
                }
                for c in covers {
                    guard p.invoices.contains(c.invoice) else { throw DomainError("the promise covers \(c.invoice), which it does not name") }
                    guard c.amount.isPositive, c.amount <= openAmount(c.invoice) else {
                        throw DomainError("the promise's part of \(c.invoice), \(c.amount.formatted), is not within the \(openAmount(c.invoice).formatted) open on it")
                    }
                }
            }
        case .createPlan(let plan):
            let active = activePlans(of: plan.customerId, asOf: plan.createdOn).filter { !Set($0.invoices).isDisjoint(with: plan.invoices) }
            if let other = active.first {
                // Said as a collector reads it (no internal id): which invoices, which plan, what to do.
                let both = Set(other.invoices).intersection(plan.invoices).sorted()
                let list = both.count <= 2 ? both.joined(separator: " and ") : "\(both[0]) and \(both.count - 1) more"
                // Short enough for 80 columns after "Not saved: ".
                throw DomainError("\(list) \(both.count == 1 ? "is" : "are") in a plan (\(other.total.formatted), \(other.createdOn.short.prefix(5))): X withdraws it first")
            }
            // The down payment and the first instalment within the horizon of every date; the end within the plan maximum.
            for line in plan.schedule.prefix(2) { try checkHorizon(line.date, from: plan.createdOn, what: "the plan's payment of") }
            if let last = plan.schedule.last?.date, last > plan.createdOn.adding(months: policy.maxPlanMonths) {
                throw DomainError("the plan ends on \(last.french), more than \(policy.maxPlanMonths) months ahead (the policy's maximum)")
            }
        case .logActivity(let a):
            if let next = a.nextActionDate { try checkHorizon(next, from: a.date, what: "the next action") }
        case .openDispute(let d):
            if let f = d.followUpDate { try checkHorizon(f, from: d.openedOn, what: "the follow-up date") }
        case .updateDispute(let u):
            if let f = u.followUpDate { try checkHorizon(f, from: u.date, what: "the follow-up date") }
            try checkText([u.creditNoteNumber], what: "the credit note number")
            try checkLength([u.creditNoteNumber], what: "the credit note number")
            if let d = u.creditNoteDate {
                try checkDate(d, what: "the credit note's date")
                guard d <= u.date else { throw DomainError("the credit note's date \(d.french) is after the day it is recorded") }
            }
        case .decideLitigation(let d):
            try checkText([d.reason], what: "the decision's reason")
            try checkDate(d.date, what: "the decision")
            if d.outcome == .amicable {
                guard let r = d.reviewAgainOn else { throw DomainError("back to amicable follow-up needs the date of the next review") }
                guard r > d.date else { throw DomainError("the next review must come after the decision") }
                try checkHorizon(r, from: d.date, what: "the next review")
            }
            for n in d.invoices where isInLitigation(n) {
                throw DomainError("invoice \(n) is already \(litigation(of: n)!.outcome.rawValue) since \(litigation(of: n)!.date.french)")
            }
        case .recordPayment(let p):
            guard p.amount.isWithinLimit else { throw DomainError("payment \(p.id): \(p.amount) is above the limit of \(Money.limit)") }
            try checkDate(p.date, what: "payment \(p.id)")
        default:
            break
        }
    }

    /// One horizon for every future date a person enters (the policy's, default one year; `Rules.withinHorizon`,
    /// which forms ask too, to put the message next to the field).
    private func checkHorizon(_ d: CalendarDate, from start: CalendarDate, what: String) throws(DomainError) {
        if let problem = Rules.withinHorizon(d, from: start, policy: policy) { throw DomainError("\(what) \(problem)") }
    }

    /// Text free of control characters and invisible marks (`Safe.isUnsafe`), in every field a person or a file gives.
    private func checkText(_ values: [String?], what: String) throws(DomainError) {
        for case let v? in values {
            if let bad = v.unicodeScalars.first(where: Safe.isUnsafe) {
                throw DomainError("\(what): control or invisible character U+\(String(bad.value, radix: 16, uppercase: true)) is not allowed")
            }
        }
    }

    /// Names and addresses fit a letter's window and a screen line: 200 characters at most (a 300-character legal
    /// name printed as one line of every letter).
    private func checkLength(_ values: [String?], what: String) throws(DomainError) {
        // Counted as characters and as code points: 400 combining accents on one letter are one character.
        for case let v? in values where v.count > 200 || v.unicodeScalars.count > 400 {
            throw DomainError("\(what): '\(v.prefix(30))…' is \(v.count) characters long (200 at most)")
        }
    }

    private func checkLimit(_ m: Money?, what: String) throws(DomainError) {
        guard let m else { return }
        guard !m.isNegative else { throw DomainError("\(what) \(m) is negative") }
        guard m.isWithinLimit else { throw DomainError("\(what) \(m) is above the limit of \(Money.limit)") }
    }

    private func checkDate(_ d: CalendarDate, what: String) throws(DomainError) {
        guard d.isSupported else {
            throw DomainError("\(what) \(d.iso) is outside \(CalendarDate.supportedYears.lowerBound)-\(CalendarDate.supportedYears.upperBound)")
        }
    }

    /// A collector or salesperson named on a customer must be a user of the store (an unknown id would drop the
    /// account out of every agenda); the message lists who can be named.
    /// The role must fit too: a salesperson is never an account's collector, nor a collector its salesperson
    /// (supervisors may be either).
    private func checkPerson(_ id: String?, role: String, what: String) throws(DomainError) {
        guard let id, !id.isEmpty else { return }
        let fits: (User) -> Bool = { $0.role == .supervisor || $0.role.rawValue == role }
        guard let user = users[id] else {
            let known = users.values.filter { $0.isActive }.map(\.id).sorted()
            throw DomainError("\(what): \(role) '\(id)' is not a user of this store (users: \(known.isEmpty ? "none yet; add them with relance user add" : known.joined(separator: ", ")))")
        }
        guard fits(user) else {
            let known = users.values.filter { $0.isActive && fits($0) }.map(\.id).sorted()
            throw DomainError("\(what): \(id) is a \(user.role.rawValue), not a \(role) (who can be: \(known.isEmpty ? "nobody yet" : known.joined(separator: ", ")))")
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

    static func check(_ s: String, what: String) throws(DomainError) {
        if let problem = Rules.siren(s) { throw DomainError("\(what): \(problem)") }
    }
}

extension Book {
    /// Records already in the book that today's input rules would refuse (an older store's), for `check` to list
    /// so they can be corrected in the workstation or by re-import.
    public func ruleViolations() -> [String] {
        var out: [String] = []
        for id in customerOrder {
            guard let c = customers[id] else { continue }
            if let s = c.siren, !Siren.isValid(s) { out.append("customer \(id): SIREN '\(s)' is not valid") }
            if let l = c.creditLimit, l.isNegative || !l.isWithinLimit { out.append("customer \(id): credit limit \(l.plain) is outside 0-\(Money.limit.plain)") }
            if let p = c.collector, users[p] == nil { out.append("customer \(id): collector '\(p)' is not a user of the store") }
            if let p = c.salesperson, users[p] == nil { out.append("customer \(id): salesperson '\(p)' is not a user of the store") }
            if let p = c.collector, let u = users[p], u.role == .salesperson { out.append("customer \(id): collector '\(p)' is a salesperson") }
            if let p = c.salesperson, let u = users[p], u.role == .collector { out.append("customer \(id): salesperson '\(p)' is a collector") }
        }
        var folded: [String: String] = [:]
        for i in invoices.values.sorted(by: { $0.number < $1.number }) {
            if let other = folded.updateValue(i.number, forKey: i.number.lowercased()) {
                out.append("invoice \(i.number): the same number as \(other) but for the case (numbers are unique whatever their case)")
            }
            if !i.amount.isWithinLimit { out.append("invoice \(i.number): amount \(i.amount.plain) is above the limit of \(Money.limit.plain)") }
            if !i.issueDate.isSupported || !i.dueDate.isSupported { out.append("invoice \(i.number): a date is outside \(CalendarDate.supportedYears.lowerBound)-\(CalendarDate.supportedYears.upperBound)") }
        }
        for p in payments.values.sorted(by: { $0.id < $1.id }) where !p.amount.isWithinLimit || !p.date.isSupported {
            out.append("payment \(p.id): amount or date outside the limits")
        }
        return out
    }
}
