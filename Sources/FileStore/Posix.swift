#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import TextSafety

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
        try data.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    static func writeAll(_ fd: Int32, _ buf: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < buf.count {
            let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
            if n < 0 { if errno == EINTR { continue }; throw StoreError(file: path, "write failed: \(errorText())") }
            offset += n
        }
    }

    static func fsync(_ fd: Int32, path: String) throws {
        // A failed fsync is never retried on the same file (the kernel may have dropped the dirty pages):
        // the caller rewrites from memory to a new file.
        guard Glibc.fsync(fd) == 0 else { throw StoreError(file: path, "fsync failed: \(errorText())") }
    }

    /// Gives the heap's free memory back to the system (`malloc_trim`). An open leaves tens of MB free in the parsing
    /// threads' heaps (the records they parsed and the book took, the pieces' arrays): kept by the allocator for them,
    /// never used again, counted in the workstation's memory (issue 23).
    static func trimHeap() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }

    /// Gives the memory pages lying wholly inside bytes `range` after `base` back to the system (`MADV_DONTNEED`:
    /// they read as zeros if touched again). For a buffer its owner will not read there again.
    static func releasePages(_ base: UnsafeRawPointer, _ range: Range<Int>) {
        guard let (p, count) = pagesInside(base, range) else { return }
        _ = madvise(p, count, MADV_DONTNEED)
    }

    /// The whole pages lying inside bytes `range` after `base`: their start and length, nil when there is none.
    private static func pagesInside(_ base: UnsafeRawPointer, _ range: Range<Int>) -> (UnsafeMutableRawPointer, Int)? {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return nil }
        let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.upperBound) / page * page
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return nil }
        return (p, end - start)
    }

    /// Reads an open file to its end.
    static func readAll(_ fd: Int32, path: String) throws -> Data {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError(file: path, "cannot stat: \(errorText())") }
        // Read straight into the buffer returned (through a second one, a snapshot was copied twice); a file that
        // grew since `fstat` is read on to its end, one that shrank is cut at what was read.
        let size = max(Int(st.st_size), 0)
        var data = Data(count: size)
        let filled = try data.withUnsafeMutableBytes { try readAt(fd, into: $0, path: path) }
        if filled < size { data.count = filled; return data }
        guard lseek(fd, off_t(size), SEEK_SET) >= 0 else { throw StoreError(file: path, "cannot seek: \(errorText())") }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw StoreError(file: path, "read failed: \(errorText())") }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return data
    }

    /// Gives the pages lying wholly inside `bytes` bytes from `base` their memory in one call
    /// (`MADV_POPULATE_WRITE`, Linux 5.14; it changes no byte, and on an older kernel fails and changes nothing):
    /// reading a snapshot into a new buffer was mostly the kernel giving it its pages one fault at a time.
    static func populate(_ base: UnsafeMutableRawPointer, bytes: Int) {
        guard let (p, count) = pagesInside(base, 0..<bytes) else { return }
        _ = madvise(p, count, 23)   // MADV_POPULATE_WRITE
    }

    /// Size of the parts a large file is read in, on all cores at once.
    static let readPart = 8 << 20

    /// Fills `buffer` from the file's start, in parts of `part` bytes read on all cores at once (issue 23: reading
    /// a snapshot is mostly the kernel giving the new buffer its pages, 85 ms of a launch at L on one core while
    /// the other waited). The bytes read up to the first part the file ended in (it shrank since it was measured).
    static func readAt(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, part: Int = readPart, path: String) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let parts = (buffer.count + part - 1) / part
        var got = [Int](repeating: 0, count: parts), failure = [Int32](repeating: 0, count: parts)
        nonisolated(unsafe) let target = base
        let size = buffer.count
        got.withUnsafeMutableBufferPointer { got in
            failure.withUnsafeMutableBufferPointer { failure in
                nonisolated(unsafe) let (got, failure) = (got, failure)
                DispatchQueue.concurrentPerform(iterations: parts) { k in
                    let start = k * part, end = min(size, start + part)
                    populate(target + start, bytes: end - start)
                    var at = start
                    while at < end {
                        let n = pread(fd, target + at, end - at, off_t(at))
                        if n < 0 { if errno == EINTR { continue }; failure[k] = errno; break }
                        if n == 0 { break }
                        at += n
                    }
                    got[k] = at - start
                }
            }
        }
        if let k = failure.firstIndex(where: { $0 != 0 }) { throw StoreError(file: path, "read failed: \(errorText(failure[k]))") }
        var filled = 0
        for k in 0..<parts {
            filled += got[k]
            if got[k] < min(part, buffer.count - k * part) { break }   // the file ends in this part
        }
        return filled
    }

    /// Writes a file outside the store (`backup --out`, letters) so that a link planted at `path` (in a shared
    /// `/tmp`, say) is never written through: a new file (`O_EXCL|O_NOFOLLOW`) beside it, fsync, then a rename
    /// over `path`, which replaces a link rather than following it.
    /// `mkdir -p` with the store's folder mode, failing with the folder and the system's reason in plain words
    /// (Foundation's "The operation could not be completed" named neither).
    static func makeParents(_ path: String) throws {
        var walked = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            walked += "/" + part
            if mkdir(walked, Posix.dirMode) == 0 { continue }
            let e = errno
            var st = stat()
            if e == EEXIST, stat(walked, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { continue }
            let shown = path.hasPrefix("/") ? walked : String(walked.dropFirst(2))
            throw StoreError(file: shown, e == EEXIST ? "is a file, not a folder" : "cannot create the folder: \(String(cString: strerror(e)))")
        }
    }

    static func writeNewFile(_ data: Data, to path: String) throws {
        try writeNewFile(to: path) { try writeAll($0.fd, data, path: $0.path) }
    }

    /// The same for a file `body` writes as it goes, into the new file beside `path` (renamed over it once synced).
    static func writeNewFile(to path: String, _ body: (LockedFile) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        var st = stat()
        guard stat(parent.isEmpty ? "." : parent, &st) == 0 else {
            throw StoreError(file: parent, errno == ENOENT ? "the folder does not exist; create it first" : "cannot use the folder: \(errorText())")
        }
        let dir = try StoreDirectory(path: parent.isEmpty ? "." : parent)
        // A file or a link at `path` is replaced by the rename (a link is never followed); anything else is refused:
        // `--out /dev/full` run by root replaced the device node with the backup.
        switch dir.kind(of: url.lastPathComponent) {
        case .missing, .regular, .symlink: break
        case .directory: throw StoreError(file: path, "is a directory; name a file")
        case .fifo: throw StoreError(file: path, "is a FIFO, not a file; name a file")
        case .other: throw StoreError(file: path, "is a device or a socket, not a file; name a file")
        }
        try dir.writeAtomically(to: url.lastPathComponent, body)
    }

    /// Identity and size of a file, to notice others' changes cheaply.
    struct FileStamp: Equatable { var inode: UInt64; var size: Int64; var mtime: Int }
}

