import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The store's file rules, through the real binary as an attacker or a careless colleague would meet them:
/// planted links and FIFOs, non-empty folders, read-only commands, files written outside the store.
@Suite struct PlantedFileTests {
    var relance: String { productsDirectory + "/relance" }

    /// Runs relance with a time limit, so a command that blocks on a FIFO fails the test instead of hanging it.
    func run(_ args: [String]) throws -> (Int32, String) {
        try Spawn.run(["timeout", "30", relance] + args)
    }

    func demo(_ path: String) throws {
        let (status, text) = try run(["demo", "--out", path, "--customers", "12", "--seed", "2", "--today", "2026-11-23"])
        try #require(status == 0, "\(text)")
    }

    /// Inode, size, mode, modification time and bytes of every file below `dir`: "changes nothing" means all of it.
    func fingerprint(_ dir: String) -> [String: String] {
        var out: [String: String] = [:]
        for name in (try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? [] {
            var st = stat()
            guard lstat(dir + "/" + name, &st) == 0 else { continue }
            let bytes = (st.st_mode & S_IFMT) == S_IFREG ? (FileManager.default.contents(atPath: dir + "/" + name)?.base64EncodedString() ?? "?") : ""
            out[name] = "\(st.st_ino) \(st.st_size) \(st.st_mode) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(bytes)"
        }
        return out
    }

    @Test func readOnlyCommandsChangeNothingNotEvenTheLock() throws {
        let dir = TempDirectory("ro-cmds"); defer { dir.remove() }
        let store = dir.path + "/s"
        try demo(store)
        // An older schema too: reading it must not migrate it.
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/stores/schema-2").path
        try FileManager.default.copyItem(atPath: fixture, toPath: dir.path + "/old")
        for path in [store, dir.path + "/old"] {
            let before = fingerprint(path)
            var commands: [[String]] = [
                ["agenda", "--store", path, "--date", "2026-11-23"],
                ["agenda", "--store", path, "--date", "2026-11-23", "--format", "json"],
                ["check", "--store", path],
                ["backup", "--store", path, "--out", dir.path + "/backup-\(UUID().uuidString.prefix(4)).jsonl"],
                ["letters", "--store", path, "--date", "2026-11-23", "--out", dir.path + "/letters-\(UUID().uuidString.prefix(4))"],
            ]
            for name in ["aged", "dso", "disputes", "promises", "cash-impact", "blocked"] {
                commands.append(["report", name, "--store", path, "--as-of", "2026-11-23"])
            }
            for var c in commands {
                if ["agenda", "letters", "report"].contains(c[0]) { c += ["--user", "amelie"] }   // the old store has no logins yet
                let (status, text) = try run(c)
                #expect(status == 0, "\(c.joined(separator: " ")): \(text)")
                #expect(fingerprint(path) == before, "\(c.joined(separator: " ")) changed the store")
            }
        }
    }

    @Test(arguments: ["store.lock", "journal.jsonl", "snapshot.jsonl", "backups"])
    func aPlantedLinkIsRefusedAndItsTargetLeftUntouched(name: String) throws {
        let dir = TempDirectory("planted"); defer { dir.remove() }
        let store = dir.path + "/s"
        try demo(store)
        // The victim stands for /etc/passwd (or a folder elsewhere): never written, renamed or deleted.
        let victim = dir.path + "/victim"
        if name == "backups" {
            try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: true)
            try Data("précieux\n".utf8).write(to: URL(fileURLWithPath: victim + "/keep.txt"))
        } else {
            try Data("root:x:0:0:root:/root:/bin/bash\n".utf8).write(to: URL(fileURLWithPath: victim))
        }
        try? FileManager.default.removeItem(atPath: store + "/" + name)
        try FileManager.default.createSymbolicLink(atPath: store + "/" + name, withDestinationPath: victim)
        let csv = dir.path + "/payments.csv"
        try Data("date,customer_id,amount,reference,invoice_number\n2026-11-20,C0001,10.00,VIR-PL-1,\n".utf8).write(to: URL(fileURLWithPath: csv))
        let victimBefore = fingerprint(dir.path).filter { $0.key.hasPrefix("victim") }
        let storeBefore = fingerprint(store)
        for c in [["check", "--store", store], ["agenda", "--store", store, "--date", "2026-11-23"],
                  ["import", "payments", csv, "--store", store],
                  ["letters", "--store", store, "--date", "2026-11-23", "--out", dir.path + "/l", "--mark-sent"],
                  ["migrate", "--store", store]] {
            let (status, text) = try run(c)
            #expect(status != 0, "\(c[0]) accepted a store whose \(name) is a link: \(text)")
            #expect(text.contains(name) && text.contains("symbolic link"), "\(c[0]): \(text)")
        }
        #expect(fingerprint(dir.path).filter { $0.key.hasPrefix("victim") } == victimBefore, "the link's target changed")
        #expect(fingerprint(store) == storeBefore, "the store changed")
    }

