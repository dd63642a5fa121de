import Receivables
import TerminalKit

/// The forms' fields, defaults, rules and the change each one saves.
extension FormScreen {
    static func invoiceField(_ session: Session, _ customerId: String, label: String = "Invoices") -> FormField {
        let book = session.book
        let list = book.openInvoices(of: customerId).map { inv in
            FormField.InvoiceChoice(number: inv.number, dueDate: inv.dueDate, open: book.openAmount(inv.number),
                                    daysPastDue: inv.dueDate.days(until: session.today))
        }.sorted { $0.open != $1.open ? $0.open > $1.open : $0.dueDate < $1.dueDate }
        return FormField(id: .invoices, label: label, kind: .invoices(list))
    }

    static func defaultContact(_ session: Session, _ customerId: String) -> String {
        session.book.customers[customerId]?.contacts.first?.name ?? ""
    }

    public static func call(customerId: String, session: Session) -> FormScreen {
        let outcomes = Activity.Outcome.callForm.map { FormField.Choice($0.rawValue, $0.label) }
        return FormScreen(kind: .call, customerId: customerId, session: session, fields: [
            FormField(id: .contact, label: "Contact", kind: .text, text: defaultContact(session, customerId)),
            FormField(id: .outcome, label: "Outcome", kind: .choice(outcomes)),
            FormField(id: .note, label: "Note", kind: .text, optional: true),
            FormField(id: .next, label: "Next action", kind: .date, text: session.today.adding(days: 7).iso, optional: true),
        ])
    }

    /// Nothing is ticked until an amount is typed; then the oldest items are ticked until they reach it, the last in
    /// part (issue 16: the form ticked every overdue item and a small promise held them all whole).
    public static func promise(customerId: String, session: Session) -> FormScreen {
        let invoices = invoiceField(session, customerId)
        var form = FormScreen(kind: .promise, customerId: customerId, session: session, fields: [
            invoices,
            FormField(id: .amount, label: "Amount", kind: .amount),
            FormField(id: .date, label: "Promised date", kind: .date, text: session.today.adding(days: 7).iso),
            FormField(id: .contact, label: "Contact", kind: .text, text: defaultContact(session, customerId)),
            FormField(id: .note, label: "Note", kind: .text, optional: true),
        ])
        form.followDefaults(session: session)
        return form
    }

    public static func dispute(customerId: String, invoice: String?, session: Session) -> FormScreen {
        var invoices = invoiceField(session, customerId, label: "Disputed invoices")
        if let n = invoice { invoices.picked = [n]; invoices.listCursor = invoices.invoiceChoices.firstIndex { $0.number == n } ?? 0 }
        let reasons = session.book.reasons.reasons.map { FormField.Choice($0.code, "\($0.code) — \($0.fr)") }
        let departments = Dispute.departments.map { FormField.Choice($0, $0) }
        var form = FormScreen(kind: .dispute, customerId: customerId, session: session, fields: [
            invoices,
            FormField(id: .reason, label: "Reason", kind: .choice(reasons)),
            FormField(id: .amount, label: "Disputed amount", kind: .amount),
            FormField(id: .owner, label: "Owner department", kind: .choice(departments)),
            FormField(id: .followup, label: "Follow-up date", kind: .date, text: session.today.adding(days: 7).iso),
            FormField(id: .note, label: "Note", kind: .text, optional: true),
        ])
        form.followDefaults(session: session)
        return form
    }

