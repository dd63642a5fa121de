import Testing
@testable import Interchange
@testable import Receivables

/// The aligned text of a report: columns padded to their widest cell, numbers to the right, and no line ending in
/// the padding of its last cells (what a diff or `grep 'x$'` of a report relies on).
@Suite struct TextTableTests {
    @Test func linesAreAlignedAndEndWithoutPadding() {
        let table = ReportTable(name: "t", title: "Title", columns: [.init("name", "Name"), .init("note", "Note")],
                                rows: [[.text("Société Générale"), .text("a")], [.text("B"), .text("longer note")], [.text("C"), .text("  ")]],
                                total: nil, notes: [])
        let lines = TableFormatter.text(table).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Worked by hand: "Name" column 16 wide (Société Générale), two spaces, then the note unpadded.
        #expect(lines[2] == "Name              Note")
        #expect(lines[3] == String(repeating: "-", count: 16) + "  " + String(repeating: "-", count: 11))
        #expect(lines[4] == "Société Générale  a")
        #expect(lines[5] == "B                 longer note")
        #expect(lines[6] == "C")   // a last cell of spaces: nothing after the name
        #expect(lines.allSatisfy { $0.last != " " })
    }
}
