import ArgumentParser
import DemoData
import FileStore
import Foundation
import Receivables
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `relance-tools torture`: importers, writers and readers on one store at once, with frequent compaction,
/// for a given time; then every acknowledged change must be there and `check` must pass. The test suite runs a
/// short seeded version; the long one is run by hand (docs/TESTING.md).
struct Torture: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Importers + writers + opens in a loop on one store; counts lost changes.")

    @Option(help: "The store (made with `relance demo --out`).") var store: String
    @Option(help: "How long to run, in seconds.") var seconds = 60.0
    @Option(help: "Processes importing payments CSVs in a loop.") var importers = 4
    @Option(help: "Processes appending activities (relance-tools writer).") var writers = 2
    @Option(help: "Writers compact after this many journal entries.") var compactEvery = 20
    @Option(help: "Seed of the imported amounts and customers.") var seed: UInt64 = 1

    func run() throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let relance = bin + "/relance", tools = bin + "/relance-tools"
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("relance-torture-\(getpid())").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let book = try JSONFileStore(directory: store, forceReadOnly: true).book
        let customers = book.customerOrder
        guard !customers.isEmpty else { throw ValidationError("the store has no customers") }
        // Imports are for supervisors: a demo store lets us act as its supervisor.
        guard let supervisor = book.users.values.filter({ $0.role == .supervisor && $0.isActive }).map(\.id).sorted().first else {
            throw ValidationError("the store has no supervisor to import as")
        }
        let deadline = Date().addingTimeInterval(seconds)

        // Writers: long-running processes, stopped at the deadline (their acks are in the log).
        let writerAck = work + "/writers.log"
        var writerPids: [pid_t] = []
        for w in 0..<writers {
            writerPids.append(try Spawn.start([tools, "writer", "--store", store, "--ack", writerAck, "--tag", "TW\(w)-\(seed)",
                                               "--compact-every", String(compactEvery), "--shared-every", "0"]))
        }
        // Importers: each runs `relance import payments` on fresh files in a loop; a payment counts as
        // acknowledged when the import exited 0.
        var importerPids: [pid_t: (Int, Int, String)] = [:]   // pid -> (importer, round, reference)
        var round = Array(repeating: 0, count: importers)
        var acknowledgedPayments: [String] = []
        var rng = SeededRandom(seed: seed)
        func startImport(_ i: Int) throws {
            round[i] += 1
            let reference = "TI\(i)-\(seed)-\(round[i])"
            let customer = customers[rng.int(customers.count)]
            let cents = 100 + rng.int(50_000)
            let file = work + "/import-\(i)-\(round[i]).csv"
            try Data("date,customer_id,amount,reference,invoice_number\n2026-11-20,\(customer),\(cents / 100).\(String(format: "%02d", cents % 100)),\(reference),\n".utf8)
                .write(to: URL(fileURLWithPath: file))
            importerPids[try Spawn.start([relance, "import", "payments", file, "--store", store, "--user", supervisor], output: file + ".out")] = (i, round[i], reference)
        }
        for i in 0..<importers { try startImport(i) }
        // Readers: check and agenda in a loop from this process; every one must succeed.
        var opens = 0, failures: [String] = []
        while Date() < deadline {
            let command = opens % 2 == 0 ? [relance, "check", "--store", store]
                                         : [relance, "agenda", "--store", store, "--date", "2026-11-23", "--format", "csv"]
            let (status, text) = try Spawn.run(command)
            opens += 1
            if status != 0 { failures.append(text) }
            // Collect finished importers and start them again.
            var status2: Int32 = 0
            while case let pid = waitpid(-1, &status2, WNOHANG), pid > 0 {
                guard let (i, _, reference) = importerPids.removeValue(forKey: pid) else {
                    if writerPids.contains(pid) { failures.append("a writer stopped early with status \(status2)") }
                    writerPids.removeAll { $0 == pid }
                    continue
                }
                let code = (status2 & 0x7F) == 0 ? (status2 >> 8) & 0xFF : 128 + (status2 & 0x7F)
                if code == 0 { acknowledgedPayments.append(reference) }
                else {
                    let out = (try? String(contentsOfFile: work + "/import-\(i)-\(round[i]).csv.out", encoding: .utf8)) ?? ""
                    // A busy store may refuse after its lock timeout; that is not a loss, but it is counted.
                    failures.append("import \(reference) exited \(code): \(out)")
                }
                if Date() < deadline { try startImport(i) }
            }
        }
        for pid in writerPids { kill(pid, SIGTERM) }
        for pid in writerPids { Spawn.wait(pid) }
        for (pid, (_, _, reference)) in importerPids where Spawn.wait(pid) == 0 { acknowledgedPayments.append(reference) }

        let check = StoreCheck.run(directory: store)
        let s = try JSONFileStore(directory: store, forceReadOnly: true)
        let notes = Set(try s.book.customerOrder.flatMap { try s.history(of: $0).map(\.note) })
        let written = ((try? String(contentsOfFile: writerAck, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        let lostNotes = written.filter { !notes.contains($0) }
        let lostPayments = acknowledgedPayments.filter { s.book.payments["PAY:\($0)"] == nil }
        print("torture \(Int(seconds)) s: \(importers) importers (\(acknowledgedPayments.count) imports acknowledged), \(writers) writers (\(written.count) changes acknowledged, compaction every \(compactEvery)), \(opens) opens (check/agenda)")
        print("lost: \(lostNotes.count + lostPayments.count) of \(written.count + acknowledgedPayments.count) acknowledged changes; failed commands: \(failures.count); check \(check.ok ? "OK" : "FAILED")")
        for f in failures.prefix(5) { print("  failed: \(f.prefix(300))") }
        if !check.ok { print(check.text) }
        if !lostNotes.isEmpty || !lostPayments.isEmpty || !check.ok || !failures.isEmpty {
            print("lost: \(lostNotes.prefix(5)) \(lostPayments.prefix(5))")
            throw ExitCode(1)
        }
    }
}
