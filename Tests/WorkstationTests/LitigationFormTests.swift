import Foundation
import Testing
import Wording
import TestSupport
import TerminalKit
@testable import Receivables
@testable import Workstation

/// The litigation review is a decision (issue 10): it ends, and handed-over items leave the amicable follow-up.
@Suite struct LitigationFormTests {
    let today = Fixtures.date("2026-11-23")

    /// F1 and F2 had their reminder and formal notice; F2 is 64 days late, past the review's 60 days.
    func store() throws -> MemoryStore {
        var b = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-10-20", "300.00"), ("F2", "2026-08-01", "2026-09-20", "7000.00")])
        try b.apply(.upsertUser(user: User(id: "helene", name: "Hélène Dupré", role: .supervisor)))
        for (step, date) in [("reminder-after-due", "2026-10-25"), ("formal-notice", "2026-11-05")] {
            try b.applyNew(.logActivity(activity: Activity(id: step, at: "t", date: Fixtures.date(date), user: "amelie", customerId: "C1",
                                                           invoices: ["F1", "F2"], channel: .letter, step: step)), by: Fixtures.supervisor)
        }
        return MemoryStore(book: b)
    }

    func open(_ store: MemoryStore, as user: String) -> (App, ScreenBuffer) {
        let (app, screen) = workstation(store, user: user, today: today, rows: 30, columns: 110)
        app.render()
        return (app, screen)
    }

    @Test func handingOverEndsTheReviewAndTheFollowUp() throws {
        let store = try store()
        #expect(Agenda(book: store.book, date: today, collector: nil).written.map(\.channel) == [.litigationReview])
        let (app, screen) = open(store, as: "amelie")
        // `s` on a review does not mark it done: it is a decision.
        for _ in 0..<6 { app.handle(.down) }
        app.handle(.character("s")); app.render()
        #expect(screen.text.contains("A litigation review is a decision"))
        app.handle(.home); app.handle(.enter); app.render()
        #expect(screen.text.contains("L2 Formal notice 05/11/26"), "\(screen.text)")   // each item's level on the account
        app.handle(.character("L")); app.render()
        let form = try #require(app.top as? FormScreen)
        #expect(form.field(.invoices).pickedInvoices == ["F2"])        // the item due for review is ticked
        app.handle(.function(2)); app.render()                         // first outcome: collection agency
        let d = try #require(store.book.litigation(of: "F2"))
        #expect(d.outcome == .collectionAgency && d.user == "amelie")
        #expect(screen.text.contains("AGENCY since 23/11/26") && screen.text.contains("handed over"), "\(screen.text)")
        // Off the agenda, letters and calls; still owed (aged balance).
        let later = Agenda(book: store.book, date: today.adding(days: 30), collector: nil)
        #expect(!later.lines.flatMap { $0.reasons.flatMap(\.invoices) }.contains("F2"))
        #expect(store.book.openAmount("F2") == Fixtures.eur("7000.00"))
        // The aged balance keeps it, on a line of its own (F2 is 64 days past due: bucket 61-90); the total is the
        // same 7 300,00.
        let aged = Analytics.aged(store.book, today)
        let line = try #require(aged.rows.first { $0[1].display.hasPrefix("HANDED OVER") })
        #expect(line[2] == .money(Fixtures.eur("7000.00")) && line[6] == .money(Fixtures.eur("7000.00")))
        #expect(aged.rows.first { $0[0].display == "C1" }?[2] == .money(Fixtures.eur("300.00")))
        #expect(aged.total?[2] == .money(Fixtures.eur("7300.00")))
        let report = Analytics.litigation(store.book, today)
        #expect(report.rows.map { $0.map(\.display) }.first?[3] == "collection-agency")
        #expect(report.notes[0].english == "handed over and still owed: 7 000,00 €; written off: 0,00 €")
    }

