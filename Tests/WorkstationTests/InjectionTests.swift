import Foundation
import Testing
import TestSupport
import TerminalKit
import TextSafety
import Interchange
@testable import Receivables
@testable import Workstation

/// Text from a store or an import never drives the terminal or a spreadsheet (issue 9).
@Suite struct InjectionTests {
    static let evil = "Evil\u{1B}]0;pwned\u{07}\u{1B}[2J\nFake row\r\u{202E}gnp.exe"

    func book() -> Book {
        Fixtures.book(name: Self.evil, invoices: [("F1", "2026-09-01", "2026-10-01", "12000.00")])
    }

    @Test func safeTextShowsControlCharactersAndKeepsEmoji() {
        #expect(Safe.text("a\u{1B}b\nc\u{7F}\u{9B}") == "a␛b␊c␡<U+9B>")
        #expect(Safe.text("x\u{202E}y\u{2066}") == "x<U+202E>y<U+2066>")
        let emoji = "👩‍💻 👍🏽 🇫🇷 ❤️ Société"
        #expect(Safe.text(emoji) == emoji)
    }

    @Test func trimmedSpacesAgreesWithFoundation() {
        // Foundation's `.whitespaces` is the reference: Zs and tab, never line ends.
        let samples = ["", " ", "\t a b \t", "\u{A0}x\u{202F}", "\u{3000}日本\u{2009}", "\nx\n", " \u{301}a ", "é", "a\u{200B}",
                       "\u{1680}\u{2000}\u{205F}", " 👍🏽 ", "x y"]
        for s in samples { #expect(s.trimmedSpaces == s.trimmingCharacters(in: .whitespaces), "\(s.unicodeScalars.map(\.value))") }
        let disagree = (0..<0x3100).compactMap(Unicode.Scalar.init).filter { c in
            let s = "\(c)x\(c)"
            return s.trimmedSpaces != s.trimmingCharacters(in: .whitespaces)
        }
        #expect(disagree.isEmpty, "\(disagree.map { String($0.value, radix: 16) })")
    }

    @Test func aNameWithEscapesAndNewlinesDrawsNothingButItself() {
        let store = MemoryStore(book: book())
        let screen = ScreenBuffer(rows: 24, columns: 100)
        let app = App(session: Session(store: store, user: store.book.users["amelie"]!, today: Fixtures.date("2026-11-23")), terminal: screen)
        app.render()
        #expect(!screen.text.unicodeScalars.contains { Safe.isUnsafe($0) && $0 != "\n" })
        let row = screen.text.split(separator: "\n").first { $0.contains("Evil") }
        #expect(row?.contains("␛]0;pwned␇") == true)
        // The "fake row" stays on the customer's own line: no extra agenda line was drawn.
        #expect(!screen.text.split(separator: "\n").contains { $0.hasPrefix("Fake row") })
        app.handle(.enter); app.render()
        #expect(!screen.text.unicodeScalars.contains { Safe.isUnsafe($0) && $0 != "\n" })
    }

    @Test func textOutputsNeutraliseAndCSVNeverStartsAFormula() {
        let agenda = Agenda(book: book(), date: Fixtures.date("2026-11-23"), collector: nil)
        let table = AgendaExport.table(agenda, book: book())
        let text = TableFormatter.format(table, as: .text)
        #expect(!text.unicodeScalars.contains { Safe.isUnsafe($0) && $0 != "\n" })
        #expect(text.contains("Evil␛]0;pwned␇"))
        let cells: [ReportTable.Cell] = [.text("=HYPERLINK(\"http://x\";\"y\")"), .text("+33 1 23"), .text("-x"), .text("@SUM(A1)"),
                                         .text("\tx"), .text("plain"), .money(Money(cents: -1234)), .int(-5)]
        let t = ReportTable(name: "t", title: "t", columns: cells.indices.map { .init("c\($0)", "c\($0)") }, rows: [cells], total: nil, notes: [])
        let csv = TableFormatter.format(t, as: .csv).split(separator: "\n")[1]
        #expect(csv == "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\",'+33 1 23,'-x,'@SUM(A1),'␉x,plain,-12.34,-5")
        // CSV printed to a terminal: control characters shown there too.
        let escaped = TableFormatter.format(ReportTable(name: "t", title: "t", columns: [.init("n", "n")], rows: [[.text(Self.evil)]], total: nil, notes: []), as: .csv)
        #expect(!escaped.unicodeScalars.contains { Safe.isUnsafe($0) && $0 != "\n" })
        #expect(escaped.contains("Evil␛]0;pwned␇"))
        // JSON stays exact.
        let json = TableFormatter.format(ReportTable(name: "t", title: "t", columns: [.init("n", "n")], rows: [[.text(Self.evil)]], total: nil, notes: []), as: .json)
        let decoded = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(((decoded?["rows"] as? [[String: Any]])?.first?["n"] as? String) == Self.evil)
    }

    @Test func anImportRefusesControlCharactersWithTheirLineAndColumn() {
        let csv = "id,name\nC1,Bon client\nC2,\"Evil\u{1B}[2J\"\nC3,Nul\u{0}byte\n"
        #expect { try Importer.plan(.customers, data: Data(csv.utf8), file: "c.csv", book: Book(), user: "helene") } throws: { error in
            let text = "\(error)"
            return text.contains("c.csv:3") && text.contains("name: control character U+001B") && text.contains("c.csv:4") && text.contains("U+0000")
        }
    }
}