    /// Moves a dispute on: in progress, resolved by a credit note, claim rejected, withdrawn.
    public static func disputeUpdate(customerId: String, invoice: String?, session: Session) -> FormScreen {
        let book = session.book
        let active = book.activeDisputes(of: customerId)
        let choices = active.map { d in
            FormField.Choice(d.id, "\(d.reasonCode) \(d.amount.formatted) on \(d.invoices.joined(separator: ", ")) · \(d.age(at: session.today)) d")
        }
        var dispute = FormField(id: .dispute, label: "Dispute", kind: .choice(choices))
        if let n = invoice, let i = active.firstIndex(where: { $0.invoices.contains(n) }) { dispute.choice = i }
        let statuses: [Dispute.Status] = [.inProgress, .resolvedCreditNote, .resolvedRejected, .withdrawn]
        return FormScreen(kind: .disputeUpdate, customerId: customerId, session: session, fields: [
            dispute,
            FormField(id: .status, label: "New status", kind: .choice(statuses.map { .init($0.rawValue, $0.label) })),
            FormField(id: .credit, label: "Credit note amount", kind: .amount, optional: true),
            FormField(id: .creditNumber, label: "Credit note number", kind: .text, optional: true),
            FormField(id: .creditDate, label: "Credit note date", kind: .date, text: session.today.iso, optional: true),
            FormField(id: .followup, label: "Follow-up date", kind: .date, text: session.today.adding(days: 7).iso, optional: true),
            FormField(id: .note, label: "Note", kind: .text, optional: true),
        ])
    }

    public static func plan(customerId: String, session: Session) -> FormScreen {
        var invoices = invoiceField(session, customerId, label: "Invoices")
        // Disputed amounts stay out of a plan by default (they may be credited); ticking them is the user's choice.
        // Items already in an active plan are never ticked (a second plan on them is refused).
        let planned = Set(session.book.activePlans(of: customerId, asOf: session.today).flatMap(\.invoices))
        invoices.picked = Set(invoices.invoiceChoices.map(\.number).filter { session.book.disputedAmount($0).isZero && !planned.contains($0) })
        var form = FormScreen(kind: .plan, customerId: customerId, session: session, fields: [
            invoices,
            FormField(id: .down, label: "Down payment", kind: .amount),
            FormField(id: .downDate, label: "Down payment date", kind: .date, text: session.today.iso),
            FormField(id: .count, label: "Instalments", kind: .number, text: "3"),
            FormField(id: .period, label: "Period", kind: .choice(PlanBuilder.Period.allCases.map { .init($0.rawValue, $0.rawValue) })),
            FormField(id: .first, label: "First instalment", kind: .date, text: session.today.adding(months: 1).iso),
        ])
        form.fields[form.index(.period)].choice = 1   // monthly
        form.followDefaults(session: session)
        return form
    }

    public static func note(customerId: String, session: Session) -> FormScreen {
        FormScreen(kind: .note, customerId: customerId, session: session, fields: [
            FormField(id: .note, label: "Field note", kind: .text),
        ])
    }

    public static func waiver(customerId: String, invoice: String, session: Session) -> FormScreen {
        FormScreen(kind: .waiver, customerId: customerId, session: session, fields: [
            FormField(id: .invoice, label: "Invoice", kind: .choice([.init(invoice, invoice)])),
            FormField(id: .reason, label: "Why waive", kind: .text),
        ])
    }

    /// The litigation review's decision (issue 10): the items it covers (those due for review ticked), the outcome,
    /// a reason (required to write off), the date of the next review when going back to amicable follow-up.
    public static func litigation(customerId: String, session: Session) -> FormScreen {
        let book = session.book
        var invoices = invoiceField(session, customerId, label: "Invoices")
        invoices.picked = Set(invoices.invoiceChoices.map(\.number).filter { book.isDueForReview($0, at: session.today) })
        // Only the items due for review are ticked; others may be ticked by hand (a customer in liquidation is
        // handed over without waiting for the ladder), with a confirmation.
        let outcomes = LitigationDecision.Outcome.allCases.map { FormField.Choice($0.rawValue, $0.label) }
        return FormScreen(kind: .litigation, customerId: customerId, session: session, fields: [
            invoices,
            FormField(id: .outcome, label: "Decision", kind: .choice(outcomes)),
            FormField(id: .reason, label: "Reason", kind: .text, optional: true),
            FormField(id: .date, label: "Review again on", kind: .date, text: session.today.adding(days: 30).iso, optional: true),
            FormField(id: .note, label: "Note", kind: .text, optional: true),
        ])
    }

