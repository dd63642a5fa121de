import TextSafety
import ArgumentParser
import FileStore
import Foundation
import OutputFiles
import Receivables
import UserRights
#if canImport(Glibc)
import Glibc
#endif

/// `relance check`: verifies a store without changing it.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check",
        abstract: "Verify a store: files, references and sums (open amounts = invoices less allocations). Changes nothing.")

    @OptionGroup var options: StoreOptions

    func run() throws {
        // One directory for both: the user checked against this store is the one whose report is printed (a link
        // swapped between the two opens printed another team's).
        let directory = try TeamLayout.pinned(options.store)
        // The program's rights reach every store of its group: a check is for the store's own users (or root),
        // which opening it says (`openStore`).
        if UserRights.isSetgid && getuid() != 0 { _ = try openStore(directory, readOnly: true) }
        let report = StoreCheck.run(directory: directory)
        print(report.text.split(separator: "\n", omittingEmptySubsequences: false).map { Safe.text(String($0)) }.joined(separator: "\n"), terminator: "")
        if !report.ok { throw ExitCode(1) }
    }
}

/// `relance backup`: a consistent copy while others keep working.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup",
        abstract: "Write a consistent, verified copy of the store to a file (relance restore FILE --into DIR makes a store of it).")

    @OptionGroup var options: StoreOptions

    @Option(help: "The backup file to write.")
    var out: String

    func run() throws {
        let store = try openStore(options.store, readOnly: true)
        try TeamLayout.requireRootOrSupervisor(store.book, requested: nil, doing: "a backup")
        do { try OutputPath.checkLinks(out) } catch { warn("--out \(error)\nNothing was written."); throw ExitCode(1) }
        do { try store.backup(to: out) } catch {
            warn("backup failed: \(error)")
            throw ExitCode(1)
        }
        say("Backup of \(options.store) at change \(store.seq) written to \(out) and read back; restore it with: relance restore \(out) --into NEW_DIR")
    }
}

/// `relance restore`: a backup into a new store.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore",
        abstract: "Make a new store from a backup file, in an empty or new directory.")

    @Argument(help: "The backup file (written by `relance backup`).")
    var file: String

    @Option(help: "The directory of the new store (empty or new).")
    var into: String

    func run() throws {
        try TeamLayout.requireRoot(doing: "restoring a backup")
        do {
            try TeamLayout.makeStoreDirectoryAsRoot(into)
            let store = try JSONFileStore.restore(backup: file, into: into)
            say("Restored \(file) into \(into): change \(store.seq), \(store.book.customers.count) customers, \(store.book.invoices.count) invoices, \(store.book.activityCount) activities.")
        } catch {
            warn("restore failed: \(error)\nNothing was changed.")
            throw ExitCode(1)
        }
    }
}

/// `relance migrate`: bring an older store to the current schema now (otherwise the first change does it).
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate",
        abstract: "Migrate a store written by an older Relance to the current format (the originals are kept in backups/).")

    @OptionGroup var options: StoreOptions

    func run() throws {
        let store = try openStore(options.store)
        try TeamLayout.requireRootOrSupervisor(store.book, requested: nil, doing: "migrating the store")
        do {
            if let done = try store.migrate() { say("\(options.store): \(done); the original files are in \(options.store)/backups/") }
            else { say("\(options.store): already at schema \(currentSchemaVersion); nothing to do") }
        } catch {
            warn("migration failed: \(error)")
            throw ExitCode(1)
        }
    }
}

