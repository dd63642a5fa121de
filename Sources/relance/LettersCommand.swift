import ArgumentParser
import FileStore
import Foundation
import Interchange
import Receivables

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

    struct NothingToSend: Error {}

    func run() throws {
        let store = try openStore(options.store, readOnly: !markSent)
        let me = try Identity.require(book: store.book, requested: user, doing: "letters")
        var which = self.which
        if markSent && me.role != .supervisor {
            // A collector marks their own accounts' letters sent, never a colleague's.
            guard me.role == .collector else { warn("marking letters sent is for collectors and supervisors; you are \(me.id) (\(me.role.rawValue))\nNothing was changed."); throw ExitCode(2) }
            if let c = which.collector, c != me.id {
                warn("--collector \(c): you can mark only your own accounts' letters sent (\(me.id)); a supervisor can do it for anyone\nNothing was changed.")
                throw ExitCode(2)
            }
            which.collector = me.id
        }
        // Recorded as sent on a day still to come, the items would wait for that day's interval and drop out of
        // every earlier run (an outside audit froze a collector's letters until 2028 that way).
        // (Demo stores are playgrounds: days may be played ahead there, as in the workstation.)
        if markSent, let d = which.date, d > .today(), !store.book.settings.demo {
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
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // Each letter is a new file renamed into place: a link planted in a shared folder is never written through.
        func write(_ letters: [LetterWriter.Letter]) throws {
            for l in letters { try SafeFile.write(Data(l.text.utf8), to: out + "/" + l.fileName) }
        }
        var letters: [LetterWriter.Letter] = []
        do {
            if markSent {
                // Chosen and recorded in one change under the lock: a second run at the same moment sees these
                // letters recorded (one letter per customer and day) and finds nothing left to send.
                do {
                    try store.commit(user: me.id) { book in
                        let agenda = which.agenda(book)
                        letters = try LetterWriter.letters(for: agenda, book: book, template: source)
                        guard !letters.isEmpty else { throw NothingToSend() }
                        try write(letters)
                        let stamp = Timestamp.now()
                        return .batch(changes: letters.flatMap { $0.activities(user: me.id, date: agenda.date, at: stamp, policy: book.policy) }.map { .logActivity(activity: $0) })
                    }
                } catch is NothingToSend { letters = [] }
            } else {
                letters = try LetterWriter.letters(for: which.agenda(store.book), book: store.book, template: source)
                try write(letters)
            }
        } catch let e as DomainError {
            warn(e.message)
            throw ExitCode(1)
        }
        switch format {
        case .text:
            say("\(letters.count) letter\(letters.count == 1 ? "" : "s") written to \(out)\(markSent ? " and recorded as sent" : "")")
        case .json:
            print(LettersJSON.render(letters))   // exact (JSON escapes what must be), like agenda --format json
        }
        if markSent { store.maintain() }
    }
}

/// `letters --format json`: `{"letters":[{"customer_id","file","step","channel","language","invoices":[{"number","level"}]}]}`.
enum LettersJSON {
    struct Output: Encodable { var letters: [Letter] }
    struct Letter: Encodable {
        var customer_id: String, file: String, step: String, channel: String, language: String, invoices: [Item]
    }
    struct Item: Encodable { var number: String; var level: Int }

    static func render(_ letters: [LetterWriter.Letter]) -> String {
        let out = Output(letters: letters.map { l in
            Letter(customer_id: l.line.customerId, file: l.fileName, step: l.step,
                   channel: l.line.channel == .formalNotice ? "formal-notice" : "letter", language: l.language,
                   invoices: l.items.map { Item(number: $0.number, level: $0.level) })
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(out)) ?? Data("{\"letters\":[]}".utf8), as: UTF8.self)
    }
}
