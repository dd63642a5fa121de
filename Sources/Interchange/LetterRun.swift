import Foundation
import OutputFiles
import UserRights
import Receivables
import Wording

/// `relance letters`: the day's letters written as one batch, and with `markSent` recorded as sent, over any store.
///
/// The long part runs outside the store's lock: the agenda, the rendering and the writing of every file (into a
/// pending folder, `BatchFolder`). Under the lock only what is still true is recorded: the accounts that the changes
/// made meanwhile touched are chosen again (`BookStore.changes(since:)`; all of them when the store cannot say), a
/// chunk of letters per save, and a letter whose account moved is left out of that record, rendered again outside the
/// lock and recorded in the next round. The lock is therefore held
/// as long as a save, whatever the number of letters (issue 14: it was held 10-35 s, and 100 s by a bad template).
public struct LetterRun {
    public var store: any BookStore
    /// Who records the letters (the journal's user).
    public var user: String
    public var date: CalendarDate
    /// Only this collector's accounts (nil: the whole team).
    public var collector: String?
    public var out: String
    public var template: LetterWriter.TemplateSource
    public var limits: TemplateLimits = .standard
    /// Rounds of "record what is still true, render again what moved" before leaving the rest for the next run.
    public var rounds = 3

    public init(store: any BookStore, user: String, date: CalendarDate, collector: String?, out: String,
                template: @escaping LetterWriter.TemplateSource) {
        self.store = store; self.user = user; self.date = date; self.collector = collector; self.out = out; self.template = template
    }

    public struct Result {
        /// The batch's folder (`OUT/<id>`), nil when there was no letter.
        public var folder: String?
        /// The letters written (and recorded, with `markSent`), in agenda order.
        public var letters: [LetterWriter.Letter]
        /// Customers whose account kept changing while their letter was being recorded: for the next run.
        public var leftForNextRun: [String]
        /// Batches of killed runs finished (kept letters) or removed, and pending names left alone.
        public var recovered: BatchFolder.Recovery
        /// Letters not written (nor recorded): what each lacks to go out whole (issue 17).
        public var notReady: [NotReady] = []
        /// The day's other written reminders, which go by e-mail (`relance mail`), counted on the agenda the run
        /// chose its letters from (the command says how many: making the agenda again cost a whole second run of it).
        public var byEmail = 0
    }

    /// A letter that cannot go out as it is: no postal address for the customer, no signatory for a formal notice.
    public struct NotReady: Sendable, Equatable {
        public var customerId: String
        public var customerName: String
        public var lacks: [LetterLack]
    }

    /// What a letter lacks to be posted whole, or nothing.
    static func lacks(_ letter: LetterWriter.Letter, in book: Book) -> [LetterLack] {
        book.letterLacks(letter.line.customerId, formalNotice: letter.line.channel == .formalNotice)
    }

    /// Where each letter's record points: `<batch>/<file>`, also how a later run recognises a killed batch's letters.
    static func recordedPath(batch: String, file: String) -> String { batch + "/" + file }

    /// Finishes or removes the pending batches killed runs left in `out`: a file is kept when the store records it
    /// (its history's note ends `(letter <batch>/<file>)`, as `AgendaLine.sentActivities` writes it: stored data, never
    /// the catalogue's words, or a French session would take every recorded letter for unrecorded). A batch of e-mail
    /// copies is never recorded by file: removed whole.
    static func recover(_ out: String, store: any BookStore) throws -> BatchFolder.Recovery {
        try BatchFolder.recover(in: out) { account, path in
            try store.history(of: account).contains { $0.note.hasSuffix("(letter \(path))") }
        }
    }

    /// Test hook: runs between the files' sync and the recording (a test saves a colleague's change there).
    public var beforeRecording: (() throws -> Void)?

