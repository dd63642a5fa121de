import Foundation
import Testing
import TestSupport
import FileStore
#if canImport(Glibc)
import Glibc
#endif

/// Issue 14's smaller holes, met as a team on one shared machine would meet them: links planted in a shared `/tmp`,
/// escapes in what is typed or stored, a store directory that lost its setgid bit.
@Suite struct SharedMachineTests {
    var relance: String { productsDirectory + "/relance" }

    func run(_ args: [String]) throws -> (Int32, String) { try Spawn.run(["timeout", "30", relance] + args) }

    func demo(_ path: String) throws {
        let (status, text) = try run(["demo", "--out", path, "--customers", "12", "--seed", "2", "--today", "2026-11-23"])
        try #require(status == 0, "\(text)")
    }

    /// `--out` through a link another user planted in a world-writable sticky folder wrote letters and a backup into
    /// someone else's home; such a path is refused, and the link's target is left untouched.
    @Test func aPathThroughSomeoneElsesLinkInASharedFolderIsRefused() throws {
        let dir = TempDirectory("sticky"); defer { dir.remove() }
        let store = dir.path + "/s"
        try demo(store)
        let shared = dir.path + "/tmp", home = dir.path + "/home-of-someone"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        chmod(shared, 0o1777)
        try FileManager.default.createSymbolicLink(atPath: shared + "/letters", withDestinationPath: home)
        #expect(lchown(shared + "/letters", 65534, 65534) == 0)   // planted by `nobody`
        let (s1, t1) = try run(["letters", "--store", store, "--date", "2026-11-23", "--out", shared + "/letters/out"])
        #expect(s1 != 0)
        #expect(t1.contains("a link in the shared folder") && t1.contains("belongs to another user"), "\(t1)")
        let (s2, t2) = try run(["backup", "--store", store, "--out", shared + "/letters/backup.jsonl"])
        #expect(s2 != 0)
        #expect(t2.contains("belongs to another user"), "\(t2)")
        // A name that does not exist yet, then `..`, comes back to the link all the same.
        let (s4, t4) = try run(["backup", "--store", store, "--out", shared + "/missing/../letters/backup.jsonl"])
        #expect(s4 != 0)
        #expect(t4.contains("belongs to another user"), "\(t4)")
        let (s5, t5) = try run(["letters", "--store", store, "--date", "2026-11-23", "--out", shared + "/missing/../letters/out"])
        #expect(s5 != 0)
        #expect(t5.contains("belongs to another user"), "\(t5)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: home).isEmpty)
        // One's own link there is fine, and so is a link outside a sticky folder.
        #expect(lchown(shared + "/letters", getuid(), getgid()) == 0)
        let (s3, t3) = try run(["letters", "--store", store, "--date", "2026-11-23", "--out", shared + "/letters/out"])
        #expect(s3 == 0, "\(t3)")
    }

    /// An `--out` that cannot be made says why in plain words (it printed `NSCocoaErrorDomain Code=513`).
    @Test func anOutputFolderThatCannotBeMadeSaysWhy() throws {
        let dir = TempDirectory("out-fails"); defer { dir.remove() }
        let store = dir.path + "/s"
        try demo(store)
        try Data("a file".utf8).write(to: URL(fileURLWithPath: dir.path + "/plain"))
        let (s, t) = try run(["letters", "--store", store, "--date", "2026-11-23", "--out", dir.path + "/plain/sub"])
        #expect(s != 0)
        #expect(t.contains("cannot create the folder") && !t.contains("NSCocoaErrorDomain") && !t.contains("Code="), "\(t)")
    }

