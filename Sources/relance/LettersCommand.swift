import ArgumentParser
import FileStore
import Foundation
import Interchange
import OutputFiles
import Receivables
import TextSafety
import Wording

/// `relance letters`: the day's letters (one per customer), optionally recorded as sent.
struct LettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "letters",
        abstract: tr("Write the day's letters (one per customer, each item at its own dunning level) as text files."),
        discussion: tr("Templates are Mustache files: Resources/templates/<step template>.<fr|en>.mustache, or your own with --templates DIR (same names; docs/LETTERS.md lists the values they see). With --mark-sent the letters are chosen and recorded under the store's lock: two runs at once never send a letter twice."))

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: StoreOptions
    @OptionGroup var which: AgendaOptions

    @Option(help: ArgumentHelp(tr("Directory to write the letters to (created if needed).")))
    var out: String

    @Flag(help: ArgumentHelp(tr("Record each letter as sent in the account's history (the items move to their new level).")))
    var markSent = false

    @Option(help: ArgumentHelp(tr("A folder of your own templates, used before the bundled ones.")))
    var templates: String?

    @Option(help: ArgumentHelp(tr("text (a summary line) or json (each letter, its step, language and items with their level).")))
    var format: Format = .text

    @Option(help: ArgumentHelp(tr("Who you are (only yourself). Marking sent is for the account's collector or a supervisor.")))
    var user: String?

    func run() throws {
        let store = try openStore(options.store, readOnly: !markSent)
        let me = try Identity.require(book: store.book, requested: user, doing: tr("letters"))
        var which = self.which
        if markSent {
            try OutputChecks.requireOwnAccounts(&which.collector, me: me,
                notAllowed: tr("marking letters sent is for collectors and supervisors; you are {id} ({role})\nNothing was changed.", ["id": "\(me.id)", "role": me.role.label]),
                notYours: { tr("--collector {collector}: you can mark only your own accounts' letters sent ({id}); a supervisor can do it for anyone\nNothing was changed.", ["collector": $0, "id": me.id]) })
            if let d = which.date {
                try OutputChecks.requireNotFuture(d, in: store.book,
                    refusal: tr("--date {date} is in the future: letters are recorded as sent on the day they go out\nNothing was changed.", ["date": d.french]))
            }
        }
        try OutputChecks.requireOut(out, store: options.store)
        try OutputChecks.requireTemplates(templates)
        try OutputChecks.requireCollector(which.collector, in: store.book)
        let source = LetterWriter.templates(in: templates)
        let missing = (store.book.company ?? CompanyProfile()).missingForLetters
        if !missing.isEmpty {
            warn(tr("the company profile lacks {missing}: the letters go out without them (relance company set ...)", ["missing": missing.map(\.label).joined(separator: ", ")]))
        }
        // (The run makes the folder, and says so when it cannot.)
        do { try OutputPath.checkLinks(out) } catch {
            warn(tr("--out {problem}\nNothing was changed.", ["problem": Safe.text(error.description)])); throw ExitCode(1)
        }
        // Chosen, rendered and written outside the store's lock, into a pending folder; recorded under the lock for
        // what is still true; then the folder is renamed into place (docs/LETTERS.md, "A batch of letters").
        let run = LetterRun(store: store, user: me.id, date: which.date ?? .today(), collector: which.collector, out: out, template: source)
        let result: LetterRun.Result
        let pendingBefore = Self.pendingBatches(out)
        do { result = try run.run(markSent: markSent) }
        catch let e as DomainError { warn(e.message + Self.aftermath(out, before: pendingBefore)); throw ExitCode(1) }
        catch let e as OutputError { warn(tr("--out {problem}", ["problem": Safe.text(e.description)]) + Self.aftermath(out, before: pendingBefore)); throw ExitCode(1) }
        Self.report(result.recovered, out: out)
        let letters = result.letters
        switch format {
        case .text:
            switch (result.folder, markSent) {
            case (nil, _): say(trn("{count} letter written", "{count} letters written", count: letters.count))
            case (let folder?, false): say(trn("{count} letter written to {folder}", "{count} letters written to {folder}", count: letters.count, ["folder": folder]))
            case (let folder?, true):
                say(trn("{count} letter written to {folder} and recorded as sent", "{count} letters written to {folder} and recorded as sent",
                        count: letters.count, ["folder": folder]))
            }
            // The day's other written reminders go by e-mail: said, so that nobody takes them for forgotten.
            if result.byEmail > 0 {
                say(trn("{count} more reminder goes by e-mail: relance mail", "{count} more reminders go by e-mail: relance mail", count: result.byEmail))
            }
        case .json:
            print(LettersJSON.render(letters, folder: result.folder, notReady: result.notReady))   // exact (JSON escapes what must be), like agenda --format json
        }
        // Letters that would go out half-empty: neither written nor recorded, and said (issue 17).
        if !result.notReady.isEmpty {
            let list = result.notReady.prefix(10).map {
                tr("{id} {name} ({lacks})", ["id": $0.customerId, "name": $0.customerName, "lacks": $0.lacks.map(\.label).joined(separator: ", ")])
            }
            warn(trn("{count} letter not ready, neither written nor recorded: ", "{count} letters not ready, neither written nor recorded: ",
                     count: result.notReady.count) + list.joined(separator: "; ")
                 + (result.notReady.count > 10 ? "; ..." : "")
                 + (result.notReady.contains { $0.lacks.contains(.signatory) } ? tr("\nA formal notice is signed by the company's signatory: relance company set --signatory \"Name, title\"") : "")
                 + (result.notReady.contains { $0.lacks.contains(.postalAddress) } ? tr("\nAddresses come with the customers: import customers with street,postal_code,city") : ""))
        }
        if !result.leftForNextRun.isEmpty {
            warn(trn("{count} account kept changing while its letters were recorded, left for the next run: {accounts}",
                     "{count} accounts kept changing while their letters were recorded, left for the next run: {accounts}",
                     count: result.leftForNextRun.count, ["accounts": result.leftForNextRun.prefix(5).map(Safe.text).joined(separator: ", ")]))
        }
        if markSent, let problem = store.maintain() { warn(problem) }
    }
}

