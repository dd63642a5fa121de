import Foundation
import Testing
import TestSupport
import DemoData
@testable import Simulation
@testable import Receivables

/// The dunning engine run for 120 days by a scripted collector (issue 10): a short seeded version here, the long
/// ones in `relance-tools simulate`.
@Suite struct DunningSimulationTests {
    let start = Fixtures.date("2026-11-23")

    @Test(arguments: [1, 7] as [UInt64])
    func onADemoStore(seed: UInt64) throws {
        var sim = DunningSimulation(book: try DunningSimulation.demoBook(customers: 25, seed: seed, today: start), start: start, days: 120, seed: seed)
        let report = sim.run()
        print("simulation (demo, seed \(seed)): \(report.summary)")
        #expect(report.violations.isEmpty, "\(report.violations.joined(separator: "\n"))")
        // The run did exercise the rules: letters at several levels, calls, reviews.
        #expect(report.lettersByLevel.keys.filter { $0 >= 1 }.count >= 2, "\(report.summary)")
        #expect(report.calls > 20 && report.largeItemsWatched > 0 && !report.decisions.isEmpty && report.plans > 0 && report.promises > 0, "\(report.summary)")
    }

    @Test func onAnImportedBookCarryingItsLevels() throws {
        let demo = try DunningSimulation.demoBook(customers: 25, seed: 3, today: start)
        let book = try DunningSimulation.importedBook(from: demo, today: start)
        #expect(book.invoices.values.contains { $0.level == 1 && $0.lastDunned != nil })
        var sim = DunningSimulation(book: book, start: start, days: 120, seed: 3)
        let report = sim.run()
        print("simulation (imported book): \(report.summary)")
        #expect(report.violations.isEmpty, "\(report.violations.joined(separator: "\n"))")
        #expect(report.lettersByLevel[2, default: 0] > 0, "\(report.summary)")
    }
}