    /// A full disk while the letters are written: the command says so, nothing is recorded, and no pending folder
    /// stays behind (the half-written file kept the folder from being removed, forever).
    @Test(.enabled(if: getuid() == 0, "needs root to mount a small file system")) func aFullDiskLeavesNoPendingFolder() throws {
        let dir = TempDirectory("full-disk"); defer { dir.remove() }
        let store = dir.path + "/s"
        let (status, text) = try run(["demo", "--out", store, "--customers", "60", "--seed", "2", "--today", "2026-11-23"])
        try #require(status == 0, "\(text)")
        let small = dir.path + "/small"
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let (m, mt) = try Spawn.run(["mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs", small])
        guard m == 0 else { print("skipped: cannot mount a tmpfs here (\(mt))"); return }
        defer { _ = try? Spawn.run(["umount", small]) }
        let before = try Data(contentsOf: URL(fileURLWithPath: store + "/journal.jsonl"))
        let (s, t) = try run(["letters", "--store", store, "--date", "2026-11-23", "--out", small, "--mark-sent", "--user", "helene"])
        #expect(s != 0)
        #expect(t.contains("No space left on device") && t.contains("Nothing was recorded."), "\(t)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: small).isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/journal.jsonl")) == before)
    }

    /// The `--store` path as typed, and names in JSON output, reach the terminal with their escapes shown, never sent.
    @Test func escapesInAPathOrANameNeverReachTheTerminal() throws {
        let dir = TempDirectory("escapes"); defer { dir.remove() }
        let (s, t) = try run(["agenda", "--store", dir.path + "/\u{1B}]0;owned\u{07}x"])
        #expect(s != 0)
        #expect(t.contains("cannot open the store") && !t.contains("\u{1B}") && !t.contains("\u{07}"), "\(t)")
        // A customer name holding U+202E (right-to-left override; kept by a store older than the input rules)
        // comes out of JSON escaped, and still reads back as the same name.
        let store = dir.path + "/s"
        let name = "Évil\u{202E}gnp.exe"
        _ = try JSONFileStore.create(directory: store, book: Fixtures.book(name: name, invoices: [("F1", "2026-09-01", "2026-10-01", "9000.00")]))
        let (sj, json) = try run(["agenda", "--store", store, "--format", "json", "--date", "2026-11-23", "--user", "amelie"])
        #expect(sj == 0, "\(json)")
        #expect(!json.unicodeScalars.contains { $0.value == 0x202E } && json.contains("\\u202e"), "\(json.prefix(400))")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let rows = parsed?["rows"] as? [[String: Any]] ?? []
        #expect(rows.contains { ($0["customer"] as? String) == name }, "\(rows)")
    }

    /// A store directory without its setgid bit: the files Relance creates get the directory's group all the same
    /// (before, a compaction gave them the writer's own group and locked the team out), and it warns.
    @Test(.enabled(if: getuid() == 0, "needs root to give the store another group")) func filesGetTheStoresGroupWithoutSetgid() throws {
        let dir = TempDirectory("setgid"); defer { dir.remove() }
        let store = dir.path + "/s"
        try demo(store)
        let team: gid_t = 1   // `daemon` on Debian: any group the test's own user is not primarily in
        #expect(chown(store, uid_t.max, team) == 0)
        func inodes() -> Set<UInt64> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []).map { var st = stat(); lstat(store + "/" + $0, &st); return UInt64(st.st_ino) })
        }
        let before = inodes()
        #expect(chmod(store, 0o770) == 0)
        let (ci, ct) = try run(["check", "--store", store])
        #expect(ci == 0, "\(ct)")
        #expect(ct.contains("no setgid bit"), "\(ct)")
        // A change and a compaction: every file then in the store has the store's group.
        let csv = dir.path + "/p.csv"
        try Data("date,customer_id,amount,reference\n2026-11-20,C0001,10.00,SG-1\n".utf8).write(to: URL(fileURLWithPath: csv))
        let (si, ti) = try run(["import", "payments", csv, "--store", store, "--user", "helene"])
        #expect(si == 0, "\(ti)")
        let (tools, tt) = try Spawn.run([productsDirectory + "/relance-tools", "writer", "--store", store, "--ack", dir.path + "/ack", "--tag", "G",
                                         "--count", "3", "--compact-every", "1", "--shared-every", "0"])
        #expect(tools == 0, "\(tt)")
        var created = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: store) {
            var st = stat()
            #expect(lstat(store + "/" + name, &st) == 0)
            guard !before.contains(UInt64(st.st_ino)) else { continue }   // made before the directory changed group
            created += 1
            #expect(st.st_gid == team, "\(name) has group \(st.st_gid)")
        }
        #expect(created >= 3)   // snapshot, journal, history file at least
    }
}