    /// Defaults that follow other fields until the user types in them (amount = sum of ticked invoices).
    mutating func followDefaults(session: Session) {
        switch kind {
        case .promise:
            // The ticks follow the amount until the user ticks by hand.
            let i = index(.invoices)
            guard !fields[i].edited else { break }
            // Never an item in a plan (refused), disputed or in litigation (the money is meant for what is owed).
            let book = session.book
            let planned = Set(book.activePlans(of: customerId, asOf: session.today).flatMap(\.invoices))
            let eligible = fields[i].invoiceChoices.filter { !planned.contains($0.number) && book.disputedAmount($0.number).isZero && !book.isInLitigation($0.number) }
            fields[i].picked = Set(Self.oldestFirst(eligible, reaching: field(.amount).money ?? .zero).map(\.number))
            if !fields[i].picked.isEmpty { fields[i].error = nil }
        case .dispute:
            let i = index(.amount)
            // What is not yet disputed on the ticked items: the most the book takes.
            let free = field(.invoices).pickedInvoices.reduce(Money.zero) { $0 + session.book.openAmount($1) - session.book.disputedAmount($1) }
            if !fields[i].edited { fields[i].set(free.formatted(symbol: false)) }
            if kind == .dispute, !fields[index(.owner)].edited, let code = field(.reason).selectedChoice,
               let owner = session.book.reasons.reason(code)?.owner {
                let o = index(.owner)
                if let k = fields[o].choices.firstIndex(where: { owner.hasPrefix($0.value) }) { fields[o].choice = k }
            }
        case .plan:
            let i = index(.down)
            if !fields[i].edited {
                // 25 %: the middle of the policy's 20-30 % range.
                let total = field(.invoices).pickedTotal
                let pct = (session.book.policy.downPaymentPercent.min + session.book.policy.downPaymentPercent.max) / 2
                fields[i].set(total.scaled(by: Int64(pct), over: 100).formatted(symbol: false))
            }
        default: break
        }
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
    func promiseCovers(_ amount: Money) -> [Allocation] {
        let picked = field(.invoices).invoiceChoices.filter { field(.invoices).picked.contains($0.number) }
            .sorted { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) }
        return Promise.covers(amount, over: picked.map { ($0.number, $0.open) })
    }

