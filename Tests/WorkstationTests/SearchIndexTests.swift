import DemoData
import Testing
import TestSupport
@testable import Receivables
@testable import Workstation

/// Issue 23: the search folds the book's names and numbers once per book revision, not on every keystroke; a
/// change saved meanwhile (by anyone) is found at the next keystroke.
@Suite struct SearchIndexTests {
    @Test func aCustomerAddedWhileSearchingIsFoundAtTheNextKey() throws {
        let store = MemoryStore(book: Fixtures.book(invoices: [("F26-000442", "2026-09-01", "2026-10-01", "300.00")]))
        let (app, screen) = workstation(store, user: "amelie", rows: 24, columns: 100)
        app.render()
        app.handle(.character("/"))
        for ch in "l’ecl" { app.handle(.character(ch)) }
        app.render()
        #expect(screen.text.contains("No customer matches"), "\(screen.text)")
        try store.commit(user: "helene", .upsertCustomer(customer: Customer(id: "C9", name: "Brasserie de L’Écluse-Sud", contacts: [])))
        app.handle(.character("u")); app.render()
        #expect(screen.text.contains("Brasserie de L’Écluse-Sud"), "\(screen.text)")
        // The invoice number, without its hyphen's space, from the same folded keys.
        for _ in 0..<6 { app.handle(.backspace) }
        for ch in "F26-0004" { app.handle(.character(ch)) }
        app.render()
        #expect(screen.text.contains("invoice F26-000442"), "\(screen.text)")
        // An invoice a colleague adds to an account: its keys brought up to date from that change alone, found.
        try store.commit(user: "helene", .upsertInvoice(invoice: Invoice(number: "AV-2026/9", customerId: "C9", issueDate: Fixtures.date("2026-11-01"),
                                                                          dueDate: Fixtures.date("2026-12-01"), amount: Fixtures.eur("10.00"))))
        for _ in 0..<8 { app.handle(.backspace) }
        for ch in "av2026" { app.handle(.character(ch)) }
        app.render()
        #expect(screen.text.contains("Brasserie de L’Écluse-Sud") && screen.text.contains("invoice AV-2026/9"), "\(screen.text)")
        // The keys kept up to date are the keys made afresh.
        let fresh = SearchIndex(book: store.book)
        #expect(app.session.searchIndex.entries.map(\.id) == fresh.entries.map(\.id))
        #expect(app.session.searchIndex.entries.map { $0.invoices.keys } == fresh.entries.map { $0.invoices.keys })
    }
}

