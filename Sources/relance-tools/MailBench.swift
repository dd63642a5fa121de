import ArgumentParser
import DemoData
import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `relance-tools mail-bench` (issue 22): `relance mail` on a demo store of 5,000 customers: writing the day's
/// e-mails as `.eml` files, then sending them through a mail command that takes each message at once (a script
/// that reads it), with another user's agenda read and save timed while the send runs.
struct MailBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mail-bench",
        abstract: "Time `relance mail --out` and `relance mail --send` on a demo store, and another user's read and save during the send.")

    @Option(help: "Customers of the demo store built for the run.") var customers = 5_000

    func run() throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let relance = bin + "/relance"
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("relance-mail-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let store = work + "/store"
        let (made, text) = try Spawn.run([relance, "demo", "--out", store, "--customers", String(customers), "--today", "2026-11-23"])
        guard made == 0 else { throw ValidationError(text) }
        // A mail command that takes the message as a relay would: it reads it all, then says yes.
        let accept = work + "/accept.sh"
        try Data("#!/bin/sh\nexec cat >/dev/null\n".utf8).write(to: URL(fileURLWithPath: accept))
        chmod(accept, 0o755)
        let (c, ct) = try Spawn.run([relance, "company", "set", "--store", store, "--user", "helene", "--mailer", accept])
        guard c == 0 else { throw ValidationError(ct) }

        func timed(_ args: [String]) throws -> (Double, String) {
            let t = Date()
            let (status, out) = try Spawn.run(args)
            guard status == 0 else { throw ValidationError("\(args.joined(separator: " ")): \(out)") }
            return (Date().timeIntervalSince(t) * 1000, out)
        }
        let (write, written) = try timed([relance, "mail", "--store", store, "--out", work + "/eml", "--date", "2026-11-23", "--user", "helene"])
        let file = work + "/pay.csv"
        try Data("date,customer_id,amount,reference\n2026-11-20,C0001,1.00,BENCH-1\n".utf8).write(to: URL(fileURLWithPath: file))
        let started = Date()
        let log = work + "/send.log"
        let pid = try Spawn.start([relance, "mail", "--store", store, "--send", "--date", "2026-11-23", "--user", "helene"], output: log)
        usleep(1_500_000)
        let (agenda, _) = try timed([relance, "agenda", "--store", store, "--date", "2026-11-23", "--collector", "amelie", "--format", "csv"])
        let (save, _) = try timed([relance, "import", "payments", file, "--store", store, "--user", "helene"])
        var status: Int32 = 0
        let stillRunning = waitpid(pid, &status, WNOHANG) == 0
        let code = Spawn.wait(pid)
        let send = Date().timeIntervalSince(started) * 1000
        let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard code == 0 else { throw ValidationError("mail --send ended with \(code): \(said)") }
        let count = Int(written.split(separator: " ").first ?? "0") ?? 0
        print("mail-bench: \(customers) customers, \(count) e-mails (whole processes, ms)")
        print(String(format: "  mail --out (write .eml):   %.0f (%.2f per e-mail)", write, write / Double(max(1, count))))
        print(String(format: "  mail --send:               %.0f (%.2f per e-mail, one mail command each)", send, send / Double(max(1, count))))
        print(String(format: "  during the send:           agenda %.0f, save %.0f (send still running: %@)", agenda, save, stillRunning ? "yes" : "no"))
        print("  said: " + (said.split(separator: "\n").first.map(String.init) ?? ""))
    }
}
