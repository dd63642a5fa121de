import Foundation
import Receivables
import Wording

/// What `relance check` finds in a store: load errors with file and line, broken sums, warnings.
public struct StoreCheck {
    public var ok: Bool
    public var text: String

    /// Opens the store read-only (a check never writes, renames, migrates or deletes anything), verifies every
    /// checksum of what opening read (snapshot, journal) and of the history file, then the sums.
    public static func run(directory: String, today: CalendarDate = .today()) -> StoreCheck {
        // backups/ is read without the lock and needs nothing of the open store: it is verified on a thread of its
        // own meanwhile (its checksums were a third of `check` at 100,000 invoices, done after the open: issue 23).
        let backups = BackupsInBackground(directory: directory)
        defer { backups.wait() }
        let store: JSONFileStore
        do { store = try JSONFileStore(directory: directory, forceReadOnly: true) } catch {
            return StoreCheck(ok: false, text: "FAILED \(directory)\n  \(error)\n")
        }
        // The book and the history file read together under the shared lock (a compaction may run meanwhile).
        let book: Book, counts: [String: Int]
        do { (book, counts) = try store.verifiedState() } catch {
            return StoreCheck(ok: false, text: "FAILED \(directory)\n  \(error)\n")
        }
        var lines = ["store \(directory): change \(store.seq), schema \(store.loadedSchema)",
                     "  \(count(book.customers.count, "customer")), \(count(book.invoices.count, "invoice")), \(count(book.payments.count, "payment")), \(count(book.activityCount, "activity", "activities"))",
                     "  \(count(book.disputes.count, "dispute")), \(count(book.promises.count, "promise")), \(count(book.plans.count, "plan"))"]
        let open = book.invoices.keys.reduce(Money.zero) { $0 + book.openAmount($1) }
        let invoiced = book.invoices.values.sum(\.amount)
        let allocated = book.payments.values.reduce(Money.zero) { $0 + $1.allocations.sum(\.amount) }
        let credited = book.creditNotes.values.sum(\.amount)
        let writtenOff = book.invoices.allSettlements.reduce(Money.zero) { if case .writeOff = $1.kind { return $0 + $1.amount }; return $0 }
        lines.append("  invoiced \(invoiced.plain) - allocated \(allocated.plain) - credit notes \(credited.plain)"
                     + (writtenOff.isZero ? "" : " - written off \(writtenOff.plain)") + " = open \(open.plain)")
        var problems = book.consistencyProblems()
        problems += backups.wait()
        problems += store.forged.map { "forged entry: \($0)" }
        if book.settings.demo && !book.isDemo {
            problems.append("the snapshot claims a demo store, but its users have Unix logins: a team's store is never a demo (the flag was planted or copied)")
        }
        // Every activity the digests count is in the history file or in the journal since.
        for id in book.customerOrder {
            let found = (counts[id] ?? 0) + book.activities(of: id).count
            if found != book.digest(of: id).count {
                problems.append("customer \(id): \(found) activities found, the snapshot counts \(book.digest(of: id).count)")
            }
        }
        if store.loadedSchema < currentSchemaVersion {
            lines.append("  note: schema \(store.loadedSchema) is older than this Relance's \(currentSchemaVersion); `relance migrate` (or the next change) brings it up to date")
        }
        if invoiced - allocated - credited - writtenOff != open {
            problems.append("open amounts do not add up: \(invoiced - allocated - credited - writtenOff) expected, \(open) found")
        }
        // A FEC line is one item (schema 11): two records under one ledger id are an item counted twice.
        var ledgerIds: [String: String] = [:]
        for inv in book.invoices.values.sorted(by: { $0.number < $1.number }) {
            guard let l = inv.ledgerId else { continue }
            if let other = ledgerIds.updateValue(inv.number, forKey: l) { problems.append("invoices \(other) and \(inv.number) are the same FEC line \(l)") }
        }
        for p in book.payments.values where p.ledgerId != nil && p.id != "FEC:" + p.ledgerId! {
            problems.append("payment \(p.id) does not carry its FEC line's id \(p.ledgerId!)")
        }
        for inv in book.invoices.values.filter({ ($0.lastDunned ?? today) > today }).sorted(by: { $0.number < $1.number }).prefix(20) {
            lines.append("  to correct: invoice \(inv.number): last letter dated \(inv.lastDunned!.french), after today (its letters wait until then)")
        }
        // Payments lettered to invoices issued after them (an ERP export of invoices, then earlier payments): read as
        // money on account until the invoice's issue date (issue 17); listed so the lettering can be looked at.
        let early = book.allocationsBeforeIssue()
        for (p, inv) in early.prefix(20) {
            lines.append("  note: payment \(p.id) of \(p.date.french) is lettered to \(inv.number), issued \(inv.issueDate.french): it settles it from that date and is on account until then")
        }
        if early.count > 20 { lines.append("  note: ... and \(early.count - 20) more payments lettered before their invoice was issued") }
        for half in missingRates(book, today: today) {
            lines.append("  warning: the policy's interest table has no rate for \(half) (ECB rate on its first day + 10 points): late interest is not computed for those days")
        }
        lines.append(book.hasOwnPolicy
            ? "  policy: the store's own (\(book.policy.name)), changed \(count(book.policyLog.count, "time")); relance policy log"
            : "  policy: the one shipped with Relance (\(book.policy.name))")
        if store.loadedSchema >= 6, store.files.exists(JSONFileStore.policyName) {
            lines.append("  warning: \(store.files.file(JSONFileStore.policyName)) is no longer read (the policy is in the store since schema 6: relance policy show|edit); remove it")
        }
        if book.policy.legalInterestBasisPoints(on: today) == nil {
            lines.append("  warning: the policy lacks the taux de l'intérêt légal for \(Policy.halfYear(of: today)) (art. L313-2 du Code monétaire et financier, published each half-year): add it to legalInterestRates with relance policy edit")
        }
        for w in store.warnings { lines.append("  warning: \(w)") }
        // Files of interrupted writes (a crash between two steps): harmless, removed by the next compaction.
        let leftovers = store.leftovers()
        if !leftovers.isEmpty {
            lines.append("  note: \(leftovers.count) file\(leftovers.count == 1 ? "" : "s") left by interrupted writes (\(leftovers.prefix(3).joined(separator: ", "))\(leftovers.count > 3 ? ", ..." : "")): the next compaction removes them")
        }
        // Older records that today's input rules would refuse: they load, and are listed to be corrected.
        let violations = book.ruleViolations()
        for v in violations.prefix(50) { lines.append("  to correct: \(v)") }
        if violations.count > 50 { lines.append("  to correct: ... and \(violations.count - 50) more") }
        for p in problems { lines.append("  problem: \(p)") }
        lines.append(problems.isEmpty ? "OK" : "FAILED: \(problems.count) problem(s)")
        return StoreCheck(ok: problems.isEmpty, text: lines.joined(separator: "\n") + "\n")
    }
}

