import Foundation
import Receivables
import Wording

/// What a FEC's customer lines mean for the book (issue 21; docs/FEC.md):
/// - a customer per auxiliary account of the lines on 411/413/416/419 (`CompAuxNum`, `CompAuxLib`), or per 411xxx
///   account when a line has no auxiliary account (trailing zeros not significant);
/// - a debit line is an open item (an invoice; in a bank journal, a returned payment); a credit line is a payment
///   (in a bank journal) or a credit note (elsewhere);
/// - an item is known by (account, `JournalCode`, `EcritureNum`, `PieceRef`, and the entry's date since numbers start
///   again each year), its `ledgerId`, so a re-import or a
///   later file adds only what is new; it is shown under `PieceRef` when that is unique for the account, else
///   `JournalCode-EcritureNum`;
/// - a letter group (`EcritureLet` on one account) settles its items at `DateLet`, or its latest line's date; one
///   that does not balance in the file leaves its difference open on its oldest item (or on account); unlettered
///   credits letter oldest first, as CSV payments do;
/// - opening entries (`AN`, `ANO`, `AD`, `RAN`, or a journal "à nouveaux") carry earlier years' open items; for a
///   customer whose earlier items the book already holds they are matched against them rather than added.
public enum FECImport {
    static let openingJournals: Set<String> = ["AN", "ANO", "AD", "RAN"]
    /// Piece references that name no document ("sans" on opening lines).
    static let placeholders: Set<String> = ["SANS", "NEANT", "NÉANT", "N/A", "NA", "-", "."]
    /// How many notes of one kind the summary lists before it counts the rest.
    static let shownNotes = 10

    /// The facts the summary gives, computed on the book as the file leaves it.
    public struct Facts: Sendable, Equatable {
        public var customers = 0
        public var newCustomers = 0
        public var customerLines = 0
        public var letteredLines = 0
        public var unletteredLines = 0
        public var customersWithUnlettered = 0
        public var letterGroups = 0
        public var unbalancedGroups = 0
        public var openItems = 0
        /// Open items less money on account, for the file's customers: the 411 lines' debit − credit.
        public var openTotal = Money.zero
        public var onAccount = Money.zero
        public var otherAccountLines = 0
        public var zeroLines = 0
        public var openingMatched = 0
    }

    public static func plan(_ ledger: FECLedger, book: Book, user: String) throws -> ImportPlan { try planned(ledger, book: book, user: user).plan }

    /// The plan and the figures its summary gives.
    public static func planned(_ ledger: FECLedger, book: Book, user: String) throws -> (plan: ImportPlan, facts: Facts) {
        var planner = Planner(ledger: ledger, book: book, user: user)
        try planner.run()
        return (planner.plan, planner.facts)
    }

    static func isOpening(_ l: FECLine) -> Bool { isOpening(journal: l.journal, label: l.journalLabel) }

    /// An opening journal (à-nouveaux): by its code, or a label that says "à nouveau".
    public static func isOpening(journal: String, label: String) -> Bool {
        // "A nouveaux", "à-nouveaux", "Report à nouveau": "à nouveau", not any "nouveau" ("Ventes nouveaux produits").
        let folded = label.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return openingJournals.contains(journal.uppercased()) || ["a nouveau", "a-nouveau", "anouveau"].contains { folded.contains($0) }
    }

    /// An account number without its trailing zeros (`41100000` and `411000` are one account), at least 3 digits.
    static func account(_ a: String) -> String {
        var s = Substring(a)
        while s.count > 3, s.last == "0" { s = s.dropLast() }
        return String(s)
    }

    static func customerId(_ l: FECLine) -> String { l.aux.isEmpty ? account(l.account) : l.aux }

    struct Planner {
        let ledger: FECLedger
        let original: Book
        let user: String
        var book: Book
        var plan = ImportPlan()
        var facts = Facts()
        var errors: [ImportError] = []
        var notes: [String] = []
        var unbalancedNotes: [String] = []
        /// Each line's ledger id (with `#n` when lines repeat one), by line index.
        var ids: [String] = []
        /// The invoice each debit line is (new, held, or an earlier year's item an opening line restates).
        var numberOf: [Int: String] = [:]
        var invoiceByLedger: [String: String] = [:]
        var foldedNumbers: Set<String> = []
        /// Which journals are opening journals (asked once per journal: the label's folding goes through Foundation).
        var openingJournal: [String: Bool] = [:]
        func isOpening(_ l: FECLine) -> Bool { openingJournal[l.journal] ?? FECImport.isOpening(l) }
        /// How many debit lines of the file carry each piece reference (upper case).
        var pieces: [String: Int] = [:]
        /// Opening lines folded into a held balance: they make no record.
        var restated = Set<Int>()

