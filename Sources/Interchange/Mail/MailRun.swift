import Foundation
import OutputFiles
import Receivables
import TextSafety
import UserRights
import Wording

/// `relance mail`: the day's written reminders that go by e-mail, written as `.eml` files and, with a transport,
/// handed to the company's mail system and recorded, over any store (issue 22).
///
/// The same choice, grouping and levels as `relance letters` (one message per customer, each item at its own level,
/// in the customer's language), split from them by `AgendaLine.email`: a reminder goes by post or by e-mail, never
/// both. Choosing and rendering run outside the store's lock; under it, a chunk of messages is put in the outbox
/// (`queued`, with this process's claim) in one short save; each is then handed off outside the lock and its outcome
/// recorded right after in a save of its own: `sent` with the reminder's activities (the items move to their level),
/// or `failed` with the mail system's words, retried by the next run. A run killed between a hand-off and its
/// record leaves the message `queued`; the next run hands it off again under the same Message-ID.
public struct MailRun {
    public var store: any BookStore
    /// Who records the messages (the journal's user).
    public var user: String
    public var date: CalendarDate
    /// Only this collector's accounts (nil: the whole team).
    public var collector: String?
    /// The letter templates' source: e-mails use `<template>.mail.<language>` from it.
    public var template: LetterWriter.TemplateSource
    public var limits: TemplateLimits = .standard
    /// Where messages are handed off; nil writes them only (`--out` without `--send`).
    public var transport: (any MailTransport)?
    /// A folder for a copy of each message as a `.eml` file.
    public var out: String?
    /// Only these customers (the workstation's `s` sends one); nil: every account in scope.
    public var customers: Set<String>?
    /// The `Date` header's time (a test sets it).
    public var now: () -> Date = Date.init

    public init(store: any BookStore, user: String, date: CalendarDate, collector: String?, template: @escaping LetterWriter.TemplateSource,
                transport: (any MailTransport)?, out: String?) {
        self.store = store; self.user = user; self.date = date; self.collector = collector; self.template = template
        self.transport = transport; self.out = out
    }

    /// One customer's e-mail reminder, chosen and rendered.
    public struct Draft: Sendable {
        public var line: AgendaLine
        public var letter: LetterWriter.Letter
        public var subject: String
        public var body: String
        public var from: MailMessage.Address
        public var replyTo: MailMessage.Address?
        /// The outbox message it is (a retry keeps its id and Message-ID).
        public var outboxId: String
        public var messageId: String
        /// The `.eml` file's name in the batch folder.
        public var fileName: String { String(letter.fileName.dropLast(4)) + ".eml" }
        public var to: String { line.email ?? "" }
        public var customerId: String { line.customerId }

        public func message(date: Date) -> MailMessage {
            MailMessage(from: from, replyTo: replyTo, to: [.init(name: line.contact?.name, to)], subject: subject, body: body,
                        date: date, messageId: messageId)
        }
    }

    /// A reminder that cannot go by e-mail as it is.
    public struct NotReady: Sendable, Equatable {
        public enum Problem: Sendable, Equatable {
            /// The contact's address is not one a mail system takes (non-ASCII, no `@`...).
            case badAddress(String)
            /// `mailFrom: collector` and neither the collector nor the company has an address.
            case noSender
        }
        public var customerId: String
        public var customerName: String
        public var problem: Problem
    }

    public struct Failure: Sendable {
        public var draft: Draft
        public var reason: String
    }

    public struct Result: Sendable {
        /// The `.eml` copies' folder (`OUT/<id>`), nil without `--out` or message.
        public var folder: String?
        /// The messages prepared (written, and with a transport handed off), in agenda order.
        public var drafts: [Draft] = []
        public var sent: [Draft] = []
        public var failed: [Failure] = []
        /// Pending messages no longer due (paid, now a letter, replaced by a newer reminder): withdrawn.
        public var withdrawn: [OutboxMessage] = []
        /// Customers whose message another run is handing off right now: left to it.
        public var busy: [String] = []
        /// Customers whose account changed while the run was choosing: for the next run.
        public var moved: [String] = []
        public var notReady: [NotReady] = []
        /// Pending batches of killed runs in `--out`, finished or removed.
        public var recovered = BatchFolder.Recovery()
    }

