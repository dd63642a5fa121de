import Testing
import TestSupport
@testable import Receivables

/// Issue 15: one permission table, applied to every new change whatever the door.
@Suite struct PermissionTests {
    static let day = Fixtures.date("2026-11-23")

    /// One change of each kind, on the fixture book (C1, F1 open 1 000,00; payment P0 with 100,00 on account).
    static func changes(_ book: Book) -> [(String, Change)] {
        let act: (Activity.Channel) -> Change = { ch in .logActivity(activity: Activity(id: "A-\(ch.rawValue)", at: "t", date: day, user: "x", customerId: "C1", channel: ch, note: "n")) }
        return [
            ("upsertCustomer", .upsertCustomer(customer: Customer(id: "C2", name: "Nouveau"))),
            ("updateCustomer", .updateCustomer(id: "C1", patch: CustomerPatch(creditLimit: Money(euros: 1)))),
            ("upsertUser", .upsertUser(user: User(id: "zz", name: "Z", role: .collector))),
            ("setCompany", .setCompany(company: CompanyProfile(legalName: "X"))),
            ("setPolicy", .setPolicy(policy: { var p = Policy.standard; p.graceDays = 9; return p }(), user: "x", at: "t")),
            ("upsertInvoice", .upsertInvoice(invoice: Invoice(number: "F9", customerId: "C1", issueDate: day, dueDate: day, amount: Money(euros: 5)))),
            ("recordPayment", .recordPayment(payment: Payment(id: "P9", customerId: "C1", date: day, amount: Money(euros: 5), allocations: []))),
            ("allocateCredit", .allocateCredit(paymentId: "P0", allocations: [Allocation(invoice: "F1", amount: Money(euros: 10))])),
            ("call", act(.phone)), ("letter", act(.letter)), ("formal notice", act(.formalNotice)), ("e-mail", act(.email)),
            ("note", act(.note)), ("visit", act(.visit)), ("litigation review", act(.litigationReview)),
            ("makePromise", .makePromise(promise: Promise(id: "PR1", customerId: "C1", invoices: ["F1"], amount: Money(euros: 100), promisedDate: day.adding(days: 7),
                                                          madeOn: day, user: "x"), supersedes: [])),
            ("openDispute", .openDispute(dispute: Dispute(id: "D1", customerId: "C1", lines: [Allocation(invoice: "F1", amount: Money(euros: 50))], reasonCode: "PO_MISSING",
                                                          ownerDepartment: "sales", openedOn: day, user: "x"))),
            ("waiveLateFees", .waiveLateFees(waiver: LateFeeWaiver(invoice: "F1", date: day, user: "x", reason: "geste"))),
            ("decideLitigation agency", .decideLitigation(decision: LitigationDecision(id: "L1", customerId: "C1", invoices: ["F1"], date: day, user: "x", outcome: .collectionAgency))),
            ("decideLitigation write-off", .decideLitigation(decision: LitigationDecision(id: "L2", customerId: "C1", invoices: ["F1"], date: day, user: "x", outcome: .writeOff, reason: "insolvable"))),
            // Issue 20: account control, requests and their decisions, a salesperson's call (a field report: no money).
            ("account change", .logActivity(activity: Activity(id: "A-acc", at: "t", date: day, user: "x", customerId: "C1", channel: .note, note: "réaffecté",
                                                               event: .account(changes: [AccountFieldChange(field: .collector, old: "amelie", new: "benoit")])))),
            ("fileRequest", .fileRequest(request: AccountRequest(id: "REQ9", customerId: "C1", kind: .creditLimit, requestedBy: "x", at: "t", date: day,
                                                                 amount: Money(euros: 75_000), flag: nil, note: "commande"))),
            ("decideRequest", .decideRequest(id: "REQ0", decision: RequestDecision(approve: true, user: "x", at: "t", note: "ok"))),
            ("field report call", .logActivity(activity: Activity(id: "A-fr", at: "t", date: day, user: "x", customerId: "C1", channel: .phone, note: "vu le gérant",
                                                                  event: .fieldReport))),
        ]
    }

    /// The table, written out by hand: S = supervisor, C = collector, V = salesperson (vendeur).
    static let expected: [String: String] = [
        "upsertCustomer": "S", "updateCustomer": "S", "upsertUser": "S", "setCompany": "S", "setPolicy": "S", "upsertInvoice": "S", "recordPayment": "S",
        "allocateCredit": "SC", "call": "SC", "letter": "SC", "formal notice": "SC", "e-mail": "SC", "note": "SCV", "visit": "SCV",
        "litigation review": "SC", "makePromise": "SC", "openDispute": "SC", "waiveLateFees": "SC",
        "decideLitigation agency": "SC", "decideLitigation write-off": "S",
        "account change": "S", "fileRequest": "SCV", "decideRequest": "S", "field report call": "SCV",
    ]

