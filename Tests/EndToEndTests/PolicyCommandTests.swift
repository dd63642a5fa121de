import Foundation
import Testing
import TestSupport
import FileStore
import Receivables
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15: `relance policy show|set|edit|log` on a real store, as a supervisor would use them.
@Suite struct PolicyCommandTests {
    var relance: String { productsDirectory + "/relance" }
    func run(_ args: [String], env: [String] = []) throws -> (Int32, String) {
        try Spawn.run(["timeout", "30", "env"] + env + [relance] + args)
    }

    @Test func aSupervisorChangesThePolicyAndTheLogSaysWhoAndWhat() throws {
        let dir = TempDirectory("policy-cli"); defer { dir.remove() }
        let store = dir.file("s")
        let (d, dt) = try run(["demo", "--out", store, "--customers", "12", "--seed", "2", "--today", "2026-11-23"])
        try #require(d == 0, "\(dt)")
        // show: the JSON on standard output (what set takes), where it comes from on standard error.
        let (s, shown) = try Spawn.run(["sh", "-c", "\"$0\" policy show --store \"$1\" 2>/dev/null", relance, store])
        #expect(s == 0)
        #expect(try Policy.load(Data(shown.utf8), source: "shown") == .standard)
        let (_, both) = try run(["policy", "show", "--store", store])
        #expect(both.contains("the policy shipped with Relance"))
        // set: a misspelt key is refused with its line; nothing changes.
        let journal = try Data(contentsOf: URL(fileURLWithPath: store + "/journal.jsonl"))
        let misspelt = shown.replacingOccurrences(of: "\"graceDays\"", with: "\"graseDays\"")
        try Data(misspelt.utf8).write(to: URL(fileURLWithPath: dir.file("p.json")))
        let line = misspelt.components(separatedBy: "\n").firstIndex { $0.contains("graseDays") }! + 1
        let (s1, t1) = try run(["policy", "set", dir.file("p.json"), "--store", store, "--user", "helene"])
        #expect(s1 != 0 && t1.contains("p.json:\(line): unknown key 'graseDays'") && t1.contains("Nothing was changed."), "\(t1)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/journal.jsonl")) == journal)
        // A collector may not.
        try Data(shown.replacingOccurrences(of: "\"graceDays\" : 3", with: "\"graceDays\" : 5").utf8).write(to: URL(fileURLWithPath: dir.file("p.json")))
        let (s2, t2) = try run(["policy", "set", dir.file("p.json"), "--store", store, "--user", "amelie"])
        #expect(s2 != 0 && t2.contains("for supervisors"), "\(t2)")
        let (s3, t3) = try run(["policy", "set", dir.file("p.json"), "--store", store, "--user", "helene"])
        #expect(s3 == 0 && t3.contains("Policy saved (1 setting changed): graceDays"), "\(t3)")
        // edit: the editor changes the copy; a bad edit is refused and kept for the user, a good one saved.
        // Run by sh, not executed itself: a process another test forks while this one writes the script would hold
        // it open for writing, and executing it would then fail with "Text file busy" (the likely cause of this test
        // failing once in a full run, 2026-12-06).
        let editor = dir.file("editor.sh")
        try Data("#!/bin/sh\nsed -i 's/\"callEveryDays\" : 14/\"callEveryDays\" : 0/' \"$1\"\n".utf8).write(to: URL(fileURLWithPath: editor))
        chmod(editor, 0o755)
        let (s4, t4) = try run(["policy", "edit", "--store", store, "--user", "helene"], env: ["EDITOR=/bin/sh " + editor, "VISUAL=", "TMPDIR=" + dir.path])
        #expect(s4 != 0 && t4.contains("callEveryDays must be between 1 and 365") && t4.contains("your edit is kept in"), "\(t4)")
        try Data("#!/bin/sh\nsed -i 's/\"callEveryDays\" : 14/\"callEveryDays\" : 10/' \"$1\"\n".utf8).write(to: URL(fileURLWithPath: editor))
        let (s5, t5) = try run(["policy", "edit", "--store", store, "--user", "helene"], env: ["EDITOR=/bin/sh " + editor, "VISUAL=", "TMPDIR=" + dir.path])
        #expect(s5 == 0 && t5.contains("callEveryDays"), "\(t5)")
        // log: who and what, in order.
        let (s6, log) = try run(["policy", "log", "--store", store])
        #expect(s6 == 0)
        let lines = log.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(log)")
        #expect(lines[0].hasSuffix("by helene") && lines[1] == "  graceDays: 3 → 5", "\(log)")
        #expect(lines[2].hasSuffix("by helene") && lines[3] == "  callEveryDays: 14 → 10", "\(log)")
        // A backup restored elsewhere keeps it.
        let (s7, t7) = try run(["backup", "--store", store, "--out", dir.file("b.jsonl")])
        #expect(s7 == 0, "\(t7)")
        let (s8, t8) = try run(["restore", dir.file("b.jsonl"), "--into", dir.file("r")])
        #expect(s8 == 0, "\(t8)")
        let (_, restoredLog) = try run(["policy", "log", "--store", dir.file("r")])
        #expect(restoredLog == log)
    }
}
