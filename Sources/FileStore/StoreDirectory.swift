#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The store's directory and the rules for every file in it (docs/STORE.md, "File rules"):
///
/// - every file is opened *relative to the directory* with `O_NOFOLLOW`, so a symbolic link planted in the
///   store is never followed (the `--store` path itself may be a link: it is resolved once, when opened);
/// - reads open with `O_NONBLOCK` and check with `fstat` that they got a regular file, so a FIFO or a device
///   planted in the store cannot hang or feed the reader;
/// - files being written (temporary files, the next generation's history and snapshot) are created with
///   `O_EXCL` and hold an exclusive `flock` while they are written: cleanup removes only leftovers it can lock
///   itself, never a file another process is still writing (pids are reused and lie across namespaces).
final class StoreDirectory {
    let path: String
    let fd: Int32

    enum Kind: Equatable { case missing, regular, directory, symlink, fifo, other }

    /// The directory's group: every file the store creates is given it, as a setgid directory would do. A store
    /// directory that lost its setgid bit would otherwise get files in the creator's own group after a compaction,
    /// and lock the rest of the team out (issue 14).
    var group: gid_t {
        var st = stat()
        return fstat(fd, &st) == 0 ? st.st_gid : gid_t.max
    }

    /// True when the directory is shared with a group (group-writable, a group other than its owner's own) but has
    /// no setgid bit: `relance` then warns (files it creates are given the group all the same).
    var lacksSetgid: Bool {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IWGRP != 0, st.st_mode & S_ISGID == 0 else { return false }
        guard let pw = getpwuid(st.st_uid) else { return true }
        return pw.pointee.pw_gid != st.st_gid
    }

    /// Gives a file this process created the directory's group (when it is not already; allowed when the user is a
    /// member of that group, which a team member is).
    func adopt(_ file: Int32) {
        var st = stat()
        let g = group
        if g != gid_t.max, fstat(file, &st) == 0, st.st_gid != g { _ = fchown(file, uid_t.max, g) }
    }

