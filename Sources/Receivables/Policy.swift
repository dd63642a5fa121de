import Foundation
import RelanceResources

/// The dunning policy: which action is due on which item, when, and through which channel.
///
/// Data, not code: `Resources/policy/default-policy.json` holds the default; a store may hold its own (a record
/// of the store since schema 6, `StoredPolicy`). Every agenda line names the step that put it there.
public struct Policy: Codable, Sendable, Equatable {
    public var name: String
    /// Items at or above this amount are called; smaller ones get written reminders.
    public var largeItemThreshold: Money
    /// Days after a promised date (or instalment date) before a missing payment counts as broken.
    public var graceDays: Int
    public var criticalZoneDaysAfterIssue: DayRange
    /// Days overdue after which the `blocked` report suggests holding the customer's orders.
    public var blockOrdersAfterDaysOverdue: Int
    public var downPaymentPercent: PercentRange
    /// Older policies' single late-interest rate: no longer used (the rate changes each half-year; see
    /// `interestRates`). Kept so that a store's own policy.json keeps opening.
    public var lateInterestAnnualRatePercent: String?
    public var ecbRefinancingRatePercent: String?
    public var fixedRecoveryIndemnity: Money
    public var steps: [Step]
    /// How far ahead any date a person enters may be (promise, next action, follow-up); optional in a store's
    /// `policy.json` (default 12 months).
    public var futureDateHorizonMonths: Int?
    /// The longest payment plan, from its creation to its last instalment (default 36 months).
    public var paymentPlanMaxMonths: Int?

    /// Days at least between two written actions on one item (default 10): a level never follows the previous
    /// one the next day.
    public var minDaysBetweenLetters: Int?
    /// Large overdue items come back for a call every this many days after the last call (default 14).
    public var callEveryDays: Int?
    /// The legal late-interest rate by half-year (France: the ECB main refinancing rate in force on 1 January or
    /// 1 July, plus 10 points), kept by hand; see `LateInterest`.
    public var interestRates: [HalfYearRate]?
    /// The taux de l'intérêt légal by half-year (art. L313-2 du Code monétaire et financier), for professional
    /// creditors and for consumers, kept by hand like the ECB table (issue 17): the floor of a contractual rate
    /// (three times it, L441-10) and the rate a consumer owes after a formal notice.
    public var legalInterestRates: [LegalInterestRate]?

    public var futureHorizonMonths: Int { futureDateHorizonMonths ?? 12 }
    public var minLetterIntervalDays: Int { max(1, minDaysBetweenLetters ?? 10) }
    public var callIntervalDays: Int { max(1, callEveryDays ?? 14) }
    public var maxPlanMonths: Int { paymentPlanMaxMonths ?? 36 }
    /// The blocked report lists a customer for its items more than `blockOrdersAfterDaysOverdue` days late only when
    /// those items come to at least this amount (default 500,00 €)...
    public var blockMinAmount: Money?
    /// ...or to at least this share (percent) of its credit limit (default 10).
    public var blockMinShareOfLimitPercent: Int?
    public var blockAmount: Money { blockMinAmount ?? Money(cents: 50_000) }
    public var blockShareOfLimit: Int { blockMinShareOfLimitPercent ?? 10 }
    /// A promise below this share (percent) of the invoices it is for asks for confirmation (default 20).
    public var promiseMinSharePercent: Int?
    /// The provision for doubtful receivables, percent of the amount by age (issue 20); nil: `ProvisionPercent.standard`.
    public var provisionPercent: ProvisionPercent?
    public var provisions: ProvisionPercent { provisionPercent ?? .standard }
    public var promiseMinShare: Int { promiseMinSharePercent ?? 20 }
    /// Who e-mails are from (schema 12): the company profile's address (default), or the account's collector.
    public var mailFrom: MailSender?
    public var mailSender: MailSender { mailFrom ?? .company }
    public enum MailSender: String, Codable, Sendable { case company, collector }

    public struct DayRange: Codable, Sendable, Equatable { public var from: Int; public var to: Int }
    public struct PercentRange: Codable, Sendable, Equatable { public var min: Int; public var max: Int }

    /// One rule: "`days` after the item's `relativeTo` date, if its amount fits, act through `channel`".
    public struct Step: Codable, Sendable, Equatable, Identifiable {
        public var id: String
        /// A few words for narrow columns (the agenda's "why").
        public var short: String?
        public var label: String
        /// The step's words in French (schema 9): `short` and `label` above are the English ones. Each reader sees
        /// their language's, the English when a policy gives no French.
        public var fr: StepWords?
        public var relativeTo: Anchor
        /// Negative: before the anchor date.
        public var days: Int
        /// Repeats every N days after the first trigger (written reminders every 14 days).
        public var repeatEveryDays: Int?
        public var amount: AmountCondition?
        public var channel: Channel
        public var template: String
        public var escalates: Bool
        /// Whether this step's written reminders go by e-mail when the customer's accounts-payable contact has an
        /// address (schema 12). Absent: yes for letters and e-mails, no for formal notices (a registered letter).
        public var byEmail: Bool?

