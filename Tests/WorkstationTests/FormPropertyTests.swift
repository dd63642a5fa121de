import Foundation
import Testing
import TestSupport
import TerminalKit
import FileStore
@testable import Receivables
@testable import Workstation

/// Every form driven by random keys and pastes (issue 9): whatever the sequence, nothing crashes, and whatever
/// was saved passes `check`. A short seeded run here; `relance-tools` is not needed for it to be reproducible:
/// the seed is printed on failure.
@Suite struct FormPropertyTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func randomKeysInEveryFormCrashNothingAndSaveOnlyValidData(seed: UInt64) throws {
        let dir = TempDirectory("forms"); defer { dir.remove() }
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "12000.00"), ("F2", "2026-10-20", "2026-12-01", "6000.00"),
                                            ("F3", "2026-10-01", "2026-11-15", "1500.00")])
        try book.apply(.openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [.init(invoice: "F3", amount: Fixtures.eur("300.00"))],
                                                     reasonCode: "PRICE", ownerDepartment: "sales", openedOn: Fixtures.date("2026-11-11"), user: "amelie")))
        let store = try JSONFileStore.create(directory: dir.path, book: book)
        FormMonkey.run(seed: seed, sequences: 40, store: store, user: book.users["amelie"]!)
        let check = StoreCheck.run(directory: dir.path)
        #expect(check.ok, "seed \(seed): \(check.text)")
        #expect(!check.text.contains("to correct"), "seed \(seed): \(check.text)")
        #expect(store.book.consistencyProblems().isEmpty, "seed \(seed)")
        #expect(store.seq > 0, "seed \(seed): no form was ever saved, the run proves nothing")
        print("form property run, seed \(seed): 40 sequences, \(store.seq) changes saved, check OK")
    }
}