    /// Rules across fields, with the message placed on the field to correct.
    mutating func crossFieldRules(book: Book, session: Session) {
        func fail(_ id: FieldID, _ message: String) { fields[index(id)].error = message }
        let today = session.today
        // The book's rules, each written once (`Rules`), their problems put on the field they concern.
        func future(_ id: FieldID) {
            if let d = field(id).date, let p = Rules.future(d, today: today, policy: book.policy) { fail(id, p.message) }
        }
        switch kind {
        case .call:
            future(.next)
        case .promise:
            if field(.invoices).picked.isEmpty, field(.amount).money != nil { fail(.invoices, "tick the invoices the promise is for") }
            if let a = field(.amount).money, a.isPositive, !field(.invoices).picked.isEmpty {
                let covered = Set(promiseCovers(a).map(\.invoice))
                let idle = field(.invoices).pickedInvoices.filter { !covered.contains($0) }
                if let n = idle.first { fail(.invoices, "\(n) gets nothing of \(a.formatted) (the oldest come first): untick it or raise the amount") }
            }
            if let a = field(.amount).money, let p = Rules.withinOpen(a, on: field(.invoices).pickedInvoices, in: book) { fail(.amount, p.message) }
            future(.date)
        case .dispute:
            // Less what is already disputed, as the book counts it (the form compared with the open amount only).
            if let a = field(.amount).money, let p = Rules.withinOpen(a, on: field(.invoices).pickedInvoices, in: book, lessDisputed: true) {
                fail(.amount, p.message)
            }
            future(.followup)
        case .plan:
            do { _ = try schedule(session: session) } catch { fail(.down, error.message) }
        case .disputeUpdate:
            let status = Dispute.Status(rawValue: field(.status).selectedChoice ?? "")
            let credit = field(.credit).money
            let d = book.disputes[field(.dispute).selectedChoice ?? ""]
            if status == .resolvedCreditNote {
                if credit == nil { fail(.credit, "required with a credit note resolution") }
                else if let c = credit, let d, c > d.amount { fail(.credit, "\(c.formatted) is more than the \(d.amount.formatted) disputed") }
                else if let c = credit, !c.isPositive { fail(.credit, "must be above zero") }
                if let d = field(.creditDate).date, d > today { fail(.creditDate, "\(d.french) is still to come: a credit note is dated when issued") }
                // Its number is how the accounts find it; its date is no earlier than the dispute it settles.
                if field(.creditNumber).text.trimmed.isEmpty { fail(.creditNumber, "the credit note's number (as in the accounts, e.g. AV-2026-0042)") }
                if let dd = d, let c = field(.creditDate).date, c < dd.openedOn { fail(.creditDate, "\(c.french) is before the dispute was opened (\(dd.openedOn.french))") }
            } else if credit != nil {
                fail(.credit, "a credit note goes with the status 'resolved: credit note'")
            }
            if status != .inProgress, field(.note).text.trimmed.isEmpty { fail(.note, "say how it was resolved") }
            future(.followup)
        case .litigation:
            let outcome = LitigationDecision.Outcome(rawValue: field(.outcome).selectedChoice ?? "")
            if field(.invoices).picked.isEmpty { fail(.invoices, "tick the invoices the decision covers") }
            for n in field(.invoices).pickedInvoices where book.isInLitigation(n) {
                fail(.invoices, "\(n) is already \(book.litigation(of: n)!.outcome.label)")
            }
            for n in field(.invoices).pickedInvoices where (book.invoices[n]?.dueDate ?? today) >= today {
                fail(.invoices, "\(n) is not overdue: nothing to hand over or write off yet")
            }
            if outcome == .writeOff {
                if !session.may(.writeOff) { fail(.outcome, "only a supervisor writes items off") }
                if field(.reason).text.trimmed.isEmpty { fail(.reason, "say why the items are written off") }
            }
            if outcome == .amicable {
                if let d = field(.date).date {
                    if d <= today { fail(.date, "the next review comes after today") } else { future(.date) }
                } else { fail(.date, "the date of the next review") }
            }
        case .note, .waiver: break
        }
    }

    func schedule(session: Session) throws(DomainError) -> [PaymentPlan.Instalment] {
        guard let down = field(.down).money, let downDate = field(.downDate).date, let count = Int(field(.count).text.trimmed),
              let first = field(.first).date else { throw DomainError("complete the fields above") }
        if let p = Rules.notInPast(downDate, today: session.today) { throw DomainError("the down payment date: \(p)") }
        return try PlanBuilder.schedule(total: field(.invoices).pickedTotal, downPayment: down, downPaymentDate: downDate, count: count,
                                        period: field(.period).selectedChoice == "weekly" ? .weekly : .monthly, firstInstalment: first)
    }

    /// A question to confirm with a second save, when a rule is only advice (down payment under 20 %, a litigation
    /// decision on items that have not had their formal notice, a waiver above the policy's large-item threshold).
    /// Every question a save must have answered (F2 again), in order: the first not yet answered is asked.
    func confirmationsNeeded(session: Session) -> [String] {
        var out: [String] = []
        if kind == .plan {
            // A plan replaces the promises on its items: one that also holds items outside the plan is said first
            // (an outside attack: a plan on one item silently cancelled a promise on four).
            let picked = Set(field(.invoices).pickedInvoices)
            for p in session.book.openPromises(of: customerId, asOf: session.today) where !Set(p.invoices).isDisjoint(with: picked) {
                let outside = p.invoices.filter { !picked.contains($0) }
                guard let first = outside.first else { continue }
                out.append("The plan replaces the promise of \(p.amount.formatted), on \(first)\(outside.count > 1 ? " +\(outside.count - 1)" : "") too: F2 again")
            }
        }
        if kind == .promise {
            // A promise it replaces that also holds other invoices: said first, as for a plan (an outside attack: an
            // 8 000 € promise on two invoices went when 1 000 € was promised on one of them).
            let covered = Set(field(.amount).money.map { promiseCovers($0).map(\.invoice) } ?? [])
            for p in seenPromises.compactMap({ session.book.promises[$0] }) {
                let outside = p.invoices.filter { !covered.contains($0) }
                guard let first = outside.first, !covered.isEmpty else { continue }
                out.append("Yours replaces the promise of \(p.amount.formatted), on \(first)\(outside.count > 1 ? " +\(outside.count - 1)" : "") too: F2 again")
            }
        }
        if kind == .promise, let opened = promisesAtOpen {
            let since = seenPromises.filter { !opened.contains($0) }.compactMap { session.book.promises[$0] }
            if let p = since.first {
                // (Short enough for 80 columns: "since you opened the form" is what "just" says.)
                out.append("\(session.name(of: p.user)) just promised \(p.amount.formatted): F2 replaces it, Esc keeps it")
            }
        }
        if let q = confirmationNeeded(session: session) { out.append(q) }
        return out
    }

