import DemoData
import FileStore
import Foundation
import Testing
import TestSupport
@testable import Interchange
@testable import Receivables

/// A transport that keeps what it is handed and refuses the addresses it is told to.
final class RecordingTransport: MailTransport, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var handed: [(message: String, bounce: String?)] = []
    var refusing: Set<String> = []

    func send(_ message: Data, bounce: String?) -> String? {
        lock.lock(); defer { lock.unlock() }
        let text = String(decoding: message, as: UTF8.self)
        handed.append((text, bounce))
        if let to = refusing.first(where: { text.contains("<\($0)>\r\n") }) { return "550 5.1.1 <\(to)>: mailbox unavailable" }
        return nil
    }

    func messageIds(to address: String) -> [String] {
        handed.filter { $0.message.contains("<\(address)>\r\n") }.compactMap { h in
            h.message.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID: ") }.map { String($0.dropFirst(12)) }
        }
    }
}

/// Issue 22: the e-mail run over a store, with a transport of the test's own (the real SMTP server is MailSMTPTests').
@Suite struct MailRunTests {
    static let today = Fixtures.date("2026-11-23")

    func store(_ dir: TempDirectory, customers: Int = 30) throws -> JSONFileStore {
        var book = try DemoGenerator(customers: customers, seed: 3, today: Self.today).book()
        try book.apply(.setCompany(company: CompanyProfile(legalName: "Aciers SAS", email: "recouvrement@aciers.example",
                                                            bounceEmail: "retours@aciers.example", signatory: "Hélène Dupré")))
        return try JSONFileStore.create(directory: dir.path + "/store", book: book)
    }

    func mail(_ store: any BookStore, _ transport: (any MailTransport)?, out: String? = nil) -> MailRun {
        MailRun(store: store, user: "helene", date: Self.today, collector: nil, template: LetterWriter.bundledTemplate, transport: transport, out: out)
    }

