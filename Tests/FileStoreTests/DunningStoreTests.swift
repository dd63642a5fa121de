import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables

/// Found by an outside audit: a level was kept as a position in the ladder, so a store's policy gaining a step
/// re-sent formal notices after a compaction (and not before). The level now follows the step reached.
@Suite struct DunningStoreTests {
    @Test func aPolicyGainingAStepKeepsItemsPastTheirFormalNotice() throws {
        let dir = TempDirectory("dunning-policy"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.path, book: Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "800.00")]))
        for (step, date, channel) in [("reminder-after-due", "2026-09-05", Activity.Channel.letter), ("formal-notice", "2026-10-05", .formalNotice)] {
            try store.commit(user: "amelie", .logActivity(activity: Activity(id: step, at: "t", date: Fixtures.date(date), user: "amelie",
                customerId: "C1", invoices: ["F1"], channel: channel, step: step)))
        }
        try store.compact()   // the levels are now in the snapshot, the letters in the history file
        // The store's own policy inserts a second reminder at D+15, before the formal notice.
        var policy = Policy.standard
        let second = Policy.Step(id: "second-reminder", short: "2nd reminder", label: "Second reminder", relativeTo: .due, days: 15,
                                 repeatEveryDays: nil, amount: nil, channel: .letter, template: "reminder-overdue", escalates: false)
        policy.steps.insert(second, at: policy.steps.firstIndex { $0.id == "formal-notice" }!)
        try store.commit(user: Fixtures.supervisor, .setPolicy(policy: policy, user: Fixtures.supervisor, at: "2026-11-23T09:00:00Z"))
        // In the journal, then in the snapshot: the levels follow the new ladder either way.
        for compacted in [false, true] {
            if compacted { try store.compact() }
            let reopened = try JSONFileStore(directory: dir.path)
            let inv = try #require(reopened.book.invoices["F1"])
            #expect(inv.dunningStep == "formal-notice" && inv.level == 3, "compacted: \(compacted)")   // formal notice is level 3 in this ladder
            let agenda = Agenda(book: reopened.book, date: Fixtures.date("2026-11-23"), collector: nil)
            #expect(agenda.written.map(\.channel) == [.litigationReview], "\(agenda.written.map(\.reasons))")
        }
    }
}

/// Issue 23: the book reads its policy's steps from a copy made once per policy; a policy changed in any way
/// (replaced, or a step or the threshold edited in place) is read at once.
@Suite struct DunningStepsTests {
    @Test func theBookReadsTheStepsOfItsPolicyAsItChanges() throws {
        var book = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "800.00")])
        // The standard policy, by hand: written steps after due are the reminder (D+1) then the formal notice (D+30).
        #expect(book.dunningSteps.ladder.map(\.id) == ["reminder-after-due", "formal-notice"])
        #expect(book.dunningSteps.preDueWritten.map(\.id) == ["courtesy-reminder"])
        #expect(book.dunningSteps.litigation?.id == "litigation-review")
        let inv = try #require(book.invoices["F1"])
        #expect(book.writtenAction(on: inv, at: Fixtures.date("2026-09-02"))?.step.id == "reminder-after-due")
        book.policy.steps.removeAll { $0.id == "reminder-after-due" }
        #expect(book.dunningSteps.ladder.map(\.id) == ["formal-notice"])
        #expect(book.writtenAction(on: inv, at: Fixtures.date("2026-09-02")) == nil)   // the formal notice waits for D+30
        // The preventive call is for items at or above the threshold: 800.00 gets it once the threshold is 500.00.
        #expect(!book.dunningSteps.applies(try #require(book.dunningSteps.preventiveCalls.first), to: Fixtures.eur("800.00")))
        book.policy.largeItemThreshold = Fixtures.eur("500.00")
        #expect(book.dunningSteps.applies(try #require(book.dunningSteps.preventiveCalls.first), to: Fixtures.eur("800.00")))
        try book.apply(.setPolicy(policy: .standard, user: Fixtures.supervisor, at: "t"))
        #expect(book.dunningSteps.ladder.map(\.id) == ["reminder-after-due", "formal-notice"])
    }
}