    /// The name of an e-mail template for a letter template's name: `reminder-overdue.fr` → `reminder-overdue.mail.fr`.
    static func mailTemplateName(_ letterName: String) -> String {
        guard let dot = letterName.lastIndex(of: ".") else { return letterName + ".mail" }
        return letterName[..<dot] + ".mail" + letterName[dot...]
    }

    /// Messages put in the outbox in one save, at most.
    static let chunk = 100

    public func run() throws -> Result {
        _ = try store.refresh()
        var result = Result()
        var drafts = try { () throws -> [Draft] in
            let book = store.book   // no copy of the book outlives this (each later save would copy it)
            let lines = Agenda(book: book, date: date, collector: collector).written
                .filter { $0.email != nil && customers?.contains($0.customerId) != false }
            return try prepare(lines, in: book, notReady: &result.notReady)
        }()
        result.drafts = drafts
        // The copies first, as the letters are written: a folder of what this run prepares.
        var batch: BatchFolder?
        if let out {
            // A killed run's half-written copies (and a killed letters run's batch in the same folder) first.
            result.recovered = try LetterRun.recover(out, store: store)
        }
        if let out, !drafts.isEmpty {
            do { try UserRights.asUser { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } }
            catch { throw OutputError(path: out, tr("cannot create the folder: {problem}", ["problem": "\(OutputPath.describe(error))"])) }
            batch = try BatchFolder(out: out, id: BatchFolder.newId(day: date.iso) + "-mail")
        }
        func writeCopies(_ list: [Draft]) throws {
            guard let batch else { return }
            for d in list { try batch.write(d.fileName, data: try render(d), account: d.customerId) }
        }
        guard let transport else {
            do { try writeCopies(drafts); try batch?.sync(); result.folder = try batch?.finish() }
            catch { batch?.discard(); throw error }
            return result
        }
        // Pending messages of the run's accounts that are no longer due by e-mail: withdrawn, so that the outbox
        // says what is still to go.
        result.withdrawn += try withdrawStale(keeping: Set(drafts.map(\.customerId) + result.notReady.map(\.customerId)))
        var queued: [Draft] = []
        for start in stride(from: 0, to: drafts.count, by: Self.chunk) {
            let (ready, busy, moved, withdrawn) = try queue(Array(drafts[start..<min(drafts.count, start + Self.chunk)]))
            queued += ready; result.busy += busy; result.moved += moved; result.withdrawn += withdrawn
        }
        drafts = queued
        result.drafts = drafts
        let bounce = store.book.company?.bounceAddress
        // Each message is claimed right before its hand-off, in the save that records the previous one's outcome:
        // the reminder is chosen again there, so one paid, now by letter, or recorded by `relance letters` while this
        // run handed others off is withdrawn, never sent.
        var previous: (draft: Draft, failure: String?)?
        func note(_ p: (draft: Draft, failure: String?)) {
            if let reason = p.failure { result.failed.append(Failure(draft: p.draft, reason: reason)) } else { result.sent.append(p.draft) }
        }
        var handed: [Draft] = []
        for d in drafts {
            let claim = try claim(d, recording: previous)
            if let p = previous { note(p) }
            previous = nil
            switch claim {
            case .go: break
            case .withdrawn(let m): result.withdrawn.append(m); continue
            case .busy: result.busy.append(d.line.customerName); continue
            case .moved: result.moved.append(d.line.customerName); continue
            }
            handed.append(d)
            let reason: String?
            do {
                let bytes = try render(d)
                // The copy is exactly what is handed off (its Date included), and only what is: a message withdrawn
                // at its claim leaves no file that looks sent.
                try batch?.write(d.fileName, data: bytes, account: d.customerId)
                reason = transport.send(bytes, bounce: bounce)
            } catch let e as OutputError {
                if let p = previous { try Self.record(store: store, user: user, date: date, outboxId: p.draft.outboxId, failure: p.failure) }
                throw e
            } catch { reason = MailRun.words(error) }
            previous = (d, reason)
        }
        if let p = previous {
            try Self.record(store: store, user: user, date: date, outboxId: p.draft.outboxId, failure: p.failure)
            note(p)
        }
        result.drafts = handed
        do { try batch?.sync(); result.folder = try batch?.finish() }
        catch { batch?.discard(); throw error }
        return result
    }

