import Foundation
import Testing
import TestSupport
@testable import Interchange
@testable import Receivables

/// Issue 20: a customers import that repeats the previous import leaves a change made in Relance (a reassignment,
/// an approved limit) in place; a value that differs is applied and reported as overriding it.
@Suite struct ImportKeepsRelanceChangesTests {
    func imported(_ csv: String, into b: inout Book) throws -> Importer.Plan {
        let plan = try Importer.plan(.customers, data: Data(csv.utf8), file: "c.csv", book: b, user: "helene", today: Fixtures.date("2026-11-20"))
        if let change = plan.change { try b.applyNew(change, by: Fixtures.supervisor) }
        return plan
    }

    @Test func aRepeatedImportKeepsTheReassignmentAndTheLimitAndADifferentOneOverridesThem() throws {
        var b = ImportTests.team
        _ = try imported(ImportTests.customers, into: &b)
        // Relance: C1 goes to benoit, its limit to 80 000 €.
        var t = AccountTerms(of: b.customers["C1"]!)
        t.collector = "benoit"; t.creditLimit = Fixtures.eur("80000.00")
        try b.applyNew(try #require(try AccountControl.change(b.customers["C1"]!, to: t, reason: "revue", by: Fixtures.supervisor,
                                                              at: "2026-11-20T09:00:00Z", date: Fixtures.date("2026-11-20"), id: "A1")), by: Fixtures.supervisor)
        // The accounting package's export again, unchanged: nothing to do, Relance's values stand.
        let again = try imported(ImportTests.customers, into: &b)
        #expect(again.added == 0 && again.updated == 0 && again.overrides.isEmpty)
        #expect(b.customers["C1"]?.collector == "benoit" && b.customers["C1"]?.creditLimit == Fixtures.eur("80000.00"))
        // An export that changes the limit (60 000 €) but repeats the collector: the limit is applied and said.
        let changed = ImportTests.customers.replacingOccurrences(of: "50 000,00", with: "60 000,00")
        let plan = try imported(changed, into: &b)
        #expect(b.customers["C1"]?.creditLimit == Fixtures.eur("60000.00"))
        #expect(b.customers["C1"]?.collector == "benoit")
        #expect(plan.overrides.count == 1)
        #expect(plan.overrides.first?.hasPrefix("c.csv:2: customer C1: credit limit set in Relance to 80 000,00 €, now 60 000,00 €") == true, "\(plan.overrides)")
        // The same export once more: nothing more.
        #expect(try imported(changed, into: &b).updated == 0)
        // A file that moves C2 (never changed in Relance) from benoit to amelie: applied, no override, the days before stay benoit's.
        let moved = changed.replacingOccurrences(of: "C2;Boulangeries Lefèvre;;benoit", with: "C2;Boulangeries Lefèvre;;amelie")
        let p2 = try imported(moved, into: &b)
        #expect(p2.overrides.isEmpty && p2.updated == 1)
        #expect(b.customers["C2"]?.collector == "amelie")
        #expect(b.customers["C2"]?.collector(on: Fixtures.date("2026-11-19")) == "benoit")
    }
}
