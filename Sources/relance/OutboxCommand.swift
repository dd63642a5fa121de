import ArgumentParser
import Foundation
import Receivables
import TextSafety
import Wording

/// `relance outbox`: the e-mails handed to the mail system and where each stands (issue 22). Only reads.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "outbox",
        abstract: tr("List the e-mails Relance handed to the mail system: queued, sent, failed (with the reason) or withdrawn."))

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: StoreOptions
    @Option(help: ArgumentHelp(tr("Only this customer's messages."))) var customer: String?
    @Option(help: ArgumentHelp(tr("Only messages in this state: queued, sent, failed or withdrawn.")))
    var status: OutboxMessage.Status?
    @Option(help: ArgumentHelp(tr("text (one line each) or json."))) var format: Format = .text
    @Option(help: ArgumentHelp(tr("Who you are (only yourself; see `relance --help`)."))) var user: String?

    func run() throws {
        let store = try openStore(options.store, readOnly: true)
        _ = try Identity.require(book: store.book, requested: user, doing: tr("the outbox"))
        let book = store.book
        if let customer, book.customers[customer] == nil {
            warn(tr("no customer {id}", ["id": Safe.text(customer)])); throw ExitCode(1)
        }
        let ids = customer.map { [$0] } ?? book.customerOrder
        let list = ids.flatMap { book.outbox(of: $0) }.filter { status == nil || $0.status == status }
        switch format {
        case .json:
            struct Row: Encodable {
                var id, customer_id, kind, message_id, to, subject, status, date: String
                var attempts: Int; var reason: String?; var sent_at: String?; var last_attempt_at: String?
            }
            let rows = list.map { m in
                Row(id: m.id, customer_id: m.customerId, kind: m.kind.rawValue, message_id: m.messageId, to: m.to, subject: m.subject,
                    status: m.status.rawValue, date: m.date.iso, attempts: m.attempts, reason: m.reason, sent_at: m.sentAt, last_attempt_at: m.lastAttemptAt)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(Safe.json(String(decoding: (try? encoder.encode(rows)) ?? Data("[]".utf8), as: UTF8.self)))
        case .text:
            guard !list.isEmpty else { say(tr("The outbox is empty.")); return }
            for m in list {
                let why = m.reasonText.map { " — " + Safe.text($0) } ?? ""
                print("\(m.id)  \(m.status.label)  \(Safe.text(m.to))  \(Safe.text(m.subject))\(why)")
            }
        }
    }
}

extension OutboxMessage.Status: ExpressibleByArgument {}
