import Receivables

// The words for the domain's refusals (issue 18: about 113 sentences were made where they were thrown). The domain
// throws values; each reader's screen and the commands word them here, in the reader's language (issue 19). Amounts
// and dates are said in the company-wide format (`formatted`, `french`).
//
// The conformances to `CustomStringConvertible` live here, with the words, so that `"\(error)"` and
// swift-argument-parser's error output word them too (same package: no `@retroactive` needed).

extension DomainError: CustomStringConvertible {
    public var description: String { message }

    public var message: String {
        switch self {
        case .about(let subject, .notPositive), .about(let subject, .rule(.notPositive)):
            tr("{what} must be above zero", ["what": subject.name])
        case .about(let subject, let inner): tr("{what}: {problem}", ["what": subject.name, "problem": inner.message])
        case .inBatch(let item, let change, let inner):
            tr("item {item} ({change}): {problem}", ["item": "\(item)", "change": change.summary, "problem": inner.message])
        case .unknown(let e, let id): tr("unknown {what}", ["what": DomainError.Subject.record(e, id).name])
        case .alreadyRecorded(let e, let id): tr("{what} is already recorded", ["what": DomainError.Subject.record(e, id).name])
        case .appearsTwice(let e, let id): tr("{what} appears twice", ["what": DomainError.Subject.record(e, "'\(id)'").name])
        case .refersToUnknown(let e, let id): tr("refers to unknown {what}", ["what": DomainError.Subject.record(e, "'\(id)'").name])
        case .missingId(let e): tr("a {entity} needs an id", ["entity": e.name])
        case .missingName(let e, let id): tr("{what} needs a name", ["what": DomainError.Subject.record(e, id).name])
        case .notTheCustomers(let n, nil): tr("invoice {invoice} is not an invoice of this customer", ["invoice": n])
        case .notTheCustomers(let n, let owner?): tr("invoice {invoice} belongs to customer {customer}", ["invoice": n, "customer": owner])
        case .movesCustomer(let n, let from, let to):
            tr("invoice {invoice} belongs to customer {customer}, not {other}: an invoice never moves to another customer",
               ["invoice": n, "customer": from, "other": to])
        case .noInvoiceChosen: tr("choose at least one invoice")
        case .settled(let n): tr("invoice {invoice} is already settled", ["invoice": n])
        case .sameNumberButCase(let other):
            tr("the same number as {other} but for the case (numbers are unique whatever their case)", ["other": other])
        case .rule(let p): p.message
        case .notPositive: tr("must be above zero")
        case .negative(let m): tr("{amount} is negative", ["amount": m.formatted])
        case .aboveLimit(let m): tr("{amount} is above the limit of {limit}", ["amount": m.formatted, "limit": Money.limit.formatted])
        case .outsideYears(let d):
            tr("{date} is outside {first}-{last}", ["date": d.iso, "first": "\(CalendarDate.supportedYears.lowerBound)",
                                                   "last": "\(CalendarDate.supportedYears.upperBound)"])
        case .dueBeforeIssue(let due, let issue):
            tr("due date {due} is before issue date {issue}", ["due": due.french, "issue": issue.french])
        case .belowPaid(let amount, let paid):
            tr("amount {amount} is below what was already paid ({paid})", ["amount": amount.formatted, "paid": paid.formatted])
        case .allocationsExceedPayment: tr("allocations exceed the payment")
        case .onlyUnallocated(let m): tr("only {amount} is unallocated", ["amount": m.formatted])
        case .aboveOpen(let amount, let open, let n):
            tr("{amount} is more than the {open} open on {invoice}", ["amount": amount.formatted, "open": open.formatted, "invoice": n])
        case .dunningLevel(let l, let levels):
            tr("dunning level {level} is not one of the policy's levels 0-{top} ({steps})",
               ["level": "\(l)", "top": "\(levels.count)", "steps": levels.joined(separator: ", ")])
        case .lastDunnedBeforeIssue(let d): tr("last dunned {date} is before its issue date", ["date": d.french])
        case .controlCharacter(let v):
            tr("control or invisible character U+{code} is not allowed", ["code": String(v, radix: 16, uppercase: true)])
        case .tooLong(let start, let count):
            tr("'{start}…' is {count} characters long (200 at most)", ["start": start, "count": "\(count)"])
        case .unseenPromise(let p, let by):
            tr("these invoices already carry the promise of {amount} for {date} made by {user} on {made}; it was not replaced (look at it, then enter yours again)",
               ["amount": p.amount.formatted, "date": p.promisedDate.french, "user": by, "made": p.madeOn.french])
        case .promiseClosedMeanwhile(let p?):
            tr("the promise of {amount} for {date} was closed meanwhile: look again, then save",
               ["amount": p.amount.formatted, "date": String(p.promisedDate.short.prefix(5))])
        case .promiseClosedMeanwhile(nil): tr("a promise shown was closed meanwhile: look again, then save")
        case .inPaymentPlan(let invoices):
            invoices.count == 1 ? tr("{invoice} is in a payment plan: a promise cannot hold it", ["invoice": invoices[0]])
                : trn("{invoice} and {count} more are in a payment plan: a promise cannot hold them",
                      "{invoice} and {count} more are in a payment plan: a promise cannot hold them", count: invoices.count - 1,
                      ["invoice": invoices[0]])
        case .coverMismatch(let promised, let covered):
            tr("the promise of {amount} covers {covered} of its invoices: the parts must add up to it",
               ["amount": promised.formatted, "covered": covered.formatted])
        case .coversUnnamed(let n): tr("the promise covers {invoice}, which it does not name", ["invoice": n])
        case .coverNotWithinOpen(let n, let part, let open):
            tr("the promise's part of {invoice}, {amount}, is not within the {open} open on it",
               ["invoice": n, "amount": part.formatted, "open": open.formatted])
        case .inOtherPlan(let both, let total, let createdOn):
            // Short enough for 80 columns after "Not saved: ".
            Self.inOtherPlan(both, total: total.formatted, made: String(createdOn.short.prefix(5)))
        case .planBeyondMaximum(let end, let months):
            tr("the plan ends on {date}, more than {months} months ahead (the policy's maximum)", ["date": end.french, "months": "\(months)"])
        case .planTooShort: tr("a plan needs a down payment and at least one instalment")
        case .scheduleLineNotPositive(let line): tr("line {line} of the schedule must be above zero", ["line": "\(line)"])
        case .scheduleLineNotAfter(let line): tr("line {line} is not after line {previous}", ["line": "\(line)", "previous": "\(line - 1)"])
        case .scheduleMismatch(let schedule, let invoices):
            tr("the schedule sums to {schedule}, the invoices to {invoices}: they must match to the cent",
               ["schedule": schedule.formatted, "invoices": invoices.formatted])
        case .nothingToSpread: tr("nothing to spread: the invoices are settled")
        case .downPaymentNotBelowTotal(let total): tr("the down payment must be less than the total {total}", ["total": total.formatted])
        case .instalmentCount: tr("between 1 and 60 instalments")
        case .firstInstalmentNotAfterDownPayment: tr("the first instalment must come after the down payment")
        case .cannotSpread(let rest, let count):
            tr("{amount} cannot be spread over {count} instalments", ["amount": rest.formatted, "count": "\(count)"])
        case .waiverNeedsReason: tr("say why the late fees are waived")
        case .unknownReason(let code): tr("unknown reason code {code}", ["code": code])
        case .disputeClosed(let id, let status): tr("dispute {dispute} is already {status}", ["dispute": id, "status": status.label])
        case .creditNoteWithoutResolution: tr("a credit note goes with the resolution 'credit note'")
        case .creditNoteNotPositive: tr("the credit note must be above zero")
        case .notInDispute(let n, let d): tr("invoice {invoice} is not part of dispute {dispute}", ["invoice": n, "dispute": d])
        case .creditNoteAboveDisputed(let cn, let disputed, let n?):
            tr("credit note {amount} is larger than the {disputed} disputed on {invoice}",
               ["amount": cn.formatted, "disputed": disputed.formatted, "invoice": n])
        case .creditNoteAboveDisputed(_, let disputed, nil):
            tr("the credit note is larger than the {disputed} disputed", ["disputed": disputed.formatted])
        case .creditNoteAboveOpen(let cn, let open, let n):
            tr("credit note {amount} is larger than the {open} open on {invoice}", ["amount": cn.formatted, "open": open.formatted, "invoice": n])
        case .creditNoteAfterRecord(let d): tr("the credit note's date {date} is after the day it is recorded", ["date": d.french])
        case .reviewDateMissing: tr("back to amicable follow-up needs the date of the next review")
        case .reviewNotAfterDecision: tr("the next review must come after the decision")
        case .alreadyInLitigation(let n, let outcome, let since):
            tr("invoice {invoice} is already {outcome} since {date}", ["invoice": n, "outcome": outcome.label, "date": since.french])
        case .decisionWithoutInvoices: tr("a litigation decision names its invoices")
        case .writeOffNeedsReason: tr("a write-off needs a reason")
        case .reasonRequired: tr("say why (a reason is required)")
        case .holdNeedsReason: tr("an order hold needs a reason")
        case .termsDays(let d): tr("{days} is not a number of days for payment terms (0-365)", ["days": "\(d)"])
        case .limitNotAbove(let current): tr("the credit limit asked for must be above the current {limit}", ["limit": current.formatted])
        case .unknownFlag(let code, let choices): tr("unknown risk flag '{flag}' (one of {choices})", ["flag": code, "choices": choices.joined(separator: ", ")])
        case .requestDecided(let id, let status): tr("request {id} is already {status}", ["id": id, "status": status.label])
        case .notYourRequest(let id): tr("request {id} is someone else's", ["id": id])
        case .mailIs(let id, let status): tr("e-mail {id} is {status}", ["id": id, "status": status.label])
        case .mailIncomplete(let id): tr("e-mail {id} is queued without its address or Message-ID", ["id": id])
        case .unknownLanguage(let l, let choices):
            tr("language '{language}' is not one of {choices}", ["language": l, "choices": choices.joined(separator: ", ")])
        case .badUserId(let id): tr("user id '{id}' must be lower-case letters, digits, '_', '-' or '.'", ["id": id])
        case .badLogin(let login): tr("'{login}' is not a Unix login (lower-case letters, digits, '_', '-', '.')", ["login": login])
        case .loginTaken(let login, let user, let name):
            tr("login {login} is already the login of user {user} ({name})", ["login": login, "user": user, "name": name])
        case .holdsAccounts(let user, let heldAs, let accounts, let role):
            Self.holdsAccounts(user, heldAs: heldAs, accounts: accounts, role: role)
        case .lastSupervisor(let id): tr("{user} is the last active supervisor: add another supervisor first", ["user": id])
        case .notAUser(let id, let role, let users):
            users.isEmpty ? tr("{role} '{id}' is not a user of this store (users: none yet; add them with relance user add)", ["role": role.label, "id": id])
                : tr("{role} '{id}' is not a user of this store (users: {users})", ["role": role.label, "id": id, "users": users.joined(separator: ", ")])
        case .wrongRole(let id, let actual, let role, let candidates):
            candidates.isEmpty ? tr("{id} is a {actual}, not a {role} (who can be: nobody yet)", ["id": id, "actual": actual.label, "role": role.label])
                : tr("{id} is a {actual}, not a {role} (who can be: {users})",
                     ["id": id, "actual": actual.label, "role": role.label, "users": candidates.joined(separator: ", ")])
        case .refused(let r): r.message
        case .policyAuthor(let author, let logged):
            tr("a policy change is logged as its author's: {author}, not {user}", ["author": author, "user": logged])
        case .readOnly(let directory?): tr("read-only session: you cannot change {directory}", ["directory": directory])
        case .readOnly(nil): tr("this store is read-only")
        case .policy(let issues): tr("the policy: {problems}", ["problems": issues.map(\.message).joined(separator: "; ")])
        case .policyFile(let source, let p): "\(source)\(p.line.map { ":\($0)" } ?? ""): \(p.message)"
        case .unknownReport(let name, let choices):
            tr("unknown report '{name}' (choose from {reports})", ["name": name, "reports": choices.joined(separator: ", ")])
        case .said(let text): text
        }
    }

