#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import DemoData
import FileStore
import Foundation
import UserRights
import Receivables
import Wording

/// `relance demo`: writes a realistic, deterministic demo store.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: tr("Write a demo store (French SME customers, six months of invoices)."))

    @Option(help: ArgumentHelp(tr("Directory of the new store (must not hold a store already).")))
    var out: String

    @Option(help: ArgumentHelp(tr("Number of customers.")))
    var customers: Int = 200

    @Option(help: ArgumentHelp(tr("Random seed: the same seed gives the same store.")))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp(tr("The demo's today (YYYY-MM-DD): invoices fall in the 6 months before it.")), transform: CalendarDate.fromArgument)
    var today: CalendarDate?

    func validate() throws {
        guard (1...100_000).contains(customers) else { throw ValidationError(tr("--customers must be between 1 and 100000")) }
    }

    func run() throws {
        var book = try Self.makeBook(customers: customers, seed: seed, today: today ?? .today())
        book.markAsDemo()   // anyone may open it as any of its users (`--user amelie`)
        // A sender for the letters (fictitious: the SIREN passes its check digit but names nobody).
        let supervisor = book.users.values.filter { $0.role == .supervisor }.map(\.id).sorted().first ?? "helene"
        try book.applyNew(.setCompany(company: CompanyProfile(legalName: "Aciers Rhône-Alpes SAS (démo)", siren: "900000001",
            street: "12 quai Perrache", postalCode: "69002", city: "Lyon", phone: "04 72 00 00 00", email: "recouvrement@aciers-demo.invalid", bounceEmail: "retours@aciers-demo.invalid",
            iban: "FR76 0000 0000 0000 0000 0000 000", bic: "DEMOFRPPXXX", signatory: "Hélène Dupré, responsable du recouvrement")), by: supervisor)
        try TeamLayout.requireRoot(doing: tr("making a demo store outside a temporary folder"))
        do { try JSONFileStore.create(directory: out, book: book) } catch {
            warn("\(error)")
            throw ExitCode(1)
        }
        let open = book.invoices.keys.reduce(Money.zero) { $0 + book.openAmount($1) }
        say(tr("Demo store written to {out}: {customers} customers, {invoices} invoices, {open} open.", ["out": "\(out)", "customers": "\(book.customers.count)", "invoices": "\(book.invoices.count)", "open": open.formatted]))
        say(tr("Open it with: relance --store {out} --user amelie", ["out": "\(out)"]))
    }

    static func makeBook(customers: Int, seed: UInt64, today: CalendarDate) throws -> Book {
        try DemoGenerator(customers: customers, seed: seed, today: today).book()
    }
}
