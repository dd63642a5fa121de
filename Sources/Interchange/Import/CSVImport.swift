import TextSafety
import Foundation
import Receivables
import Wording

/// The canonical CSV files (customers, invoices, payments, users): the fallback for any accounting package, one
/// record kind per file. The FEC, which carries every kind at once, is `FECImport` beside it.
///
/// A file is all-or-nothing: every row is checked (format, then the domain rules against the book as the
/// rows before it leave it) and one bad row refuses the file with every problem listed by line. Re-importing
/// the same file changes nothing: rows are matched by customer id, invoice number or payment reference.
public enum Importer {
    public enum Kind: String, CaseIterable, Sendable { case customers, invoices, payments, users }

    public static let customerColumns = ["id", "name", "siren", "collector", "salesperson", "credit_limit", "payment_terms_days",
                                         "contact_name", "contact_phone", "contact_email", "language", "interest_rate", "payment_terms",
                                         "street", "postal_code", "city", "country", "contact_title", "kind"]
    public static let invoiceColumns = ["number", "customer_id", "issue_date", "due_date", "amount", "currency", "po_number",
                                        "dunning_level", "last_dunned", "amount_excl_vat"]
    public static let paymentColumns = ["date", "customer_id", "amount", "reference", "invoice_number"]
    public static let userColumns = ["id", "name", "role", "login", "email"]

    /// What an import would do (see `ImportPlan`).
    public typealias Plan = ImportPlan

