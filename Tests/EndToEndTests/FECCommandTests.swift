import Foundation
import Testing
import TestSupport

/// `relance import fec` as a user runs it (issue 21): the summary, a dry run and a refusal that write nothing, a
/// collector refused, a re-import that adds nothing, errors as `file:line: reason`.
@Suite struct FECCommandTests {
    var relance: String { productsDirectory + "/relance" }
    func run(_ args: [String]) throws -> (Int32, String) { try Spawn.run(["timeout", "60", relance] + args) }
    static let small = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fec/small.txt").path

    @Test func aSupervisorImportsAFECOnceAndOthersAreRefused() throws {
        let dir = TempDirectory("fec-cli"); defer { dir.remove() }
        let store = dir.file("s")
        let (d, dt) = try run(["demo", "--out", store, "--customers", "3", "--today", "2026-11-23"])
        try #require(d == 0, "\(dt)")
        let before = snapshotOfFiles(store)

        // A collector may not import; a dry run says what would be done; neither writes a byte.
        let (c, ct) = try run(["import", "fec", Self.small, "--store", store, "--user", "amelie"])
        #expect(c != 0 && ct.contains("supervisor"), "\(ct)")
        let (dry, dryt) = try run(["import", "fec", Self.small, "--store", store, "--user", "helene", "--dry-run"])
        #expect(dry == 0 && dryt.contains("fec would be 5 added") && dryt.contains("open total 500,00 €"), "\(dryt)")
        // A bad line refuses the whole file, naming it.
        let bad = dir.file("bad.txt")
        let text = try String(contentsOfFile: Self.small, encoding: .utf8) + "VE\tVentes\t9\t20260230\t411000\tClients\tCDUPONT\tDupont\tF9\t20260230\tx\t10,00\t0,00\t\t\t\t\t\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: bad))
        let (b, bt) = try run(["import", "fec", bad, "--store", store, "--user", "helene"])
        #expect(b == 1 && bt.contains("bad.txt:11: EcritureDate '20260230' is not a date") && bt.contains("Nothing was imported"), "\(bt)")
        #expect(snapshotOfFiles(store) == before)

        let (i, it) = try run(["import", "fec", Self.small, "--store", store, "--user", "helene"])
        #expect(i == 0 && it.contains("fec 5 added, 0 updated, 0 unchanged"), "\(it)")
        #expect(it.contains("customers: 1 (1 new)") && it.contains("these customers' open items: 1, open total 500,00 €"), "\(it)")
        #expect(it.contains("lines ignored: 5 on other accounts, 0 zero lines"), "\(it)")
        let (a, at) = try run(["account", "show", "CDUPONT", "--store", store, "--user", "helene", "--format", "json"])
        #expect(a == 0 && at.contains("\"open\" : \"500.00\"") || at.contains("\"open\":\"500.00\""), "\(at)")
        let (again, againt) = try run(["import", "fec", Self.small, "--store", store, "--user", "helene"])
        #expect(again == 0 && againt.contains("fec 0 added, 0 updated, 0 unchanged"), "\(againt)")
        let (k, kt) = try run(["check", "--store", store])
        #expect(k == 0, "\(kt)")
    }

    @Test func theSummaryIsInFrench() throws {
        let dir = TempDirectory("fec-cli-fr"); defer { dir.remove() }
        let store = dir.file("s")
        _ = try run(["demo", "--out", store, "--customers", "3", "--today", "2026-11-23"])
        let (i, it) = try Spawn.run(["env", "LANG=fr_FR.UTF-8", "LC_ALL=fr_FR.UTF-8", "timeout", "60", relance, "import", "fec", Self.small, "--store", store, "--user", "helene", "--dry-run"])
        #expect(i == 0 && it.contains("pièces ouvertes de ces clients : 1, total ouvert 500,00 €") && it.contains("lignes ignorées : 5 sur d'autres comptes"), "\(it)")
    }
}

/// The README's FEC capture is what the command prints for the sample it names.
@Suite struct FECReadmeCaptureTests {
    var relance: String { productsDirectory + "/relance" }
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = root.deletingLastPathComponent().appendingPathComponent("shared/fec-samples").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: samples + "/111111111FEC20221231.TXT")))
    func theReadmeCaptureIsReal() throws {
        let readme = try String(contentsOfFile: Self.root.appendingPathComponent("README.md").path, encoding: .utf8)
        let marker = "$ relance import fec 111111111FEC20221231.TXT\n"
        let start = try #require(readme.range(of: marker)).upperBound
        let end = try #require(readme[start...].range(of: "```")).lowerBound
        let shown = String(readme[start..<end])
        let dir = TempDirectory("fec-readme"); defer { dir.remove() }
        let store = dir.file("s")
        let (i, it) = try Spawn.run(["timeout", "30", relance, "init", "--store", store])
        try #require(i == 0, "\(it)")
        // Run from the samples' folder, as the README does, so the file is named as there.
        let (s, out) = try Spawn.run(["sh", "-c", "cd \"$1\" && RELANCE_STORE=\"$2\" LANG=C.UTF-8 timeout 30 \"$3\" import fec 111111111FEC20221231.TXT", "sh", Self.samples, store, relance])
        #expect(s == 0 && out == shown, "\(out)")
    }
}
