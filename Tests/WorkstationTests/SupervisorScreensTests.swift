import Testing
import TestSupport
import TerminalKit
@testable import Receivables
@testable import Workstation

/// Issue 20's screens driven by keys on a small hand-made book: the salesperson's customers in risk order, the
/// supervisor's queue of requests (an approval applies the limit, a refusal does not), a salesperson's flag on the
/// collector's agenda the next morning, the team figures' columns at 80.
@Suite struct SupervisorScreensTests {
    static let today = Fixtures.date("2026-11-23")

    /// zoe's five customers (and one of jerome's), each riskier than the next for one reason:
    /// H held (orders blocked, 100,00 overdue); O over its 1 000,00 limit (5 000,00 open, not due);
    /// M 9 000,00 overdue; B 2 000,00 overdue and a broken promise; L 2 000,00 overdue. Riskiest first: H O M B L.
    static func book() throws -> Book {
        var b = Book()
        for u in [User(id: "helene", name: "Hélène Dupré", role: .supervisor), User(id: "amelie", name: "Amélie Rousseau", role: .collector),
                  User(id: "zoe", name: "Zoé Fontaine", role: .salesperson), User(id: "jerome", name: "Jérôme Lambert", role: .salesperson)] {
            try b.apply(.upsertUser(user: u))
        }
        let customers: [(String, String, String, Money, Bool, String, String)] = [   // id, name, salesperson, limit, held, due, amount
            ("L", "Lumière SARL", "zoe", Money(euros: 50_000), false, "2026-10-01", "2000.00"),
            ("B", "Boulons SA", "zoe", Money(euros: 50_000), false, "2026-10-01", "2000.00"),
            ("M", "Menuiserie SAS", "zoe", Money(euros: 50_000), false, "2026-10-01", "9000.00"),
            ("O", "Optique EURL", "zoe", Money(euros: 1_000), false, "2026-12-20", "5000.00"),
            ("H", "Hôtel du Port", "zoe", Money(euros: 50_000), true, "2026-10-01", "100.00"),
            ("J", "Jardins SA", "jerome", Money(euros: 50_000), true, "2026-10-01", "99999.00"),
        ]
        for (id, name, sales, limit, held, due, amount) in customers {
            try b.apply(.upsertCustomer(customer: Customer(id: id, name: name, contacts: [Contact(name: "Compta", phone: "01 02 03 04 05")], collector: "amelie",
                                                           salesperson: sales, paymentTermsDays: 30, creditLimit: limit, orderBlocked: held)))
            try b.apply(.upsertInvoice(invoice: Invoice(number: "F-\(id)", customerId: id, issueDate: Fixtures.date("2026-09-01"), dueDate: Fixtures.date(due),
                                                        amount: Fixtures.eur(amount))))
        }
        // B promised everything for 10/11 and paid nothing: broken by 23/11.
        try b.apply(.makePromise(promise: Promise(id: "PR-B", customerId: "B", invoices: ["F-B"], amount: Fixtures.eur("2000.00"),
                                                  promisedDate: Fixtures.date("2026-11-10"), madeOn: Fixtures.date("2026-11-02"), user: "amelie"), supersedes: []))
        return b
    }

    func press(_ app: App, _ keys: Key...) { for k in keys { app.handle(k); app.render() } }
    func type(_ app: App, _ text: String) { for c in text { app.handle(.character(c)) }; app.render() }

    @Test func aSalespersonOpensOnHerCustomersRiskiestFirst() throws {
        let book = try Self.book()
        #expect(PortfolioScreen.lines(book: book, salesperson: "zoe", date: Self.today).map(\.customerId) == ["H", "O", "M", "B", "L"])
        let (app, screen, _) = driven(book, user: "zoe", today: Self.today, keys: [], rows: 24, columns: 80)
        #expect(app.top is PortfolioScreen)
        #expect(screen.line(0).contains("My customers"))
        let rows = (3..<8).map { screen.line($0) }
        #expect(rows[0].contains("Hôtel du Port") && rows[0].contains("HELD"), "\(screen.text)")
        #expect(rows[1].contains("Optique EURL") && rows[1].contains("OVER LIMIT"), "\(screen.text)")
        #expect(rows[2].contains("Menuiserie SAS") && rows[2].contains("9 000,00 €"))
        #expect(rows[3].contains("Boulons SA") && rows[4].contains("Lumière SARL"))
        #expect(!screen.text.contains("Jardins SA"))            // jerome's
    }