    enum Claim { case go, withdrawn(OutboxMessage), busy, moved }

    /// Why a pending reminder no longer goes as it was, from the customer's written line now.
    static func withdrawal(_ now: AgendaLine?) -> String {
        now == nil ? OutboxMessage.Withdrawal.noLongerDue : now?.email == nil ? OutboxMessage.Withdrawal.byLetter : OutboxMessage.Withdrawal.changed
    }

    /// Under the lock, one save: the previous message's outcome, and this one chosen again and claimed for its
    /// hand-off (or withdrawn when no longer due as it was, left when another live run holds it or its figures moved).
    func claim(_ d: Draft, recording previous: (draft: Draft, failure: String?)?) throws -> Claim {
        var outcome = Claim.moved
        do {
            try store.commit(user: user) { book in
                let stamp = Timestamp.now()
                var changes = try previous.map { try Self.outcome(of: $0.draft.outboxId, failure: $0.failure, in: book, user: user, date: date, at: stamp) } ?? []
                outcome = .moved
                if let m = book.outbox[d.outboxId], m.isPending {
                    let current = WrittenReminders.line(of: d.customerId, in: book, date: date, collector: collector, byEmail: nil)
                    if m.isHeldByAnotherLiveRun {
                        outcome = .busy
                    } else if current?.email == nil || current?.reminders != d.line.reminders || current?.email != d.to {
                        changes.append(.mailOutcome(id: d.outboxId, outcome: .withdrawn(reason: Self.withdrawal(current))))
                        outcome = .withdrawn(m)
                    } else if current == d.line {
                        changes.append(.mailOutcome(id: d.outboxId, outcome: .handingOff(at: stamp, claim: RunClaim.mine)))
                        outcome = .go
                    }
                    // (else its figures moved, a part paid: the next run renders it again, under the same Message-ID)
                }
                guard !changes.isEmpty else { throw NothingToQueue() }
                return changes.count == 1 ? changes[0] : .batch(changes: changes)
            }
        } catch is NothingToQueue {}
        return outcome
    }

    /// Whether another live run is handing this customer's e-mail off right now: `relance letters` and the
    /// workstation's `l` leave the customer alone meanwhile (the reminder would go twice).
    public static func isBeingSent(_ customerId: String, in book: Book) -> Bool {
        book.outbox(of: customerId).contains(where: \.isHeldByAnotherLiveRun)
    }

    /// The message's bytes, as sent and as written.
    func render(_ d: Draft) throws -> Data {
        do { return try d.message(date: now()).rendered() }
        catch { throw DomainError.said(MailRun.words(error)) }
    }

    static func words(_ error: Error) -> String {
        switch error {
        case MailMessage.Problem.badAddress(let a): tr("{address} is not an e-mail address a mail system takes (ASCII, one @, a domain with a dot)", ["address": Safe.text(a)])
        case MailMessage.Problem.noRecipient: tr("the message has no recipient")
        case DomainError.said(let s): s
        default: "\(error)"
        }
    }

