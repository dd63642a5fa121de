#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Receivables

/// The JSON file store: `snapshot.jsonl` + `history-N.jsonl` + `journal.jsonl` + `store.lock` in one directory
/// (docs/STORE.md). Its parts: `StoreDirectory` (the file rules: no links, no FIFOs, locked temporary files),
/// `Journal` (append and catch up), `HistoryFile` (per-customer ranges with CRCs), `SnapshotCodec` and the
/// compaction (`JSONFileStore+Compaction.swift`).
///
/// - A change is appended to the journal with one `write` and `fdatasync`, under an exclusive `flock` on
///   `store.lock`, after replaying what other processes appended: no update is lost, and a save costs
///   one short append whatever the size of the book. A save never compacts: `compactIfNeeded()` is called
///   by the workstation when idle and by commands after they have printed their result.
/// - Readers take the lock shared, so they never see a compaction half done, and never write anything.
/// - Every byte is checked: the snapshot by its end line of CRCs, the history by per-customer CRCs, the journal
///   by per-line CRCs and by the snapshot naming the journal that continues it. A torn last journal line (crash
///   mid-write) is reported and ignored; any other damage is an error naming the file and line.
public final class JSONFileStore: BookStore {
    public let directory: String
    public internal(set) var book: Book
    public private(set) var isReadOnly: Bool
    /// Problems that did not stop loading (torn journal tail, network filesystem, older schema).
    public var warnings: [String] {
        var w = fixedWarnings
        if let t = journal.tornTail { w.append(t) }
        return w
    }
    public var location: String { directory }
    /// Sequence number of the last change applied.
    public internal(set) var seq = 0

    /// Compact when the journal holds more than this many bytes or entries.
    public var compactAfterBytes = 8 << 20
    public var compactAfterEntries = 5_000
    /// How many compacted snapshots `backups/` keeps.
    public var backupsKept = 5
    /// How long the last compaction held the exclusive lock (capture + swap), for the benchmark.
    public internal(set) var lastCompactionLockTime: TimeInterval = 0

    static let snapshotName = "snapshot.jsonl"
    static let lockName = "store.lock"
    static let policyName = "policy.json"
    static let backupsName = "backups"