        init(ledger: FECLedger, book: Book, user: String) {
            self.ledger = ledger; self.original = book; self.user = user; self.book = book
        }

        mutating func apply(_ change: Change, line: FECLine) {
            do throws(InputError) { try plan.apply(change, to: &book, by: user) }
            catch { errors.append(ImportError(file: ledger.file, line: line.line, error.message)) }
        }

        /// The customers in the order they first appear, with their lines' indexes.
        func accounts() -> [(id: String, lines: [Int])] {
            var order: [String] = [], lines: [String: [Int]] = [:]
            for (i, l) in ledger.lines.enumerated() {
                let id = customerId(l)
                if lines[id] == nil { order.append(id) }
                lines[id, default: []].append(i)
            }
            return order.map { ($0, lines[$0]!) }
        }

        mutating func assignIds() {
            var seen: [String: Int] = [:]
            seen.reserveCapacity(ledger.lines.count)
            ids = ledger.lines.map { l in
                // Entry numbers start again each fiscal year: the entry's date tells the years apart.
                // A re-export that writes `00000001` for `1`, or `ve` for `VE`, is the same entry.
                let entry = l.entry.drop { $0 == "0" }
                let base = "\(account(l.account))/\(l.aux)|\(l.journal.uppercased())|\(entry.isEmpty ? "0" : entry)|\(l.piece)|\(l.date.iso)"
                seen[base, default: 0] += 1
                return seen[base]! == 1 ? base : base + "#\(seen[base]!)"
            }
        }

        mutating func run() throws {
            for l in ledger.lines where openingJournal[l.journal] == nil { openingJournal[l.journal] = FECImport.isOpening(l) }
            assignIds()
            for inv in book.invoices.values { if let l = inv.ledgerId { invoiceByLedger[l] = inv.number } }
            let accounts = accounts()
            let fileIds = Set(ids)
            // A piece reference that several debit lines share, on one account or across accounts (the monthly
            // batch `VE  0323`), names a batch, not an invoice.
            for l in ledger.lines where l.amount.isPositive { pieces[l.piece.uppercased(), default: 0] += 1 }
            // Customers, then every account's items, then what settles them: an allocation needs its invoice.
            for a in accounts { customer(a.id, a.lines) }
            for a in accounts { items(a.id, a.lines, fileIds: fileIds) }
            for a in accounts { settle(a.id, a.lines) }
            guard errors.isEmpty else { throw ImportFailure(errors: errors) }
            facts = summarize(accounts)
            plan.finish(book)
            plan.details = details()
        }

        mutating func customer(_ id: String, _ lines: [Int]) {
            guard book.customers[id] == nil else { return }
            let first = ledger.lines[lines[0]]
            let all = ledger.lines
            let label = lines.lazy.map { all[$0] }.map { $0.aux.isEmpty ? $0.accountLabel : $0.auxLabel }.first { !$0.isEmpty }
            facts.newCustomers += 1
            apply(.upsertCustomer(customer: Customer(id: id, name: label ?? id)), line: first)
        }

        /// A new invoice number for a debit line: its piece reference when unique among the file's debit lines and
        /// free in the book, else `JournalCode-EcritureNum`, else that with the customer's id, else with a rank.
        mutating func number(journal: String, entry: String, customer: String, piece: String?) -> String {
            var candidates: [String] = []
            if let piece { candidates.append(piece) }
            candidates.append("\(journal)-\(entry)")
            // An entry with lines for several customers (an opening entry): the customer tells them apart.
            candidates.append("\(journal)-\(entry)-\(customer)")
            if foldedNumbers.isEmpty && !book.invoices.isEmpty { foldedNumbers = Set(book.invoices.keys.map { $0.lowercased() }) }
            var chosen = candidates.first { !foldedNumbers.contains($0.lowercased()) }
            var rank = 2
            while chosen == nil {
                let c = "\(journal)-\(entry)-\(rank)"
                if !foldedNumbers.contains(c.lowercased()) { chosen = c }
                rank += 1
            }
            foldedNumbers.insert(chosen!.lowercased())
            return chosen!
        }

