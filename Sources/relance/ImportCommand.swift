import ArgumentParser
import FileStore
import Foundation
import Interchange
import Receivables
import UserRights
import Wording

/// `relance import KIND FILE`: customers, invoices, payments or users from the canonical CSV, or a FEC; the use case
/// is `ImportService`, the formats `Importer` (CSV) and `FECReader` + `FECImport`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import",
        abstract: tr("Import customers, invoices, payments or users from CSV, or the accounting package's FEC (all-or-nothing, idempotent; supervisors only)."),
        discussion: """
        customers: id,name,siren,collector,salesperson,credit_limit,payment_terms_days,contact_name,contact_phone,contact_email,language,interest_rate,payment_terms,street,postal_code,city,country,contact_title,kind
        invoices:  number,customer_id,issue_date,due_date,amount,currency,po_number,dunning_level,last_dunned
        payments:  date,customer_id,amount,reference,invoice_number
        users:     id,name,role,login,email
        """ + tr("Headers in any order, any case; `,` or `;`; amounts 1234.56 or 1 234,56; dates 2026-11-23 or 23/11/2026.")
            + "\n" + tr("fec: the FEC (fichier des écritures comptables) of any accounting package, its 18 columns JournalCode to Idevise found by name; tab, | or ; separated: customers, invoices, payments, credit notes and their lettering at once, only what is new on a re-import."))

    @Argument(help: ArgumentHelp(tr("customers, invoices, payments, users, or fec (the accounting package's FEC).")))
    var kind: ImportKind

    @Argument(help: ArgumentHelp(tr("The CSV file, or the FEC.")))
    var file: String

    @OptionGroup var options: StoreOptions

    @Option(help: ArgumentHelp(tr("Who you are (only yourself; the store's user whose login is yours). Imports are for supervisors.")))
    var user: String?

    @Flag(name: .long, help: ArgumentHelp(tr("Check the file and say what the import would do, without importing (reads the store only).")))
    var dryRun = false

    @Flag(name: .long, help: ArgumentHelp(tr("Import even what the law does not allow as it stands (terms beyond 60 days or 45 days end of month, a contractual rate below 3 x the taux légal), after reading the warnings.")))
    var acceptWarnings = false

    func run() throws {
        // Only a regular file (a link to one is fine), read with the user's rights: a FIFO or a device would block
        // or never end, and Foundation's messages for them ("You don't have permission", "error 256") say nothing.
        let data: Data
        do throws(UserFile.Problem) { data = try UserFile.read(file) } catch {
            switch error {
            case .missing: warn(tr("cannot read {file}: {reason}", ["file": "\(file)", "reason": String(cString: strerror(ENOENT))]))
            case .directory where kind == .fec: warn(tr("cannot read {file}: it is a directory, not a FEC", ["file": "\(file)"]))
            case .directory: warn(tr("cannot read {file}: it is a directory, not a CSV file", ["file": "\(file)"]))
            case .notPlain where kind == .fec: warn(tr("cannot read {file}: not a regular file (a FIFO, a device or a socket); save the FEC to a file first", ["file": "\(file)"]))
            case .notPlain: warn(tr("cannot read {file}: not a regular file (a FIFO, a device or a socket); save the CSV to a file first", ["file": "\(file)"]))
            case .tooLarge: warn(tr("cannot read {file}: too large", ["file": "\(file)"]))
            case .unreadable(let why): warn(tr("cannot read {file}: {why}", ["file": "\(file)", "why": "\(why)"]))
            }
            throw ExitCode(1)
        }
        // A store is created only by `relance init` (or `demo --out`): an import never makes one by accident.
        let store = try openStore(options.store, readOnly: dryRun)
        let me = try Identity.require(book: store.book, requested: user, roles: Permission.roles(for: .importInvoices), doing: tr("importing"))
        let planner: ImportService.Planner
        switch kind {
        case .fec:
            // The file is read once; its meaning is planned on each state the service plans on.
            let ledger: FECLedger
            do { ledger = try FECReader.read(data, file: file) } catch {
                warn(tr("import refused:\n{error}", ["error": "\(error)"]))
                throw ExitCode(1)
            }
            planner = { [me] book in try FECImport.plan(ledger, book: book, user: me.id) }
        case .csv(let csvKind):
            planner = { [me, file] book in try Importer.plan(csvKind, data: data, file: file, book: book, user: me.id) }
        }
        let service = ImportService(store: store, user: me.id, planner: planner)
        service.snapshotAfterRecords = Self.snapshotAfterRecords
        service.plannedUnderLock = { LockLog.note("planned") }
        if dryRun {
            do {
                let planned = try service.plan()
                for w in planned.warnings { warn(tr("warning: {warning}", ["warning": w])) }
                for o in planned.overrides { say(tr("overrides: {what}", ["what": o])) }
                say(tr("{file}: {kind} would be {summary} (dry run: nothing imported)", ["file": "\(file)", "kind": "\(kind.name)", "summary": "\(planned.summary)"]))
                for d in planned.details { say(d) }
            } catch {
                warn(tr("import would be refused:\n{error}", ["error": "\(error)"]))
                throw ExitCode(1)
            }
            return
        }
        let outcome: ImportService.Outcome
        do {
            outcome = try service.run { planned in
                guard !planned.warnings.isEmpty else { return }
                for w in planned.warnings.prefix(50) { warn(tr("warning: {warning}", ["warning": w])) }
                if planned.warnings.count > 50 { warn(tr("warning: ... and {count} more", ["count": "\(planned.warnings.count - 50)"])) }
                guard acceptWarnings else {
                    warn(tr("import refused: what the law does not allow is imported only when a supervisor confirms with --accept-warnings\nNothing was changed."))
                    throw ExitCode(1)
                }
            }
        } catch let e as ExitCode { throw e   // already said
        } catch {
            warn(tr("import refused:\n{error}", ["error": "\(error)"]))
            throw ExitCode(1)
        }
        for o in outcome.overrides { say(tr("overrides: {what}", ["what": o])) }
        say("\(file): \(kind.name) \(outcome.summary)")
        for d in outcome.details { say(d) }
        // A large import that had to go through the journal is compacted at once; otherwise compaction only if
        // due. Both after the result is printed.
        if outcome.largeThroughJournal { do { try store.compact() } catch { warn(tr("the store was not compacted: {error}", ["error": "\(error)"])) } }
        else if !outcome.throughSnapshot, let problem = store.maintain() { warn(problem) }
    }

    /// Imports that change more records than this are written as a new snapshot.
    static let snapshotAfterRecords = 5_000
}

/// What `relance import` reads: one of the CSV files, or a FEC.
enum ImportKind: ExpressibleByArgument, CaseIterable, Equatable {
    case csv(Importer.Kind), fec
    init?(argument: String) {
        if argument.lowercased() == "fec" { self = .fec } else if let k = Importer.Kind(rawValue: argument.lowercased()) { self = .csv(k) } else { return nil }
    }
    static var allCases: [ImportKind] { Importer.Kind.allCases.map { .csv($0) } + [.fec] }
    var name: String { switch self { case .csv(let k): k.rawValue; case .fec: "fec" } }
    var defaultValueDescription: String { name }
    static var allValueStrings: [String] { allCases.map(\.name) }
}
