#if canImport(Glibc)
import Glibc
#endif
import TextSafety
import Foundation
import Receivables
import TerminalKit
import Wording

/// Finds customers by name, SIREN, invoice number or phone, as you type.
public struct SearchScreen: Screen {
    public var query = ""
    var list = ListView()
    public var cursor: Int { list.cursor }
    private(set) var results: [Hit] = []
    /// In the results (after ↓): Space marks the selected account and `A` reassigns the marked ones (issue 20, a
    /// supervisor); any other key types in the query again.
    public private(set) var inResults = false
    public var marked: Set<String> { list.marked }

    public struct Hit: Equatable {
        public var customerId: String
        public var name: String
        public var matched: String
    }

    public init() {}

    public var title: String { tr("Search") }
    public var screenID: ScreenID { .search }

    public mutating func prepare(session: Session) {
        results = Self.search(query, in: session.searchIndex, book: session.book)
        list.clamp(count: results.count)
    }

    /// Case-, accent- and apostrophe-insensitive, words in any order (`brasserie ecluse`, `l’ecluse`), in the name
    /// or a contact's name or e-mail; digits also match SIREN and phone numbers with their spaces removed. An exact
    /// customer id or invoice number comes first, then names, contacts, numbers, invoices.
    public static func search(_ query: String, in book: Book, limit: Int = 200) -> [Hit] {
        search(query, in: SearchIndex(book: book), book: book, limit: limit)
    }

    /// `book`: the one the keys were made from, which names the invoices they found.
    static func search(_ query: String, in index: SearchIndex, book: Book, limit: Int = 200) -> [Hit] {
        let q = fold(query)
        guard q.count >= 2 else { return [] }
        let words = q.split(separator: " ").map(String.init)
        // A phone number as written abroad: +33 5 53 07 67 75 is 05 53 07 67 75.
        var digits = query.filter(\.isNumber)
        if query.trimmingCharacters(in: .whitespaces).hasPrefix("+33"), digits.hasPrefix("33") { digits = "0" + digits.dropFirst(2) }
        // Digits match SIRENs and phones only when the query is a number ("F26-00" is an invoice, not a phone).
        if query.contains(where: \.isLetter) { digits = "" }
        let compact = q.replacingOccurrences(of: " ", with: "")
        let compactBytes = Array(compact.utf8), wordBytes = words.map { Array($0.utf8) }
        // Each account found, by rank (0 best), in the book's order within a rank. Worded only for the hits shown: a
        // query as short as "f2" finds every account (20,000 sentences made at each key at L).
        enum Found { case id, invoice(Int, exact: Bool), name, contact(Int), siren, phone(Int) }
        var ranked = [[(entry: Int, found: Found)]](repeating: [], count: 5)
        func matches(_ folded: [UInt8]) -> Bool { wordBytes.allSatisfy { SearchIndex.contains(folded, $0) } }
        for (i, e) in index.entries.enumerated() {
            if e.compactId == compact {
                ranked[0].append((i, .id))
            } else if let k = e.invoices.index(equalTo: compactBytes) {
                ranked[0].append((i, .invoice(k, exact: true)))
            } else if e.compactId.hasPrefix(compact) {
                ranked[1].append((i, .id))   // C001: C0010-C0019 before SIRENs
            } else if matches(e.foldedName) {
                ranked[1].append((i, .name))
            } else if let c = e.contacts.firstIndex(where: { matches($0.foldedName) || matches($0.foldedEmail) }) {
                ranked[2].append((i, .contact(c)))
            } else if digits.count >= 3, let s = e.siren, s.contains(digits) {
                ranked[3].append((i, .siren))
            } else if digits.count >= 4, let c = e.contacts.firstIndex(where: { $0.phoneDigits.contains(digits) }) {
                ranked[3].append((i, .phone(c)))
            } else if let k = e.invoices.index(containing: compactBytes) {
                // (Compared without the spaces folding made of its hyphens: "F26-0004" finds F26-000442.)
                ranked[4].append((i, .invoice(k, exact: false)))
            }
        }
        func hit(_ entry: Int, _ found: Found) -> Hit? {
            let e = index.entries[entry], id = e.id
            let matched: String
            switch found {
            case .id: matched = tr("id {id}", ["id": id])
            case .invoice(let k, let exact):
                // The book names the invoice at the key's place, checked against what was typed: keys an account kept
                // after a change the store could not say touched it (an invoice moved by a replayed entry) name the
                // invoice that does match, or no hit when the account has none left.
                func fits(_ n: String) -> Bool {
                    let key = SearchIndex.InvoiceKeys.key(of: n)
                    return exact ? key == compactBytes : SearchIndex.contains(key, compactBytes)
                }
                guard let n = book.invoiceNumber(at: k, of: id).flatMap({ fits($0) ? $0 : nil }) ?? book.invoiceNumbers(of: id).first(where: fits)
                else { return nil }
                matched = tr("invoice {number}", ["number": n])
            case .name: matched = tr("name", context: "search")
            case .contact(let c):
                let p = e.contacts[c].contact
                matched = tr("contact {name}", ["name": p.name]) + (p.role.map { " (\($0))" } ?? "")
            case .siren: matched = "SIREN \(e.siren ?? "")"
            case .phone(let c):
                let p = e.contacts[c].contact
                matched = tr("phone {phone} ({name})", ["phone": p.phone ?? "", "name": p.name])
            }
            return Hit(customerId: id, name: e.name, matched: matched)
        }
        return Array(ranked.joined().lazy.compactMap { hit($0.entry, $0.found) }.prefix(limit))
    }

