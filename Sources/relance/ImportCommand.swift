import ArgumentParser
import FileStore
import Foundation
import Interchange
import Receivables

/// `relance import KIND FILE`: customers, invoices or payments from the canonical CSV.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import",
        abstract: "Import customers, invoices or payments from CSV (all-or-nothing, idempotent).",
        discussion: """
        customers: id,name,siren,collector,salesperson,credit_limit,payment_terms_days,contact_name,contact_phone,contact_email
        invoices:  number,customer_id,issue_date,due_date,amount,currency,po_number
        payments:  date,customer_id,amount,reference,invoice_number
        Headers in any order, any case; `,` or `;`; amounts 1234.56 or 1 234,56; dates 2026-11-23 or 23/11/2026.
        """)

    @Argument(help: "customers, invoices or payments.")
    var kind: Importer.Kind

    @Argument(help: "The CSV file.")
    var file: String

    @OptionGroup var options: StoreOptions

    @Option(help: "Who imports (recorded in the journal).")
    var user: String = ProcessInfo.processInfo.environment["USER"] ?? "import"

    func run() throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            warn("cannot read \(file): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        // A store is created only by `relance init` (or `demo --out`): an import never makes one by accident.
        let store = try openStore(options.store)
        var plan: Importer.Plan?
        do {
            try store.commit(user: user) { book in
                let p = try Importer.plan(kind, data: data, file: file, book: book, user: user)
                plan = p
                guard let change = p.change else { throw NothingToDo() }
                return change
            }
        } catch is NothingToDo {
        } catch {
            warn("import refused:\n\(error)")
            throw ExitCode(1)
        }
        print("\(file): \(kind.rawValue) \(plan?.summary ?? "")")
        store.maintain()   // compaction, if due, once the result is printed
    }

    struct NothingToDo: Error {}
}

extension Importer.Kind: ExpressibleByArgument {}
