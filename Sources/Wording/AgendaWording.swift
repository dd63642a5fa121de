import Receivables

/// The agenda's reasons in words (issue 18: the domain returns values, the edge words them). English for now; the
/// catalogue issue words the same values in French. A policy step's label is the policy's own (policy data).
public enum AgendaWording {
    /// The reason's headline: the policy step's label, or the agenda's own words for promises, plans, disputes.
    public static func label(_ r: AgendaReason) -> String {
        if let label = r.stepLabel {
            if case .call(_, _?, let every, _, _) = r.detail { return "\(label) (again every \(every) d)" }
            return label
        }
        switch r.detail {
        case .promiseDue: return "Promise due"
        case .brokenPromise(let partly, _, _, _, _): return partly ? "Promise partly kept" : "Broken promise"
        case .instalmentDue: return "Instalment due"
        case .planDefaulted: return "Plan defaulted"
        case .disputeFollowUp: return "Dispute follow-up"
        case .followUp: return "Scheduled follow-up"
        case .onAccountCredit: return "On-account credit to letter"
        case .call, .written, .litigationReview: return r.step
        }
    }

    /// A few words for narrow columns.
    public static func short(_ r: AgendaReason) -> String {
        if let short = r.stepShort { return short }
        if case .onAccountCredit = r.detail { return "Letter credit" }
        return label(r)
    }

    /// The headline reasons, for the agenda's "why" column of `relance agenda`.
    public static func why(_ line: AgendaLine) -> String { line.reasons.map(short).joined(separator: " + ") }

    /// The first reason and how many more, for narrow columns: "Broken promise +2".
    public static func whyShort(_ line: AgendaLine) -> String {
        (line.reasons.first.map(short) ?? "") + (line.reasons.count > 1 ? " +\(line.reasons.count - 1)" : "")
    }

    /// The reason's figures in a sentence.
    public static func detail(_ r: AgendaReason, book: Book) -> String {
        switch r.detail {
        case .promiseDue(let amount, let day, let received, let brokenAfter):
            return "promised \(amount.formatted) for \(day.french), \(received.formatted) received so far; broken after \(brokenAfter.french)"
        case .brokenPromise(_, let amount, let day, let grace, let received):
            return "promised \(amount.formatted) for \(day.french) (grace to \(grace.french)), received \(received.formatted)"
        case .instalmentDue(let total, let amount, let due, let paid):
            return "plan of \(total.formatted): \(amount.formatted) due \(due.french), \(paid.formatted) paid"
        case .planDefaulted(let total, let made):
            return "the plan of \(total.formatted) made \(made.french) missed an instalment; its items are back in dunning"
        case .disputeFollowUp(let code, let amount, let age, let owner):
            return "\(code) (\(book.reasons.reason(code)?.en ?? code)), \(amount.formatted), \(age) days old, owner \(owner)"
        case .followUp(let a):
            // The entry's words (a call saved without a note says its outcome).
            let said = ActivityWording.text(a, book: book)
            return "next action set on \(a.date.french) by \(a.user): " + String((said.isEmpty ? a.outcome?.label ?? a.channel.label : said).prefix(60))
        case .call(let items, let last, let every, let days, let from):
            return "\(items) item(s), " + (last.map { "last call \($0.french), every \(every) days until settled" }
                ?? "step triggers \(days >= 0 ? "+" : "")\(days) days from \(from.rawValue) date")
        case .onAccountCredit(let amount):
            return "\(amount.formatted) received without a matching invoice: letter it before calling or writing"
        case .written(let level, let items):
            return "level \(level): \(items) item(s)" + (level == 0 ? " not yet due" : "")
        case .litigationReview(let items):
            return "\(items) item(s) at the top of the ladder: decide (agency, injunction, legal, write-off, amicable)"
        }
    }
}

/// How a customer pays, in words: "pays 12 d late (trend +5 d), 3 unpaid late", for the account header.
public enum PayerProfileWording {
    public static func summary(_ p: PayerProfile) -> String {
        let avg = p.averageDaysLate > 0 ? "pays \(p.averageDaysLate) d late" : p.averageDaysLate < 0 ? "pays \(-p.averageDaysLate) d early" : "pays on time"
        return avg + (p.trend.map { $0 == 0 ? "" : " (trend \($0 > 0 ? "+" : "")\($0) d)" } ?? "")
            + (p.unpaidOverdue > 0 ? ", \(p.unpaidOverdue) unpaid late" : "")
    }
}
