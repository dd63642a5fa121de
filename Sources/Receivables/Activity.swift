import Foundation

/// One entry of an account's history: a call, a letter, a note. Never deleted.
public struct Activity: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    /// When it was recorded (UTC, ISO-8601 with seconds).
    public var at: String
    public var date: CalendarDate
    public var user: String
    public var customerId: String
    public var invoices: [String]
    public var channel: Channel
    public var outcome: Outcome?
    public var contact: String?
    public var note: String
    public var nextActionDate: CalendarDate?
    /// The policy step this action carried out, when it came from the agenda.
    public var step: String?
    /// What it records, as codes and values (schema 8); nil for a plain call or note, and for older entries, whose
    /// `note` holds the sentence written then.
    public var event: ActivityEvent?

    public init(id: String, at: String, date: CalendarDate, user: String, customerId: String, invoices: [String] = [],
                channel: Channel, outcome: Outcome? = nil, contact: String? = nil, note: String = "",
                nextActionDate: CalendarDate? = nil, step: String? = nil, event: ActivityEvent? = nil) {
        self.id = id; self.at = at; self.date = date; self.user = user; self.customerId = customerId
        self.invoices = invoices; self.channel = channel; self.outcome = outcome; self.contact = contact
        self.note = note; self.nextActionDate = nextActionDate; self.step = step; self.event = event
    }

    public enum Channel: String, Codable, Sendable, CaseIterable {
        case phone, letter, email, sms, fax, visit, formalNotice = "formal-notice", injunction
        case litigationReview = "litigation-review", note, system
        public var isWritten: Bool { [.letter, .email, .sms, .fax, .formalNotice, .injunction].contains(self) }
    }

    /// What happened on a call, as seen in practice.
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case reached, noAnswer = "no-answer", leftMessage = "left-message", wrongNumber = "wrong-number"
        case promised, disputed, paymentInProgress = "payment-in-progress", paymentSent = "payment-sent"
        case invoiceNotReceived = "invoice-not-received", awaitingApproval = "awaiting-approval"
        /// The outcomes offered in the log-a-call form, in this order.
        public static let callForm: [Outcome] = [.reached, .noAnswer, .leftMessage, .wrongNumber, .promised, .disputed,
                                                 .paymentInProgress, .paymentSent, .invoiceNotReceived, .awaitingApproval]
    }
}

/// UTC timestamps for activities and journal entries.
public enum Timestamp {
    /// `2026-11-23T14:05:09Z`.
    public static func now(_ date: Date = Date()) -> String {
        // One formatter for the process: making one costs more than the save that stamps with it (a mail run
        // stamps two changes per e-mail).
        lock.lock(); defer { lock.unlock() }
        return formatter.string(from: date)
    }

    nonisolated(unsafe) private static let formatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f
    }()
    private static let lock = NSLock()
}

/// A new record id: a prefix, the time and a random part (unique across users saving at once).
public func newId(_ prefix: String) -> String {
    let t = Timestamp.now().filter(\.isNumber).dropFirst(2)
    return "\(prefix)-\(t)-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
}
