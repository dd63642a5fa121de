import Testing
@testable import Workstation

/// The one list view (issue 18, 2), on its own: the window, the movements, the marks.
@Suite struct ListViewTests {
    @Test(arguments: [
        // (cursor row, rows, visible, window): centred when the list is longer, never past the end.
        (0, 100, 10, 0..<10), (5, 100, 10, 0..<10), (50, 100, 10, 45..<55), (99, 100, 10, 90..<100), (3, 4, 10, 0..<4), (0, 0, 10, 0..<0),
    ])
    func theWindowKeepsTheCursorInView(row: Int, count: Int, visible: Int, window: Range<Int>) {
        #expect(ListView.window(showing: row, of: count, visible: visible) == window)
    }

    @Test func movesStayOnTheListAndMarksAreIds() {
        var list = ListView()
        #expect(list.move(.pageDown, count: 4) && list.cursor == 3)
        #expect(list.move(.up, count: 4) && list.cursor == 2)
        #expect(!list.move(.open, count: 4) && list.cursor == 2)
        list.clamp(count: 1)
        #expect(list.cursor == 0)
        list.toggleMark("C1"); list.toggleMark("C2"); list.toggleMark("C1")
        #expect(list.marked == ["C2"])
    }
}