    @Test func onlyASupervisorWritesOffAndAmicableComesBackOnItsDate() throws {
        let store = try store()
        let (app, screen) = open(store, as: "amelie")
        app.handle(.enter); app.render(); app.handle(.character("L")); app.render()
        app.handle(.tab); app.render()
        // Decision: write-off (the fourth outcome).
        for _ in 0..<3 { app.handle(.right) }
        app.handle(.function(2)); app.render()
        #expect(screen.text.contains("only a supervisor writes items off"))
        #expect(store.book.litigation(of: "F2") == nil)
        // Back to amicable, review again in 30 days (the default date).
        app.handle(.right); app.render()
        app.handle(.function(2)); app.render()
        #expect(store.book.litigation(of: "F2")?.outcome == .amicable)
        func reviewsF2(_ days: Int) -> Bool {
            Agenda(book: store.book, date: today.adding(days: days), collector: nil).written
                .contains { $0.channel == .litigationReview && $0.reasons[0].invoices.contains("F2") }
        }
        #expect(!reviewsF2(29) && reviewsF2(30))
        // A supervisor writes off: the item leaves the open balance from the decision's date.
        let (sup, _) = open(store, as: "helene")
        sup.handle(.enter); sup.render(); sup.handle(.character("L")); sup.render()
        // Sent back to amicable until a later day: not ticked; ticked by hand, it asks for a confirmation.
        #expect((sup.top as? FormScreen)?.field(.invoices).picked.isEmpty == true)
        sup.handle(.character(" "))                                    // F2, the largest, first in the list
        sup.handle(.tab)
        for _ in 0..<3 { sup.handle(.right) }
        sup.handle(.tab)
        for c in "liquidation judiciaire" { sup.handle(.character(c)) }
        sup.handle(.function(2)); sup.render()
        #expect(store.book.litigation(of: "F2")?.outcome == .amicable)
        sup.handle(.function(2)); sup.render()
        #expect(store.book.litigation(of: "F2")?.outcome == .writeOff)
        #expect(store.book.openAmount("F2") == .zero)
        #expect(store.book.openAmount("F2", asOf: today.adding(days: -1)) == Fixtures.eur("7000.00"))
    }
}

/// Found by an outside audit: the decision form ticked every overdue item and accepted one not yet due.
@Suite struct LitigationEligibilityTests {
    @Test func onlyReviewedItemsAreTickedAndOthersNeedAConfirmation() throws {
        let today = Fixtures.date("2026-11-23")
        let store = MemoryStore(book: Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "900.00"), ("F2", "2026-11-01", "2026-12-15", "100.00")]))
        let (app, screen) = workstation(store, user: "amelie", today: today, rows: 30, columns: 110)
        app.render(); app.handle(.enter); app.render()
        app.handle(.character("L")); app.render()
        let form = try #require(app.top as? FormScreen)
        #expect(form.field(.invoices).picked.isEmpty)                  // no letter ever sent: nothing due for review
        // Tick both (the list is largest first: F1, then F2).
        app.handle(.character(" ")); app.handle(.down); app.handle(.character(" ")); app.render()
        app.handle(.function(2)); app.render()
        #expect(screen.text.contains("F2 is not overdue"), "\(screen.text)")
        app.handle(.character(" ")); app.render()                     // untick F2
        app.handle(.function(2)); app.render()
        #expect(screen.text.contains("F1 is not due for review yet: press F2 again"), "\(screen.text)")
        #expect(store.book.litigation(of: "F1") == nil)
        app.handle(.function(2)); app.render()
        #expect(store.book.litigation(of: "F1")?.outcome == .collectionAgency)
    }
}

/// `s` on a written line of the agenda (issue 10): chosen again under the lock, so a letter recorded meanwhile by
/// `relance letters --mark-sent` (or a colleague) is not recorded twice.
@Suite struct MarkSentTests {
    @Test func markSentFromAStaleAgendaRecordsNothingTwice() throws {
        let today = Fixtures.date("2026-11-23")
        let store = MemoryStore(book: addressed(Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "300.00"), ("F2", "2026-10-01", "2026-11-20", "200.00")])))
        let (app, screen) = workstation(store, user: "amelie", today: today, rows: 24, columns: 100)
        app.render()
        let line = try #require(Agenda(book: store.book, date: today, collector: nil).written.first)
        // Someone else records the day's letter meanwhile.
        try store.commit(user: "amelie", .batch(changes: line.sentActivities(user: "amelie", date: today, at: "t", policy: store.book.policy, file: "x.txt")
            .map { .logActivity(activity: $0) }))
        let before = store.book.activityCount
        // `s` shows the letter (the contact has no e-mail address), `l` records it sent.
        app.handle(.end); app.handle(.character("s")); app.render()
        #expect(screen.text.contains("Relance — Send") && screen.text.contains("by letter"), "\(screen.text)")
        app.handle(.character("l")); app.render()
        #expect(screen.text.contains("nothing left to send"), "\(screen.text)")
        #expect(store.book.activityCount == before)
    }

    @Test func markSentRecordsEachStepAndMovesTheLevels() throws {
        let today = Fixtures.date("2026-11-23")
        // Without a postal address the letter is not ready: never recorded as sent (issue 17).
        let bare = MemoryStore(book: Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "300.00")]))
        let (bareApp, bareScreen) = workstation(bare, user: "amelie", today: today, rows: 24, columns: 100)
        bareApp.render(); bareApp.handle(.end); bareApp.handle(.character("s")); bareApp.handle(.character("l")); bareApp.render()
        #expect(bareScreen.text.contains("Not ready: no postal address"), "\(bareScreen.text)")
        #expect(bare.book.activityCount == 0)
        let store = MemoryStore(book: addressed(Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "300.00")])))
        let (app, screen) = workstation(store, user: "amelie", today: today, rows: 24, columns: 100)
        app.render()
        app.handle(.end); app.handle(.character("s")); app.handle(.character("l")); app.render()
        #expect(screen.text.contains("recorded as sent"), "\(screen.text)")
        #expect(screen.text.contains("Relance — Agenda"), "back on the agenda")
        #expect(store.book.invoices["F1"]?.level == 1 && store.book.invoices["F1"]?.lastDunned == today)
    }
}

