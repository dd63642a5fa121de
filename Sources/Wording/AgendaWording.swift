import Receivables

/// The agenda's reasons in words (issue 18: the domain returns values, the edge words them), in the reader's language
/// (issue 19). A policy step's label is the policy's own (policy data).
public enum AgendaWording {
    /// The reason's headline: the policy step's label, or the agenda's own words for promises, plans, disputes.
    public static func label(_ r: AgendaReason) -> String {
        if let label = Language.current == .fr ? r.stepFrench?.label ?? r.stepLabel : r.stepLabel {
            if case .call(_, _?, let every, _, _) = r.detail { return tr("{label} (again every {days} d)", ["label": label, "days": "\(every)"]) }
            return label
        }
        switch r.detail {
        case .promiseDue: return tr("Promise due")
        case .brokenPromise(let partly, _, _, _, _): return partly ? tr("Promise partly kept") : tr("Broken promise")
        case .instalmentDue: return tr("Instalment due")
        case .planDefaulted: return tr("Plan defaulted")
        case .disputeFollowUp: return tr("Dispute follow-up")
        case .followUp: return tr("Scheduled follow-up")
        case .fieldReport: return tr("News from the field")
        case .onAccountCredit: return tr("On-account credit to letter")
        case .call, .written, .litigationReview: return r.step
        }
    }

    /// A few words for narrow columns.
    public static func short(_ r: AgendaReason) -> String {
        if let short = Language.current == .fr ? r.stepFrench.map { $0.short ?? $0.label } ?? r.stepShort : r.stepShort { return short }
        if case .onAccountCredit = r.detail { return tr("Letter credit") }
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
            return tr("promised {amount} for {date}, {received} received so far; broken after {brokenAfter}",
                      ["amount": amount.formatted, "date": day.french, "received": received.formatted, "brokenAfter": brokenAfter.french])
        case .brokenPromise(_, let amount, let day, let grace, let received):
            return tr("promised {amount} for {date} (grace to {grace}), received {received}",
                      ["amount": amount.formatted, "date": day.french, "grace": grace.french, "received": received.formatted])
        case .instalmentDue(let total, let amount, let due, let paid):
            return tr("plan of {total}: {amount} due {date}, {paid} paid",
                      ["total": total.formatted, "amount": amount.formatted, "date": due.french, "paid": paid.formatted])
        case .planDefaulted(let total, let made):
            return tr("the plan of {total} made {date} missed an instalment; its items are back in dunning", ["total": total.formatted, "date": made.french])
        case .disputeFollowUp(let code, let amount, let age, let owner):
            return trn("{code} ({reason}), {amount}, {count} day old, owner {owner}", "{code} ({reason}), {amount}, {count} days old, owner {owner}",
                       count: age, ["code": code, "reason": ActivityWording.reasonName(code, book), "amount": amount.formatted, "owner": owner])
        case .followUp(let a):
            // The entry's words (a call saved without a note says its outcome).
            let said = ActivityWording.text(a, book: book)
            return tr("next action set on {date} by {user}: ", ["date": a.date.french, "user": a.user])
                + String((said.isEmpty ? a.outcome?.label ?? a.channel.label : said).prefix(60))
        case .fieldReport(let a):
            return tr("{user} on {date}: ", ["date": a.date.french, "user": book.users[a.user]?.name ?? a.user]) + String(ActivityWording.text(a, book: book).prefix(60))
        case .call(let items, let last, let every, let days, let from):
            return trn("{count} item, ", "{count} items, ", count: items)
                + (last.map { tr("last call {date}, every {days} days until settled", ["date": $0.french, "days": "\(every)"]) }
                   ?? (from == .due ? tr("step triggers {days} days from the due date", ["days": (days >= 0 ? "+" : "") + "\(days)"])
                                    : tr("step triggers {days} days from the issue date", ["days": (days >= 0 ? "+" : "") + "\(days)"])))
        case .onAccountCredit(let amount):
            return tr("{amount} received without a matching invoice: letter it before calling or writing", ["amount": amount.formatted])
        case .written(let level, let items):
            return level == 0 ? trn("level {level}: {count} item not yet due", "level {level}: {count} items not yet due", count: items, ["level": "\(level)"])
                              : trn("level {level}: {count} item", "level {level}: {count} items", count: items, ["level": "\(level)"])
        case .litigationReview(let items):
            return trn("{count} item at the top of the ladder: decide (agency, injunction, legal, write-off, amicable)",
                       "{count} items at the top of the ladder: decide (agency, injunction, legal, write-off, amicable)", count: items)
        }
    }
}

/// How a customer pays, in words: "pays 12 d late (trend +5 d), 3 unpaid late", for the account header.
public enum PayerProfileWording {
    public static func summary(_ p: PayerProfile) -> String {
        let avg = p.averageDaysLate > 0 ? tr("pays {days} d late", ["days": "\(p.averageDaysLate)"])
            : p.averageDaysLate < 0 ? tr("pays {days} d early", ["days": "\(-p.averageDaysLate)"]) : tr("pays on time")
        return avg + (p.trend.map { $0 == 0 ? "" : tr(" (trend {days} d)", ["days": ($0 > 0 ? "+" : "") + "\($0)"]) } ?? "")
            + (p.unpaidOverdue > 0 ? trn(", {count} unpaid late", ", {count} unpaid late", count: p.unpaidOverdue) : "")
    }
}

extension Policy.Step {
    /// The step's few words in the reader's language (the policy's French when it gives them).
    public var shortLabel: String {
        Language.current == .fr ? fr.map { $0.short ?? $0.label } ?? short ?? label : short ?? label
    }
}
