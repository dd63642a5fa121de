import ArgumentParser
import Foundation
import Receivables
#if canImport(Glibc)
import Glibc
#endif

/// `relance-tools fec-bench`: the FEC import of issue 21 at scale. Writes a FEC of `--lines` lines (sales entries of
/// three lines, bank entries of two, most invoices lettered with their payment, some paid in part or not yet), then
/// times the real `relance import fec` on a new store, as a user would run it, with its peak memory; then the same
/// file again (a re-import that must add nothing).
struct FECBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fec-bench", abstract: "Time relance import fec on a large generated FEC and report peak memory.")

    @Option(help: "Lines of the FEC.") var lines = 500_000
    @Option(help: "Customers (auxiliary accounts).") var customers = 5_000
    @Option(help: "Keep the FEC and the store in this folder (default: a temporary one, removed).") var keep: String?

    func run() throws {
        let dir = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("relance-fec-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let file = dir + "/BENCHFEC20261231.txt"
        let t0 = Date()
        let expected = try Self.write(file, lines: lines, customers: customers)
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        func row(_ label: String, _ value: String) { print(label.padding(toLength: 46, withPad: " ", startingAt: 0) + value) }
        row("FEC written", String(format: "%d lines, %d MB, %d customer lines, in %.1f s", expected.lines, size >> 20, expected.customerLines, Date().timeIntervalSince(t0)))
        row("expected open total (411 debit - credit)", expected.open.plain)
        let relance = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("relance").path
        let store = dir + "/store"
        try? FileManager.default.removeItem(atPath: store)
        _ = try Self.runTimed(relance, ["init", "--store", store])
        for label in ["import fec (new store)", "import fec again (nothing new)"] {
            let (seconds, peak, out) = try Self.runTimed(relance, ["import", "fec", file, "--store", store])
            row(label, String(format: "%.1f s, peak %d MB", seconds, peak))
            if let open = out.split(separator: "\n").first(where: { $0.contains("open items") }) { print("    " + open) }
            if let first = out.split(separator: "\n").first { print("    " + first) }
        }
    }

    /// Runs `tool` and returns its wall time, its peak resident memory (MB, from `wait4`'s rusage: spawned and
    /// reaped here, not by Foundation's `Process`, which reaps on its own) and its output.
    static func runTimed(_ tool: String, _ args: [String]) throws -> (Double, Int, String) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fec-bench-out-\(getpid())").path
        defer { unlink(out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([tool] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = Date()
        guard posix_spawn(&pid, tool, &actions, nil, argv, environ) == 0 else { throw ValidationError("cannot run \(tool)") }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        let seconds = Date().timeIntervalSince(start)
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else { throw ValidationError("\(tool) \(args.joined(separator: " ")) failed:\n\(text)") }
        return (seconds, usage.ru_maxrss / 1024, text)
    }

    /// Writes the FEC; returns what it holds, computed as it is written (not by the importer).
    static func write(_ path: String, lines target: Int, customers: Int) throws -> (lines: Int, customerLines: Int, open: Money) {
        guard let out = FileHandle(forWritingAtPath: path) ?? { _ = FileManager.default.createFile(atPath: path, contents: nil); return FileHandle(forWritingAtPath: path) }() else {
            throw ValidationError("cannot write \(path)")
        }
        defer { try? out.close() }
        var buffer = "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise\n"
        var lines = 0, customerLines = 0, open: Int64 = 0
        var rng = UInt64(0x9E37_79B9_7F4A_7C15)
        func next(_ n: Int) -> Int { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Int((rng >> 33) % UInt64(n)) }
        func amount(_ cents: Int64) -> String { "\(cents / 100),\(String(format: "%02d", cents % 100))" }
        let start = CalendarDate(year: 2026, month: 1, day: 1)!
        var sale = 0, bank = 0
        var letters = [Int](repeating: 0, count: customers)
        func letter(_ n: Int) -> String {
            var s = "", k = n
            repeat { s = String(UnicodeScalar(UInt8(65 + k % 26))) + s; k /= 26 } while k > 0
            return s
        }
        while lines < target {
            let c = next(customers)
            let aux = "C\(String(format: "%05d", c))"
            let name = "Client \(c) Société"
            let day = start.adding(days: next(330))
            let d = day.iso.replacingOccurrences(of: "-", with: "")
            let ht = Int64(5_000 + next(500_000))
            let ttc = ht + ht / 5
            sale += 1
            let piece = "F\(sale)"
            // Paid in full and lettered (70 %), paid in part (10 %), not yet (20 %).
            let roll = next(10)
            var let1 = "", dateLet = ""
            if roll < 7 { letters[c] += 1; let1 = letter(letters[c]); dateLet = day.adding(days: 35).iso.replacingOccurrences(of: "-", with: "") }
            buffer += "VE\tVentes\t\(sale)\t\(d)\t411000\tClients\t\(aux)\t\(name)\t\(piece)\t\(d)\tFacture \(piece)\t\(amount(ttc))\t0,00\t\(let1)\t\(dateLet)\t\(d)\t\t\n"
            buffer += "VE\tVentes\t\(sale)\t\(d)\t706000\tPrestations\t\t\t\(piece)\t\(d)\tFacture \(piece)\t0,00\t\(amount(ht))\t\t\t\(d)\t\t\n"
            buffer += "VE\tVentes\t\(sale)\t\(d)\t445710\tTVA collectée\t\t\t\(piece)\t\(d)\tFacture \(piece)\t0,00\t\(amount(ttc - ht))\t\t\t\(d)\t\t\n"
            lines += 3; customerLines += 1; open += ttc
            if roll < 8 {
                let paid = roll < 7 ? ttc : ttc / 2
                bank += 1
                let pd = day.adding(days: 30).iso.replacingOccurrences(of: "-", with: "")
                buffer += "BQ\tBanque\t\(bank)\t\(pd)\t512000\tBanque\t\t\tVIR\(bank)\t\(pd)\tVirement \(aux)\t\(amount(paid))\t0,00\t\t\t\(pd)\t\t\n"
                buffer += "BQ\tBanque\t\(bank)\t\(pd)\t411000\tClients\t\(aux)\t\(name)\tVIR\(bank)\t\(pd)\tVirement \(aux)\t0,00\t\(amount(paid))\t\(let1)\t\(dateLet)\t\(pd)\t\t\n"
                lines += 2; customerLines += 1; open -= paid
            }
            if buffer.utf8.count > 1 << 20 { out.write(Data(buffer.utf8)); buffer = "" }
        }
        out.write(Data(buffer.utf8))
        return (lines, customerLines, Money(cents: open))
    }
}
