import ArgumentParser
import FileStore
import Foundation
import Interchange
import Receivables

/// `relance letters`: the written reminders of an agenda as letters, optionally recorded as sent.
struct LettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "letters",
        abstract: "Write the agenda's reminder letters (one per customer and step) as text files.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var which: AgendaOptions

    @Option(help: "Directory to write the letters to (created if needed).")
    var out: String

    @Flag(help: "Record each letter as sent in the account's history (they leave the agenda).")
    var markSent = false

    @Option(help: "Who sends them (recorded with --mark-sent).")
    var user: String = ProcessInfo.processInfo.environment["USER"] ?? "relance"

    func run() throws {
        let store = try openStore(options.store, readOnly: !markSent)
        let agenda = which.agenda(store.book)
        let day = agenda.date
        let letters: [LetterWriter.Letter]
        do { letters = try LetterWriter.letters(for: agenda, book: store.book) } catch {
            warn("\(error)")
            throw ExitCode(1)
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // Each letter is a new file renamed into place: a link planted in a shared folder is never written through.
        for l in letters { try SafeFile.write(Data(l.text.utf8), to: out + "/" + l.fileName) }
        if markSent && !letters.isEmpty {
            try store.commit(user: user, .batch(changes: letters.map { l in
                .logActivity(activity: Activity(id: "LTR-\(day.iso)-\(l.line.customerId)-\(l.line.reasons[0].step)", at: Timestamp.now(), date: day,
                                                user: user, customerId: l.line.customerId, invoices: l.line.reasons[0].invoices,
                                                channel: l.line.channel.activityChannel, note: "\(l.line.reasons[0].label): \(l.fileName)",
                                                step: l.line.reasons[0].step))
            }))
        }
        print("\(letters.count) letter\(letters.count == 1 ? "" : "s") written to \(out)\(markSent ? " and recorded as sent" : "")")
        if markSent { store.maintain() }
    }
}