    @Test func aFIFOInTheStoreIsRefusedWithoutHanging() throws {
        let dir = TempDirectory("fifo"); defer { dir.remove() }
        let store = dir.path + "/s"
        try demo(store)
        try FileManager.default.removeItem(atPath: store + "/journal.jsonl")
        #expect(mkfifo(store + "/journal.jsonl", 0o660) == 0)
        for c in [["check", "--store", store], ["agenda", "--store", store, "--date", "2026-11-23"]] {
            let (status, text) = try run(c)
            #expect(status != 0 && status != 124, "\(c[0]): status \(status) \(text)")   // 124: timed out, i.e. blocked
            #expect(text.contains("journal.jsonl") && text.contains("FIFO"), "\(text)")
        }
    }

    @Test func filesWrittenOutsideTheStoreReplaceAPlantedLinkInsteadOfWritingThroughIt() throws {
        let dir = TempDirectory("outside"); defer { dir.remove() }
        let store = dir.path + "/s"
        try demo(store)
        let victim = dir.path + "/victim"
        try Data("do not touch\n".utf8).write(to: URL(fileURLWithPath: victim))
        let shared = dir.path + "/tmp"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: shared + "/backup.jsonl", withDestinationPath: victim)
        let (status, text) = try run(["backup", "--store", store, "--out", shared + "/backup.jsonl"])
        #expect(status == 0, "\(text)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "do not touch\n")
        var st = stat()
        #expect(lstat(shared + "/backup.jsonl", &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG)
        // Letters: each run writes a batch folder of its own, made new (mkdir) and filled with files made new
        // (O_EXCL|O_NOFOLLOW): a link planted in the output folder is never written through.
        let letters = dir.path + "/letters"
        let (s1, _) = try run(["letters", "--store", store, "--date", "2026-11-23", "--out", letters])
        #expect(s1 == 0)
        let batch = try #require(try FileManager.default.contentsOfDirectory(atPath: letters).sorted().first)
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: letters + "/" + batch).sorted().first)
        try FileManager.default.createSymbolicLink(atPath: letters + "/" + first, withDestinationPath: victim)
        let (s2, t2) = try run(["letters", "--store", store, "--date", "2026-11-23", "--out", letters])
        #expect(s2 == 0, "\(t2)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "do not touch\n")
        let batches = try FileManager.default.contentsOfDirectory(atPath: letters).filter { $0 != first && $0 != batch }
        #expect(batches.count == 1)
        for name in try FileManager.default.contentsOfDirectory(atPath: letters + "/" + batches[0]) {
            #expect(lstat(letters + "/" + batches[0] + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG)
        }
    }

    /// A backup never replaces what is not a file: `--out /dev/full` run by root replaced the device node.
    @Test func aBackupNeverReplacesADeviceOrAFifo() throws {
        let dir = TempDirectory("backup-device"); defer { dir.remove() }
        let store = dir.path + "/s"
        try demo(store)
        #expect(mkfifo(dir.path + "/fifo", 0o660) == 0)
        var targets = [dir.path + "/fifo"]
        if getuid() == 0, (try? Spawn.run(["mknod", dir.path + "/null", "c", "1", "3"]))?.0 == 0 { targets.append(dir.path + "/null") }
        for target in targets {
            let (status, text) = try run(["backup", "--store", store, "--out", target])
            #expect(status != 0, "\(text)")
            #expect(text.contains("not a file; name a file"), "\(text)")
            var st = stat()
            #expect(lstat(target, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG, "\(target) was replaced")
        }
    }

    @Test func aStoreIsCreatedOnlyWhereNothingElseIs() throws {
        let dir = TempDirectory("create"); defer { dir.remove() }
        // A folder with someone's files: init and demo refuse it, and touch nothing.
        let busy = dir.path + "/busy"
        try FileManager.default.createDirectory(atPath: busy, withIntermediateDirectories: true)
        try Data("ventes".utf8).write(to: URL(fileURLWithPath: busy + "/history-2024-ventes.xlsx"))
        let before = fingerprint(busy)
        for c in [["init", "--store", busy], ["demo", "--out", busy, "--customers", "3"]] {
            let (status, text) = try run(c)
            #expect(status != 0, "\(c[0]): \(text)")
            #expect(text.contains("not empty"), "\(c[0]): \(text)")
        }
        #expect(fingerprint(busy) == before)
        // Under a file: said in plain words, naming the file (Foundation's "The operation could not be completed").
        for c in [["init", "--store", busy + "/history-2024-ventes.xlsx/s/t"], ["demo", "--out", busy + "/history-2024-ventes.xlsx/s"]] {
            let (status, text) = try run(c)
            #expect(status != 0, "\(c[0]): \(text)")
            #expect(text.contains("history-2024-ventes.xlsx: is a file, not a folder") && !text.contains("could not be completed"), "\(c[0]): \(text)")
        }
        #expect(fingerprint(busy) == before)
        // An import never creates a store: it says how to make one.
        let csv = dir.path + "/customers.csv"
        try Data("id,name\nC1,Société Générale\n".utf8).write(to: URL(fileURLWithPath: csv))
        let empty = dir.path + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let (si, ti) = try run(["import", "customers", csv, "--store", empty])
        #expect(si != 0 && ti.contains("relance init"), "\(ti)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)
        // Store files without a snapshot: an incomplete store, never re-initialised.
        let broken = dir.path + "/broken"
        try demo(broken)
        try FileManager.default.removeItem(atPath: broken + "/snapshot.jsonl")
        let brokenBefore = fingerprint(broken)
        for c in [["check", "--store", broken], ["import", "customers", csv, "--store", broken], ["init", "--store", broken]] {
            let (status, text) = try run(c)
            #expect(status != 0, "\(c[0]): \(text)")
            #expect(text.contains("snapshot.jsonl"), "\(c[0]): \(text)")
        }
        #expect(fingerprint(broken) == brokenBefore)
        // And init in a new directory works, then imports go into it.
        let fresh = dir.path + "/fresh"
        let (sn, tn) = try run(["init", "--store", fresh])
        #expect(sn == 0, "\(tn)")
        let (sc, tc) = try run(["import", "customers", csv, "--store", fresh])
        #expect(sc == 0, "\(tc)")
        let (sk, tk) = try run(["check", "--store", fresh])
        #expect(sk == 0 && tk.contains("1 customer,"), "\(tk)")
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
                   "needs root to run relance as 'nobody'"))
    func anUnreadableStoreSaysPermissionDenied() throws {
        let dir = TempDirectory("perm"); defer { dir.remove() }
        chmod(dir.path, 0o755)
        let store = dir.path + "/s"
        try demo(store)
        chmod(store, 0o755)
        for name in try FileManager.default.contentsOfDirectory(atPath: store) { chmod(store + "/" + name, 0o644) }
        chmod(store + "/snapshot.jsonl", 0o600)    // the rest stays readable
        let (status, text) = try Spawn.run(["runuser", "-u", "nobody", "--", relance, "check", "--store", store])
        #expect(status != 0)
        #expect(text.contains("snapshot.jsonl") && text.lowercased().contains("permission denied"), "\(text)")
        chmod(store, 0o700)                        // the folder itself
        let (s2, t2) = try Spawn.run(["runuser", "-u", "nobody", "--", relance, "agenda", "--store", store])
        #expect(s2 != 0)
        #expect(t2.lowercased().contains("permission denied") && !t2.contains("no store here"), "\(t2)")
    }
}

