#if canImport(Glibc)
import Glibc
#endif
import Foundation
import UserRights

/// A batch of files a long command writes outside the store (the day's letters, later e-mails), made so that a
/// `kill -9` at any moment leaves either nothing or a complete set whose recording in the store is done:
///
/// 1. the files are written into `OUT/.pending-<id>/` (a hidden folder: a pickup script never sees it), beside a
///    manifest `OUT/.pending-<id>.batch` naming each file and its account, held under `flock` while the command runs;
/// 2. the files are synced, then the command records in the store what is still true (under the store's lock);
/// 3. the files that were not recorded are removed, and the folder is renamed `OUT/<id>/` in one `rename`;
/// 4. the manifest is removed.
///
/// The next run (`recover`) finishes or removes a pending batch nobody holds: files recorded in the store are kept
/// and the folder renamed; a batch with nothing recorded is removed whole.
public final class BatchFolder {
    public let out: String
    public let id: String
    public var pendingPath: String { out + "/" + Self.pendingPrefix + id }
    public var finalPath: String { out + "/" + id }
    var manifestPath: String { pendingPath + Self.manifestSuffix }

    private let dirFD: Int32
    private let manifestFD: Int32
    private(set) public var files: [String: String] = [:]   // file name -> account id

    static let pendingPrefix = ".pending-"
    static let manifestSuffix = ".batch"
    static let fileMode: mode_t = 0o660
    static let dirMode: mode_t = 0o770

