/// The outbox (schema 12, issue 22): every e-mail Relance hands to the company's mail system, with where it stands.
///
/// A message is recorded `queued` under the store's lock before it is handed off, and `sent` (with the reminder's
/// activities, in the same save) or `failed` (with the mail system's reason) right after. A run killed between the
/// hand-off and the record leaves it `queued`: the next run hands it off again under the same `Message-ID`, so the
/// customer receives it at most twice and can tell the copy for what it is. A failed one is retried by the next
/// run while the customer's reminder is still the same; one no longer due (paid, now a letter, replaced by another
/// reminder) is `withdrawn`.
public struct OutboxMessage: Codable, Sendable, Equatable, Identifiable {
    public enum Kind: String, Codable, Sendable { case reminder, statement }
    public enum Status: String, Codable, Sendable, CaseIterable { case queued, sent, failed, withdrawn }

    /// `2026-11-23-C0042` (the day it was first queued and the customer; `-2`... for a second one that day).
    public var id: String
    public var customerId: String
    public var kind: Kind
    /// The `Message-ID` header's value (`<relance.…@domain>`): the same on every attempt.
    public var messageId: String
    public var to: String
    public var subject: String
    /// The reminder's steps and items, recorded in the history when it is sent (empty for a statement).
    public var reminders: [Reminder]
    /// The day of the run that first queued it (the reminders' date).
    public var date: CalendarDate
    public var createdBy: String
    public var status: Status
    /// Hand-offs tried so far.
    public var attempts: Int
    /// When the last hand-off started, and who started it (`user`, and the process: `host:pid:start`, so that a live
    /// run's message is never handed off again by another run).
    public var lastAttemptAt: String?
    public var claim: String?
    /// The mail system's words for a failure, or why a message was withdrawn.
    public var reason: String?
    public var sentAt: String?

    public struct Reminder: Codable, Sendable, Equatable {
        public var step: String
        public var invoices: [String]
        public init(step: String, invoices: [String]) { self.step = step; self.invoices = invoices }
    }

    public init(id: String, customerId: String, kind: Kind, messageId: String, to: String, subject: String, reminders: [Reminder],
                date: CalendarDate, createdBy: String, status: Status = .queued, attempts: Int = 0) {
        self.id = id; self.customerId = customerId; self.kind = kind; self.messageId = messageId; self.to = to
        self.subject = subject; self.reminders = reminders; self.date = date; self.createdBy = createdBy
        self.status = status; self.attempts = attempts
    }

    /// Why a message was withdrawn, as stored codes (the edge words them: `OutboxMessage.reasonText`).
    public enum Withdrawal {
        public static let noLongerDue = "no-longer-due"
        public static let byLetter = "by-letter"
        public static let changed = "changed"
        public static func replaced(by id: String) -> String { "replaced:" + id }
    }

    /// Queued or failed: still to be handed off.
    public var isPending: Bool { status == .queued || status == .failed }
}

/// What happened to one hand-off.
public enum MailOutcome: Codable, Sendable, Equatable {
    /// Handed off for the `attempt`-th time (under the lock, before the hand-off).
    case handingOff(at: String, claim: String)
    case sent(at: String)
    case failed(at: String, reason: String)
    case withdrawn(reason: String)
}

extension Book {
    /// A customer's outbox, oldest first.
    public func outbox(of customerId: String) -> [OutboxMessage] {
        (outboxByCustomer[customerId] ?? []).compactMap { outbox[$0] }
    }

    /// Messages still to be handed off (queued or failed), in the order they were first queued.
    public var pendingMail: [OutboxMessage] {
        customerOrder.flatMap { outbox(of: $0).filter(\.isPending) }
    }

    /// A new message's id: the day and the customer, with a counter when that day already has one.
    public func newOutboxId(date: CalendarDate, customerId: String, kind: OutboxMessage.Kind = .reminder) -> String {
        let base = (kind == .statement ? "statement-" : "") + "\(date.iso)-\(customerId)"
        var id = base, k = 2
        while outbox[id] != nil { id = base + "-\(k)"; k += 1 }
        return id
    }

    mutating func apply(queueMail m: OutboxMessage) throws(DomainError) {
        guard customers[m.customerId] != nil else { throw .unknown(.customer, m.customerId) }
        guard outbox[m.id] == nil else { throw .alreadyRecorded(.mail, m.id) }
        guard m.status == .queued, !m.to.isEmpty, !m.messageId.isEmpty else { throw .mailIncomplete(m.id) }
        for r in m.reminders { for n in r.invoices where invoices[n] == nil { throw .unknown(.invoice, n) } }
        setOutbox(m)
    }

    mutating func apply(mailOutcome outcome: MailOutcome, id: String) throws(DomainError) {
        setOutbox(try message(id, after: outcome))
    }

    /// The outbox message `id` once `outcome` is applied, or the refusal (the book is not changed).
    func message(_ id: String, after outcome: MailOutcome) throws(DomainError) -> OutboxMessage {
        guard var m = outbox[id] else { throw .unknown(.mail, id) }
        switch outcome {
        case .handingOff(let at, let claim):
            guard m.isPending else { throw .mailIs(id, m.status) }
            m.status = .queued; m.attempts += 1; m.lastAttemptAt = at; m.claim = claim
        case .sent(let at):
            guard m.status == .queued else { throw .mailIs(id, m.status) }
            m.status = .sent; m.sentAt = at; m.reason = nil; m.claim = nil
        case .failed(let at, let reason):
            guard m.status == .queued else { throw .mailIs(id, m.status) }
            m.status = .failed; m.reason = reason; m.lastAttemptAt = at; m.claim = nil
        case .withdrawn(let reason):
            guard m.isPending else { throw .mailIs(id, m.status) }
            m.status = .withdrawn; m.reason = reason; m.claim = nil
        }
        return m
    }
}