/// Found by the second outside audit: a step removed from the policy turned second reminders into formal notices;
/// an import still in the journal was not realigned; a due date moved after the letters kept the level.
@Suite struct DunningRealignTests {
    func policy(withSecondReminder: Bool) -> Policy {
        var p = Policy.standard
        if withSecondReminder {
            p.steps.insert(Policy.Step(id: "second-reminder", short: "2nd reminder", label: "Second reminder", relativeTo: .due, days: 15,
                                       repeatEveryDays: nil, amount: nil, channel: .letter, template: "reminder-overdue", escalates: false),
                           at: p.steps.firstIndex { $0.id == "formal-notice" }!)
        }
        return p
    }

    @Test func aRemovedStepFallsBackOneLevelNeverUp() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "800.00")])
        b.policy = policy(withSecondReminder: true)
        for (step, date) in [("reminder-after-due", "2026-09-05"), ("second-reminder", "2026-09-20")] {
            try b.applyNew(.logActivity(activity: Activity(id: step, at: "t", date: Fixtures.date(date), user: "amelie", customerId: "C1",
                                                           invoices: ["F1"], channel: .letter, step: step)), by: Fixtures.supervisor)
        }
        #expect(b.invoices["F1"]?.level == 2 && b.invoices["F1"]?.dunningStep == "second-reminder")
        // The same records under the default policy (the step removed, or a restore without the store's policy).
        var plain = Book()
        plain.policy = Policy.standard
        for r in b.records { try plain.restore(r) }
        #expect(plain.invoices["F1"]?.level == 1)
        let next = Agenda(book: plain, date: Fixtures.date("2026-11-23"), collector: nil).written.first?.reasons.map(\.step)
        #expect(next == ["formal-notice"])      // the formal notice comes; no review of an item never put on notice
    }

    @Test func anImportedLevelFollowsItsStepWithoutACompaction() throws {
        var b = Fixtures.book(invoices: [])
        b.policy = policy(withSecondReminder: true)
        try b.applyNew(.upsertInvoice(invoice: Invoice(number: "J1", customerId: "C1", issueDate: Fixtures.date("2026-08-01"), dueDate: Fixtures.date("2026-09-01"),
                                                       amount: Fixtures.eur("500.00"), dunningLevel: 2, lastDunned: Fixtures.date("2026-10-05"), dunningStep: "formal-notice")), by: Fixtures.supervisor)
        #expect(b.invoices["J1"]?.level == 3)   // formal notice is level 3 in this ladder: next is the review, not a second notice
        #expect(!Agenda(book: b, date: Fixtures.date("2026-12-20"), collector: nil).written.contains { $0.channel == .formalNotice })
    }

    @Test func aDueDateMovedAfterTheLettersStartsTheLadderAgain() throws {
        var b = Fixtures.book(invoices: [("D1", "2026-08-01", "2026-09-01", "500.00")])
        try b.applyNew(.logActivity(activity: Activity(id: "A", at: "t", date: Fixtures.date("2026-10-05"), user: "amelie", customerId: "C1",
                                                       invoices: ["D1"], channel: .letter, step: "reminder-after-due")), by: Fixtures.supervisor)
        var moved = b.invoices["D1"]!
        moved.dueDate = Fixtures.date("2027-03-01"); moved.dunningLevel = nil; moved.lastDunned = nil; moved.dunningStep = nil
        try b.applyNew(.upsertInvoice(invoice: moved), by: Fixtures.supervisor)
        #expect(b.invoices["D1"]?.level == 0 && b.invoices["D1"]?.lastDunned == Fixtures.date("2026-10-05"))
        let first = Agenda(book: b, date: Fixtures.date("2027-03-31"), collector: nil).written.first?.reasons.map(\.step)
        #expect(first == ["reminder-after-due"])   // not a formal notice saying "despite our reminders"
    }
}

/// Found by an outside attack: files left by writes killed half-way piled up and `check` did not mention them.
@Suite struct LeftoverNoteTests {
    @Test func checkNamesLeftoversAndChangesNothing() throws {
        let dir = TempDirectory("leftovers"); defer { dir.remove() }
        _ = try JSONFileStore.create(directory: dir.path, book: Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "800.00")]))
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.file("history-97.jsonl")))
        try Data("y".utf8).write(to: URL(fileURLWithPath: dir.file("journal.jsonl.tmp-123-456")))
        let report = StoreCheck.run(directory: dir.path)
        #expect(report.ok)
        #expect(report.text.contains("note: 2 files left by interrupted writes"), "\(report.text)")
        #expect(FileManager.default.fileExists(atPath: dir.file("history-97.jsonl")))
    }
}