    @Test func lettersAndEmailsSplitTheDaysWrittenRemindersAndNeverOverlap() throws {
        let dir = TempDirectory("mail-split"); defer { dir.remove() }
        let store = try store(dir)
        let written = Agenda(book: store.book, date: Self.today, collector: nil).written.filter { $0.channel != .litigationReview }
        let letters = try LetterRun(store: store, user: "helene", date: Self.today, collector: nil, out: dir.path + "/letters",
                                    template: LetterWriter.bundledTemplate).run(markSent: false)
        let mails = try mail(store, nil, out: dir.path + "/mails").run()
        let byPost = Set(letters.letters.map(\.line.customerId) + letters.notReady.map(\.customerId))
        let byEmail = Set(mails.drafts.map(\.customerId) + mails.notReady.map(\.customerId))
        #expect(!byPost.isEmpty && !byEmail.isEmpty, "the demo has both")
        #expect(byPost.isDisjoint(with: byEmail))
        #expect(byPost.union(byEmail) == Set(written.map(\.customerId)))
        for d in mails.drafts {
            let customer = store.book.customers[d.customerId]!
            #expect(d.to == customer.contacts.compactMap(\.email).first)
            #expect(d.line.reasons.allSatisfy { r in store.book.policy.steps.first { $0.id == r.step }!.allowsEmail })
        }
        for l in letters.letters {
            let hasAddress = store.book.customers[l.line.customerId]!.reminderEmail != nil
            #expect(!hasAddress || l.line.reasons.contains { r in !store.book.policy.steps.first { $0.id == r.step }!.allowsEmail },
                    "\(l.line.customerId) has an address and every step allows e-mail, yet goes by post")
        }
        // Written only: nothing recorded, one .eml per message.
        #expect(store.book.outbox.isEmpty)
        let folder = try #require(mails.folder)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == Set(mails.drafts.map(\.fileName)))
    }

    /// An outside audit: e-mail templates saved with Windows line endings put the whole message in the subject.
    @Test func aTemplateWithCRLFLineEndingsReadsAsAnyOther() throws {
        let dir = TempDirectory("mail-crlf"); defer { dir.remove() }
        let store = try store(dir)
        let folder = dir.file("templates")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["reminder-overdue.mail.fr", "reminder-courtesy.mail.fr", "reminder-overdue.mail.en", "reminder-courtesy.mail.en"] {
            let text = try #require(LetterWriter.bundledTemplate(name))
            try Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: URL(fileURLWithPath: folder + "/" + name + ".mustache"))
        }
        let crlf = try MailRun(store: store, user: "helene", date: Self.today, collector: nil, template: LetterWriter.templates(in: folder), transport: nil, out: nil).run()
        let lf = try mail(store, nil).run()
        #expect(!crlf.drafts.isEmpty && crlf.drafts.map(\.subject) == lf.drafts.map(\.subject) && crlf.drafts.map(\.body) == lf.drafts.map(\.body))
        // An empty template: refused, naming it, rather than e-mails without subject.
        try Data().write(to: URL(fileURLWithPath: folder + "/reminder-overdue.mail.fr.mustache"))
        #expect(throws: DomainError.self) { try MailRun(store: store, user: "helene", date: Self.today, collector: nil, template: LetterWriter.templates(in: folder), transport: nil, out: nil).run() }
    }

    @Test func aRefusalIsRecordedWithItsReasonAndTheNextRunSendsOnlyItUnderTheSameMessageID() throws {
        let dir = TempDirectory("mail-retry"); defer { dir.remove() }
        let store = try store(dir)
        let transport = RecordingTransport()
        let planned = try mail(store, nil).run().drafts
        try #require(planned.count >= 3)
        let refused = planned[1]
        transport.refusing = [refused.to]
        let first = try mail(store, transport).run()
        #expect(first.sent.count == planned.count - 1 && first.failed.map(\.draft.customerId) == [refused.customerId])
        #expect(first.failed.first?.reason.contains("550 5.1.1") == true)
        #expect(transport.handed.allSatisfy { $0.bounce == "retours@aciers.example" })
        let entry = try #require(store.book.outbox(of: refused.customerId).first)
        #expect(entry.status == .failed && entry.attempts == 1 && entry.reason?.contains("550") == true)
        // The failed customer's items did not move: the agenda still asks for the same reminder.
        #expect(WrittenReminders.line(of: refused.customerId, in: store.book, date: Self.today, collector: nil, byEmail: true)?.reminders == refused.line.reminders)
        // The sent ones are in the history, naming their Message-ID, and off today's agenda.
        for d in first.sent {
            #expect(try store.history(of: d.customerId).contains { $0.channel == .email && $0.note.contains(d.messageId) })
            #expect(WrittenReminders.line(of: d.customerId, in: store.book, date: Self.today) == nil)
        }
        transport.refusing = []
        let second = try mail(store, transport).run()
        #expect(second.sent.map(\.customerId) == [refused.customerId] && second.failed.isEmpty)
        let ids = transport.messageIds(to: refused.to)
        #expect(ids.count == 2 && ids[0] == ids[1], "the retry is the same message: \(ids)")
        #expect(store.book.outbox(of: refused.customerId).map(\.status) == [.sent])
        #expect(store.book.outbox(of: refused.customerId).first?.attempts == 2)
        #expect(try mail(store, transport).run().drafts.isEmpty)
    }

    /// With `--send --out`, the folder holds exactly what was handed off, byte for byte, and nothing withdrawn.
    @Test func theCopiesAreWhatWasHandedOff() throws {
        let dir = TempDirectory("mail-copies"); defer { dir.remove() }
        let store = try store(dir)
        let transport = RecordingTransport()
        let r = try mail(store, transport, out: dir.path + "/out").run()
        let folder = try #require(r.folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files == r.drafts.map(\.fileName).sorted() && files.count == transport.handed.count)
        let copies = Set(try files.map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) })
        #expect(copies == Set(transport.handed.map(\.message)))
    }

    @Test func aMessageNoLongerDueIsWithdrawnNotSent() throws {
        let dir = TempDirectory("mail-withdraw"); defer { dir.remove() }
        let store = try store(dir)
        let transport = RecordingTransport()
        let planned = try mail(store, nil).run().drafts
        let target = try #require(planned.first)
        transport.refusing = [target.to]
        _ = try mail(store, transport).run()
        #expect(store.book.outbox(of: target.customerId).first?.status == .failed)
        // The customer pays everything the reminder was about: the failed message is withdrawn by the next run.
        try store.commit(user: "helene") { book in
            let allocations = target.line.reasons.flatMap(\.invoices).map { Allocation(invoice: $0, amount: book.openAmount($0)) }
            return .recordPayment(payment: Payment(id: "PAID", customerId: target.customerId, date: Self.today, amount: allocations.sum(\.amount), allocations: allocations))
        }
        transport.refusing = []
        let before = transport.handed.count
        let next = try mail(store, transport).run()
        let entry = try #require(store.book.outbox(of: target.customerId).first)
        if WrittenReminders.line(of: target.customerId, in: store.book, date: Self.today, collector: nil, byEmail: true) == nil {
            #expect(entry.status == .withdrawn && entry.reason == OutboxMessage.Withdrawal.noLongerDue)
            #expect(next.withdrawn.map(\.id) == [entry.id])
            #expect(transport.messageIds(to: target.to).count == 1, "handed once (refused), never again")
        } else {
            // Another item of the customer is still due: a new reminder replaces the old one, under a new Message-ID.
            #expect(entry.status == .withdrawn && entry.reason?.hasPrefix("replaced:") == true)
            #expect(Set(transport.messageIds(to: target.to)).count == 2)
        }
        #expect(transport.handed.count >= before)
    }

    @Test func aMessageAnotherLiveRunIsHandingOffIsLeftToIt() throws {
        let dir = TempDirectory("mail-claim"); defer { dir.remove() }
        let store = try store(dir)
        let planned = try mail(store, nil).run().drafts
        let target = try #require(planned.first)
        // Queued and claimed by process 1 (alive on every machine): another run's hand-off in progress.
        let live = "\(RunClaim.host):1:\(try #require(RunClaim.startTime(of: 1)))"
        try store.commit(user: "helene") { _ in
            .batch(changes: [.queueMail(message: OutboxMessage(id: target.outboxId, customerId: target.customerId, kind: .reminder, messageId: target.messageId,
                                                               to: target.to, subject: target.subject, reminders: target.line.reminders, date: Self.today, createdBy: "amelie")),
                             .mailOutcome(id: target.outboxId, outcome: .handingOff(at: "t", claim: live))])
        }
        let transport = RecordingTransport()
        let r = try mail(store, transport).run()
        #expect(r.busy == [target.line.customerName])
        #expect(transport.messageIds(to: target.to).isEmpty)
        // A dead run's claim (pid 1 with another start time: a run killed, its pid since reused) is taken over: the
        // message is handed off again, under its Message-ID.
        let dead = "\(RunClaim.host):1:1"
        #expect(!RunClaim.isAlive(dead) && RunClaim.isAlive(RunClaim.mine))
        try store.commit(user: "helene") { _ in .mailOutcome(id: target.outboxId, outcome: .handingOff(at: "t", claim: dead)) }
        let again = try mail(store, transport).run()
        #expect(again.busy.isEmpty && again.sent.map(\.customerId).contains(target.customerId))
        #expect(transport.messageIds(to: target.to) == [target.messageId])
    }

    /// The channel rule on a hand-made book: the step decides, then the address. C1's contact has an address;
    /// F1 is 5 days overdue (the reminder after due: by e-mail), F2 40 days (the formal notice: by post, and the
    /// letter takes F1 along: one letter per customer). A policy step may send a formal notice by e-mail.
    @Test func aFormalNoticeStaysALetterUnlessThePolicySaysOtherwise() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-10-01", "2026-11-18", "300.00")])
        var c = b.customers["C1"]!
        c.contacts[0].email = "compta@client.example"
        try b.apply(.upsertCustomer(customer: c))
        let line = try #require(Agenda(book: b, date: Self.today, collector: nil).written.first)
        #expect(line.email == "compta@client.example" && line.sentBy == .email)
        try b.apply(.upsertInvoice(invoice: Invoice(number: "F2", customerId: "C1", issueDate: Fixtures.date("2026-09-01"), dueDate: Fixtures.date("2026-10-14"), amount: Fixtures.eur("200.00"))))
        // F2 had its first reminder on 01/11: at 30 days after due (13/11) its next step is the formal notice.
        try b.apply(.logActivity(activity: Activity(id: "L1", at: "t", date: Fixtures.date("2026-11-01"), user: "amelie", customerId: "C1",
                                                    invoices: ["F2"], channel: .letter, note: "", step: "reminder-after-due")))
        let notice = try #require(Agenda(book: b, date: Self.today, collector: nil).written.first)
        #expect(notice.channel == .formalNotice && notice.email == nil && notice.sentBy == .formalNotice)
        var policy = b.policy
        policy.steps = policy.steps.map { var s = $0; if s.channel == .formalNotice { s.byEmail = true }; return s }
        try b.apply(.setPolicy(policy: policy, user: "helene", at: "t"))
        #expect(Agenda(book: b, date: Self.today, collector: nil).written.first?.email == "compta@client.example")
        // No address: a letter whatever the policy says.
        c = b.customers["C1"]!
        c.contacts[0].email = "  "
        try b.apply(.upsertCustomer(customer: c))
        #expect(Agenda(book: b, date: Self.today, collector: nil).written.first?.email == nil)
    }
}
