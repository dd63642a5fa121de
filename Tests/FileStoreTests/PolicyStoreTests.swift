import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables

/// Issue 15: the policy is store data, changed by supervisors through `setPolicy`, logged, carried by backups, and
/// read strictly.
@Suite struct PolicyStoreTests {
    let invoices = [("F1", "2026-11-02", "2026-12-01", "3000.00")]   // due in 8 days, below the default 5 000 € threshold
    let today = Fixtures.date("2026-11-23")

    @Test func aStorePolicyChangesTheAgendaAndTravelsWithItsBackup() throws {
        let dir = TempDirectory("policy-store"); defer { dir.remove() }
        let store = try JSONFileStore.create(directory: dir.file("s"), book: Fixtures.book(invoices: invoices))
        #expect(Agenda(book: store.book, date: today, collector: nil).calls.isEmpty)
        var policy = Policy.standard
        policy.largeItemThreshold = Money(euros: 2_000)
        try store.commit(user: Fixtures.supervisor, .setPolicy(policy: policy, user: Fixtures.supervisor, at: "2026-11-23T09:00:00Z"))
        for compacted in [false, true] {
            if compacted { try store.compact() }
            let reopened = try JSONFileStore(directory: dir.file("s"))
            #expect(Agenda(book: reopened.book, date: today, collector: nil).calls.first?.reasons.first?.step == "preventive-call", "compacted: \(compacted)")
            #expect(reopened.book.policyLog == [PolicyChange(at: "2026-11-23T09:00:00Z", user: Fixtures.supervisor,
                                                             differences: [PolicyDifference(key: "largeItemThreshold", old: "\"5000.00\"", new: "\"2000.00\"")])])
        }
        // The snapshot holds it as its first record.
        let lines = try String(contentsOfFile: dir.file("s/snapshot.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines[1].hasPrefix("{\"policy\":"))
        // A backup restored elsewhere keeps the policy and its log (before, policy.json was left out).
        try store.backup(to: dir.file("b.jsonl"))
        let restored = try JSONFileStore.restore(backup: dir.file("b.jsonl"), into: dir.file("r"))
        #expect(restored.book.policy == policy && restored.book.policyLog == store.book.policyLog)
        #expect(Agenda(book: try JSONFileStore(directory: dir.file("r")).book, date: today, collector: nil).calls.count == 1)
    }

    @Test func onlyASupervisorChangesThePolicyAndOnlyAsThemselves() throws {
        var book = Fixtures.book(invoices: invoices)
        var policy = Policy.standard
        policy.graceDays = 7
        #expect(throws: DomainError.self) { try book.applyNew(.setPolicy(policy: policy, user: "amelie", at: "t"), by: "amelie") }
        #expect(throws: DomainError.self) { try book.applyNew(.setPolicy(policy: policy, user: "amelie", at: "t"), by: Fixtures.supervisor) }
        policy.graceDays = -2
        #expect(throws: DomainError.self) { try book.applyNew(.setPolicy(policy: policy, user: Fixtures.supervisor, at: "t"), by: Fixtures.supervisor) }
        #expect(book.policy == .standard && !book.hasOwnPolicy)
        policy.graceDays = 7
        try book.applyNew(.setPolicy(policy: policy, user: Fixtures.supervisor, at: "t"), by: Fixtures.supervisor)
        #expect(book.policy.graceDays == 7 && book.policyLog.map(\.user) == [Fixtures.supervisor])
    }

    /// Every key of the policy file, misspelt in turn, is refused with its line (a misspelt optional key was dropped
    /// without a word: `"amount"` → `"a~ount"` removed the preventive call's minimum, 85 calls became 120).
    @Test func everyMisspeltKeyIsRefusedWithItsLine() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let text = String(decoding: try encoder.encode(Policy.standard), as: UTF8.self)
        let lines = text.components(separatedBy: "\n")
        var tried = 0
        for (i, line) in lines.enumerated() {
            guard let open = line.firstIndex(of: "\""), let close = line[line.index(after: open)...].firstIndex(of: "\""),
                  line[line.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix(":") else { continue }
            let key = String(line[line.index(after: open)..<close])
            var damaged = lines
            damaged[i] = line.replacingCharacters(in: open...close, with: "\"" + String(key.dropLast()) + "~\"")
            do {
                _ = try Policy.load(Data(damaged.joined(separator: "\n").utf8), source: "p.json")
                Issue.record("\(key) misspelt on line \(i + 1) was accepted")
            } catch {
                #expect(error.message.hasPrefix("p.json:\(i + 1): unknown key"), "\(key): \(error.message)")
            }
            tried += 1
        }
        #expect(tried > 60)   // every key of every step and rate
        // Out of range, and a template name that would be a path.
        var p = Policy.standard
        p.steps[0].template = "../../etc/passwd"
        p.callEveryDays = 0
        let data = try JSONEncoder().encode(p)
        do { _ = try Policy.load(data, source: "p.json"); Issue.record("accepted") } catch {
            #expect(error.message.contains("template '../../etc/passwd' must be a plain name") && error.message.contains("callEveryDays must be between 1 and 365"), "\(error.message)")
        }
    }

    /// Found by an outside attack: a key given twice was taken silently (the first value won), and a 5 MB name
    /// was saved.
    @Test func aKeyGivenTwiceOrAHugeNameIsRefused() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var text = String(decoding: try encoder.encode(Policy.standard), as: UTF8.self)
        text = String(text.dropLast()) + ",\n  \"graceDays\" : 999\n}"
        let line = text.components(separatedBy: "\n").count - 1
        do { _ = try Policy.load(Data(text.utf8), source: "p.json"); Issue.record("accepted") }
        catch { #expect(error.message.hasPrefix("p.json:\(line): 'graceDays' is given twice"), "\(error.message)") }
        // The same key in two different steps is fine (each step is its own object).
        #expect(Policy.duplicateKey(in: try encoder.encode(Policy.standard)) == nil)
        var p = Policy.standard
        p.name = String(repeating: "x", count: 5_000)
        #expect(throws: DomainError.self) { try Policy.load(try JSONEncoder().encode(p), source: "p.json") }
    }

    /// The table of known keys holds every key a policy can have (a key added to `Policy` and not to the table
    /// would be refused in every file).
    @Test func theKnownKeysCoverEveryField() throws {
        var p = Policy.standard
        p.lateInterestAnnualRatePercent = "10"; p.ecbRefinancingRatePercent = "2"; p.futureDateHorizonMonths = 12; p.paymentPlanMaxMonths = 36; p.promiseMinSharePercent = 20
        p.steps[0].repeatEveryDays = 7; p.steps[0].amount = .init(min: "1.00", below: "threshold"); p.steps[0].short = "x"
        #expect(Policy.unknownKeys(in: try JSONEncoder().encode(p)).isEmpty)
        #expect(try Policy.load(try JSONEncoder().encode(p), source: "p") == p)
    }
}