/// Issue 23: the workstation makes the search's keys on another thread while the user is idle; `/` then takes them
/// (waiting for them if they are still being made), and they are the keys made at once on the same book.
@Suite struct PreparedSearchTests {
    @Test func keysMadeInTheBackgroundAreTakenAndAreTheSame() throws {
        let book = try DemoGenerator(customers: 300, seed: 7, today: Fixtures.date("2026-11-23")).book()
        let store = MemoryStore(book: book)
        let session = Session(store: store, user: try #require(book.users.values.first { $0.role == .supervisor }), today: Fixtures.date("2026-11-23"))
        session.prepareSearch()
        session.prepareSearch()   // one thread at a time: the second call starts nothing
        let index = session.searchIndex   // waits for the thread
        #expect(index.revision == book.revision)
        #expect(session.searchIndex === index)
        let fresh = SearchIndex(book: book)
        #expect(index.entries.map(\.id) == fresh.entries.map(\.id))
        #expect(index.entries.map(\.foldedName) == fresh.entries.map(\.foldedName))
        #expect(index.entries.map { $0.invoices.keys } == fresh.entries.map { $0.invoices.keys })
        for q in ["brasserie", "f26-00", "sarl"] {
            #expect(SearchScreen.search(q, in: index, book: book).map(\.customerId) == SearchScreen.search(q, in: fresh, book: book).map(\.customerId), "\(q)")
        }
        // Keys of this revision are kept: nothing is made again in the background.
        session.prepareSearch()
        #expect(session.searchIndex === index)
        // A change saved: the keys follow the book.
        try store.commit(user: "helene", .upsertCustomer(customer: Customer(id: "C9999", name: "Brasserie Nouvelle", contacts: [])))
        session.prepareSearch()
        #expect(session.searchIndex.revision == store.book.revision)
        #expect(SearchScreen.search("brasserie nouvelle", in: session.searchIndex, book: session.book).map(\.customerId) == ["C9999"])
    }
}

/// Issue 23: `a` narrows the team's agenda, built once per book revision, to each scope; what it shows is what the
/// agenda of that scope chosen alone holds, in the same order.
@Suite struct NarrowedAgendaTests {
    @Test func eachScopeNarrowedFromTheTeamIsTheScopeAlone() throws {
        let book = try DemoData.DemoGenerator(customers: 60, seed: 5, today: Fixtures.date("2026-11-23")).book()
        let team = Agenda(book: book, date: Fixtures.date("2026-11-23"), collector: nil)
        for scope in [nil, "amelie", "benoit", "celine", Agenda.unassigned, "nobody"] as [String?] {
            let alone = Agenda(book: book, date: Fixtures.date("2026-11-23"), collector: scope)
            let narrowed = team.narrowed(to: scope, in: book)
            #expect(narrowed.calls.map(\.customerId) == alone.calls.map(\.customerId), "\(scope ?? "team")")
            #expect(narrowed.written.map(\.customerId) == alone.written.map(\.customerId), "\(scope ?? "team")")
            #expect(narrowed.lines == alone.lines && narrowed.collector == alone.collector)
        }
        #expect(!team.calls.isEmpty && team.narrowed(to: "amelie", in: book).calls.count < team.calls.count)
    }
}

/// The fast key of an id or invoice number is the folded text without its spaces, whatever it holds.
@Suite struct CompactKeyTests {
    @Test(arguments: ["F26-000442", "AV/2026 12", "fa_2026.01@x", "Ç-12", "FA-é", "  C0001 ", "N°12", "ＦＵＬＬ1", "x\u{301}y", ""])
    func theFastKeyIsTheFoldedOne(_ s: String) {
        #expect(SearchIndex.compactKey(s) == Array(SearchScreen.foldedByFoundation(s).replacingOccurrences(of: " ", with: "").utf8))
    }
}

/// The byte-by-byte fold of ASCII text is Foundation's, on every ASCII byte (controls, punctuation, runs of
/// separators at either end); other text is left to Foundation.
@Suite struct ASCIIFoldTests {
    @Test func everyASCIITextFoldsAsFoundationFoldsIt() {
        var rng = UInt64(0x5EED)
        func next() -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return rng >> 33 }
        var samples = ["", " ", "--", "Brasserie de l'Ecluse-Sud", "  SARL  DUPONT & FILS. ", "a.b@c.fr", "X\tY\u{7F}Z", "C0001"]
        for _ in 0..<2_000 {
            let n = Int(next() % 24)
            samples.append(String(decoding: (0..<n).map { _ in UInt8(next() % 128) }, as: UTF8.self))
        }
        for s in samples {
            #expect(SearchScreen.foldASCII(s) == SearchScreen.foldedByFoundation(s), "\(Array(s.utf8))")
        }
        #expect(SearchScreen.foldASCII("Société Générale") == nil)
        #expect(SearchScreen.fold("Société Générale") == "societe generale")
    }
}

/// Issue 23: a `/` that must wait for its keys has them folded on every core, in parts of the customers put back in
/// the book's order; they are the keys folded on one thread.
@Suite struct ParallelSearchKeysTests {
    @Test func keysFoldedOnEveryCoreAreTheKeysFoldedOnOne() throws {
        var book = Book()
        // More customers than one part holds (2,000), names with accents and apostrophes, an invoice each.
        for k in 0..<2_345 {
            let id = String(format: "C%05d", k)
            try book.apply(.upsertCustomer(customer: Customer(id: id, name: k % 3 == 0 ? "Brasserie de l’Écluse \(k)" : "Société Générale \(k)")))
            try book.apply(.upsertInvoice(invoice: Invoice(number: "F-\(k)", customerId: id, issueDate: Fixtures.date("2026-09-01"),
                                                           dueDate: Fixtures.date("2026-10-01"), amount: Fixtures.eur("10.00"))))
        }
        let parallel = SearchIndex(book: book, everyCore: true), serial = SearchIndex(book: book, everyCore: false)
        #expect(parallel.entries.count == 2_345)
        #expect(parallel.entries.map(\.id) == book.customerOrder && serial.entries.map(\.id) == book.customerOrder)
        #expect(parallel.entries.map(\.foldedName) == serial.entries.map(\.foldedName))
        #expect(parallel.entries.map { $0.invoices.keys } == serial.entries.map { $0.invoices.keys })
        #expect(SearchScreen.search("ecluse 2", in: parallel, book: book).map(\.customerId) == SearchScreen.search("ecluse 2", in: serial, book: book).map(\.customerId))
        #expect(Array(parallel.entries[2_344].foldedName) == Array("societe generale 2344".utf8))
    }
}