/// A large import lands as a new snapshot (issue 9): afterwards the journal holds only its header, the changes are
/// in the snapshot, the snapshot before it is in backups/, and a dry run beforehand changed nothing.
@Suite struct LargeImportTests {
    @Test func aLargeImportLandsAsANewSnapshot() throws {
        let relance = productsDirectory + "/relance"
        let dir = TempDirectory("large-import"); defer { dir.remove() }
        let (made, text) = try Spawn.run([relance, "demo", "--out", dir.path + "/s", "--customers", "20", "--today", "2026-11-23"])
        try #require(made == 0, "\(text)")
        var csv = "number,customer_id,issue_date,due_date,amount\n"
        for i in 0..<6_000 { csv += "N\(i),C\(String(format: "%04d", i % 20 + 1)),2026-10-01,2026-11-01,\(100 + i % 900).50\n" }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: dir.path + "/big.csv"))
        let snapshotBefore = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/s/snapshot.jsonl"))
        let (ds, dt) = try Spawn.run([relance, "import", "invoices", dir.path + "/big.csv", "--store", dir.path + "/s", "--user", "helene", "--dry-run"])
        #expect(ds == 0 && dt.contains("would be 6000 added") && dt.contains("nothing imported"), "\(dt)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/s/snapshot.jsonl")) == snapshotBefore)
        let (status, out) = try Spawn.run([relance, "import", "invoices", dir.path + "/big.csv", "--store", dir.path + "/s", "--user", "helene"])
        #expect(status == 0, "\(out)")
        #expect(out.contains("6000 added"), "\(out)")
        let journal = try String(contentsOfFile: dir.path + "/s/journal.jsonl", encoding: .utf8)
        #expect(journal.split(separator: "\n").count == 1, "the import is still in the journal")
        let backups = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/s/backups")
        #expect(backups.contains { $0.hasPrefix("snapshot-") }, "\(backups)")
        let (cs, ct) = try Spawn.run([relance, "check", "--store", dir.path + "/s"])
        #expect(cs == 0 && ct.hasSuffix("OK\n"), "\(ct)")
    }
}

