import Foundation
import Testing
import TestSupport

/// `relance letters` through the real binary (issue 10).
@Suite struct LettersCommandTests {
    var relance: String { productsDirectory + "/relance" }

    func demo(_ dir: TempDirectory) throws -> String {
        let (made, text) = try Spawn.run([relance, "demo", "--out", dir.path + "/s", "--customers", "30", "--today", "2026-11-23"])
        try #require(made == 0, "\(text)")
        return dir.path + "/s"
    }

    /// Two `--mark-sent` runs at the same moment: the letters are chosen and recorded under the lock, so one run
    /// sends them and the other finds none; nothing is recorded twice.
    @Test func twoMarkSentRunsAtOnceNeverSendALetterTwice() throws {
        let dir = TempDirectory("letters-twice"); defer { dir.remove() }
        let store = try demo(dir)
        let (_, dry) = try Spawn.run([relance, "letters", "--store", store, "--out", dir.path + "/dry", "--date", "2026-11-23", "--user", "helene"])
        let expected = try #require(Int(dry.split(separator: " ").first ?? ""), "\(dry)")
        #expect(expected > 5)
        let outputs = (0..<2).map { dir.path + "/out\($0)" }
        let pids = try outputs.enumerated().map { i, o in
            try Spawn.start([relance, "letters", "--store", store, "--out", dir.path + "/l\(i)", "--date", "2026-11-23", "--user", "helene",
                             "--mark-sent", "--format", "json"], output: o)
        }
        for pid in pids { #expect(Spawn.wait(pid) == 0) }
        func letters(_ text: Data) throws -> [[String: Any]] {
            let line = text.split(separator: UInt8(ascii: "\n")).last { $0.first == UInt8(ascii: "{") }.map { Data($0) } ?? Data()
            return try #require((try JSONSerialization.jsonObject(with: line) as? [String: Any])?["letters"] as? [[String: Any]])
        }
        func items(_ l: [[String: Any]]) -> Set<String> { Set(l.flatMap { ($0["invoices"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String } }) }
        let runs = try outputs.map { try letters(try #require(FileManager.default.contents(atPath: $0))) }
        #expect(runs.map(\.count).sorted() == [0, expected], "\(runs.map(\.count))")
        // The next day: no item written to again (the minimum interval), and check is OK.
        let (_, next) = try Spawn.run([relance, "letters", "--store", store, "--out", dir.path + "/n", "--date", "2026-11-24", "--user", "helene",
                                       "--format", "json"])
        #expect(items(try letters(Data(next.utf8))).isDisjoint(with: items(runs.flatMap { $0 })))
        let (cs, ct) = try Spawn.run([relance, "check", "--store", store])
        #expect(cs == 0, "\(ct)")
    }

    @Test func jsonSaysEachItemsLevel() throws {
        let dir = TempDirectory("letters-json"); defer { dir.remove() }
        let store = try demo(dir)
        let (status, text) = try Spawn.run([relance, "letters", "--store", store, "--out", dir.path + "/l", "--date", "2026-11-23",
                                            "--user", "helene", "--format", "json"])
        #expect(status == 0, "\(text)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let letters = try #require(json["letters"] as? [[String: Any]])
        let first = try #require(letters.first)
        #expect(Set(first.keys) == ["customer_id", "file", "step", "channel", "language", "invoices"])
        #expect(letters.allSatisfy { ($0["channel"] as? String) == "letter" || ($0["channel"] as? String) == "formal-notice" })
        let levels = letters.flatMap { ($0["invoices"] as? [[String: Any]] ?? []).compactMap { $0["level"] as? Int } }
        #expect(levels.allSatisfy { $0 == 0 || $0 == 1 })   // a fresh demo: nothing above the first reminder
        // `file` is the letter's name in the run's batch folder, `folder`.
        let folder = try #require(json["folder"] as? String)
        #expect(folder.hasPrefix(dir.path + "/l/2026-11-23-"))
        #expect(FileManager.default.fileExists(atPath: folder + "/" + (first["file"] as! String)))
    }

    /// Found by an outside audit: letters recorded as sent in 2028 froze a collector's dunning until then.
    @Test func lettersAreNeverRecordedAsSentOnADayStillToCome() throws {
        let dir = TempDirectory("letters-future"); defer { dir.remove() }
        // A real store (not a demo: demo stores may be played ahead): made by init, filled by imports.
        let store = dir.path + "/real"
        let (si, ti) = try Spawn.run([relance, "init", "--store", store])
        try #require(si == 0, "\(ti)")
        try Data("id,name\nC1,Société Générale\n".utf8).write(to: URL(fileURLWithPath: dir.path + "/c.csv"))
        try Data("number,customer_id,issue_date,due_date,amount\nF1,C1,2026-09-01,2026-10-01,100.00\n".utf8).write(to: URL(fileURLWithPath: dir.path + "/i.csv"))
        for (kind, file) in [("customers", "c.csv"), ("invoices", "i.csv")] {
            let (s, t) = try Spawn.run([relance, "import", kind, dir.path + "/" + file, "--store", store])
            try #require(s == 0, "\(t)")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: store + "/journal.jsonl"))
        let (status, text) = try Spawn.run([relance, "letters", "--store", store, "--out", dir.path + "/l", "--date", "2099-06-01", "--mark-sent"])
        #expect(status == 2 && text.contains("in the future"), "\(text)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/journal.jsonl")) == before)
        // Without --mark-sent, a later day may be previewed.
        let (ps, pt) = try Spawn.run([relance, "letters", "--store", store, "--out", dir.path + "/p", "--date", "2027-01-15"])
        #expect(ps == 0, "\(pt)")
        // A demo store may be played ahead.
        let playground = try demo(dir)
        let (ds, dt) = try Spawn.run([relance, "letters", "--store", playground, "--out", dir.path + "/d", "--date", "2099-06-01", "--user", "helene", "--mark-sent"])
        #expect(ds == 0, "\(dt)")
    }

    /// A trial user wrote 141 letters into the store's own directory.
    @Test func lettersNeverGoIntoTheStoreDirectory() throws {
        let dir = TempDirectory("letters-into-store"); defer { dir.remove() }
        let store = try demo(dir)
        let before = try FileManager.default.contentsOfDirectory(atPath: store).sorted()
        let (status, text) = try Spawn.run([relance, "letters", "--store", store, "--out", store + "/", "--date", "2026-11-23", "--user", "helene"])
        #expect(status == 2 && text.contains("the store's own directory"), "\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store).sorted() == before)
    }
}