        /// `byEmail` with its default.
        public var allowsEmail: Bool {
            byEmail ?? (channel == .letter || channel == .email)
        }

        public enum Anchor: String, Codable, Sendable { case issue, due }
    }

    /// A step's words in one language.
    public struct StepWords: Codable, Sendable, Equatable {
        public var short: String?
        public var label: String
        public init(short: String?, label: String) { self.short = short; self.label = label }
    }

    /// The channel of a step; phone steps make calls, the others written actions.
    public enum Channel: String, Codable, Sendable, CaseIterable {
        case phone, letter, email, sms, formalNotice = "formal-notice", litigationReview = "litigation-review"
        public var isCall: Bool { self == .phone }
        public var activityChannel: Activity.Channel {
            switch self {
            case .phone: .phone; case .letter: .letter; case .email: .email; case .sms: .sms
            case .formalNotice: .formalNotice; case .litigationReview: .litigationReview
            }
        }
    }

    /// Amount bounds of a step; `"threshold"` stands for `largeItemThreshold`.
    public struct AmountCondition: Codable, Sendable, Equatable {
        public var min: String?
        public var below: String?
    }

    /// The taux de l'intérêt légal table in force: the policy's own, else the one shipped with Relance.
    public var legalInterestTable: [LegalInterestRate] { legalInterestRates ?? Policy.standard.legalInterestRates ?? [] }

    /// The taux de l'intérêt légal of `d`'s half-year, in basis points, for a professional creditor (or a consumer's
    /// claim); nil when the table lacks it.
    public func legalInterestBasisPoints(on d: CalendarDate, consumer: Bool = false) -> Int64? {
        let half = d.month <= 6 ? 1 : 2
        guard let e = legalInterestTable.last(where: { $0.year == d.year && $0.half == half }),
              let m = try? Money.parse(consumer ? e.consumerPercent : e.professionalPercent) else { return nil }
        return m.cents
    }

    /// The half-year table in force: the policy's own, else the one shipped with Relance.
    public var rateTable: [HalfYearRate] { interestRates ?? Policy.standard.interestRates ?? [] }

    func resolve(_ ref: String) -> Money? { Self.resolve(ref, threshold: largeItemThreshold) }

    static func resolve(_ ref: String, threshold: Money) -> Money? {
        ref == "threshold" ? threshold : Money.parseCanonical(ref)
    }

    /// Whether a step applies to an item of this amount.
    public func step(_ step: Step, appliesTo amount: Money) -> Bool {
        Self.step(step, appliesTo: amount, threshold: largeItemThreshold)
    }

    /// The same with the policy's large-item threshold at hand (`DunningSteps`: the policy not copied per item).
    static func step(_ step: Step, appliesTo amount: Money, threshold: Money) -> Bool {
        if let m = step.amount?.min, let v = resolve(m, threshold: threshold), amount < v { return false }
        if let b = step.amount?.below, let v = resolve(b, threshold: threshold), amount >= v { return false }
        return true
    }

    /// Checks what a hand-edited policy must satisfy; returns the problems found.
    public func problems() -> [PolicyIssue] {
        var out: [PolicyIssue] = []
        if let p = provisionPercent {
            for (name, v) in p.all where !(0...100).contains(v) { out.append(.outOfRange("provisionPercent." + name, 0...100, v)) }
        }
        if !largeItemThreshold.isPositive { out.append(.notPositive("largeItemThreshold")) }
        if downPaymentPercent.min > downPaymentPercent.max { out.append(.minAboveMax("downPaymentPercent")) }
        for r in interestRates ?? [] {
            if !(r.half == 1 || r.half == 2) { out.append(.badHalf("interestRates", r.half)) }
            if (try? Money.parse(r.ecbPercent)) == nil { out.append(.notANumber("interestRates \(r.year) H\(r.half): ecbPercent", r.ecbPercent)) }
        }
        var seen = Set<String>()
        for s in steps {
            if !seen.insert(s.id).inserted { out.append(.stepTwice(s.id)) }
            for ref in [s.amount?.min, s.amount?.below].compactMap({ $0 }) where resolve(ref) == nil {
                out.append(.badStepAmount(step: s.id, ref))
            }
        }
        return out + rangeProblems()
    }

    /// Decodes and checks a policy file strictly: an unknown (or misspelt) key is refused with its line, and so is
    /// a value out of range. The message starts with `source` (and the line).
    public static func load(_ data: Data, source: String) throws(DomainError) -> Policy {
        do { return try read(data) } catch { throw .policyFile(source: source, error) }
    }

