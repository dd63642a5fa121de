import ArgumentParser
import DemoData
import FileStore
import Foundation
import Receivables
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `relance-tools letters-bench`: issue 14's check that nobody waits for `letters --mark-sent`: an agenda read and a
/// save by another user, timed alone and then while the letters of a large store are being written and recorded.
struct LettersBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "letters-bench",
        abstract: "Time an agenda read and a save alone, then while `letters --mark-sent` runs on the same store.")

    @Option(help: "Customers of the demo store built for the run.") var customers = 5_000
    @Option(help: "Rounds (each on a fresh copy of the store).") var rounds = 3

    func run() throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let relance = bin + "/relance"
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("relance-letters-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let master = work + "/master"
        let (made, text) = try Spawn.run([relance, "demo", "--out", master, "--customers", String(customers), "--today", "2026-11-23"])
        guard made == 0 else { throw ValidationError(text) }

        func timed(_ args: [String]) throws -> Double {
            let t = Date()
            let (status, out) = try Spawn.run(args)
            guard status == 0 else { throw ValidationError("\(args.joined(separator: " ")): \(out)") }
            return Date().timeIntervalSince(t) * 1000
        }
        var reference = 0
        func save(_ store: String) throws -> Double {
            reference += 1
            let file = work + "/pay-\(reference).csv"
            try Data("date,customer_id,amount,reference\n2026-11-20,C0001,1.00,BENCH-\(reference)\n".utf8).write(to: URL(fileURLWithPath: file))
            return try timed([relance, "import", "payments", file, "--store", store, "--user", "helene"])
        }
        func agenda(_ store: String) throws -> Double {
            try timed([relance, "agenda", "--store", store, "--date", "2026-11-23", "--collector", "amelie", "--format", "csv"])
        }
        var alone: [(Double, Double)] = [], during: [(Double, Double, Bool)] = [], lettersTimes: [Double] = []
        for r in 0..<rounds {
            let store = work + "/s\(r)"
            _ = try Spawn.run(["cp", "-a", master, store])
            alone.append((try agenda(store), try save(store)))
            // The letters run, and 300 ms into it (chosen and rendering), the other user's read and save.
            let started = Date()
            let pid = try Spawn.start([relance, "letters", "--store", store, "--out", work + "/out\(r)", "--date", "2026-11-23",
                                       "--user", "helene", "--mark-sent"])
            usleep(300_000)
            let a = try agenda(store), s = try save(store)
            var status: Int32 = 0
            let stillRunning = waitpid(pid, &status, WNOHANG) == 0
            Spawn.wait(pid)
            lettersTimes.append(Date().timeIntervalSince(started) * 1000)
            during.append((a, s, stillRunning))
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        print("letters-bench: \(customers) customers, \(rounds) rounds (medians, ms, whole processes)")
        print(String(format: "  alone:                 agenda %.0f, save %.0f", median(alone.map(\.0)), median(alone.map(\.1))))
        print(String(format: "  during letters:        agenda %.0f, save %.0f (letters still running at the end in %d of %d rounds)",
                     median(during.map(\.0)), median(during.map(\.1)), during.filter(\.2).count, rounds))
        print(String(format: "  letters --mark-sent:   %.0f", median(lettersTimes)))
    }
}
