import Foundation
import Testing
import TestSupport
@testable import Interchange
@testable import Receivables
@testable import FileStore

@Suite struct ImportTests {
    static let customers = """
    id;name;siren;collector;salesperson;credit_limit;payment_terms_days;contact_name;contact_phone;contact_email
    C1;Société Générale de Chaudronnerie;552 100 554;amelie;zoe;50 000,00;30;Hélène Martin;01 23 45 67 89;h.martin@sgc.fr
    C2;Boulangeries Lefèvre;;benoit;;;45;;;
    """
    static let invoices = """
    Number,Customer_ID,Issue_Date,Due_Date,Amount,Currency,PO_Number
    F1,C1,2026-09-01,2026-10-01,1234.56,EUR,PO-1
    F2,C1,15/09/2026,15/10/2026,"2 000,00",,
    F3,C2,2026-10-01,2026-11-15,300,EUR,
    """

    /// A book with the team the CSV names (collectors and salespeople must be users of the store).
    static var team: Book {
        var b = Book()
        for (id, role) in [("helene", User.Role.supervisor), ("amelie", .collector), ("benoit", .collector), ("zoe", .salesperson)] {
            try! b.applyNew(.upsertUser(user: User(id: id, name: id.capitalized, role: role)), by: Fixtures.supervisor)
        }
        return b
    }

    func importAll(_ kinds: [(Importer.Kind, String)], into book: Book = ImportTests.team) throws -> Book {
        var b = book
        for (kind, text) in kinds {
            let plan = try Importer.plan(kind, data: Data(text.utf8), file: "\(kind).csv", book: b, user: "helene")
            if let c = plan.change { try b.apply(c) }
        }
        return b
    }

    /// An outside audit (issue 22): a file with the contact's name and e-mail only wiped the phone the contact had.
    @Test func aContactColumnTheFileDoesNotCarryKeepsItsValue() throws {
        let again = "id;name;contact_name;contact_email\nC1;Société Générale de Chaudronnerie;Hélène Martin;compta@sgc.fr\n"
        let b = try importAll([(.customers, Self.customers), (.customers, again)])
        let contact = try #require(b.customers["C1"]?.contacts.first)
        #expect(contact.phone == "01 23 45 67 89" && contact.email == "compta@sgc.fr")
        #expect(b.customers["C1"]?.contacts.count == 1)
    }

    @Test func importsCustomersAndInvoices() throws {
        let b = try importAll([(.customers, Self.customers), (.invoices, Self.invoices)])
        #expect(b.customers["C1"]?.siren == "552100554")
        #expect(b.customers["C1"]?.creditLimit == Money(euros: 50_000))
        #expect(b.customers["C1"]?.contacts.first?.phone == "01 23 45 67 89")
        #expect(b.customers["C2"]?.paymentTermsDays == 45)
        #expect(b.invoices["F2"]?.amount == Fixtures.eur("2000.00"))
        #expect(b.invoices["F2"]?.dueDate.iso == "2026-10-15")
        #expect(b.invoices["F1"]?.poNumber == "PO-1")
    }

    @Test func reimportingTheSameFileChangesNothing() throws {
        let b = try importAll([(.customers, Self.customers), (.invoices, Self.invoices)])
        let again = try Importer.plan(.invoices, data: Data(Self.invoices.utf8), file: "invoices.csv", book: b, user: "helene")
        #expect(again.change == nil)
        #expect(again.unchanged == 3)
        let payments = "date,customer_id,amount,reference,invoice_number\n2026-10-20,C1,500,VIR-1,F2\n"
        let b2 = try importAll([(.payments, payments)], into: b)
        let twice = try Importer.plan(.payments, data: Data(payments.utf8), file: "p.csv", book: b2, user: "helene")
        #expect(twice.change == nil && twice.unchanged == 1)
    }