    static func book() throws -> Book {
        var b = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "1000.00")])
        try b.apply(.upsertUser(user: User(id: "zoe", name: "Zoé Fontaine", role: .salesperson)))
        try b.apply(.upsertUser(user: User(id: "gone", name: "Parti", role: .supervisor, disabled: true)))
        try b.apply(.recordPayment(payment: Payment(id: "P0", customerId: "C1", date: Fixtures.date("2026-11-01"), amount: Money(euros: 100), allocations: [])))
        try b.apply(.fileRequest(request: AccountRequest(id: "REQ0", customerId: "C1", kind: .risk, requestedBy: "zoe", at: "t", date: day,
                                                         amount: nil, flag: "DIFFICULTY", note: "chômage partiel")))
        return b
    }

    @Test func everyRoleAndEveryChange() throws {
        let base = try Self.book()
        let people: [(String, Character)] = [("helene", "S"), ("amelie", "C"), ("zoe", "V")]
        let cases = Self.changes(base)
        #expect(Set(cases.map(\.0)) == Set(Self.expected.keys))
        for (name, change) in cases {
            for (user, letter) in people {
                var b = base
                // A policy change names its author: made by each as themselves.
                var change = change
                if case .setPolicy(let p, _, let at) = change { change = .setPolicy(policy: p, user: user, at: at) }
                if case .fileRequest(var r) = change { r.requestedBy = user; change = .fileRequest(request: r) }
                let allowed = Self.expected[name]!.contains(letter)
                do {
                    try b.applyNew(change, by: user)
                    #expect(allowed, "\(user) was allowed \(name)")
                } catch {
                    // A refusal by the table says so; any other refusal would be a rule of the change itself.
                    #expect(!allowed && error.message.contains("is not for"), "\(user) \(name): \(error.message)")
                }
                #expect(Permission.refusal(change, by: user, in: base) == nil ? allowed : !allowed, "\(user) \(name)")
            }
            // Nobody who is not a user, nor a disabled user, makes any change.
            var b = base
            let action = Permission.actions(of: change)[0]
            #expect(throws: DomainError.refused(PermissionRefusal(user: "mallory", action: action, reason: .notAUser))) { try b.applyNew(change, by: "mallory") }
            #expect(throws: DomainError.refused(PermissionRefusal(user: "gone", action: action, reason: .disabled))) { try b.applyNew(change, by: "gone") }
            // And the words say who and why.
            #expect(DomainError.refused(PermissionRefusal(user: "mallory", action: action, reason: .notAUser)).message == "mallory is not a user of this store")
            #expect(DomainError.refused(PermissionRefusal(user: "gone", action: action, reason: .disabled)).message == "your access was disabled by a supervisor (gone)")
        }
    }

    /// A batch is refused as a whole when one of its changes is not allowed.
    @Test func aBatchNeedsEveryOneOfItsChanges() throws {
        var b = try Self.book()
        let note = Change.logActivity(activity: Activity(id: "N", at: "t", date: Self.day, user: "zoe", customerId: "C1", channel: .note, note: "visite"))
        let call = Change.logActivity(activity: Activity(id: "K", at: "t", date: Self.day, user: "zoe", customerId: "C1", channel: .phone, note: "appel"))
        #expect(throws: DomainError.self) { try b.applyNew(.batch(changes: [note, call]), by: "zoe") }
        #expect(b.activities(of: "C1").isEmpty)
        try b.applyNew(.batch(changes: [note]), by: "zoe")
        #expect(b.activities(of: "C1").count == 1)
    }

    /// Before issue 15 a `MemoryStore` took a salesperson's promise.
    @Test func aMemoryStoreRefusesASalespersonsPromise() throws {
        let store = MemoryStore(book: try Self.book())
        let promise = Self.changes(store.book).first { $0.0 == "makePromise" }!.1
        #expect(throws: DomainError.self) { try store.commit(user: "zoe", promise) }
        #expect(store.book.promises.isEmpty && store.changes.isEmpty)
        try store.commit(user: "amelie", promise)
        #expect(store.book.promises.count == 1)
    }
    /// A collector made a salesperson while collecting accounts was accepted, and `check` said OK: refused, naming
    /// the accounts; an older store that holds such an account is reported by `ruleViolations`.
    @Test func aNewRoleMustFitTheAccountsHeld() throws {
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "100.00")])
        var amelie = try #require(book.users["amelie"])
        amelie.role = .salesperson
        #expect(throws: DomainError.self) { try book.applyNew(.upsertUser(user: amelie), by: Fixtures.supervisor) }
        do { try book.applyNew(.upsertUser(user: amelie), by: Fixtures.supervisor) }
        catch { #expect(error.message.contains("amelie is the collector of 1 account (C1)"), "\(error.message)") }
        #expect(book.users["amelie"]?.role == .collector)
        // Made a supervisor: still fits (a supervisor may collect).
        amelie.role = .supervisor
        try book.applyNew(.upsertUser(user: amelie), by: Fixtures.supervisor)
        // Once the account is given to someone else, the change is accepted.
        try book.applyNew(.updateCustomer(id: "C1", patch: CustomerPatch(collector: Fixtures.supervisor)), by: Fixtures.supervisor)
        amelie.role = .salesperson
        try book.applyNew(.upsertUser(user: amelie), by: Fixtures.supervisor)
        #expect(book.ruleViolations().isEmpty)
        // A book written before the rule (apply, the journal's replay, checks nothing): reported.
        try book.apply(.updateCustomer(id: "C1", patch: CustomerPatch(collector: "amelie")))
        #expect(book.ruleViolations() == [.about(.record(.customer, "C1"), .wrongRole("amelie", is: .salesperson, as: .collector, candidates: ["helene"]))])
        #expect(book.ruleViolations().map(\.message) == ["customer C1: amelie is a salesperson, not a collector (who can be: helene)"])
    }

    /// A request is filed in the requester's own name: nobody files one as someone else (issue 20).
    @Test func nobodyFilesARequestInSomeoneElsesName() throws {
        var b = try Self.book()
        let r = AccountRequest(id: "REQ8", customerId: "C1", kind: .creditLimit, requestedBy: "zoe", at: "t", date: Self.day, amount: Money(euros: 90_000), flag: nil, note: "x")
        #expect(throws: DomainError.self) { try b.applyNew(.fileRequest(request: r), by: "amelie") }
        #expect(b.requests(of: "C1").count == 1)
        try b.applyNew(.fileRequest(request: r), by: "zoe")
        #expect(b.requests(of: "C1").count == 2)
    }
}
