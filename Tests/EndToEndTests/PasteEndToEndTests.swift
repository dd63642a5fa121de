import Foundation
import Testing
import TestSupport

/// A paste of several lines in the real terminal (bracketed paste): the note keeps its lines, nothing leaks into
/// the next field or is taken for Enter keys, and the history shows it whole.
@Suite struct PasteEndToEndTests {
    var relance: String { productsDirectory + "/relance" }

    @Test func aMultiLinePasteReachesTheNoteWhole() throws {
        let dir = TempDirectory("paste"); defer { dir.remove() }
        let (made, text) = try Spawn.run([relance, "demo", "--out", dir.path + "/s", "--customers", "5", "--today", "2026-11-23"])
        try #require(made == 0, "\(text)")
        let tmux = try Tmux("\(relance) --store \(dir.path)/s --user amelie --date 2026-11-23")
        try tmux.waitFor("Relance — Agenda")
        try tmux.keys("Enter")
        try tmux.waitFor("History (newest first)")
        try tmux.keys("n")
        try tmux.waitFor("Field note *")
        try tmux.paste("ligne un\nligne deux")
        let form = try tmux.waitFor("ligne un␊ligne deux")
        #expect(form.contains("Field note"))
        try tmux.keys("F2")
        try tmux.waitFor("Saved")
        try tmux.keys("h")
        try tmux.waitFor("Relance — History")
        try tmux.keys("Enter")
        let detail = try tmux.waitFor("   ligne deux")
        #expect(detail.contains("   ligne un"))
        try tmux.keys("Escape", "Escape", "Escape", "q")
        try tmux.waitFor("EXIT=0")
    }
}