/// Second audit: a collector switched to a colleague's agenda and marked that colleague's letter sent.
@Suite struct MarkSentCollectorRuleTests {
    @Test func aCollectorMarksOnlyTheirOwnLetters() throws {
        let today = Fixtures.date("2026-11-23")
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "300.00")])
        try b.apply(.upsertUser(user: User(id: "celine", name: "Céline Hébert", role: .collector)))
        try b.apply(.updateCustomer(id: "C1", patch: CustomerPatch(collector: "celine")))
        let store = MemoryStore(book: addressed(b))
        let (app, screen) = workstation(store, user: "amelie", today: today, rows: 24, columns: 100)
        app.render()
        app.handle(.character("a")); app.render()                       // the whole team's agenda
        app.handle(.end); app.handle(.character("s")); app.render()
        #expect(screen.text.contains("Only Céline Hébert or a supervisor sends this reminder"), "\(screen.text)")
        #expect(store.book.activityCount == 0)
    }
}

/// A trial user waived 5 106 € of late fees with one key and the history kept no amount.
@Suite struct WaiverFormTests {
    func open(_ invoices: [(String, String, String, String)]) -> (App, ScreenBuffer, MemoryStore) {
        let store = MemoryStore(book: Fixtures.book(invoices: invoices))
        let (app, screen) = workstation(store, user: "amelie", today: Fixtures.date("2026-11-23"), rows: 30, columns: 110)
        app.render(); app.handle(.enter); app.render()
        app.handle(.character("w")); app.render()
        return (app, screen, store)
    }

    @Test func theAmountIsShownAndKeptInTheHistory() throws {
        let (app, screen, store) = open([("F1", "2026-08-01", "2026-09-01", "1000.00")])
        // 1 000,00 x 12.15 % x 83 days (02/09-23/11) = 100000 x 1215 x 83 / 3,650,000 = 2762.88 -> 27,63; + 40,00.
        #expect(screen.text.contains("Waives 67,63 €: indemnity 40,00 €, interest 27,63 €"), "\(screen.text)")
        app.handle(.tab); for c in "geste commercial" { app.handle(.character(c)) }
        app.handle(.function(2)); app.render()
        #expect(store.book.waivers["F1"] != nil)
        #expect(store.book.activities(of: "C1").last.map { ActivityWording.text($0, book: store.book) } == "Late fees of 67,63 € waived on F1: geste commercial")
        // Stored as codes and values (schema 8), worded by each reader.
        #expect(store.book.activities(of: "C1").last?.event == .waiver(amount: Fixtures.eur("67.63"), reason: "geste commercial"))
        #expect(store.book.activities(of: "C1").last?.note == "")
    }

    @Test func aLargeWaiverAsksFirst() throws {
        let (app, screen, store) = open([("F1", "2025-06-01", "2025-07-01", "100000.00")])
        app.handle(.tab); for c in "accord" { app.handle(.character(c)) }
        app.handle(.function(2)); app.render()
        #expect(screen.text.contains("of late fees on F1? Press F2 again to confirm"), "\(screen.text)")
        #expect(store.book.waivers["F1"] == nil)
        app.handle(.function(2)); app.render()
        #expect(store.book.waivers["F1"] != nil)
    }
}

/// The fixture's customer with a postal address: a letter needs one to be sent (issue 17).
func addressed(_ book: Book) -> Book {
    var b = book
    if var c = b.customers["C1"] {
        c.billingAddress = Address(street: "4 rue de la Forge", postalCode: "69007", city: "Lyon")
        try! b.apply(.upsertCustomer(customer: c))
    }
    return b
}
