#if canImport(Glibc)
import Glibc
#endif
import TextSafety
import Foundation
import UserRights
import Mustache
import Receivables
import RelanceResources
import Wording

/// The day's letters: one per customer (issue 10), listing every item due for a written action at its own level,
/// under the template of the highest level, in the customer's language.
///
/// Templates are Mustache (`Resources/templates/<template>.<fr|en>.mustache`, or a folder given with
/// `letters --templates DIR`): every word of a letter is in its template, the code only supplies values
/// (docs/LETTERS.md lists them). The rendered letter is neutralised line by line (control characters shown as
/// placeholders): values from the store, however a template inserts them (`{{x}}` or `{{{x}}}`), and the template's
/// own text alike, never reach the file raw.
public enum LetterWriter {
    public struct Letter: Equatable, Sendable {
        /// `2026-11-23-C0042.txt`
        public var fileName: String
        public var text: String
        public var line: AgendaLine
        public var language: String
        /// The step whose template was used (the highest level's).
        public var step: String
        /// Each item and its written level after this letter (0: before its due date).
        public var items: [(number: String, level: Int)]

        public static func == (a: Letter, b: Letter) -> Bool {
            a.fileName == b.fileName && a.text == b.text && a.line == b.line && a.language == b.language && a.step == b.step
                && a.items.map(\.number) == b.items.map(\.number) && a.items.map(\.level) == b.items.map(\.level)
        }

        /// The activities recording this letter as sent: one per step (so each item's level follows its own step),
        /// each with its step's channel (a first reminder inside a formal notice is recorded as a letter).
        public func activities(user: String, date: CalendarDate, at stamp: String, policy: Policy) -> [Activity] {
            line.sentActivities(user: user, date: date, at: stamp, policy: policy, file: fileName)
        }
    }

    /// Where templates come from: a name like `formal-notice.en` gives the template's text, nil when there is
    /// none, or the refusal of one that is there but cannot be read.
    public typealias TemplateSource = (String) throws(DomainError) -> String?

    public static func letters(for agenda: Agenda, book: Book, template: TemplateSource = bundledTemplate,
                               limits: TemplateLimits = .standard) throws(DomainError) -> [Letter] {
        try letters(for: agenda.written, date: agenda.date, book: book, template: template, limits: limits)
    }

