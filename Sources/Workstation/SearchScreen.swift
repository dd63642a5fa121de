import TextSafety
import Foundation
import Receivables
import TerminalKit

/// Finds customers by name, SIREN, invoice number or phone, as you type.
public struct SearchScreen: Screen {
    public var query = ""
    public var cursor = 0
    private(set) var results: [Hit] = []

    public struct Hit: Equatable {
        public var customerId: String
        public var name: String
        public var matched: String
    }

    public init() {}

    public var title: String { "Search" }
    public var keyContext: KeyContext { .search }
    public var hints: [KeyHint] { [KeyHint("Enter", "Open"), KeyHint("↑↓", "Choose"), KeyHint("Esc", "Back")] }

    public mutating func prepare(session: Session) {
        results = Self.search(query, in: session.book)
        cursor = min(cursor, max(0, results.count - 1))
    }

    /// Case- and accent-insensitive; digits also match SIREN and phone numbers with their spaces removed.
    public static func search(_ query: String, in book: Book, limit: Int = 200) -> [Hit] {
        let q = fold(query)
        guard q.count >= 2 else { return [] }
        let digits = query.filter(\.isNumber)
        var hits: [Hit] = []
        for id in book.customerOrder {
            guard let c = book.customers[id] else { continue }
            if fold(c.name).contains(q) { hits.append(Hit(customerId: id, name: c.name, matched: "name")); continue }
            if fold(id) == q { hits.append(Hit(customerId: id, name: c.name, matched: "id \(id)")); continue }
            if digits.count >= 3, let s = c.siren, s.contains(digits) { hits.append(Hit(customerId: id, name: c.name, matched: "SIREN \(s)")); continue }
            if digits.count >= 4, let p = c.contacts.first(where: { ($0.phone ?? "").filter(\.isNumber).contains(digits) }) {
                hits.append(Hit(customerId: id, name: c.name, matched: "phone \(p.phone!) (\(p.name))")); continue
            }
            if let n = (book.invoicesByCustomer[id] ?? []).first(where: { fold($0).contains(q) }) {
                hits.append(Hit(customerId: id, name: c.name, matched: "invoice \(n)"))
            }
            if hits.count >= limit { break }
        }
        return hits
    }

    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        if let moved = movedCursor(cursor, by: command, count: results.count) { cursor = moved; return .none }
        switch command {
        case .insert(let c): if Safe.isClean(String(c)) { query.append(c) }; cursor = 0; prepare(session: session)
        case .paste(let text):
            query += String(text.unicodeScalars.filter { !Safe.isUnsafe($0) }.map(Character.init))
            cursor = 0; prepare(session: session)
        case .backspace: if !query.isEmpty { query.removeLast(); cursor = 0; prepare(session: session) }
        case .back: return .pop
        case .open:
            guard results.indices.contains(cursor) else { return .status(.error("No customer matches '\(query)'")) }
            return .replace(AccountScreen(customerId: results[cursor].customerId), nil)
        default: break
        }
        return .none
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar("Search", session: session)
        canvas.text(" Find: " + query, row: 1, style: .bold)
        terminal.setCursor((1, 7 + TextWidth.of(query)))
        canvas.text(" name, SIREN, invoice number or phone — at least 2 characters", row: 2, style: .dim)
        if query.count >= 2 && results.isEmpty { canvas.text("   No customer matches '\(query)'", row: 4, style: .error) }
        let visible = rows - 6
        let top = max(0, min(cursor - visible / 2, results.count - visible))
        for (offset, hit) in results.dropFirst(top).prefix(visible).enumerated() {
            let i = top + offset
            let text = " " + TextWidth.pad(hit.name, to: max(10, width - 40)) + "  " + TextWidth.pad(hit.matched, to: 36)
            canvas.text(text, row: 4 + offset, style: i == cursor ? .reverse : .plain)
        }
        canvas.keyBar(hints)
    }
}
