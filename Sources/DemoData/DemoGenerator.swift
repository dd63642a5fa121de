import Foundation
import Receivables

/// Builds a realistic, deterministic demo book: French SME customers, six months of invoices with a few
/// large and many small, payments (mostly on time, some late, some never), disputes, promises kept and
/// broken, call history, 3 collectors, 1 supervisor and 2 salespeople.
///
/// Every record goes through `Book.apply`, so the demo obeys the same rules as real data.
public struct DemoGenerator {
    public var customers: Int
    public var seed: UInt64
    public var today: CalendarDate
    public var invoicesPerCustomer: ClosedRange<Int> = 8...12

    public init(customers: Int = 200, seed: UInt64 = 1, today: CalendarDate) {
        self.customers = customers; self.seed = seed; self.today = today
    }

    /// The changes that build the demo book, in order (users, customers, invoices, events, payments).
    public func changes() throws -> [Change] {
        let names = try DemoNames.load()
        var rng = SeededRandom(seed: seed)
        var out: [Change] = []
        var users: [User] = []
        for c in names.collectors { users.append(User(id: c[0], name: c[1], role: .collector)) }
        for s in names.supervisors { users.append(User(id: s[0], name: s[1], role: .supervisor)) }
        for s in names.salespeople { users.append(User(id: s[0], name: s[1], role: .salesperson)) }
        out += users.map { .upsertUser(user: $0) }
        let collectors = names.collectors.map { $0[0] }, sales = names.salespeople.map { $0[0] }

        var book = Book()
        var usedNames = Set<String>()
        var payments: [Change] = []
        var events: [Change] = []
        var counter = 0
        var fullyPaid = Set<String>()
        var paidSoFar: [String: Money] = [:]
        func nextId(_ prefix: String) -> String { counter += 1; return "\(prefix)-\(String(format: "%05d", counter))" }

        for k in 0..<customers {
            let city = rng.pick(names.cities)
            var name = "\(rng.pick(names.companyStems)) \(rng.pick(names.legalForms))"
            if usedNames.contains(name) { name += " \(city[1])" }
            if usedNames.contains(name) { name += " \(k)" }
            usedNames.insert(name)
            let contacts = (0..<rng.int(1...2)).map { _ in
                let first = rng.pick(names.firstNames), last = rng.pick(names.lastNames)
                // A third of the customers have no e-mail address (their reminders go by post), chosen without a
                // draw so the rest of the demo stays as it was. Addresses are under `.example` (RFC 2606): a demo
                // store's e-mails never reach anyone, whatever mail command is set.
                let email = k % 3 == 2 ? nil : "\(ascii(first)).\(ascii(last))@\(ascii(name.split(separator: " ").first.map(String.init) ?? "client")).example".lowercased()
                return Contact(name: "\(first) \(last)", role: rng.pick(names.roles), phone: phone(&rng), email: email)
            }
            let billing = Address(street: "\(rng.int(1...180)) \(rng.pick(names.streets))", postalCode: city[0], city: city[1])
            var sites: [Address] = []
            if rng.chance(30) {
                let other = rng.pick(names.cities)
                sites.append(Address(label: "Entrepôt", street: "ZI \(rng.pick(names.streets))", postalCode: other[0], city: other[1]))
            }
            let size = rng.pick([1, 1, 1, 2, 2, 3, 5])
            let customer = Customer(id: String(format: "C%04d", k + 1), name: name, siren: siren(&rng), billingAddress: billing,
                                    deliverySites: sites, contacts: contacts, collector: collectors[k % collectors.count],
                                    salesperson: sales[k % sales.count], paymentTermsDays: rng.pick([30, 30, 45, 60]),
                                    creditLimit: Money(euros: Int64(rng.pick([10, 20, 30, 50, 80, 150]) * 1000 * size)))
            out.append(.upsertCustomer(customer: customer))
            try book.apply(.upsertCustomer(customer: customer))
            // Payer profile: 0 good, 1 slow, 2 bad.
            let profile = rng.int(1...100) <= 60 ? 0 : rng.int(1...100) <= 70 ? 1 : 2
            var customerInvoices: [Invoice] = []
            for _ in 0..<rng.int(invoicesPerCustomer) {
                let issue = today.adding(days: -rng.int(0...180))
                let roll = rng.int(1...100)
                let euros = roll <= 70 ? rng.int(150...3_000) : roll <= 92 ? rng.int(3_000...12_000) : rng.int(12_000...60_000)
                let amount = Money(cents: Int64(euros * size) * 100 + Int64(rng.int(0...99)))
                let inv = Invoice(number: String(format: "F%02d-%06d", issue.year % 100, 0) , customerId: customer.id, issueDate: issue,
                                  dueDate: issue.adding(days: customer.paymentTermsDays), amount: amount,
                                  poNumber: rng.chance(70) ? "PO-\(rng.int(10_000...99_999))" : nil,
                                  deliverySite: sites.first.map { _ in "Entrepôt" })
                customerInvoices.append(inv)
            }
            customerInvoices.sort { $0.issueDate < $1.issueDate }
            for i in customerInvoices.indices {
                counter += 1
                customerInvoices[i].number = String(format: "F%02d-%06d", customerInvoices[i].issueDate.year % 100, counter)
            }
            for inv in customerInvoices {
                out.append(.upsertInvoice(invoice: inv))
                try book.apply(.upsertInvoice(invoice: inv))
                // When (and whether) it gets paid.
                let delay: Int? = switch profile {
                case 0: rng.chance(95) ? rng.int(-5...3) : rng.int(5...20)
                case 1: rng.chance(85) ? rng.int(0...35) : nil
                default: rng.chance(50) ? rng.int(15...90) : nil
                }
                if let d = delay, inv.dueDate.adding(days: d) < today {
                    let date = max(inv.issueDate.adding(days: 1), inv.dueDate.adding(days: d))
                    let partial = profile > 0 && rng.chance(10)
                    let paid = partial ? inv.amount.scaled(by: 1, over: 2) : inv.amount
                    if !partial { fullyPaid.insert(inv.number) }
                    paidSoFar[inv.number] = paid
                    payments.append(.recordPayment(payment: Payment(id: nextId("VIR"), customerId: customer.id, date: date, amount: paid,
                        reference: "VIR \(customer.name.prefix(12).uppercased()) \(inv.number)", allocations: [.init(invoice: inv.number, amount: paid)])))
                }
            }
            // Events need the open items as they are before the later payments.
            let unpaid = customerInvoices.map(\.number).filter { !fullyPaid.contains($0) }.compactMap { book.invoices[$0] }
            let overdue = unpaid.filter { $0.dueDate < today }.sorted { $0.amount > $1.amount }
            if let first = overdue.first, rng.chance(profile == 0 ? 3 : 12) {
                let reason = rng.pick(book.reasons.reasons)
                let opened = today.adding(days: -rng.int(3...40))
                let d = Dispute(id: nextId("LIT"), customerId: customer.id,
                    lines: [.init(invoice: first.number, amount: rng.chance(60) ? first.amount : first.amount.scaled(by: 1, over: 3))],
                    reasonCode: reason.code, ownerDepartment: reason.owner, openedOn: opened,
                    followUpDate: today.adding(days: rng.int(-3...10)), note: "Signalé par \(contacts[0].name)", user: customer.collector!)
                events.append(.openDispute(dispute: d))
                events.append(.logActivity(activity: Activity(id: nextId("ACT"), at: "\(opened.iso)T10:15:00Z", date: opened, user: customer.collector!,
                    customerId: customer.id, invoices: d.invoices, channel: .phone, outcome: .disputed, contact: contacts[0].name,
                    event: .dispute(reason: reason.code, amount: d.amount))))   // codes and values, worded by each reader
            }
            if overdue.count >= 2, rng.chance(profile == 2 ? 30 : 12) {
                let item = overdue[1]
                let made = today.adding(days: -rng.int(12...25))
                let promisedDate = rng.chance(50) ? today.adding(days: -rng.int(5...9)) : today.adding(days: rng.int(0...10))
                let due = item.amount - (paidSoFar[item.number] ?? .zero)
                let p = Promise(id: nextId("PRM"), customerId: customer.id, invoices: [item.number], amount: due,
                                promisedDate: max(made, promisedDate), madeOn: made, contact: contacts[0].name, user: customer.collector!)
                events.append(.makePromise(promise: p, supersedes: []))
                events.append(.logActivity(activity: Activity(id: nextId("ACT"), at: "\(made.iso)T11:30:00Z", date: made, user: customer.collector!,
                    customerId: customer.id, invoices: p.invoices, channel: .phone, outcome: .promised, contact: contacts[0].name,
                    event: .promise(amount: p.amount, date: p.promisedDate, replaced: []))))
                if promisedDate < today, rng.chance(40) {  // kept
                    payments.append(.recordPayment(payment: Payment(id: nextId("VIR"), customerId: customer.id, date: promisedDate,
                        amount: due, reference: "Règlement \(item.number)", allocations: [.init(invoice: item.number, amount: due)])))
                }
            }
            if !overdue.isEmpty, rng.chance(60) {
                let date = today.adding(days: -rng.int(2...30))
                let outcome = rng.pick(Activity.Outcome.callForm.filter { $0 != .promised && $0 != .disputed })
                events.append(.logActivity(activity: Activity(id: nextId("ACT"), at: "\(date.iso)T09:\(String(format: "%02d", rng.int(0...59))):00Z",
                    date: date, user: customer.collector!, customerId: customer.id, invoices: [overdue[0].number], channel: .phone,
                    outcome: outcome, contact: contacts[0].name,
                    nextActionDate: rng.chance(30) ? today.adding(days: rng.int(-2...7)) : nil)))
            }
        }
        return out + events + payments.sorted { pDate($0) < pDate($1) }
    }

    /// The demo book, built by applying `changes()`.
    public func book() throws -> Book {
        var book = Book()
        for c in try changes() { try book.apply(c) }
        return book
    }

    private func pDate(_ c: Change) -> CalendarDate {
        if case .recordPayment(let p) = c { return p.date }
        return today
    }

    private func phone(_ rng: inout SeededRandom) -> String {
        "0\(rng.int(1...5)) " + (0..<4).map { _ in String(format: "%02d", rng.int(0...99)) }.joined(separator: " ")
    }

    /// A SIREN with a valid Luhn check digit.
    private func siren(_ rng: inout SeededRandom) -> String {
        var digits = (0..<8).map { _ in rng.int(0...9) }
        digits[0] = rng.int(3...9)
        for check in 0...9 {
            let all = digits + [check]
            let sum = all.enumerated().reduce(0) { s, e in
                let v = e.offset % 2 == 1 ? e.element * 2 : e.element
                return s + (v > 9 ? v - 9 : v)
            }
            if sum % 10 == 0 { digits.append(check); break }
        }
        return digits.map(String.init).joined()
    }

    private func ascii(_ s: String) -> String {
        s.folding(options: [.diacriticInsensitive], locale: nil).filter { $0.isLetter && $0.isASCII }
    }
}
