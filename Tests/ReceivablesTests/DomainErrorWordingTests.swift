import Foundation
import Testing
import Receivables
import TestSupport
import Wording

/// The domain refuses with values and the edge words them (issue 18). The expected sentences are written here by
/// hand: each says what was refused, about what, with the figures in the company's format.
@Suite struct DomainErrorWordingTests {
    static let d = Fixtures.date
    static let e = Fixtures.eur

    static let cases: [(DomainError, String)] = [
        (.unknown(.customer, "C9"), "unknown customer C9"),
        (.about(.record(.invoice, "F1"), .about(.amount, .notPositive)), "invoice F1: the amount must be above zero"),
        (.about(.promisedDate, .rule(.inPast(d("2026-11-01")))), "the promised date: 01/11/2026 is in the past"),
        (.about(.amount, .rule(.aboveOpen(e("1500.00"), open: e("1234.56"), lessDisputed: false))),
         "the amount: 1 500,00 € is more than the 1 234,56 € open on the ticked invoices"),
        (.about(.disputedAmount, .rule(.aboveOpen(e("10.00"), open: e("5.00"), lessDisputed: true))),
         "the disputed amount: 10,00 € is more than the 5,00 € open and not yet disputed on the ticked invoices"),
        (.inBatch(item: 2, change: .cancelPlan(id: "PL1"), .unknown(.plan, "PL1")), "item 2 (cancel plan PL1): unknown plan PL1"),
        (.inPaymentPlan(invoices: ["F1"]), "F1 is in a payment plan: a promise cannot hold it"),
        (.inPaymentPlan(invoices: ["F1", "F2", "F3"]), "F1 and 2 more are in a payment plan: a promise cannot hold them"),
        (.holdsAccounts(user: "amelie", heldAs: .collector, accounts: ["C1", "C2", "C3", "C4", "C5", "C6", "C7"], role: .salesperson),
         "amelie is the collector of 7 accounts (C1, C2, C3, C4, C5 and 2 more): a salesperson cannot be; give them to another collector first"),
        (.holdsAccounts(user: "amelie", heldAs: .collector, accounts: ["C1"], role: .salesperson),
         "amelie is the collector of 1 account (C1): a salesperson cannot be; give them to another collector first"),
        (.about(.record(.customer, "C1"), .controlCharacter(0x1B)), "customer C1: control or invisible character U+1B is not allowed"),
        (.about(.creditLimit(customer: "C1"), .aboveLimit(Money(cents: Int64.max))),
         "the credit limit of customer C1: 92 233 720 368 547 758,07 € is above the limit of \(Money.limit.formatted)"),
        (.disputeClosed("D1", .resolvedCreditNote), "dispute D1 is already resolved: credit note"),
        (.refused(PermissionRefusal(user: "zoe", action: .writeOff, reason: .role(.collector))),
         "write-off is not for collectors (zoe); it is for supervisors"),
        (.policy([.outOfRange("graceDays", 0...90, 999), .stepTwice("call")]),
         "the policy: graceDays must be between 0 and 90, not 999; step id 'call' appears twice"),
        (.policyFile(source: "p.json", Policy.Problem(line: 3, kind: .unknownKey("a~ount"))),
         "p.json:3: unknown key 'a~ount' (misspelt? the keys are those of relance policy show)"),
    ]

    @Test(arguments: 0..<cases.count) func aRefusalIsWordedAtTheEdge(_ i: Int) {
        let (error, words) = Self.cases[i]
        #expect(error.message == words)
        #expect("\(error)" == words, "interpolation and swift-argument-parser's output use the same words")
    }

    /// A screen shows the refusal of the one change it saved, without the batch item it came from.
    @Test func theInnermostRefusalIsWhatAScreenSays() {
        let inner = DomainError.about(.promisedDate, .rule(.inPast(Self.d("2026-11-01"))))
        let wrapped = DomainError.inBatch(item: 1, change: .cancelPlan(id: "P"), .inBatch(item: 3, change: .cancelPlan(id: "Q"), inner))
        #expect(wrapped.innermost == inner)
    }

    /// The rules refuse with values a test compares, not sentences: the same refusal whatever the words.
    @Test func theBookRefusesWithValues() throws {
        var b = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "600.00")])
        let today = Fixtures.date("2026-11-23")
        let promise = Promise(id: "PR", customerId: "C1", invoices: ["F1"], amount: Self.e("1.00"), promisedDate: Self.d("2026-11-01"),
                              madeOn: today, user: Fixtures.supervisor)
        #expect(throws: DomainError.about(.promisedDate, .rule(.inPast(Self.d("2026-11-01"))))) {
            try b.applyNew(.makePromise(promise: promise, supersedes: []), by: Fixtures.supervisor)
        }
        #expect(throws: DomainError.unknown(.plan, "nope")) { try b.applyNew(.cancelPlan(id: "nope"), by: Fixtures.supervisor) }
        #expect(throws: ParseError.noSuchDay("31/02/2026", day: 31, month: 2, year: 2026)) { try CalendarDate.parse("31/02/2026") }
        #expect(ParseError.noSuchDay("31/02/2026", day: 31, month: 2, year: 2026).message == "'31/02/2026': 31/02/2026 does not exist (28 days in that month)")
    }

    /// No sentence is made in the domain any more: every refusal there is a typed case (`said` is for the edge).
    @Test func theDomainMakesNoSentences() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Receivables")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20)
        for f in files where f != "DomainError.swift" {
            let text = try String(contentsOf: folder.appendingPathComponent(f), encoding: .utf8)
            #expect(!text.contains(".said("), "\(f) words a refusal itself")
            #expect(!text.contains("DomainError(\""), "\(f) words a refusal itself")
            #expect(!text.contains("InputError("), "\(f) words a parse error itself")
        }
    }
}