    @Test func anApprovalAppliesTheLimitARefusalDoesNot() throws {
        var book = try Self.book()
        for (id, customer, euros) in [("REQ-1", "M", 80_000), ("REQ-2", "L", 70_000)] {
            try book.apply(.fileRequest(request: AccountRequest(id: id, customerId: customer, kind: .creditLimit, requestedBy: "zoe", at: "2026-11-2\(id.last!)T09:00:00Z",
                                                                date: Self.today, amount: Money(euros: Int64(euros)), flag: nil, note: "grosse commande")))
        }
        let (app, screen, store) = driven(book, user: "helene", today: Self.today, keys: [.character("Q")], rows: 24, columns: 80)
        #expect(screen.text.contains("2 requests to decide"), "\(screen.text)")
        #expect(screen.text.contains("80 000,00 €") && screen.text.contains("70 000,00 €"))
        // The oldest first: REQ-1 on M. Approve it with a note.
        press(app, .character("a"))
        #expect(screen.text.contains("Approve the request — Menuiserie SAS"), "\(screen.text)")
        press(app, .function(2))                                     // a decision needs its note
        #expect(store.book.customers["M"]?.creditLimit == Money(euros: 50_000))
        type(app, "Accord DAF")
        press(app, .function(2))
        #expect(store.book.customers["M"]?.creditLimit == Money(euros: 80_000))
        #expect(screen.text.contains("1 request to decide"), "\(screen.text)")
        // Refuse the other: the limit stays, the request is refused with its note.
        press(app, .character("r"))
        type(app, "Encours suffisant")
        press(app, .function(2))
        #expect(store.book.customers["L"]?.creditLimit == Money(euros: 50_000))
        let refused = try #require(store.book.requests(of: "L").first)
        #expect(refused.status == .refused && refused.decisionNote == "Encours suffisant" && refused.decidedBy == "helene")
        #expect(screen.text.contains("No request waits for a decision."))
        // A collector's Q shows her own requests, never the queue to decide.
        let (_, amelie, _) = driven(store.book, user: "amelie", today: Self.today, keys: [.character("Q")], rows: 24, columns: 80)
        #expect(!amelie.text.contains("to decide") && amelie.text.contains("You have filed no request yet"), "\(amelie.text)")
    }

    @Test func aSalespersonsFlagIsOnTheCollectorsAgendaTheNextMorning() throws {
        let book = try Self.book()
        // zoe opens L (the fifth of her customers) and raises the catalogue's first flag.
        let (app, screen, store) = driven(book, user: "zoe", today: Self.today, keys: [.down, .down, .down, .down, .enter, .character("F")], rows: 24, columns: 80)
        #expect(screen.text.contains("Raise a risk flag — Lumière SARL"), "\(screen.text)")
        press(app, .tab)
        type(app, "Le gérant part en retraite")
        press(app, .function(2))
        #expect(store.book.riskFlags(of: "L").count == 1)
        // Not the same day (amelie's agenda is made in the morning); the next morning, with the reason.
        let steps = { (day: CalendarDate) in Agenda.lines(of: "L", book: store.book, date: day).flatMap { $0.reasons.map(\.step) } }
        #expect(!steps(Self.today).contains("field-report"))
        #expect(steps(Self.today.adding(days: 1)).contains("field-report"))
        let (_, next, _) = driven(store.book, user: "amelie", today: Self.today.adding(days: 1), keys: [], rows: 30, columns: 100)
        let row = try #require((0..<30).map { next.line($0) }.first { $0.contains("Lumière SARL") }, "\(next.text)")
        #expect(row.contains("News from the field"), "\(row)")
    }

    @Test func theTeamFiguresAt80ColumnsShowWhatMattersAndScroll() throws {
        let (app, screen, _) = driven(try Self.book(), user: "helene", today: Self.today, keys: [.character("T")], rows: 24, columns: 80)
        let header = screen.line(3)
        for column in ["Collector", "Overdue", "DSO", "ADD", "CEI", "Kept"] { #expect(header.contains(column), "\(header)") }
        #expect(screen.text.contains("Amélie Rousseau") && screen.text.contains("Team"))
        #expect(!header.contains("Promises") && screen.text.contains("←→"))   // the last columns wait for →
        press(app, .right)
        #expect(!screen.line(3).contains("Overdue") && screen.line(3).contains("Promises"), "\(screen.text)")
        #expect(screen.line(3).contains("Collector"))               // the name column stays
    }
}