    /// Creates the pending folder and its manifest (locked) in `out`, which must exist.
    public init(out: String, id: String) throws(OutputError) {
        // Every file of a batch is the user's, written with the user's rights (never the store group's: UserRights).
        UserRights.enter()
        defer { UserRights.leave() }
        self.out = out
        self.id = id
        let pending = out + "/" + Self.pendingPrefix + id
        let manifest = pending + Self.manifestSuffix
        let m = open(manifest, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, Self.fileMode)
        guard m >= 0 else { throw OutputError(path: manifest, "cannot create: \(String(cString: strerror(errno)))") }
        guard flock(m, LOCK_EX | LOCK_NB) == 0 else { close(m); throw OutputError(path: manifest, "is locked by another run") }
        manifestFD = m
        guard mkdir(pending, Self.dirMode) == 0 else {
            let e = errno
            unlink(manifest); close(m)
            throw OutputError(path: pending, "cannot create the folder: \(String(cString: strerror(e)))")
        }
        _ = chmod(pending, Self.dirMode)
        let d = open(pending, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard d >= 0 else {
            let e = errno
            rmdir(pending); unlink(manifest); close(m)
            throw OutputError(path: pending, "cannot open the folder: \(String(cString: strerror(e)))")
        }
        dirFD = d
    }

    deinit { close(dirFD); close(manifestFD) }

    /// A new batch id: the day, the time and a random part (`2026-11-23-081512-3fa9c2`), sortable and unique.
    public static func newId(day: String) -> String {
        var t = time(nil), parts = tm()
        gmtime_r(&t, &parts)
        let clock = String(format: "%02d%02d%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
        return "\(day)-\(clock)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// Writes one file of the batch (never over another: names are unique within a batch; one written again for an
    /// account that changed replaces its own). The manifest listing it is written by `sync`.
    public func write(_ name: String, data: Data, account: String) throws(OutputError) {
        UserRights.enter()
        defer { UserRights.leave() }
        guard !name.contains("/"), !name.hasPrefix("."), !name.isEmpty else { throw OutputError(path: pendingPath + "/" + name, "not a plain file name") }
        if files[name] != nil { unlinkat(dirFD, name, 0) }   // written again after its account changed
        files.removeValue(forKey: name)
        let fd = openat(dirFD, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, Self.fileMode)
        guard fd >= 0 else { throw OutputError(path: pendingPath + "/" + name, "cannot create: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fchmod(fd, Self.fileMode)
        do { try writeAll(fd, data, path: pendingPath + "/" + name) }
        catch {
            // A full disk: the part written goes too, or `discard` would leave the folder behind, not empty.
            unlinkat(dirFD, name, 0)
            throw error
        }
        files[name] = account
    }

    /// Writes the manifest and syncs every file of the batch, the folder and the manifest: called before the batch
    /// is recorded, so that whatever the store records exists on disk.
    public func sync() throws(OutputError) {
        UserRights.enter()
        defer { UserRights.leave() }
        var text = "relance-batch 1\n"
        for (name, account) in files.sorted(by: { $0.key < $1.key }) { text += Self.escape(account) + "\t" + name + "\n" }
        guard ftruncate(manifestFD, 0) == 0 else { throw OutputError(path: manifestPath, "cannot write: \(String(cString: strerror(errno)))") }
        try writeAll(manifestFD, Data(text.utf8), path: manifestPath, at: 0)
        // One syncfs for the batch's files (thousands of them) rather than one fsync each; then the folder and
        // the manifest, and the parent that names them.
        if relance_syncfs(dirFD) != 0 {
            for name in files.keys {
                let fd = openat(dirFD, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
                guard fd >= 0, fsync(fd) == 0 else {
                    let e = errno
                    if fd >= 0 { close(fd) }
                    throw OutputError(path: pendingPath + "/" + name, "cannot sync to disk: \(String(cString: strerror(e)))")
                }
                close(fd)
            }
        }
        guard fsync(dirFD) == 0, fsync(manifestFD) == 0 else {
            throw OutputError(path: pendingPath, "cannot sync the files to disk: \(String(cString: strerror(errno)))")
        }
        syncParent()
    }

    /// Removes files of the batch that were not recorded (their accounts changed meanwhile).
    public func remove(_ name: String) {
        UserRights.enter()
        defer { UserRights.leave() }
        guard files.removeValue(forKey: name) != nil else { return }
        unlinkat(dirFD, name, 0)
    }

    /// Renames the folder to its final name (nothing left in it: removed instead) and removes the manifest.
    /// Returns the final folder, or nil when the batch was empty.
    @discardableResult
    public func finish() throws(OutputError) -> String? {
        UserRights.enter()
        defer { UserRights.leave() }
        defer { unlink(manifestPath) }
        if files.isEmpty {
            rmdir(pendingPath)
            syncParent()
            return nil
        }
        try Self.rename(pendingPath, to: finalPath)
        syncParent()
        return finalPath
    }

    /// Drops the whole batch (nothing was recorded).
    public func discard() {
        UserRights.enter()
        defer { UserRights.leave() }
        for name in files.keys { unlinkat(dirFD, name, 0) }
        files.removeAll()
        rmdir(pendingPath)
        unlink(manifestPath)
    }

    private func syncParent() {
        let p = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if p >= 0 { _ = fsync(p); close(p) }
    }

    // MARK: Recovery

    /// A pending batch left by a run that was killed, with its files and their accounts (from its manifest).
    public struct Leftover: Sendable {
        public var id: String
        public var files: [String: String]
        /// The manifest was written: the run got as far as recording (or trying to).
        public var synced: Bool
    }

    /// What `recover` did: batches finished or removed, and pending names it left alone, with the reason (a
    /// colleague's, a link, a final name taken) for the command to say.
    public struct Recovery: Sendable {
        public var finished: [(id: String, kept: Int, removed: Int)] = []
        public var leftAlone: [(path: String, reason: String)] = []
        public init() {}
    }

    /// Finishes or removes every pending batch in `out` that no running command holds. `recorded(account, path)`
    /// tells whether the store holds the record of the file `path` (`<id>/<name>`); files not recorded are removed,
    /// and the folder is renamed to its final name when any file is left.
    public static func recover(in out: String, recorded: (String, String) throws -> Bool) throws -> Recovery {
        UserRights.enter()
        defer { UserRights.leave() }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: out) else { return Recovery() }
        var result = Recovery()
        for name in names.sorted() where name.hasPrefix(pendingPrefix) {
            let manifest = name.hasSuffix(manifestSuffix)
            let id = String(name.dropFirst(pendingPrefix.count).dropLast(manifest ? manifestSuffix.count : 0))
            guard !id.isEmpty, !id.contains("/") else { continue }
            if manifest {
                if let reason = try recoverBatch(out: out, id: id, recorded: recorded, into: &result) {
                    result.leftAlone.append((out + "/" + name, reason))
                }
            } else if !names.contains(name + manifestSuffix) {
                // A pending folder without its manifest: a run that failed (a full disk) and dropped its batch, which
                // removes the manifest last. Nothing of it was recorded.
                if let reason = removeOrphan(out + "/" + name) { result.leftAlone.append((out + "/" + name, reason)) }
            }
        }
        // Manifests whose folder is gone (killed between the rename and the manifest's removal): nothing to do.
        return result
    }

    /// One pending batch: nil when finished or removed (or still running), else why it was left alone.
    private static func recoverBatch(out: String, id: String, recorded: (String, String) throws -> Bool, into result: inout Recovery) throws -> String? {
        let manifest = out + "/" + pendingPrefix + id + manifestSuffix
        let m = open(manifest, O_RDWR | O_NOFOLLOW | O_CLOEXEC)
        guard m >= 0 else { return errno == ENOENT ? nil : "cannot be opened (\(String(cString: strerror(errno))))" }
        defer { close(m) }
        guard flock(m, LOCK_EX | LOCK_NB) == 0 else { return nil }   // its run is still going
        let pending = out + "/" + pendingPrefix + id
        // Only what this program made, as this user: a manifest and a real folder (never a link to one), both ours.
        // A colleague's planted `.pending-x -> ~/important` would otherwise have its files removed.
        var ms = stat(), ps = stat()
        guard fstat(m, &ms) == 0, (ms.st_mode & S_IFMT) == S_IFREG, ms.st_uid == geteuid() else {
            return "is not a batch this user made (another owner, or not a plain file): left alone"
        }
        guard lstat(pending, &ps) == 0 else { unlink(manifest); return nil }   // killed before making its folder
        guard (ps.st_mode & S_IFMT) == S_IFDIR, ps.st_uid == geteuid() else {
            return "names \(pending), which is not a folder this user made (a link, or another owner's): left alone"
        }
        var fs = stat()
        guard lstat(out + "/" + id, &fs) != 0 else { return "cannot be finished: \(out)/\(id) already exists; left alone" }
        let text = (try? String(contentsOfFile: manifest, encoding: .utf8)) ?? ""
        var files: [String: String] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let synced = lines.first == "relance-batch 1"
        for line in lines.dropFirst() where !line.isEmpty {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            files[String(line[line.index(after: tab)...])] = unescape(String(line[..<tab]))
        }
        var kept = 0, removed = 0
        let present = (try? FileManager.default.contentsOfDirectory(atPath: pending)) ?? []
        for file in present {
            var st = stat()
            guard lstat(pending + "/" + file, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_uid == geteuid() else { continue }
            if synced, let account = files[file], try UserRights.asProgram({ try recorded(account, id + "/" + file) }) { kept += 1; continue }
            unlink(pending + "/" + file)
            removed += 1
        }
        if kept > 0 {
            try rename(pending, to: out + "/" + id)
        } else {
            rmdir(pending)
        }
        unlink(manifest)
        result.finished.append((id, kept, removed))
        return nil
    }

    /// Empties and removes a pending folder that lost its manifest, when it is a folder of this user's holding only
    /// this user's plain files; else says why it stays.
    private static func removeOrphan(_ pending: String) -> String? {
        var ps = stat()
        guard lstat(pending, &ps) == 0, (ps.st_mode & S_IFMT) == S_IFDIR, ps.st_uid == geteuid() else {
            return "has no manifest and is not a folder this user made: left alone"
        }
        let present = (try? FileManager.default.contentsOfDirectory(atPath: pending)) ?? []
        for file in present {
            var st = stat()
            guard lstat(pending + "/" + file, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_uid == geteuid() else {
                return "has no manifest and holds \(file), which this program did not write: left alone"
            }
        }
        for file in present { unlink(pending + "/" + file) }
        return rmdir(pending) == 0 ? nil : "cannot be removed: \(String(cString: strerror(errno)))"
    }

    /// `rename` that never replaces an existing folder.
    static func rename(_ from: String, to: String) throws(OutputError) {
        var st = stat()
        guard lstat(to, &st) != 0 else { throw OutputError(path: to, "already exists") }
        guard Glibc.rename(from, to) == 0 else { throw OutputError(path: to, "cannot rename \(from) to it: \(String(cString: strerror(errno)))") }
    }

    // Account ids may hold any character but a tab or a line break (the manifest's separators): escaped.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }

    static func unescape(_ s: String) -> String {
        var out = "", escaping = false
        for c in s {
            if escaping {
                out.append(c == "t" ? "\t" : c == "n" ? "\n" : c == "r" ? "\r" : c)
                escaping = false
            } else if c == "\\" { escaping = true } else { out.append(c) }
        }
        return out
    }
}

/// `syncfs(2)` (Linux; Glibc declares it only with `_GNU_SOURCE`, which the Swift module does not set).
@_silgen_name("syncfs") private func relance_syncfs(_ fd: Int32) -> Int32

func writeAll(_ fd: Int32, _ data: Data, path: String, at offset: Int? = nil) throws(OutputError) {
    var failure: Int32 = 0
    data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
        var done = 0
        while done < buf.count {
            let n = offset.map { pwrite(fd, buf.baseAddress! + done, buf.count - done, off_t($0 + done)) }
                ?? Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
            if n < 0 { if errno == EINTR { continue }; failure = errno; return }
            done += n
        }
    }
    if failure != 0 { throw OutputError(path: path, "write failed: \(String(cString: strerror(failure)))") }
}