/// `BackupsCheck` of a store's directory on a thread of its own, from another descriptor of the directory (a
/// listing moves its descriptor's position: two threads must not list through one).
private final class BackupsInBackground: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var problems: [String] = []
    private var finished = false

    init(directory: String) {
        let thread = Thread { [self] in
            problems = (try? StoreDirectory(path: directory)).map(BackupsCheck.problems(in:)) ?? []
            done.signal()
        }
        thread.start()
    }

    /// The problems found, once the thread is done (any number of calls).
    @discardableResult func wait() -> [String] {
        if !finished { done.wait(); finished = true }
        return problems
    }
}

/// The half-years from the oldest unpaid overdue item to `today` that the policy's rate table lacks.
func missingRates(_ book: Book, today: CalendarDate) -> [String] {
    let overdue = book.invoices.values.filter { $0.dueDate < today && book.openAmount($0.number).isPositive }
    guard let oldest = overdue.map(\.dueDate).min() else { return [] }
    var out: [String] = []
    var d = oldest.adding(days: 1)
    while d <= today {
        if book.policy.legalRateBasisPoints(on: d) == nil { out.append(Policy.halfYear(of: d)) }
        d = CalendarDate(year: d.year + (d.month <= 6 ? 0 : 1), month: d.month <= 6 ? 7 : 1, day: 1)!
    }
    return out
}

/// "1 promise", "2 promises".
private func count(_ n: Int, _ one: String, _ many: String? = nil) -> String { "\(n) \(n == 1 ? one : many ?? one + "s")" }