    static func inOtherPlan(_ both: [String], total: String, made: String) -> String {
        switch both.count {
        case 1: tr("{invoice} is in a plan ({total}, {date}): X withdraws it first", ["invoice": both[0], "total": total, "date": made])
        case 2: tr("{invoice} and {other} are in a plan ({total}, {date}): X withdraws it first",
                   ["invoice": both[0], "other": both[1], "total": total, "date": made])
        default: trn("{invoice} and {count} more are in a plan ({total}, {date}): X withdraws it first",
                     "{invoice} and {count} more are in a plan ({total}, {date}): X withdraws it first", count: both.count - 1,
                     ["invoice": both[0], "total": total, "date": made])
        }
    }

    static func holdsAccounts(_ user: String, heldAs: User.Role, accounts: [String], role: User.Role) -> String {
        let list = accounts.count > 5
            ? trn("{list} and {count} more", "{list} and {count} more", count: accounts.count - 5, ["list": accounts.prefix(5).joined(separator: ", ")])
            : accounts.joined(separator: ", ")
        return trn("{user} is the {held} of {count} account ({list}): a {role} cannot be; give them to another {held} first",
                   "{user} is the {held} of {count} accounts ({list}): a {role} cannot be; give them to another {held} first",
                   count: accounts.count, ["user": user, "held": heldAs.label, "list": list, "role": role.label])
    }

