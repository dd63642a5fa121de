import Receivables

extension OutboxMessage.Status {
    /// The outbox's words for where a message stands.
    public var label: String {
        switch self {
        case .queued: tr("queued", context: "mail status")
        case .sent: tr("sent", context: "mail status")
        case .failed: tr("failed", context: "mail status")
        case .withdrawn: tr("withdrawn", context: "mail status")
        }
    }
}

extension OutboxMessage {
    /// Why it failed (the mail system's own words) or why it was withdrawn, for the reader.
    public var reasonText: String? {
        guard let reason else { return nil }
        guard status == .withdrawn else { return reason }
        switch reason {
        case Withdrawal.noLongerDue: return tr("no longer due")
        case Withdrawal.byLetter: return tr("now by letter")
        case Withdrawal.changed: return tr("the reminder changed")
        default:
            if reason.hasPrefix("replaced:") { return tr("replaced by {id}", ["id": String(reason.dropFirst("replaced:".count))]) }
            return reason
        }
    }
}
