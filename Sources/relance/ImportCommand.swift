import ArgumentParser
import FileStore
import Foundation
import Interchange
import Receivables

/// `relance import KIND FILE`: customers, invoices or payments from the canonical CSV.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import",
        abstract: "Import customers, invoices, payments or users from CSV (all-or-nothing, idempotent; supervisors only).",
        discussion: """
        customers: id,name,siren,collector,salesperson,credit_limit,payment_terms_days,contact_name,contact_phone,contact_email
        invoices:  number,customer_id,issue_date,due_date,amount,currency,po_number
        payments:  date,customer_id,amount,reference,invoice_number
        users:     id,name,role,login,email
        Headers in any order, any case; `,` or `;`; amounts 1234.56 or 1 234,56; dates 2026-11-23 or 23/11/2026.
        """)

    @Argument(help: "customers, invoices, payments or users.")
    var kind: Importer.Kind

    @Argument(help: "The CSV file.")
    var file: String

    @OptionGroup var options: StoreOptions

    @Option(help: "Who you are (only yourself; the store's user whose login is yours). Imports are for supervisors.")
    var user: String?

    func run() throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            warn("cannot read \(file): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        // A store is created only by `relance init` (or `demo --out`): an import never makes one by accident.
        let store = try openStore(options.store)
        let me = try Identity.require(book: store.book, requested: user, roles: [.supervisor], doing: "importing")
        var plan: Importer.Plan?
        do {
            // Parse and validate outside the store's lock, against the latest state: others keep saving meanwhile.
            // Under the lock the planned change is applied to the state of that moment, which checks every item
            // again; a row unchanged at planning is never written over a colleague's newer change. Only when that
            // fails (the same file imported meanwhile, an invoice paid) is the file planned again, under the lock,
            // against the state that refused it.
            _ = try store.refresh()
            let planned = try Importer.plan(kind, data: data, file: file, book: store.book, user: me.id)
            plan = planned
            guard let change = planned.change else { throw NothingToDo() }
            do { try store.commit(user: me.id) { _ in change } } catch is DomainError {
                try store.commit(user: me.id) { book in
                    let again = try Importer.plan(kind, data: data, file: file, book: book, user: me.id)
                    plan = again
                    guard let change = again.change else { throw NothingToDo() }
                    return change
                }
            }
        } catch is NothingToDo {
        } catch {
            warn("import refused:\n\(error)")
            throw ExitCode(1)
        }
        say("\(file): \(kind.rawValue) \(plan?.summary ?? "")")
        // A large import lands through a compaction (a new snapshot) right away, so other users' processes never
        // have to decode one giant journal line; otherwise compaction only if due. Both after the result is printed.
        if let p = plan, p.added + p.updated > Self.compactAfterItems { _ = try? store.compact() } else { store.maintain() }
    }

    struct NothingToDo: Error {}

    /// Imports that change more records than this are followed by a compaction.
    static let compactAfterItems = 5_000
}

extension Importer.Kind: ExpressibleByArgument {}