    /// The refusal without the batch item it came from: what a screen says of the one change it made.
    public var innermost: DomainError {
        if case .inBatch(_, _, let inner) = self { return inner.innermost }
        return self
    }
}

extension User.Role {
    /// The role as a person reads it ("collector", "chargé de recouvrement").
    public var label: String {
        switch self {
        case .supervisor: tr("supervisor", context: "role")
        case .collector: tr("collector", context: "role")
        case .salesperson: tr("salesperson", context: "role")
        }
    }

    /// The role's people ("collectors", "chargés de recouvrement").
    public var plural: String {
        switch self {
        case .supervisor: tr("supervisors", context: "role")
        case .collector: tr("collectors", context: "role")
        case .salesperson: tr("salespeople", context: "role")
        }
    }
}

extension DomainError.Entity {
    public var name: String {
        switch self {
        case .customer: tr("customer", context: "record"); case .invoice: tr("invoice", context: "record")
        case .payment: tr("payment", context: "record"); case .promise: tr("promise", context: "record")
        case .dispute: tr("dispute", context: "record"); case .plan: tr("plan", context: "record")
        case .decision: tr("decision", context: "record"); case .user: tr("user", context: "record")
        case .contact: tr("contact", context: "record"); case .request: tr("request", context: "record")
        case .mail: tr("e-mail", context: "record")
        }
    }
}

