import ArgumentParser
import FileStore
import Foundation
import Interchange
import OutputFiles
import Receivables
import TextSafety

/// `relance letters`: the day's letters (one per customer), optionally recorded as sent.
struct LettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "letters",
        abstract: "Write the day's letters (one per customer, each item at its own dunning level) as text files.",
        discussion: """
        Templates are Mustache files: Resources/templates/<step template>.<fr|en>.mustache, or your own with \
        --templates DIR (same names; docs/LETTERS.md lists the values they see). With --mark-sent the letters are \
        chosen and recorded under the store's lock: two runs at once never send a letter twice.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: StoreOptions
    @OptionGroup var which: AgendaOptions

    @Option(help: "Directory to write the letters to (created if needed).")
    var out: String

    @Flag(help: "Record each letter as sent in the account's history (the items move to their new level).")
    var markSent = false

    @Option(help: "A folder of your own templates, used before the bundled ones.")
    var templates: String?

    @Option(help: "text (a summary line) or json (each letter, its step, language and items with their level).")
    var format: Format = .text

    @Option(help: "Who you are (only yourself). Marking sent is for the account's collector or a supervisor.")
    var user: String?

    func run() throws {
        let store = try openStore(options.store, readOnly: !markSent)
        let me = try Identity.require(book: store.book, requested: user, doing: "letters")
        var which = self.which
        if markSent && me.role != .supervisor {
            // A collector marks their own accounts' letters sent, never a colleague's.
            guard Permission.allows(me.role, .writtenReminder) else { warn("marking letters sent is for collectors and supervisors; you are \(me.id) (\(me.role.rawValue))\nNothing was changed."); throw ExitCode(2) }
            if let c = which.collector, c != me.id {
                warn("--collector \(c): you can mark only your own accounts' letters sent (\(me.id)); a supervisor can do it for anyone\nNothing was changed.")
                throw ExitCode(2)
            }
            which.collector = me.id
        }
        // Recorded as sent on a day still to come, the items would wait for that day's interval and drop out of
        // every earlier run (an outside audit froze a collector's letters until 2028 that way).
        // (Demo stores are playgrounds: days may be played ahead there, as in the workstation.)
        if markSent, let d = which.date, d > .today(), !store.book.isDemo {
            warn("--date \(d.french) is in the future: letters are recorded as sent on the day they go out\nNothing was changed.")
            throw ExitCode(2)
        }
        // Letters go beside the store, never into it (a store directory holds only its own files).
        if URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
            == URL(fileURLWithPath: options.store).standardizedFileURL.resolvingSymlinksInPath().path {
            warn("--out \(out) is the store's own directory: write the letters somewhere else\nNothing was changed.")
            throw ExitCode(2)
        }
        let source = LetterWriter.templates(in: templates)
        let missing = (store.book.company ?? CompanyProfile()).missingForLetters
        if !missing.isEmpty {
            warn("the company profile lacks \(missing.joined(separator: ", ")): the letters go out without them (relance company set ...)")
        }
        // (The run makes the folder, and says so when it cannot.)
        do { try OutputPath.checkLinks(out) } catch {
            warn("--out \(Safe.text(error.description))\nNothing was changed."); throw ExitCode(1)
        }
        // Chosen, rendered and written outside the store's lock, into a pending folder; recorded under the lock for
        // what is still true; then the folder is renamed into place (docs/LETTERS.md, "A batch of letters").
        let run = LetterRun(store: store, user: me.id, date: which.date ?? .today(), collector: which.collector, out: out, template: source)
        let result: LetterRun.Result
        let pendingBefore = Self.pendingBatches(out)
        do { result = try run.run(markSent: markSent) }
        catch let e as DomainError { warn(e.message + Self.aftermath(out, before: pendingBefore)); throw ExitCode(1) }
        catch let e as OutputError { warn("--out \(Safe.text(e.description))" + Self.aftermath(out, before: pendingBefore)); throw ExitCode(1) }
        for left in result.recovered.leftAlone { warn("\(Safe.text(left.path)) \(Safe.text(left.reason))") }
        for r in result.recovered.finished {
            say(r.kept > 0 ? "an interrupted run's letters were recorded: \(r.kept) kept in \(out)/\(r.id)\(r.removed > 0 ? " (\(r.removed) not recorded, removed)" : "")"
                           : "an interrupted run's \(r.removed) letter file\(r.removed == 1 ? "" : "s") were never recorded: removed")
        }
        let letters = result.letters
        switch format {
        case .text:
            let folder = result.folder.map { " to \($0)" } ?? ""
            say("\(letters.count) letter\(letters.count == 1 ? "" : "s") written\(folder)\(markSent ? " and recorded as sent" : "")")
        case .json:
            print(LettersJSON.render(letters, folder: result.folder, notReady: result.notReady))   // exact (JSON escapes what must be), like agenda --format json
        }
        // Letters that would go out half-empty: neither written nor recorded, and said (issue 17).
        if !result.notReady.isEmpty {
            let list = result.notReady.prefix(10).map { "\($0.customerId) \($0.customerName) (no \($0.lacks.map(\.rawValue).joined(separator: ", no ")))" }
            warn("\(result.notReady.count) letter\(result.notReady.count == 1 ? "" : "s") not ready, neither written nor recorded: " + list.joined(separator: "; ")
                 + (result.notReady.count > 10 ? "; ..." : "")
                 + (result.notReady.contains { $0.lacks.contains(.signatory) } ? "\nA formal notice is signed by the company's signatory: relance company set --signatory \"Name, title\"" : "")
                 + (result.notReady.contains { $0.lacks.contains(.postalAddress) } ? "\nAddresses come with the customers: import customers with street,postal_code,city" : ""))
        }
        if !result.leftForNextRun.isEmpty {
            warn("\(result.leftForNextRun.count) account\(result.leftForNextRun.count == 1 ? "" : "s") kept changing while their letters were recorded, left for the next run: \(result.leftForNextRun.prefix(5).map(Safe.text).joined(separator: ", "))")
        }
        if markSent, let problem = store.maintain() { warn(problem) }
    }
}

extension LettersCommand {
    static func pendingBatches(_ out: String) -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { $0.hasPrefix(".pending-") && $0.hasSuffix(".batch") })
    }

    /// What a failed run leaves: a run drops its batch when it fails before recording; a new pending batch left means
    /// some letters were recorded, and the next run finishes it.
    static func aftermath(_ out: String, before: Set<String>) -> String {
        pendingBatches(out).subtracting(before).isEmpty
            ? "\nNothing was recorded."
            : "\nThe letters recorded so far are kept; the next run finishes their batch."
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
