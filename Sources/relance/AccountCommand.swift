import ArgumentParser
import FileStore
import Foundation
import Interchange
import Receivables
import TextSafety
import Wording

/// `relance account`: an account's controlled values (issue 20). Anyone who is a user may look; supervisors change
/// them, each change with a reason, in the account's history with who and when.
struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "account", abstract: tr("Show an account, or change its collector, salesperson, credit limit, terms or order hold."),
                                                    subcommands: [Show.self, Set.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Show an account: who collects and sells, limit, terms, hold, contacts, balance, requests."))
        @Argument(help: ArgumentHelp(tr("The customer id."))) var customer: String
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("text or json."))) var format: OutputFormat = .text
        @Option(name: .customLong("as-of"), help: ArgumentHelp(tr("The day the balance is at (default: today).")), transform: CalendarDate.fromArgument)
        var asOf: CalendarDate?
        @Option(help: ArgumentHelp(tr("Who you are (only yourself; any user of a demo store)."))) var user: String?

        func run() throws {
            let store = try openStore(options.store, readOnly: true)
            _ = try Identity.require(book: store.book, requested: user, doing: tr("looking up an account"))
            let book = store.book
            guard let c = book.customers[customer] else {
                warn(tr("unknown customer {id}", ["id": customer])); throw ExitCode(1)
            }
            let s = AccountSummary(book: book, customerId: c.id, date: asOf ?? .today())
            // The account's changes: a supervisor's (E, A, `account set`) and the requests decided, whose approval
            // of a credit limit is a change too.
            let history = ((try? store.history(of: c.id)) ?? []).filter {
                switch $0.event { case .account?, .requestDecided?: true; default: false }
            }
            let terms = PaymentTerms(days: c.paymentTermsDays, rule: c.paymentTermsRule ?? .net)
            if format == .json {
                struct ContactRow: Encodable { var name: String; var role: String?; var phone: String?; var email: String?; var title: String? }
                struct RequestRow: Encodable { var id: String; var status: String; var kind: String; var amount: String?; var flag: String?; var requested_by: String; var at: String }
                struct ChangeRow: Encodable { var field: String; var old: String?; var new: String? }
                struct HistoryRow: Encodable {
                    var id: String; var at: String; var date: String; var user: String; var reason: String; var changes: [ChangeRow]; var request: String?
                }
                struct Row: Encodable {
                    var id: String; var name: String; var collector: String?; var salesperson: String?; var credit_limit: String?
                    var payment_terms: String; var payment_terms_days: Int; var order_blocked: Bool; var hold_reason: String?
                    var contacts: [ContactRow]; var as_of: String; var open: String; var overdue: String; var on_account: String
                    var requests: [RequestRow]; var changes: [HistoryRow]
                }
                let row = Row(id: c.id, name: c.name, collector: c.collector, salesperson: c.salesperson, credit_limit: c.creditLimit?.plain,
                              payment_terms: terms.code, payment_terms_days: c.paymentTermsDays, order_blocked: c.orderBlocked, hold_reason: c.holdReason,
                              contacts: c.contacts.map { ContactRow(name: $0.name, role: $0.role, phone: $0.phone, email: $0.email, title: $0.title) },
                              as_of: s.date.iso, open: s.totalOpen.plain, overdue: s.overdue.plain, on_account: s.onAccountCredit.plain,
                              requests: book.requests(of: c.id).map { RequestRow(id: $0.id, status: $0.status.rawValue, kind: $0.kind.rawValue, amount: $0.amount?.plain,
                                                                                  flag: $0.flag, requested_by: $0.requestedBy, at: $0.at) },
                              changes: history.map { a in
                                  switch a.event {
                                  case .account(let cs)?:
                                      return HistoryRow(id: a.id, at: a.at, date: a.date.iso, user: a.user, reason: a.note,
                                                        changes: cs.map { ChangeRow(field: $0.field.rawValue, old: $0.old, new: $0.new) })
                                  case .requestDecided(let id, let kind, let approved, let amount, _)?:
                                      let limit = approved && kind == .creditLimit ? amount.map { [ChangeRow(field: AccountField.creditLimit.rawValue, old: nil, new: $0.plain)] } : nil
                                      return HistoryRow(id: a.id, at: a.at, date: a.date.iso, user: a.user, reason: a.note, changes: limit ?? [], request: id)
                                  default:
                                      return HistoryRow(id: a.id, at: a.at, date: a.date.iso, user: a.user, reason: a.note, changes: [])
                                  }
                              })
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(Safe.json(String(decoding: try encoder.encode(row), as: UTF8.self)))
                return
            }
            func person(_ id: String?) -> String { id.map { "\(book.users[$0]?.name ?? $0) (\($0))" } ?? tr("unassigned") }
            var lines: [(String, String)] = [
                (tr("Customer"), "\(c.name) (\(c.id))"),
                (tr("Collector"), person(c.collector)),
                (tr("Salesperson"), person(c.salesperson)),
                (tr("Credit limit"), c.creditLimit?.formatted ?? tr("none", context: "credit limit")),
                (tr("Payment terms"), terms.label),
                (tr("Orders"), c.orderBlocked ? tr("held: {reason}", ["reason": c.holdReason ?? "—"]) : tr("not held", context: "order hold")),
                (tr("Open"), s.totalOpen.formatted),
                (tr("Overdue"), s.overdue.formatted),
            ]
            for (i, p) in c.contacts.enumerated() {
                lines.append((i == 0 ? tr("Contacts") : "", [p.title.map { $0 + " " + p.name } ?? p.name, p.role, p.phone, p.email].compactMap { $0 }.joined(separator: ", ")))
            }
            for r in book.requests(of: c.id) {
                lines.append((tr("Request {id}", ["id": r.id]), AccountWording.asked(kind: r.kind, amount: r.amount, flag: r.flag) + " — " + r.status.label))
            }
            for a in history {
                lines.append((a.date.french + " " + (book.users[a.user]?.name ?? a.user), ActivityWording.text(a, book: book)))
            }
            let width = lines.map(\.0.count).max() ?? 0
            for (k, v) in lines { print(Safe.text(k + String(repeating: " ", count: width - k.count) + "  " + v)) }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Change an account's collector, salesperson, credit limit, terms or order hold (supervisors; a reason is required)."))
        @Argument(help: ArgumentHelp(tr("The customer id."))) var customer: String
        @Option(help: ArgumentHelp(tr("The collector's user id, or 'none'."))) var collector: String?
        @Option(help: ArgumentHelp(tr("The salesperson's user id, or 'none'."))) var salesperson: String?
        @Option(name: .customLong("credit-limit"), help: ArgumentHelp(tr("The credit limit (1 234,56 or 1234.56), or 'none'."))) var creditLimit: String?
        @Option(help: ArgumentHelp(tr("Payment terms: '60', '45 fin de mois', 'fin de mois 45'."))) var terms: String?
        @Flag(help: ArgumentHelp(tr("Hold the customer's orders (the reason says why)."))) var hold = false
        @Flag(help: ArgumentHelp(tr("Release the order hold."))) var release = false
        @Option(help: ArgumentHelp(tr("Why (required; kept in the account's history)."))) var reason: String
        @Option(help: ArgumentHelp(tr("The day the change takes effect (default: today).")), transform: CalendarDate.fromArgument)
        var date: CalendarDate?
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("Who you are (only yourself; any user of a demo store)."))) var user: String?

        func validate() throws {
            if hold && release { throw ValidationError(tr("--hold and --release together: choose one")) }
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError(tr("--reason is empty: say why")) }
        }

        func run() throws {
            let store = try openStore(options.store)
            let me = try Identity.require(book: store.book, requested: user, roles: Permission.roles(for: .editCustomer), doing: tr("changing an account"))
            var said = ""
            do {
                try store.commit(user: me.id) { book in
                    guard let c = book.customers[customer] else { throw DomainError.unknown(.customer, customer) }
                    var t = AccountTerms(of: c)
                    func person(_ v: String?) -> String?? { v.map { $0.lowercased() == "none" || $0.isEmpty ? nil : $0 } }
                    if let v = person(collector) { t.collector = v }
                    if let v = person(salesperson) { t.salesperson = v }
                    if let v = creditLimit {
                        if v.lowercased() == "none" { t.creditLimit = nil } else {
                            do { t.creditLimit = try Money.parse(v) } catch { throw DomainError.said(tr("--credit-limit: {error}", ["error": (error as? ParseError)?.message ?? "\(error)"])) }
                        }
                    }
                    if let v = terms {
                        do { t.terms = try PaymentTerms.parse(v) } catch { throw DomainError.said(tr("--terms: {error}", ["error": (error as? ParseError)?.message ?? "\(error)"])) }
                    }
                    if hold { t.orderBlocked = true; t.holdReason = reason }
                    if release { t.orderBlocked = false; t.holdReason = nil }
                    let day = date ?? .today()
                    guard let change = try AccountControl.change(c, to: t, reason: reason, by: me.id, at: Timestamp.now(), date: day, id: newId("ACC")) else {
                        throw NoChange()
                    }
                    if case .batch(let parts) = change, case .logActivity(let a)? = parts.last, case .account(let cs)? = a.event {
                        said = cs.map { AccountWording.change($0, book: book) }.joined(separator: "; ")
                    }
                    return change
                }
            } catch is NoChange {
                say(tr("Account {id}: nothing to change.", ["id": customer])); return
            } catch {
                warn(tr("refused: {error}\nNothing was changed.", ["error": "\(error)"]))
                throw ExitCode(1)
            }
            say(tr("Account {id}: {changes}.", ["id": customer, "changes": said]))
            if let problem = store.maintain() { warn(problem) }
        }
    }
}

struct NoChange: Error {}
