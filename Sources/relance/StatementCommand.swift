import ArgumentParser
import Foundation
import Interchange
import Receivables
import TextSafety
import Wording

/// `relance statement`: a customer's statement of account (relevé de compte) at a date, printed or e-mailed (issue 22).
struct StatementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "statement",
        abstract: tr("Print a customer's statement of account (open items, payments and credit notes of a period, balance), or e-mail it."),
        discussion: tr("The text is in the customer's language, from the statement.<fr|en>.mustache template (your own with --templates). With --send it goes by e-mail to the customer's first contact with an address, through the outbox like a reminder."))

    @OptionGroup var options: StoreOptions
    @Argument(help: ArgumentHelp(tr("The customer's id."))) var customer: String
    @Option(help: ArgumentHelp(tr("The statement's day: the book as it was at its end (default: today).")), transform: CalendarDate.fromArgument)
    var asOf: CalendarDate?
    @Option(help: ArgumentHelp(tr("First day of the payments and credit notes listed (default: the first day of the month two months before --as-of).")), transform: CalendarDate.fromArgument)
    var from: CalendarDate?
    @Option(help: ArgumentHelp(tr("text, csv or json."))) var format: OutputFormat = .text
    @Flag(help: ArgumentHelp(tr("Send it by e-mail (collectors and supervisors), recorded in the outbox and the account's history.")))
    var send = false
    @Option(help: ArgumentHelp(tr("A folder of your own templates, used before the bundled ones."))) var templates: String?
    @Option(help: ArgumentHelp(tr("Who you are (only yourself; see `relance --help`)."))) var user: String?

    func run() throws {
        let store = try openStore(options.store, readOnly: !send)
        let me = try Identity.require(book: store.book, requested: user, doing: tr("a statement of account"))
        let asOf = self.asOf ?? .today()
        if let from, from > asOf {
            warn(tr("--from {from} is after --as-of {asOf}", ["from": from.french, "asOf": asOf.french])); throw ExitCode(2)
        }
        guard store.book.customers[customer] != nil else { warn(tr("no customer {id}", ["id": Safe.text(customer)])); throw ExitCode(1) }
        try OutputChecks.requireTemplates(templates)
        let source = LetterWriter.templates(in: templates)
        guard send else {
            let statement = store.book.statement(of: customer, asOf: asOf, from: from)!
            switch format {
            case .text:
                do { print(try StatementWriter.text(statement, book: store.book, template: source), terminator: "") }
                catch { warn(error.message); throw ExitCode(1) }
            case .csv: print(StatementWriter.csv(statement), terminator: "")
            case .json: print(StatementWriter.json(statement))
            }
            return
        }
        guard Permission.allows(me.role, .writtenReminder) else {
            warn(tr("sending a statement is for collectors and supervisors; you are {id} ({role})\nNothing was changed.", ["id": "\(me.id)", "role": me.role.label]))
            throw ExitCode(2)
        }
        // As for reminders: a collector e-mails their own accounts' statements, a supervisor anyone's.
        if me.role == .collector, store.book.assignedCollector(of: customer) != me.id {
            warn(tr("{id} is {collector}'s account: only they or a supervisor e-mail its statement\nNothing was changed.", ["id": Safe.text(customer), "collector": store.book.assignedCollector(of: customer) ?? "—"]))
            throw ExitCode(2)
        }
        let mail = StatementMail(store: store, user: me.id, transport: SendmailTransport(command: store.book.settings.mailCommand), template: source)
        do {
            let sent = try mail.send(customerId: customer, asOf: asOf, from: from, date: .today())
            if let failure = sent.failure {
                warn(tr("the statement to {address} failed: {reason} (outbox {id}; send it again to retry)", ["address": Safe.text(sent.to), "reason": Safe.text(failure), "id": sent.outboxId]))
                throw ExitCode(3)
            }
            say(tr("statement of account sent to {address} ({messageId})", ["address": Safe.text(sent.to), "messageId": sent.messageId]))
        } catch let p as StatementMail.Problem {
            switch p {
            case .unknownCustomer(let id): warn(tr("no customer {id}", ["id": Safe.text(id)]))
            case .noAddress(let id, let address):
                warn(address == nil ? tr("{id} has no contact with an e-mail address\nNothing was changed.", ["id": Safe.text(id)])
                     : tr("{id}: {address} is not an address a mail system takes (ASCII, one @, a domain with a dot)\nNothing was changed.", ["id": Safe.text(id), "address": Safe.text(address ?? "")]))
            case .noSender: warn(tr("the company profile has no e-mail address to send from: relance company set --email ADDRESS\nNothing was changed."))
            case .busy(let id): warn(tr("another run is sending this statement right now ({id})\nNothing was changed.", ["id": id]))
            }
            throw ExitCode(2)
        } catch let e as DomainError { warn(e.message); throw ExitCode(1) }
        if let problem = store.maintain() { warn(problem) }
    }
}
