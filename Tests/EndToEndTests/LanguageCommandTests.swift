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

    /// The command line's messages, summaries, notes and help, not only its reports (issue 19, item 1): a refused
    /// import line, the users' table, a report's notes and a subcommand's help, in French and in English.
    @Test func messagesNotesAndHelpSpeakTheChosenLanguage() throws {
        let dir = TempDirectory("language-messages"); defer { dir.remove() }
        let store = dir.file("s")
        #expect(try run(["demo", "--out", store, "--customers", "5", "--seed", "2", "--today", "2026-11-23"], env: ["LANG=C.UTF-8"]).0 == 0)
        let common = ["--store", store, "--user", "helene"]
        let bad = dir.file("bad.csv")
        try "number,customer_id,issue_date,due_date,amount\nF-X1,NOBODY,2026-11-01,2026-12-01,-5\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let (sf, importFr) = try run(["import", "invoices", bad, "--dry-run"] + common, env: ["LANG=fr_FR.UTF-8"])
        let (se, importEn) = try run(["import", "invoices", bad, "--dry-run"] + common, env: ["LANG=C.UTF-8"])
        #expect(sf != 0 && se != 0)
        #expect(importFr.contains("l'import serait refusé") && importFr.contains("le montant doit être supérieur à zéro"), "\(importFr)")
        #expect(importEn.contains("import would be refused") && importEn.contains("amount must be above zero"), "\(importEn)")
        let (_, usersFr) = try run(["user", "list"] + common.prefix(2), env: ["LANG=fr_FR.UTF-8"])
        #expect(usersFr.hasPrefix("Utilisateurs de ") && usersFr.contains("Identifiant") && usersFr.contains("superviseur"), "\(usersFr)")
        let (_, usersEn) = try run(["user", "list"] + common.prefix(2), env: ["LANG=C.UTF-8"])
        #expect(usersEn.hasPrefix("Users of ") && usersEn.contains("supervisor") && !usersEn.contains("superviseur"), "\(usersEn)")
        let (_, dsoFr) = try run(["report", "dso", "--as-of", "2026-11-23"] + common, env: ["LANG=fr_FR.UTF-8"])
        #expect(dsoFr.contains("note : épuisement : chaque période") && dsoFr.contains("période 1") && !dsoFr.contains("count-back"), "\(dsoFr)")
        let (_, dsoCSV) = try run(["report", "dso", "--as-of", "2026-11-23", "--format", "csv"] + common, env: ["LANG=fr_FR.UTF-8"])
        #expect(dsoCSV.contains("count-back") && dsoCSV.contains("period 1"), "CSV keeps its English identifiers")
        let (_, helpFr) = try run(["agenda", "--help"], env: ["LANG=fr_FR.UTF-8"])
        #expect(helpFr.contains("Affiche l'agenda d'une date") && helpFr.contains("Le jour (par défaut : aujourd'hui)."), "\(helpFr)")
        let (_, helpEn) = try run(["agenda", "--help"], env: ["LANG=C.UTF-8"])
        #expect(helpEn.contains("Print the agenda of a date") && !helpEn.contains("aujourd'hui"))
    }
}
