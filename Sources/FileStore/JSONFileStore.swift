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
    /// How long the last compaction held the exclusive lock (capture + swap), for the benchmark.
    public private(set) var lastCompactionLockTime: TimeInterval = 0

    private let lock: StoreLock
    /// The history file named by the snapshot (schema 2), and each customer's byte range in it.
    private var historyFile: String?
    private var historyIndex: [String: Range<Int>] = [:]
    private var loadedSchema = currentSchemaVersion
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
    /// `forceReadOnly` opens it as a user without write access would (viewers, tests run as root).
    public init(directory: String, forceReadOnly: Bool = false) throws {
        self.directory = directory
        guard Posix.isDirectory(directory) else {
            throw StoreError(file: directory, Posix.exists(directory) ? "is not a directory" : "no store here (make one with `relance demo --out \(directory)`)")
        }
        guard Posix.exists(directory + "/snapshot.jsonl") else {
            throw StoreError(file: directory, "not a Relance store: snapshot.jsonl is missing")
        }
        let writable = !forceReadOnly && access(directory, W_OK) == 0 && access(directory + "/snapshot.jsonl", W_OK) == 0
            && (!Posix.exists(directory + "/journal.jsonl") || access(directory + "/journal.jsonl", W_OK) == 0)
            && (!Posix.exists(directory + "/store.lock") || access(directory + "/store.lock", W_OK) == 0)
        isReadOnly = !writable
        if !writable && !Posix.exists(directory + "/store.lock") {
            throw StoreError(file: directory + "/store.lock", "missing and cannot be created (read-only directory)")
        }
        lock = try StoreLock(path: directory + "/store.lock", writable: writable)
        book = Book()
        try lock.with(exclusive: false) { try reloadAll() }
        if writable {
            try lock.with(exclusive: true) {
                try catchUp()
                if loadedSchema < currentSchemaVersion { try migrate() }
                removeStaleFiles()
            }
        }
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
        let (name, index) = try writeHistory(book: book, seq: 0, directory: directory, previous: nil)
        try Posix.writeAtomically(try SnapshotCodec.encode(book, seq: 0, historyFile: name, index: index), to: directory + "/snapshot.jsonl")
        return try JSONFileStore(directory: directory)
    }

    // MARK: BookStore

    @discardableResult
    public func commit(user: String, _ make: (Book) throws -> Change) throws -> Book {
        guard !isReadOnly else { throw DomainError("read-only session: you cannot change \(directory)") }
        var needsCompaction = false
        // Catch up first under the shared lock (a reload after someone's compaction takes a moment): the
        // exclusive lock is then held only for an incremental catch-up and the append.
        _ = try refresh()
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
            needsCompaction = journalOffset > compactAfterBytes || journalLines > compactAfterEntries
        }
        if needsCompaction {
            // After the lock is released: the save is on disk whatever happens to the compaction.
            do { try compact() } catch { warnings.append("compaction failed, the journal keeps growing: \(error)") }
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
        let loaded = try SnapshotCodec.decode(data, path: snapshotPath, into: base)
        if let h = loaded.historyFile {
            guard Posix.exists(directory + "/" + h) else {
                throw StoreError(file: snapshotPath, line: 1, "its history file \(h) is missing from the store")
            }
        }
        book = loaded.book
        seq = loaded.seq
        loadedSchema = loaded.schemaVersion
        historyFile = loaded.historyFile
        historyIndex = loaded.historyIndex
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
            let parsed = JournalCodec.parse(data.subdata(in: r), decoder: decoder)
            switch parsed {
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
                if case .failure(let m) = parsed { problem = m.message } else { problem = "incomplete line" }
                guard isLast else { throw StoreError(file: journalPath, line: lineNumber, problem) }
                // A torn last line is what a crash in the middle of an append leaves: report it and stop there.
                let warning = "\(journalPath):\(lineNumber): last line ignored (\(complete ? problem : "incomplete write")); the changes before it are intact"
                if !warnings.contains(warning) { warnings.append(warning) }
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

    /// Writes a new history file and a new snapshot, then a journal holding only what came after them, without
    /// holding the lock while the big files are written: the state is captured under the lock, the files are
    /// written aside, and they are swapped in under the lock, carrying over the journal lines appended meanwhile.
    /// Each file is renamed into place after `fsync`; the snapshot names its history file, so a crash at any step
    /// leaves a snapshot whose history file exists, and replay is idempotent by sequence number.
    public func compact() throws { try compact(whileWriting: nil) }

    /// `whileWriting` runs between the capture and the swap, outside the lock (tests race other writers there).
    func compact(whileWriting: (() throws -> Void)?) throws {
        guard !isReadOnly else { return }
        var held = Date()
        let captured = try lock.with(exclusive: true) { () throws -> Captured in
            defer { lastCompactionLockTime = Date().timeIntervalSince(held) }
            try catchUp()
            return Captured(book: book, seq: seq, journalOffset: journalOffset, journalInode: journalInode,
                            history: historyFile.map { ($0, historyIndex) })
        }
        let (name, index) = try Self.writeHistory(book: captured.book, seq: captured.seq, directory: directory, previous: captured.history)
        let snapshot = try SnapshotCodec.encode(captured.book, seq: captured.seq, historyFile: name, index: index)
        let aside = snapshotPath + ".tmp-\(getpid())-compact"
        do { try Posix.writeAside(snapshot, to: aside) } catch { unlink(directory + "/" + name); throw error }
        try whileWriting?()
        try lock.with(exclusive: true) {
            held = Date()
            defer { lastCompactionLockTime += Date().timeIntervalSince(held) }
            try catchUp()
            guard journalInode == captured.journalInode, historyFile == captured.history?.0 else {
                // Another process compacted meanwhile: what we wrote is already stale.
                unlink(aside); unlink(directory + "/" + name)
                return
            }
            try swapIn(captured: captured, aside: aside, historyName: name, index: index)
        }
    }

    /// The state a compaction writes: the book at `seq`, and where the journal stood then.
    private struct Captured {
        var book: Book
        var seq: Int
        var journalOffset: Int
        var journalInode: UInt64
        var history: (String, [String: Range<Int>])?
    }

    /// Under the exclusive lock: back up the current files, rename the new snapshot into place, and rewrite the
    /// journal as a header plus the lines appended since the capture.
    private func swapIn(captured: Captured, aside: String, historyName name: String, index: [String: Range<Int>]) throws {
        try? FileManager.default.createDirectory(atPath: backupsPath, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: Int(Posix.dirMode)])
        // Keep the previous snapshot and its history file as an automatic backup (hard links cost nothing).
        let stamp = Timestamp.now().replacingOccurrences(of: ":", with: "")
        _ = link(snapshotPath, backupsPath + "/snapshot-\(stamp)-\(captured.seq).jsonl")
        if let old = historyFile { _ = link(directory + "/" + old, backupsPath + "/" + old) }
        guard rename(aside, snapshotPath) == 0 else {
            let e = Posix.errorText(); unlink(aside); unlink(directory + "/" + name)
            throw StoreError(file: snapshotPath, "rename failed: \(e)")
        }
        try Posix.fsyncDirectory(directory)
        var journal = JournalCodec.header(baseSeq: captured.seq)
        var carried = 0
        if journalOffset > captured.journalOffset {
            let all = try Posix.readFile(journalPath)
            let tail = all.subdata(in: captured.journalOffset..<journalOffset)
            carried = tail.reduce(0) { $1 == 10 ? $0 + 1 : $0 }
            journal.append(tail)
        }
        try Posix.writeAtomically(journal, to: journalPath)
        if let old = historyFile, old != name { unlink(directory + "/" + old) }
        historyFile = name
        historyIndex = index
        loadedSchema = currentSchemaVersion
        book.releaseActivities(written: captured.book.activitiesByCustomer.mapValues(\.count))
        journalOffset = journal.count
        journalLines = 1 + carried
        journalInode = Posix.stamp(journalPath)?.inode ?? 0
        lastStamp = Posix.stamp(journalPath)
        pruneBackups()
    }

    /// Compaction when the caller already holds the exclusive lock (the migration at open).
    private func compactHoldingLock() throws {
        let captured = Captured(book: book, seq: seq, journalOffset: journalOffset, journalInode: journalInode,
                                history: historyFile.map { ($0, historyIndex) })
        let (name, index) = try Self.writeHistory(book: book, seq: seq, directory: directory, previous: captured.history)
        let aside = snapshotPath + ".tmp-\(getpid())-compact"
        try Posix.writeAside(try SnapshotCodec.encode(book, seq: seq, historyFile: name, index: index), to: aside)
        try swapIn(captured: captured, aside: aside, historyName: name, index: index)
    }

    /// Writes `history-<seq>….jsonl`: for each customer, its lines from the previous history file (copied as
    /// bytes) then the activities held in memory. Returns the file name and each customer's byte range.
    static func writeHistory(book: Book, seq: Int, directory: String, previous: (String, [String: Range<Int>])?) throws
        -> (String, [String: Range<Int>]) {
        let old = try previous.map { try Posix.readFile(directory + "/" + $0.0) }
        var out = Data()
        out.reserveCapacity((old?.count ?? 0) + book.activitiesByCustomer.count * 2_000)
        var index: [String: Range<Int>] = [:]
        let writer = JSONWriter()
        for id in book.customerOrder {
            let start = out.count
            if let old, let r = previous?.1[id] {
                guard r.upperBound <= old.count else {
                    throw StoreError(file: directory + "/" + previous!.0, "shorter than the snapshot says (\(old.count) bytes, \(id) ends at \(r.upperBound))")
                }
                out.append(old[r])
            }
            for a in book.activities(of: id) {
                writer.bytes.removeAll(keepingCapacity: true)
                BookRecord.activity(a).write(to: writer)
                writer.bytes.append(10)
                out.append(contentsOf: writer.bytes)
            }
            if out.count > start { index[id] = start..<out.count }
        }
        var name = "history-\(seq).jsonl"
        if name == previous?.0 || Posix.exists(directory + "/" + name) {
            name = "history-\(seq)-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        }
        try Posix.writeAtomically(out, to: directory + "/" + name)
        return (name, index)
    }

    /// Schema 1 kept the history inside the snapshot: keep the original files in `backups/`, then write
    /// the current schema (a compaction).
    private func migrate() throws {
        let from = loadedSchema
        let folder = backupsPath + "/schema-\(from)-\(Timestamp.now().replacingOccurrences(of: ":", with: ""))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: Int(Posix.dirMode)])
        for name in ["snapshot.jsonl", "journal.jsonl"] where Posix.exists(directory + "/" + name) {
            try Posix.writeAtomically(try Posix.readFile(directory + "/" + name), to: folder + "/" + name)
        }
        try compactHoldingLock()
        warnings.append("\(directory): migrated from schema \(from) to \(currentSchemaVersion); the original files are in \(folder)")
    }

    private func pruneBackups() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: backupsPath) else { return }
        let snapshots = names.filter { $0.hasPrefix("snapshot-") }.sorted()
        for name in snapshots.dropLast(backupsKept) { unlink(backupsPath + "/" + name) }
        // History files no kept backup snapshot names can go too.
        let kept = Set(snapshots.suffix(backupsKept).compactMap { backupHistoryName(backupsPath + "/" + $0) })
        for name in names where name.hasPrefix("history-") && !kept.contains(name) { unlink(backupsPath + "/" + name) }
    }

    /// The history file a snapshot's header names, read from its first line.
    private func backupHistoryName(_ path: String) -> String? {
        guard let fd = try? Posix.open(path, O_RDONLY) else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0, let line = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n").first,
              let header = try? JSONDecoder().decode(SnapshotCodec.Header.self, from: Data(line.utf8)) else { return nil }
        return header.snapshot.history
    }

    /// A customer's whole history: the lines of the history file, then what was recorded since.
    public func history(of customerId: String) throws -> [Activity] {
        try lock.with(exclusive: false) {
            try catchUp()
            var out: [Activity] = []
            if let name = historyFile, let range = historyIndex[customerId], !range.isEmpty {
                let path = directory + "/" + name
                let fd = try Posix.open(path, O_RDONLY)
                defer { close(fd) }
                var data = Data(count: range.count)
                let got = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, range.count, off_t(range.lowerBound)) }
                guard got == range.count else { throw StoreError(file: path, "short read at byte \(range.lowerBound): the file is truncated") }
                let decoder = JSONDecoder()
                for line in splitLines(data) {
                    let record = data.withUnsafeBytes { raw in
                        RecordReader.record(in: raw.bindMemory(to: UInt8.self), range: line)
                    } ?? (try? decoder.decode(BookRecord.self, from: data[line]))
                    guard case .activity(let a)? = record, a.customerId == customerId else {
                        throw StoreError(file: path, "bytes \(range.lowerBound + line.lowerBound)-\(range.lowerBound + line.upperBound): not an activity of \(customerId)")
                    }
                    out.append(a)
                }
            }
            return out + book.activities(of: customerId)
        }
    }

    /// Writes a self-contained snapshot of the current state, history included, to `path` while others keep
    /// working. Restore: put it in an empty directory as `snapshot.jsonl`.
    public func backup(to path: String) throws {
        try lock.with(exclusive: false) {
            try catchUp()
            let history = try historyFile.map { try Posix.readFile(directory + "/" + $0) } ?? Data()
            try Posix.writeAtomically(try SnapshotCodec.encodeFull(book, seq: seq, history: history), to: path)
        }
    }

    /// Number of activities per customer in the history file, for `relance check`.
    func historyCounts() throws -> [String: Int] {
        guard let name = historyFile else { return [:] }
        let data = try Posix.readFile(directory + "/" + name)
        var counts: [String: Int] = [:]
        for (id, r) in historyIndex {
            guard r.upperBound <= data.count else { throw StoreError(file: directory + "/" + name, "shorter than the snapshot says") }
            counts[id] = data[r].reduce(0) { $1 == 10 ? $0 + 1 : $0 }
        }
        return counts
    }

    /// Under the exclusive lock at start: temporary files of crashed writes, and history files the snapshot does
    /// not name (a crash between writing a history file and the snapshot that names it).
    private func removeStaleFiles() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        // The snapshot on disk says which history file is live (not this process's memory of it).
        let live = backupHistoryName(snapshotPath)
        for name in names where name.contains(".tmp-") || (name.hasPrefix("history-") && name != live && live != nil) {
            unlink(directory + "/" + name)
        }
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