    let files: StoreDirectory
    let lock: StoreLock
    let journal: Journal
    var fixedWarnings: [String] = []
    /// What the snapshot in memory says: its history file and index, its schema, the journal that continues it.
    var historyFile: String?
    var historyIndex = HistoryIndex()
    var loadedSchema = currentSchemaVersion
    var snapshotSeq = 0
    var expectedJournal: SnapshotCodec.JournalRef?
    var previousJournal: String?
    let encoder: JSONEncoder = { let e = JSONEncoder(); e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]; return e }()

    /// The store's own files: a directory holding any of them is a store (complete or not), and nothing else
    /// in a directory is ever touched.
    static func isStoreFile(_ name: String) -> Bool {
        [snapshotName, Journal.name, lockName, backupsName].contains(name) || HistoryFile.isOurs(name) || isTemporary(name)
    }

    /// `<one of our files>.tmp-<pid>-<digits or compact<digits>>`: only these are ever cleaned up
    /// (`snapshot.jsonl.tmp-my-copy` is someone's, and stays).
    static func isTemporary(_ name: String) -> Bool {
        guard let r = name.range(of: ".tmp-") else { return false }
        let base = String(name[..<r.lowerBound])
        let parts = name[r.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard [snapshotName, Journal.name].contains(base) || HistoryFile.isOurs(base), parts.count == 2 else { return false }
        let digits: (Substring) -> Bool = { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        let tag = parts[1].hasPrefix("compact") ? parts[1].dropFirst("compact".count) : parts[1]
        return digits(parts[0]) && digits(tag)
    }

    /// Opens an existing store; throws a `StoreError` naming the file and line when it cannot be loaded.
    /// `forceReadOnly` opens it as a user without write access would: read-only commands (agenda, report,
    /// check, backup) and viewers, which must never write, rename, migrate or delete anything.
    public init(directory: String, forceReadOnly: Bool = false) throws {
        self.directory = directory
        let files = try StoreDirectory(path: directory)
        self.files = files
        try Self.requireCompleteStore(files)
        for name in [Self.snapshotName, Journal.name, Self.lockName, Self.policyName] { try files.requirePlain(name) }
        try files.requirePlain(Self.backupsName, directory: true)
        let writable = !forceReadOnly && files.isWritable
            && [Self.snapshotName, Journal.name, Self.lockName].allSatisfy { files.isWritable($0) }
        isReadOnly = !writable
        if !files.exists(Self.lockName) {
            // Never recreated behind the others' back: a process still holding the old file locked would no
            // longer exclude the one locking the new file.
            throw StoreError(file: files.file(Self.lockName), "is missing: every Relance locks this file. With no Relance running on this store, recreate it empty with the store's group and mode 0660 (`touch`, `chmod 660`)")
        }
        lock = try StoreLock(directory: files, name: Self.lockName, writable: writable)
        journal = Journal(directory: files)
        book = Book()
        try lock.with(exclusive: false) { try reloadAll() }
        if loadedSchema < currentSchemaVersion {
            fixedWarnings.append("\(directory): schema \(loadedSchema), older than this Relance's \(currentSchemaVersion); "
                                 + (writable ? "it is migrated after your first change (or run `relance migrate`)" : "read as it is"))
        }
        if let fs = networkFilesystem(directory) { fixedWarnings.append("the store is on \(fs): file locks may not work there") }
    }

    /// A directory is a store when it has `snapshot.jsonl`; store files without it are an incomplete store.
    static func requireCompleteStore(_ files: StoreDirectory) throws {
        switch files.kind(of: snapshotName) {
        case .missing:
            let names = files.list()
            if names.contains(where: isStoreFile) {
                throw StoreError(file: files.file(snapshotName), "not a complete store: snapshot.jsonl is missing; restore it from backups/ or from `relance backup` (`relance restore FILE --into DIR`)")
            }
            throw StoreError(file: files.path, "no store here (create one with `relance init --store \(files.path)`)")
        default: try files.requirePlain(snapshotName)
        }
    }

    /// Creates a store holding `book` (init, demo, restore) in an empty or new directory. Refuses any directory
    /// holding anything: a store is never created over other files, nor re-initialised.
    @discardableResult
    public static func create(directory: String, book: Book, seq: Int = 0) throws -> JSONFileStore {
        if !FileManager.default.fileExists(atPath: directory) {
            // Its parents as needed, then the store's own folder like every folder of the store: 0770 whatever the
            // umask, keeping the setgid bit of a team's shared parent (so every file stays in the team's group).
            let url = URL(fileURLWithPath: directory)
            let parent = url.deletingLastPathComponent().path
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: Int(Posix.dirMode)])
            } catch { throw StoreError(file: parent, "cannot create the directory: \(error.localizedDescription)") }
            _ = try StoreDirectory(parent: StoreDirectory(path: parent), name: url.lastPathComponent, create: true)
        }
        let files = try StoreDirectory(path: directory)
        let present = files.list()
        if !present.isEmpty {
            let what = present.contains(snapshotName) ? "a store already exists here" : present.contains(where: isStoreFile)
                ? "holds the files of an incomplete store (\(present.filter(isStoreFile).sorted().joined(separator: ", "))) but no snapshot.jsonl; restore it from backups/ or `relance restore` rather than start again"
                : "is not empty (\(present.count) entr\(present.count == 1 ? "y" : "ies"), e.g. \(present.sorted()[0])); a store is created only in an empty or new directory"
            throw StoreError(file: directory, what)
        }
        let lockFD = try files.openLockFile(lockName, writable: true, create: true)
        close(lockFD)
        let journalId = JournalCodec.newId()
        try files.writeAtomically(JournalCodec.header(baseSeq: seq, id: journalId), to: Journal.name)
        let (history, index) = try HistoryFile.write(book: book, seq: seq, directory: files, previous: nil)
        defer { history.close() }
        try files.writeAtomically(try SnapshotCodec.encode(book, seq: seq, historyFile: history.name, index: index,
                                                           journal: .init(id: journalId, baseSeq: seq, schemaVersion: currentSchemaVersion), previousJournal: nil),
                                  to: snapshotName)
        return try JSONFileStore(directory: directory)
    }

    // MARK: BookStore

    @discardableResult
    public func commit(user: String, _ make: (Book) throws -> Change) throws -> Book {
        guard !isReadOnly else { throw DomainError("read-only session: you cannot change \(directory)") }
        // Catch up first under the shared lock (a reload after someone's compaction takes a moment): the
        // exclusive lock is then held only for an incremental catch-up and the append.
        _ = try refresh()
        try lock.with(exclusive: true) {
            try catchUp()
            try journal.truncateTornTail()
            let change = try make(book)
            try book.applyNew(change)   // a new change passes the input rules; replay only applies
            let entry = JournalEntry(seq: seq + 1, at: Timestamp.now(), user: user, login: StoreLock.login, change: change)
            do {
                try journal.append(try JournalCodec.line(entry, encoder: encoder), seq: entry.seq)
                seq += 1
            } catch {
                // The change is in memory but maybe not on disk: forget memory, trust the disk.
                try? reloadAll()
                throw error
            }
        }
        return book
    }

    /// Which state the book in memory is: the journal's generation and the change number. Two equal states hold
    /// the same book; a large import (folded into a new snapshot) changes the generation, not the number.
    public var state: StoreState { StoreState(journalId: journal.header?.id, seq: seq) }

    public func refresh() throws -> Bool {
        guard journal.hasChangedOnDisk else { return false }
        let before = seq
        let generation = (journal.inode, journal.header?.id)
        try lock.with(exclusive: false) { try catchUp() }
        return seq != before || generation != (journal.inode, journal.header?.id)
    }

    /// Housekeeping between a user's actions: compaction when the journal has grown or the schema is old.
    public func maintain() { _ = try? compactIfNeeded() }

    // MARK: Loading

    func reloadAll() throws {
        var base = Book()
        if files.exists(Self.policyName) {
            base.policy = try Policy.load(try files.read(Self.policyName), source: files.file(Self.policyName))
        }
        let path = files.file(Self.snapshotName)
        let data = try files.read(Self.snapshotName)
        let loaded = try SnapshotCodec.decode(data, path: path, into: base)
        if let h = loaded.historyFile {
            try files.requirePlain(h)
            guard files.exists(h) else { throw StoreError(file: path, line: 1, "its history file \(h) is missing from the store") }
        }
        book = loaded.book
        seq = loaded.seq
        snapshotSeq = loaded.seq
        loadedSchema = loaded.schemaVersion
        historyFile = loaded.historyFile
        historyIndex = loaded.historyIndex
        expectedJournal = loaded.journal
        previousJournal = loaded.previousJournal
        if loaded.schemaVersion < 5 { try deriveDunningLevels() }
        journal.reset()
        try catchUp()
    }

    /// Before schema 5 the dunning levels were not kept with the items: they are computed once from the letters
    /// in the history (only customers who were written to), then written with the items by the migration.
    private func deriveDunningLevels() throws {
        guard let name = historyFile else { return }
        for id in book.customerOrder where !book.digest(of: id).lastWritten.isEmpty {
            guard let entry = historyIndex.entries[id], !entry.range.isEmpty else { continue }
            book.replayDunning(try HistoryFile.read(name, entry: entry, customer: id, directory: files))
        }
    }

    /// Applies what was appended to the journal since we last read it (all of it after a compaction).
    func catchUp() throws {
        if journal.wasReplaced() { return try reloadAll() }
        let startedEmpty = journal.lines == 0
        let lines = try journal.readNew()
        if startedEmpty && journal.lines == 0 && journal.tornTail == nil && loadedSchema >= 3 {
            // A schema-3 snapshot names its journal: an emptied or missing one is damage, not an empty journal.
            let ref = expectedJournal.map { " (it expects journal \($0.id) from change \($0.baseSeq))" } ?? ""
            throw StoreError(file: journal.path, journal.stamp == nil ? "is missing; the snapshot names it\(ref)" : "is empty; the snapshot names it\(ref)")
        }
        for line in lines {
            switch line {
            case .header(let h): try checkJournalHeader(h)
            case .entry(let entry, let lineNumber):
                guard entry.seq > seq else { continue }   // already in the snapshot (idempotent replay)
                guard entry.seq == seq + 1 else {
                    throw StoreError(file: journal.path, line: lineNumber, "change \(entry.seq) follows change \(seq): changes \(seq + 1)-\(entry.seq - 1) are missing")
                }
                do { try book.apply(entry.change) } catch {
                    throw StoreError(file: journal.path, line: lineNumber, "change \(entry.seq) (\(entry.change.summary)) cannot be applied: \(error.message)")
                }
                seq = entry.seq
            }
        }
        if journalIsPrevious && seq < snapshotSeq {
            throw StoreError(file: journal.path, "stops at change \(seq), but the snapshot continuing it was taken at change \(snapshotSeq): changes are missing")
        }
    }

    /// True when the journal is the one the snapshot replaced (a crash between the snapshot's rename and the
    /// journal's rewrite): legitimate, its entries up to the snapshot's seq are skipped.
    private var journalIsPrevious = false

    /// The journal must be the one the snapshot names (schema 3), or the one it replaced.
    private func checkJournalHeader(_ h: JournalCodec.Header.Inner) throws {
        guard h.schemaVersion <= currentSchemaVersion else {
            throw StoreError(file: journal.path, line: 1, "written by a newer Relance (schema \(h.schemaVersion)); upgrade Relance")
        }
        guard h.baseSeq <= seq else {
            throw StoreError(file: journal.path, line: 1, "starts after change \(h.baseSeq) but the snapshot stops at \(seq): the snapshot is older than its journal")
        }
        journalIsPrevious = false
        guard let expected = expectedJournal else { return }   // schema 1 and 2: no tie to check
        if h.id == expected.id {
            guard h.baseSeq == expected.baseSeq, expected.schemaVersion == nil || expected.schemaVersion == h.schemaVersion else {
                throw StoreError(file: journal.path, line: 1, "its header (change \(h.baseSeq), schema \(h.schemaVersion)) is not what the snapshot says (change \(expected.baseSeq), schema \(expected.schemaVersion.map(String.init) ?? "?")): the header was altered")
            }
        } else if (h.id != nil && h.id == previousJournal) || (h.id == nil && previousJournal == SnapshotCodec.legacyJournal) {
            journalIsPrevious = true
        } else {
            throw StoreError(file: journal.path, line: 1, "is journal \(h.id ?? "(without id)"), but the snapshot is continued by journal \(expected.id) from change \(expected.baseSeq): this journal belongs to another store or generation")
        }
    }

    // MARK: History

    /// A customer's whole history: the lines of the history file (checked against their CRC), then what was
    /// recorded since.
    public func history(of customerId: String) throws -> [Activity] {
        try lock.with(exclusive: false) {
            try catchUp()
            var out: [Activity] = []
            if let name = historyFile, let entry = historyIndex.entries[customerId], !entry.range.isEmpty {
                out = try HistoryFile.read(name, entry: entry, customer: customerId, directory: files)
            }
            return out + book.activities(of: customerId)
        }
    }

    /// Under the shared lock, so no compaction replaces the files meanwhile: the latest book and its history file,
    /// checked whole, with each customer's count of activities in it (for `check`).
    func verifiedState() throws -> (Book, [String: Int]) {
        try lock.with(exclusive: false) {
            try catchUp()
            return (book, try verifiedHistory().1)
        }
    }

    /// The history file checked whole, and each customer's count of activities in it (call under the lock).
    func verifiedHistory() throws -> (Data, [String: Int]) {
        guard let name = historyFile else { return (Data(), [:]) }
        return try HistoryFile.verifyAll(name, index: historyIndex, directory: files)
    }

    // MARK: Backup

    /// Writes a self-contained snapshot of the current state, history included, to `path` while others keep
    /// working. The history is verified before, and the written file decoded again after: a damaged store gives
    /// a failing backup, never a file that cannot be restored. Restore: `relance restore FILE --into DIR`.
    public func backup(to path: String) throws {
        let data: Data = try lock.with(exclusive: false) {
            try catchUp()
            let (history, _) = try verifiedHistory()
            return try SnapshotCodec.encodeFull(book, seq: seq, history: history)
        }
        try Posix.writeNewFile(data, to: path)
        let written = try Self.readBackup(path)
        guard written.book.activityCount == book.activityCount, written.seq == seq,
              written.book.invoices.count == book.invoices.count, written.book.customers.count == book.customers.count else {
            throw StoreError(file: path, "the backup read back does not hold what was written")
        }
    }

    /// Decodes a backup file (a self-contained snapshot) and checks it.
    public static func readBackup(_ path: String) throws -> (book: Book, seq: Int) {
        let url = URL(fileURLWithPath: path)
        let parent = try StoreDirectory(path: url.deletingLastPathComponent().path)
        try parent.requirePlain(url.lastPathComponent)
        let data = try parent.read(url.lastPathComponent)
        let loaded = try SnapshotCodec.decode(data, path: path, into: Book())
        guard loaded.historyFile == nil else { throw StoreError(file: path, line: 1, "is a store's snapshot, not a backup (it names a history file)") }
        return (loaded.book, loaded.seq)
    }

    /// `relance restore`: a new store in an empty directory from a backup file.
    @discardableResult
    public static func restore(backup path: String, into directory: String) throws -> JSONFileStore {
        let (book, seq) = try readBackup(path)
        return try create(directory: directory, book: book, seq: seq)
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

/// The identity of a store's state (see `JSONFileStore.state`).
public struct StoreState: Equatable, Sendable {
    public var journalId: String?
    public var seq: Int
}