    @Test func badRowsAreReportedByLineAndNothingIsImported() throws {
        let b = try importAll([(.customers, Self.customers)])
        let bad = """
        number,customer_id,issue_date,due_date,amount
        F1,C1,2026-09-01,2026-10-01,100
        F2,C9,2026-09-01,2026-10-01,100
        F3,C1,31/02/2026,2026-10-01,100
        F4,C1,2026-09-01,2026-10-01,abc
        F5,C1,2026-09-01,2026-08-01,100
        F1,C1,2026-09-01,2026-10-01,100
        """
        do {
            _ = try Importer.plan(.invoices, data: Data(bad.utf8), file: "inv.csv", book: b, user: "helene")
            Issue.record("accepted")
        } catch let f as ImportFailure {
            #expect(f.errors.map(\.line) == [3, 4, 5, 6, 7])
            #expect(f.errors[0].description == "inv.csv:3: invoice F2: unknown customer C9")
            #expect(f.errors[1].reason.contains("issue_date"))
            #expect(f.errors[2].reason.contains("'abc' is not an amount"))
            #expect(f.errors[3].reason.contains("before issue date"))
            #expect(f.errors[4].reason.contains("already appears on line 2"))
            #expect(f.description.contains("Nothing was imported"))
        }
    }

    @Test func missingColumnsAreNamed() {
        do { _ = try Importer.plan(.payments, data: Data("date,amount\n".utf8), file: "p.csv", book: Book(), user: "helene"); Issue.record("accepted") }
        catch let f as ImportFailure { #expect(f.errors[0].reason.contains("missing column customer_id")) }
        catch { Issue.record("\(error)") }
    }

    @Test func paymentsAreLetteredByInvoiceReferenceOrOldestFirstWithOverpaymentOnAccount() throws {
        let b = try importAll([(.customers, Self.customers), (.invoices, Self.invoices), (.payments, """
            date;customer_id;amount;reference;invoice_number
            2026-10-20;C1;2 000,00;VIR 1;F2
            2026-10-21;C1;100,00;règlement F1;
            2026-10-22;C1;1 500,00;;
            2026-10-22;C2;300,00;;
            """)])
        #expect(b.openAmount("F2") == .zero)
        #expect(b.openAmount("F1") == .zero)
        #expect(b.unallocatedCredit(of: "C1") == Fixtures.eur("365.44"))   // 1500 - (1234.56 - 100)
        #expect(b.openAmount("F3") == .zero)
        #expect(b.payments["PAY:VIR 1"] != nil)
    }

    @Test func promiseStateFollowsImportedPayments() throws {
        var b = try importAll([(.customers, Self.customers), (.invoices, Self.invoices)])
        try b.apply(.makePromise(promise: Promise(id: "P1", customerId: "C1", invoices: ["F1"], amount: Fixtures.eur("1234.56"),
                                                  promisedDate: Fixtures.date("2026-10-25"), madeOn: Fixtures.date("2026-10-10"), user: "amelie"), supersedes: []))
        b = try importAll([(.payments, "date,customer_id,amount,invoice_number\n2026-10-28,C1,1234.56,F1\n")], into: b)
        #expect(b.state(of: b.promises["P1"]!, asOf: Fixtures.date("2026-11-01")) == .kept)   // 25/10 + 3 days grace
    }

    @Test func theImportedFileIsCommittedThroughTheStoreAllOrNothing() throws {
        let dir = TempDirectory("imp"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.path, book: Self.team)
        try store.commit(user: "helene") { book in try Importer.plan(.customers, data: Data(Self.customers.utf8), file: "c.csv", book: book, user: "helene").change! }
        #expect(throws: ImportFailure.self) {
            try store.commit(user: "helene") { book in
                try Importer.plan(.invoices, data: Data((Self.invoices + "\nF9,C1,2026-01-01,2026-01-31,-5").utf8), file: "i.csv", book: book, user: "helene").change!
            }
        }
        #expect(try JSONFileStore(directory: dir.path).book.invoices.isEmpty)
        #expect(store.seq == 1)
    }
}
