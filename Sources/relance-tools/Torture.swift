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
    @Option(help: "Writers compact after this many journal entries (every 20 rewrote a 5,000-customer snapshot of 17 MB 2-3 times a second: docs/STORE.md).") var compactEvery = 200
    @Option(help: "Seed of the imported amounts and customers.") var seed: UInt64 = 1
    @Flag(help: "Keep the work folder (lock log, outputs) for a look afterwards.") var keepWork = false
    @Flag(inversion: .prefixedNo, help: "Also run `relance letters --mark-sent` in a loop (one day further each time).") var letters = true

    func run() throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let relance = bin + "/relance", tools = bin + "/relance-tools"
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("relance-torture-\(getpid())").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if keepWork { print("work files kept in \(work)") } else { try? FileManager.default.removeItem(atPath: work) } }
        let book = try JSONFileStore(directory: store, forceReadOnly: true).book
        let customers = book.customerOrder
        guard !customers.isEmpty else { throw ValidationError("the store has no customers") }
        // Imports are for supervisors: a demo store lets us act as its supervisor.
        guard let supervisor = book.users.values.filter({ $0.role == .supervisor && $0.isActive }).map(\.id).sorted().first else {
            throw ValidationError("the store has no supervisor to import as")
        }
        let deadline = Date().addingTimeInterval(seconds)
        // Every process started from here logs its lock waits and holds (StoreLock's RELANCE_LOCK_LOG).
        let lockLog = work + "/locks.log"
        setenv("RELANCE_LOCK_LOG", lockLog, 1)
        defer { unsetenv("RELANCE_LOCK_LOG") }
        // Letters: one run after another, a day further each time (a demo store may be played ahead).
        var lettersPid: pid_t?
        var lettersRuns = 0, lettersWritten = 0
        var day = CalendarDate(year: 2026, month: 11, day: 23)!
        func startLetters() throws {
            lettersRuns += 1
            day = day.adding(days: 1)
            lettersPid = try Spawn.start([relance, "letters", "--mark-sent", "--store", store, "--date", day.iso, "--out", work + "/letters",
                                          "--user", supervisor, "--format", "json"], output: work + "/letters-\(lettersRuns).out")
        }
        if letters { try startLetters() }

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
                if pid == lettersPid {
                    let code = (status2 & 0x7F) == 0 ? (status2 >> 8) & 0xFF : 128 + (status2 & 0x7F)
                    let out = (try? String(contentsOfFile: work + "/letters-\(lettersRuns).out", encoding: .utf8)) ?? ""
                    if code != 0 { failures.append("letters --mark-sent --date \(day.iso) exited \(code): \(out)") }
                    else { lettersWritten += out.components(separatedBy: "\"customer_id\"").count - 1 }
                    lettersPid = nil
                    if Date() < deadline { try startLetters() }
                    continue
                }
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
        if let pid = lettersPid {
            let status = Spawn.wait(pid)
            let out = (try? String(contentsOfFile: work + "/letters-\(lettersRuns).out", encoding: .utf8)) ?? ""
            if status != 0 { failures.append("the last letters run failed: \(out)") }
            else { lettersWritten += out.components(separatedBy: "\"customer_id\"").count - 1 }
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
        if letters { print("letters: \(lettersRuns) runs of `letters --mark-sent`, \(lettersWritten) letters recorded") }
        print(LockFigures(log: lockLog).text)
        print("lost: \(lostNotes.count + lostPayments.count) of \(written.count + acknowledgedPayments.count) acknowledged changes; failed commands: \(failures.count); check \(check.ok ? "OK" : "FAILED")")
        for f in failures.prefix(5) { print("  failed: \(f.prefix(300))") }
        if !check.ok { print(check.text) }
        if !lostNotes.isEmpty || !lostPayments.isEmpty || !check.ok || !failures.isEmpty {
            print("lost: \(lostNotes.prefix(5)) \(lostPayments.prefix(5))")
            throw ExitCode(1)
        }
    }
}

/// The lock log's figures: percentiles of exclusive holds and of waits, in milliseconds.
struct LockFigures {
    var exclusiveHolds: [Double] = [], exclusiveWaits: [Double] = [], sharedHolds: [Double] = [], sharedWaits: [Double] = []

    init(log: String) {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count >= 4, let wait = Double(f[1]), let hold = Double(f[2]) else { continue }
            if f[0] == "E" { exclusiveWaits.append(wait / 1000); exclusiveHolds.append(hold / 1000) }
            else { sharedWaits.append(wait / 1000); sharedHolds.append(hold / 1000) }
        }
    }

    static func percentiles(_ values: [Double]) -> String {
        guard !values.isEmpty else { return "none" }
        let sorted = values.sorted()
        func at(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] }
        return String(format: "p50 %.1f / p99 %.1f / max %.1f ms (%d)", at(0.5), at(0.99), sorted.last!, sorted.count)
    }

    var exclusiveHoldP99: Double {
        guard !exclusiveHolds.isEmpty else { return 0 }
        let s = exclusiveHolds.sorted()
        return s[min(s.count - 1, Int((Double(s.count) * 0.99).rounded(.up)) - 1)]
    }

    var text: String {
        """
        exclusive holds: \(Self.percentiles(exclusiveHolds)); waits for it: \(Self.percentiles(exclusiveWaits))
        shared holds: \(Self.percentiles(sharedHolds)); waits for it: \(Self.percentiles(sharedWaits))
        """
    }
}