/// A customer's invoice keys are kept in one buffer: the invoice found is the one whose key matches, exactly or in
/// part, the first in the customer's order, never a match across two keys; the book names it.
@Suite struct InvoiceKeysTests {
    @Test func theInvoiceFoundIsTheOneWhoseKeyMatches() throws {
        let numbers = ["F26-0001", "AV 2026/9", "F26-0012", "Fé-7"]
        let k = SearchIndex.InvoiceKeys(numbers)
        #expect(k.each.map { String(decoding: $0, as: UTF8.self) } == ["f260001", "av20269", "f260012", "fe7"])
        #expect(k.index(equalTo: Array("f260012".utf8)) == 2)
        #expect(k.index(equalTo: Array("f26001".utf8)) == nil)               // a part is not the whole key
        #expect(k.index(containing: Array("f2600".utf8)) == 0)               // the first that holds it
        #expect(k.index(containing: Array("f26001".utf8)) == 2)              // (f26-0001 does not)
        #expect(k.index(containing: Array("20269".utf8)) == 1)
        #expect(k.index(containing: Array("fe7".utf8)) == 3)
        // "0001" + "av": never across the end of one key and the start of the next.
        #expect(k.index(containing: Array("0001av".utf8)) == nil)
        #expect(k.index(containing: [0]) == nil && k.index(equalTo: []) == nil)
        #expect(SearchIndex.InvoiceKeys([]).index(containing: Array("f2".utf8)) == nil)
        // The book names the invoice at that place among the customer's.
        var book = Book()
        try book.apply(.upsertCustomer(customer: Customer(id: "C1", name: "Un")))
        for n in numbers {
            try book.apply(.upsertInvoice(invoice: Invoice(number: n, customerId: "C1", issueDate: Fixtures.date("2026-09-01"),
                                                           dueDate: Fixtures.date("2026-10-01"), amount: Fixtures.eur("10.00"))))
        }
        #expect(book.invoiceNumber(at: 3, of: "C1") == "Fé-7" && book.invoiceNumber(at: 4, of: "C1") == nil && book.invoiceNumber(at: 0, of: "C9") == nil)
        #expect(SearchScreen.search("20269", in: SearchIndex(book: book), book: book).first?.matched == "invoice AV 2026/9")
    }
}

/// Keys an account kept after a change the store could not say touched it (an invoice moved to another customer by a
/// replayed journal entry: its scope names the new owner only) never name another invoice: the hit names the invoice
/// that matches what was typed, or there is none.
@Suite struct StaleInvoiceKeysTests {
    @Test func aMovedInvoiceIsNamedRightFromStaleKeys() throws {
        var book = Book()
        for c in ["C1", "C2"] { try book.apply(.upsertCustomer(customer: Customer(id: c, name: "Client \(c)"))) }
        func invoice(_ n: String, _ c: String) -> Invoice {
            Invoice(number: n, customerId: c, issueDate: Fixtures.date("2026-09-01"), dueDate: Fixtures.date("2026-10-01"), amount: Fixtures.eur("10.00"))
        }
        for n in ["F-001", "F-002"] { try book.apply(.upsertInvoice(invoice: invoice(n, "C1"))) }
        let before = SearchIndex(book: book)
        try book.apply(.upsertInvoice(invoice: invoice("F-001", "C2")))   // C1 keeps F-002 only
        let stale = before.updated(["C2"], book: book, state: nil)   // C1's keys not made again
        func found(_ q: String) -> [String] { SearchScreen.search(q, in: stale, book: book).map { "\($0.customerId): \($0.matched)" } }
        #expect(found("F-001") == ["C2: invoice F-001"])
        #expect(found("F-002") == ["C1: invoice F-002"])
        #expect(found("F-00") == ["C1: invoice F-002", "C2: invoice F-001"])
        // What keys made afresh find.
        let fresh = SearchIndex(book: book)
        for q in ["F-001", "F-002", "F-00"] {
            #expect(SearchScreen.search(q, in: fresh, book: book) == SearchScreen.search(q, in: stale, book: book), "\(q)")
        }
    }
}