extension DomainError.Subject {
    public var name: String {
        switch self {
        case .record(let e, let id): tr("{entity} {id}", context: "record", ["entity": e.name, "id": id])
        case .company: tr("the company profile")
        case .companySiren: tr("the company")
        case .creditLimit(let c): tr("the credit limit of customer {customer}", ["customer": c])
        case .issueDate(let n): tr("the issue date of invoice {invoice}", ["invoice": n])
        case .dueDate(let n): tr("the due date of invoice {invoice}", ["invoice": n])
        case .lastDunned(let n): tr("the last dunning date of invoice {invoice}", ["invoice": n])
        case .amount: tr("the amount")
        case .disputedAmount: tr("the disputed amount")
        case .downPayment: tr("the down payment")
        case .promisedDate: tr("the promised date")
        case .nextAction: tr("the next action")
        case .followUpDate: tr("the follow-up date")
        case .downPaymentDate: tr("the down payment date")
        case .planPayment: tr("the plan's payment")
        case .creditNoteNumber: tr("the credit note number")
        case .creditNoteDate: tr("the credit note's date")
        case .decisionReason: tr("the decision's reason")
        case .decisionDate: tr("the decision's date")
        case .nextReview: tr("the next review")
        case .invoiceLine(let n): n
        case .creditToLetter: tr("the credit to letter")
        }
    }
}

extension Rules.Problem: CustomStringConvertible {
    public var description: String { message }