    /// Drafts of the lines' reminders: rendered with the e-mail templates, their sender and outbox id chosen.
    public func prepare(_ lines: [AgendaLine], in book: Book, notReady: inout [NotReady]) throws -> [Draft] {
        let mailSource: LetterWriter.TemplateSource = { [template] (name: String) throws(DomainError) -> String? in try template(MailRun.mailTemplateName(name)) }
        var good: [AgendaLine] = []
        for l in lines {
            let address = l.email ?? ""
            guard MailMessage.isValid(address) else {
                notReady.append(NotReady(customerId: l.customerId, customerName: l.customerName, problem: .badAddress(address))); continue
            }
            guard Self.sender(collector: l.collector, in: book) != nil else {
                notReady.append(NotReady(customerId: l.customerId, customerName: l.customerName, problem: .noSender)); continue
            }
            good.append(l)
        }
        let letters = try LetterWriter.letters(for: good, date: date, book: book, template: mailSource, limits: limits)
        var drafts: [Draft] = []
        for letter in letters {
            let l = letter.line
            guard let from = Self.sender(collector: l.collector, in: book) else { continue }
            let (subject, body) = Self.split(letter.text)
            guard !subject.isEmpty else {
                throw DomainError.said(tr("template {name}.mustache: the first line of an e-mail template is its subject, and it is empty; e-mails not written",
                                          ["name": Self.mailTemplateName(book.policy.steps.first { $0.id == letter.step }.map { "\($0.template).\(letter.language)" } ?? letter.step)]))
            }
            let (id, messageId) = outboxIdentity(of: l, in: book, from: from.address)
            drafts.append(Draft(line: l, letter: letter, subject: subject, body: body, from: from,
                                replyTo: Self.replyTo(collector: l.collector, in: book, from: from), outboxId: id, messageId: messageId))
        }
        return drafts
    }

    /// From the company (its legal name and address), or with `mailFrom: collector` the account's collector when
    /// they have an address (the company's otherwise); nil when there is no address to send from.
    static func sender(collector: String?, in book: Book) -> MailMessage.Address? {
        let company = book.company ?? CompanyProfile()
        if book.policy.mailSender == .collector, let c = collector.flatMap({ book.users[$0] }), let e = c.email, MailMessage.isValid(e) {
            return .init(name: c.name, e)
        }
        guard let e = company.email, MailMessage.isValid(e) else { return nil }
        return .init(name: company.legalName, e)
    }

    /// Replies go to the collector who follows the account, when they have an address other than the sender's.
    static func replyTo(collector: String?, in book: Book, from: MailMessage.Address) -> MailMessage.Address? {
        guard let c = collector.flatMap({ book.users[$0] }), let e = c.email, MailMessage.isValid(e), e != from.address else { return nil }
        return .init(name: c.name, e)
    }

    /// The outbox message a line's reminder is: the pending one with the same steps, items and address (a retry:
    /// same id, same Message-ID), else a new one (the contact's address changed: a new message, the old withdrawn).
    func outboxIdentity(of line: AgendaLine, in book: Book, from: String) -> (id: String, messageId: String) {
        if let same = Self.pendingSame(line, in: book) { return (same.id, same.messageId) }
        let id = book.newOutboxId(date: date, customerId: line.customerId)
        let domain = from.split(separator: "@").last.map(String.init) ?? "relance.invalid"
        return (id, MailMessage.messageId(for: "relance." + id, domain: domain))
    }

    static func pendingSame(_ line: AgendaLine, in book: Book) -> OutboxMessage? {
        book.outbox(of: line.customerId).last { $0.kind == .reminder && $0.isPending && $0.reminders == line.reminders && $0.to == line.email }
    }

