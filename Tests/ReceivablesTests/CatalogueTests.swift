import Foundation
import Testing
import Wording
import Receivables

/// The catalogue's loader, plural rules, placeholders and language choice (issue 19), and the checks that keep
/// `Resources/po/fr.po` and the code in step: an id the code uses that French lacks, or a French entry no code
/// uses, fails.
@Suite struct CatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    // MARK: The PO reader

    @Test func readsEntriesContinuationsEscapesPluralsAndTheHeader() throws {
        let po = try POFile.parse(#"""
        # a comment
        msgid ""
        msgstr ""
        "Language: fr\n"
        "Plural-Forms: nplurals=2; plural=(n > 1);\n"

        #. for the agenda's title
        msgid "Agenda of {name}"
        msgstr "Agenda de {name}"

        msgctxt "key bar"
        msgid "Back"
        msgstr "Retour"

        msgid "{count} call"
        msgid_plural "{count} calls"
        msgstr[0] "{count} appel"
        msgstr[1] "{count} appels"

        msgid "a \"quoted\"\tword\n"
        "and more"
        msgstr "un mot \"cité\"\t\n"
        "et plus"

        #, fuzzy
        msgid "Unsure"
        msgstr "Pas sûr"
        """#)
        #expect(po.header["Plural-Forms"] == "nplurals=2; plural=(n > 1);")
        #expect(po.entries.map(\.id) == ["Agenda of {name}", "Back", "{count} call", "a \"quoted\"\tword\nand more", "Unsure"])
        #expect(po.entries[1].context == "key bar")
        #expect(po.entries[2].plural == "{count} calls")
        #expect(po.entries[2].forms == ["{count} appel", "{count} appels"])
        #expect(po.entries[3].forms == ["un mot \"cité\"\t\net plus"])
        #expect(po.entries[4].fuzzy && !po.entries[0].fuzzy)
        #expect(po.entries[1].line == 12)
        // A fuzzy entry is not taken: the English shows rather than a guess.
        let catalogue = Catalogue(po)
        #expect(catalogue.forms("Unsure", context: nil) == nil)
        #expect(catalogue.forms("Back", context: "key bar") == ["Retour"])
        #expect(catalogue.forms("Back", context: nil) == nil)
    }

    @Test func aWindowsFileReadsAsTheSame() throws {
        let po = try POFile.parse("msgid \"Back\"\r\nmsgstr \"Retour\"\r\n\r\nmsgid \"a\"\r\nmsgstr \"b\"\r\n")
        #expect(po.entries.map(\.forms) == [["Retour"], ["b"]])
    }

    @Test(arguments: [
        ("msgid \"a\"\n", 1, "has no msgstr"),
        ("msgid \"a\"\nmsgstr \"b\"\nmsgstr \"c\"\n", 3, "msgstr without its msgid"),
        ("msgid \"a\nmsgstr \"b\"\n", 1, "double quotes"),
        ("msgid \"a\\q\"\nmsgstr \"b\"\n", 1, "unknown escape"),
        ("\"stray\"\n", 1, "outside an entry"),
        ("msgid \"a\"\nmsgstr[0] \"b\"\n", 2, "out of place"),
        ("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"b\"\nmsgstr[2] \"d\"\n", 1, "a gap"),
        ("msgid \"a\"\nmsgstr \"b\"\nmsgfoo \"c\"\n", 3, "unknown keyword"),
    ])
    func aBrokenFileIsNamedWithItsLine(text: String, line: Int, words: String) {
        #expect { try POFile.parse(text) } throws: { e in
            guard let p = e as? POFile.Problem else { return false }
            return p.line == line && p.message.contains(words)
        }
    }

    // MARK: Plurals, placeholders, language

    @Test func frenchTakesTheSingularForZeroAndOneEnglishForOneOnly() {
        #expect([0, 1, 2, 100, -1, -2].map(Language.fr.pluralIndex) == [0, 0, 1, 1, 0, 1])
        #expect([0, 1, 2, 100].map(Language.en.pluralIndex) == [1, 0, 1, 1])
    }

    @Test func placeholdersAreNamedAndMayMove() {
        #expect(Catalogue.fill("{b} avant {a}", ["a": "1", "b": "2"]) == "2 avant 1")
        #expect(Catalogue.fill("{a}{a}", ["a": "x"]) == "xx")
        // A name it lacks is left as written (a translator's typo shows); a lone brace is kept.
        #expect(Catalogue.fill("{nmae} {", ["name": "x"]) == "{nmae} {")
    }

    @Test(arguments: [
        (["LANG": "fr_FR.UTF-8"], Language.fr),
        (["LANG": "fr"], .fr),
        (["LANG": "fr_BE@euro"], .fr),
        (["LANG": "C.UTF-8"], .en),
        (["LANG": "en_GB.UTF-8"], .en),
        ([:], .en),
        (["LC_ALL": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"], .en),
        (["LC_ALL": "", "LC_MESSAGES": "fr_FR.UTF-8", "LANG": "C.UTF-8"], .fr),
        (["LC_MESSAGES": "", "LANG": "fr_CA.UTF-8"], .fr),
        (["LANG": "french"], .en),
    ])
    func theEnvironmentChoosesByTheVariablesName(environment: [String: String], language: Language) {
        #expect(Language.fromEnvironment(environment) == language)
    }

    @Test func theFlagWinsThenThePreferenceThenTheEnvironment() {
        let env = ["LANG": "fr_FR.UTF-8"]
        #expect(Language.choose(flag: .en, preference: .fr, environment: env) == .en)
        #expect(Language.choose(flag: nil, preference: .en, environment: env) == .en)
        #expect(Language.choose(flag: nil, preference: nil, environment: env) == .fr)
    }

    @Test func aTaskWordsInItsOwnLanguage() {
        let french = Language.$scoped.withValue(.fr) { Change.batch(changes: []).summary }
        let english = Language.$scoped.withValue(.en) { Change.batch(changes: []).summary }
        #expect(french == "lot de 0 modification")
        #expect(english == "batch of 0 changes")
        #expect(Language.$scoped.withValue(.fr) { DomainError.unknown(.invoice, "F1").message } == "facture F1 introuvable")
    }

    // MARK: The shipped catalogue against the code

    /// Every `tr("…")` and `trn("…", "…")` in the sources, with its context: the ids are literals, so this finds them.
    static func usedIds() throws -> [Used] {
        var out: [Used] = []
        let sources = root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        for f in files {
            let text = try String(contentsOf: sources.appendingPathComponent(f), encoding: .utf8)
            out += CallScanner.calls(in: text, file: f)
        }
        return out
    }

    @Test func theFrenchCatalogueReadsAndHasTheFrenchPluralRule() throws {
        #expect(Catalogue.frenchProblem == nil)
        let po = try Self.shipped()
        #expect(po.header["Language"] == "fr")
        #expect(po.header["Plural-Forms"] == "nplurals=2; plural=(n > 1);")
        #expect(po.entries.allSatisfy { !$0.fuzzy }, "a fuzzy entry is not shown: confirm or remove it")
    }

    static func shipped() throws -> POFile {
        try POFile.parse(try String(contentsOf: root.appendingPathComponent("Resources/po/fr.po"), encoding: .utf8))
    }

    @Test func everyTextTheCodeUsesIsInFrenchAndEveryFrenchEntryIsUsed() throws {
        let used = try Self.usedIds()
        #expect(used.count > 100, "the scanner finds the catalogue calls")
        #expect(used.filter { $0.id == nil }.map(\.place) == [], "a catalogue id must be a literal")
        let po = try Self.shipped()
        var french: [String: POFile.Entry] = [:]
        for e in po.entries {
            let key = (e.context ?? "") + "\u{4}" + e.id
            #expect(french.updateValue(e, forKey: key) == nil, "fr.po:\(e.line): \"\(e.id)\" twice")
        }
        var seen = Set<String>()
        for u in used {
            guard let id = u.id else { continue }
            let key = (u.context ?? "") + "\u{4}" + id
            seen.insert(key)
            guard let e = french[key] else { Issue.record("\(u.place): \"\(id)\" is not in fr.po"); continue }
            #expect(e.plural == u.plural, "\(u.place): \"\(id)\": its plural differs from fr.po:\(e.line)")
            #expect(e.forms.count == (u.plural == nil ? 1 : 2) && e.forms.allSatisfy { !$0.isEmpty }, "fr.po:\(e.line): \"\(id)\" untranslated")
            // Every placeholder, in any order; a plural form may leave out the number itself ("la facture ci-dessus").
            let wanted = Self.placeholders(id).union(u.plural.map(Self.placeholders) ?? [])
            for form in e.forms {
                let have = Self.placeholders(form)
                #expect(u.plural == nil ? have == wanted : have.union(["count"]) == wanted.union(["count"]),
                        "fr.po:\(e.line): the placeholders of \"\(form)\" differ from \"\(id)\"'s")
            }
        }
        for (key, e) in french where !seen.contains(key) { Issue.record("fr.po:\(e.line): \"\(e.id)\" is used by no code") }
    }

    static func placeholders(_ s: String) -> Set<String> {
        var out = Set<String>(), rest = Substring(s)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = rest[rest.index(after: open)..<close]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { out.insert(String(name)) }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }
}

struct Used {
    var id: String?
    var plural: String?
    var context: String?
    var place: String
}

/// Finds `tr(` and `trn(` calls, the `N_(`/`K_(` marks of texts kept in tables and the ids of reports' `Phrase("…")`,
/// in Swift source; reads their literal arguments.
enum CallScanner {
    static func calls(in text: String, file: String) -> [Used] {
        let chars = Array(text.unicodeScalars)
        var out: [Used] = []
        var i = 0, line = 1
        func isIdent(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" }
        while i < chars.count {
            let c = chars[i]
            if c == "\n" { line += 1 }
            // Skip comments, so a call named in a comment is not one (calls inside an interpolation count).
            if c == "/", i + 1 < chars.count, chars[i + 1] == "/" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            }
            for name in ["trn(", "tr(", "N_(", "K_(", "Phrase("] where !((i > 0 && (isIdent(chars[i - 1]) || chars[i - 1] == ".")) )
                && String(String.UnicodeScalarView(chars[i..<min(chars.count, i + name.unicodeScalars.count)])) == name {
                var j = i + name.unicodeScalars.count
                // `func tr(` is the definition.
                let before = String(String.UnicodeScalarView(chars[max(0, i - 5)..<i]))
                if before.hasSuffix("func ") { break }
                // A report's phrase is a catalogue id too; `Phrase(verbatim:)` and `Phrase(english:french:)` are data.
                if name == "Phrase(", j < chars.count, chars[j] != "\"" { break }
                var u = Used(id: nil, plural: nil, context: name == "Phrase(" ? "report" : nil, place: "\(file):\(line)")
                u.id = readLiteral(chars, &j)
                if name == "trn(", u.id != nil { skipComma(chars, &j); u.plural = readLiteral(chars, &j) }
                if name == "K_(" { u.context = "key" }
                skipComma(chars, &j)
                if String(String.UnicodeScalarView(chars[j..<min(chars.count, j + 8)])) == "context:" {
                    j += 8; while j < chars.count, chars[j] == " " { j += 1 }
                    u.context = readLiteral(chars, &j)
                }
                out.append(u)
                line += chars[i..<min(j, chars.count)].filter { $0 == "\n" }.count
                i = j
                break
            }
            i += 1
        }
        return out
    }

    static func skipComma(_ chars: [Unicode.Scalar], _ j: inout Int) {
        while j < chars.count, chars[j] == " " || chars[j] == "\n" { j += 1 }
        if j < chars.count, chars[j] == "," { j += 1 }
        while j < chars.count, chars[j] == " " || chars[j] == "\n" { j += 1 }
    }

    /// A plain string literal without interpolation at `j`, or nil.
    static func readLiteral(_ chars: [Unicode.Scalar], _ j: inout Int) -> String? {
        guard j < chars.count, chars[j] == "\"" else { return nil }
        var out = "", k = j + 1
        while k < chars.count, chars[k] != "\"" {
            if chars[k] == "\\" {
                guard k + 1 < chars.count else { return nil }
                switch chars[k + 1] {
                case "n": out += "\n"; case "t": out += "\t"; case "\"": out += "\""; case "\\": out += "\\"
                default: return nil   // an interpolation: not a literal id
                }
                k += 2
                continue
            }
            if chars[k] == "\n" { return nil }
            out.unicodeScalars.append(chars[k]); k += 1
        }
        j = k + 1
        return out
    }

}

/// `--lang` stands on any command: taken out before the parser sees it, except on `user set`, where it is the
/// user's preference.
@Suite struct LanguageFlagTests {
    @Test(arguments: [
        (["agenda", "--lang", "fr", "--store", "s"], ["agenda", "--store", "s"], Language?.some(.fr)),
        (["--lang=en"], [], .en),
        (["report", "aged"], ["report", "aged"], nil),
        (["user", "set", "amelie", "--lang", "fr"], ["user", "set", "amelie", "--lang", "fr"], nil),
        (["import", "x", "--", "--lang", "fr"], ["import", "x", "--", "--lang", "fr"], nil),
        (["--lang", "fr", "--lang", "en"], [], .en),
    ])
    func theFlagIsTakenOut(arguments: [String], left: [String], language: Language?) throws {
        let (rest, found) = try Language.extractFlag(arguments)
        #expect(rest == left)
        #expect(found == language)
    }

    @Test func aWrongValueIsNamed() {
        #expect(throws: Language.FlagProblem(value: "de")) { try Language.extractFlag(["--lang", "de"]) }
        #expect(throws: Language.FlagProblem(value: nil)) { try Language.extractFlag(["agenda", "--lang"]) }
        #expect(Language.$scoped.withValue(.en) { Language.FlagProblem(value: "de").description } == "--lang: 'de' is not fr or en")
    }
}

/// A written reminder marked sent stored its step's English label as its note: a French reader reads the step's
/// French words (from the policy), an English one the stored text; another note stays as stored.
@Suite struct SentReminderWordingTests {
    @Test func theStepIsWordedForEachReader() throws {
        let book = Book()
        let step = try #require(book.policy.steps.first { $0.channel.activityChannel.isWritten && $0.fr != nil })
        let a = Activity(id: "LTR-1", at: "t", date: CalendarDate(year: 2026, month: 11, day: 23)!, user: "amelie", customerId: "C1",
                         invoices: ["F1", "F2"], channel: step.channel.activityChannel,
                         note: "\(step.label): F1, F2 (letter 2026-11-23/C1.txt)", step: step.id)
        let english = Language.$scoped.withValue(.en) { ActivityWording.text(a, book: book) }
        let french = Language.$scoped.withValue(.fr) { ActivityWording.text(a, book: book) }
        #expect(english == a.note)
        #expect(french == "\(step.fr!.label) : F1, F2 (lettre 2026-11-23/C1.txt)")
        var other = a; other.note = "hand-written"
        #expect(Language.$scoped.withValue(.fr) { ActivityWording.text(other, book: book) } == "hand-written")
    }
}
