import Foundation
import Testing
import TestSupport
import DemoData
@testable import FileStore
@testable import Receivables

/// The hand-written snapshot encoder must say exactly what the Codable types mean.
@Suite struct RecordWriterTests {
    func richBook() throws -> Book {
        var book = try DemoGenerator(customers: 40, seed: 3, today: Fixtures.date("2026-11-23")).book()
        let c = book.customerOrder[0]
        let open = book.openInvoices(of: c)
        try book.apply(.logActivity(activity: Activity(id: "odd", at: "2026-11-23T10:00:00Z", date: Fixtures.date("2026-11-23"), user: "amelie",
            customerId: c, channel: .note, note: "quote \" backslash \\ newline\n tab\t bell\u{7} é € 漢 😀", step: "x")))
        let n = open[0].number
        try book.apply(.openDispute(dispute: Dispute(id: "DX", customerId: c, lines: [.init(invoice: n, amount: Money(cents: 1))],
                                                     reasonCode: "PRICE", ownerDepartment: "sales", openedOn: Fixtures.date("2026-11-20"), user: "amelie")))
        try book.apply(.updateDispute(update: DisputeUpdate(id: "DX", date: Fixtures.date("2026-11-22"), user: "helene", status: .resolvedCreditNote,
                                                            note: "avoir", creditNotes: [.init(invoice: n, amount: Money(cents: 1))])))
        try book.apply(.waiveLateFees(waiver: LateFeeWaiver(invoice: n, date: Fixtures.date("2026-11-22"), user: "helene", reason: "geste commercial")))
        let total = book.openAmount(n)
        if total.cents > 200 {
            let schedule = try PlanBuilder.schedule(total: total, downPayment: Money(cents: 100), downPaymentDate: Fixtures.date("2026-11-23"),
                                                    count: 2, period: .monthly, firstInstalment: Fixtures.date("2026-12-23"))
            try book.apply(.createPlan(plan: PaymentPlan(id: "EX", customerId: c, invoices: [n], createdOn: Fixtures.date("2026-11-23"), schedule: schedule, user: "amelie")))
        }
        return book
    }

    @Test func everyRecordRoundTripsThroughTheCodableTypes() throws {
        let book = try richBook()
        let records = book.records
        #expect(records.contains { if case .plan = $0 { return true }; return false })
        #expect(records.contains { if case .creditNote = $0 { return true }; return false })
        let decoder = JSONDecoder()
        for r in records {
            let w = JSONWriter()
            r.write(to: w)
            let back = try decoder.decode(BookRecord.self, from: Data(w.bytes))
            #expect(back == r, "\(String(decoding: w.bytes, as: UTF8.self))")
        }
    }

    @Test func aSnapshotReloadsToTheSameBook() throws {
        let book = try richBook()
        let dir = TempDirectory("rt"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.path, book: book)
        #expect(store.book.records(includingActivities: false) == book.records(includingActivities: false))
        for id in book.customerOrder {
            #expect(try store.history(of: id) == book.activities(of: id))
            #expect(store.book.digest(of: id) == book.digest(of: id))
        }
        #expect(store.book.openAmount(book.customerOrder.first.map { book.openInvoices(of: $0)[0].number }!) ==
                book.openAmount(book.customerOrder.first.map { book.openInvoices(of: $0)[0].number }!))
    }
}