        mutating func items(_ id: String, _ lines: [Int], fileIds: Set<String>) {
            guard let customer = book.customers[id] else { return }
            // An opening of a later year for a customer whose earlier items the book holds: matched, not added.
            let openings = lines.filter { isOpening(ledger.lines[$0]) && invoiceByLedger[ids[$0]] == nil && book.payments["FEC:" + ids[$0]] == nil }
            let openingDate = openings.map { ledger.lines[$0].date }.min()
            if let openingDate, let held = heldBalance(id, before: openingDate, excluding: fileIds) {
                restated.formUnion(openings)
                matchOpenings(id, openings, before: openingDate)
                let total = openings.reduce(Money.zero) { $0 + ledger.lines[$1].amount }
                let diff = total - held
                if !diff.isZero {
                    notes.append(tr("customer {id}: the opening of {date} says {opening}, the items held {held}: the difference {diff} is an opening item", ["id": id, "date": openingDate.french, "opening": total.formatted, "held": held.formatted, "diff": diff.formatted]))
                    let l = ledger.lines[openings[0]]
                    let key = "\(account(l.account))/\(l.aux)|opening|\(openingDate.iso)"
                    if diff.isPositive, invoiceByLedger[key] == nil {
                        var inv = Invoice(number: number(journal: l.journal, entry: "\(l.entry)-OUV", customer: id, piece: nil),
                                          customerId: id, issueDate: openingDate, dueDate: openingDate, amount: diff)
                        inv.ledgerId = key
                        invoiceByLedger[key] = inv.number
                        apply(.upsertInvoice(invoice: inv), line: l)
                    } else if diff.isNegative, book.payments["FEC:" + key] == nil {
                        var p = Payment(id: "FEC:" + key, customerId: id, date: openingDate, amount: -diff, allocations: [])
                        p.ledgerId = key
                        apply(.recordPayment(payment: p), line: l)
                    }
                }
            }
            for i in lines where !restated.contains(i) {
                let l = ledger.lines[i]
                guard l.amount.isPositive else { continue }
                if let held = invoiceByLedger[ids[i]] {
                    numberOf[i] = held
                    // The same entry again; an amount changed before the period was closed is taken.
                    if var inv = book.invoices[held], inv.amount != l.amount { inv.amount = l.amount; apply(.upsertInvoice(invoice: inv), line: l) }
                    continue
                }
                let issue = l.pieceDate.map { $0 <= l.date ? $0 : l.date } ?? l.date
                // The invoice a CSV import (or an earlier tool) brought under this piece's number, for this customer and
                // amount: this line is that invoice, which now knows its FEC line.
                if !l.piece.isEmpty, var held = book.invoices[l.piece], held.ledgerId == nil, held.customerId == id, held.amount == l.amount {
                    held.ledgerId = ids[i]
                    invoiceByLedger[ids[i]] = held.number
                    numberOf[i] = held.number
                    apply(.upsertInvoice(invoice: held), line: l)
                    continue
                }
                let due = l.dueDate ?? customer.terms.dueDate(issuedOn: issue)
                let unique = pieces[l.piece.uppercased()] == 1 && !l.piece.isEmpty && !placeholders.contains(l.piece.uppercased())
                var inv = Invoice(number: number(journal: l.journal, entry: l.entry, customer: id, piece: unique ? l.piece : nil), customerId: id, issueDate: issue, dueDate: max(due, issue), amount: l.amount)
                if l.dueDate.map({ $0 < issue }) ?? false {
                    errors.append(ImportError(file: ledger.file, line: l.line, tr("EcheanceDate {due} is before the piece's date {issue}", ["due": l.dueDate!.french, "issue": issue.french])))
                }
                inv.ledgerId = ids[i]
                invoiceByLedger[ids[i]] = inv.number
                numberOf[i] = inv.number
                apply(.upsertInvoice(invoice: inv), line: l)
            }
        }

        /// The customer's balance in the book the day before `date`, from items that are not this file's; nil when
        /// the book holds none dated before it (nothing to match an opening against).
        func heldBalance(_ id: String, before date: CalendarDate, excluding fileIds: Set<String>) -> Money? {
            let eve = date.adding(days: -1)
            var any = false, total = Money.zero
            for inv in original.invoices(of: id) where inv.issueDate <= eve && !(inv.ledgerId.map(fileIds.contains) ?? false) {
                any = true; total += original.openAmount(inv.number, asOf: eve)
            }
            for p in original.payments(of: id) where p.date <= eve && !(p.ledgerId.map(fileIds.contains) ?? false) {
                any = true
                var settled = Money.zero
                for n in Set(p.allocations.map(\.invoice)) {
                    for s in original.settlementsByInvoice[n] ?? [] where s.kind == .payment(p.id) && s.date <= eve { settled += s.amount }
                }
                total -= p.amount - settled
            }
            return any ? total : nil
        }