    /// A rendered e-mail template: its first line is the subject, the rest (after the blank line) the body.
    static func split(_ text: String) -> (subject: String, body: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let subject = lines.isEmpty ? "" : String(lines.removeFirst()).trimmingCharacters(in: .whitespaces)
        while lines.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeFirst() }
        return (subject, lines.joined(separator: "\n"))
    }

    private struct NothingToQueue: Error {}

    /// Under the lock, one save: each draft still true is put in the outbox (or its pending message taken up again);
    /// each is claimed later, right before its own hand-off (`claim`). Returns those, the customers another live run
    /// is sending to, those whose account moved, and the pending messages a new reminder replaced.
    func queue(_ drafts: [Draft]) throws -> (ready: [Draft], busy: [String], moved: [String], withdrawn: [OutboxMessage]) {
        var ready: [Draft] = [], busy: [String] = [], moved: [String] = [], withdrawn: [OutboxMessage] = []
        do {
            try store.commit(user: user) { book in
                ready = []; busy = []; moved = []; withdrawn = []
                var changes: [Change] = []
                for var d in drafts {
                    guard let current = WrittenReminders.line(of: d.customerId, in: book, date: date, collector: collector, byEmail: true),
                          current == d.line else { moved.append(d.line.customerName); continue }
                    let pending = book.outbox(of: d.customerId).filter { $0.kind == .reminder && $0.isPending }
                    if let same = Self.pendingSame(d.line, in: book) {
                        if same.isHeldByAnotherLiveRun {
                            busy.append(d.line.customerName); continue
                        }
                        d.outboxId = same.id; d.messageId = same.messageId
                    } else if book.outbox[d.outboxId] != nil {
                        // Planned as new, but another run took the id meanwhile: a new one (and so a new Message-ID).
                        (d.outboxId, d.messageId) = outboxIdentity(of: d.line, in: book, from: d.from.address)
                    }
                    for other in pending where other.id != d.outboxId {
                        if other.isHeldByAnotherLiveRun { continue }
                        changes.append(.mailOutcome(id: other.id, outcome: .withdrawn(reason: OutboxMessage.Withdrawal.replaced(by: d.outboxId))))
                        withdrawn.append(other)
                    }
                    if book.outbox[d.outboxId] == nil {
                        changes.append(.queueMail(message: OutboxMessage(id: d.outboxId, customerId: d.customerId, kind: .reminder,
                            messageId: d.messageId, to: d.to, subject: d.subject, reminders: d.line.reminders, date: date, createdBy: user)))
                    }
                    ready.append(d)
                }
                guard !changes.isEmpty else { throw NothingToQueue() }
                return .batch(changes: changes)
            }
        } catch is NothingToQueue {}
        return (ready, busy, moved, withdrawn)
    }

    /// Under the lock, right after the hand-off: sent (with the reminder's activities) or failed with its reason.
    static func record(store: any BookStore, user: String, date: CalendarDate, outboxId: String, failure: String?) throws {
        try store.commit(user: user) { book in
            let changes = try outcome(of: outboxId, failure: failure, in: book, user: user, date: date, at: Timestamp.now())
            return changes.count == 1 ? changes[0] : .batch(changes: changes)
        }
    }

    /// The changes recording a hand-off's outcome: failed with its reason, or sent with the reminder's activities.
    static func outcome(of outboxId: String, failure: String?, in book: Book, user: String, date: CalendarDate, at stamp: String) throws -> [Change] {
        if let failure { return [.mailOutcome(id: outboxId, outcome: .failed(at: stamp, reason: failure))] }
        guard let m = book.outbox[outboxId] else { throw DomainError.unknown(.mail, outboxId) }
        return [.mailOutcome(id: outboxId, outcome: .sent(at: stamp))]
            + m.sentActivities(user: user, date: date, at: stamp, policy: book.policy).map { .logActivity(activity: $0) }
    }

    /// Pending reminders of the run's accounts (outside `keeping`) that no longer go by e-mail today: withdrawn.
    func withdrawStale(keeping: Set<String>) throws -> [OutboxMessage] {
        var out: [OutboxMessage] = []
        do {
            try store.commit(user: user) { book in
                out = []
                var changes: [Change] = []
                for m in book.pendingMail where m.kind == .reminder && !keeping.contains(m.customerId) && customers?.contains(m.customerId) != false {
                    guard Agenda.isInScope(m.customerId, collector: collector, in: book), !m.isHeldByAnotherLiveRun else { continue }
                    let line = WrittenReminders.line(of: m.customerId, in: book, date: date, collector: nil, byEmail: nil)
                    changes.append(.mailOutcome(id: m.id, outcome: .withdrawn(reason: Self.withdrawal(line))))
                    out.append(m)
                }
                guard !changes.isEmpty else { throw NothingToQueue() }
                return .batch(changes: changes)
            }
        } catch is NothingToQueue {}
        return out
    }
}