    /// Folded for matching: no case, no accents, apostrophes, hyphens and other punctuation as spaces, runs of spaces
    /// as one (`L’Écluse-Sud` → `l ecluse sud`).
    static func fold(_ s: String) -> String {
        foldASCII(s) ?? foldedByFoundation(s)
    }

    /// ASCII text (ids, e-mails, most names of a book) folded byte by byte to what Foundation's folding gives it:
    /// lower case; letters, digits, `@` and `.` kept; anything else a separator, runs of them one space, none at the
    /// ends. Nil for any other text. (Foundation folded 5,000 names and their contacts in most of the 250 ms the
    /// search took to open at 100,000 invoices: issue 23.)
    static func foldASCII(_ s: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var gap = false
        for b in s.utf8 {
            let kept: UInt8
            switch b {
            case 0x80...: return nil
            case 0x41...0x5A: kept = b + 0x20                                   // A-Z
            case 0x61...0x7A, 0x30...0x39, 0x40, 0x2E: kept = b                 // a-z, 0-9, @ and .
            default: gap = !out.isEmpty; continue
            }
            if gap { out.append(0x20); gap = false }
            out.append(kept)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let alphanumerics = CharacterSet.alphanumerics

    static func foldedByFoundation(_ s: String) -> String {
        let folded = s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        let kept = Self.alphanumerics   // `CharacterSet.alphanumerics` is made anew at each use
        let spaced = String(String.UnicodeScalarView(folded.unicodeScalars.map { u -> Unicode.Scalar in
            kept.contains(u) || u == "@" || u == "." ? u : " "
        }))
        return spaced.split(separator: " ").joined(separator: " ")
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        if list.move(command, count: results.count) { inResults = !results.isEmpty; return .none }
        switch command {
        case .insert(" ") where inResults && session.may(.editCustomer):
            guard results.indices.contains(cursor) else { return .none }
            list.toggleMark(results[cursor].customerId)
            if cursor < results.count - 1 { list.cursor += 1 }
            return .status(.info(trn("{count} account marked: A reassigns it", "{count} accounts marked: A reassigns them", count: list.marked.count)))
        case .insert("A") where inResults && session.may(.editCustomer):
            if session.store.isReadOnly { return .status(.error(tr("read-only session: nothing can be saved"))) }
            let marked = results.map(\.customerId).filter { list.marked.contains($0) }
            let chosen = marked.isEmpty ? (results.indices.contains(cursor) ? [results[cursor].customerId] : []) : marked
            guard !chosen.isEmpty else { return .none }
            return .push(FormScreen.reassign(customers: chosen, session: session))
        case .insert(let c) where inResults && (c == " " || c == "A"):
            // Down in the results, Space and A mark and reassign: refused in words for who may not, not typed.
            return .status(.error(tr("Accounts are reassigned by supervisors")))
        case .insert(let c): inResults = false; if Safe.isClean(String(c)) { query.append(c) }; list.cursor = 0; prepare(session: session)
        case .paste(let text):
            query += String(text.unicodeScalars.filter { !Safe.isUnsafe($0) }.map(Character.init))
            list.cursor = 0; prepare(session: session)
        case .backspace: inResults = false; if !query.isEmpty { query.removeLast(); list.cursor = 0; prepare(session: session) }
        case .back: return .pop
        case .open:
            guard results.indices.contains(cursor) else { return .status(.error(tr("No customer matches '{query}'", ["query": query]))) }
            return .replace(AccountScreen(customerId: results[cursor].customerId), nil)
        default: break
        }
        return .none
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(tr("Search"), session: session)
        canvas.text(" " + tr("Find: {query}", ["query": query]), row: 1, style: .bold)
        terminal.setCursor((1, 7 + TextWidth.of(query)))
        let hint = inResults && session.may(.editCustomer) ? tr("Space marks, A reassigns the marked accounts, any other key types") + (list.marked.isEmpty ? "" : " · " + trn("{count} marked", "{count} marked", count: list.marked.count))
            : tr("name, SIREN, invoice number or phone — at least 2 characters")
        canvas.text(" " + clip(hint, width: width - 2), row: 2, style: .dim)
        if query.count >= 2 && results.isEmpty { canvas.text("   " + tr("No customer matches '{query}'", ["query": query]), row: 4, style: .error) }
        let window = ListView.window(showing: cursor, of: results.count, visible: rows - 6)
        let names = ListView.distinctNames(results[window].map(\.name), width: max(10, width - 40))
        for (offset, hit) in results[window].enumerated() {
            let i = window.lowerBound + offset
            let text = (list.marked.contains(hit.customerId) ? "•" : " ") + TextWidth.pad(names[offset], to: max(10, width - 40)) + "  " + TextWidth.pad(hit.matched, to: 36)
            canvas.text(text, row: 4 + offset, style: i == cursor ? .reverse : .plain)
        }
        canvas.keyBar(self, session: session)
    }
}

/// What the search compares, folded once for a book revision (`SearchScreen.fold`): ids and invoice numbers without
/// their spaces, names, contacts' names and e-mails, phone digits.
final class SearchIndex: Sendable {
    struct ContactKeys { var contact: Contact; var foldedName: [UInt8]; var foldedEmail: [UInt8]; var phoneDigits: String }
    struct Entry {
        var id: String, name: String, compactId: String, foldedName: [UInt8], siren: String?
        var contacts: [ContactKeys]
        var invoices: InvoiceKeys
    }

    /// The compact keys of a customer's invoice numbers, in the book's order, one after another in one buffer, each
    /// between 0 bytes (which no key holds); the numbers themselves are the book's. An array of a few bytes per
    /// invoice, and its number beside it, were 40 MB of the workstation at L once the keys were made (issue 23's goal
    /// is 300 MB). A key found whole or in part is found in the whole buffer at once.
    struct InvoiceKeys {
        /// 0, the first key, 0, the second, ... 0.
        let keys: [UInt8]

        init(_ numbers: [String]) {
            var keys: [UInt8] = [0]
            keys.reserveCapacity(numbers.reduce(1) { $0 + $1.utf8.count + 1 })
            for n in numbers {
                keys += Self.key(of: n)
                keys.append(0)
            }
            self.keys = keys
        }

        /// A number's key as kept here: its compact key, without any 0 byte.
        static func key(of number: String) -> [UInt8] { SearchIndex.compactKey(number).filter { $0 != 0 } }

        /// The key of each number, in order.
        var each: [ArraySlice<UInt8>] { Array(keys.dropFirst().split(separator: 0, omittingEmptySubsequences: false).dropLast()) }

        /// Which number's key is `needle` (the first): the needle found with a 0 byte on each side.
        func index(equalTo needle: [UInt8]) -> Int? {
            guard !needle.isEmpty, !needle.contains(0) else { return nil }
            let n = needle.count
            return SearchIndex.firstIndex(of: needle, in: keys, from: 1) { at in keys[at - 1] == 0 && keys[at + n] == 0 }.map(ordinal)
        }

        /// Which number's key first holds `needle` (a match cannot run across a key's end: the needle holds no 0).
        func index(containing needle: [UInt8]) -> Int? {
            guard !needle.isEmpty, !needle.contains(0) else { return nil }
            return SearchIndex.firstIndex(of: needle, in: keys, from: 1).map(ordinal)
        }

        /// Which key byte `at` is in: the 0 bytes before it, less the first.
        private func ordinal(_ at: Int) -> Int {
            keys.withUnsafeBufferPointer { b in
                var zeros = 0
                for i in 0..<at where b[i] == 0 { zeros += 1 }
                return zeros - 1
            }
        }
    }

    /// An id or invoice number folded without its spaces (`SearchScreen.fold`, then the spaces out). Numbers are
    /// ASCII nearly always: lower-cased byte by byte then, which is what folding gives them (building the keys of
    /// 100,000 invoice numbers through Foundation took 1.4 s when the search opened).
    static func compactKey(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            guard b < 0x80 else { return Array(SearchScreen.fold(s).replacingOccurrences(of: " ", with: "").utf8) }
            switch b {
            case 0x41...0x5A: out.append(b + 0x20)                                 // A-Z
            case 0x61...0x7A, 0x30...0x39, 0x40, 0x2E: out.append(b)              // a-z, 0-9, @ and . (as fold keeps them)
            default: continue                                                     // a separator, then the space dropped
            }
        }
        return out
    }

    /// Whether `needle`'s bytes are in `haystack` (`memchr` then `memcmp`: the folded keys are UTF-8, and a substring of bytes of
    /// valid UTF-8 is a substring of its text). `String.contains` went through Foundation for each of 100,000
    /// invoice numbers at every keystroke.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        needle.isEmpty || firstIndex(of: needle, in: haystack) != nil
    }

