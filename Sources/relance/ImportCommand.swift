import ArgumentParser
import FileStore
import Foundation
import Interchange
import Receivables
import UserRights
import Wording

/// `relance import KIND FILE`: customers, invoices or payments from the canonical CSV.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import",
        abstract: tr("Import customers, invoices, payments or users from CSV (all-or-nothing, idempotent; supervisors only)."),
        discussion: """
        customers: id,name,siren,collector,salesperson,credit_limit,payment_terms_days,contact_name,contact_phone,contact_email,language,interest_rate,payment_terms,street,postal_code,city,country,contact_title,kind
        invoices:  number,customer_id,issue_date,due_date,amount,currency,po_number,dunning_level,last_dunned
        payments:  date,customer_id,amount,reference,invoice_number
        users:     id,name,role,login,email
        """ + tr("Headers in any order, any case; `,` or `;`; amounts 1234.56 or 1 234,56; dates 2026-11-23 or 23/11/2026."))

    @Argument(help: ArgumentHelp(tr("customers, invoices, payments or users.")))
    var kind: Importer.Kind

    @Argument(help: ArgumentHelp(tr("The CSV file.")))
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
            case .directory: warn(tr("cannot read {file}: it is a directory, not a CSV file", ["file": "\(file)"]))
            case .notPlain: warn(tr("cannot read {file}: not a regular file (a FIFO, a device or a socket); save the CSV to a file first", ["file": "\(file)"]))
            case .tooLarge: warn(tr("cannot read {file}: too large", ["file": "\(file)"]))
            case .unreadable(let why): warn(tr("cannot read {file}: {why}", ["file": "\(file)", "why": "\(why)"]))
            }
            throw ExitCode(1)
        }
        // A store is created only by `relance init` (or `demo --out`): an import never makes one by accident.
        let store = try openStore(options.store, readOnly: dryRun)
        let me = try Identity.require(book: store.book, requested: user, roles: Permission.roles(for: .importInvoices), doing: tr("importing"))
        if dryRun {
            do {
                let planned = try Importer.plan(kind, data: data, file: file, book: store.book, user: me.id)
                for w in planned.warnings { warn(tr("warning: {warning}", ["warning": w])) }
                for o in planned.overrides { say(tr("overrides: {what}", ["what": o])) }
                say(tr("{file}: {kind} would be {summary} (dry run: nothing imported)", ["file": "\(file)", "kind": "\(kind.rawValue)", "summary": "\(planned.summary)"]))
            } catch {
                warn(tr("import would be refused:\n{error}", ["error": "\(error)"]))
                throw ExitCode(1)
            }
            return
        }
        var summary = "", changedRecords = 0, overrides: [String] = []
        var large = false
        do {
            // Parse and validate outside the store's lock, against the latest state: others keep saving meanwhile.
            // Under the lock the planned change is applied to the state of that moment, which checks every item
            // again; a row unchanged at planning is never written over a colleague's newer change. Only when that
            // fails (the same file imported meanwhile, an invoice paid) is the file planned again, under the lock,
            // against the state that refused it.
            _ = try store.refresh()
            var planned = try Importer.plan(kind, data: data, file: file, book: store.book, user: me.id)
            if !planned.warnings.isEmpty {
                for w in planned.warnings.prefix(50) { warn(tr("warning: {warning}", ["warning": w])) }
                if planned.warnings.count > 50 { warn(tr("warning: ... and {count} more", ["count": "\(planned.warnings.count - 50)"])) }
                guard acceptWarnings else {
                    warn(tr("import refused: what the law does not allow is imported only when a supervisor confirms with --accept-warnings\nNothing was changed."))
                    throw ExitCode(1)
                }
            }
            var plannedAt = store.state
            summary = planned.summary; overrides = planned.overrides; changedRecords = planned.added + planned.updated
            guard changedRecords > 0 else { throw NothingToDo() }
            if changedRecords > Self.snapshotAfterRecords {
                // A large import lands as a new snapshot written aside (others keep working; the lock is held for
                // the swap only) rather than as a journal line every other process would have to decode. The
                // plan's own book is the result when nobody saved since; otherwise the file is planned again on
                // the state captured for the write.
                large = true
                let written = try store.commitThroughSnapshot { book, state in
                    // Planned on another state (a save, or another large import folded into a new snapshot): again.
                    if state != plannedAt {
                        planned = try Importer.plan(kind, data: data, file: file, book: book, user: me.id)
                        plannedAt = state
                        summary = planned.summary; overrides = planned.overrides; changedRecords = planned.added + planned.updated
                    }
                    return planned.resultingBook
                }
                if written != nil { for o in overrides { say(tr("overrides: {what}", ["what": o])) }; say("\(file): \(kind.rawValue) \(summary)"); return }
                // Others kept saving during every write: the journal's way, with the lock held for the batch.
            }
            // Only the change outlives the plan here: the book it holds is as large as the file's records.
            let change: Change? = { defer { planned = Importer.Plan.empty(kind) }; return planned.change }()
            guard let change else { throw NothingToDo() }
            /// The file planned again on `book` (under the lock), the summary following it.
            func replanned(_ book: Book) throws -> Change {
                let again = try Importer.plan(kind, data: data, file: file, book: book, user: me.id)
                summary = again.summary; overrides = again.overrides; changedRecords = again.added + again.updated
                guard let change = again.change else { throw NothingToDo() }
                return change
            }
            // Under the lock only a planned change that still fits is recorded: when anything landed since planning
            // (the same file imported by a colleague a moment ago), the lock is let go and the file planned again
            // outside it on the new state, so the summary says what this run really did; only the last of five
            // attempts plans under the lock, so the import always ends.
            var current: Change? = change
            /// The planned change still fits when nothing saved since planning touched the accounts it changes
            /// (the book's rules check it again as it is applied).
            func stillFits(_ book: Book) -> Bool {
                if store.state == plannedAt { return true }
                guard let touched = store.touchedAccounts(since: plannedAt, in: book), let mine = current?.customers(in: book) else { return false }
                return touched.isDisjoint(with: mine)
            }
            for attempt in 1...Self.attempts {
                do {
                    try store.commit(user: me.id) { book in
                        if let current, stillFits(book) { return current }
                        if attempt < Self.attempts { throw Stale() }
                        LockLog.note("planned")
                        return try replanned(book)
                    }
                    break
                } catch is Stale {
                } catch is DomainError where attempt < Self.attempts {
                    // Refused by the state of the moment (an invoice paid meanwhile): planned again on it.
                }
                _ = try store.refresh()
                plannedAt = store.state
                current = nil
                current = try replanned(store.book)
            }
        } catch is NothingToDo {
        } catch let e as ExitCode { throw e   // already said
        } catch {
            warn(tr("import refused:\n{error}", ["error": "\(error)"]))
            throw ExitCode(1)
        }
        for o in overrides { say(tr("overrides: {what}", ["what": o])) }
        say("\(file): \(kind.rawValue) \(summary)")
        // A large import that had to go through the journal is compacted at once; otherwise compaction only if
        // due. Both after the result is printed.
        if large { do { try store.compact() } catch { warn(tr("the store was not compacted: {error}", ["error": "\(error)"])) } } else if let problem = store.maintain() { warn(problem) }
    }

    struct NothingToDo: Error {}
    struct Stale: Error {}
    /// Plans made outside the lock before the last, made under it.
    static let attempts = 5

    /// Imports that change more records than this are written as a new snapshot.
    static let snapshotAfterRecords = 5_000
}

extension Importer.Kind: ExpressibleByArgument {}
