import ArgumentParser
import FileStore
import Foundation
import Receivables

/// `relance check`: verifies a store without changing it.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check",
        abstract: "Verify a store: files, references and sums (open amounts = invoices less allocations). Changes nothing.")

    @OptionGroup var options: StoreOptions

    func run() throws {
        let report = StoreCheck.run(directory: options.store)
        print(report.text, terminator: "")
        if !report.ok { throw ExitCode(1) }
    }
}

/// `relance backup`: a consistent copy while others keep working.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup",
        abstract: "Write a consistent snapshot of the store to a file (restore: put it in an empty directory as snapshot.jsonl).")

    @OptionGroup var options: StoreOptions

    @Option(help: "The backup file to write.")
    var out: String

    func run() throws {
        let store = try openStore(options.store)
        do { try store.backup(to: out) } catch {
            warn("backup failed: \(error)")
            throw ExitCode(1)
        }
        print("Backup of \(options.store) at change \(store.seq) written to \(out)")
    }
}