    /// Plans the import of `data` against `book`; throws `ImportFailure` listing every bad row.
    public static func plan(_ kind: Kind, data: Data, file: String, book: Book, user: String, today: CalendarDate = .today()) throws -> Plan {
        let csv: CSVReader
        do { csv = try CSVReader(data: data, file: file) } catch let e as ImportError { throw ImportFailure(errors: [e]) }
        var scratch = book
        var errors: [ImportError] = []
        var plan = ImportPlan()
        let required: [String], optional: [String]
        switch kind {
        case .customers: required = ["id", "name"]; optional = customerColumns
        // (A due date left empty is computed from the customer's payment terms.)
        case .invoices: required = ["number", "customer_id", "issue_date", "amount"]; optional = invoiceColumns
        case .payments: required = ["date", "customer_id", "amount"]; optional = paymentColumns
        case .users: required = ["id", "name", "role"]; optional = userColumns
        }
        let columns: [String: Int]
        do { columns = try csv.columns(required: required, optional: optional, file: file) }
        catch let e as ImportError { throw ImportFailure(errors: [e]) }
        plan.ignored = csv.header.filter { !$0.isEmpty && !optional.contains($0) && !required.contains($0) }
        var seenInFile: [String: Int] = [:]
        // Tables sized once for the file's rows (its line count, an upper bound): no doubling of large tables.
        let rows = csv.lineCount
        seenInFile.reserveCapacity(rows)
        switch kind {
        case .invoices: scratch.reserveCapacity(invoices: rows)
        case .customers: scratch.reserveCapacity(customers: rows)
        default: break
        }
        // Bank references name payments whatever their case and spacing: "VIR-1" and "vir-1 " are one payment,
        // whether it came from an earlier import or was recorded otherwise.
        var byReference: [String: Payment] = [:]
        var foldedNumbers: [String: String]?   // lowercased invoice number -> the number held, built at the first new invoice
        if kind == .payments {
            for p in scratch.payments.values { if let r = p.reference { byReference[referenceKey(r)] = p } }
        }
        do {
        try csv.forEachRow { row in
            func value(_ name: String) -> String {
                guard let i = columns[name], i < row.fields.count else { return "" }
                return row.fields[i].trimmedSpaces
            }
            func fail(_ reason: String) { errors.append(ImportError(file: file, line: row.line, reason)) }
            do throws(InputError) {
                // Text free of control characters (C0, C1, DEL, bidirectional overrides): a NUL in a number or an
                // escape sequence in a name would reach every screen and letter.
                for (i, field) in row.fields.enumerated() {
                    if let bad = field.unicodeScalars.first(where: Safe.isUnsafe) {
                        let column = i < csv.header.count ? csv.header[i] : "field \(i + 1)"
                        throw InputError(tr("{column}: control character U+{code} is not allowed", ["column": column, "code": String(format: "%04X", bad.value)]))
                    }
                }
                guard row.fields.count == csv.header.count else {
                    throw InputError(row.fields.count > csv.header.count
                        ? tr("{fields} fields, the header has {header} (a separator inside an unquoted value?)", ["fields": "\(row.fields.count)", "header": "\(csv.header.count)"])
                        : tr("{fields} fields, the header has {header} (a value is missing)", ["fields": "\(row.fields.count)", "header": "\(csv.header.count)"]))
                }
                let change: Change
                let key: String
                switch kind {
                case .customers:
                    key = value("id")
                    let existing = scratch.customers[key]
                    var (c, overrides) = reconcile(try customer(value, existing: existing), existing: existing, carries: value)
                    if let old = existing, old.collector != c.collector {
                        // The day before the import the account was the old collector's (`Assignment`).
                        let until = today.adding(days: -1)
                        if (old.assignments?.last?.until).map({ $0 < until }) ?? true {
                            c.assignments = (old.assignments ?? []) + [Assignment(until: until, collector: old.collector)]
                        }
                    }
                    for o in overrides {
                        plan.overrides.append(tr("{file}:{line}: customer {id}: {field} set in Relance to {relance}, now {imported} from this file",
                            ["file": file, "line": "\(row.line)", "id": c.id, "field": o.field.label, "relance": o.old ?? "—", "imported": o.new ?? "—"]))
                    }
                    for w in Self.legalWarnings(c, policy: scratch.policy, today: today) { plan.warnings.append(tr("{file}:{line}: customer {id}: {warning}", ["file": file, "line": "\(row.line)", "id": c.id, "warning": w])) }
                    change = .upsertCustomer(customer: c)
                case .invoices:
                    key = value("number")
                    var inv = try invoice(value, terms: scratch.customers[value("customer_id")]?.terms)
                    // What the file does not carry is kept: a re-export without PO numbers never erases them.
                    if let l = inv.dunningLevel, l > 0 {
                        guard let step = scratch.policy.step(ofLevel: l) else {
                            throw InputError(tr("dunning_level {level} is not one of the policy's levels 0-{ladder}", ["level": "\(l)", "ladder": "\(scratch.policy.ladder.count)"]))
                        }
                        inv.dunningStep = step.id
                        // A written reminder after the due date: a level needs the date it was reached, after due.
                        guard let d = inv.lastDunned else { throw InputError(tr("dunning_level {level} needs last_dunned (the date of that letter)", ["level": "\(l)"])) }
                        guard d > inv.dueDate else { throw InputError(tr("dunning_level {level} on {date} is not after the due date {due}", ["level": "\(l)", "date": d.french, "due": inv.dueDate.french])) }
                    }
                    if let d = inv.lastDunned, d > today { throw InputError(tr("last_dunned {date} is in the future", ["date": d.french])) }
                    // Invoice numbers are unique whatever their case: `f26-000001` beside `F26-000001` was counted twice.
                    if scratch.invoices[key] == nil {
                        if foldedNumbers == nil { foldedNumbers = Dictionary(scratch.invoices.keys.map { ($0.lowercased(), $0) }, uniquingKeysWith: min) }
                        if let other = foldedNumbers?[key.lowercased()] {
                            throw InputError(tr("invoice {key} is already {other} (invoice numbers are unique whatever their case)", ["key": "\(key)", "other": "\(other)"]))
                        }
                        foldedNumbers?[key.lowercased()] = key
                    }
                    if let old = scratch.invoices[key] {
                        if columns["po_number"] == nil { inv.poNumber = old.poNumber }
                        if columns["amount_excl_vat"] == nil { inv.amountExclVat = old.amountExclVat }
                        inv.deliverySite = old.deliverySite
                        // A level never goes back: an older export cannot undo the letters sent since.
                        if old.level >= inv.level { inv.dunningLevel = old.dunningLevel; inv.dunningStep = old.dunningStep }
                        if let l = old.lastDunned { inv.lastDunned = max(l, inv.lastDunned ?? l) }
                    }
                    change = .upsertInvoice(invoice: inv)
                case .users:
                    key = value("id")
                    change = .upsertUser(user: try Importer.user(value, existing: scratch.users[key]))
                case .payments:
                    let p = try payment(value, book: scratch, occurrence: &seenInFile)
                    // A payment is recorded once received: one dated ahead took the account off the agenda while the
                    // aged balance ignored it (as future last_dunned dates are refused).
                    if p.date > today { throw InputError(tr("date {date} is after today ({today}): a payment is recorded once received", ["date": p.date.french, "today": today.french])) }
                    key = p.id
                    change = .recordPayment(payment: p)
                    if let old = scratch.payments[p.id] ?? p.reference.flatMap({ byReference[referenceKey($0)] }) {
                        // Already recorded: the same payment again changes nothing; other data under the same
                        // reference (another customer, amount, date, or invoice asked for) is refused, never dropped.
                        guard old.customerId == p.customerId, old.amount == p.amount, old.date == p.date else {
                            throw InputError(tr("reference {reference} was already imported for {customer}, {amount} on {date}; this row says {customer2}, {amount2} on {date2}", ["reference": p.reference ?? p.id, "customer": old.customerId, "amount": old.amount.formatted, "date": old.date.french, "customer2": p.customerId, "amount2": p.amount.formatted, "date2": p.date.french]))
                        }
                        let asked = value("invoice_number")
                        guard asked.isEmpty || old.allocations.contains(where: { $0.invoice == asked }) else {
                            throw InputError(tr("reference {reference} was already imported, allocated to {allocations}; this row asks for {asked}", ["reference": "\(p.reference ?? p.id)", "allocations": old.allocations.map(\.invoice).joined(separator: ", ").nilIfEmpty ?? tr("no invoice"), "asked": "\(asked)"]))
                        }
                        plan.unchanged += 1; return
                    }
                    if let r = p.reference { byReference[referenceKey(r)] = p }
                    plan.onAccount += p.unallocated
                }
                if kind != .payments, let n = seenInFile[key] { throw InputError(tr("{key} already appears on line {n}", ["key": "\(key)", "n": "\(n)"])) }
                seenInFile[key] = row.line
                try plan.apply(change, to: &scratch, by: user)
            } catch { fail(error.message) }
        }
        } catch let e as ImportError { errors.append(e) }
        guard errors.isEmpty else { throw ImportFailure(errors: errors) }
        plan.finish(scratch)
        return plan
    }

