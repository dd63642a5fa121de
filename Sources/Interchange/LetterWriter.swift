import TextSafety
import Foundation
import Receivables
import RelanceResources

/// Reminder letters for the written lines of an agenda: one letter per customer and policy step, listing the
/// step's invoices, from the step's template in `Resources/templates/` (French; the overdue reminder is the fallback).
public enum LetterWriter {
    public struct Letter: Equatable, Sendable {
        /// `2026-11-23-C0042-formal-notice.txt`
        public var fileName: String
        public var text: String
        public var line: AgendaLine
    }

    public static func letters(for agenda: Agenda, book: Book, language: String = "fr",
                               template: (String) -> String? = bundledTemplate) throws(DomainError) -> [Letter] {
        var out: [Letter] = []
        // A litigation review is an internal decision, not a letter to the customer.
        for line in agenda.written where line.channel != .litigationReview {
            guard let customer = book.customers[line.customerId], let reason = line.reasons.first else { continue }
            let step = book.policy.steps.first { $0.id == reason.step }
            let name = step?.template ?? "reminder-overdue"
            guard let body = template("\(name).\(language)") ?? template("reminder-overdue.\(language)") else {
                throw DomainError("no template \(name).\(language).txt (nor reminder-overdue.\(language).txt) in Resources/templates")
            }
            let items = reason.invoices.compactMap { book.invoices[$0] }.sorted { book.openAmount($0.number) > book.openAmount($1.number) }
            let list = items.map { inv in
                "  Facture \(inv.number) du \(inv.issueDate.french), échéance \(inv.dueDate.french) : \(book.openAmount(inv.number).formatted)"
                    + (inv.poNumber.map { " (commande \($0))" } ?? "")
            }.joined(separator: "\n")
            let total = items.sum { book.openAmount($0.number) }
            let fees = items.map { book.lateFees($0.number, asOf: agenda.date) }.filter { $0.total.isPositive }
            let feesText = fees.isEmpty ? "" :
                "Indemnités forfaitaires de recouvrement (art. L441-10 du Code de commerce) : \(fees.sum(\.indemnity).formatted) ; "
                + "pénalités de retard au \(agenda.date.french) : \(fees.sum(\.interest).formatted)"
            let address = customer.billingAddress.map { "\($0.street)\n\($0.postalCode) \($0.city)" } ?? ""
            let collector = customer.collector.map { book.users[$0]?.name ?? $0 } ?? ""
            let values = ["customer": customer.name, "address": address, "contact": customer.contacts.first?.name ?? "Service comptabilité fournisseurs",
                          "city_date": "Le \(agenda.date.french)", "items": list, "total": total.formatted, "fees": feesText,
                          "collector": collector]
            var text = body
            for (k, v) in values {
                // Data from the store, line by line: control characters shown as placeholders, never written raw.
                let safe = v.split(separator: "\n", omittingEmptySubsequences: false).map { Safe.text(String($0)) }.joined(separator: "\n")
                text = text.replacingOccurrences(of: "{{\(k)}}", with: safe)
            }
            out.append(Letter(fileName: "\(agenda.date.iso)-\(fileNamePart(customer.id))-\(fileNamePart(reason.step)).txt", text: text, line: line))
        }
        return out
    }

    /// A template shipped in `Resources/templates/<name>.txt`.
    public static func bundledTemplate(_ name: String) -> String? {
        ResourceFiles.data(folder: "templates", name: name + ".txt").flatMap { String(data: $0, encoding: .utf8) }
    }
}

/// A customer id or step as part of a file name: anything but letters, digits, `.`, `_` and `-` becomes `_`, so an
/// id like `../../x` never leaves the output folder.
func fileNamePart(_ s: String) -> String {
    let kept = String(s.unicodeScalars.map { u -> Character in
        (u.isASCII && (CharacterSet.alphanumerics.contains(u) || u == "_" || u == "-")) ? Character(u) : "_"
    })
    return kept.isEmpty ? "_" : kept
}
