import ArgumentParser
import Foundation
import Receivables
import Simulation

/// `relance-tools simulate`: the dunning engine run day by day by a scripted collector (issue 10), on a demo book
/// and on the same book imported without its history; prints the counts and every rule broken.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate",
        abstract: "Run the dunning engine for N days with a scripted collector and check its rules.")

    @Option(help: "Customers of the demo book.") var customers = 200
    @Option(help: "Days to run.") var days = 120
    @Option(help: "Seeds to run, one after the other.") var seeds: [UInt64] = [1, 2, 3, 7]
    @Option(help: "First day (YYYY-MM-DD).") var start = "2026-11-23"

    func run() throws {
        guard let first = CalendarDate.parseISO(start) else { throw ValidationError("--start: not a date") }
        var failed = false
        for seed in seeds {
            let demo = try DunningSimulation.demoBook(customers: customers, seed: seed, today: first)
            for (label, book) in [("demo", demo), ("imported", try DunningSimulation.importedBook(from: demo, today: first))] {
                var sim = DunningSimulation(book: book, start: first, days: days, seed: seed)
                let t = Date()
                let report = sim.run()
                print(String(format: "seed %llu, %@ book: %@ (%.1f s)", seed, label, report.summary, Date().timeIntervalSince(t)))
                for v in report.violations { print("  " + v) }
                failed = failed || !report.violations.isEmpty
            }
        }
        if failed { throw ExitCode(1) }
    }
}