        /// The piece reference in a ledger id (`account/aux|journal|entry|piece|date`), upper case.
        static func piece(ofLedgerId id: String) -> String? {
            let parts = id.split(separator: "|", omittingEmptySubsequences: false)
            return parts.count >= 5 ? parts[parts.count - 2].uppercased() : nil
        }

        /// Opening debit lines that restate a held item (same piece, same open amount): lettering in the file then
        /// settles that item.
        mutating func matchOpenings(_ id: String, _ openings: [Int], before date: CalendarDate) {
            let eve = date.adding(days: -1)
            var taken = Set<String>()
            let held = original.invoices(of: id).filter { original.openAmount($0.number, asOf: eve).isPositive }
            for i in openings {
                let l = ledger.lines[i]
                guard l.amount.isPositive, !l.piece.isEmpty, !placeholders.contains(l.piece.uppercased()) else { continue }
                let piece = l.piece.uppercased()
                if let m = held.first(where: { inv in
                    !taken.contains(inv.number) && original.openAmount(inv.number, asOf: eve) == l.amount
                        && (inv.number.uppercased() == piece || inv.ledgerId.map { Self.piece(ofLedgerId: $0) == piece } == true)
                }) {
                    taken.insert(m.number); numberOf[i] = m.number; facts.openingMatched += 1
                }
            }
        }

        mutating func settle(_ id: String, _ lines: [Int]) {
            var groups: [String: [Int]] = [:], order: [String] = []
            var unlettered: [Int] = []
            for i in lines {
                let l = ledger.lines[i]
                if l.letter.isEmpty { if l.amount.isNegative { unlettered.append(i) }; continue }
                if groups[l.letter] == nil { order.append(l.letter) }
                groups[l.letter, default: []].append(i)
            }
            var pool: [(index: Int, payment: String)] = []
            for letter in order {
                let members = groups[letter]!
                let all = members.map { ledger.lines[$0] }
                let date = all.compactMap(\.letterDate).max() ?? all.map(\.date).max()!
                let balance = all.reduce(Money.zero) { $0 + $1.amount }
                // Credits pay the group's items newest first, so what a group leaves open is on its oldest item.
                let debits = members.filter { ledger.lines[$0].amount.isPositive && numberOf[$0] != nil }
                    .sorted { (ledger.lines[$0].date, $0) > (ledger.lines[$1].date, $1) }
                var open: [String: Money] = [:]
                for d in debits { open[numberOf[d]!] = book.openAmount(numberOf[d]!) }
                let credits = members.filter { ledger.lines[$0].amount.isNegative }.sorted { (ledger.lines[$0].date, $0) > (ledger.lines[$1].date, $1) }
                for c in credits {
                    let l = ledger.lines[c]
                    guard let pid = payment(c, id) else { continue }
                    var remaining = book.payments[pid].map(\.unallocated) ?? -l.amount
                    var allocations: [Allocation] = []
                    for d in debits where remaining.isPositive {
                        let n = numberOf[d]!
                        let take = min(open[n] ?? .zero, remaining)
                        guard take.isPositive else { continue }
                        allocations.append(Allocation(invoice: n, amount: take, date: date > l.date ? date : nil))
                        open[n]! -= take; remaining -= take
                    }
                    record(c, id, pid, allocations)
                    // A credit the group's items do not take (they lie in an earlier year, carried by an opening
                    // balance line; or an earlier import's oldest-first lettering settled them) letters the oldest
                    // open items with the unlettered credits.
                    if remaining.isPositive { pool.append((c, pid)) }
                }
                facts.letterGroups += 1
                if !balance.isZero {
                    facts.unbalancedGroups += 1
                    let oldest = members.filter { ledger.lines[$0].amount.isPositive }.min { (ledger.lines[$0].date, $0) < (ledger.lines[$1].date, $1) }
                    if balance.isPositive {
                        unbalancedNotes.append(tr("customer {id}: letter {letter} does not balance in the file: {amount} left open, on its oldest items from {item}", ["id": id, "letter": letter, "amount": balance.formatted, "item": oldest.flatMap { numberOf[$0] } ?? "—"]))
                    } else {
                        unbalancedNotes.append(tr("customer {id}: letter {letter} does not balance in the file: {amount} more credit than debit, lettered to the oldest open items", ["id": id, "letter": letter, "amount": (-balance).formatted]))
                    }
                }
            }
            // Unlettered credits, oldest first, letter the oldest open items (as CSV payments do).
            let rest = unlettered.sorted { (ledger.lines[$0].date, $0) < (ledger.lines[$1].date, $1) }
            for c in rest { if let pid = payment(c, id) { record(c, id, pid, nil) } }
            for (c, pid) in pool { record(c, id, pid, nil) }
        }

