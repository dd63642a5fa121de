import Foundation
import Testing
import Receivables
import TestSupport

/// Issue 20: account control by supervisors, requests from salespeople, field reports on the collector's agenda.
@Suite struct AccountControlTests {
    static let at = "2026-11-20T09:00:00Z"

    func team() -> Book {
        var b = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "12000.00")])
        try! b.apply(.upsertUser(user: User(id: "benoit", name: "Benoît Caron", role: .collector)))
        try! b.apply(.upsertUser(user: User(id: "zoe", name: "Zoé Fontaine", role: .salesperson)))
        try! b.apply(.updateCustomer(id: "C1", patch: CustomerPatch(salesperson: "zoe")))
        return b
    }

    func reassign(_ b: Book, to who: String?, reason: String = "portefeuille rééquilibré", by user: String = Fixtures.supervisor,
                  on day: String = "2026-11-20") throws -> Change? {
        var t = AccountTerms(of: b.customers["C1"]!)
        t.collector = who
        return try AccountControl.change(b.customers["C1"]!, to: t, reason: reason, by: user, at: Self.at, date: Fixtures.date(day), id: "ACC-1")
    }

    @Test func aReassignmentIsOneBatchWithItsHistoryEntryAndTheAssignmentsKeepTheDaysBefore() throws {
        var b = team()
        let change = try #require(try reassign(b, to: "benoit"))
        try b.applyNew(change, by: Fixtures.supervisor)
        let c = try #require(b.customers["C1"])
        #expect(c.collector == "benoit")
        #expect(c.collector(on: Fixtures.date("2026-11-19")) == "amelie")
        #expect(c.collector(on: Fixtures.date("2026-11-20")) == "benoit")
        #expect(c.collector(on: Fixtures.date("2020-01-01")) == "amelie")
        let entry = try #require(b.activities(of: "C1").last)
        #expect(entry.user == Fixtures.supervisor && entry.note == "portefeuille rééquilibré" && entry.at == Self.at)
        #expect(entry.event == .account(changes: [AccountFieldChange(field: .collector, old: "amelie", new: "benoit")]))
        // What the account held before the first change made in Relance is kept as what was imported.
        #expect(c.imported?.collector == "amelie")
        // The same target again: nothing to change.
        #expect(try reassign(b, to: "benoit") == nil)
    }

    @Test func aCollectorOrASalespersonIsRefusedAndTheBookIsUnchanged() throws {
        for who in ["amelie", "zoe"] {
            var b = team()
            let change = try #require(try reassign(b, to: "benoit", by: who))
            let before = b.records
            #expect(throws: DomainError.self) { try b.applyNew(change, by: who) }
            #expect(b.records == before)
            // The history entry alone (a forged "account changed") is a supervisor's too.
            if case .batch(let parts) = change, let entry = parts.last {
                #expect(throws: DomainError.self) { try b.applyNew(entry, by: who) }
            }
        }
    }

    @Test func everyChangeSaysWhyAndAHoldSaysItsOwnReason() throws {
        let b = team()
        #expect(throws: DomainError.reasonRequired) { try reassign(b, to: "benoit", reason: "  ") }
        var t = AccountTerms(of: b.customers["C1"]!)
        t.orderBlocked = true
        #expect(throws: DomainError.holdNeedsReason) {
            try AccountControl.change(b.customers["C1"]!, to: t, reason: "risque", by: Fixtures.supervisor, at: Self.at, date: Fixtures.date("2026-11-20"), id: "A")
        }
    }

    @Test func limitTermsHoldAndContactsChangeTogetherAndAreEachInTheEntry() throws {
        var b = team()
        var t = AccountTerms(of: b.customers["C1"]!)
        t.creditLimit = nil
        t.terms = PaymentTerms(days: 45, rule: .endOfMonth)
        t.orderBlocked = true; t.holdReason = "trois impayés"
        t.contacts[0].phone = "06 00 00 00 00"
        t.contacts.append(Contact(name: "Paul Durand", role: "DAF"))
        let change = try #require(try AccountControl.change(b.customers["C1"]!, to: t, reason: "revue annuelle", by: Fixtures.supervisor, at: Self.at,
                                                            date: Fixtures.date("2026-11-20"), id: "A"))
        try b.applyNew(change, by: Fixtures.supervisor)
        let c = try #require(b.customers["C1"])
        #expect(c.creditLimit == nil && c.paymentTermsDays == 45 && c.paymentTermsRule == .endOfMonth)
        #expect(c.orderBlocked && c.holdReason == "trois impayés")
        #expect(c.contacts.map(\.name) == ["Hélène Martin", "Paul Durand"] && c.contacts[0].phone == "06 00 00 00 00")
        guard case .account(let changes)? = b.activities(of: "C1").last?.event else { Issue.record("no entry"); return }
        #expect(changes.map(\.field) == [.creditLimit, .terms, .hold, .holdReason, .contactEdited, .contactAdded])
        #expect(changes[0] == AccountFieldChange(field: .creditLimit, old: "50000.00", new: nil))
        #expect(changes[1] == AccountFieldChange(field: .terms, old: "30", new: "45 eom"))
        // Removing the contact and releasing the hold clears its reason.
        var t2 = AccountTerms(of: c)
        t2.contacts.removeLast(); t2.orderBlocked = false
        try b.applyNew(try #require(try AccountControl.change(c, to: t2, reason: "payé", by: Fixtures.supervisor, at: Self.at,
                                                              date: Fixtures.date("2026-11-21"), id: "B")), by: Fixtures.supervisor)
        #expect(b.customers["C1"]?.holdReason == nil && b.customers["C1"]?.orderBlocked == false && b.customers["C1"]?.contacts.count == 1)
        // A contact without a name, or with a control character, is refused.
        var t3 = AccountTerms(of: b.customers["C1"]!)
        t3.contacts.append(Contact(name: "  "))
        let bad = try #require(try AccountControl.change(b.customers["C1"]!, to: t3, reason: "x", by: Fixtures.supervisor, at: Self.at, date: Fixtures.date("2026-11-21"), id: "C"))
        #expect(throws: DomainError.self) { try b.applyNew(bad, by: Fixtures.supervisor) }
    }

    func request(_ kind: AccountRequest.Kind, amount: String? = nil, flag: String? = nil, by: String = "zoe", id: String = "R1", on day: String = "2026-11-20") -> AccountRequest {
        AccountRequest(id: id, customerId: "C1", kind: kind, requestedBy: by, at: Self.at, date: Fixtures.date(day), amount: amount.map(Fixtures.eur), flag: flag, note: "grosse commande")
    }

    @Test func aSalespersonAsksASupervisorApprovesAndTheLimitChangesOnce() throws {
        var b = team()
        // Asking for less than the limit held, or a flag outside the catalogue, is refused.
        #expect(throws: DomainError.self) { try b.applyNew(AccountRequests.file(request(.creditLimit, amount: "40000.00"), entryId: "E0"), by: "zoe") }
        #expect(throws: DomainError.self) { try b.applyNew(AccountRequests.file(request(.risk, flag: "NOPE"), entryId: "E0"), by: "zoe") }
        // Nobody files in someone else's name.
        #expect(throws: DomainError.self) { try b.applyNew(AccountRequests.file(request(.creditLimit, amount: "80000.00", by: "zoe"), entryId: "E0"), by: "amelie") }
        try b.applyNew(AccountRequests.file(request(.creditLimit, amount: "80000.00"), entryId: "E1"), by: "zoe")
        let r = try #require(b.requests["R1"])
        #expect(b.pendingRequests.map(\.id) == ["R1"])
        let approve = AccountRequests.decide(r, approve: true, note: "garanti par l'assureur", by: Fixtures.supervisor, at: Self.at, date: Fixtures.date("2026-11-21"), entryId: "E2")
        #expect(throws: DomainError.self) { try b.applyNew(AccountRequests.decide(r, approve: true, note: "ok", by: "amelie", at: Self.at, date: Fixtures.date("2026-11-21"), entryId: "E2"), by: "amelie") }
        #expect(b.customers["C1"]?.creditLimit == Fixtures.eur("50000.00"))
        try b.applyNew(approve, by: Fixtures.supervisor)
        #expect(b.customers["C1"]?.creditLimit == Fixtures.eur("80000.00"))
        #expect(b.requests["R1"]?.status == .approved && b.requests["R1"]?.decidedBy == Fixtures.supervisor)
        #expect(throws: DomainError.inBatch(item: 1, change: .decideRequest(id: "R1", decision: RequestDecision(approve: true, user: Fixtures.supervisor, at: Self.at, note: "garanti par l'assureur")),
                                            .requestDecided("R1", .approved))) { try b.applyNew(approve, by: Fixtures.supervisor) }
        // The requester sees the outcome once; nobody else marks it seen.
        #expect(b.unseenDecisions(of: "zoe").map(\.id) == ["R1"])
        #expect(throws: DomainError.self) { try b.applyNew(.acknowledgeRequests(ids: ["R1"], user: "zoe"), by: "amelie") }
        // A change names a known request, then an unknown one: refused whole, the first not marked seen either
        // (the book is not copied to undo a single change).
        #expect(throws: DomainError.self) { try b.apply(.acknowledgeRequests(ids: ["R1", "R9"], user: "zoe")) }
        #expect(b.unseenDecisions(of: "zoe").map(\.id) == ["R1"])
        try b.applyNew(.acknowledgeRequests(ids: ["R1"], user: "zoe"), by: "zoe")
        #expect(b.unseenDecisions(of: "zoe").isEmpty)
        // Both entries are in the account's history.
        let events = b.activities(of: "C1").compactMap(\.event)
        #expect(events.contains(.requestFiled(id: "R1", kind: .creditLimit, amount: Fixtures.eur("80000.00"), flag: nil)))
        #expect(events.contains(.requestDecided(id: "R1", kind: .creditLimit, approved: true, amount: Fixtures.eur("80000.00"), flag: nil)))
    }

    @Test func aRefusalChangesNoLimitAndNeedsANote() throws {
        var b = team()
        try b.applyNew(AccountRequests.file(request(.creditLimit, amount: "80000.00"), entryId: "E1"), by: "zoe")
        let r = try #require(b.requests["R1"])
        #expect(throws: DomainError.inBatch(item: 1, change: .decideRequest(id: "R1", decision: RequestDecision(approve: false, user: Fixtures.supervisor, at: Self.at, note: " ")),
                                            .reasonRequired)) {
            try b.applyNew(AccountRequests.decide(r, approve: false, note: " ", by: Fixtures.supervisor, at: Self.at, date: Fixtures.date("2026-11-21"), entryId: "E2"), by: Fixtures.supervisor)
        }
        try b.applyNew(AccountRequests.decide(r, approve: false, note: "encours déjà élevé", by: Fixtures.supervisor, at: Self.at, date: Fixtures.date("2026-11-21"), entryId: "E2"), by: Fixtures.supervisor)
        #expect(b.customers["C1"]?.creditLimit == Fixtures.eur("50000.00") && b.requests["R1"]?.status == .refused)
    }

    @Test func aRiskFlagOrAFieldNotePutsTheAccountOnTheCollectorsAgendaTheNextMorningUntilACall() throws {
        // F1 of 12 000 € due 01/09: the policy calls it anyway; the field report is its own reason.
        var b = team()
        try b.applyNew(AccountRequests.file(request(.risk, flag: "DIFFICULTY"), entryId: "E1"), by: "zoe")
        func reasons(_ day: String) -> [String] { Agenda.lines(of: "C1", book: b, date: Fixtures.date(day)).flatMap(\.reasons).map(\.step) }
        #expect(!reasons("2026-11-20").contains("field-report"))   // the same day: the next morning
        #expect(reasons("2026-11-21").contains("field-report"))
        #expect(b.riskFlags(of: "C1").map(\.flag) == ["DIFFICULTY"])
        // The collector calls: the news is answered.
        try b.applyNew(.logActivity(activity: Activity(id: "CALL", at: Self.at, date: Fixtures.date("2026-11-21"), user: "amelie", customerId: "C1",
                                                       channel: .phone, outcome: .reached)), by: "amelie")
        #expect(!reasons("2026-11-22").contains("field-report"))
        // A salesperson's call is a field report (no money), not the collector's call.
        try b.applyNew(.logActivity(activity: Activity(id: "ZCALL", at: Self.at, date: Fixtures.date("2026-11-23"), user: "zoe", customerId: "C1",
                                                       channel: .phone, outcome: .reached, note: "le DAF part", event: .fieldReport)), by: "zoe")
        #expect(b.digest(of: "C1").lastCall == Fixtures.date("2026-11-21"))
        #expect(reasons("2026-11-24").contains("field-report"))
        // A salesperson's plain call (not a field report) is the collector's work: refused.
        #expect(throws: DomainError.self) {
            try b.applyNew(.logActivity(activity: Activity(id: "Z2", at: Self.at, date: Fixtures.date("2026-11-23"), user: "zoe", customerId: "C1",
                                                           channel: .phone, outcome: .reached)), by: "zoe")
        }
    }
}
