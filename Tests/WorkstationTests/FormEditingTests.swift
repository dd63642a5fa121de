import Testing
import TestSupport
import TerminalKit
@testable import Receivables
@testable import Workstation

/// Text editing by grapheme cluster (issue 9): what crashed the first landing (a combining accent, a skin tone, a
/// flag, each followed by any key) now edits as a person expects, and the cursor is in the field being typed.
@Suite struct FormEditingTests {
    let today = Fixtures.date("2026-11-23")

    /// The plan schedule of a 1 000,00 € invoice with the terms' defaults (250 down, 3 x 250), on an 80x24 screen.
    func scheduleOf1000() -> (App, ScreenBuffer, MemoryStore) {
        let store = MemoryStore(book: Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")]))
        let screen = ScreenBuffer(rows: 24, columns: 80)
        let app = App(session: Session(store: store, user: store.book.users["amelie"]!, today: today), terminal: screen)
        app.render()
        app.handle(.enter); app.render(); app.handle(.character("e")); app.render(); app.handle(.function(2)); app.render()
        return (app, screen, store)
    }

    /// The note form of the only account, on an 80x24 screen.
    func noteForm() -> (App, ScreenBuffer, MemoryStore) {
        let store = MemoryStore(book: Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "1000.00")]))
        let screen = ScreenBuffer(rows: 24, columns: 80)
        let app = App(session: Session(store: store, user: store.book.users["amelie"]!, today: today), terminal: screen)
        app.render()
        app.handle(.enter); app.handle(.character("n")); app.render()
        return (app, screen, store)
    }

    func type(_ app: App, _ scalars: [String]) { for s in scalars { for c in s { app.handle(.character(c)) } }; app.render() }

    var field: (App) -> FormField { { app in (app.top as! FormScreen).fields[(app.top as! FormScreen).focus] } }

    @Test(arguments: [
        (["Cafe", "\u{301}", "x"], "Caféx"),
        (["👍", "\u{1F3FD}", "x"], "👍🏽x"),
        (["\u{1F1EB}", "\u{1F1F7}", "x"], "🇫🇷x"),
        (["👩", "\u{200D}", "💻", "!"], "👩‍💻!"),
        (["a\u{1B}]0;pwned\u{07}b"], "a]0;pwnedb"),     // control characters never reach the text
        (["x\ty"], "x y"),                               // a pasted tab becomes a space
    ])
    func typingAnyTextNeverCrashesAndKeepsWhatWasTyped(keys: [String], expected: String) {
        let (app, _, _) = noteForm()
        type(app, keys)
        #expect(field(app).text == expected)
        #expect(field(app).caret == expected.count)
    }

    @Test func backspaceAndArrowsMoveByWholeCharacters() {
        let (app, _, _) = noteForm()
        type(app, ["é", "👍", "\u{1F3FD}", "🇫🇷", "z"])
        app.handle(.backspace)                 // z
        app.handle(.backspace)                 // the whole flag
        #expect(field(app).text == "é👍🏽")
        app.handle(.left); app.handle(.backspace)   // é, before the thumb
        #expect(field(app).text == "👍🏽")
        app.handle(.delete)
        #expect(field(app).text.isEmpty)
        for _ in 0..<5 { app.handle(.backspace); app.handle(.left); app.handle(.delete); app.handle(.right) }
        #expect(field(app).text.isEmpty && field(app).caret == 0)
    }

    @Test func theCursorIsInTheFieldAndALongTextScrolls() throws {
        let (app, screen, store) = noteForm()
        type(app, ["Société"])
        let label = try #require(screen.find("Field note *"), "\(screen.text)")
        var cursor = try #require(screen.cursor)
        #expect(cursor.row == label.row)
        #expect(screen.line(cursor.row).contains("Société"))
        let start = cursor.column - 7
        // 2,000 characters: the end stays visible with the cursor after it, and all of it is saved.
        let long = String(repeating: "relance client ", count: 133) + "fin"
        type(app, [long])
        cursor = try #require(screen.cursor)
        #expect(cursor.row == label.row && cursor.column > start && cursor.column < 80)
        #expect(screen.line(cursor.row).contains("client fin"))
        app.handle(.function(2))
        #expect(store.book.activities(of: "C1").last?.note == "Société" + long)
        // ...and read back whole: h lists the history, Enter shows the entry wrapped to the screen.
        app.handle(.character("h")); app.render()
        #expect(screen.line(0).contains("History"))
        app.handle(.enter); app.render()
        #expect(screen.text.contains("Note"))
        #expect(screen.text.contains("Sociétérelance client relance client"))
        app.handle(.pageDown); app.handle(.pageDown); app.handle(.pageDown); app.render()
        #expect(screen.text.contains("client fin"))
        let shown = (0..<24).map { screen.line($0) }.filter { $0.hasPrefix("   ") }.joined()
        #expect(shown.filter { $0 == "r" }.count > 60)    // many lines of the note, not one cut line
        app.handle(.escape); app.handle(.escape); app.render()
        #expect(screen.line(0).contains("Account"))
    }

    /// Issue 16 (2): changing one instalment offers to spread the difference over the following ones (Ctrl-R).
    /// 1 000,00 € in 250 down + 3 × 250; line 2 typed as 400: 150 too much, taken from lines 3 and 4 (75 each).
    @Test func changingAnInstalmentSpreadsTheDifferenceOverTheFollowingOnes() throws {
        let (app, screen, store) = scheduleOf1000()
        let schedule = try #require(app.top as? ScheduleScreen, "\(screen.text)")
        #expect(schedule.amounts == ["250,00", "250,00", "250,00", "250,00"])
        app.handle(.down)
        for _ in 0..<10 { app.handle(.backspace) }
        for c in "400" { app.handle(.character(c)) }
        app.handle(.tab); app.render()
        #expect(screen.text.contains("Off by -150,00 €: Ctrl-R spreads it over the 2 instalments after this one"), "\(screen.text)")
        app.handle(.control("r")); app.render()
        #expect((app.top as? ScheduleScreen)?.amounts == ["250,00", "400", "175,00", "175,00"])
        app.handle(.function(2)); app.render()
        #expect(screen.text.contains("Saved: payment plan of 1 000,00 €"), "\(screen.text)")
        #expect(store.book.plans.values.first?.schedule.map(\.amount) == ["250.00", "400.00", "175.00", "175.00"].map(Fixtures.eur))
    }

    /// Found by an outside attack: the schedule saved a 1,00 € down payment (0 %) without the terms form's question,
    /// and Ctrl-R with no offer showing spread over a stale line.
    @Test func theScheduleAsksAboutALowDownPaymentAndSpreadsOnlyWhatItOffered() throws {
        let (app, screen, store) = scheduleOf1000()
        app.handle(.control("r")); app.render()
        #expect(screen.text.contains("Nothing to spread"), "\(screen.text)")
        for _ in 0..<10 { app.handle(.backspace) }
        app.handle(.character("1"))
        app.handle(.tab); app.handle(.tab); app.render()     // leave the down payment's amount: offered
        app.handle(.control("r")); app.render()
        #expect((app.top as? ScheduleScreen)?.amounts == ["1", "333,00", "333,00", "333,00"])
        app.handle(.function(2)); app.render()
        #expect(screen.text.contains("Down payment is 0 % (policy: 20-30 %): F2 again to save anyway"), "\(screen.text)")
        #expect(store.book.plans.isEmpty)
        app.handle(.function(2)); app.render()
        #expect(store.book.plans.count == 1, "\(screen.text)")
    }

    @Test func theScheduleEditorShowsItsCursorAndKeepsCellsClean() throws {
        let (app, screen, _) = scheduleOf1000()
        let schedule = try #require(app.top as? ScheduleScreen, "\(screen.text)")
        #expect(screen.cursor.map { [$0.row, $0.column] } == [5, 46])          // after the amount, aligned right
        app.handle(.left); app.render()                                         // the date cell
        #expect(screen.cursor.map { [$0.row, $0.column] } == [5, 18 + TextWidth.of(schedule.dates[0])])
        for _ in 0..<12 { app.handle(.backspace) }
        for c in "2026-11-2\u{1B}4 and more" { app.handle(.character(c)) }
        app.render()
        let edited = try #require(app.top as? ScheduleScreen)
        #expect(edited.dates[0] == "2026-11-24 ")   // the escape dropped, the cell full at 11 characters
        #expect(screen.cursor?.column == 18 + 11)
    }

    /// A paste of several lines reaches the note whole (bracketed paste): line breaks kept, read back in the
    /// history; in a one-line field they become spaces; nothing leaks into the next field.
    @Test func aPastedMultiLineTextStaysInTheNote() throws {
        let (app, screen, store) = noteForm()
        app.handle(.paste("Appel du 23/11 :\r\n- accord sur 2 échéances\n- relancer le 15/12\tsans faute")); app.render()
        #expect(field(app).text == "Appel du 23/11 :\n- accord sur 2 échéances\n- relancer le 15/12 sans faute")
        #expect(screen.text.contains("␊"))
        app.handle(.function(2)); app.render()
        #expect(store.book.activities(of: "C1").last?.note == "Appel du 23/11 :\n- accord sur 2 échéances\n- relancer le 15/12 sans faute")
        app.handle(.character("h")); app.render(); app.handle(.enter); app.render()
        #expect(screen.text.contains("  - accord sur 2 échéances") && screen.text.contains("  - relancer le 15/12 sans faute"))
        // A one-line field: the promise's contact.
        app.handle(.escape); app.handle(.escape); app.render()
        app.handle(.character("p")); app.render()
        for _ in 0..<3 { app.handle(.tab) }
        for _ in 0..<30 { app.handle(.backspace) }
        app.handle(.paste("Jean\nDupont")); app.render()
        #expect(field(app).text == "Jean Dupont")
    }

    /// Issue 16 (8): a CRLF text pasted through a terminal that sends each LF as CR (xterm, tmux) arrives as CR CR;
    /// it is one line break, as in the text, not two.
    @Test func aPastedWindowsLineBreakIsOneLineBreak() throws {
        let (app, _, store) = noteForm()
        app.handle(.paste("ligne un\r\rligne deux\r\n\r\nfin")); app.render()
        #expect(field(app).text == "ligne un\nligne deux\n\nfin")
        app.handle(.function(2)); app.render()
        #expect(store.book.activities(of: "C1").last?.note == "ligne un\nligne deux\n\nfin")
    }

    /// Typed, not pasted: Ctrl-J (LF; Enter sends CR) starts a new line in a note; in a one-line field it moves on
    /// as Enter does.
    @Test func ctrlJTypesALineBreakInANoteAndMovesOnElsewhere() throws {
        let (app, screen, store) = noteForm()
        #expect(screen.text.contains("Ctrl-J new line"))
        for c in "Rappel" { app.handle(.character(c)) }
        app.handle(KeyDecoder.decode(status: 0, value: 10)!)
        for c in "2e ligne" { app.handle(.character(c)) }
        #expect(field(app).text == "Rappel\n2e ligne")
        app.handle(.function(2)); app.render()
        #expect(store.book.activities(of: "C1").last?.note == "Rappel\n2e ligne")
        app.handle(.character("p")); app.render()
        let promise = try #require(app.top as? FormScreen)
        let before = promise.focus
        app.handle(.control("j"))
        #expect((app.top as? FormScreen)?.focus == (before + 1) % promise.fields.count)
    }
}
