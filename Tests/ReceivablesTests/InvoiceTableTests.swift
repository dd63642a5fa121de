import Testing
import TestSupport
@testable import Receivables

/// Issue 23: the book keeps its invoices in one array with their settlements beside them (`InvoiceTable`) instead of
/// three tables keyed by number. What the tables said, the array must say: open amounts, settlements by number (those
/// of a number no invoice has yet too), a customer's invoices in the order they came, an invoice moved to another
/// customer, a re-import that changes an invoice in place. Figures are worked out by hand in the comments.
@Suite struct InvoiceTableTests {
    static func invoice(_ n: String, _ customer: String, _ amount: String, issued: String = "2026-09-01") -> Invoice {
        Invoice(number: n, customerId: customer, issueDate: Fixtures.date(issued), dueDate: Fixtures.date("2026-10-01"), amount: Fixtures.eur(amount))
    }

    static func book() throws -> Book {
        var b = Book()
        for c in ["C1", "C2"] { try b.apply(.upsertCustomer(customer: Customer(id: c, name: "Client \(c)"))) }
        for (n, c, a) in [("F1", "C1", "100.00"), ("F2", "C2", "250.00"), ("F3", "C1", "40.00")] {
            try b.apply(.upsertInvoice(invoice: invoice(n, c, a)))
        }
        return b
    }

    @Test func openAmountsAndSettlementsFollowPaymentsAndCreditNotes() throws {
        var b = try Self.book()
        // F1 100.00 - 30.00 paid 2026-10-05 - 20.00 credited 2026-10-20 = 50.00; F3 40.00 paid in full on 2026-10-05.
        try b.apply(.recordPayment(payment: Payment(id: "P1", customerId: "C1", date: Fixtures.date("2026-10-05"), amount: Fixtures.eur("70.00"),
                                                    allocations: [Allocation(invoice: "F1", amount: Fixtures.eur("30.00")), Allocation(invoice: "F3", amount: Fixtures.eur("40.00"))])))
        b.insertCreditNote(CreditNote(id: "A1", invoice: "F1", date: Fixtures.date("2026-10-20"), amount: Fixtures.eur("20.00")))
        #expect(b.openAmount("F1") == Fixtures.eur("50.00"))
        #expect(b.openAmount("F3") == .zero)
        #expect(b.openAmount("F2") == Fixtures.eur("250.00"))
        #expect(b.openAmount("nothing") == .zero)
        // As of 2026-10-10 the credit note was not there yet: 100.00 - 30.00.
        #expect(b.openAmount("F1", asOf: Fixtures.date("2026-10-10")) == Fixtures.eur("70.00"))
        #expect(b.settlementsByInvoice["F1"]?.map(\.amount) == [Fixtures.eur("30.00"), Fixtures.eur("20.00")])
        #expect(b.settlementsByInvoice["F2"] == nil)
        #expect(b.openInvoices(of: "C1").map(\.number) == ["F1"])
        #expect(b.invoices(of: "C1").map(\.number) == ["F1", "F3"] && b.invoiceNumbers(of: "C2") == ["F2"])
        let pairs = b.invoicesWithSettlements(of: "C1").map { ($0.invoice.number, $0.settlements.count) }
        #expect(pairs.map(\.0) == ["F1", "F3"] && pairs.map(\.1) == [2, 1])
        // 30 + 20 + 40 settled in all.
        #expect(b.invoices.allSettlements.reduce(Money.zero) { $0 + $1.amount } == Fixtures.eur("90.00"))
    }

    @Test func settlementsOfANumberNoInvoiceHasYetAreKeptAndTakenOverByTheInvoice() throws {
        var b = try Self.book()
        b.settle("F9", Book.Settlement(date: Fixtures.date("2026-10-02"), amount: Fixtures.eur("15.00"), kind: .creditNote("A9")))
        #expect(b.settlementsByInvoice["F9"]?.count == 1 && b.openAmount("F9") == .zero)
        #expect(b.invoices.allSettlements.count == 1)
        // The invoice comes later: 60.00 - 15.00, through either way an invoice enters the book.
        var restored = b
        let inserted = restored.insertNewInvoice(Self.invoice("F9", "C2", "60.00"))
        #expect(inserted)
        b.insertInvoice(Self.invoice("F9", "C2", "60.00"))
        for book in [b, restored] {
            #expect(book.openAmount("F9") == Fixtures.eur("45.00"))
            #expect(book.settlementsByInvoice["F9"]?.map(\.amount) == [Fixtures.eur("15.00")])
            #expect(book.invoices.allSettlements.count == 1)
            #expect(book.openInvoices(of: "C2").map(\.number) == ["F2", "F9"])
        }
    }

