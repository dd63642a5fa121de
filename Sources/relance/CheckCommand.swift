import TextSafety
import ArgumentParser
import FileStore
import Foundation
import OutputFiles
import Receivables
import UserRights
#if canImport(Glibc)
import Glibc
import Wording
#endif

/// `relance check`: verifies a store without changing it.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check",
        abstract: tr("Verify a store: files, references and sums (open amounts = invoices less allocations). Changes nothing."))

    @OptionGroup var options: StoreOptions

    func run() throws {
        // One directory for both: the user checked against this store is the one whose report is printed (a link
        // swapped between the two opens printed another team's).
        let directory = try TeamLayout.pinned(options.store)
        // The program's rights reach every store of its group: a check is for the store's own users (or root),
        // which opening it says (`openStore`).
        if UserRights.isSetgid && getuid() != 0 { _ = try openStore(directory, readOnly: true) }
        let report = StoreCheck.run(directory: directory)
        print(Safe.lines(report.text), terminator: "")
        if !report.ok { throw ExitCode(1) }
    }
}

/// `relance backup`: a consistent copy while others keep working.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup",
        abstract: tr("Write a consistent, verified copy of the store to a file (relance restore FILE --into DIR makes a store of it)."))

    @OptionGroup var options: StoreOptions

    @Option(help: ArgumentHelp(tr("The backup file to write.")))
    var out: String

    func run() throws {
        let store = try openStore(options.store, readOnly: true)
        try TeamLayout.requireRootOrSupervisor(store.book, requested: nil, doing: tr("a backup"))
        do { try OutputPath.checkLinks(out) } catch { warn(tr("--out {error}\nNothing was written.", ["error": "\(error)"])); throw ExitCode(1) }
        do { try store.backup(to: out) } catch {
            warn(tr("backup failed: {error}", ["error": "\(error)"]))
            throw ExitCode(1)
        }
        say(tr("Backup of {store} at change {seq} written to {out} and read back; restore it with: relance restore {out} --into NEW_DIR", ["store": "\(options.store)", "seq": "\(store.seq)", "out": "\(out)"]))
    }
}

/// `relance restore`: a backup into a new store.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore",
        abstract: tr("Make a new store from a backup file, in an empty or new directory."))

    @Argument(help: ArgumentHelp(tr("The backup file (written by `relance backup`).")))
    var file: String

    @Option(help: ArgumentHelp(tr("The directory of the new store (empty or new).")))
    var into: String

    func run() throws {
        try TeamLayout.requireRoot(doing: tr("restoring a backup"))
        do {
            try TeamLayout.makeStoreDirectoryAsRoot(into)
            let store = try JSONFileStore.restore(backup: file, into: into)
            say(tr("Restored {file} into {into}: change {seq}, {customers} customers, {invoices} invoices, {activityCount} activities.", ["file": "\(file)", "into": "\(into)", "seq": "\(store.seq)", "customers": "\(store.book.customers.count)", "invoices": "\(store.book.invoices.count)", "activityCount": "\(store.book.activityCount)"]))
        } catch {
            warn(tr("restore failed: {error}\nNothing was changed.", ["error": "\(error)"]))
            throw ExitCode(1)
        }
    }
}

/// `relance migrate`: bring an older store to the current schema now (otherwise the first change does it).
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate",
        abstract: tr("Migrate a store written by an older Relance to the current format (the originals are kept in backups/)."))

    @OptionGroup var options: StoreOptions

    func run() throws {
        let store = try openStore(options.store)
        try TeamLayout.requireRootOrSupervisor(store.book, requested: nil, doing: tr("migrating the store"))
        do {
            if let done = try store.migrate() { say(tr("{store}: {done}; the original files are in {store}/backups/", ["store": "\(options.store)", "done": "\(done)"])) }
            else { say(tr("{store}: already at schema {currentSchemaVersion}; nothing to do", ["store": "\(options.store)", "currentSchemaVersion": "\(currentSchemaVersion)"])) }
        } catch {
            warn(tr("migration failed: {error}", ["error": "\(error)"]))
            throw ExitCode(1)
        }
    }
}

