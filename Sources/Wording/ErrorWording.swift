import Receivables

// The words for the domain's refusals (issue 18: about 113 sentences were made where they were thrown). The domain
// throws values; each reader's screen and the commands word them here, in English for now (the catalogue issue adds
// French). Amounts and dates are said in the company-wide format (`formatted`, `french`).
//
// The conformances to `CustomStringConvertible` live here, with the words, so that `"\(error)"` and
// swift-argument-parser's error output word them too (same package: no `@retroactive` needed).

extension DomainError: CustomStringConvertible {
    public var description: String { message }

    public var message: String {
        switch self {
        case .about(let subject, .notPositive), .about(let subject, .rule(.notPositive)):
            "\(subject.name) must be above zero"
        case .about(let subject, let inner): "\(subject.name): \(inner.message)"
        case .inBatch(let item, let change, let inner): "item \(item) (\(change.summary)): \(inner.message)"
        case .unknown(let e, let id): "unknown \(e.name) \(id)"
        case .alreadyRecorded(let e, let id): "\(e.name) \(id) is already recorded"
        case .appearsTwice(let e, let id): "\(e.name) '\(id)' appears twice"
        case .refersToUnknown(let e, let id): "refers to unknown \(e.name) '\(id)'"
        case .missingId(let e): "a \(e.name) needs an id"
        case .missingName(let e, let id): "\(e.name) \(id) needs a name"
        case .notTheCustomers(let n, nil): "invoice \(n) is not an invoice of this customer"
        case .notTheCustomers(let n, let owner?): "invoice \(n) belongs to customer \(owner)"
        case .movesCustomer(let n, let from, let to):
            "invoice \(n) belongs to customer \(from), not \(to): an invoice never moves to another customer"
        case .noInvoiceChosen: "choose at least one invoice"
        case .settled(let n): "invoice \(n) is already settled"
        case .sameNumberButCase(let other): "the same number as \(other) but for the case (numbers are unique whatever their case)"
        case .rule(let p): p.message
        case .notPositive: "must be above zero"
        case .negative(let m): "\(m.formatted) is negative"
        case .aboveLimit(let m): "\(m.formatted) is above the limit of \(Money.limit.formatted)"
        case .outsideYears(let d):
            "\(d.iso) is outside \(CalendarDate.supportedYears.lowerBound)-\(CalendarDate.supportedYears.upperBound)"
        case .dueBeforeIssue(let due, let issue): "due date \(due.french) is before issue date \(issue.french)"
        case .belowPaid(let amount, let paid): "amount \(amount.formatted) is below what was already paid (\(paid.formatted))"
        case .allocationsExceedPayment: "allocations exceed the payment"
        case .onlyUnallocated(let m): "only \(m.formatted) is unallocated"
        case .aboveOpen(let amount, let open, let n): "\(amount.formatted) is more than the \(open.formatted) open on \(n)"
        case .dunningLevel(let l, let levels):
            "dunning level \(l) is not one of the policy's levels 0-\(levels.count) (\(levels.joined(separator: ", ")))"
        case .lastDunnedBeforeIssue(let d): "last dunned \(d.french) is before its issue date"
        case .controlCharacter(let v): "control or invisible character U+\(String(v, radix: 16, uppercase: true)) is not allowed"
        case .tooLong(let start, let count): "'\(start)…' is \(count) characters long (200 at most)"
        case .unseenPromise(let p, let by):
            "these invoices already carry the promise of \(p.amount.formatted) for \(p.promisedDate.french) made by \(by) on \(p.madeOn.french); it was not replaced (look at it, then enter yours again)"
        case .promiseClosedMeanwhile(let p):
            "\(p.map { "the promise of \($0.amount.formatted) for \($0.promisedDate.short.prefix(5))" } ?? "a promise shown") was closed meanwhile: look again, then save"
        case .inPaymentPlan(let invoices):
            invoices.count == 1 ? "\(invoices[0]) is in a payment plan: a promise cannot hold it"
                : "\(invoices[0]) and \(invoices.count - 1) more are in a payment plan: a promise cannot hold them"
        case .coverMismatch(let promised, let covered):
            "the promise of \(promised.formatted) covers \(covered.formatted) of its invoices: the parts must add up to it"
        case .coversUnnamed(let n): "the promise covers \(n), which it does not name"
        case .coverNotWithinOpen(let n, let part, let open):
            "the promise's part of \(n), \(part.formatted), is not within the \(open.formatted) open on it"
        case .inOtherPlan(let both, let total, let createdOn):
            // Short enough for 80 columns after "Not saved: ".
            "\(both.count <= 2 ? both.joined(separator: " and ") : "\(both[0]) and \(both.count - 1) more") \(both.count == 1 ? "is" : "are") in a plan (\(total.formatted), \(createdOn.short.prefix(5))): X withdraws it first"
        case .planBeyondMaximum(let end, let months):
            "the plan ends on \(end.french), more than \(months) months ahead (the policy's maximum)"
        case .planTooShort: "a plan needs a down payment and at least one instalment"
        case .scheduleLineNotPositive(let line): "line \(line) of the schedule must be above zero"
        case .scheduleLineNotAfter(let line): "line \(line) is not after line \(line - 1)"
        case .scheduleMismatch(let schedule, let invoices):
            "the schedule sums to \(schedule.formatted), the invoices to \(invoices.formatted): they must match to the cent"
        case .nothingToSpread: "nothing to spread: the invoices are settled"
        case .downPaymentNotBelowTotal(let total): "the down payment must be less than the total \(total.formatted)"
        case .instalmentCount: "between 1 and 60 instalments"
        case .firstInstalmentNotAfterDownPayment: "the first instalment must come after the down payment"
        case .cannotSpread(let rest, let count): "\(rest.formatted) cannot be spread over \(count) instalments"
        case .waiverNeedsReason: "say why the late fees are waived"
        case .unknownReason(let code): "unknown reason code \(code)"
        case .disputeClosed(let id, let status): "dispute \(id) is already \(status.label)"
        case .creditNoteWithoutResolution: "a credit note goes with the resolution 'credit note'"
        case .creditNoteNotPositive: "the credit note must be above zero"
        case .notInDispute(let n, let d): "invoice \(n) is not part of dispute \(d)"
        case .creditNoteAboveDisputed(let cn, let disputed, let n?):
            "credit note \(cn.formatted) is larger than the \(disputed.formatted) disputed on \(n)"
        case .creditNoteAboveDisputed(_, let disputed, nil): "the credit note is larger than the \(disputed.formatted) disputed"
        case .creditNoteAboveOpen(let cn, let open, let n):
            "credit note \(cn.formatted) is larger than the \(open.formatted) open on \(n)"
        case .creditNoteAfterRecord(let d): "the credit note's date \(d.french) is after the day it is recorded"
        case .reviewDateMissing: "back to amicable follow-up needs the date of the next review"
        case .reviewNotAfterDecision: "the next review must come after the decision"
        case .alreadyInLitigation(let n, let outcome, let since): "invoice \(n) is already \(outcome.label) since \(since.french)"
        case .decisionWithoutInvoices: "a litigation decision names its invoices"
        case .writeOffNeedsReason: "a write-off needs a reason"
        case .badUserId(let id): "user id '\(id)' must be lower-case letters, digits, '_', '-' or '.'"
        case .badLogin(let login): "'\(login)' is not a Unix login (lower-case letters, digits, '_', '-', '.')"
        case .loginTaken(let login, let user, let name): "login \(login) is already the login of user \(user) (\(name))"
        case .holdsAccounts(let user, let heldAs, let accounts, let role):
            "\(user) is the \(heldAs.rawValue) of \(accounts.count) account\(accounts.count == 1 ? "" : "s") (\(Self.list(accounts))): a \(role.rawValue) cannot be; give them to another \(heldAs.rawValue) first"
        case .lastSupervisor(let id): "\(id) is the last active supervisor: add another supervisor first"
        case .notAUser(let id, let role, let users):
            "\(role.rawValue) '\(id)' is not a user of this store (users: \(users.isEmpty ? "none yet; add them with relance user add" : users.joined(separator: ", ")))"
        case .wrongRole(let id, let actual, let role, let candidates):
            "\(id) is a \(actual.rawValue), not a \(role.rawValue) (who can be: \(candidates.isEmpty ? "nobody yet" : candidates.joined(separator: ", ")))"
        case .refused(let r): r.message
        case .policyAuthor(let author, let logged): "a policy change is logged as its author's: \(author), not \(logged)"
        case .readOnly(let directory?): "read-only session: you cannot change \(directory)"
        case .readOnly(nil): "this store is read-only"
        case .policy(let issues): "the policy: " + issues.map(\.message).joined(separator: "; ")
        case .policyFile(let source, let p): "\(source)\(p.line.map { ":\($0)" } ?? ""): \(p.message)"
        case .unknownReport(let name, let choices): "unknown report '\(name)' (choose from \(choices.joined(separator: ", ")))"
        case .said(let text): text
        }
    }