    @Test func aReimportChangesTheInvoiceInPlaceAndAnotherCustomerTakesIt() throws {
        var b = try Self.book()
        b.settle("F1", Book.Settlement(date: Fixtures.date("2026-10-02"), amount: Fixtures.eur("10.00"), kind: .payment("P0")))
        // The same number again, now 120.00 and C2's: it leaves C1's list, joins the end of C2's, keeps its settlement.
        b.insertInvoice(Self.invoice("F1", "C2", "120.00"))
        #expect(b.invoices.count == 3)
        #expect(b.invoiceNumbers(of: "C1") == ["F3"] && b.invoiceNumbers(of: "C2") == ["F2", "F1"])
        #expect(b.openAmount("F1") == Fixtures.eur("110.00") && b.invoices["F1"]?.customerId == "C2")
        // A number taken is refused by the snapshot's insertion, which changes nothing.
        let taken = !b.insertNewInvoice(Self.invoice("F2", "C1", "1.00"))
        #expect(taken)
        #expect(b.invoices["F2"]?.amount == Fixtures.eur("250.00") && b.invoiceNumbers(of: "C1") == ["F3"] && b.invoices.count == 3)
        // Keys and values in the order the invoices came.
        #expect(Array(b.invoices.keys) == ["F1", "F2", "F3"] && b.invoices.values.map(\.number) == ["F1", "F2", "F3"])
    }

    @Test func aCopyOfTheBookKeepsItsOwnInvoices() throws {
        let before = try Self.book()
        var after = before
        after.insertInvoice(Self.invoice("F2", "C2", "999.00"))
        after.settle("F2", Book.Settlement(date: Fixtures.date("2026-10-02"), amount: Fixtures.eur("1.00"), kind: .payment("P")))
        #expect(before.openAmount("F2") == Fixtures.eur("250.00") && before.settlementsByInvoice["F2"] == nil)
        #expect(after.openAmount("F2") == Fixtures.eur("998.00"))
    }

    @Test func paymentsAreKeptInTheOrderTheyCameAndComparedByIdWhateverTheOrder() throws {
        func pay(_ id: String, _ customer: String, _ amount: String, _ allocations: [(String, String)]) -> Change {
            .recordPayment(payment: Payment(id: id, customerId: customer, date: Fixtures.date("2026-10-05"), amount: Fixtures.eur(amount),
                                            allocations: allocations.map { Allocation(invoice: $0.0, amount: Fixtures.eur($0.1)) }))
        }
        var a = try Self.book(), b = try Self.book()
        let p1 = pay("P1", "C1", "150.00", [("F1", "100.00")]), p2 = pay("P2", "C1", "30.00", []), p3 = pay("P3", "C2", "10.00", [("F2", "10.00")])
        for c in [p1, p2, p3] { try a.apply(c) }
        for c in [p3, p2, p1] { try b.apply(c) }
        #expect(a.payments(of: "C1").map(\.id) == ["P1", "P2"] && b.payments(of: "C1").map(\.id) == ["P2", "P1"])
        #expect(a.payments == b.payments && a.payments.count == 3)
        // On account: 150.00 - 100.00 lettered + 30.00 unlettered = 80.00 for C1; C2's 10.00 all lettered.
        #expect(a.unallocatedCredit(of: "C1") == Fixtures.eur("80.00") && b.unallocatedCredit(of: "C1") == Fixtures.eur("80.00"))
        #expect(a.unallocatedCredit(of: "C2") == .zero && a.unallocatedCredit(of: "nobody") == .zero)
        // Lettering the 30.00 to F3 (40.00): no credit left, F3 owes 10.00.
        try a.apply(.allocateCredit(paymentId: "P2", allocations: [Allocation(invoice: "F3", amount: Fixtures.eur("30.00"))]))
        #expect(a.unallocatedCredit(of: "C1") == Fixtures.eur("50.00") && a.openAmount("F3") == Fixtures.eur("10.00"))
        #expect(a.payments != b.payments)
        // A snapshot's payment whose id is taken is refused and changes nothing.
        var restored = a
        let taken = try !restored.insertNewPayment(Payment(id: "P1", customerId: "C2", date: Fixtures.date("2026-10-06"), amount: Fixtures.eur("1.00"), allocations: []))
        #expect(taken && restored.payments == a.payments && restored.payments(of: "C2").map(\.id) == ["P3"])
    }