/// An advisory lock on the stable `store.lock` file (never renamed or deleted, so every process locks
/// the same inode; `flock` belongs to the open file description, unlike fcntl locks).
final class StoreLock {
    let path: String
    let fd: Int32
    let writable: Bool
    private let directory: StoreDirectory
    private let name: String

    /// A read-only lock opens the file read-only and never writes it (read-only commands change nothing).
    init(directory: StoreDirectory, name: String, writable: Bool) throws {
        path = directory.file(name)
        self.writable = writable
        self.directory = directory
        self.name = name
        fd = try directory.openLockFile(name, writable: writable)
    }

    deinit { close(fd) }

    /// Runs `body` holding the lock (exclusive to write, shared to read), waiting up to `timeout` seconds.
    ///
    /// A busy lock is waited for with a *blocking* `flock`, which the kernel grants as soon as the holder lets go:
    /// polling with `LOCK_NB` every few milliseconds (as before) loses every race against blocking waiters and
    /// luckier pollers, and under load one writer waited past its deadline (issue 14). The blocking call runs in a
    /// helper thread on a file description of its own (a `flock` belongs to the open file description), so the
    /// deadline can be kept: a waiter that gives up abandons that description, and the helper, should it get the
    /// lock later, releases it at once.
    func with<T>(exclusive: Bool, timeout: Double = 10, _ body: () throws -> T) throws -> T {
        let op = exclusive ? LOCK_EX : LOCK_SH
        let asked = LockLog.now()
        var holder = fd, own: Int32 = -1
        if flock(fd, op | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw StoreError(file: path, "cannot lock: \(Posix.errorText())")
            }
            own = try waitBlocking(op, timeout: timeout)
            holder = own
        }
        let granted = LockLog.now(), cpu = LockLog.cpu()
        defer {
            flock(holder, LOCK_UN)
            if own >= 0 { close(own) }
            LockLog.record(exclusive: exclusive, waited: granted - asked, held: LockLog.now() - granted, cpu: LockLog.cpu() - cpu)
        }
        var st = stat()
        if exclusive && writable && fstat(holder, &st) == 0 && st.st_nlink == 1 {
            // (Never into a lock file with another hard link: that other name could be anyone's file.)
            // Who holds the lock, for the timeout message of others (not synced: advisory only).
            let who = "pid \(getpid()) user \(Self.login)"
            _ = ftruncate(holder, 0)
            _ = who.withCString { pwrite(holder, $0, strlen($0), 0) }
        }
        return try body()
    }

    /// Waits for the lock on a new file description in a helper thread; returns that description, locked.
    private func waitBlocking(_ op: Int32, timeout: Double) throws -> Int32 {
        let other = try directory.openLockFile(name, writable: writable)
        var a = stat(), b = stat()
        guard fstat(fd, &a) == 0, fstat(other, &b) == 0, a.st_ino == b.st_ino, a.st_dev == b.st_dev else {
            close(other)
            throw StoreError(file: path, "was replaced while Relance had it open; a store's lock file is never replaced")
        }
        let waiter = LockWaiter(fd: other, op: op)
        let thread = Thread { waiter.run() }
        thread.stackSize = 64 << 10
        thread.start()
        if waiter.wait(seconds: timeout) { return other }
        var buffer = [UInt8](repeating: 0, count: 200)
        let n = pread(fd, &buffer, buffer.count, 0)
        let holderText = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmed : ""
        if let failure = waiter.failure { throw StoreError(file: path, "cannot lock: \(Posix.errorText(failure))") }
        throw StoreError(file: path, "the store is locked by another Relance\(holderText.isEmpty ? "" : " (\(Safe.text(holderText)))") for more than \(Int(timeout)) s; try again")
    }

    static var login: String { UnixLogin.current }
}

