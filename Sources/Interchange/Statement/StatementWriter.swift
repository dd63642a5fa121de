import Foundation
import Receivables
import TextSafety
import Wording

/// A statement of account as the customer reads it (issue 22, 4): a text document from the `statement.<language>`
/// template (the customer's language, like letters), an e-mail from `statement.mail.<language>` (first line the
/// subject), or CSV and JSON for scripts (plain amounts with a point, ISO dates, the same figures).
public enum StatementWriter {
    /// The values the templates see (docs/MAIL.md, "Statements of account").
    static func context(_ s: Statement, book: Book, language: String) -> [String: Any] {
        func money(_ m: Money) -> String { m.formatted(language: language) }
        func day(_ d: CalendarDate) -> String { d.formatted(language: language) }
        let company = book.company ?? CompanyProfile()
        let customer = book.customers[s.customerId]
        let address = customer?.billingAddress.map { [$0.street, "\($0.postalCode) \($0.city)".trimmedSpaces, $0.country ?? ""].filter { !$0.isEmpty } } ?? []
        return [
            "company": ["legal_name": company.legalName ?? "", "has_legal_name": !(company.legalName ?? "").isEmpty,
                        "street": company.street ?? "", "has_street": !(company.street ?? "").isEmpty,
                        "postal_code": company.postalCode ?? "", "city": company.city ?? "", "has_city": !(company.city ?? "").isEmpty,
                        "phone": company.phone ?? "", "has_phone": !(company.phone ?? "").isEmpty,
                        "email": company.email ?? "", "has_email": !(company.email ?? "").isEmpty,
                        "iban": company.iban ?? "", "has_iban": !(company.iban ?? "").isEmpty, "bic": company.bic ?? "",
                        "siren": company.siren ?? "", "has_siren": !(company.siren ?? "").isEmpty],
            "customer": ["name": s.customerName, "id": s.customerId, "address_lines": address],
            "as_of": day(s.asOf), "from": day(s.from), "reference": "\(s.asOf.iso)-\(s.customerId)",
            "items": s.items.map { i in
                ["number": i.number, "issue_date": day(i.issueDate), "due_date": day(i.dueDate), "amount": money(i.amount),
                 "open": money(i.open), "days_late": max(0, i.daysLate), "is_late": i.daysLate > 0, "is_part": i.open != i.amount] as [String: Any]
            },
            "has_items": !s.items.isEmpty,
            "movements": s.movements.map { m in
                ["date": day(m.date), "reference": m.reference, "amount": money(m.amount), "is_payment": m.kind == .payment,
                 "settled": m.settled.map { ["invoice": $0.invoice, "amount": money($0.amount)] },
                 // "F26-000024 (1 946,88 €), F26-000025 (…)": no word to translate, no separator left over.
                 "settled_list": m.settled.map { "\($0.invoice) (\(money($0.amount)))" }.joined(separator: ", "),
                 "has_settled": !m.settled.isEmpty] as [String: Any]
            },
            "has_movements": !s.movements.isEmpty,
            "total_open": money(s.totalOpen), "overdue": money(s.overdue), "has_overdue": s.overdue.isPositive,
            "on_account": money(s.onAccount), "has_on_account": s.onAccount.isPositive, "balance": money(s.balance),
            // In the customer's favour: said as such, without a minus sign as well.
            "in_credit": s.balance.cents < 0, "credit": money(Money(cents: -s.balance.cents)),
        ]
    }

    /// The statement rendered from `statement.<language>` (or, for an e-mail, `statement.mail.<language>`).
    public static func text(_ s: Statement, book: Book, mail: Bool = false, template: LetterWriter.TemplateSource = LetterWriter.bundledTemplate,
                            limits: TemplateLimits = .standard) throws(DomainError) -> String {
        let language = book.customers[s.customerId]?.letterLanguage ?? "fr"
        let name = (mail ? "statement.mail." : "statement.") + language
        let parsed = try LetterWriter.compile(name, source: template, limits: limits)
        let rendered = parsed.render(context(s, book: book, language: language))
        var text = Safe.lines(rendered)
        if !text.hasSuffix("\n") { text += "\n" }
        return text
    }

    /// `section,date,reference,due_date,amount,open,settled,days_late,invoice`: one row per open item (`item`: its amount and
    /// what is open), per payment or credit note and invoice it settled (`payment`, `credit-note`: its amount and what it
    /// settled on that invoice; a row without invoice for one that settled nothing), then `total_open`, `on_account`,
    /// `balance`.
    public static func csv(_ s: Statement) -> String {
        func field(_ t: String) -> String { TableFormatter.csvCell(.text(t)) }
        var rows = ["section,date,reference,due_date,amount,open,settled,days_late,invoice"]
        for i in s.items {
            rows.append(["item", i.issueDate.iso, field(i.number), i.dueDate.iso, i.amount.plain, i.open.plain, "", "\(i.daysLate)", field(i.number)].joined(separator: ","))
        }
        for m in s.movements {
            if m.settled.isEmpty { rows.append([m.kind.rawValue, m.date.iso, field(m.reference), "", m.amount.plain, "", "", "", ""].joined(separator: ",")) }
            for part in m.settled {
                rows.append([m.kind.rawValue, m.date.iso, field(m.reference), "", m.amount.plain, "", part.amount.plain, "", field(part.invoice)].joined(separator: ","))
            }
        }
        rows.append(["total_open", s.asOf.iso, "", "", s.totalOpen.plain, "", "", "", ""].joined(separator: ","))
        rows.append(["on_account", s.asOf.iso, "", "", s.onAccount.plain, "", "", "", ""].joined(separator: ","))
        rows.append(["balance", s.asOf.iso, "", "", s.balance.plain, "", "", "", ""].joined(separator: ","))
        return rows.joined(separator: "\n") + "\n"
    }

    /// `{"customer_id","name","from","as_of","items":[{"number","issue_date","due_date","amount","open","days_late"}],
    /// "movements":[{"date","kind","reference","amount","settled":[{"invoice","amount"}]}],"total_open","overdue","on_account","balance"}`
    public static func json(_ s: Statement) -> String {
        struct Out: Encodable {
            struct Item: Encodable { var number, issue_date, due_date, amount, open: String; var days_late: Int }
            struct Part: Encodable { var invoice, amount: String }
            struct Movement: Encodable { var date, kind, reference, amount: String; var settled: [Part] }
            var customer_id, name, from, as_of: String
            var items: [Item]; var movements: [Movement]
            var total_open, overdue, on_account, balance: String
        }
        let out = Out(customer_id: s.customerId, name: s.customerName, from: s.from.iso, as_of: s.asOf.iso,
                      items: s.items.map { .init(number: $0.number, issue_date: $0.issueDate.iso, due_date: $0.dueDate.iso, amount: $0.amount.plain, open: $0.open.plain, days_late: $0.daysLate) },
                      movements: s.movements.map { m in .init(date: m.date.iso, kind: m.kind.rawValue, reference: m.reference, amount: m.amount.plain,
                                                              settled: m.settled.map { .init(invoice: $0.invoice, amount: $0.amount.plain) }) },
                      total_open: s.totalOpen.plain, overdue: s.overdue.plain, on_account: s.onAccount.plain, balance: s.balance.plain)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Safe.json(String(decoding: (try? encoder.encode(out)) ?? Data("{}".utf8), as: UTF8.self))
    }
}
