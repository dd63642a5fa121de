import Foundation

/// What a policy file must be to be taken (issue 15): every key known, every value in its range. Read leniently, a
/// misspelt key was dropped without a word (`"a~ount"` removed the preventive call's minimum: 85 calls became 120),
/// and 22 of 100 byte flips were accepted.
extension Policy {
    /// The keys each object of a policy may hold.
    static let knownKeys: [String: Set<String>] = [
        "": ["name", "largeItemThreshold", "graceDays", "criticalZoneDaysAfterIssue", "blockOrdersAfterDaysOverdue",
             "downPaymentPercent", "lateInterestAnnualRatePercent", "ecbRefinancingRatePercent", "fixedRecoveryIndemnity",
             "steps", "futureDateHorizonMonths", "paymentPlanMaxMonths", "minDaysBetweenLetters", "callEveryDays", "interestRates",
             "promiseMinSharePercent", "blockMinAmount", "blockMinShareOfLimitPercent", "legalInterestRates", "provisionPercent", "mailFrom"],
        "provisionPercent": ["notDue", "upTo90Days", "upTo180Days", "upTo360Days", "over360Days", "litigation"],
        "legalInterestRates": ["year", "half", "professionalPercent", "consumerPercent"],
        "criticalZoneDaysAfterIssue": ["from", "to"],
        "downPaymentPercent": ["min", "max"],
        "steps": ["id", "short", "label", "fr", "relativeTo", "days", "repeatEveryDays", "amount", "channel", "template", "escalates", "byEmail"],
        "steps.fr": ["short", "label"],
        "steps.amount": ["min", "below"],
        "interestRates": ["year", "half", "ecbPercent"],
    ]