    /// A row of `id,name,role,login,email`; an existing user keeps what the row leaves empty.
    static func user(_ value: (String) -> String, existing: User?) throws(InputError) -> User {
        let id = try required(value("id"), "id")
        guard let role = User.Role(rawValue: value("role").lowercased()) else {
            throw InputError(tr("role '{value}' is not one of {allCases}", ["value": "\(value("role"))", "allCases": "\(User.Role.allCases.map(\.rawValue).joined(separator: ", "))"]))
        }
        var u = existing ?? User(id: id, name: "", role: role)
        u.name = try required(value("name"), "name")
        u.role = role
        if !value("login").isEmpty { u.login = value("login") }
        if !value("email").isEmpty { u.email = value("email") }
        return u
    }

    static func required(_ v: String, _ name: String) throws(InputError) -> String {
        guard !v.isEmpty else { throw InputError(tr("{name} is empty", ["name": "\(name)"])) }
        return v
    }

    static func amount(_ v: String, _ name: String) throws(InputError) -> Money {
        let text = try required(v, name)
        do { return try Money.parse(text) } catch { throw InputError("\(name): \(error.message)") }
    }

    static func date(_ v: String, _ name: String) throws(InputError) -> CalendarDate {
        let text = try required(v, name)
        do { return try CalendarDate.parse(text) } catch { throw InputError("\(name): \(error.message)") }
    }