        /// The payment a credit line is (nil: an opening line restating held items).
        func payment(_ i: Int, _ id: String) -> String? { restated.contains(i) ? nil : "FEC:" + ids[i] }

        /// Records the credit line `i` as payment `pid` (new), or adds allocations to it (held): given ones, or the
        /// oldest open items' when nil.
        mutating func record(_ i: Int, _ id: String, _ pid: String, _ given: [Allocation]?) {
            let l = ledger.lines[i]
            if let held = book.payments[pid] {
                guard held.unallocated.isPositive else { return }
                let allocations = given ?? Lettering.allocate(book: book, customerId: id, amount: held.unallocated, invoiceNumber: nil, reference: nil)
                if !allocations.isEmpty { apply(.allocateCredit(paymentId: pid, allocations: allocations), line: l) }
                return
            }
            let amount = -l.amount
            let allocations = given ?? Lettering.allocate(book: book, customerId: id, amount: amount, invoiceNumber: nil, reference: nil)
            var p = Payment(id: pid, customerId: id, date: l.date, amount: amount, reference: l.piece.isEmpty ? nil : l.piece, allocations: allocations)
            p.ledgerId = ids[i]
            if !ledger.bankJournals.contains(l.journal) && !isOpening(l) { p.creditNote = true }
            apply(.recordPayment(payment: p), line: l)
        }

        func summarize(_ accounts: [(id: String, lines: [Int])]) -> Facts {
            var f = facts
            f.customers = accounts.count
            f.customerLines = ledger.lines.count
            f.letteredLines = ledger.lines.filter { !$0.letter.isEmpty }.count
            f.unletteredLines = f.customerLines - f.letteredLines
            f.customersWithUnlettered = accounts.filter { $0.lines.contains { ledger.lines[$0].letter.isEmpty } }.count
            f.otherAccountLines = ledger.otherAccountLines
            f.zeroLines = ledger.zeroLines
            f.openItems = 0; f.openTotal = .zero; f.onAccount = .zero
            for a in accounts {
                for inv in book.invoices(of: a.id) {
                    let o = book.openAmount(inv.number)
                    if o.isPositive { f.openItems += 1; f.openTotal += o }
                }
                let credit = book.unallocatedCredit(of: a.id)
                f.onAccount += credit; f.openTotal -= credit
            }
            return f
        }

        func details() -> [String] {
            let f = facts
            var out = [
                tr("customers: {count} ({new} new); lines on customer accounts: {lines}, lettered {lettered} in {groups} groups, unlettered {unlettered} on {customers} customers",
                   ["count": "\(f.customers)", "new": "\(f.newCustomers)", "lines": "\(f.customerLines)", "lettered": "\(f.letteredLines)", "groups": "\(f.letterGroups)", "unlettered": "\(f.unletteredLines)", "customers": "\(f.customersWithUnlettered)"]),
                tr("these customers' open items: {count}, open total {total} (their accounts' debit − credit{onAccount})",
                   ["count": "\(f.openItems)", "total": f.openTotal.formatted, "onAccount": f.onAccount.isZero ? "" : tr(", with {amount} on account", ["amount": f.onAccount.formatted])]),
                tr("letter groups that do not balance in the file: {count}", ["count": "\(f.unbalancedGroups)"]),
                tr("lines ignored: {other} on other accounts, {zero} zero lines", ["other": "\(f.otherAccountLines)", "zero": "\(f.zeroLines)"]),
            ]
            if f.openingMatched > 0 { out.append(tr("opening lines matched to items already held: {count}", ["count": "\(f.openingMatched)"])) }
            out.append(ledger.hasDueDates ? tr("due dates: the file's EcheanceDate") : tr("due dates: from each customer's payment terms (30 days when unknown)"))
            for n in unbalancedNotes.prefix(shownNotes) + notes.prefix(shownNotes) { out.append("  " + n) }
            let hidden = max(0, unbalancedNotes.count - shownNotes) + max(0, notes.count - shownNotes)
            if hidden > 0 { out.append(tr("  ... and {count} more", ["count": "\(hidden)"])) }
            return ledger.notes.map { tr("note: {note}", ["note": $0]) } + out
        }
    }
}
