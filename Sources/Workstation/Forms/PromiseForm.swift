import Receivables
import TerminalKit
import Wording

/// A promise to pay: an amount and a date, on the invoices it covers. Nothing is ticked until an amount is typed;
/// then the oldest eligible items are ticked until they reach it, the last in part (issue 16: the form ticked every
/// overdue item and a small promise held them all whole). It replaces the open promises it was shown on its
/// invoices, and only those.
struct PromiseForm: FormKind {
    let customerId: String
    var title: String { tr("Promise to pay") }
    /// The open promises on the ticked invoices as last shown: a new promise replaces those, and only those.
    var seenPromises: [String] = []
    /// The customer's open promises when the form was opened: one saved by a colleague since is replaced only after
    /// asking (issue 16: the second of two collectors replaced the first's promise without knowing).
    var promisesAtOpen: Set<String>?

    init(customerId: String) { self.customerId = customerId }

    static func fields(_ session: Session, _ customerId: String) -> [FormField] {
        [FormParts.invoiceField(session, customerId),
         FormField(id: .amount, label: tr("Amount", context: "field"), kind: .amount),
         FormField(id: .date, label: tr("Promised date", context: "field"), kind: .date, text: session.today.adding(days: 7).iso),
         FormField(id: .contact, label: tr("Contact", context: "field"), kind: .text, text: FormParts.defaultContact(session, customerId)),
         FormField(id: .note, label: tr("Note", context: "field"), kind: .text, optional: true)]
    }

    mutating func prepare(_ fields: Fields, session: Session) {
        let open = session.book.openPromises(of: customerId, asOf: session.today)
        if promisesAtOpen == nil { promisesAtOpen = Set(open.map(\.id)) }
        let picked = Set(fields[.invoices].pickedInvoices)
        seenPromises = open.filter { !picked.isDisjoint(with: $0.invoices) }.map(\.id)
    }

    /// The ticks follow the amount until the user ticks by hand; never an item in a plan (refused), disputed or in
    /// litigation (the money is meant for what is owed).
    mutating func followDefaults(_ fields: inout Fields, session: Session) {
        guard !fields[.invoices].edited else { return }
        let book = session.book
        let planned = Set(book.activePlans(of: customerId, asOf: session.today).flatMap(\.invoices))
        let eligible = fields[.invoices].invoiceChoices.filter { !planned.contains($0.number) && book.disputedAmount($0.number).isZero && !book.isInLitigation($0.number) }
        fields[.invoices].picked = Set(Self.oldestFirst(eligible, reaching: fields[.amount].money ?? .zero).map(\.number))
        if !fields[.invoices].picked.isEmpty { fields[.invoices].error = nil }
    }

    /// The ticks are no mistake before an amount is typed, nor while the amount is what to correct.
    func excuses(_ field: FormField, in fields: Fields) -> Bool {
        field.id == .invoices && (!field.edited || fields[.amount].formatError() != nil)
    }