    /// The letters of some written agenda lines at `date` (a long command renders again, outside the lock, the few
    /// whose accounts changed while it ran). Each template is checked and parsed once; the letters are rendered on
    /// every core (rendering is most of a run's time: 5,000 letters, issue 23), then named in the lines' order.
    public static func letters(for lines: [AgendaLine], date: CalendarDate, book: Book, template: TemplateSource = bundledTemplate,
                               limits: TemplateLimits = .standard) throws(DomainError) -> [Letter] {
        struct Job { let line: AgendaLine; let customer: Customer; let step: Policy.Step; let language: String; let name: String }
        var jobs: [Job] = []
        var compiled: [String: MustacheTemplate] = [:]
        // A litigation review is an internal decision, not a letter to the customer.
        for line in lines where line.kind == .written && line.channel != .litigationReview {
            guard let customer = book.customers[line.customerId], let top = line.reasons.first,
                  let step = book.policy.steps.first(where: { $0.id == top.step }) else { continue }
            let language = customer.letterLanguage
            let name = "\(step.template).\(language)"
            if compiled[name] == nil { compiled[name] = try compile(name, source: template, limits: limits) }
            jobs.append(Job(line: line, customer: customer, step: step, language: language, name: name))
        }
        var rendered = [Result<String, DomainError>](repeating: .success(""), count: jobs.count)
        let chunks = jobs.count >= 64 ? min(8, max(1, ProcessInfo.processInfo.activeProcessorCount * 2)) : 1
        rendered.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            let templates = compiled, jobs = jobs
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for k in stride(from: chunk, to: jobs.count, by: chunks) {
                    out[k] = render(jobs[k].line, customer: jobs[k].customer, step: jobs[k].step, language: jobs[k].language,
                                    name: jobs[k].name, template: templates[jobs[k].name]!, book: book, date: date, limits: limits)
                }
            }
        }
        var out: [Letter] = []
        out.reserveCapacity(jobs.count)
        var names = Set<String>()
        for (job, result) in zip(jobs, rendered) {
            let text = try result.get()
            let customer = job.customer, line = job.line
            // Each item's level once the letter is recorded (as `Book.recordDunning` will set it).
            let items = line.reasons.flatMap { r in
                r.invoices.map { n in (number: n, level: max(book.dunningSteps.level(ofStep: r.step), book.invoices[n]?.level ?? 0)) }
            }
            // Ids that read the same once made safe for a file name ("X/1", "X_1") get a suffix of their own.
            var file = "\(date.iso)-\(fileNamePart(customer.id))"
            if fileNamePart(customer.id) != customer.id || names.contains(file.lowercased()) { file += "-" + shortHash(customer.id) }
            // Still taken (a planted id, a hash collision, or a case-insensitive disk): a counter, checked again.
            var unique = file, k = 2
            while names.contains(unique.lowercased()) { unique = file + "-\(k)"; k += 1 }
            file = unique
            names.insert(file.lowercased())
            out.append(Letter(fileName: file + ".txt", text: text, line: line, language: job.language, step: job.step.id, items: items))
        }
        return out
    }

    /// One letter's text, made safe to print (control characters shown, never sent to the printer), or why not.
    private static func render(_ line: AgendaLine, customer: Customer, step: Policy.Step, language: String, name: String,
                               template: MustacheTemplate, book: Book, date: CalendarDate, limits: TemplateLimits) -> Result<String, DomainError> {
        let budget = RenderBudget(seconds: limits.seconds)
        let values = context(line: line, customer: customer, step: step, book: book, date: date, language: language, budget: budget)
        let rendered = template.render(values)
        if budget.exceeded {
            return .failure(.said(tr("template {name}.mustache: rendering the letter to {id} took more than {seconds} s (sections repeated inside each other?); letters not written", ["name": "\(name)", "id": "\(customer.id)", "seconds": limits.secondsText])))
        }
        if rendered.utf8.count > limits.bytes {
            return .failure(.said(tr("template {name}.mustache: the letter to {id} is over {limit} MB ({bytes} bytes); letters not written", ["name": "\(name)", "id": "\(customer.id)", "limit": "\(limits.bytes / 1_000_000)", "bytes": "\(rendered.utf8.count)"])))
        }
        var text = Safe.lines(rendered)
        if !text.hasSuffix("\n") { text += "\n" }
        return .success(text)
    }

    /// A template checked (nesting) and parsed, or the refusal naming it.
    static func compile(_ name: String, source: TemplateSource, limits: TemplateLimits) throws(DomainError) -> MustacheTemplate {
        guard let raw = try source(name) else {
            throw DomainError.said(tr("no template {name}.mustache in Resources/templates (nor in the --templates folder)", ["name": "\(name)"]))
        }
        // A template saved on Windows (CR LF) reads as one saved on Linux: Swift takes "\r\n" for one character, and
        // an e-mail template's first line (its subject) swallowed the whole message (an outside audit).
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        // The template parser recurses once per nested section: 5,000 of them overflowed its stack (exit 139).
        if let (depth, line) = TemplateNesting.deepest(text), depth > limits.depth {
            throw DomainError.said(tr("template {name}.mustache:{line}: sections nested {depth} deep; at most {limit}", ["name": "\(name)", "line": "\(line)", "depth": "\(depth)", "limit": "\(limits.depth)"]))
        }
        // Plain text: no HTML escaping of the values (the pragma on its own line leaves no blank line).
        do { return try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}\n" + text) }
        catch let e as MustacheTemplate.ParserError {
            // The line counted without the content-type line put first; the library's error named in words.
            throw DomainError.said(tr("template {name}.mustache:{line}:{column}: {problem}; letters not written", ["name": "\(name)", "line": "\(max(1, e.context.lineNumber - 1))", "column": "\(e.context.columnNumber)", "problem": Self.words(e.error)]))
        } catch { throw DomainError.said(tr("template {name}.mustache: cannot be read as a template; letters not written", ["name": "\(name)"])) }
    }

    /// The values a template sees (docs/LETTERS.md).
    static func context(line: AgendaLine, customer: Customer, step: Policy.Step, book: Book, date: CalendarDate, language: String,
                        budget: RenderBudget = RenderBudget(seconds: TemplateLimits.standard.seconds)) -> [String: Any] {
        func list(_ elements: [Any]) -> BudgetedList { BudgetedList(elements: elements, budget: budget) }
        func money(_ m: Money) -> String { m.formatted(language: language) }
        func day(_ d: CalendarDate) -> String { d.formatted(language: language) }
        let topLevel = book.dunningSteps.level(ofStep: step.id)
        let formal = step.channel == .formalNotice
        // An item promised in part: the letter claims its rest and says what was promised (issue 16).
        let promised = book.promisedParts(of: customer.id, asOf: date)
        let held = book.heldInvoices(of: customer.id, asOf: date, promised: promised)
        func claimed(_ n: String) -> Money { book.openAmount(n) - (promised[n] ?? .zero) }
        func item(_ n: String, level: Int) -> [String: Any]? {
            guard let inv = book.invoices[n] else { return nil }
            let late = max(0, inv.dueDate.days(until: date))
            let part = promised[n] ?? .zero
            return ["number": inv.number, "issue_date": day(inv.issueDate), "due_date": day(inv.dueDate), "open": money(book.openAmount(n)),
                    "promised": money(part), "claimed": money(claimed(n)), "has_promised": part.isPositive,
                    "days_late": late, "is_late": late > 0, "one_day": late == 1, "level": level, "po": inv.poNumber ?? "", "has_po": inv.poNumber != nil]
        }
        // A formal notice demands the items at its level and lists the other overdue ones as also outstanding; any
        // other letter asks for its overdue items. Items not yet due (a courtesy step) are listed apart as upcoming,
        // except in a courtesy letter, which is about them.
        var demanded: [(String, Int)] = [], others: [(String, Int)] = [], upcoming: [(String, Int)] = []
        for r in line.reasons {
            let level = book.dunningSteps.level(ofStep: r.step)
            for n in r.invoices.sorted(by: { book.openAmount($0) > book.openAmount($1) }) {
                let due = book.invoices[n]?.dueDate ?? date
                if topLevel > 0 && due >= date { upcoming.append((n, level)) }
                else if !formal || level == topLevel { demanded.append((n, level)) }
                else { others.append((n, level)) }
            }
        }
        // Every other overdue item of the customer still in amicable follow-up is recalled too, so a letter never
        // looks like the whole debt when it is not (items not due for a letter today, at any level).
        let inLetter = Set(line.reasons.flatMap(\.invoices))
        for inv in book.openInvoices(of: customer.id).sorted(by: { book.openAmount($0.number) > book.openAmount($1.number) })
            where !inLetter.contains(inv.number) && inv.dueDate < date && !book.isInLitigation(inv.number)
                && !held.contains(inv.number) && !book.isDisputed(inv.number) {
            // (promised, in a plan or disputed items are not claimed as due: they are being dealt with)
            others.append((inv.number, inv.level))
        }
        let fees = demanded.map { book.lateFees($0.0, asOf: date) }
        let principal = demanded.reduce(Money.zero) { $0 + claimed($1.0) }
        let indemnity = fees.filter { !$0.waived }.reduce(Money.zero) { $0 + $1.indemnity }
        // A half-year missing from the rate table: the known days' interest, said to be incomplete (never 0,00).
        let interest = fees.filter { !$0.waived }.reduce(Money.zero) { $0 + $1.knownInterest }
        let missing = Set(fees.compactMap(\.missingRate).flatMap { $0.components(separatedBy: ", ") }).sorted()
        let company = book.company ?? CompanyProfile()
        let contact = customer.contacts.first?.name
        let collector = customer.collector.flatMap { book.users[$0]?.name }
        let address = customer.billingAddress.map { [$0.street, "\($0.postalCode) \($0.city)".trimmedSpaces, $0.country ?? ""].filter { !$0.isEmpty } } ?? []
        let title = customer.contacts.first?.title
        // The family name is all after the first name ("Jean-Pierre de la Tour": "de la Tour"), not its last word.
        let lastName = contact.map { n in let w = n.split(separator: " "); return w.count > 1 ? w.dropFirst().joined(separator: " ") : n } ?? ""
        let total = formal ? principal + indemnity + interest : principal
        let contractualRate = customer.interestRatePercent.flatMap { try? Money.parse($0) }?.cents
        let legalRate = book.policy.legalRateBasisPoints(on: date)
        let width = [principal, indemnity, interest, total].map { money($0).count }.max() ?? 0
        func column(_ m: Money) -> String { String(repeating: " ", count: width - money(m).count) + money(m) }
        return [
            "company": ["legal_name": company.legalName ?? "", "siren": company.siren ?? "", "street": company.street ?? "",
                        "postal_code": company.postalCode ?? "", "city": company.city ?? "", "phone": company.phone ?? "",
                        "email": company.email ?? "", "iban": company.iban ?? "", "bic": company.bic ?? "",
                        // A formal notice is signed by the company's signatory, never by the collector by default.
                        "signatory": formal ? (company.signatory ?? "") : (company.signatory ?? collector ?? ""), "has_iban": !(company.iban ?? "").isEmpty,
                        "has_siren": !(company.siren ?? "").isEmpty, "has_phone": !(company.phone ?? "").isEmpty,
                        "has_legal_name": !(company.legalName ?? "").isEmpty, "has_street": !(company.street ?? "").isEmpty,
                        "has_city": !(company.city ?? "").isEmpty,
                        "has_email": !(company.email ?? "").isEmpty],
            "customer": ["name": customer.name, "id": customer.id, "address_lines": list(address), "siren": customer.siren ?? ""],
            "contact": contact ?? "", "has_contact": contact != nil,
            // "Mme" / "M.": French "Madame," or "Monsieur,"; English "Dear Ms Moreau" (the templates word it).
            "has_title": title != nil, "is_madame": title == "Mme", "contact_last_name": lastName,
            // French elides "de" before a vowel or a mute h: "à l'attention d'Océane", "de Marc".
            "contact_elides": contact.map(elides) ?? false,
            "date": day(date), "reference": "\(date.iso)-\(customer.id)",
            "items": list(demanded.compactMap { item($0.0, level: $0.1) }), "item_count": demanded.count, "single": demanded.count == 1,
            "others": list(others.compactMap { item($0.0, level: $0.1) }), "has_others": !others.isEmpty,
            "upcoming": list(upcoming.compactMap { item($0.0, level: $0.1) }), "has_upcoming": !upcoming.isEmpty,
            "principal": money(principal), "indemnity": money(indemnity), "interest": money(interest), "total": money(total),
            // The same four right-aligned to one width, for a column of figures.
            "principal_column": column(principal), "indemnity_column": column(indemnity), "interest_column": column(interest),
            "total_column": column(total),
            "has_fees": indemnity.isPositive || interest.isPositive, "has_known_interest": interest.isPositive,
            "interest_missing": missing.joined(separator: ", "), "has_interest_missing": !missing.isEmpty,
            "formal": formal, "level": topLevel, "collector": collector ?? "",
            // The rate the letter applies, said truly (issue 17): the customer's contractual rate, or the ECB rate plus
            // 10 points (L441-10) with this half-year's figure. The templates word it.
            "has_contractual_rate": contractualRate != nil,
            "contractual_rate": contractualRate.map { percent($0, language) } ?? "",
            "legal_rate": legalRate.map { percent($0, language) } ?? "", "has_legal_rate": legalRate != nil,
            "rate_year": date.year, "rate_first_half": date.month <= 6,
        ]
    }

    /// A rate in basis points as a letter writes it: "12,15 %" in French, "12.15%" in English.
    static func percent(_ basisPoints: Int64, _ language: String) -> String {
        let whole = basisPoints / 100, part = String(format: "%02lld", basisPoints % 100)
        return language == "en" ? "\(whole).\(part)%" : "\(whole),\(part) %"
    }

    /// True for a name that French elision applies to (vowel, accented vowel, or h).
    static func elides(_ name: String) -> Bool {
        guard let first = name.trimmedSpaces.first else { return false }
        return "aeiouyhàâäéèêëîïôöùûüÿæœ".contains(Character(first.lowercased()))
    }

    /// A template shipped in `Resources/templates/<name>.mustache`.
    public static func bundledTemplate(_ name: String) -> String? {
        ResourceFiles.data(folder: "templates", name: name + ".mustache").flatMap { String(data: $0, encoding: .utf8) }
    }

    /// Templates from a folder first (a company's own), the bundled ones otherwise.
    /// A template error in words (the library's cases are Swift names).
    static func words(_ error: Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect: return tr("the section closed is not the one open ({{/name}} must match {{#name}})")
        case .unfinishedName: return tr("a tag is not closed ({{name}} needs its }})")
        case .expectedSectionEnd: return tr("a section is not closed (a {{#name}} without its {{/name}})")
        case .invalidSetDelimiter: return tr("the delimiter change is malformed (write it {{=<% %>=}})")
        case .invalidConfigVariableSyntax, .unrecognisedConfigVariable: return tr("a {{% ...}} setting is not understood")
        case .transformAppliedToInheritanceSection, .illegalTokenInsideInheritSection, .textInsideInheritSection:
            return tr("an inheritance section ({{<name}}) holds what it cannot")
        case nil: return tr("cannot be read as a template")
        }
    }

    /// The templates of a `--templates` folder, the bundled ones for names it lacks. A file that is there but is
    /// not a readable plain file (a FIFO would block the run, an unreadable file fell back to the bundled letter
    /// without a word) is refused by name.
    public static func templates(in folder: String?) -> TemplateSource {
        { (name: String) throws(DomainError) -> String? in
            guard let folder else { return bundledTemplate(name) }
            let path = folder + "/" + name + ".mustache"
            do throws(UserFile.Problem) { return String(decoding: try UserFile.read(path, maxBytes: 1_000_000), as: UTF8.self) }
            catch {
                switch error {
                case .missing: return bundledTemplate(name)
                case .directory, .notPlain: throw DomainError.said(tr("template {path}: not a plain file", ["path": "\(path)"]))
                case .tooLarge: throw DomainError.said(tr("template {path}: over 1 MB", ["path": "\(path)"]))
                case .unreadable(let why): throw DomainError.said(tr("template {path}: cannot be read ({why})", ["path": "\(path)", "why": "\(why)"]))
                }
            }
        }
    }
}

/// Eight hex digits naming a string (FNV-1a): tells apart ids that read the same once made safe for a file name.
func shortHash(_ s: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return String(format: "%08x", UInt32(truncatingIfNeeded: h ^ (h >> 32)))
}

/// A customer id or step as part of a file name: anything but letters, digits, `.`, `_` and `-` becomes `_`, so an
/// id like `../../x` never leaves the output folder.
func fileNamePart(_ s: String) -> String {
    let kept = String(s.unicodeScalars.map { u -> Character in
        (u.isASCII && (CharacterSet.alphanumerics.contains(u) || u == "_" || u == "-")) ? Character(u) : "_"
    }.prefix(64))   // a file name has 255 bytes at most: an id of 300 combining accents stopped every letters run
    return kept.isEmpty ? "_" : kept
}