extension LettersCommand {
    /// What the recovery of killed runs' batches in `out` did (letters, and e-mail copies: never recorded by file).
    static func report(_ recovered: BatchFolder.Recovery, out: String) {
        for left in recovered.leftAlone { warn("\(Safe.text(left.path)) \(Safe.text(left.reason))") }
        for r in recovered.finished {
            let folder = "\(out)/\(r.id)"
            say(r.kept == 0 ? trn("an interrupted run's {count} letter file was never recorded: removed",
                                  "an interrupted run's {count} letter files were never recorded: removed", count: r.removed)
                : r.removed == 0 ? tr("an interrupted run's letters were recorded: {kept} kept in {folder}", ["kept": "\(r.kept)", "folder": folder])
                : tr("an interrupted run's letters were recorded: {kept} kept in {folder} ({removed} not recorded, removed)",
                     ["kept": "\(r.kept)", "folder": folder, "removed": "\(r.removed)"]))
        }
    }

    static func pendingBatches(_ out: String) -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { $0.hasPrefix(".pending-") && $0.hasSuffix(".batch") })
    }

    /// What a failed run leaves: a run drops its batch when it fails before recording; a new pending batch left means
    /// some letters were recorded, and the next run finishes it.
    static func aftermath(_ out: String, before: Set<String>) -> String {
        pendingBatches(out).subtracting(before).isEmpty
            ? tr("\nNothing was recorded.")
            : tr("\nThe letters recorded so far are kept; the next run finishes their batch.")
    }
}

/// `letters --format json`: `{"folder":…,"letters":[{"customer_id","file","step","channel","language","invoices":[{"number","level"}]}],
/// "not_ready":[{"customer_id","lacks":["postal address","signatory"]}]}`
/// (`file` is the name inside `folder`).
enum LettersJSON {
    struct Output: Encodable { var folder: String?; var letters: [Letter]; var not_ready: [NotReady] }
    struct NotReady: Encodable { var customer_id: String; var lacks: [String] }
    struct Letter: Encodable {
        var customer_id: String, file: String, step: String, channel: String, language: String, invoices: [Item]
    }
    struct Item: Encodable { var number: String; var level: Int }

    static func render(_ letters: [LetterWriter.Letter], folder: String?, notReady: [LetterRun.NotReady] = []) -> String {
        let out = Output(folder: folder, letters: letters.map { l in
            Letter(customer_id: l.line.customerId, file: l.fileName, step: l.step,
                   channel: l.line.channel == .formalNotice ? "formal-notice" : "letter", language: l.language,
                   invoices: l.items.map { Item(number: $0.number, level: $0.level) })
        }, not_ready: notReady.map { NotReady(customer_id: $0.customerId, lacks: $0.lacks.map(\.rawValue)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Safe.json(String(decoding: (try? encoder.encode(out)) ?? Data("{\"letters\":[]}".utf8), as: UTF8.self))
    }
}
