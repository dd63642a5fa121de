import Foundation
import Receivables
import Wording

/// A statement of account sent by e-mail like a reminder (issue 22, 4): put in the outbox under the lock, handed
/// off outside it, recorded sent (with a history entry) or failed right after. Sending again a statement at the same
/// date that failed or was left in doubt takes up its outbox message: same id, same Message-ID.
public struct StatementMail {
    public var store: any BookStore
    public var user: String
    public var transport: any MailTransport
    public var template: LetterWriter.TemplateSource
    public var now: () -> Date = Date.init

    public init(store: any BookStore, user: String, transport: any MailTransport, template: @escaping LetterWriter.TemplateSource) {
        self.store = store; self.user = user; self.transport = transport; self.template = template
    }

    public enum Problem: Error, Equatable {
        case unknownCustomer(String)
        /// The customer has no contact with an address, or one a mail system does not take.
        case noAddress(customer: String, address: String?)
        case noSender
        /// Another run is handing this statement off right now.
        case busy(String)
    }

    public struct Sent: Sendable {
        public var outboxId: String
        public var messageId: String
        public var to: String
        /// The mail system's words when it refused; nil: sent.
        public var failure: String?
    }

    public func send(customerId: String, asOf: CalendarDate, from: CalendarDate?, date: CalendarDate) throws -> Sent {
        _ = try store.refresh()
        let (subject, body, to, sender, replyTo) = try { () throws -> (String, String, String, MailMessage.Address, MailMessage.Address?) in
            let book = store.book
            guard let customer = book.customers[customerId], let statement = book.statement(of: customerId, asOf: asOf, from: from)
            else { throw Problem.unknownCustomer(customerId) }
            guard let to = customer.reminderEmail, MailMessage.isValid(to) else { throw Problem.noAddress(customer: customerId, address: customer.reminderEmail) }
            let collector = book.assignedCollector(of: customerId)
            guard let sender = MailRun.sender(collector: collector, in: book) else { throw Problem.noSender }
            let text = try StatementWriter.text(statement, book: book, mail: true, template: template)
            let (subject, body) = MailRun.split(text)
            return (subject, body, to, sender, MailRun.replyTo(collector: collector, in: book, from: sender))
        }()
        var id = "", messageId = ""
        try store.commit(user: user) { book in
            let pending = book.outbox(of: customerId).last { $0.kind == .statement && $0.isPending && $0.subject == subject && $0.to == to }
            var changes: [Change] = []
            if let pending {
                if pending.isHeldByAnotherLiveRun { throw Problem.busy(pending.id) }
                id = pending.id; messageId = pending.messageId
            } else {
                id = book.newOutboxId(date: asOf, customerId: customerId, kind: .statement)
                let domain = sender.address.split(separator: "@").last.map(String.init) ?? "relance.invalid"
                messageId = MailMessage.messageId(for: "relance." + id, domain: domain)
                changes.append(.queueMail(message: OutboxMessage(id: id, customerId: customerId, kind: .statement, messageId: messageId, to: to,
                                                                 subject: subject, reminders: [], date: date, createdBy: user)))
            }
            changes.append(.mailOutcome(id: id, outcome: .handingOff(at: Timestamp.now(), claim: RunClaim.mine)))
            return .batch(changes: changes)
        }
        let message = MailMessage(from: sender, replyTo: replyTo, to: [.init(name: store.book.customers[customerId]?.contacts.first?.name, to)],
                                  subject: subject, body: body, date: now(), messageId: messageId)
        let failure: String?
        do {
            failure = transport.send(try message.rendered(), bounce: store.book.company?.bounceAddress)
        } catch { failure = MailRun.words(error) }
        try MailRun.record(store: store, user: user, date: date, outboxId: id, failure: failure)
        return Sent(outboxId: id, messageId: messageId, to: to, failure: failure)
    }
}
