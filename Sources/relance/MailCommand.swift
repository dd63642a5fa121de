import ArgumentParser
import Foundation
import Interchange
import OutputFiles
import Receivables
import TextSafety
import Wording

/// `relance mail`: the day's written reminders that go by e-mail, as `.eml` files (`--out`) and handed to the
/// company's mail system (`--send`), recorded in the outbox (issue 22; docs/MAIL.md).
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mail",
        abstract: tr("Write the day's e-mail reminders as .eml files (--out) and hand them to the mail system (--send)."),
        discussion: tr("A written reminder goes by e-mail when the customer's first contact with an address has one and every step of it allows e-mail (formal notices stay letters unless the policy's step says byEmail); relance letters writes the others. --send hands each message to the store's mail command (relance company set --mailer; default /usr/sbin/sendmail -t -i) with -f the company's bounce address, records it sent right after, or failed with the mail system's reason; the next run retries what failed, under the same Message-ID."))

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: StoreOptions
    @OptionGroup var which: AgendaOptions

    @Option(help: ArgumentHelp(tr("Directory to write a copy of each message to, as .eml files (created if needed).")))
    var out: String?

    @Flag(help: ArgumentHelp(tr("Hand each message to the mail system and record it in the outbox and the account's history.")))
    var send = false

    @Option(help: ArgumentHelp(tr("A folder of your own templates, used before the bundled ones.")))
    var templates: String?

    @Option(help: ArgumentHelp(tr("text (a summary) or json (each message: customer, address, Message-ID, status, reason).")))
    var format: Format = .text

    @Option(help: ArgumentHelp(tr("Who you are (only yourself). Sending is for the account's collector or a supervisor.")))
    var user: String?

    func validate() throws {
        guard out != nil || send else { throw ValidationError(tr("say --out DIR (write the messages), --send (hand them to the mail system), or both")) }
    }

    func run() throws {
        let store = try openStore(options.store, readOnly: !send)
        let me = try Identity.require(book: store.book, requested: user, doing: tr("e-mails"))
        var which = self.which
        let date = which.date ?? .today()
        if send {
            try OutputChecks.requireOwnAccounts(&which.collector, me: me,
                notAllowed: tr("sending e-mails is for collectors and supervisors; you are {id} ({role})\nNothing was changed.", ["id": "\(me.id)", "role": me.role.label]),
                notYours: { tr("--collector {collector}: you can send only your own accounts' e-mails ({id}); a supervisor can do it for anyone\nNothing was changed.", ["collector": $0, "id": me.id]) })
            try OutputChecks.requireNotFuture(date, in: store.book,
                refusal: tr("--date {date} is in the future: e-mails are recorded as sent on the day they go out\nNothing was changed.", ["date": date.french]))
        }
        try OutputChecks.requireTemplates(templates)
        try OutputChecks.requireCollector(which.collector, in: store.book)
        if let out {
            try OutputChecks.requireOut(out, store: options.store)
            do { try OutputPath.checkLinks(out) } catch {
                warn(tr("--out {problem}\nNothing was changed.", ["problem": Safe.text(error.description)])); throw ExitCode(1)
            }
        }
        let company = store.book.company ?? CompanyProfile()
        if store.book.policy.mailSender == .company, !(company.email.map(MailMessage.isValid) ?? false) {
            warn(tr("the company profile has no e-mail address to send from: relance company set --email ADDRESS\nNothing was changed."))
            throw ExitCode(2)
        }
        if send, (company.bounceEmail ?? "").isEmpty {
            warn(tr("the company profile has no bounce address: bounces go to {email} (relance company set --bounce-email ADDRESS)", ["email": Safe.text(company.email ?? "")]))
        }
        let transport: (any MailTransport)? = send ? SendmailTransport(command: store.book.settings.mailCommand) : nil
        let run = MailRun(store: store, user: me.id, date: date, collector: which.collector, template: LetterWriter.templates(in: templates),
                          transport: transport, out: out)
        let result: MailRun.Result
        do { result = try run.run() }
        catch let e as DomainError { warn(e.message); throw ExitCode(1) }
        catch let e as OutputError { warn(tr("--out {problem}", ["problem": Safe.text(e.description)])); throw ExitCode(1) }
        if let out { LettersCommand.report(result.recovered, out: out) }
        switch format {
        case .text: summarize(result)
        case .json: print(MailJSON.render(result, sent: send))
        }
        if !result.notReady.isEmpty {
            let list = result.notReady.prefix(10).map { n -> String in
                switch n.problem {
                case .badAddress(let a): tr("{id} {name} ({address} is not an address a mail system takes: ASCII, one @, a domain with a dot)", ["id": n.customerId, "name": Safe.text(n.customerName), "address": Safe.text(a)])
                case .noSender: tr("{id} {name} (no address to send from: the collector's and the company's are missing)", ["id": n.customerId, "name": Safe.text(n.customerName)])
                }
            }
            warn(trn("{count} e-mail not ready, neither written nor sent: ", "{count} e-mails not ready, neither written nor sent: ", count: result.notReady.count)
                 + list.joined(separator: "; ") + (result.notReady.count > 10 ? "; ..." : ""))
        }
        if !result.busy.isEmpty {
            warn(trn("{count} e-mail is being sent by another run right now: left to it ({accounts})", "{count} e-mails are being sent by another run right now: left to it ({accounts})",
                     count: result.busy.count, ["accounts": result.busy.prefix(5).map(Safe.text).joined(separator: ", ")]))
        }
        if !result.moved.isEmpty {
            warn(trn("{count} account changed while its e-mail was prepared, left for the next run: {accounts}", "{count} accounts changed while their e-mails were prepared, left for the next run: {accounts}",
                     count: result.moved.count, ["accounts": result.moved.prefix(5).map(Safe.text).joined(separator: ", ")]))
        }
        if send, let problem = store.maintain() { warn(problem) }
        if !result.failed.isEmpty { throw ExitCode(3) }
    }

    private func summarize(_ r: MailRun.Result) {
        if send {
            var line = trn("{count} e-mail sent", "{count} e-mails sent", count: r.sent.count)
            if !r.failed.isEmpty { line += tr(", {count} failed (retried by the next run)", ["count": "\(r.failed.count)"]) }
            if let folder = r.folder { line += tr("; copies in {folder}", ["folder": folder]) }
            say(line)
            for f in r.failed {
                warn(tr("{id} {name} <{address}>: {reason}", ["id": f.draft.customerId, "name": Safe.text(f.draft.line.customerName), "address": Safe.text(f.draft.to), "reason": Safe.text(f.reason)]))
            }
        } else if let folder = r.folder {
            say(trn("{count} e-mail written to {folder}", "{count} e-mails written to {folder}", count: r.drafts.count, ["folder": folder]))
        } else {
            say(trn("{count} e-mail written", "{count} e-mails written", count: 0))
        }
        if !r.withdrawn.isEmpty {
            say(trn("{count} e-mail of an earlier run withdrawn (no longer due as it was)", "{count} e-mails of earlier runs withdrawn (no longer due as they were)", count: r.withdrawn.count))
        }
    }
}