/// Found by an outside attack: two large imports at once both said "added" and the second one's snapshot,
/// planned on the state before the first, replaced it (the change number alone did not show that the book moved).
@Suite struct ConcurrentLargeImportTests {
    @Test func twoLargeImportsAtOnceBothLand() throws {
        let relance = productsDirectory + "/relance"
        let dir = TempDirectory("two-large"); defer { dir.remove() }
        let (made, text) = try Spawn.run([relance, "demo", "--out", dir.path + "/s", "--customers", "20", "--today", "2026-11-23"])
        try #require(made == 0, "\(text)")
        let before = try #require(Int(try Spawn.run([relance, "check", "--store", dir.path + "/s"]).1
            .split(separator: "\n")[1].split(separator: ",")[1].split(separator: " ")[0]))
        for prefix in ["A", "B"] {
            var csv = "number,customer_id,issue_date,due_date,amount\n"
            for i in 0..<6_000 { csv += "\(prefix)\(i),C\(String(format: "%04d", i % 20 + 1)),2026-10-01,2026-11-01,\(100 + i % 900).50\n" }
            try Data(csv.utf8).write(to: URL(fileURLWithPath: dir.path + "/\(prefix).csv"))
        }
        let pids = try ["A", "B"].map { p in
            try Spawn.start([relance, "import", "invoices", dir.path + "/\(p).csv", "--store", dir.path + "/s", "--user", "helene"], output: dir.path + "/out\(p)")
        }
        for pid in pids { #expect(Spawn.wait(pid) == 0) }
        let (cs, ct) = try Spawn.run([relance, "check", "--store", dir.path + "/s"])
        #expect(cs == 0, "\(ct)")
        #expect(ct.contains(" \(before + 12_000) invoices"), "\(ct)")
        // Run again: nothing left to add.
        let (_, again) = try Spawn.run([relance, "import", "invoices", dir.path + "/A.csv", "--store", dir.path + "/s", "--user", "helene"])
        #expect(again.contains("0 added, 0 updated, 6000 unchanged"), "\(again)")
    }
}

/// The same file imported by three processes at once: one adds, the others find it unchanged; none fails.
@Suite struct ConcurrentImportTests {
    @Test func theSameImportThreeTimesAtOnceAddsOnce() throws {
        let relance = productsDirectory + "/relance"
        let dir = TempDirectory("same-import"); defer { dir.remove() }
        let (made, text) = try Spawn.run([relance, "demo", "--out", dir.path + "/s", "--customers", "5", "--today", "2026-11-23"])
        try #require(made == 0, "\(text)")
        try Data("date,customer_id,amount,reference\n2026-11-20,C0001,10.00,VIR-SAME\n".utf8).write(to: URL(fileURLWithPath: dir.path + "/p.csv"))
        let outputs = (0..<3).map { dir.path + "/out\($0)" }
        let pids = try outputs.map { try Spawn.start([relance, "import", "payments", dir.path + "/p.csv", "--store", dir.path + "/s", "--user", "helene"], output: $0) }
        for pid in pids { #expect(Spawn.wait(pid) == 0) }
        let said = outputs.map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }
        #expect(said.filter { $0.contains("1 added") }.count == 1, "\(said)")
        #expect(said.filter { $0.contains("1 unchanged") }.count == 2, "\(said)")
    }

    /// A directory or a FIFO given as the CSV file: a clear refusal, without blocking.
    @Test func anImportOfSomethingElseThanAFileSaysWhat() throws {
        let relance = productsDirectory + "/relance"
        let dir = TempDirectory("import-odd"); defer { dir.remove() }
        let (made, text) = try Spawn.run([relance, "demo", "--out", dir.path + "/s", "--customers", "3", "--today", "2026-11-23"])
        try #require(made == 0, "\(text)")
        #expect(mkfifo(dir.path + "/fifo.csv", 0o600) == 0)
        for (path, words) in [(dir.path, "is a directory"), (dir.path + "/fifo.csv", "not a regular file"), (dir.path + "/none.csv", "No such file")] {
            let (status, out) = try Spawn.run(["timeout", "20", relance, "import", "invoices", path, "--store", dir.path + "/s", "--user", "helene"])
            #expect(status == 1 && out.contains(words), "\(path): \(status) \(out)")
        }
    }

    @Test func aDateOptionOutsideTheSupportedYearsSaysWhy() throws {
        let (status, text) = try Spawn.run([productsDirectory + "/relance", "agenda", "--date", "9999-12-31"])
        #expect(status == 64 && text.contains("year 9999 is outside the supported range 1900-2199"), "\(text)")
    }
}