    /// The items a promise of `amount` covers, oldest due date first (overdue items before those not yet due, by
    /// construction), until they reach it.
    static func oldestFirst(_ choices: [FormField.InvoiceChoice], reaching amount: Money) -> [FormField.InvoiceChoice] {
        var out: [FormField.InvoiceChoice] = []
        var total = Money.zero
        for c in choices.sorted(by: { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) }) where total < amount {
            out.append(c)
            total += c.open
        }
        return out
    }

    /// What a promise of `amount` on the ticked invoices holds of each: the oldest first, the last in part.
    static func covers(_ amount: Money, _ fields: Fields) -> [Allocation] {
        let picked = fields[.invoices].invoiceChoices.filter { fields[.invoices].picked.contains($0.number) }
            .sorted { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) }
        return Promise.covers(amount, over: picked.map { ($0.number, $0.open) })
    }

    func check(_ fields: inout Fields, book: Book, session: Session) {
        let invoices = fields[.invoices]
        if invoices.picked.isEmpty, fields[.amount].money != nil { fields.fail(.invoices, tr("tick the invoices the promise is for")) }
        if let a = fields[.amount].money, a.isPositive, !invoices.picked.isEmpty {
            let covered = Set(Self.covers(a, fields).map(\.invoice))
            if let n = invoices.pickedInvoices.first(where: { !covered.contains($0) }) {
                fields.fail(.invoices, tr("{invoice} gets nothing of {amount} (the oldest come first): untick it or raise the amount", ["invoice": n, "amount": a.formatted]))
            }
        }
        if let a = fields[.amount].money, let p = Rules.withinOpen(a, on: invoices.pickedInvoices, in: book) { fields.fail(.amount, p.message) }
        FormParts.future(.date, &fields, book: book, today: session.today)
    }

    func questions(_ fields: Fields, session: Session) -> [String] {
        var out: [String] = []
        // A promise it replaces that also holds other invoices: said first (an outside attack: an 8 000 € promise on
        // two invoices went when 1 000 € was promised on one of them).
        let covered = Set(fields[.amount].money.map { Self.covers($0, fields).map(\.invoice) } ?? [])
        for p in seenPromises.compactMap({ session.book.promises[$0] }) {
            let outside = p.invoices.filter { !covered.contains($0) }
            guard let first = outside.first, !covered.isEmpty else { continue }
            out.append(tr("Yours replaces the promise of {amount}, on {invoices} too: F2 again", ["amount": p.amount.formatted, "invoices": first + (outside.count > 1 ? " +\(outside.count - 1)" : "")]))
        }
        if let opened = promisesAtOpen, let p = seenPromises.filter({ !opened.contains($0) }).compactMap({ session.book.promises[$0] }).first {
            // (Short enough for 80 columns: "since you opened the form" is what "just" says.)
            out.append(tr("{name} just promised {amount}: F2 replaces it, Esc keeps it", ["name": session.name(of: p.user), "amount": p.amount.formatted]))
        }
        // A promise far below what the ticked items owe: the rest stays in dunning, said before saving.
        if let amount = fields[.amount].money {
            let total = fields[.invoices].pickedTotal
            if amount.times(100) < total.times(Int64(session.book.policy.promiseMinShare)) {
                out.append(tr("Only {share} % of the {total} ticked is promised: F2 again to save", ["share": "\(amount.permille(of: total) / 10)", "total": total.formatted]))
            }
        }
        return out
    }

    func build(_ fields: Fields, book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let amount = fields[.amount].money!
        let covers = Self.covers(amount, fields)
        let p = Promise(id: newId("PRM"), customerId: customerId, invoices: covers.map(\.invoice), amount: amount,
                        promisedDate: fields[.date].date!, madeOn: session.today, contact: fields[.contact].text.trimmed, user: session.user.id,
                        covers: covers)
        try book.validate(promise: p)
        let replaced = seenPromises.compactMap { book.promises[$0] }.map(ActivityEvent.Commitment.promise)
        let event = ActivityEvent.promise(amount: p.amount, date: p.promisedDate, replaced: replaced)
        // Replaces only the promises the person saw on the form (a colleague's newer one is refused by the book).
        return (.batch(changes: [.makePromise(promise: p, supersedes: seenPromises),
                                 FormParts.activity(session, customerId: customerId, .phone, outcome: .promised, invoices: p.invoices, event: event,
                                                    note: fields.note, contact: p.contact)]),
                tr("promise of {amount} for {date}", ["amount": p.amount.formatted, "date": p.promisedDate.french]))
    }

    func extraLines(_ fields: Fields, session: Session, width: Int) -> [(String, Style)] {
        let replaced = seenPromises.compactMap { session.book.promises[$0] }
        guard !replaced.isEmpty else { return [] }
        let what = replaced.map { tr("the promise of {amount} for {date}", ["amount": $0.amount.formatted, "date": $0.promisedDate.french]) + " (\(session.name(of: $0.user)))" }
        return [("⚠ " + tr("replaces {what}", ["what": what.joined(separator: tr(" and ", context: "list"))]), .dueSoon)]
    }
}