    /// Restoring a snapshot looks a payment's invoice up among its customer's own from where the last one was found,
    /// and adds rows to a customer's lists at the slot it knows (issue 23). Whatever the order, and for an invoice of
    /// another customer or one too far to be looked for, the book is the one the same changes make.
    @Test func aRestoredBookIsTheBookTheSameRecordsMakeWhateverTheOrderOfThePayments() throws {
        // C1 has 40 invoices F1..F40 of 10.00 each; C2 has G1 of 500.00.
        var records: [BookRecord] = [.customer(Customer(id: "C1", name: "Un")), .customer(Customer(id: "C2", name: "Deux"))]
        records += (1...40).map { .invoice(Self.invoice("F\($0)", "C1", "10.00")) }
        records.append(.invoice(Self.invoice("G1", "C2", "500.00")))
        func pay(_ id: String, _ customer: String, _ allocations: [(String, String)]) -> BookRecord {
            let total = allocations.reduce(Money.zero) { $0 + Fixtures.eur($1.1) }
            return .payment(Payment(id: id, customerId: customer, date: Fixtures.date("2026-10-05"), amount: total,
                                    allocations: allocations.map { Allocation(invoice: $0.0, amount: Fixtures.eur($0.1)) }))
        }
        // C1 pays F40 (the far end of its list), then F1, F2 twice 5.00 (the same invoice again), F39 and F3 together;
        // C2 pays G1 200.00 and, for its parent company, C1's F5 in full.
        records += [pay("P1", "C1", [("F40", "10.00")]), pay("P2", "C1", [("F1", "10.00")]), pay("P3", "C1", [("F2", "5.00")]),
                    pay("P4", "C1", [("F2", "5.00")]), pay("P5", "C1", [("F39", "10.00"), ("F3", "4.00")]),
                    pay("P6", "C2", [("G1", "200.00")]), pay("P7", "C2", [("F5", "10.00")])]
        var restored = Book()
        for r in records { try restored.restore(r) }
        // Open: F1, F2, F5, F39, F40 settled; F3 10.00 - 4.00 = 6.00; G1 500.00 - 200.00 = 300.00; the other 34 at 10.00.
        #expect(["F1", "F2", "F5", "F39", "F40"].allSatisfy { restored.openAmount($0) == .zero })
        #expect(restored.openAmount("F3") == Fixtures.eur("6.00") && restored.openAmount("G1") == Fixtures.eur("300.00"))
        #expect(restored.openInvoices(of: "C1").count == 35 && restored.openInvoices(of: "C2").map(\.number) == ["G1"])
        #expect(restored.settlementsByInvoice["F2"]?.map(\.kind) == [.payment("P3"), .payment("P4")])
        #expect(restored.settlementsByInvoice["F5"]?.map(\.kind) == [.payment("P7")])
        #expect(restored.payments(of: "C1").map(\.id) == ["P1", "P2", "P3", "P4", "P5"] && restored.payments(of: "C2").map(\.id) == ["P6", "P7"])
        #expect(restored.invoiceNumbers(of: "C1") == (1...40).map { "F\($0)" } && restored.invoiceNumbers(of: "C2") == ["G1"])
        // An allocation to a number no invoice has is refused, naming it, whoever's list was looked in.
        var bad = restored
        #expect(throws: DomainError.refersToUnknown(.invoice, "F41")) { try bad.restore(pay("P8", "C1", [("F41", "1.00")])) }
    }
}