    func confirmationNeeded(session: Session) -> String? {
        if kind == .waiver, let n = field(.invoice).selectedChoice {
            let total = session.book.lateFees(n, asOf: session.today).total
            guard total >= session.book.policy.largeItemThreshold else { return nil }
            return "Waive \(total.formatted) of late fees on \(n)? Press F2 again to confirm"
        }
        if kind == .litigation {
            let book = session.book
            // Items not due for review (no formal notice yet, its time to pay not over, or sent back to amicable
            // follow-up until a later date): deciding early is possible, after a confirmation.
            let early = field(.invoices).pickedInvoices.filter { !book.isDueForReview($0, at: session.today) }
            guard !early.isEmpty else { return nil }
            return "\(early.joined(separator: ", ")) \(early.count == 1 ? "is" : "are") not due for review yet: press F2 again to decide anyway"
        }
        if kind == .promise, let amount = field(.amount).money {
            // A promise far below what the ticked items owe: the rest stays in dunning, said before saving.
            let total = field(.invoices).pickedTotal
            let share = session.book.policy.promiseMinShare
            if amount.times(100) < total.times(Int64(share)) {
                // Short enough for 80 columns; the help and docs say the rest stays in dunning.
                return "Only \(amount.permille(of: total) / 10) % of the \(total.formatted) ticked is promised: F2 again to save"
            }
            return nil
        }
        guard kind == .plan, let down = field(.down).money else { return nil }
        let total = field(.invoices).pickedTotal
        let range = session.book.policy.downPaymentPercent
        // Exact comparison in cents: 19.999 % is below 20 %, whatever the rounding of the figure shown.
        guard down.times(100) < total.times(Int64(range.min)) else { return nil }
        return "Down payment is \(PlanBuilder.downPaymentPercent(down, of: total)) % (policy: \(range.min)-\(range.max) %): press F2 again to continue anyway"
    }