    public var message: String {
        switch self {
        case .inPast(let d): tr("{date} is in the past", ["date": d.french])
        case .beyondHorizon(let d, let months, let until):
            tr("{date} is more than {months} months ahead (until {until})", ["date": d.french, "months": "\(months)", "until": until.french])
        case .notPositive: tr("must be above zero")
        case .aboveOpen(let amount, let open, true):
            tr("{amount} is more than the {open} open and not yet disputed on the ticked invoices", ["amount": amount.formatted, "open": open.formatted])
        case .aboveOpen(let amount, let open, false):
            tr("{amount} is more than the {open} open on the ticked invoices", ["amount": amount.formatted, "open": open.formatted])
        case .siren(let s): tr("SIREN '{siren}' is not valid (9 digits with a correct check digit, e.g. 552100554)", ["siren": s])
        }
    }
}

extension ParseError: CustomStringConvertible {
    public var description: String { message }

    public var message: String {
        switch self {
        case .emptyAmount: tr("enter an amount, e.g. 1 234,56")
        case .notAnAmount(let t): tr("'{text}' is not an amount (use 1234.56 or 1 234,56)", ["text": t])
        case .tooManyDecimals(let t): tr("'{text}' has more than 2 decimals", ["text": t])
        case .amountAboveLimit(let t): tr("'{text}' is above the limit of {limit}", ["text": t, "limit": Money.limit.formatted])
        case .emptyDate: tr("enter a date, e.g. 2026-12-03 or 03/12/2026")
        case .notADate(let t): tr("'{text}' is not a date (use 2026-12-03 or 03/12/2026)", ["text": t])
        case .yearDigits(let t): tr("'{text}': write the year with 4 digits", ["text": t])
        case .noSuchMonth(let t, let m): tr("'{text}': month {month} does not exist", ["text": t, "month": "\(m)"])
        case .noSuchDay(let t, let d, let m, let y):
            tr("'{text}': {date} does not exist ({days} days in that month)",
               ["text": t, "date": "\(Self.two(d))/\(Self.two(m))/\(y)", "days": "\(CalendarDate.daysIn(month: m, year: y))"])
        case .yearOutside(let t, let y):
            tr("'{text}': year {year} is outside the supported range {first}-{last}",
               ["text": t, "year": "\(y)", "first": "\(CalendarDate.supportedYears.lowerBound)", "last": "\(CalendarDate.supportedYears.upperBound)"])
        case .paymentTerms(let t):
            tr("payment terms '{text}' are not understood (write 60, 45 jours fin de mois, or fin de mois 45 jours)", ["text": t])
        }
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

extension PermissionRefusal: CustomStringConvertible {
    public var description: String { message }

    public var message: String {
        switch reason {
        case .notAUser: tr("{user} is not a user of this store", ["user": user])
        case .disabled: tr("your access was disabled by a supervisor ({user})", ["user": user])
        case .someoneElses(let other): tr("{user} may set only their own preferences, not {other}'s (a supervisor may)", ["user": user, "other": other])
        case .role(let r):
            tr("{action} is not for {role} ({user}); it is for {roles}", [
                "action": action.rawValue, "role": r.plural, "user": user,
                "roles": Permission.roles(for: action).map(\.plural).sorted().joined(separator: tr(" and ", context: "list"))])
        }
    }
}

extension PolicyIssue {
    public var message: String {
        switch self {
        case .notPositive(let key): tr("{key} must be above zero", ["key": key])
        case .minAboveMax(let key): tr("{key}.min is above max", ["key": key])
        case .fromAfterTo(let key): tr("{key}.from is after to", ["key": key])
        case .outOfRange(let key, let r, let v):
            tr("{key} must be between {low} and {high}, not {value}", ["key": key, "low": "\(r.lowerBound)", "high": "\(r.upperBound)", "value": "\(v)"])
        case .badHalf(let key, let v): tr("{key}: half must be 1 (January-June) or 2 (July-December), not {value}", ["key": key, "value": "\(v)"])
        case .notANumber(let key, let v): tr("{key} '{value}' is not a number", ["key": key, "value": v])
        case .notAPercentage(let key, let v): tr("{key} '{value}' is not a percentage", ["key": key, "value": v])
        case .notAnAmount(let key): tr("{key} must be 0 or more", ["key": key])
        case .aboveLimit(let key): tr("{key} is above the limit of {limit}", ["key": key, "limit": Money.limit.plain])
        case .stepTwice(let id): tr("step id '{id}' appears twice", ["id": id])
        case .badStepAmount(let step, let ref): tr("step {step}: '{value}' is neither \"threshold\" nor an amount", ["step": step, "value": ref])
        case .noSteps: tr("steps: a policy needs at least one step")
        case .tooManySteps(let n): tr("steps: at most 50, not {count}", ["count": "\(n)"])
        case .nameTooLong: tr("name: at most 200 characters")
        case .stepTextTooLong(let id): tr("step {step}: id, label or short too long (60, 200, 40 characters at most)", ["step": id])
        case .badTemplate(let step, let template):
            tr("step {step}: template '{template}' must be a plain name (letters, digits, '-', '_')", ["step": step, "template": template])
        case .stepWithoutId: tr("a step needs an id")
        }
    }
}

extension Policy.Problem {
    public var message: String {
        switch kind {
        case .duplicateKey(let key): tr("'{key}' is given twice in the same place; keep one", ["key": key])
        case .unknownKey(let key): tr("unknown key '{key}' (misspelt? the keys are those of relance policy show)", ["key": key])
        case .undecodable(let text): text
        case .invalid(let issues): issues.map(\.message).joined(separator: "; ")
        }
    }
}

extension Change {
    /// A short label for the history and the journal's audit view.
    public var summary: String {
        switch self {
        case .upsertCustomer(let c): tr("customer {id}", context: "change", ["id": c.id])
        case .updateCustomer(let id, _): tr("update customer {id}", ["id": id])
        case .upsertUser(let u): tr("user {id}", context: "change", ["id": u.id])
        case .setLanguage(let id, let l): tr("language of {user}: {language}", ["user": id, "language": l ?? tr("the environment's")])
        case .setCompany: tr("company profile")
        case .setPolicy: tr("dunning policy")
        case .queueMail(let m): tr("e-mail {id} queued", ["id": m.id])
        case .mailOutcome(let id, let o):
            switch o {
            case .handingOff: tr("e-mail {id} handed to the mail system", ["id": id])
            case .sent: tr("e-mail {id} sent", ["id": id])
            case .failed: tr("e-mail {id} failed", ["id": id])
            case .withdrawn: tr("e-mail {id} withdrawn", ["id": id])
            }
        case .setMailer: tr("mail command")
        case .upsertInvoice(let i): tr("invoice {id}", context: "change", ["id": i.number])
        case .recordPayment(let p): tr("payment {id}", context: "change", ["id": p.id])
        case .allocateCredit(let id, _): tr("letter credit {id}", ["id": id])
        case .logActivity(let a): tr("{channel} on {customer}", ["channel": a.channel.label, "customer": a.customerId])
        case .makePromise(let p, _): tr("promise {id}", context: "change", ["id": p.id])
        case .closePromise(let id, let c): tr("promise {id} {closure}", ["id": id, "closure": c.rawValue])
        case .openDispute(let d): tr("dispute {id}", context: "change", ["id": d.id])
        case .updateDispute(let u): tr("dispute {id} {status}", ["id": u.id, "status": u.status?.label ?? tr("update", context: "dispute")])
        case .createPlan(let p): tr("plan {id}", context: "change", ["id": p.id])
        case .cancelPlan(let id): tr("cancel plan {id}", ["id": id])
        case .waiveLateFees(let w): tr("waive late fees {invoice}", ["invoice": w.invoice])
        case .decideLitigation(let d): tr("litigation {customer}: {outcome}", ["customer": d.customerId, "outcome": d.outcome.short])
        case .fileRequest(let r): tr("request {id} on {customer}", ["id": r.id, "customer": r.customerId])
        case .decideRequest(let id, let d): d.approve ? tr("approve request {id}", ["id": id]) : tr("refuse request {id}", ["id": id])
        case .acknowledgeRequests(let ids, _): tr("decisions seen: {ids}", ["ids": ids.joined(separator: ", ")])
        case .batch(let cs): trn("batch of {count} change", "batch of {count} changes", count: cs.count)
        }
    }
}