    /// Opens the directory (following a link given as the store path itself). Errors say what is wrong:
    /// missing, not a directory, permission denied.
    init(path: String) throws {
        self.path = path
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            switch e {
            case ENOENT: throw StoreError(file: path, "no store here (create one with `relance init --store \(path)`)")
            case ENOTDIR: throw StoreError(file: path, "is not a directory")
            default: throw StoreError(file: path, "cannot open the directory: \(Posix.errorText(e))")
            }
        }
        self.fd = fd
    }

    /// A subdirectory, refused when it is a link or not a directory; created (0770) when `create` and missing.
    init(parent: StoreDirectory, name: String, create: Bool) throws {
        path = parent.path + "/" + name
        var made = false
        if create, parent.kind(of: name) == .missing {
            if mkdirat(parent.fd, name, Posix.dirMode) == 0 { made = true }
            else if errno != EEXIST { throw StoreError(file: path, "cannot create the directory: \(Posix.errorText())") }
        }
        let fd = openat(parent.fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if made, fd >= 0 {
            // 0770 whatever the umask, keeping the setgid bit of a team's directory (files stay in its group). On the
            // descriptor of the folder just made, never through its name: a name swapped for a link meanwhile gave
            // the setgid bit to a file of the caller's (an outside attack made itself a setgid program that way).
            var st = stat()
            let setgid: mode_t = fstat(parent.fd, &st) == 0 ? st.st_mode & S_ISGID : 0
            _ = fchmod(fd, Posix.dirMode | setgid)
            _ = fchown(fd, uid_t.max, parent.group)
        }
        guard fd >= 0 else {
            let e = errno
            let kind = parent.kind(of: name)
            throw StoreError(file: path, kind == .symlink ? "is a symbolic link; a store never follows links"
                                        : kind == .missing ? "is missing" : "cannot open the directory: \(Posix.errorText(e))")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    func file(_ name: String) -> String { path.hasSuffix("/") ? path + name : path + "/" + name }

    /// What is at `name`, without following a link.
    func kind(of name: String) -> Kind {
        var st = stat()
        guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return errno == ENOENT ? .missing : .other }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        case S_IFIFO: return .fifo
        default: return .other
        }
    }

    /// Throws unless `name` is missing or a regular file (or a directory, for `directory: true`).
    func requirePlain(_ name: String, directory: Bool = false) throws {
        switch kind(of: name) {
        case .missing: return
        case .regular where !directory, .directory where directory: return
        case .symlink: throw StoreError(file: file(name), "is a symbolic link; a store never follows links (remove it or restore the file)")
        case .fifo: throw StoreError(file: file(name), "is a FIFO, not a regular file")
        case .directory: throw StoreError(file: file(name), "is a directory, expected a file")
        case .regular: throw StoreError(file: file(name), "is a file, expected a directory")
        case .other: throw StoreError(file: file(name), "is not a regular file (device or socket)")
        }
    }

    func exists(_ name: String) -> Bool { kind(of: name) != .missing }

    // MARK: Reading

    /// Opens a regular file for reading: never follows a link, never blocks on a FIFO.
    func openForReading(_ name: String) throws -> Int32 {
        let fd = openat(self.fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw openError(name, errno) }
        do { try requireRegular(fd, name) } catch { close(fd); throw error }
        return fd
    }

    func read(_ name: String) throws -> Data {
        let fd = try openForReading(name)
        defer { close(fd) }
        return try Posix.readAll(fd, path: file(name))
    }

    /// Bytes `range` of `name`; a file shorter than that is an error saying so.
    func read(_ name: String, range: Range<Int>) throws -> Data {
        let fd = try openForReading(name)
        defer { close(fd) }
        var data = Data(count: range.count)
        var got = 0
        while got < range.count {
            let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, range.count - got, off_t(range.lowerBound + got)) }
            if n < 0 { if errno == EINTR { continue }; throw StoreError(file: file(name), "read failed: \(Posix.errorText())") }
            if n == 0 { throw StoreError(file: file(name), "ends at byte \(range.lowerBound + got), before byte \(range.upperBound) that the snapshot names: the file is truncated") }
            got += n
        }
        return data
    }

    /// Identity, size and modification time of `name` (not following links), to notice others' changes cheaply.
    func stamp(_ name: String) -> Posix.FileStamp? {
        var st = stat()
        guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Posix.FileStamp(inode: UInt64(st.st_ino), size: Int64(st.st_size), mtime: st.st_mtim.tv_sec * 1_000_000_000 + st.st_mtim.tv_nsec)
    }

    /// Whether this user may write `name` (for read-only sessions); a missing file counts as writable.
    func isWritable(_ name: String) -> Bool {
        exists(name) ? faccessat(fd, name, W_OK, AT_EACCESS) == 0 : true
    }

    var isWritable: Bool { faccessat(fd, ".", W_OK, AT_EACCESS) == 0 }

    func list() -> [String] {
        let copy = dup(fd)
        guard copy >= 0, let dir = fdopendir(copy) else { if copy >= 0 { close(copy) }; return [] }
        defer { closedir(dir) }
        rewinddir(dir)
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    // MARK: Writing

    /// Opens an existing regular file for appending (the journal), never through a link.
    func openForAppending(_ name: String) throws -> Int32 {
        let fd = openat(self.fd, name, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw openError(name, errno) }
        do { try requireRegular(fd, name) } catch { close(fd); throw error }
        return fd
    }

    /// Opens the lock file (`create`: a new store's): never through a link, only a regular file.
    func openLockFile(_ name: String, writable: Bool, create: Bool = false) throws -> Int32 {
        let flags = writable ? (O_RDWR | (create ? O_CREAT | O_EXCL : 0)) : O_RDONLY
        let fd = openat(self.fd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, Posix.fileMode)
        guard fd >= 0 else { throw openError(name, errno) }
        do { try requireRegular(fd, name) } catch { close(fd); throw error }
        if create { _ = fchmod(fd, Posix.fileMode); adopt(fd) }   // whatever the umask: the team's group shares the store
        return fd
    }

    /// Creates `name` new (`O_EXCL`), locked (`flock LOCK_EX`) for as long as the returned file is open.
    /// Between the create and the lock, a cleanup could lock and remove the file: the identity check after
    /// locking notices it, and a new name is tried.
    func createLocked(_ name: () -> String) throws -> LockedFile {
        for _ in 0..<20 {
            let n = name()
            let fd = openat(self.fd, n, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, Posix.fileMode)
            guard fd >= 0 else {
                if errno == EEXIST { continue }
                throw StoreError(file: file(n), "cannot create: \(Posix.errorText())")
            }
            _ = fchmod(fd, Posix.fileMode)
            adopt(fd)
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            var mine = stat(), there = stat()
            if fstat(fd, &mine) == 0, fstatat(self.fd, n, &there, AT_SYMLINK_NOFOLLOW) == 0,
               mine.st_ino == there.st_ino, mine.st_dev == there.st_dev {
                return LockedFile(directory: self, name: n, fd: fd)
            }
            close(fd)   // removed by a cleanup before we locked it: try another name
        }
        throw StoreError(file: file(name()), "cannot create a temporary file (too many collisions)")
    }

    /// Writes `data` to `name` so that a crash leaves either the old or the new file: a new locked temporary
    /// file, write, fsync, rename, fsync of the directory.
    func writeAtomically(_ data: Data, to name: String) throws {
        try writeAtomically(to: name) { try Posix.writeAll($0.fd, data, path: $0.path) }
    }

    /// The same for a file written by `body` as it goes (a backup streams a store larger than memory should hold).
    func writeAtomically(to name: String, _ body: (LockedFile) throws -> Void) throws {
        let temp = try createLocked { temporaryName(for: name) }
        defer { temp.close() }
        do {
            try body(temp)
            try Posix.fsync(temp.fd, path: temp.path)
        } catch { temp.discard(); throw error }
        do {
            try rename(temp.name, to: name)
            temp.name = name
        } catch { temp.discard(); throw error }
        try sync()
    }

    /// Like `writeAtomically`, but the file takes a name nobody else has: the first of `names()` that does not
    /// exist, claimed with a hard link (which, unlike a rename, never replaces an existing file). Two compactions
    /// of the same change both want `history-<seq>.jsonl`: the second gets another name instead of replacing the
    /// first one's file. Returned still locked, so no cleanup takes it for a leftover before a snapshot names it.
    func writeNew(_ data: Data, tempBase: String, named names: () -> String) throws -> LockedFile {
        let temp = try writeAside(data, to: temporaryName(for: tempBase))
        do {
            var claimed: String?
            for _ in 0..<20 {
                let candidate = names()
                if linkat(fd, temp.name, fd, candidate, 0) == 0 { claimed = candidate; break }
                guard errno == EEXIST else { throw StoreError(file: file(candidate), "cannot create: \(Posix.errorText())") }
            }
            guard let claimed else { throw StoreError(file: file(temp.name), "no free name for the new file") }
            unlinkat(fd, temp.name, 0)
            temp.name = claimed
        } catch { temp.discard(); throw error }
        try sync()
        return temp
    }

    /// `<name>.tmp-<pid>-<random>`: the only temporary names cleanup considers (with `compact<digits>`).
    func temporaryName(for name: String, tag: String = "") -> String {
        "\(name).tmp-\(getpid())-\(tag)\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Writes `data` to a new locked file `name` (`O_EXCL`) and fsyncs it, for a later rename into place.
    func writeAside(_ data: Data, to name: String) throws -> LockedFile {
        let f = try createLocked { name }
        do {
            try Posix.writeAll(f.fd, data, path: f.path)
            try Posix.fsync(f.fd, path: f.path)
        } catch { f.discard(); throw error }
        return f
    }

    func rename(_ from: String, to: String) throws {
        guard renameat(fd, from, fd, to) == 0 else { throw StoreError(file: file(to), "rename failed: \(Posix.errorText())") }
    }

    func unlink(_ name: String) { _ = unlinkat(fd, name, 0) }

    /// A hard link of `name` in `target` (backups: they cost nothing). Links are never followed.
    /// Hard-links `name` into `target` as `newName`, or `newName-2`, `-3`... when that name is taken (two backups in
    /// the same second once overwrote nothing and kept only the first); returns the name used, nil on failure.
    /// Hard-links `name` into `target` as `newName` (with `-2`, `-3`... when `unique` and the name is taken; when not
    /// `unique`, a name already there is taken to be this file, linked before). Throws when the link cannot be made:
    /// a compaction keeps the previous snapshot this way, and must not replace it without.
    @discardableResult
    func link(_ name: String, into target: StoreDirectory, as newName: String, unique: Bool = true) throws -> String {
        let dot = newName.lastIndex(of: ".") ?? newName.endIndex
        for k in 1...(unique ? 100 : 1) {
            let candidate = k == 1 ? newName : String(newName[..<dot]) + "-\(k)" + String(newName[dot...])
            if linkat(fd, name, target.fd, candidate, 0) == 0 { return candidate }
            guard errno == EEXIST else {
                throw StoreError(file: target.file(candidate), "cannot keep a copy of \(name) there: \(Posix.errorText())")
            }
            if !unique { return candidate }
        }
        throw StoreError(file: target.file(newName), "cannot keep a copy of \(name) there: 100 names taken")
    }

    func sync() throws { try Posix.fsync(fd, path: path) }

    /// Removes the leftovers among `names` that nobody is writing: each is locked with `LOCK_EX|LOCK_NB` first,
    /// and a file someone holds locked (a compaction writing its next generation) is left alone.
    /// Returns the names removed. Only regular files are touched.
    @discardableResult
    func removeUnlocked(_ names: [String]) -> [String] {
        var removed: [String] = []
        for name in names {
            let f = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard f >= 0 else { continue }
            defer { Glibc.close(f) }
            var st = stat(), there = stat()
            guard fstat(f, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, flock(f, LOCK_EX | LOCK_NB) == 0 else { continue }
            // Still the same file under that name (not renamed into place meanwhile)?
            guard fstatat(fd, name, &there, AT_SYMLINK_NOFOLLOW) == 0, there.st_ino == st.st_ino else { continue }
            if unlinkat(fd, name, 0) == 0 { removed.append(name) }
        }
        return removed
    }

    // MARK: Errors

    private func requireRegular(_ fd: Int32, _ name: String) throws {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError(file: file(name), "cannot stat: \(Posix.errorText())") }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw StoreError(file: file(name), "is a directory, expected a file")
        case S_IFIFO: throw StoreError(file: file(name), "is a FIFO, not a regular file")
        default: throw StoreError(file: file(name), "is not a regular file (device or socket)")
        }
    }

    private func openError(_ name: String, _ code: Int32) -> StoreError {
        switch code {
        case ELOOP, EMLINK: return StoreError(file: file(name), "is a symbolic link; a store never follows links (remove it or restore the file)")
        case ENOENT: return StoreError(file: file(name), "is missing")
        case EACCES, EPERM: return StoreError(file: file(name), "permission denied")
        default: return StoreError(file: file(name), "cannot open: \(Posix.errorText(code))")
        }
    }
}

/// A file this process created and holds locked while it writes it (see `StoreDirectory.createLocked`).
final class LockedFile {
    let directory: StoreDirectory
    var name: String
    private(set) var fd: Int32
    var path: String { directory.file(name) }

    init(directory: StoreDirectory, name: String, fd: Int32) {
        self.directory = directory
        self.name = name
        self.fd = fd
    }

    /// Closing releases the lock.
    func close() { if fd >= 0 { Glibc.close(fd); fd = -1 } }

    /// Removes the file (while still holding its lock, so nobody else takes it for a leftover) and closes it; only
    /// if the name still points at this file (another process may have put its own file under that name).
    func discard() {
        var mine = stat(), there = stat()
        if fd >= 0, fstat(fd, &mine) == 0, fstatat(directory.fd, name, &there, AT_SYMLINK_NOFOLLOW) == 0,
           mine.st_ino == there.st_ino, mine.st_dev == there.st_dev {
            directory.unlink(name)
        }
        close()
    }

    deinit { close() }
}