    /// What is wrong with a policy's text, and where when known.
    public struct Problem: Error, Sendable, Equatable {
        public enum Kind: Equatable, Sendable {
            case duplicateKey(String)
            case unknownKey(String)
            /// Not the policy's JSON; the decoder's account of where (`describeDecodingError`).
            case undecodable(String)
            case invalid([PolicyIssue])
        }
        public var line: Int?
        public var kind: Kind
        public init(line: Int?, kind: Kind) { self.line = line; self.kind = kind }
    }

    /// `load` without the source: the problem with its line, for callers that name the file their own way.
    public static func read(_ data: Data) throws(Problem) -> Policy {
        // Unknown keys first: a misspelt key is named with its line, rather than as the known one missing.
        if let (key, line) = duplicateKey(in: data) {
            throw Problem(line: line, kind: .duplicateKey(key))
        }
        if let (key, line) = unknownKeys(in: data).first {
            throw Problem(line: line, kind: .unknownKey(key))
        }
        let p: Policy
        do { p = try JSONDecoder().decode(Policy.self, from: data) }
        catch { throw Problem(line: nil, kind: .undecodable(describeDecodingError(error, data: data))) }
        let problems = p.problems()
        guard problems.isEmpty else { throw Problem(line: nil, kind: .invalid(problems)) }
        return p
    }

    /// The policy shipped in `Resources/policy/default-policy.json`.
    public static let standard: Policy = {
        let source = ResourceFiles.path(folder: "policy", name: "default-policy.json")
        guard let data = ResourceFiles.data(folder: "policy", name: "default-policy.json") else {
            fatalError("Relance is installed without its resources: \(source) is missing")
        }
        do { return try load(data, source: source) } catch { fatalError("\(error)") }
    }()
}

/// The catalogue of reasons for non-payment (dispute codes).
public struct ReasonCatalogue: Sendable, Equatable {
    public struct Reason: Codable, Sendable, Equatable {
        public var code: String
        public var fr: String
        public var en: String
        public var owner: String
    }
    public var reasons: [Reason]
    public init(reasons: [Reason]) { self.reasons = reasons }

    public func reason(_ code: String) -> Reason? { reasons.first { $0.code == code } }

    /// The catalogue shipped in `Resources/catalogue/dispute-reasons.json`.
    public static let standard: ReasonCatalogue = {
        let source = ResourceFiles.path(folder: "catalogue", name: "dispute-reasons.json")
        guard let data = ResourceFiles.data(folder: "catalogue", name: "dispute-reasons.json"),
              let list = try? JSONDecoder().decode([Reason].self, from: data)
        else { fatalError("Relance is installed without a readable reason catalogue: \(source)") }
        return ReasonCatalogue(reasons: list)
    }()
}

/// A readable account of a JSON decoding failure: where (line and column, or coding path) and what.
public func describeDecodingError(_ error: Error, data: Data) -> String {
    switch error {
    case DecodingError.dataCorrupted(let c) where c.codingPath.isEmpty:
        return "not valid JSON" + jsonSyntaxPosition(data)
    case DecodingError.dataCorrupted(let c):
        return "\(path(c.codingPath)): \(c.debugDescription)"
    case DecodingError.keyNotFound(let key, let c):
        return "\(path(c.codingPath + [key])): missing"
    case DecodingError.typeMismatch(let type, let c):
        return "\(path(c.codingPath)): expected \(typeName(type)) — \(c.debugDescription)"
    case DecodingError.valueNotFound(let type, let c):
        return "\(path(c.codingPath)): expected \(typeName(type)), found null"
    default:
        return "\(error)"
    }
}

private func typeName(_ t: Any.Type) -> String {
    let s = String(describing: t)
    return s == "Int" || s == "Int64" ? "a whole number" : s == "String" ? "a string" : s == "Bool" ? "true or false" : s
}

private func path(_ keys: [CodingKey]) -> String {
    keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
}

/// JSONDecoder gives no position for syntax errors; JSONSerialization gives "around character N".
private func jsonSyntaxPosition(_ data: Data) -> String {
    do { _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]); return "" } catch {
        let text = (error as NSError).userInfo["NSDebugDescription"] as? String ?? ""
        guard let r = text.range(of: "character "), let offset = Int(text[r.upperBound...].prefix { $0.isNumber })
        else { return text.isEmpty ? "" : " (\(text))" }
        // The offset counts bytes of the UTF-8 input; line and column are counted on the decoded prefix.
        let prefix = String(decoding: data.prefix(offset), as: UTF8.self)
        let line = prefix.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        let column = prefix.count - (prefix.lastIndex(of: "\n").map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0) + 1
        return " at line \(line), column \(column)"
    }
}