    /// The change to save, built against `book` (the latest state, under the store's lock).
    func build(book: Book, session: Session) throws(DomainError) -> (Change, String) {
        let user = session.user.id, today = session.today, at = Timestamp.now()
        let note = fields.first { $0.id == .note }?.text.trimmed ?? ""
        func activity(_ channel: Activity.Channel, outcome: Activity.Outcome? = nil, invoices: [String] = [], text: String,
                      next: CalendarDate? = nil, contact: String? = nil) -> Change {
            .logActivity(activity: Activity(id: newId("ACT"), at: at, date: today, user: user, customerId: customerId, invoices: invoices,
                                            channel: channel, outcome: outcome, contact: contact, note: text, nextActionDate: next))
        }
        switch kind {
        case .call:
            let outcome = Activity.Outcome(rawValue: field(.outcome).selectedChoice ?? "") ?? .reached
            let contact = field(.contact).text.trimmed
            return (activity(.phone, outcome: outcome, text: note.isEmpty ? outcome.label : note, next: field(.next).date,
                             contact: contact.isEmpty ? nil : contact),
                    "call to \(customerName) (\(outcome.label))")
        case .promise:
            let amount = field(.amount).money!
            let covers = promiseCovers(amount)
            let p = Promise(id: newId("PRM"), customerId: customerId, invoices: covers.map(\.invoice), amount: amount,
                            promisedDate: field(.date).date!, madeOn: today, contact: field(.contact).text.trimmed, user: user, covers: covers)
            try book.validate(promise: p)
            let replaced = seenPromises.compactMap { book.promises[$0] }.map { "; replaces the promise of \($0.amount.formatted) for \($0.promisedDate.french)" }.joined()
            let text = "Promise of \(p.amount.formatted) for \(p.promisedDate.french) on \(p.invoices.joined(separator: ", "))" + replaced + (note.isEmpty ? "" : " — \(note)")
            // Replaces only the promises the person saw on the form (a colleague's newer one is refused by the book).
            return (.batch(changes: [.makePromise(promise: p, supersedes: seenPromises),
                                     activity(.phone, outcome: .promised, invoices: p.invoices, text: text, contact: p.contact)]),
                    "promise of \(p.amount.formatted) for \(p.promisedDate.french)")
        case .dispute:
            let code = field(.reason).selectedChoice!
            let lines = spread(field(.amount).money!, over: field(.invoices).pickedInvoices, book: book)
            let d = Dispute(id: newId("LIT"), customerId: customerId, lines: lines, reasonCode: code,
                            ownerDepartment: field(.owner).selectedChoice!, openedOn: today, followUpDate: field(.followup).date,
                            note: note, user: user)
            try book.validate(dispute: d)
            let label = book.reasons.reason(code)?.fr ?? code
            return (.batch(changes: [.openDispute(dispute: d),
                                     activity(.phone, outcome: .disputed, invoices: d.invoices,
                                              text: "Dispute \(code) (\(label)): \(d.amount.formatted)" + (note.isEmpty ? "" : " — \(note)"))]),
                    "dispute \(code) on \(d.invoices.joined(separator: ", "))")
        case .disputeUpdate:
            guard let d = book.disputes[field(.dispute).selectedChoice ?? ""], d.isActive else {
                throw DomainError("this dispute was closed meanwhile by someone else")
            }
            let status = Dispute.Status(rawValue: field(.status).selectedChoice!)!
            // A credit note is spread over the dispute's invoices in order, each up to its disputed part.
            var left = field(.credit).money ?? .zero
            var notes: [Allocation] = []
            for line in d.lines where left.isPositive {
                let take = min(left, line.amount)
                notes.append(.init(invoice: line.invoice, amount: take))
                left -= take
            }
            if left.isPositive { throw DomainError("the credit note is larger than the \(d.amount.formatted) disputed") }
            let number = field(.creditNumber).text.trimmed
            let update = DisputeUpdate(id: d.id, date: today, user: user, status: status,
                                       followUpDate: status == .inProgress ? field(.followup).date : nil,
                                       note: note.isEmpty ? nil : note, creditNotes: notes,
                                       creditNoteNumber: notes.isEmpty || number.isEmpty ? nil : number,
                                       creditNoteDate: notes.isEmpty ? nil : field(.creditDate).date)
            let text = "Dispute \(d.reasonCode) \(status.label)"
                + (notes.isEmpty ? "" : ", credit note \(number.isEmpty ? "" : number + " ")\(notes.sum(\.amount).formatted)")
                + (note.isEmpty ? "" : " — \(note)")
            return (.batch(changes: [.updateDispute(update: update), activity(.note, invoices: d.invoices, text: text)]),
                    "dispute \(d.reasonCode) \(status.label)")
        case .plan:
            throw DomainError("a plan is saved from its schedule screen")   // save() pushes ScheduleScreen
        case .note:
            return (activity(.note, text: note), "field note on \(customerName)")
        case .litigation:
            let outcome = LitigationDecision.Outcome(rawValue: field(.outcome).selectedChoice!)!
            let reason = field(.reason).text.trimmed
            let decision = LitigationDecision(id: newId("LIT"), customerId: customerId, invoices: field(.invoices).pickedInvoices, date: today,
                                              user: user, outcome: outcome, reason: reason.isEmpty ? nil : reason, note: note,
                                              reviewAgainOn: outcome == .amicable ? field(.date).date : nil)
            let text = "Litigation: \(outcome.label) — \(decision.invoices.joined(separator: ", "))" + (reason.isEmpty ? "" : "; reason: \(reason)")
                + (decision.reviewAgainOn.map { "; review again on \($0.french)" } ?? "") + (note.isEmpty ? "" : " — \(note)")
            return (.batch(changes: [.decideLitigation(decision: decision), activity(.litigationReview, invoices: decision.invoices, text: text)]),
                    "\(outcome.label): \(decision.invoices.count) invoice(s)")
        case .waiver:
            let n = field(.invoice).selectedChoice!
            let reason = field(.reason).text.trimmed
            let waived = book.lateFees(n, asOf: today).total
            return (.batch(changes: [.waiveLateFees(waiver: LateFeeWaiver(invoice: n, date: today, user: user, reason: reason)),
                                     activity(.note, invoices: [n], text: "Late fees of \(waived.formatted) waived on \(n): \(reason)")]),
                    "late fees on \(n) waived")
        }
    }

