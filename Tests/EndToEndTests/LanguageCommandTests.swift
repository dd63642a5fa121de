import Foundation
import Testing
import TestSupport

/// Issue 19: the commands speak the chosen language — `LANG`'s name (on a machine with only `C.UTF-8`), `--lang`,
/// then a user's own preference — and their JSON is the same in every language.
@Suite struct LanguageCommandTests {
    var relance: String { productsDirectory + "/relance" }
    func run(_ args: [String], env: [String]) throws -> (Int32, String) {
        try Spawn.run(["timeout", "60", "env", "-u", "LC_ALL", "-u", "LC_MESSAGES"] + env + [relance] + args)
    }

    @Test func reportsAndTheAgendaSpeakTheChosenLanguageAndTheirJSONIsTheSame() throws {
        let dir = TempDirectory("language-cli"); defer { dir.remove() }
        let store = dir.file("s")
        let (d, _) = try run(["demo", "--out", store, "--customers", "12", "--seed", "2", "--today", "2026-11-23"], env: ["LANG=C.UTF-8"])
        #expect(d == 0)
        let common = ["--store", store, "--user", "helene"]
        let (s1, french) = try run(["report", "aged", "--as-of", "2026-11-23"] + common, env: ["LANG=fr_FR.UTF-8"])
        let (s2, english) = try run(["report", "aged", "--as-of", "2026-11-23"] + common, env: ["LANG=C.UTF-8"])
        #expect(s1 == 0 && s2 == 0)
        #expect(french.hasPrefix("Balance âgée au 23/11/2026"), "\(french.prefix(80))")
        #expect(english.hasPrefix("Aged balance at 23/11/2026"), "\(english.prefix(80))")
        // --lang wins over the environment.
        let (_, forced) = try run(["report", "aged", "--as-of", "2026-11-23", "--lang", "en"] + common, env: ["LANG=fr_FR.UTF-8"])
        #expect(forced == english)
        for name in ["aged", "disputes"] {
            let (_, jf) = try run(["report", name, "--as-of", "2026-11-23", "--format", "json"] + common, env: ["LANG=fr_FR.UTF-8"])
            let (_, je) = try run(["report", name, "--as-of", "2026-11-23", "--format", "json"] + common, env: ["LANG=C.UTF-8"])
            #expect(jf == je && jf.contains("\"report\""))
        }
        let (_, af) = try run(["agenda", "--date", "2026-11-23", "--format", "json"] + common, env: ["LANG=fr_FR.UTF-8"])
        let (_, ae) = try run(["agenda", "--date", "2026-11-23", "--format", "json"] + common, env: ["LANG=C.UTF-8"])
        #expect(af == ae && !af.isEmpty)
        let (_, at) = try run(["agenda", "--date", "2026-11-23"] + common, env: ["LANG=fr_FR.UTF-8"])
        #expect(at.hasPrefix("Agenda de toute l'équipe pour 2026-11-23"), "\(at.prefix(80))")
        // A user's own preference wins over the environment; --lang over both.
        let (p, _) = try run(["user", "set", "helene", "--lang", "en"] + common, env: ["LANG=fr_FR.UTF-8"])
        #expect(p == 0)
        let (_, preferred) = try run(["report", "aged", "--as-of", "2026-11-23"] + common, env: ["LANG=fr_FR.UTF-8"])
        #expect(preferred == english)
        let (_, flagged) = try run(["report", "aged", "--as-of", "2026-11-23", "--lang", "fr"] + common, env: ["LANG=C.UTF-8"])
        #expect(flagged == french)
    }
}
