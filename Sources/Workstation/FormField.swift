import TextSafety
import Receivables
import TerminalKit
import Wording

/// The fields forms have, named by the compiler rather than by strings (a misspelt name no longer compiles,
/// where `field("amout")!` crashed at run time).
public enum FieldID: String, Sendable {
    case invoices, invoice, amount, date, contact, note, outcome, next, reason, owner, followup, dispute, status, credit, creditNumber, creditDate
    case down, downDate, count, period, first
    // Issue 20: account control and requests.
    case collector, salesperson, limit, terms, hold, holdReason, flag, decision
    case contact1, contact2, contact3, contact4, contact5, contact6

    /// The contact slots of the account form, in order.
    static let contactSlots: [FieldID] = [.contact1, .contact2, .contact3, .contact4, .contact5, .contact6]
}

/// One field of a form: its value as typed, and the error shown next to it.
public struct FormField {
    public enum Kind: Equatable {
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

    public var id: FieldID
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

    public init(id: FieldID, label: String, kind: Kind, text: String = "", optional: Bool = false) {
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
        case .choice(let c): return c.indices.contains(choice) ? "‹ \(clip(c[choice].label, width: width - 4)) ›" : ""
        case .invoices: return trn("{count} selected · {amount}", "{count} selected · {amount}", count: picked.count, ["amount": pickedTotal.formatted])
        default: return text
        }
    }

    mutating func set(_ value: String) { text = value; caret = value.count }

    // MARK: Editing, by grapheme cluster
    //
    // `caret` counts characters (grapheme clusters) before the cursor. Typing a combining accent after "e", a skin
    // tone after 👍 or the second half of a flag merges with the character before, so the text does not always
    // grow by one character: the caret is recomputed from the text itself after each edit, never assumed.

    private var caretIndex: String.Index { text.index(text.startIndex, offsetBy: min(max(0, caret), text.count)) }

    /// A note keeps the line breaks of pasted text; other fields get a space instead.
    var keepsLineBreaks: Bool { id == .note }

    /// A paste's line breaks as the text had them. Terminals (xterm, tmux's paste-buffer) send every LF of a paste
    /// as CR, so the CRLF of a text written on Windows arrives as CR CR: one line break, not two. (A blank line pasted
    /// from a Unix text through such a terminal reads the same and becomes a single break: the lesser harm.)
    static func pastedLines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r\r", with: "\n")
    }

    /// Inserts typed or pasted text: control characters are dropped (they would reach the terminal), a tab
    /// becomes a space, a line break (CR, LF or both) a line break in a note and a space elsewhere; everything
    /// else, emoji and their joiners included, is kept.
    mutating func insert(_ typed: String) {
        let lines = typed.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let clean = String(String.UnicodeScalarView(lines.unicodeScalars.compactMap { u -> Unicode.Scalar? in
            if u == "\n" { return keepsLineBreaks ? u : " " }
            return u == "\t" ? " " : Safe.isUnsafe(u) ? nil : u
        }))
        guard !clean.isEmpty else { return }
        let i = caretIndex
        let before = String(text[..<i]) + clean
        text = before + text[i...]
        caret = min(before.count, text.count)
        edited = true; error = nil
    }

    mutating func deleteBackward() {
        guard caret > 0, !text.isEmpty else { return }
        let i = caretIndex
        guard i > text.startIndex else { return }
        let previous = text.index(before: i)
        let newCaret = text.distance(from: text.startIndex, to: previous)
        text.remove(at: previous)
        caret = min(newCaret, text.count)
        edited = true; error = nil
    }

    mutating func deleteForward() {
        let i = caretIndex
        guard i < text.endIndex else { return }
        text.remove(at: i)
        caret = min(caret, text.count)
        edited = true; error = nil
    }

    mutating func moveCaret(by delta: Int) { caret = min(max(0, min(caret, text.count) + delta), text.count) }

    /// The part of the text shown in a field `width` columns wide, scrolled so the caret is visible, and the
    /// caret's column in it.
    func visibleText(width: Int) -> (text: String, caretColumn: Int) {
        let chars = Array(Safe.text(text))   // a line break shows as ␊, one character for one
        let c = min(max(0, caret), chars.count)
        var start = 0
        // Scroll right until the caret fits (keeping one column for it at the end); widths kept as a running sum.
        var beforeCaret = chars[0..<c].reduce(0) { $0 + TextWidth.of($1) }
        while start < c && beforeCaret > width - 1 { beforeCaret -= TextWidth.of(chars[start]); start += 1 }
        var shown = "", used = 0
        for ch in chars[start...] {
            let w = TextWidth.of(ch)
            if used + w > width { break }
            shown.append(ch); used += w
        }
        return (shown, beforeCaret)
    }

    /// Checks the field on its own (format, required); rules across fields are the form's.
    func formatError() -> String? {
        let t = text.trimmed
        switch kind {
        case .text: return !optional && t.isEmpty ? tr("required") : nil
        case .amount:
            if t.isEmpty { return optional ? nil : tr("required: an amount such as 1 234,56") }
            do { _ = try Money.parse(t); return nil } catch { return error.message }
        case .date:
            if t.isEmpty { return optional ? nil : tr("required: a date such as 2026-12-03 or 03/12/2026") }
            do { _ = try CalendarDate.parse(t); return nil } catch { return error.message }
        case .number:
            guard let n = Int(t), n > 0 else { return tr("'{text}' is not a whole number above zero", ["text": text]) }
            return n > 60 ? tr("at most 60") : nil
        case .choice: return nil
        case .invoices: return picked.isEmpty ? tr("tick at least one invoice (Space)") : nil
        }
    }

    var money: Money? { try? Money.parse(text) }
    var date: CalendarDate? { try? CalendarDate.parse(text) }
}