    /// Unknown keys in a policy's JSON, each with its line in `data` (nil when `data` is not a JSON object).
    static func unknownKeys(in data: Data) -> [(key: String, line: Int)] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        var out: [(String, Int)] = []
        func check(_ object: [String: Any], _ shape: String, _ shown: String) {
            let known = knownKeys[shape] ?? []
            for (key, value) in object {
                let path = shown.isEmpty ? key : shown + "." + key
                guard known.contains(key) else { out.append((path, line(of: key, in: text))); continue }
                let inner = shape.isEmpty ? key : shape + "." + key
                if let o = value as? [String: Any] { check(o, inner, path) }
                if let a = value as? [Any] {
                    for (i, x) in a.enumerated() { if let o = x as? [String: Any] { check(o, inner, path + "[\(i)]") } }
                }
            }
        }
        check(root, "", "")
        return out.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
    }

    /// A key given twice in one object, with the line of the second (JSON readers keep one of them without a word:
    /// `"graceDays": 999` after `"graceDays": 3` was silently ignored).
    static func duplicateKey(in data: Data) -> (key: String, line: Int)? {
        let bytes = [UInt8](data)
        var stack: [Set<String>] = []
        var line = 1, i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 10 { line += 1 }
            if b == UInt8(ascii: "{") { stack.append([]) }
            else if b == UInt8(ascii: "}") { if !stack.isEmpty { stack.removeLast() } }
            else if b == UInt8(ascii: "\"") {
                var j = i + 1, raw: [UInt8] = []
                while j < bytes.count, bytes[j] != UInt8(ascii: "\"") {
                    if bytes[j] == UInt8(ascii: "\\"), j + 1 < bytes.count { raw.append(bytes[j]); j += 1 }
                    raw.append(bytes[j]); j += 1
                }
                var k = j + 1
                while k < bytes.count, bytes[k] == 32 || bytes[k] == 9 || bytes[k] == 10 || bytes[k] == 13 { k += 1 }
                if k < bytes.count, bytes[k] == UInt8(ascii: ":"), !stack.isEmpty {
                    // The key as JSON reads it: "grace\u0044ays" is graceDays.
                    let text = String(decoding: raw, as: UTF8.self)
                    let key = (try? JSONSerialization.jsonObject(with: Data(("\"" + text + "\"").utf8), options: .fragmentsAllowed)) as? String ?? text
                    if !stack[stack.count - 1].insert(key).inserted { return (key, line) }
                }
                line += raw.reduce(0) { $1 == 10 ? $0 + 1 : $0 }
                i = j
            }
            i += 1
        }
        return nil
    }

    /// The line where `"key"` first stands as a key (followed by `:`).
    private static func line(of key: String, in text: String) -> Int {
        let quoted = "\"" + key + "\""
        var search = text.startIndex..<text.endIndex
        while let r = text.range(of: quoted, range: search) {
            let after = text[r.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            if after.first == ":" { return text[..<r.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 } }
            search = r.upperBound..<text.endIndex
        }
        return 1
    }

    /// Values outside what a collection team could mean (a typo, a flipped byte): refused rather than followed.
    func rangeProblems() -> [PolicyIssue] {
        var out: [PolicyIssue] = []
        func within(_ v: Int?, _ r: ClosedRange<Int>, _ key: String) {
            if let v, !r.contains(v) { out.append(.outOfRange(key, r, v)) }
        }
        within(graceDays, 0...90, "graceDays")
        within(blockOrdersAfterDaysOverdue, 0...3650, "blockOrdersAfterDaysOverdue")
        within(criticalZoneDaysAfterIssue.from, 0...3650, "criticalZoneDaysAfterIssue.from")
        within(criticalZoneDaysAfterIssue.to, 0...3650, "criticalZoneDaysAfterIssue.to")
        if criticalZoneDaysAfterIssue.from > criticalZoneDaysAfterIssue.to { out.append(.fromAfterTo("criticalZoneDaysAfterIssue")) }
        within(downPaymentPercent.min, 0...100, "downPaymentPercent.min")
        within(downPaymentPercent.max, 0...100, "downPaymentPercent.max")
        within(futureDateHorizonMonths, 1...120, "futureDateHorizonMonths")
        within(paymentPlanMaxMonths, 1...120, "paymentPlanMaxMonths")
        within(minDaysBetweenLetters, 1...365, "minDaysBetweenLetters")
        within(callEveryDays, 1...365, "callEveryDays")
        within(promiseMinSharePercent, 0...100, "promiseMinSharePercent")
        within(blockMinShareOfLimitPercent, 0...100, "blockMinShareOfLimitPercent")
        if let m = blockMinAmount, m.isNegative || !m.isWithinLimit { out.append(.notAnAmount("blockMinAmount")) }
        if !largeItemThreshold.isWithinLimit { out.append(.aboveLimit("largeItemThreshold")) }
        if fixedRecoveryIndemnity.isNegative || !fixedRecoveryIndemnity.isWithinLimit { out.append(.notAnAmount("fixedRecoveryIndemnity")) }
        if steps.isEmpty { out.append(.noSteps) }
        if steps.count > 50 { out.append(.tooManySteps(steps.count)) }
        if name.count > 200 { out.append(.nameTooLong) }
        for s in steps where s.label.count > 200 || (s.short?.count ?? 0) > 40 || s.id.count > 60
            || (s.fr?.label.count ?? 0) > 200 || (s.fr?.short?.count ?? 0) > 40 {
            out.append(.stepTextTooLong(String(s.id.prefix(60))))
        }
        for s in steps {
            within(s.days, -365...3650, "steps[\(s.id)].days")
            within(s.repeatEveryDays, 1...365, "steps[\(s.id)].repeatEveryDays")
            // The template name becomes a file name in the templates folder: a plain name, never a path.
            if s.template.isEmpty || !s.template.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }) {
                out.append(.badTemplate(step: s.id, template: s.template))
            }
            if s.id.isEmpty { out.append(.stepWithoutId) }
        }
        for r in interestRates ?? [] { within(r.year, 1900...2199, "interestRates.year") }
        for r in legalInterestRates ?? [] {
            within(r.year, 1900...2199, "legalInterestRates.year")
            if !(r.half == 1 || r.half == 2) { out.append(.badHalf("legalInterestRates", r.half)) }
            for (what, v) in [("professionalPercent", r.professionalPercent), ("consumerPercent", r.consumerPercent)] {
                if (try? Money.parse(v)).map({ $0.isNegative || $0.cents > 100_00 }) ?? true {
                    out.append(.notAPercentage("legalInterestRates \(r.year) H\(r.half): \(what)", v))
                }
            }
        }
        return out
    }
}

/// What is wrong with a policy's values, as values (worded at the edge). Keys are the policy file's own
/// identifiers (`graceDays`, `steps[call].days`): they are what a supervisor edits, in every language.
public enum PolicyIssue: Equatable, Sendable {
    case notPositive(String)
    case minAboveMax(String)
    case fromAfterTo(String)
    case outOfRange(String, ClosedRange<Int>, Int)
    case badHalf(String, Int)
    case notANumber(String, String)
    case notAPercentage(String, String)
    case notAnAmount(String)
    case aboveLimit(String)
    case stepTwice(String)
    case badStepAmount(step: String, String)
    case noSteps
    case tooManySteps(Int)
    case nameTooLong
    case stepTextTooLong(String)
    case badTemplate(step: String, template: String)
    case stepWithoutId
}