    /// The first five, then how many more.
    static func list(_ ids: [String]) -> String {
        ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? " and \(ids.count - 5) more" : "")
    }

    /// The refusal without the batch item it came from: what a screen says of the one change it made.
    public var innermost: DomainError {
        if case .inBatch(_, _, let inner) = self { return inner.innermost }
        return self
    }
}

extension DomainError.Entity {
    public var name: String { rawValue }
}

extension DomainError.Subject {
    public var name: String {
        switch self {
        case .record(let e, let id): "\(e.name) \(id)"
        case .company: "the company profile"
        case .companySiren: "the company"
        case .creditLimit(let c): "the credit limit of customer \(c)"
        case .issueDate(let n): "the issue date of invoice \(n)"
        case .dueDate(let n): "the due date of invoice \(n)"
        case .lastDunned(let n): "the last dunning date of invoice \(n)"
        case .amount: "the amount"
        case .disputedAmount: "the disputed amount"
        case .downPayment: "the down payment"
        case .promisedDate: "the promised date"
        case .nextAction: "the next action"
        case .followUpDate: "the follow-up date"
        case .downPaymentDate: "the down payment date"
        case .planPayment: "the plan's payment"
        case .creditNoteNumber: "the credit note number"
        case .creditNoteDate: "the credit note's date"
        case .decisionReason: "the decision's reason"
        case .decisionDate: "the decision's date"
        case .nextReview: "the next review"
        case .invoiceLine(let n): n
        case .creditToLetter: "the credit to letter"
        }
    }
}

