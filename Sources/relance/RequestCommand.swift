import ArgumentParser
import FileStore
import Foundation
import Interchange
import Receivables
import TextSafety
import Wording

/// `relance request`: a salesperson asks for a higher credit limit or raises a risk flag; supervisors approve or
/// refuse with a note (issue 20). The JSON keys are a contract scripts rely on.
struct RequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request", abstract: tr("File, list, approve or refuse requests on accounts (credit limit, risk flag)."),
                                                    subcommands: [New.self, List.self, Approve.self, Refuse.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("File a request: a higher credit limit, or a risk flag."),
                                                        subcommands: [CreditLimit.self, Risk.self])
    }

    struct CreditLimit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "credit-limit", abstract: tr("Ask for a higher credit limit."))
        @Argument(help: ArgumentHelp(tr("The customer id."))) var customer: String
        @Argument(help: ArgumentHelp(tr("The credit limit asked for (1 234,56 or 1234.56)."))) var amount: String
        @Option(help: ArgumentHelp(tr("Why (required)."))) var reason: String
        @OptionGroup var common: Common

        func run() throws {
            let m: Money
            do { m = try Money.parse(amount) } catch { throw ValidationError(tr("amount: {error}", ["error": error.message])) }
            try common.file(customer: customer, kind: .creditLimit, amount: m, flag: nil, note: reason)
        }
    }

    struct Risk: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Raise a risk flag from the field."))
        @Argument(help: ArgumentHelp(tr("The customer id."))) var customer: String
        @Option(help: ArgumentHelp(tr("The flag's code: {codes}.", ["codes": RiskFlagCatalogue.standard.flags.map(\.code).joined(separator: ", ")]))) var flag: String
        @Option(help: ArgumentHelp(tr("What you saw or heard (required)."))) var note: String
        @OptionGroup var common: Common

        func run() throws { try common.file(customer: customer, kind: .risk, amount: nil, flag: flag, note: note) }
    }

    struct Common: ParsableArguments {
        @Option(help: ArgumentHelp(tr("The working day (default: today).")), transform: CalendarDate.fromArgument) var date: CalendarDate?
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("Who you are (only yourself; any user of a demo store)."))) var user: String?

        func file(customer: String, kind: AccountRequest.Kind, amount: Money?, flag: String?, note: String) throws {
            let store = try openStore(options.store)
            let me = try Identity.require(book: store.book, requested: user, roles: Permission.roles(for: .request), doing: tr("filing a request"))
            let r = AccountRequest(id: newId("REQ"), customerId: customer, kind: kind, requestedBy: me.id, at: Timestamp.now(), date: date ?? .today(),
                                   amount: amount, flag: flag, note: note.trimmingCharacters(in: .whitespacesAndNewlines))
            do { try store.commit(user: me.id, AccountRequests.file(r, entryId: newId("ACT"))) } catch {
                warn(tr("refused: {error}\nNothing was changed.", ["error": "\(error)"]))
                throw ExitCode(1)
            }
            say(tr("Request {id} filed: {asked} on {customer}.", ["id": r.id, "asked": AccountWording.asked(kind: kind, amount: amount, flag: flag), "customer": customer]))
            if let problem = store.maintain() { warn(problem) }
        }
    }

    enum StatusFilter: String, ExpressibleByArgument, CaseIterable { case pending, all }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("List requests: supervisors see everyone's, others their own."))
        @Option(help: ArgumentHelp(tr("pending (default) or all."))) var status: StatusFilter = .pending
        @Option(help: ArgumentHelp(tr("text or json."))) var format: OutputFormat = .text
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("Who you are (only yourself; any user of a demo store)."))) var user: String?

        func run() throws {
            let store = try openStore(options.store, readOnly: true)
            let me = try Identity.require(book: store.book, requested: user, doing: tr("listing requests"))
            let book = store.book
            let rows = book.requests.values
                .filter { status == .all || $0.isPending }
                .filter { me.role == .supervisor || $0.requestedBy == me.id }
                .sorted { ($0.at, $0.id) < ($1.at, $1.id) }
            if format == .json {
                struct Row: Encodable {
                    var id: String; var status: String; var kind: String; var customer_id: String; var customer_name: String?
                    var requested_by: String; var at: String; var date: String; var amount: String?; var current_limit: String?
                    var flag: String?; var note: String; var decided_by: String?; var decided_at: String?; var decision_note: String?
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(["requests": rows.map { r in
                    Row(id: r.id, status: r.status.rawValue, kind: r.kind.rawValue, customer_id: r.customerId, customer_name: book.customers[r.customerId]?.name,
                        requested_by: r.requestedBy, at: r.at, date: r.date.iso, amount: r.amount?.plain, current_limit: book.customers[r.customerId]?.creditLimit?.plain,
                        flag: r.flag, note: r.note, decided_by: r.decidedBy, decided_at: r.decidedAt, decision_note: r.decisionNote)
                }])
                print(Safe.json(String(decoding: data, as: UTF8.self)))
                return
            }
            let table = ReportTable(name: "requests", title: tr("Requests"),
                                    columns: [.init("id", "Id"), .init("status", "Status"), .init("customer", "Customer"), .init("asked", "Asked"),
                                              .init("by", "By"), .init("date", "Date"), .init("note", "Note")],
                                    rows: rows.map { r in
                                        [r.id, r.status.label, book.customers[r.customerId]?.name ?? r.customerId, AccountWording.asked(kind: r.kind, amount: r.amount, flag: r.flag),
                                         book.users[r.requestedBy]?.name ?? r.requestedBy, r.date.french, r.decisionNote.map { r.note + " / " + $0 } ?? r.note].map { .text($0) }
                                    }, total: nil, notes: [])
            print(TableFormatter.format(ReportWording.localized(table), as: format), terminator: "")
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Approve a pending request (supervisors): an approved credit limit is applied."))
        @Argument(help: ArgumentHelp(tr("The request id."))) var id: String
        @Option(help: ArgumentHelp(tr("The decision's note (required)."))) var note: String
        @OptionGroup var common: Common
        func run() throws { try decide(id, approve: true, note: note, common) }
    }

    struct Refuse: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Refuse a pending request (supervisors)."))
        @Argument(help: ArgumentHelp(tr("The request id."))) var id: String
        @Option(help: ArgumentHelp(tr("The decision's note (required)."))) var note: String
        @OptionGroup var common: Common
        func run() throws { try decide(id, approve: false, note: note, common) }
    }

    static func decide(_ id: String, approve: Bool, note: String, _ common: Common) throws {
        let store = try openStore(common.options.store)
        let me = try Identity.require(book: store.book, requested: common.user, roles: Permission.roles(for: .decideRequest), doing: tr("deciding a request"))
        var asked = ""
        do {
            try store.commit(user: me.id) { book in
                guard let r = book.requests[id] else { throw DomainError.unknown(.request, id) }
                asked = AccountWording.asked(kind: r.kind, amount: r.amount, flag: r.flag)
                return AccountRequests.decide(r, approve: approve, note: note.trimmingCharacters(in: .whitespacesAndNewlines), by: me.id,
                                              at: Timestamp.now(), date: common.date ?? .today(), entryId: newId("ACT"))
            }
        } catch {
            warn(tr("refused: {error}\nNothing was changed.", ["error": "\(error)"]))
            throw ExitCode(1)
        }
        say(approve ? tr("Request {id} approved: {asked}.", ["id": id, "asked": asked]) : tr("Request {id} refused: {asked}.", ["id": id, "asked": asked]))
        if let problem = store.maintain() { warn(problem) }
    }
}
