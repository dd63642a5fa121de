import Testing
@testable import TerminalKit

@Suite struct KeyDecoderTests {
    @Test(arguments: [
        (0, 13, Key.enter), (0, 10, .control("j")), (0, 9, .tab), (0, 27, .escape), (0, 127, .backspace), (0, 19, .control("s")),
        (0, 12, .control("l")), (0, 0xE9, .character("é")), (0, 0x20AC, .character("€")), (0, 113, .character("q")),
        (0o400, 0o402, .down), (0o400, 0o403, .up), (0o400, 0o541, .backTab), (0o400, 0o412, .function(2)),
        (0o400, 0o411, .function(1)), (0o400, 0o632, .resize), (0o400, 0o522, .pageDown), (0o400, 0o527, .enter),
    ] as [(Int32, UInt32, Key)])
    func decodes(status: Int32, value: UInt32, key: Key) {
        #expect(KeyDecoder.decode(status: status, value: value) == key)
    }

    @Test func errorMeansNoKey() {
        #expect(KeyDecoder.decode(status: -1, value: 0) == nil)
    }

    @Test func tableMatchesTheCursesHeaders() {
        let c = CursesTerminal.cursesKeyCodes
        #expect(KeyDecoder.keyCodeYes == c["KEY_CODE_YES"])
        #expect(KeyDecoder.functionKeyZero == UInt32(c["KEY_F0"]!))
        let expected: [String: Key] = ["KEY_DOWN": .down, "KEY_UP": .up, "KEY_LEFT": .left, "KEY_RIGHT": .right, "KEY_HOME": .home,
            "KEY_BACKSPACE": .backspace, "KEY_DC": .delete, "KEY_NPAGE": .pageDown, "KEY_PPAGE": .pageUp, "KEY_ENTER": .enter,
            "KEY_BTAB": .backTab, "KEY_END": .end, "KEY_RESIZE": .resize]
        for (name, key) in expected { #expect(KeyDecoder.codes[UInt32(c[name]!)] == key, "\(name)") }
    }
}

@Suite struct ScreenBufferTests {
    @Test func widthOfAccentsEuroAndWideCharacters() {
        #expect(TextWidth.of("Société Générale") == 16)
        #expect(TextWidth.of("21 771,07 €") == 11)
        #expect(TextWidth.of("漢字") == 4)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.truncate("Société Générale de Chaudronnerie", to: 10) == "Société G…")
        #expect(TextWidth.pad("1,00 €", to: 8, alignRight: true) == "  1,00 €")
    }

    @Test func putReadsBackLikeCapturePaneWithStyles() {
        let screen = ScreenBuffer(rows: 3, columns: 20)
        screen.put("Créance 21 771,07 €", row: 1, column: 0, style: .overdue)
        screen.put("x漢", row: 2, column: 18, style: .plain)       // the wide character does not fit: cut
        #expect(screen.text == "\nCréance 21 771,07 €\n                  x")
        #expect(screen.style(row: 1, column: 0) == .overdue)
        #expect(screen.find("21 771")! == (1, 8))
    }
}

/// Display widths as the terminal's `wcwidth` gives them (issue 9: the hand table disagreed on ⌚ ✅ ⚡ ☕...).
@Suite struct TextWidthTests {
    @Test(arguments: [("a", 1), ("é", 1), ("e\u{301}", 1), ("€", 1), ("漢", 2), ("⌚", 2), ("✅", 2), ("⚡", 2), ("☕", 2),
                      ("🇫🇷", 2), ("👍🏽", 2), ("❤️", 2), ("\u{301}", 0), ("…", 1), ("─", 1)])
    func aCharacterTakesTheColumnsTheTerminalGivesIt(text: String, columns: Int) {
        #expect(TextWidth.of(text) == columns, "\(text)")
    }
}
