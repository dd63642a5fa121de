#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Receivables

/// The JSON file store: `snapshot.jsonl` + `journal.jsonl` + `store.lock` in one directory (docs/STORE.md).
///
/// - A change is appended to the journal with one `write` and `fdatasync`, under an exclusive `flock` on
///   `store.lock`, after replaying what other processes appended: no update is lost, and a save costs
///   one short append whatever the size of the book.
/// - Readers take the lock shared, so they never see a compaction half done.
/// - A torn last journal line (crash mid-write) is reported and ignored; any other bad line is an error
///   with its file and line, and nothing is ever written over a file that failed to load.
public final class JSONFileStore: BookStore {
    public let directory: String
    public private(set) var book: Book
    public private(set) var isReadOnly: Bool
    /// Problems that did not stop loading (torn journal tail, network filesystem).
    public private(set) var warnings: [String] = []
    public var location: String { directory }
    /// Sequence number of the last change applied.
    public private(set) var seq = 0

    /// Compact when the journal holds more than this many bytes or entries.
    public var compactAfterBytes = 8 << 20
    public var compactAfterEntries = 5_000
    /// How many compacted snapshots `backups/` keeps.
    public var backupsKept = 5

    private let lock: StoreLock
    private var journalInode: UInt64 = 0
    private var journalOffset = 0
    private var journalLines = 0
    private var lastStamp: Posix.FileStamp?
    private let encoder: JSONEncoder = { let e = JSONEncoder(); e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]; return e }()
    private let decoder = JSONDecoder()

    var snapshotPath: String { directory + "/snapshot.jsonl" }
    var journalPath: String { directory + "/journal.jsonl" }
    var lockPath: String { directory + "/store.lock" }
    var policyPath: String { directory + "/policy.json" }
    var backupsPath: String { directory + "/backups" }

    /// Opens an existing store; throws a `StoreError` naming the file and line when it cannot be loaded.
    public init(directory: String) throws {
        self.directory = directory
        guard Posix.isDirectory(directory) else {
            throw StoreError(file: directory, Posix.exists(directory) ? "is not a directory" : "no store here (make one with `relance demo --out \(directory)`)")
        }
        guard Posix.exists(directory + "/snapshot.jsonl") else {
            throw StoreError(file: directory, "not a Relance store: snapshot.jsonl is missing")
        }
        let writable = access(directory, W_OK) == 0 && access(directory + "/snapshot.jsonl", W_OK) == 0
            && (!Posix.exists(directory + "/journal.jsonl") || access(directory + "/journal.jsonl", W_OK) == 0)
            && (!Posix.exists(directory + "/store.lock") || access(directory + "/store.lock", W_OK) == 0)
        isReadOnly = !writable
        if !writable && !Posix.exists(directory + "/store.lock") {
            throw StoreError(file: directory + "/store.lock", "missing and cannot be created (read-only directory)")
        }
        lock = try StoreLock(path: directory + "/store.lock", writable: writable)
        book = Book()
        try lock.with(exclusive: false) { try reloadAll() }
        if writable { try lock.with(exclusive: true) { removeStaleTemporaryFiles() } }
        if let fs = networkFilesystem(directory) { warnings.append("the store is on \(fs): file locks may not work there") }
    }

    /// Creates a store holding `book` (demo, first import). Refuses to overwrite an existing store.
    @discardableResult
    public static func create(directory: String, book: Book) throws -> JSONFileStore {
        if Posix.exists(directory + "/snapshot.jsonl") { throw StoreError(file: directory, "a store already exists here") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: Int(Posix.dirMode)])
        chmod(directory, Posix.dirMode)
        let lockFD = try Posix.open(directory + "/store.lock", O_RDWR | O_CREAT)
        close(lockFD)
        try Posix.writeAtomically(JournalCodec.header(baseSeq: 0), to: directory + "/journal.jsonl")
        try Posix.writeAtomically(try SnapshotCodec.encode(book, seq: 0), to: directory + "/snapshot.jsonl")
        return try JSONFileStore(directory: directory)
    }

    // MARK: BookStore

    @discardableResult
    public func commit(user: String, _ make: (Book) throws -> Change) throws -> Book {
        guard !isReadOnly else { throw DomainError("read-only session: you cannot change \(directory)") }
        try lock.with(exclusive: true) {
            try catchUp()
            try truncateTornTail()
            let change = try make(book)
            try book.apply(change)
            let entry = JournalEntry(seq: seq + 1, at: Timestamp.now(), user: user, change: change)
            do {
                let line = try JournalCodec.line(entry, encoder: encoder)
                let fd = try Posix.open(journalPath, O_WRONLY | O_APPEND | O_CREAT)
                defer { close(fd) }
                try Posix.writeAll(fd, line, path: journalPath)
                guard fdatasync(fd) == 0 else { throw StoreError(file: journalPath, "fdatasync failed: \(Posix.errorText())") }
                journalOffset += line.count
                journalLines += 1
                seq += 1
                lastStamp = Posix.stamp(journalPath)
            } catch {
                // The change is in memory but maybe not on disk: forget memory, trust the disk.
                try? reloadAll()
                throw error
            }
            if journalOffset > compactAfterBytes || journalLines > compactAfterEntries { try compact() }
        }
        return book
    }

    public func refresh() throws -> Bool {
        guard Posix.stamp(journalPath) != lastStamp else { return false }
        let before = seq
        let inode = journalInode
        try lock.with(exclusive: false) { try catchUp() }
        return seq != before || inode != journalInode
    }

    // MARK: Loading

    private func reloadAll() throws {
        var base = Book()
        if Posix.exists(policyPath) {
            base.policy = try Policy.load(try Posix.readFile(policyPath), source: policyPath)
        }
        let data = try Posix.readFile(snapshotPath)
        let (loaded, snapSeq) = try SnapshotCodec.decode(data, path: snapshotPath, into: base)
        book = loaded
        seq = snapSeq
        journalOffset = 0
        journalLines = 0
        journalInode = 0
        warnings.removeAll { $0.hasPrefix(journalPath) }
        try catchUp()
    }

    /// Applies what was appended to the journal since we last read it (all of it after a compaction).
    private func catchUp() throws {
        guard let stamp = Posix.stamp(journalPath) else { lastStamp = nil; return }
        if journalInode != 0 && (stamp.inode != journalInode || Int(stamp.size) < journalOffset) {
            // Another process compacted: the snapshot moved on, start again from it.
            journalInode = 0
            return try reloadAll()
        }
        journalInode = stamp.inode
        guard Int(stamp.size) > journalOffset else { lastStamp = stamp; return }
        let fd = try Posix.open(journalPath, O_RDONLY)
        defer { close(fd) }
        let count = Int(stamp.size) - journalOffset
        var data = Data(count: count)
        let got = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, count, off_t(journalOffset)) }
        guard got == count else { throw StoreError(file: journalPath, "short read: \(Posix.errorText())") }
        let lines = splitLines(data)
        var offset = journalOffset
        for (i, r) in lines.enumerated() {
            let lineNumber = journalLines + 1
            let complete = r.upperBound < data.count   // followed by a newline
            let isLast = i == lines.count - 1
            switch JournalCodec.parse(data.subdata(in: r), decoder: decoder) {
            case .success(.header(let version, let baseSeq)):
                guard lineNumber == 1 else { throw StoreError(file: journalPath, line: lineNumber, "a journal header in the middle of the journal") }
                guard version <= currentSchemaVersion else {
                    throw StoreError(file: journalPath, line: 1, "written by a newer Relance (schema \(version)); upgrade Relance")
                }
                guard baseSeq <= seq else {
                    throw StoreError(file: journalPath, line: 1, "starts after change \(baseSeq) but the snapshot stops at \(seq): the snapshot is older than its journal")
                }
            case .success(.entry(let entry)) where complete:
                if entry.seq > seq {
                    guard entry.seq == seq + 1 else {
                        throw StoreError(file: journalPath, line: lineNumber, "change \(entry.seq) follows change \(seq): changes \(seq + 1)-\(entry.seq - 1) are missing")
                    }
                    do { try book.apply(entry.change) } catch {
                        throw StoreError(file: journalPath, line: lineNumber, "change \(entry.seq) (\(entry.change.summary)) cannot be applied: \(error.message)")
                    }
                    seq = entry.seq
                }
            case .success, .failure:
                let problem: String
                if case .failure(let m) = JournalCodec.parse(data.subdata(in: r), decoder: decoder) { problem = m.message } else { problem = "incomplete line" }
                guard isLast else { throw StoreError(file: journalPath, line: lineNumber, problem) }
                // A torn last line is what a crash in the middle of an append leaves: report it and stop there.
                warnings.append("\(journalPath):\(lineNumber): last line ignored (\(complete ? problem : "incomplete write")); the changes before it are intact")
                lastStamp = stamp
                return
            }
            offset += r.count + 1
            journalOffset = offset
            journalLines = lineNumber
        }
        lastStamp = stamp
    }

    /// Under the exclusive lock: cut a torn tail left by a crashed writer, or the next append would join it.
    private func truncateTornTail() throws {
        guard let stamp = Posix.stamp(journalPath), Int(stamp.size) > journalOffset else { return }
        guard truncate(journalPath, off_t(journalOffset)) == 0 else {
            throw StoreError(file: journalPath, "cannot cut the torn last line: \(Posix.errorText())")
        }
        warnings.removeAll { $0.hasPrefix(journalPath) }
    }

    // MARK: Compaction and backups

    /// Writes a new snapshot of the current state, then starts an empty journal. Replay is idempotent by
    /// sequence number, so a crash between the two steps is harmless.
    public func compact() throws {
        guard !isReadOnly else { return }
        let data = try SnapshotCodec.encode(book, seq: seq)
        try? FileManager.default.createDirectory(atPath: backupsPath, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: Int(Posix.dirMode)])
        // Keep the previous snapshot as an automatic backup (a hard link costs nothing).
        let previous = backupsPath + "/snapshot-\(Timestamp.now().replacingOccurrences(of: ":", with: ""))-\(seq).jsonl"
        _ = link(snapshotPath, previous)
        try Posix.writeAtomically(data, to: snapshotPath)
        let header = JournalCodec.header(baseSeq: seq)
        try Posix.writeAtomically(header, to: journalPath)
        journalOffset = header.count
        journalLines = 1
        journalInode = Posix.stamp(journalPath)?.inode ?? 0
        lastStamp = Posix.stamp(journalPath)
        pruneBackups()
    }

    private func pruneBackups() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: backupsPath) else { return }
        let snapshots = names.filter { $0.hasPrefix("snapshot-") }.sorted()
        for name in snapshots.dropLast(backupsKept) { unlink(backupsPath + "/" + name) }
    }

    /// Writes a consistent copy of the current state (a snapshot) to `path`, while others keep working.
    public func backup(to path: String) throws {
        try lock.with(exclusive: false) {
            try catchUp()
            try Posix.writeAtomically(try SnapshotCodec.encode(book, seq: seq), to: path)
        }
    }

    private func removeStaleTemporaryFiles() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.contains(".tmp-") { unlink(directory + "/" + name) }
    }

    /// Locks on NFS or SMB are emulated or broken: say so rather than lose updates silently.
    private func networkFilesystem(_ path: String) -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return nil }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var best: (String, String)?
        for line in mounts.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count > 2 else { continue }
            let point = String(f[1]), type = String(f[2])
            if real.hasPrefix(point), point.count > (best?.0.count ?? -1) { best = (point, type) }
        }
        guard let type = best?.1 else { return nil }
        return type.hasPrefix("nfs") ? "NFS" : ["cifs", "smb3", "smbfs"].contains(type) ? "SMB/CIFS" : nil
    }
}
