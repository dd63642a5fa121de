import Receivables
import TerminalKit

/// One field of a form: its value as typed, and the error shown next to it.
public struct FormField {
    public enum Kind {
        case text, amount, date, number
        case choice([Choice])
        case invoices([InvoiceChoice])
    }

    public struct Choice: Equatable {
        public var value: String
        public var label: String
        public init(_ value: String, _ label: String) { self.value = value; self.label = label }
    }

    public struct InvoiceChoice: Equatable {
        public var number: String
        public var dueDate: CalendarDate
        public var open: Money
        public var daysPastDue: Int
    }

    public var id: String
    public var label: String
    public var kind: Kind
    public var text: String
    public var caret: Int
    public var choice = 0
    public var picked: Set<String> = []
    public var listCursor = 0
    public var error: String?
    /// The user typed in it: defaults that follow other fields stop following.
    public var edited = false
    public var optional = false

    public init(id: String, label: String, kind: Kind, text: String = "", optional: Bool = false) {
        self.id = id; self.label = label; self.kind = kind; self.text = text; self.caret = text.count; self.optional = optional
    }

    var isList: Bool { if case .invoices = kind { return true }; return false }
    var choices: [Choice] { if case .choice(let c) = kind { return c }; return [] }
    var invoiceChoices: [InvoiceChoice] { if case .invoices(let c) = kind { return c }; return [] }
    public var selectedChoice: String? { choices.indices.contains(choice) ? choices[choice].value : nil }

    /// Invoice numbers ticked, in list order (largest first).
    public var pickedInvoices: [String] { invoiceChoices.map(\.number).filter { picked.contains($0) } }
    public var pickedTotal: Money { invoiceChoices.filter { picked.contains($0.number) }.sum(\.open) }

    /// The value as shown on screen.
    func display(width: Int) -> String {
        switch kind {
        case .choice(let c): return c.indices.contains(choice) ? "‹ \(TextWidth.truncate(c[choice].label, to: width - 4)) ›" : ""
        case .invoices: return "\(picked.count) selected · \(pickedTotal.formatted)"
        default: return text
        }
    }

    mutating func set(_ value: String) { text = value; caret = value.count }

    /// Checks the field on its own (format, required); rules across fields are the form's.
    func formatError() -> String? {
        let t = text.trimmed
        switch kind {
        case .text: return !optional && t.isEmpty ? "required" : nil
        case .amount:
            if t.isEmpty { return optional ? nil : "required: an amount such as 1 234,56" }
            do { _ = try Money.parse(t); return nil } catch { return error.message }
        case .date:
            if t.isEmpty { return optional ? nil : "required: a date such as 2026-12-03 or 03/12/2026" }
            do { _ = try CalendarDate.parse(t); return nil } catch { return error.message }
        case .number:
            guard let n = Int(t), n > 0 else { return "'\(text)' is not a whole number above zero" }
            return n > 60 ? "at most 60" : nil
        case .choice: return nil
        case .invoices: return picked.isEmpty ? "tick at least one invoice (Space)" : nil
        }
    }

    var money: Money? { try? Money.parse(text) }
    var date: CalendarDate? { try? CalendarDate.parse(text) }
}
