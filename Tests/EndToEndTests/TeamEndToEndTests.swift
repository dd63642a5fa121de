import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A real company's first day, run as three Unix users sharing one store through a group (as the README's
/// "For a team" section sets it up): root is the supervisor `helene`, `nobody` the collector `amelie`, `daemon`
/// the salesperson `zoe`; `games` is not a user of the store. Needs root (as in CI) to switch users.
@Suite(.serialized, .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
                             "needs root to run relance as other Unix users"))
struct TeamEndToEndTests {
    var relance: String { productsDirectory + "/relance" }

    func run(_ args: [String], as login: String = "root") throws -> (Int32, String) {
        let prefix: [String] = login == "root" ? [] : ["runuser", "-u", login, "-g", "nogroup", "--"]
        return try Spawn.run(["timeout", "30"] + prefix + [relance] + args)
    }

    func fingerprint(_ dir: String) -> [String: Data] { snapshotOfFiles(dir) }

    /// init + users + the canonical CSVs, in a setgid group directory.
    func firstDay(_ dir: TempDirectory) throws -> String {
        chmod(dir.path, 0o755)
        let store = dir.path + "/store"
        let (s0, t0) = try run(["init", "--store", store, "--supervisor-login", "root", "--supervisor-id", "helene",
                                "--supervisor-name", "Hélène Dupré", "--legal-name", "Négoce Dupont SAS", "--siren", "552100554",
                                "--street", "12 rue des Forges", "--postal-code", "69002", "--city", "Lyon", "--iban", "FR76 3000 6000 0112 3456 7890 189",
                                "--signatory", "Hélène Dupré, responsable du recouvrement"])
        try #require(s0 == 0, "\(t0)")
        // The team's group owns the store; new files inherit it (setgid) and are 0660.
        #expect(chown(store, 0, 65534) == 0)
        #expect(chmod(store, 0o2770) == 0)
        for name in try FileManager.default.contentsOfDirectory(atPath: store) { chown(store + "/" + name, 0, 65534) }
        for (id, name, role, login) in [("amelie", "Amélie Rousseau", "collector", "nobody"), ("zoe", "Zoé Fontaine", "salesperson", "daemon")] {
            let (s, t) = try run(["user", "add", id, "--name", name, "--role", role, "--login", login, "--store", store])
            try #require(s == 0, "\(t)")
        }
        let files: [(String, String)] = [
            ("customers", "id,name,siren,collector,salesperson,credit_limit,payment_terms_days,contact_name,contact_phone,contact_email,street,postal_code,city\n"
                + "C1,Société Générale de Chaudronnerie,552100554,amelie,zoe,50000,30,Hélène Martin,01 23 45 67 89,compta@sgc.fr,4 rue de la Forge,69007,Lyon\n"
                + "C2,Brasserie de l'Écluse SARL,,amelie,zoe,,45,,,,12 quai du Canal,21000,Dijon\n"),
            ("invoices", "number,customer_id,issue_date,due_date,amount,currency,po_number\n"
                + "F1,C1,2026-09-01,2026-10-01,\"12 000,00\",EUR,PO-1\nF2,C1,2026-10-20,2026-12-01,6000.00,EUR,\nF3,C2,2026-10-01,2026-11-15,1500.00,,\n"),
            ("payments", "date,customer_id,amount,reference,invoice_number\n2026-11-10,C2,500.00,VIR-1,F3\n"),
        ]
        for (kind, text) in files {
            let path = dir.path + "/\(kind).csv"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o644)
            let (s, t) = try run(["import", kind, path, "--store", store])
            try #require(s == 0, "\(kind): \(t)")
        }
        return store
    }

    @Test func eachRoleHasItsRightsAndNobodyActsAsSomeoneElse() throws {
        let dir = TempDirectory("team"); defer { dir.remove() }
        let store = try firstDay(dir)
        let payments = dir.path + "/payments.csv"

        // The collector reads her agenda...
        let (sa, ta) = try run(["agenda", "--store", store, "--date", "2026-11-23"], as: "nobody")
        #expect(sa == 0, "\(ta)")
        #expect(ta.contains("Société Générale de Chaudronnerie"))
        // ...but imports, user management and the company are for supervisors, and she cannot pose as one.
        let before = fingerprint(store)
        for (args, words) in [(["import", "payments", payments, "--store", store], "supervisors"),
                              (["import", "payments", payments, "--store", store, "--user", "helene"], "nobody acts as someone else"),
                              (["user", "add", "eve", "--name", "Eve", "--role", "supervisor", "--login", "nobody", "--store", store], "supervisors"),
                              (["user", "set", "amelie", "--role", "supervisor", "--store", store], "supervisors"),
                              (["company", "set", "--iban", "FR76 0000", "--store", store], "supervisors"),
                              (["agenda", "--store", store, "--user", "helene"], "nobody acts as someone else")] {
            let (s, t) = try run(args, as: "nobody")
            #expect(s == 2, "\(args.joined(separator: " ")): \(t)")
            #expect(t.contains(words) && t.contains("Nothing was changed"), "\(args.joined(separator: " ")): \(t)")
        }
        // The salesperson cannot mark letters sent; someone who is not a user cannot even read the agenda.
        let letters = dir.path + "/letters"
        try FileManager.default.createDirectory(atPath: letters, withIntermediateDirectories: true)
        chmod(letters, 0o777)
        let (sz, tz) = try run(["letters", "--store", store, "--date", "2026-11-23", "--out", letters, "--mark-sent"], as: "daemon")
        #expect(sz == 2 && tz.contains("collectors and supervisors"), "\(tz)")
        let (sg, tg) = try Spawn.run(["timeout", "30", "runuser", "-u", "games", "--", relance, "agenda", "--store", store])
        #expect(sg != 0 && (tg.contains("not a user of this store") || tg.lowercased().contains("permission denied")), "\(tg)")
        #expect(fingerprint(store) == before, "a refused command changed the store")

        // The collector marks her letters sent: the journal records her Relance user and her login.
        let (sl, tl) = try run(["letters", "--store", store, "--date", "2026-11-23", "--out", letters, "--mark-sent"], as: "nobody")
        #expect(sl == 0, "\(tl)")
        let journal = try String(contentsOfFile: store + "/journal.jsonl", encoding: .utf8).split(separator: "\n")
        let last = try #require(journal.last)
        #expect(last.contains("\"user\":\"amelie\"") && last.contains("\"login\":\"nobody\""), "\(last)")
        #expect(journal.contains { $0.contains("\"user\":\"helene\"") && $0.contains("\"login\":\"root\"") })
        // The supervisor disables the salesperson; she can no longer work, her name stays in the list.
        let (sd, td) = try run(["user", "disable", "zoe", "--store", store])
        #expect(sd == 0, "\(td)")
        let (sz2, tz2) = try run(["agenda", "--store", store], as: "daemon")
        #expect(sz2 == 2 && tz2.contains("your access was disabled by a supervisor"), "\(tz2)")
        let (su, tu) = try run(["user", "list", "--store", store, "--format", "json"], as: "nobody")
        #expect(su == 0 && tu.contains("\"disabled\" : true") && tu.contains("Zoé Fontaine"), "\(tu)")
        let (sc, tc) = try run(["check", "--store", store])
        #expect(sc == 0, "\(tc)")
    }

    @Test func theWorkstationOpensAsEachRole() throws {
        let dir = TempDirectory("team-ws"); defer { dir.remove() }
        let store = try firstDay(dir)
        // A salesperson opens on her own customers, not the collection queue (issue 20).
        for (login, expected, start) in [("root", "Hélène Dupré (supervisor)", "Relance — Agenda"), ("nobody", "Amélie Rousseau (collector)", "Relance — Agenda"),
                                         ("daemon", "Zoé Fontaine (salesperson)", "Relance — My customers")] {
            let prefix = login == "root" ? "" : "runuser -u \(login) -g nogroup -- "
            let tmux = try Tmux("\(prefix)env HOME=/tmp TERM=tmux-256color LANG=C.UTF-8 \(relance) --store \(store) --date 2026-11-23")
            let screen = try tmux.waitFor(start)
            #expect(screen.contains(expected), "\(login): \(screen)")
            #expect(!screen.contains("READ-ONLY"), "\(login): \(screen)")
            try tmux.keys("q")
            try tmux.waitFor("EXIT=0")
        }
        // Asking to be someone else is refused before the screen opens.
        let (s, t) = try run(["--store", store, "--user", "helene"], as: "nobody")
        #expect(s == 2 && t.contains("nobody acts as someone else"), "\(t)")
    }
}
