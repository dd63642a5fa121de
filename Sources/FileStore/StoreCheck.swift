import Foundation
import Receivables

/// What `relance check` finds in a store: load errors with file and line, broken sums, warnings.
public struct StoreCheck {
    public var ok: Bool
    public var text: String

    /// Opens the store read-only (a check never writes, renames, migrates or deletes anything), verifies every
    /// checksum of what opening read (snapshot, journal) and of the history file, then the sums.
    public static func run(directory: String) -> StoreCheck {
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
        lines.append("  invoiced \(invoiced.plain) - allocated \(allocated.plain) - credit notes \(credited.plain) = open \(open.plain)")
        var problems = book.consistencyProblems()
        // Every activity the digests count is in the history file or in the journal since.
        for id in book.customerOrder {
            let found = (counts[id] ?? 0) + book.activities(of: id).count
            if found != book.digest(of: id).count {
                problems.append("customer \(id): \(found) activities found, the snapshot counts \(book.digest(of: id).count)")
            }
        }
        if store.loadedSchema < currentSchemaVersion {
            lines.append("  note: schema \(store.loadedSchema) has no checksums; `relance migrate` (or the next change) adds them")
        }
        if invoiced - allocated - credited != open { problems.append("open amounts do not add up: \(invoiced - allocated - credited) expected, \(open) found") }
        for w in store.warnings { lines.append("  warning: \(w)") }
        // Older records that today's input rules would refuse: they load, and are listed to be corrected.
        let violations = book.ruleViolations()
        for v in violations.prefix(50) { lines.append("  to correct: \(v)") }
        if violations.count > 50 { lines.append("  to correct: ... and \(violations.count - 50) more") }
        for p in problems { lines.append("  problem: \(p)") }
        lines.append(problems.isEmpty ? "OK" : "FAILED: \(problems.count) problem(s)")
        return StoreCheck(ok: problems.isEmpty, text: lines.joined(separator: "\n") + "\n")
    }
}

/// "1 promise", "2 promises".
private func count(_ n: Int, _ one: String, _ many: String? = nil) -> String { "\(n) \(n == 1 ? one : many ?? one + "s")" }
