#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Thin, checked wrappers over the POSIX calls the store needs (open, write, fsync, rename, flock).
///
/// Foundation's atomic write does not fsync the directory, drops the file mode and leaves stale temp
/// files after a SIGKILL (docs/STORE.md), so the store does its own I/O.
enum Posix {
    /// Files are readable and writable by owner and group only, whatever the umask.
    static let fileMode: mode_t = 0o660
    static let dirMode: mode_t = 0o770

    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = fileMode) throws -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw StoreError(file: path, "cannot open: \(errorText())") }
        if flags & O_CREAT != 0 { _ = fchmod(fd, mode) }
        return fd
    }

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

    static func fsyncDirectory(_ dir: String) throws {
        let fd = try open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: dir)
    }

    /// Writes `data` to `path` so that a crash leaves either the old or the new file: O_EXCL temp file,
    /// write, fsync, rename, fsync of the directory.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try writeAside(data, to: temp)
        guard rename(temp, path) == 0 else {
            let e = errorText(); unlink(temp); throw StoreError(file: path, "rename failed: \(e)")
        }
        try fsyncDirectory(dir.isEmpty ? "." : dir)
    }

    /// Writes `data` to a new file (O_EXCL) and fsyncs it, for a later rename into place.
    static func writeAside(_ data: Data, to path: String) throws {
        let fd = try open(path, O_WRONLY | O_CREAT | O_EXCL)
        do {
            try writeAll(fd, data, path: path)
            try fsync(fd, path: path)
            close(fd)
        } catch { close(fd); unlink(path); throw error }
    }

    static func readFile(_ path: String) throws -> Data {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError(file: path, "cannot stat: \(errorText())") }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw StoreError(file: path, "is a directory, expected a file") }
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

    /// Identity and size of a file, to notice others' changes cheaply.
    struct FileStamp: Equatable { var inode: UInt64; var size: Int64; var mtime: Int }

    static func stamp(_ path: String) -> FileStamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileStamp(inode: UInt64(st.st_ino), size: Int64(st.st_size), mtime: st.st_mtim.tv_sec * 1_000_000_000 + st.st_mtim.tv_nsec)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}

/// An advisory lock on the stable `store.lock` file (never renamed or deleted, so every process locks
/// the same inode; `flock` belongs to the open file description, unlike fcntl locks).
final class StoreLock {
    let path: String
    let fd: Int32
    let writable: Bool

    init(path: String, writable: Bool) throws {
        self.path = path
        self.writable = writable
        fd = try Posix.open(path, writable ? (O_RDWR | O_CREAT) : O_RDONLY)
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
                let holder = (try? String(decoding: Posix.readFile(path), as: UTF8.self))?.trimmed ?? ""
                throw StoreError(file: path, "the store is locked by another Relance\(holder.isEmpty ? "" : " (\(holder))") for more than \(Int(timeout)) s; try again")
            }
            usleep(2_000)
        }
        defer { flock(fd, LOCK_UN) }
        if exclusive && writable {
            // Who holds the lock, for the timeout message of others (not synced: advisory only).
            let env = ProcessInfo.processInfo.environment
            let who = "pid \(getpid()) user \(env["USER"] ?? env["LOGNAME"] ?? "?")"
            _ = ftruncate(fd, 0)
            _ = who.withCString { pwrite(fd, $0, strlen($0), 0) }
        }
        return try body()
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