    /// A disputed amount spread over the ticked invoices, largest first, each up to what is not yet disputed.
    private func spread(_ amount: Money, over numbers: [String], book: Book) -> [Allocation] {
        var left = amount
        var out: [Allocation] = []
        for n in numbers where left.isPositive {
            let free = book.openAmount(n) - book.disputedAmount(n)
            guard free.isPositive else { continue }
            let take = min(free, left)
            out.append(.init(invoice: n, amount: take))
            left -= take
        }
        if left.isPositive, let first = numbers.first {   // more than is free: let validation say so
            out.append(.init(invoice: first, amount: left))
        }
        return out
    }

    /// After a call whose outcome was a promise or a dispute, go straight to that form.
    func afterSave(message: StatusMessage, session: Session) -> ScreenAction {
        guard kind == .call else { return .popWith(message) }
        switch field(.outcome).selectedChoice {
        case Activity.Outcome.promised.rawValue:
            return .replace(FormScreen.promise(customerId: customerId, session: session), .info("Call saved — now enter the promise"))
        case Activity.Outcome.disputed.rawValue:
            return .replace(FormScreen.dispute(customerId: customerId, invoice: nil, session: session), .info("Call saved — now code the dispute"))
        default: return .popWith(message)
        }
    }

    /// Lines under the fields: the plan's schedule preview.
    func extraLines(session: Session) -> [(String, Style)] {
        if kind == .waiver, let n = field(.invoice).selectedChoice {
            // What the waiver gives away, before it is saved (a trial user waived 5 106 € with one key).
            let fees = session.book.lateFees(n, asOf: session.today)
            return [("Waives \(fees.total.formatted)\(fees.missingRate == nil ? "" : " at least"): indemnity \(fees.indemnity.formatted), interest \(fees.knownInterest.formatted)", .bold)]
        }
        guard kind == .plan else { return [] }
        do {
            let lines = try schedule(session: session)
            let pct = PlanBuilder.downPaymentPercent(lines[0].amount, of: field(.invoices).pickedTotal)
            var out: [(String, Style)] = [("Schedule (sums to \(lines.sum(\.amount).formatted), down payment \(pct) %):", .bold)]
            let text = lines.enumerated().map { i, l in "\(i == 0 ? "down" : "#\(i)") \(l.date.short) \(l.amount.formatted)" }
            var row = ""
            for t in text {
                if TextWidth.of(row) + TextWidth.of(t) > 76 { out.append(("  " + row, .plain)); row = "" }
                row += (row.isEmpty ? "" : " · ") + t
            }
            if !row.isEmpty { out.append(("  " + row, .plain)) }
            return out
        } catch { return [("Schedule: \(error.message)", .dim)] }
    }
}