    static func customer(_ value: (String) -> String, existing: Customer?) throws(InputError) -> Customer {
        let id = try required(value("id"), "id")
        var c = existing ?? Customer(id: id, name: "")
        c.name = try required(value("name"), "name")
        let siren = value("siren").filter { !$0.isWhitespace }
        if !siren.isEmpty {
            // The book's rule (with its check digit), said here with the line it is on.
            if let problem = Rules.siren(siren) { throw InputError(problem.message) }
            c.siren = siren
        }
        if !value("collector").isEmpty { c.collector = value("collector") }
        if !value("salesperson").isEmpty { c.salesperson = value("salesperson") }
        if !value("credit_limit").isEmpty { c.creditLimit = try amount(value("credit_limit"), "credit_limit") }
        if !value("payment_terms_days").isEmpty {
            guard let d = Int(value("payment_terms_days")), (0...365).contains(d) else {
                throw InputError(tr("payment_terms_days '{value}' is not a number of days (0-365)", ["value": "\(value("payment_terms_days"))"]))
            }
            // A file without `payment_terms` keeps the rule the customer has ("45 jours fin de mois" stays end of month).
            c.paymentTermsDays = d
        }
        if !value("payment_terms").isEmpty {
            // "45 jours fin de mois", "60 jours date de facture", "fin de mois 45 jours" (issue 17).
            let t: PaymentTerms
            do { t = try PaymentTerms.parse(value("payment_terms")) } catch { throw InputError(error.message) }
            if !value("payment_terms_days").isEmpty, Int(value("payment_terms_days")) != t.days {
                throw InputError(tr("payment_terms '{value}' and payment_terms_days {value2} disagree", ["value": "\(value("payment_terms"))", "value2": "\(value("payment_terms_days"))"]))
            }
            c.paymentTermsDays = t.days
            c.paymentTermsRule = t.rule == .net ? nil : t.rule
        }
        if !value("language").isEmpty {
            let l = value("language").lowercased()
            guard Customer.languages.contains(l) else { throw InputError(tr("language '{value}' is not one of {languages}", ["value": "\(value("language"))", "languages": "\(Customer.languages.joined(separator: ", "))"])) }
            c.language = l
        }
        if !value("interest_rate").isEmpty {
            guard let r = try? Money.parse(value("interest_rate")), !r.isNegative, r.cents <= 100_00 else {
                throw InputError(tr("interest_rate '{value}' is not an annual rate in percent (0 to 100)", ["value": "\(value("interest_rate"))"]))
            }
            c.interestRatePercent = r.plain
        }
        if !value("kind").isEmpty {
            guard let k = Customer.Kind(rawValue: value("kind").lowercased()) else {
                throw InputError(tr("kind '{value}' is not one of {allCases}", ["value": "\(value("kind"))", "allCases": "\(Customer.Kind.allCases.map(\.rawValue).joined(separator: ", "))"]))
            }
            c.kind = k == .business ? nil : k
        }
        // The billing address (issue 17: formal notices went out with none): street and city together, or none.
        if !value("street").isEmpty || !value("postal_code").isEmpty || !value("city").isEmpty || !value("country").isEmpty {
            guard !value("street").isEmpty, !value("city").isEmpty else {
                throw InputError(tr("an address needs street and city (postal_code and country as they apply)"))
            }
            // In France (no country, or France) a postal code is five digits.
            let country = value("country").folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            if country.isEmpty || country == "france" {
                let code = value("postal_code")
                guard code.count == 5, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw InputError(tr("postal_code '{code}' is not a French postal code (5 digits; give country for an address abroad)", ["code": "\(code)"]))
                }
            }
            c.billingAddress = Address(label: c.billingAddress?.label, street: value("street"), postalCode: value("postal_code"), city: value("city"),
                                       country: value("country").isEmpty ? nil : value("country"))
        }
        let title = value("contact_title")
        guard title.isEmpty || Self.titles.contains(title) else {
            throw InputError(tr("contact_title '{title}' is not one of {titles}", ["title": "\(title)", "titles": "\(Self.titles.joined(separator: ", "))"]))
        }
        let contactName = value("contact_name")
        if !contactName.isEmpty {
            let old = existing?.contacts.first { $0.name == contactName }
            // As every column: one the file leaves empty (or does not carry) keeps what the contact had.
            let contact = Contact(name: contactName, role: old?.role,
                                  phone: value("contact_phone").isEmpty ? old?.phone : value("contact_phone"),
                                  email: value("contact_email").isEmpty ? old?.email : value("contact_email"),
                                  title: title.isEmpty ? old?.title : Self.normalTitle(title))
            if let i = c.contacts.firstIndex(where: { $0.name == contactName }) { c.contacts[i] = contact } else { c.contacts.insert(contact, at: 0) }
        }
        return c
    }

    /// The controlled fields against the last import (issue 20): a value the file repeats from the previous import
    /// leaves a change made in Relance in place; a value that differs is applied, and returned as an override when
    /// it replaces a change made in Relance (old: Relance's value, new: the file's). `imported` records the file.
    static func reconcile(_ parsed: Customer, existing: Customer?, carries value: (String) -> String) -> (Customer, [AccountFieldChange]) {
        var c = parsed
        guard let old = existing else {
            // A new customer: what it holds is what was imported (nil says the same, and keeps the record small).
            c.imported = nil
            return (c, [])
        }
        let before = old.imported ?? ImportedTerms(of: old)
        var now = before
        var overrides: [AccountFieldChange] = []
        func settle<T: Equatable>(_ field: AccountField, carried: Bool, _ key: WritableKeyPath<Customer, T>, _ imp: WritableKeyPath<ImportedTerms, T>,
                                  code: (T) -> String?) {
            guard carried else { return }
            let row = c[keyPath: key], current = old[keyPath: key], previous = before[keyPath: imp]
            now[keyPath: imp] = row
            if row == previous && current != previous { c[keyPath: key] = current }   // the file repeats itself: Relance's change stands
            else if row != current && current != previous { overrides.append(.init(field: field, old: code(current), new: code(row))) }
        }
        settle(.collector, carried: !value("collector").isEmpty, \.collector, \.collector) { $0 }
        settle(.salesperson, carried: !value("salesperson").isEmpty, \.salesperson, \.salesperson) { $0 }
        settle(.creditLimit, carried: !value("credit_limit").isEmpty, \.creditLimit, \.creditLimit) { $0?.formatted }
        let termsCarried = !value("payment_terms_days").isEmpty || !value("payment_terms").isEmpty
        if termsCarried {
            let row = PaymentTerms(days: c.paymentTermsDays, rule: c.paymentTermsRule ?? .net)
            let current = PaymentTerms(days: old.paymentTermsDays, rule: old.paymentTermsRule ?? .net)
            let previous = PaymentTerms(days: before.paymentTermsDays ?? old.paymentTermsDays, rule: before.paymentTermsRule ?? .net)
            now.paymentTermsDays = row.days; now.paymentTermsRule = row.rule == .net ? nil : row.rule
            if row == previous && current != previous { c.paymentTermsDays = current.days; c.paymentTermsRule = old.paymentTermsRule }
            else if row != current && current != previous { overrides.append(.init(field: .terms, old: current.label, new: row.label)) }
        }
        // Nothing recorded and nothing differs: nil says the same.
        c.imported = old.imported == nil && now == ImportedTerms(of: c) ? nil : now
        return (c, overrides)
    }

    /// What the Commercial Code (L441-10) does not allow in a customer's terms: more than 60 days from the invoice
    /// date, or 45 days end of month; a contractual late-interest rate below three times the taux de l'intérêt légal.
    static func legalWarnings(_ c: Customer, policy: Policy, today: CalendarDate) -> [String] {
        var out: [String] = []
        let t = c.terms
        switch t.rule {
        case .net where t.days > 60: out.append(tr("payment terms of {days} days exceed the 60 days from the invoice date the law allows (art. L441-10)", ["days": "\(t.days)"]))
        case .endOfMonth where t.days > 45, .endOfMonthThenDays where t.days > 45:
            out.append(tr("payment terms of {days} days end of month exceed the 45 days end of month the law allows (art. L441-10)", ["days": "\(t.days)"]))
        default: break
        }
        // A public body pays within 30 days, a public hospital within 50 (R2192-10 and -11 du Code de la commande publique).
        if let max = c.customerKind.maxTermsDays, today.days(until: t.dueDate(issuedOn: today)) > max {
            out.append(tr("payment terms of {terms} exceed the {max} days a {customerKind} has (R2192-10)", ["terms": t.label, "max": "\(max)", "customerKind": c.customerKind == .publicHospital ? tr("public hospital") : tr("public body")]))
        }
        if let r = c.interestRatePercent.flatMap({ try? Money.parse($0) })?.cents, let legal = policy.legalInterestBasisPoints(on: today), r < 3 * legal {
            let floor = 3 * legal
            out.append(tr("interest_rate {rate} % is below three times the taux de l'intérêt légal (3 × {legal} % = {floor} %, art. L441-10)", ["rate": Money(cents: r).plain, "legal": Money(cents: legal).plain, "floor": Money(cents: floor).plain]))
        }
        return out
    }

    /// How a contact's title may be written, and its one form: "Mme" or "M.".
    static let titles = ["Mme", "M.", "M", "Mr", "Mrs", "Ms", "Madame", "Monsieur"]
    static func normalTitle(_ t: String) -> String { ["Mme", "Mrs", "Ms", "Madame"].contains(t) ? "Mme" : "M." }

    static func invoice(_ value: (String) -> String, terms: PaymentTerms?) throws(InputError) -> Invoice {
        let currency = value("currency").uppercased()
        guard currency.isEmpty || currency == "EUR" else { throw InputError(tr("currency {currency}: this book is kept in EUR", ["currency": "\(currency)"])) }
        let amount = try amount(value("amount"), "amount")
        guard amount.isPositive else { throw InputError(tr("amount must be above zero (credit notes are recorded through disputes)")) }
        // The dunning history of a book imported from another tool: the level reached and the last written date.
        var level: Int?
        if !value("dunning_level").isEmpty {
            guard let l = Int(value("dunning_level")), l >= 0 else { throw InputError(tr("dunning_level '{value}' is not a level (0, 1, 2...)", ["value": "\(value("dunning_level"))"])) }
            level = l
        }
        let dunned = value("last_dunned").isEmpty ? nil : try date(value("last_dunned"), "last_dunned")
        let issue = try date(value("issue_date"), "issue_date")
        // No due date in the file: the customer's terms give it ("45 jours fin de mois" from the issue date).
        let due: CalendarDate
        if value("due_date").isEmpty {
            guard let terms else { throw InputError(tr("due_date is empty and the customer is unknown: import the customers first, or give the due date")) }
            due = terms.dueDate(issuedOn: issue)
        } else { due = try date(value("due_date"), "due_date") }
        var inv = Invoice(number: try required(value("number"), "number"), customerId: try required(value("customer_id"), "customer_id"),
                          issueDate: issue, dueDate: due,
                          amount: amount, poNumber: value("po_number").isEmpty ? nil : value("po_number"), dunningLevel: level, lastDunned: dunned)
        // The amount excluding VAT (issue 20: the provision is computed on it), at most the amount including VAT.
        if !value("amount_excl_vat").isEmpty {
            let ht = try Importer.amount(value("amount_excl_vat"), "amount_excl_vat")
            guard ht.isPositive, ht <= amount else {
                throw InputError(tr("amount_excl_vat {excl} must be above zero and at most the amount {amount}", ["excl": ht.formatted, "amount": amount.formatted]))
            }
            inv.amountExclVat = ht
        }
        return inv
    }

    static func payment(_ value: (String) -> String, book: Book, occurrence: inout [String: Int]) throws(InputError) -> Payment {
        let customerId = try required(value("customer_id"), "customer_id")
        guard book.customers[customerId] != nil else { throw InputError(tr("unknown customer {customerId}", ["customerId": "\(customerId)"])) }
        let amount = try amount(value("amount"), "amount")
        guard amount.isPositive else { throw InputError(tr("amount must be above zero")) }
        let date = try date(value("date"), "date")
        let reference = value("reference")
        let invoiceNumber = value("invoice_number")
        if !invoiceNumber.isEmpty {
            guard let inv = book.invoices[invoiceNumber] else { throw InputError(tr("unknown invoice {invoiceNumber}", ["invoiceNumber": "\(invoiceNumber)"])) }
            guard inv.customerId == customerId else { throw InputError(tr("invoice {invoiceNumber} belongs to customer {customerId}, not {customerId2}", ["invoiceNumber": "\(invoiceNumber)", "customerId": "\(inv.customerId)", "customerId2": "\(customerId)"])) }
        }
        // Identity for idempotence: the bank reference, else date+customer+amount (+ its rank among equal rows).
        var id = reference.isEmpty ? "\(date.iso)/\(customerId)/\(amount.plain)" : reference
        // References compare as `referenceKey` does against the book: "VIR-1" and "vir-1 " twice in one file are
        // the same mistake as "VIR-1" twice.
        let key = reference.isEmpty ? id : "reference " + referenceKey(reference)
        occurrence[key, default: 0] += 1
        if occurrence[key]! > 1 {
            // A bank reference names one payment: twice in a file is a mistake. Rows without one are told apart
            // by their rank among equal rows.
            guard reference.isEmpty else { throw InputError(tr("reference {reference} appears more than once in this file", ["reference": "\(reference)"])) }
            id += "#\(occurrence[key]!)"
        }
        let allocations = Lettering.allocate(book: book, customerId: customerId, amount: amount,
                                             invoiceNumber: invoiceNumber.isEmpty ? nil : invoiceNumber, reference: reference)
        return Payment(id: "PAY:" + id, customerId: customerId, date: date, amount: amount,
                       reference: reference.isEmpty ? nil : reference, allocations: allocations)
    }
}

/// A bank reference as compared: trimmed, without inner white space, upper case.
func referenceKey(_ r: String) -> String {
    // ASCII references (nearly all) byte by byte: the import keys every payment of the book by its reference, and
    // upper-casing and filtering 65,000 of them as Characters was a fifth of a one-row import (issue 23).
    var bytes: [UInt8] = []
    bytes.reserveCapacity(r.utf8.count)
    for b in r.utf8 {
        switch b {
        case 0x80...:
            // Otherwise as Characters; ASCII ones (most of a name with an accent) told apart without Unicode's tables.
            var out = ""
            out.reserveCapacity(r.utf8.count)
            for ch in r.uppercased() {
                if let a = ch.asciiValue { if a != 0x20 && !(0x09...0x0D).contains(a) { out.append(ch) } }
                else if !ch.isWhitespace { out.append(ch) }
            }
            return out
        case 0x09...0x0D, 0x20: continue                   // the ASCII white space (Unicode's White_Space)
        case 0x61...0x7A: bytes.append(b - 0x20)           // a-z
        default: bytes.append(b)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
