import DemoData
import Foundation
import Testing
import TestSupport
@testable import Interchange
@testable import Receivables

/// Issue 23: the agenda's lines and the letters are made on every core. What they give must be what they give made
/// one account at a time, in the same order (a book large enough to be split into chunks).
@Suite struct ParallelChoiceTests {
    static let today = Fixtures.date("2026-11-23")
    static let book: Book = try! DemoGenerator(customers: 2_400, seed: 11, today: today).book()

    @Test func theAgendaIsTheAccountsLinesOneByOne() {
        let book = Self.book
        for scope in [nil, "amelie", Agenda.unassigned] as [String?] {
            let agenda = Agenda(book: book, date: Self.today, collector: scope)
            var calls: [AgendaLine] = [], written: [AgendaLine] = []
            for id in book.customerOrder where Agenda.isInScope(id, collector: scope, in: book) {
                for l in Agenda.lines(of: id, book: book, date: Self.today) {
                    if l.kind == .call { calls.append(l) } else { written.append(l) }
                }
            }
            calls.sort(by: AgendaLine.priorityOrder); written.sort(by: AgendaLine.priorityOrder)
            #expect(agenda.calls == calls, "\(scope ?? "team")")
            #expect(agenda.written == written, "\(scope ?? "team")")
        }
        #expect(Agenda(book: book, date: Self.today, collector: nil).written.count > 100)
    }

    @Test func lettersRenderedTogetherAreThoseRenderedAlone() throws {
        let book = Self.book
        let lines = Array(Agenda(book: book, date: Self.today, collector: nil).written.prefix(300))
        let together = try LetterWriter.letters(for: lines, date: Self.today, book: book)
        #expect(together.count > 64)   // enough to be rendered in parallel
        var alone: [LetterWriter.Letter] = []
        for l in lines { alone += try LetterWriter.letters(for: [l], date: Self.today, book: book) }
        #expect(together.map(\.text) == alone.map(\.text))
        #expect(together.map(\.fileName) == alone.map(\.fileName))
        #expect(together.map(\.line.customerId) == alone.map(\.line.customerId))
    }

    @Test func aTemplateFailingOnOneLetterRefusesTheRunWithThatLetter() throws {
        let book = Self.book
        let lines = Array(Agenda(book: book, date: Self.today, collector: nil).written.prefix(200))
        // A limit every letter exceeds: the first letter in the lines' order is named, whichever core rendered first.
        var limits = TemplateLimits.standard
        limits.bytes = 10
        let first = try #require(lines.first { book.customers[$0.customerId] != nil })
        #expect {
            _ = try LetterWriter.letters(for: lines, date: Self.today, book: book, limits: limits)
        } throws: { "\($0)".contains("the letter to \(first.customerId) is over") }
    }
}