extension Rules.Problem: CustomStringConvertible {
    public var description: String { message }

    public var message: String {
        switch self {
        case .inPast(let d): "\(d.french) is in the past"
        case .beyondHorizon(let d, let months, let until): "\(d.french) is more than \(months) months ahead (until \(until.french))"
        case .notPositive: "must be above zero"
        case .aboveOpen(let amount, let open, let lessDisputed):
            "\(amount.formatted) is more than the \(open.formatted) \(lessDisputed ? "open and not yet disputed on the ticked invoices" : "open on the ticked invoices")"
        case .siren(let s): "SIREN '\(s)' is not valid (9 digits with a correct check digit, e.g. 552100554)"
        }
    }
}

extension ParseError: CustomStringConvertible {
    public var description: String { message }

    public var message: String {
        switch self {
        case .emptyAmount: "enter an amount, e.g. 1 234,56"
        case .notAnAmount(let t): "'\(t)' is not an amount (use 1234.56 or 1 234,56)"
        case .tooManyDecimals(let t): "'\(t)' has more than 2 decimals"
        case .amountAboveLimit(let t): "'\(t)' is above the limit of \(Money.limit.formatted)"
        case .emptyDate: "enter a date, e.g. 2026-12-03 or 03/12/2026"
        case .notADate(let t): "'\(t)' is not a date (use 2026-12-03 or 03/12/2026)"
        case .yearDigits(let t): "'\(t)': write the year with 4 digits"
        case .noSuchMonth(let t, let m): "'\(t)': month \(m) does not exist"
        case .noSuchDay(let t, let d, let m, let y):
            "'\(t)': \(Self.two(d))/\(Self.two(m))/\(y) does not exist (\(CalendarDate.daysIn(month: m, year: y)) days in that month)"
        case .yearOutside(let t, let y):
            "'\(t)': year \(y) is outside the supported range \(CalendarDate.supportedYears.lowerBound)-\(CalendarDate.supportedYears.upperBound)"
        case .paymentTerms(let t): "payment terms '\(t)' are not understood (write 60, 45 jours fin de mois, or fin de mois 45 jours)"
        }
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

extension PermissionRefusal: CustomStringConvertible {
    public var description: String { message }

    public var message: String {
        switch reason {
        case .notAUser: "\(user) is not a user of this store"
        case .disabled: "your access was disabled by a supervisor (\(user))"
        case .role(let r):
            "\(action.rawValue) is not for \(r.rawValue)s (\(user)); it is for \(Permission.roles(for: action).map { $0.rawValue + "s" }.sorted().joined(separator: " and "))"
        }
    }
}

extension PolicyIssue {
    public var message: String {
        switch self {
        case .notPositive(let key): "\(key) must be above zero"
        case .minAboveMax(let key): "\(key).min is above max"
        case .fromAfterTo(let key): "\(key).from is after to"
        case .outOfRange(let key, let r, let v): "\(key) must be between \(r.lowerBound) and \(r.upperBound), not \(v)"
        case .badHalf(let key, let v): "\(key): half must be 1 (January-June) or 2 (July-December), not \(v)"
        case .notANumber(let key, let v): "\(key) '\(v)' is not a number"
        case .notAPercentage(let key, let v): "\(key) '\(v)' is not a percentage"
        case .notAnAmount(let key): "\(key) must be 0 or more"
        case .aboveLimit(let key): "\(key) is above the limit of \(Money.limit.plain)"
        case .stepTwice(let id): "step id '\(id)' appears twice"
        case .badStepAmount(let step, let ref): "step \(step): '\(ref)' is neither \"threshold\" nor an amount"
        case .noSteps: "steps: a policy needs at least one step"
        case .tooManySteps(let n): "steps: at most 50, not \(n)"
        case .nameTooLong: "name: at most 200 characters"
        case .stepTextTooLong(let id): "step \(id): id, label or short too long (60, 200, 40 characters at most)"
        case .badTemplate(let step, let template): "step \(step): template '\(template)' must be a plain name (letters, digits, '-', '_')"
        case .stepWithoutId: "a step needs an id"
        }
    }
}

extension Policy.Problem {
    public var message: String {
        switch kind {
        case .duplicateKey(let key): "'\(key)' is given twice in the same place; keep one"
        case .unknownKey(let key): "unknown key '\(key)' (misspelt? the keys are those of relance policy show)"
        case .undecodable(let text): text
        case .invalid(let issues): issues.map(\.message).joined(separator: "; ")
        }
    }
}

extension Change {
    /// A short label for the history and the journal's audit view.
    public var summary: String {
        switch self {
        case .upsertCustomer(let c): "customer \(c.id)"
        case .updateCustomer(let id, _): "update customer \(id)"
        case .upsertUser(let u): "user \(u.id)"
        case .setCompany: "company profile"
        case .setPolicy: "dunning policy"
        case .upsertInvoice(let i): "invoice \(i.number)"
        case .recordPayment(let p): "payment \(p.id)"
        case .allocateCredit(let id, _): "letter credit \(id)"
        case .logActivity(let a): "\(a.channel.rawValue) on \(a.customerId)"
        case .makePromise(let p, _): "promise \(p.id)"
        case .closePromise(let id, let c): "promise \(id) \(c.rawValue)"
        case .openDispute(let d): "dispute \(d.id)"
        case .updateDispute(let u): "dispute \(u.id) \(u.status?.rawValue ?? "update")"
        case .createPlan(let p): "plan \(p.id)"
        case .cancelPlan(let id): "cancel plan \(id)"
        case .waiveLateFees(let w): "waive late fees \(w.invoice)"
        case .decideLitigation(let d): "litigation \(d.customerId): \(d.outcome.rawValue)"
        case .batch(let cs): "batch of \(cs.count) changes"
        }
    }
}