    public func run(markSent: Bool) throws -> Result {
        // A batch left by a killed run: its recorded letters are kept (and the folder named), the rest removed.
        let recovered = try Self.recover(out, store: store)
        _ = try store.refresh()
        var planned = store.state
        // No copy of the book outlives this: while one is held, every save of the run would copy the store's whole
        // book (copy on write), under the lock.
        var byEmail = 0
        var letters = try { () throws -> [LetterWriter.Letter] in
            let book = store.book
            // The written reminders that go by post: those by e-mail are `relance mail`'s (never both).
            // A customer whose e-mail another run is handing off right now gets no letter from this run.
            let written = Agenda(book: book, date: date, collector: collector).written
            byEmail = written.count { $0.email != nil }
            return try LetterWriter.letters(for: written.filter { $0.email == nil && !MailRun.isBeingSent($0.customerId, in: book) }, date: date, book: book,
                                            template: template, limits: limits)
        }()
        // A letter printed half-empty (no address, a formal notice unsigned) is never written nor recorded: listed.
        let notReady = try { () throws -> [NotReady] in
            let book = store.book
            return letters.compactMap { l in
                let lacks = Self.lacks(l, in: book)
                return lacks.isEmpty ? nil : NotReady(customerId: l.line.customerId, customerName: l.line.customerName, lacks: lacks)
            }
        }()
        let blocked = Set(notReady.map(\.customerId))
        letters.removeAll { blocked.contains($0.line.customerId) }
        guard !letters.isEmpty else { return Result(folder: nil, letters: [], leftForNextRun: [], recovered: recovered, notReady: notReady, byEmail: byEmail) }
        do { try UserRights.asUser { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } }
        catch { throw OutputError(path: out, tr("cannot create the folder: {problem}", ["problem": "\(OutputPath.describe(error))"])) }
        let batch = try BatchFolder(out: out, id: BatchFolder.newId(day: date.iso))
        do {
            for l in letters { try batch.write(l.fileName, data: Data(l.text.utf8), account: l.line.customerId) }
            try batch.sync()
            guard markSent else {
                return Result(folder: try batch.finish(), letters: letters, leftForNextRun: [], recovered: recovered, notReady: notReady, byEmail: byEmail)
            }
            try beforeRecording?()
        } catch {
            batch.discard()   // nothing was recorded: no file stays
            throw error
        }
        // From here a failure leaves the pending batch as it is: whether its letters were recorded is the store's
        // to say, and the next run finishes or removes it accordingly.
        var recorded: [String: LetterWriter.Letter] = [:]
        var waiting = letters
        for _ in 1...rounds where !waiting.isEmpty {
            let (done, moved) = try record(waiting, batch: batch.id, plannedAt: planned)
            for l in done { recorded[l.line.customerId] = l }
            guard !moved.isEmpty else { waiting = []; break }
            // Their accounts changed since they were rendered: rendered again on the latest state, outside the lock,
            // under the same file names; those no longer due for a letter today are dropped.
            _ = try store.refresh()
            planned = store.state
            var again: [LetterWriter.Letter] = []
            for old in moved {
                guard let line = currentLine(of: old.line.customerId, in: store.book),
                      var l = try LetterWriter.letters(for: [line], date: date, book: store.book, template: template, limits: limits).first,
                      Self.lacks(l, in: store.book).isEmpty
                else { batch.remove(old.fileName); continue }
                l.fileName = old.fileName
                try batch.write(l.fileName, data: Data(l.text.utf8), account: l.line.customerId)
                again.append(l)
            }
            if !again.isEmpty { try batch.sync() }
            waiting = again
        }
        for l in waiting { batch.remove(l.fileName) }
        letters = letters.compactMap { l in recorded[l.line.customerId] }
        return Result(folder: try batch.finish(), letters: letters, leftForNextRun: waiting.map(\.line.customerName), recovered: recovered, notReady: notReady, byEmail: byEmail)
    }

    /// The account's written line today, if it is in this run's scope.
    func currentLine(of customer: String, in book: Book) -> AgendaLine? {
        guard !MailRun.isBeingSent(customer, in: book) else { return nil }
        return WrittenReminders.line(of: customer, in: book, date: date, collector: collector, byEmail: false)
    }

    private struct NothingStillTrue: Error {}

    /// Records the letters whose accounts nothing touched since `plannedAt`, and those chosen again identical;
    /// returns the letters recorded and those whose account moved.
    ///
    /// In chunks, each a short save of its own: a batch of thousands of letters is one long line to encode, apply and
    /// for everyone else to decode, under the lock. (Each letter's record names its file, so a run killed between two
    /// chunks leaves its batch for the next run to finish.) A chunk's check runs from `plannedAt`: the earlier chunks
    /// touched only their own accounts. When the store cannot say what changed (someone compacted it meanwhile), the
    /// chunk's accounts are all chosen again under the lock: a chunk at a time, that is a few milliseconds.
    private func record(_ letters: [LetterWriter.Letter], batch: String, plannedAt: StoreState) throws -> ([LetterWriter.Letter], [LetterWriter.Letter]) {
        var done: [LetterWriter.Letter] = [], moved: [LetterWriter.Letter] = []
        for start in stride(from: 0, to: letters.count, by: Self.chunk) {
            let (r, m) = try commit(Array(letters[start..<min(letters.count, start + Self.chunk)]), batch: batch, planned: plannedAt)
            done += r; moved += m
        }
        return (done, moved)
    }

    /// Letters recorded in one save, at most.
    static let chunk = 100

    /// One save: the letters of `letters` whose accounts nothing touched since `planned`, and those chosen again
    /// identical; returns them and those whose account moved.
    private func commit(_ candidates: [LetterWriter.Letter], batch: String, planned: StoreState) throws -> ([LetterWriter.Letter], [LetterWriter.Letter]) {
        var recorded: [LetterWriter.Letter] = [], moved: [LetterWriter.Letter] = []
        do {
            try store.commit(user: user) { book in
                recorded = []; moved = []
                let touched = store.touchedAccounts(since: planned, in: book)   // nil: any, so all are chosen again
                var activities: [Activity] = []
                let stamp = Timestamp.now()
                for l in candidates {
                    if touched?.contains(l.line.customerId) != false {
                        guard currentLine(of: l.line.customerId, in: book) == l.line else { moved.append(l); continue }
                    }
                    recorded.append(l)
                    activities += l.line.sentActivities(user: user, date: date, at: stamp, policy: book.policy,
                                                        file: Self.recordedPath(batch: batch, file: l.fileName))
                }
                guard !activities.isEmpty else { throw NothingStillTrue() }
                return .batch(changes: activities.map { .logActivity(activity: $0) })
            }
            return (recorded, moved)
        } catch is NothingStillTrue {
            return ([], moved)
        }
    }
}
