import Foundation
import Testing
import DemoData
import Receivables

/// Issue 22 (6): recording a written reminder as sent is one domain function that the agenda's `s` and the letters
/// run both call under the lock: chosen again from the book it is given, never recorded twice.
@Suite struct WrittenRemindersTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 23)!

    @Test func aReminderIsRecordedOnceAndOnlyInItsCollectorsScope() throws {
        var book = try DemoGenerator(customers: 30, seed: 3, today: Self.today).book()
        let line = try #require(Agenda(book: book, date: Self.today, collector: nil).written.first { $0.channel != .litigationReview })
        let collector = try #require(book.customers[line.customerId]?.collector)
        #expect(WrittenReminders.line(of: line.customerId, in: book, date: Self.today, collector: collector) == line)
        let other = book.users.values.first { $0.role == .collector && $0.id != collector }!.id
        #expect(WrittenReminders.line(of: line.customerId, in: book, date: Self.today, collector: other) == nil)
        let (change, steps) = try #require(WrittenReminders.markSent(line.customerId, in: book, user: collector, date: Self.today, at: "2026-11-23T09:00:00Z"))
        #expect(steps == line.reasons.count)
        let before = book.activities(of: line.customerId).count
        try book.applyNew(change, by: collector)
        #expect(book.activities(of: line.customerId).count == before + steps)
        // Chosen again from the book that recorded it: nothing is left to send today.
        #expect(WrittenReminders.markSent(line.customerId, in: book, user: collector, date: Self.today, at: "2026-11-23T09:01:00Z") == nil)
    }
}
