import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15: the README's team set-up, in the layout where only the program writes the store. `scripts/install.sh`
/// installs the debug build setgid to a store group nobody is in; root makes the store directory; a supervisor and
/// a collector, two real Unix users made for the test, work through the program and can touch the files no other
/// way. Needs root (as in CI) to make users and a group; they are removed after.
@Suite(.serialized, .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd")
                             && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"), "needs root to make Unix users"))
struct SetgidLayoutTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// A group and two users of the test's own, removed by `remove()`.
    struct Accounts {
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var group: String { "rlg" + tag }
        var supervisor: String { "rls" + tag }
        var collector: String { "rlc" + tag }

        func make() throws {
            for args in [["groupadd", group], ["useradd", "-M", "-U", "-s", "/bin/sh", supervisor], ["useradd", "-M", "-U", "-s", "/bin/sh", collector]] {
                let (s, t) = try Spawn.run(args)
                try #require(s == 0, "\(args.joined(separator: " ")): \(t)")
            }
        }

        func remove() {
            for args in [["userdel", supervisor], ["userdel", collector], ["groupdel", group]] { _ = try? Spawn.run(args) }
        }
    }

    func run(_ relance: String, _ args: [String], as login: String? = nil) throws -> (Int32, String) {
        try Spawn.run(["timeout", "30"] + (login.map { ["runuser", "-u", $0, "--"] } ?? []) + [relance] + args)
    }

    @Test func onlyTheProgramWritesTheStore() throws {
        let accounts = Accounts()
        try accounts.make()
        defer { accounts.remove() }
        let dir = TempDirectory("setgid"); defer { dir.remove() }
        chmod(dir.path, 0o755)
        let prefix = dir.path + "/usr"

        // The install refuses a store group with members, then installs setgid to it.
        _ = try Spawn.run(["gpasswd", "-a", accounts.collector, accounts.group])
        let install = [Self.repository + "/scripts/install.sh", "--prefix", prefix, "--bin-path", productsDirectory, "--no-man", "--group", accounts.group]
        let (r0, t0) = try Spawn.run(install)
        #expect(r0 != 0 && t0.contains("has members (\(accounts.collector))"), "\(t0)")
        _ = try Spawn.run(["gpasswd", "-d", accounts.collector, accounts.group])
        let (r1, t1) = try Spawn.run(install)
        try #require(r1 == 0, "\(t1)")
        let relance = prefix + "/bin/relance"
        var st = stat()
        #expect(stat(relance, &st) == 0 && st.st_mode & S_ISGID != 0 && getgrgid(st.st_gid).map { String(cString: $0.pointee.gr_name) } == accounts.group)

        // Root makes the store directory and the store in it, naming its supervisor (a user's own `init` is refused:
        // anyone could have claimed a directory root made for a team).
        let store = dir.path + "/store"
        let (m, mt) = try Spawn.run(["install", "-d", "-o", "root", "-g", accounts.group, "-m", "2770", store])
        try #require(m == 0, "\(mt)")
        let (i0, it0) = try run(relance, ["init", "--store", store, "--supervisor-name", "Hélène Dupré", "--legal-name", "Négoce Dupont SAS"], as: accounts.supervisor)
        #expect(i0 == 2 && it0.contains("is for root in this installation"), "\(it0)")
        let (i, it) = try run(relance, ["init", "--store", store, "--supervisor-login", accounts.supervisor, "--supervisor-name", "Hélène Dupré", "--legal-name", "Négoce Dupont SAS"])
        try #require(i == 0, "\(it)")
        let (u, ut) = try run(relance, ["user", "add", "amelie", "--name", "Amélie Rousseau", "--role", "collector", "--login", accounts.collector, "--store", store], as: accounts.supervisor)
        try #require(u == 0, "\(ut)")
        let csv = dir.path + "/customers.csv"
        try Data("id,name,collector,street,postal_code,city\nC1,Société Générale de Chaudronnerie,amelie,4 rue de la Forge,69007,Lyon\n".utf8).write(to: URL(fileURLWithPath: csv))
        let invoices = dir.path + "/invoices.csv"
        try Data("number,customer_id,issue_date,due_date,amount\nF1,C1,2026-09-01,2026-10-01,12000.00\n".utf8).write(to: URL(fileURLWithPath: invoices))
        chmod(csv, 0o644); chmod(invoices, 0o644)
        for (kind, file) in [("customers", csv), ("invoices", invoices)] {
            let (s, t) = try run(relance, ["import", kind, file, "--store", store], as: accounts.supervisor)
            try #require(s == 0, "\(kind): \(t)")
        }

        // The collector works through the program...
        let (a, at) = try run(relance, ["agenda", "--store", store, "--date", "2026-11-23"], as: accounts.collector)
        #expect(a == 0 && at.contains("Société Générale de Chaudronnerie"), "\(at)")
        #expect(!at.contains("store's group"), "\(at)")
        // ...and cannot touch the files any other way, nor make herself a supervisor, nor copy the record out.
        let before = snapshotOfFiles(store)
        let attacks = [["sh", "-c", "echo '{\"crc\":\"00000000\",\"entry\":{}}' >> '\(store)/journal.jsonl'"],
                       ["sh", "-c", "cp '\(store)/snapshot.jsonl' /tmp/\(accounts.tag)-copy.jsonl"],
                       ["sh", "-c", "ls '\(store)'"]]
        for attack in attacks {
            let (s, t) = try Spawn.run(["runuser", "-u", accounts.collector, "--"] + attack)
            #expect(s != 0 && t.contains("Permission denied"), "\(attack.last!): \(t)")
        }
        for (args, words) in [(["user", "set", "amelie", "--role", "supervisor", "--store", store], "for supervisors"),
                              (["backup", "--store", store, "--out", dir.path + "/b-\(accounts.tag).jsonl"], "for supervisors"),
                              (["migrate", "--store", store], "for supervisors")] {
            let (s, t) = try run(relance, args, as: accounts.collector)
            #expect(s == 2 && t.contains(words), "\(args[0]): \(t)")
        }
        #expect(snapshotOfFiles(store) == before, "the store changed")
        // Someone who is not a user of this store reads nothing of it, whatever the command (an outside attack read
        // another team's users and IBAN with `user list` and `company show`).
        for args in [["user", "list"], ["company", "show"], ["policy", "show"], ["policy", "log"], ["agenda"]] {
            let (s, t) = try run(relance, args + ["--store", store], as: "nobody")
            #expect(s == 2 && t.contains("not a user of this store") && !t.contains("Négoce"), "\(args.joined(separator: " ")): \(t)")
        }

        // The supervisor's own paths are opened with her rights only: a backup written into the store directory is
        // refused (the program's group would have let it replace the snapshot); one in her folder is hers.
        let (b1, bt1) = try run(relance, ["backup", "--store", store, "--out", store + "/snapshot.jsonl"], as: accounts.supervisor)
        #expect(b1 != 0 && bt1.contains("ermission denied"), "\(bt1)")
        let (l1, lt1) = try run(relance, ["letters", "--store", store, "--date", "2026-11-23", "--out", store + "/letters"], as: accounts.supervisor)
        // (Refused before any write: a folder inside the store is never an output folder, issue 22.)
        #expect(l1 != 0 && (lt1.lowercased().contains("permission denied") || lt1.contains("in the store's own directory")), "\(lt1)")
        #expect(snapshotOfFiles(store) == before, "a path the supervisor named was written with the program's rights")
        let home = dir.path + "/home-sup"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        _ = try Spawn.run(["chown", accounts.supervisor, home])
        let (b2, bt2) = try run(relance, ["backup", "--store", store, "--out", home + "/b.jsonl"], as: accounts.supervisor)
        #expect(b2 == 0, "\(bt2)")
        #expect(stat(home + "/b.jsonl", &st) == 0 && getpwuid(st.st_uid).map { String(cString: $0.pointee.pw_name) } == accounts.supervisor
                && getgrgid(st.st_gid).map { String(cString: $0.pointee.gr_name) } != accounts.group, "the backup is not the supervisor's own")

        // Root restores it into a new directory: the store gets the store group and 2770, and the team opens it.
        let restored = dir.path + "/restored"
        let (rs, rt) = try Spawn.run(["timeout", "30", relance, "restore", home + "/b.jsonl", "--into", restored])
        #expect(rs == 0, "\(rt)")
        #expect(stat(restored, &st) == 0 && st.st_mode & 0o7777 == 0o2770 && getgrgid(st.st_gid).map { String(cString: $0.pointee.gr_name) } == accounts.group)
        let (ra, rat) = try run(relance, ["agenda", "--store", restored, "--date", "2026-11-23"], as: accounts.collector)
        #expect(ra == 0 && rat.contains("Société Générale"), "\(rat)")

        // What an outside attack used to get files of the store's group of its own: a demo or a restore made by a user
        // (in a shared sticky folder such as /dev/shm, or anywhere through a swapped link) is root's to do; a store
        // directory anyone may write, or not in the program's group, is refused.
        let shared = dir.path + "/shm"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(shared, 0o1777)
        for args in [["demo", "--out", shared + "/d"], ["restore", home + "/b.jsonl", "--into", shared + "/r"]] {
            let (s, t) = try run(relance, args, as: accounts.collector)
            #expect(s == 2 && t.contains("is for root in this installation"), "\(args[0]): \(t)")
        }
        let (sh, sht) = try run(relance, ["agenda", "--store", shared], as: accounts.collector)
        #expect(sh == 2 && sht.contains("may be written by anyone"), "\(sht)")
        // A name that is not a folder (a link switched between a file and a store) is refused, never opened again.
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.path + "/plainfile")); chmod(dir.path + "/plainfile", 0o644)
        let (pf, pft) = try run(relance, ["agenda", "--store", dir.path + "/plainfile"], as: accounts.collector)
        #expect(pf == 2 && pft.contains("Not a directory"), "\(pft)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared).isEmpty)
        let foreign = dir.path + "/foreign"
        let (fm, _) = try Spawn.run(["install", "-d", "-o", "root", "-g", "root", "-m", "2775", foreign])
        #expect(fm == 0)
        let (fi, fit) = try run(relance, ["user", "list", "--store", foreign], as: accounts.supervisor)
        #expect(fi == 2 && fit.contains("is not in the group \(accounts.group)"), "\(fit)")

        // A store directory the user owns is refused (she could open it to herself); a member of the group is warned.
        let own = dir.path + "/own"
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
        _ = try Spawn.run(["chown", accounts.collector, own])
        let (o, ot) = try run(relance, ["agenda", "--store", own], as: accounts.collector)
        #expect(o == 2 && ot.contains("belongs to you") && ot.contains("install -d -o root -g \(accounts.group) -m 2770"), "\(ot)")
        _ = try Spawn.run(["gpasswd", "-a", accounts.collector, accounts.group])
        let (w, wt) = try run(relance, ["agenda", "--store", store, "--date", "2026-11-23"], as: accounts.collector)
        #expect(w == 0 && wt.contains("are in the store's group \(accounts.group)"), "\(wt)")
        _ = try Spawn.run(["gpasswd", "-d", accounts.collector, accounts.group])

        // The workstation, setgid, opens for the collector.
        let tmux = try Tmux("runuser -u \(accounts.collector) -- env HOME=/tmp TERM=tmux-256color LANG=C.UTF-8 \(relance) --store \(store) --date 2026-11-23")
        let screen = try tmux.waitFor("Relance — Agenda")
        #expect(screen.contains("Amélie Rousseau (collector)"), "\(screen)")
        try tmux.keys("q")
        try tmux.waitFor("EXIT=0")
        #expect(StoreCheckRun.ok(relance, store))
    }
}

/// `relance check` as root.
enum StoreCheckRun {
    static func ok(_ relance: String, _ store: String) -> Bool {
        ((try? Spawn.run(["timeout", "30", relance, "check", "--store", store]))?.0 ?? 1) == 0
    }
}
