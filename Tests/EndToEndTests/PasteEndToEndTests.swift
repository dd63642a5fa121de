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

/// Found by the second outside audit: the workstation opened on a day still to come recorded letters and calls
/// "on" it, which held the real days' dunning until then. Such a day opens read-only (demo stores excepted).
@Suite struct FutureDateEndToEndTests {
    var relance: String { productsDirectory + "/relance" }

    @Test func aDayStillToComeOpensReadOnly() throws {
        let dir = TempDirectory("future"); defer { dir.remove() }
        let (made, text) = try Spawn.run([relance, "init", "--store", dir.path + "/s"])
        try #require(made == 0, "\(text)")
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/s/journal.jsonl"))
        let tmux = try Tmux("\(relance) --store \(dir.path)/s --date 2099-01-01")
        let screen = try tmux.waitFor("read-only")
        #expect(screen.contains("01/01/2099 is a day still to come"), "\(screen)")
        try tmux.keys("q")
        try tmux.waitFor("EXIT=0")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/s/journal.jsonl")) == before)
    }
}
