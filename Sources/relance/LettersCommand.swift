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

    @Option(help: "Who you are (only yourself). Marking sent is for the account's collector or a supervisor.")
    var user: String?

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
            try store.commit(user: me.id, .batch(changes: letters.map { l in
                .logActivity(activity: Activity(id: "LTR-\(day.iso)-\(l.line.customerId)-\(l.line.reasons[0].step)", at: Timestamp.now(), date: day,
                                                user: me.id, customerId: l.line.customerId, invoices: l.line.reasons[0].invoices,
                                                channel: l.line.channel.activityChannel, note: "\(l.line.reasons[0].label): \(l.fileName)",
                                                step: l.line.reasons[0].step))
            }))
        }
        say("\(letters.count) letter\(letters.count == 1 ? "" : "s") written to \(out)\(markSent ? " and recorded as sent" : "")")
        if markSent { store.maintain() }
    }
}
