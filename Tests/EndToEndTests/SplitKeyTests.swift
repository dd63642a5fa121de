import Foundation
import Testing
import TestSupport
import TerminalKit

/// Issue 23: Esc waits at most 10 ms for the rest of a sequence, and an arrow key whose bytes arrive in two reads
/// (a slow ssh link) is still an arrow: before, `ESC [` then `D` 60 ms later was an Escape that cancelled the form,
/// then a "[" and a "D".
@Suite struct SplitKeyTests {
    var relance: String { productsDirectory + "/relance" }

    @Test func anArrowSplitAcrossTwoReadsIsAnArrowAndEscAloneStillCancels() throws {
        let tmux = try Tmux("\(relance) --demo --date 2026-11-23")
        try tmux.waitFor("Relance — Agenda")
        try tmux.keys("Enter")
        try tmux.waitFor("Relance — Account")
        try tmux.keys("n")
        try tmux.waitFor("Field note *")
        try tmux.type("abc")
        try tmux.waitFor("abc")
        try tmux.bytes("1b", "5b")      // ESC [ ...
        usleep(60_000)
        try tmux.bytes("44")            // ... D, 60 ms later: Left
        try tmux.type("X")
        let screen = try tmux.waitFor("abXc")
        #expect(screen.contains("Relance — Field note"), "the form is still open: \(screen)")
        // Esc alone cancels, at once.
        try tmux.keys("Escape")
        try tmux.waitFor("Relance — Account", timeout: 2)
    }
}

/// The sequences a terminal sends for the keys, decoded when they reach the program byte by byte.
@Suite struct EscapeSequenceTests {
    @Test(arguments: [
        ("[A", Key.up), ("[B", .down), ("[C", .right), ("[D", .left), ("OA", .up), ("OD", .left), ("[H", .home), ("[F", .end),
        ("OH", .home), ("OF", .end), ("[1~", .home), ("[4~", .end), ("[3~", .delete), ("[5~", .pageUp), ("[6~", .pageDown),
        ("[Z", .backTab), ("OP", .function(1)), ("OS", .function(4)), ("[11~", .function(1)), ("[15~", .function(5)),
        ("[17~", .function(6)), ("[24~", .function(12)), ("[1;5C", .right), ("[1;2A", .up), ("[1;5P", .function(1)),
    ])
    func decodes(_ sequence: String, _ key: Key) {
        #expect(KeyDecoder.decodeSequence(sequence.unicodeScalars.map(\.value)) == key)
    }

    @Test func unknownSequencesAreNotKeys() {
        for s in ["[", "[99~", "[Q", "Ox", "x"] { #expect(KeyDecoder.decodeSequence(s.unicodeScalars.map(\.value)) == nil, "\(s)") }
    }
}