/// One blocking `flock` in a helper thread, and whether the thread that asked for it still wants it.
private final class LockWaiter: @unchecked Sendable {
    private let fd: Int32
    private let op: Int32
    private let condition = NSCondition()
    private enum State { case waiting, granted, abandoned, failed }
    private var state = State.waiting
    private(set) var failure: Int32?

    init(fd: Int32, op: Int32) { self.fd = fd; self.op = op }

    func run() {
        var code: Int32 = 0
        while flock(fd, op) != 0 {
            if errno == EINTR { continue }
            code = errno
            break
        }
        condition.lock()
        defer { condition.unlock() }
        if state == .abandoned {
            // Nobody wants it any more: let it go at once, and the description with it.
            if code == 0 { flock(fd, LOCK_UN) }
            close(fd)
            return
        }
        if code != 0 { failure = code; state = .failed } else { state = .granted }
        condition.signal()
    }

    /// True when the lock was granted within `seconds`; otherwise the helper is told to give it back (and to close
    /// the description) whenever it gets it.
    func wait(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while state == .waiting && condition.wait(until: deadline) {}
        switch state {
        case .granted: return true
        case .failed: close(fd); return false
        case .waiting, .abandoned: state = .abandoned; return false
        }
    }
}

/// Lock waits and holds, one line per release (`E|S wait_us hold_us pid command cpu=us notes`), appended to the file named by
/// `RELANCE_LOCK_LOG`: how `relance-tools torture` measures fairness across processes. Ignored in a setgid
/// process (the environment is the caller's: it must never make the program write a file with its rights).
public enum LockLog {
    private static let fd: Int32 = {
        guard getuid() == geteuid(), getgid() == getegid(), let path = ProcessInfo.processInfo.environment["RELANCE_LOCK_LOG"], !path.isEmpty else { return -1 }
        return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
    }()

    /// The command (`import`, `letters`, `writer`...), to tell who held the lock.
    private static let command = CommandLine.arguments.dropFirst().first.map { String($0.prefix(20).filter { $0.isLetter || $0 == "-" }) } ?? "-"

    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000 + UInt64(t.tv_nsec) / 1_000
    }

    /// What took the time under the lock (a snapshot decoded there), for the next line.
    nonisolated(unsafe) private static var notes: [String] = []
    public static func note(_ what: String) { if fd >= 0 { notes.append(what) } }

    /// This thread's CPU time (µs): a hold much longer than its CPU time was spent waiting for a core or the disk.
    static func cpu() -> UInt64 {
        guard fd >= 0 else { return 0 }
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) * 1_000_000 + UInt64(t.tv_nsec) / 1_000
    }

    static func record(exclusive: Bool, waited: UInt64, held: UInt64, cpu: UInt64) {
        guard fd >= 0 else { return }
        defer { notes.removeAll() }
        let line = "\(exclusive ? "E" : "S") \(waited) \(held) \(getpid()) \(command) cpu=\(cpu) \(notes.joined(separator: ","))\n"
        _ = line.withCString { Glibc.write(fd, $0, strlen($0)) }   // one write: lines of processes never mix
    }
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

#if canImport(Glibc)
/// glibc's `malloc_trim(size_t)`, which the Glibc module does not bring (`malloc.h` is not in it).
@_silgen_name("malloc_trim") private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
