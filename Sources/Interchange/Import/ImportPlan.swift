import Receivables
import Wording

/// What an import would do, whatever the format it read (the CSV files, the FEC): the book as the file leaves it,
/// what changed in it, and what to tell the user. Every format plans through `apply`, so the domain's rules check
/// each record as it is added, against the book as the records before it leave it.
public struct ImportPlan {
    /// A record the import adds or changes, in the order it was applied (customers before their invoices before the
    /// payments that settle them).
    enum Record {
        case customer(String), invoice(String), payment(String), user(String)
        /// Allocations added to a payment already held (a later FEC letters what an earlier one left open).
        case lettering(payment: String, allocations: [Allocation])
    }

    /// The change to commit, made when asked for: the plan keeps the book as the file leaves it and the keys of
    /// what changed, not a second copy of every record (184 bytes a change: 184 MB for a million rows).
    public var change: Change? {
        guard !changed.isEmpty, let after else { return nil }
        return .batch(changes: changed.map { record -> Change in
            switch record {
            case .customer(let key): .upsertCustomer(customer: after.customers[key]!)
            case .invoice(let key): .upsertInvoice(invoice: after.invoices[key]!)
            case .payment(let key): .recordPayment(payment: after.payments[key]!)
            case .user(let key): .upsertUser(user: after.users[key]!)
            case .lettering(let id, let allocations): .allocateCredit(paymentId: id, allocations: allocations)
            }
        })
    }
    var after: Book?
    var changed: [Record] = []
    /// Payments this plan records (not held before it).
    var newPayments: Set<String> = []
    /// A plan of nothing (to let go of a large plan's book).
    public static var empty: ImportPlan { ImportPlan() }
    /// The book as the file leaves it (nil when nothing changes): what a large import writes as a snapshot.
    public var resultingBook: Book? { changed.isEmpty ? nil : after }
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var changedRecords: Int { added + updated }
    public var onAccount = Money.zero
    /// Columns of the file that this import does not read (an export's extra columns), said in the summary.
    public var ignored: [String] = []
    /// What the law does not allow as it stands (issue 17, L441-10: terms beyond 60 days, or 45 days end of
    /// month; a contractual rate below three times the taux de l'intérêt légal), `file:line: ...`: the import is
    /// refused unless a supervisor confirms with `--accept-warnings`.
    public var warnings: [String] = []
    /// Values changed in Relance (an approved limit, a reassignment) that this file changes again, `file:line: ...`
    /// (issue 20): applied, and said.
    public var overrides: [String] = []
    /// Lines said after the summary, already worded (a FEC's figures, how it was read).
    public var details: [String] = []

    public var summary: String {
        tr("{added} added, {updated} updated, {unchanged} unchanged", ["added": "\(added)", "updated": "\(updated)", "unchanged": "\(unchanged)"]) + (onAccount.isPositive ? tr(", {amount} left on account", ["amount": onAccount.formatted]) : "")
            + (ignored.isEmpty ? "" : trn("; ignored column: {columns}", "; ignored columns: {columns}", count: ignored.count, ["columns": ignored.joined(separator: ", ")]))
    }

    /// Applies one record's change to `book` (the domain's rules check it) and counts it: unchanged when the book
    /// already holds it as it is, updated when it held another version, added otherwise.
    mutating func apply(_ change: Change, to book: inout Book, by user: String) throws(InputError) {
        let record: Record, existed: Bool
        switch change {
        case .upsertCustomer(let c):
            if book.customers[c.id] == c { unchanged += 1; return }
            record = .customer(c.id); existed = book.customers[c.id] != nil
        case .upsertInvoice(let i):
            if book.invoices[i.number] == i { unchanged += 1; return }
            record = .invoice(i.number); existed = book.invoices[i.number] != nil
        case .upsertUser(let u):
            if book.users[u.id] == u { unchanged += 1; return }
            record = .user(u.id); existed = book.users[u.id] != nil
        case .recordPayment(let p): record = .payment(p.id); existed = false; newPayments.insert(p.id)
        case .allocateCredit(let id, let allocations):
            // A payment recorded by this plan is written as the plan leaves it, its later allocations included.
            if newPayments.contains(id) {
                do throws(DomainError) { try book.applyNew(change, by: user) } catch { throw InputError(error.message) }
                return
            }
            record = .lettering(payment: id, allocations: allocations); existed = true
        default: preconditionFailure("an import records customers, invoices, payments, letterings and users")
        }
        do throws(DomainError) { try book.applyNew(change, by: user) } catch { throw InputError(error.message) }
        changed.append(record)
        if existed { updated += 1 } else { added += 1 }
    }

    /// Keeps the book as the records leave it, when anything changed.
    mutating func finish(_ book: Book) { if !changed.isEmpty { after = book } }
}
