#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Thin, checked wrappers over the POSIX calls the store needs (write, fsync, read, flock).
///
/// Foundation's atomic write does not fsync the directory, drops the file mode, follows links and leaves stale
/// temp files after a SIGKILL (docs/STORE.md), so the store does its own I/O. Paths inside the store go through
/// `StoreDirectory`, which opens everything relative to the directory without following links.
enum Posix {
    /// Files are readable and writable by owner and group only, whatever the umask.
    static let fileMode: mode_t = 0o660
    static let dirMode: mode_t = 0o770

    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 { if errno == EINTR { continue }; throw StoreError(file: path, "write failed: \(errorText())") }
                offset += n
            }
        }
    }

    static func fsync(_ fd: Int32, path: String) throws {
        // A failed fsync is never retried on the same file (the kernel may have dropped the dirty pages):
        // the caller rewrites from memory to a new file.
        guard Glibc.fsync(fd) == 0 else { throw StoreError(file: path, "fsync failed: \(errorText())") }
    }

    /// Reads an open file to its end.
    static func readAll(_ fd: Int32, path: String) throws -> Data {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError(file: path, "cannot stat: \(errorText())") }
        var data = Data(capacity: Int(st.st_size))
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw StoreError(file: path, "read failed: \(errorText())") }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return data
    }

    /// Writes a file outside the store (`backup --out`, letters) so that a link planted at `path` (in a shared
    /// `/tmp`, say) is never written through: a new file (`O_EXCL|O_NOFOLLOW`) beside it, fsync, then a rename
    /// over `path`, which replaces a link rather than following it.
    static func writeNewFile(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        var st = stat()
        guard stat(parent.isEmpty ? "." : parent, &st) == 0 else {
            throw StoreError(file: parent, errno == ENOENT ? "the folder does not exist; create it first" : "cannot use the folder: \(errorText())")
        }
        let dir = try StoreDirectory(path: parent.isEmpty ? "." : parent)
        // A link or a FIFO at `path` is replaced by the rename, never opened; a directory is refused.
        if dir.kind(of: url.lastPathComponent) == .directory { throw StoreError(file: path, "is a directory") }
        try dir.writeAtomically(data, to: url.lastPathComponent)
    }

    /// Identity and size of a file, to notice others' changes cheaply.
    struct FileStamp: Equatable { var inode: UInt64; var size: Int64; var mtime: Int }
}

/// Files written outside a store by commands (letters, exports).
public enum SafeFile {
    /// Writes a new file and renames it over `path`: never through a link planted at `path`.
    public static func write(_ data: Data, to path: String) throws { try Posix.writeNewFile(data, to: path) }
}

/// An advisory lock on the stable `store.lock` file (never renamed or deleted, so every process locks
/// the same inode; `flock` belongs to the open file description, unlike fcntl locks).
final class StoreLock {
    let path: String
    let fd: Int32
    let writable: Bool

    /// A read-only lock opens the file read-only and never writes it (read-only commands change nothing).
    init(directory: StoreDirectory, name: String, writable: Bool) throws {
        path = directory.file(name)
        self.writable = writable
        fd = try directory.openLockFile(name, writable: writable)
    }

    deinit { close(fd) }

    /// Runs `body` holding the lock (exclusive to write, shared to read), waiting up to `timeout` seconds.
    func with<T>(exclusive: Bool, timeout: Double = 10, _ body: () throws -> T) throws -> T {
        let op = exclusive ? LOCK_EX : LOCK_SH
        let start = Date()
        while flock(fd, op | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw StoreError(file: path, "cannot lock: \(Posix.errorText())")
            }
            if Date().timeIntervalSince(start) > timeout {
                var buffer = [UInt8](repeating: 0, count: 200)
                let n = pread(fd, &buffer, buffer.count, 0)
                let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmed : ""
                throw StoreError(file: path, "the store is locked by another Relance\(holder.isEmpty ? "" : " (\(holder))") for more than \(Int(timeout)) s; try again")
            }
            usleep(2_000)
        }
        defer { flock(fd, LOCK_UN) }
        var st = stat()
        if exclusive && writable && fstat(fd, &st) == 0 && st.st_nlink == 1 {
            // (Never into a lock file with another hard link: that other name could be anyone's file.)
            // Who holds the lock, for the timeout message of others (not synced: advisory only).
            let who = "pid \(getpid()) user \(Self.login)"
            _ = ftruncate(fd, 0)
            _ = who.withCString { pwrite(fd, $0, strlen($0), 0) }
        }
        return try body()
    }

    static var login: String { UnixLogin.current }
}

/// The login of the process's real user, from the uid (not from `$USER`, which anyone can set): who made a change,
/// and who is working.
public enum UnixLogin {
    public static let current: String = {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid\(getuid())"
    }()
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
