import ArgumentParser
import DemoData
import FileStore
import Foundation
import Receivables
import TestSupport

/// `relance-tools forms`: the long run of the forms property test: random keys and pastes through every form of
/// the workstation on a store, then `check`. The suite runs 3 x 40 sequences.
struct FormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "forms",
        abstract: "Random keys and pastes through every form; whatever is saved must pass check.")

    @Option(help: "Sequences (each: open a form, 20-140 random keys and pastes).") var sequences = 10_000
    @Option(help: "Seed.") var seed: UInt64 = 1

    func run() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relance-forms-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let book = try DemoGenerator(customers: 3, seed: seed, today: CalendarDate(year: 2026, month: 11, day: 23)!).book()
        let store = try JSONFileStore.create(directory: dir, book: book)
        let user = book.users.values.filter { $0.role == .supervisor }.first!
        let start = Date()
        var done = 0
        // In rounds, compacting between them as the workstation does when idle.
        while done < sequences {
            let n = min(500, sequences - done)
            FormMonkey.run(seed: seed &+ UInt64(done), sequences: n, store: store, user: user, search: book.customers[book.customerOrder[0]]!.name)
            done += n
            store.maintain()
        }
        let check = StoreCheck.run(directory: dir)
        print("forms: \(sequences) sequences in \(Int(Date().timeIntervalSince(start))) s, \(store.seq) changes saved, check \(check.ok ? "OK" : "FAILED")")
        if !check.ok { print(check.text); throw ExitCode(1) }
    }
}
