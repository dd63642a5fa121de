/// A change refused by a domain rule, as a value: which rule, with the values that broke it (issue 18). The domain
/// never words it; `Wording` does, in the reader's language (as swift-argument-parser keeps `ParserError` apart
/// from the text of its `MessageInfo`). Tests compare the value, not a sentence.
public indirect enum DomainError: Error, Equatable, Sendable {
    // MARK: Where: a refusal about one thing, or one item of a batch
    /// A refusal about `subject` ("invoice F-1: …", "the promised date: …").
    case about(Subject, DomainError)
    /// Item `item` (from 1) of a batch refused, with the change it was.
    case inBatch(item: Int, change: Change, DomainError)

    // MARK: Records and references
    case unknown(Entity, String)
    /// A record whose id is taken (a promise, a dispute, a plan, a payment, a decision).
    case alreadyRecorded(Entity, String)
    /// A snapshot holding a record twice, or referring to one it does not hold.
    case appearsTwice(Entity, String)
    case refersToUnknown(Entity, String)
    case missingId(Entity)
    case missingName(Entity, String)
    /// An invoice named for `customer` that is another's (`owner` when it is said).
    case notTheCustomers(invoice: String, owner: String?)
    /// An invoice that never moves to another customer.
    case movesCustomer(invoice: String, from: String, to: String)
    case noInvoiceChosen
    case settled(invoice: String)
    /// An invoice number that differs from another's only by case (numbers are unique whatever their case).
    case sameNumberButCase(String)

    // MARK: Amounts and dates
    case rule(Rules.Problem)
    case notPositive
    case negative(Money)
    case aboveLimit(Money)
    case outsideYears(CalendarDate)
    case dueBeforeIssue(due: CalendarDate, issue: CalendarDate)
    case belowPaid(amount: Money, paid: Money)
    case allocationsExceedPayment
    case onlyUnallocated(Money)
    case aboveOpen(amount: Money, open: Money, invoice: String)
    case dunningLevel(Int, levels: [String])
    case lastDunnedBeforeIssue(CalendarDate)

    // MARK: Text
    case controlCharacter(UInt32)
    case tooLong(start: String, characters: Int)

    // MARK: Commitments
    /// Invoices that carry another open promise the person did not see.
    case unseenPromise(Promise, by: String)
    /// A promise shown on the form was closed meanwhile (nil: it is gone).
    case promiseClosedMeanwhile(Promise?)
    case inPaymentPlan(invoices: [String])
    case coverMismatch(promised: Money, covered: Money)
    case coversUnnamed(invoice: String)
    case coverNotWithinOpen(invoice: String, part: Money, open: Money)
    case inOtherPlan(invoices: [String], total: Money, createdOn: CalendarDate)
    case planBeyondMaximum(end: CalendarDate, months: Int)
    case planTooShort
    case scheduleLineNotPositive(line: Int)
    case scheduleLineNotAfter(line: Int)
    case scheduleMismatch(schedule: Money, invoices: Money)
    case nothingToSpread
    case downPaymentNotBelowTotal(Money)
    case instalmentCount
    case firstInstalmentNotAfterDownPayment
    case cannotSpread(Money, instalments: Int)
    case waiverNeedsReason

    // MARK: Disputes and litigation
    case unknownReason(String)
    case disputeClosed(String, Dispute.Status)
    case creditNoteWithoutResolution
    case creditNoteNotPositive
    case notInDispute(invoice: String, dispute: String)
    case creditNoteAboveDisputed(creditNote: Money, disputed: Money, invoice: String?)
    case creditNoteAboveOpen(creditNote: Money, open: Money, invoice: String)
    case creditNoteAfterRecord(CalendarDate)
    case reviewDateMissing
    case reviewNotAfterDecision
    case alreadyInLitigation(invoice: String, LitigationDecision.Outcome, since: CalendarDate)
    case decisionWithoutInvoices
    case writeOffNeedsReason

    // MARK: Account control and requests (issue 20)
    /// A change to an account says why.
    case reasonRequired
    case holdNeedsReason
    case termsDays(Int)
    /// A credit-limit request asks for more than the limit it has.
    case limitNotAbove(Money)
    case unknownFlag(String, choices: [String])
    case requestDecided(String, AccountRequest.Status)
    /// Only the requester marks a decision seen.
    case notYourRequest(String)
    /// An outbox message that is not in the state this outcome needs (sent already, withdrawn...).
    case mailIs(String, OutboxMessage.Status)
    /// An outbox message queued without its address or Message-ID.
    case mailIncomplete(String)

    // MARK: Users and permissions
    case badUserId(String)
    case unknownLanguage(String, choices: [String])
    case badLogin(String)
    case loginTaken(String, user: String, name: String)
    /// `user` still holds `accounts` as `heldAs` (collector or salesperson), which the new `role` cannot be.
    case holdsAccounts(user: String, heldAs: User.Role, accounts: [String], role: User.Role)
    case lastSupervisor(String)
    case notAUser(String, as: User.Role, users: [String])
    case wrongRole(String, is: User.Role, as: User.Role, candidates: [String])
    case refused(PermissionRefusal)
    case policyAuthor(author: String, logged: String)
    case readOnly(directory: String?)

    // MARK: Policy and reports
    case policy([PolicyIssue])
    case policyFile(source: String, Policy.Problem)
    case unknownReport(String, choices: [String])

    /// A message an edge module words itself (the workstation, the CLI, letter templates): never made in the domain.
    case said(String)

    /// What a refusal is about.
    public enum Entity: String, Equatable, Sendable {
        case customer, invoice, payment, promise, dispute, plan, decision, user, contact, request, mail
    }

    /// The thing a refusal concerns, for the edge to name it.
    public enum Subject: Equatable, Sendable {
        case record(Entity, String)
        case company, companySiren
        case creditLimit(customer: String)
        case issueDate(invoice: String), dueDate(invoice: String), lastDunned(invoice: String)
        case amount, disputedAmount, downPayment, promisedDate, nextAction, followUpDate, downPaymentDate, planPayment
        case creditNoteNumber, creditNoteDate, decisionReason, decisionDate, nextReview
        case invoiceLine(String)
        case creditToLetter
    }
}
