import Foundation
import Testing
import TestSupport
import DemoData
#if canImport(Glibc)
import Glibc
#endif

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

    /// Issue 14: `kill -9` at any moment of `letters --mark-sent` leaves either nothing or a complete, recorded batch:
    /// the next run finishes a recorded batch (its folder named) or removes one nothing recorded. Before, 7 of 25
    /// killed runs left hundreds of letter files that nothing recorded, which a mail pickup would send again.
    /// In French too: the recovery looked for the catalogue's "(lettre …)" in notes the store keeps as "(letter …)",
    /// and took every recorded letter of a killed French run for unrecorded.
    @Test(arguments: ["C.UTF-8", "fr_FR.UTF-8"]) func aKilledMarkSentRunLeavesNothingOrACompleteRecordedBatch(lang: String) throws {
        let dir = TempDirectory("letters-kill-\(lang)"); defer { dir.remove() }
        let (made, text) = try Spawn.run([relance, "demo", "--out", dir.path + "/s", "--customers", "200", "--today", "2026-11-23"])
        try #require(made == 0, "\(text)")
        let store = dir.path + "/s", out = dir.path + "/out"
        var rng = SeededRandom(seed: 14)
        // Each day: a run killed after 0-250 ms (before, while and after it records), then a run to the end.
        var days: [String] = []
        for k in 0..<(lang == "C.UTF-8" ? 8 : 5) {
            let day = String(format: "2026-11-%02d", 23 + k)
            days.append(day)
            let pid = try Spawn.start(["env", "LANG=\(lang)", "LC_ALL=\(lang)", relance, "letters", "--store", store, "--out", out, "--date", day, "--user", "helene", "--mark-sent"])
            usleep(UInt32(rng.int(250_000)))
            kill(pid, SIGKILL)
            Spawn.wait(pid)
            let (status, text) = try Spawn.run(["env", "LANG=\(lang)", "LC_ALL=\(lang)", relance, "letters", "--store", store, "--out", out, "--date", day, "--user", "helene", "--mark-sent"])
            #expect(status == 0, "\(text)")
        }
        // No pending batch, and the letter files are exactly the letters the store records, one per customer and day.
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(!names.contains { $0.hasPrefix(".") }, "\(names)")
        var files: [String] = []
        for batch in names { files += try FileManager.default.contentsOfDirectory(atPath: out + "/" + batch).map { batch + "/" + $0 } }
        let (cs, ct) = try Spawn.run([relance, "check", "--store", store])
        #expect(cs == 0, "\(ct)")
        let recorded = try recordedLetters(store)
        #expect(Set(files) == recorded, "files without record: \(Set(files).subtracting(recorded).prefix(3)); records without file: \(recorded.subtracting(files).prefix(3))")
        let perDay = Dictionary(grouping: files) { f in String(f.split(separator: "/").last!) }
        #expect(perDay.values.allSatisfy { $0.count == 1 }, "a customer got two letters the same day")
        #expect(files.count > 20)
    }

    /// The `(letter <batch>/<file>)` references of the store's history, read from its files.
    func recordedLetters(_ store: String) throws -> Set<String> {
        var out = Set<String>()
        let paths = try FileManager.default.contentsOfDirectory(atPath: store).filter { $0.hasPrefix("history-") || $0 == "journal.jsonl" }
        for p in paths {
            let text = try String(contentsOfFile: store + "/" + p, encoding: .utf8)
            var rest = Substring(text)
            while let r = rest.range(of: "(letter ") {
                let tail = rest[r.upperBound...]
                guard let end = tail.firstIndex(of: ")") else { break }
                out.insert(String(tail[..<end]))
                rest = tail[end...]
            }
        }
        return out
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