    /// Where `needle`'s bytes first are in `haystack`.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0, where accept: (Int) -> Bool = { _ in true }) -> Int? {
        guard !needle.isEmpty else { return start <= haystack.count ? start : nil }
        guard haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                let base = h.baseAddress!, last = h.count - n.count
                var i = start
                while i <= last {
                    guard let p = memchr(base + i, Int32(n[0]), last - i + 1) else { return nil }
                    let k = p.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base)
                    if memcmp(base + k, n.baseAddress!, n.count) == 0, accept(k) { return k }
                    i = k + 1
                }
                return nil
            }
        }
    }
    let revision: Int
    /// The store's state the keys were made at (nil: a book without a store), to bring them up to date from the
    /// changes saved since.
    let state: StoreState?
    let entries: [Entry]
    private let position: [String: Int]

    /// `everyCore`: folded on every core (at L, 400 → 200 ms), for the `/` that waits for them, also when they are
    /// being made in the background at launch (a `/` pressed then waits for that; a key typed meanwhile shares the
    /// cores for those 200 ms).
    init(book: Book, state: StoreState? = nil, everyCore: Bool = true) {
        revision = book.revision
        self.state = state
        entries = everyCore ? Chunks.map(book.customerOrder) { ids in ids.compactMap { Self.entry($0, in: book) } }.flatMap { $0 }
            : book.customerOrder.compactMap { Self.entry($0, in: book) }
        position = Dictionary(entries.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    private init(revision: Int, state: StoreState?, entries: [Entry], position: [String: Int]) {
        self.revision = revision; self.state = state; self.entries = entries; self.position = position
    }

    /// These keys with the accounts `touched` made again from `book` (a colleague's save: one account, not 100,000
    /// invoice numbers folded again); a new customer comes last, as in the book's order.
    func updated(_ touched: Set<String>, book: Book, state: StoreState?) -> SearchIndex {
        var entries = self.entries, position = self.position
        for id in touched { if let p = position[id], let e = Self.entry(id, in: book) { entries[p] = e } }
        // Customers are only ever added, at the end of the book's order.
        for id in book.customerOrder.dropFirst(entries.count) where position[id] == nil {
            guard let e = Self.entry(id, in: book) else { continue }
            position[id] = entries.count
            entries.append(e)
        }
        return SearchIndex(revision: book.revision, state: state, entries: entries, position: position)
    }

    static func entry(_ id: String, in book: Book) -> Entry? {
        guard let c = book.customers[id] else { return nil }
        return Entry(id: id, name: c.name, compactId: String(decoding: compactKey(id), as: UTF8.self), foldedName: Array(SearchScreen.fold(c.name).utf8),
                     siren: c.siren,
                     contacts: c.contacts.map { ContactKeys(contact: $0, foldedName: Array(SearchScreen.fold($0.name).utf8),
                                                            foldedEmail: Array(SearchScreen.fold($0.email ?? "").utf8), phoneDigits: ($0.phone ?? "").filter(\.isNumber)) },
                     invoices: InvoiceKeys(book.invoiceNumbers(of: id)))
    }
}