/// `mail --format json`: `{"folder":…,"messages":[{"customer_id","to","message_id","outbox_id","file","subject","status","reason",
/// "invoices":[{"number","level"}]}],"not_ready":[{"customer_id","problem","address"}],"withdrawn":["outbox id"]}`; `status` is
/// `written` without `--send`, else `sent` or `failed`.
enum MailJSON {
    struct Output: Encodable { var folder: String?; var messages: [Message]; var not_ready: [NotReady]; var withdrawn: [String] }
    struct Message: Encodable {
        var customer_id: String, to: String, message_id: String, outbox_id: String, file: String, subject: String, status: String
        var reason: String?, language: String, invoices: [Item]
    }
    struct Item: Encodable { var number: String; var level: Int }
    struct NotReady: Encodable { var customer_id: String; var problem: String; var address: String? }

    static func render(_ r: MailRun.Result, sent: Bool) -> String {
        let failed = Dictionary(r.failed.map { ($0.draft.outboxId, $0.reason) }, uniquingKeysWith: { a, _ in a })
        let out = Output(folder: r.folder, messages: r.drafts.map { d in
            Message(customer_id: d.customerId, to: d.to, message_id: d.messageId, outbox_id: d.outboxId, file: d.fileName, subject: d.subject,
                    status: !sent ? "written" : failed[d.outboxId] == nil ? "sent" : "failed", reason: failed[d.outboxId],
                    language: d.letter.language, invoices: d.letter.items.map { Item(number: $0.number, level: $0.level) })
        }, not_ready: r.notReady.map { n in
            switch n.problem {
            case .badAddress(let a): NotReady(customer_id: n.customerId, problem: "bad-address", address: a)
            case .noSender: NotReady(customer_id: n.customerId, problem: "no-sender", address: nil)
            }
        }, withdrawn: r.withdrawn.map(\.id))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Safe.json(String(decoding: (try? encoder.encode(out)) ?? Data("{\"messages\":[]}".utf8), as: UTF8.self))
    }
}
