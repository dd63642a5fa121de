#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Receivables
import Wording
import UserRights

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
    /// Journal entries whose author did not hold the role the change needed then, or made from another login
    /// (replayed against the permission table as they are read): `check` reports them.
    public internal(set) var forged: [String] = []
    /// The last changes applied, with their numbers: what moved since a long command planned (`changes(since:)`).
    var recent: [(seq: Int, change: Change)] = []
    static let recentKept = 20_000   // at least this many are known (up to twice as many)

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
        // The snapshot is decoded before the shared lock is taken (as after another's compaction): a writer never
        // waits for this process to read a large file.
        // A reader retries outside the lock once; then it reads under the shared lock, which only writers wait for:
        // under compactions in a loop (the torture runs), retrying more starved the opens themselves.
        for attempt in 1...2 {
            prefetchSnapshot()
            do {
                try lock.with(exclusive: false) {
                    // Replaced again since it was read (a compaction under way): read it again outside the lock.
                    if attempt < 2, !hasReadNewSnapshot { throw SnapshotMoved() }
                    try reloadAll()
                }
                break
            } catch is SnapshotMoved { continue }
        }
        Posix.trimHeap()   // out of the lock: nobody waits for it
        if loadedSchema < currentSchemaVersion {
            fixedWarnings.append("\(directory): schema \(loadedSchema), older than this Relance's \(currentSchemaVersion); "
                                 + (writable ? "it is migrated after your first change (or run `relance migrate`)" : "read as it is"))
        }
        if files.lacksSetgid {
            fixedWarnings.append("\(directory): the directory has no setgid bit (`chmod g+s`): Relance gives the files it creates the directory's group, other programs may not")
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
            try Posix.makeParents(parent)
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
        guard !isReadOnly else { throw DomainError.readOnly(directory: "\(directory)") }
        try exclusively {
            try journal.truncateTornTail()
            let change = try make(book)
            try book.applyNew(change, by: user)   // a new change passes the permission table and the input rules; replay only applies
            let entry = JournalEntry(seq: seq + 1, at: Timestamp.now(), user: user, login: StoreLock.login, change: change)
            do {
                try journal.append(try JournalCodec.line(entry, encoder: encoder), seq: entry.seq)
                seq += 1
                remember(seq, change)
            } catch {
                // The change is in memory but maybe not on disk: forget memory, trust the disk.
                try? reloadAll()
                throw error
            }
        }
        return book
    }

    /// Runs `body` under the exclusive lock with the book caught up. What takes time is done before, under no lock
    /// or the shared one: a new snapshot left by another's compaction is decoded first (`prefetchSnapshot`), and the
    /// journal caught up under the shared lock, so the exclusive lock is held for an incremental catch-up and the
    /// body only. Should the store move too far meanwhile (yet another compaction, or more than `behindLimit` bytes
    /// of journal, a large batch another wrote), the lock is let go and the catching up done outside it again; the
    /// last of `exclusiveAttempts` does it under the lock, so the call always ends.
    func exclusively<T>(_ body: () throws -> T) throws -> T {
        for attempt in 1...Self.exclusiveAttempts {
            _ = try refresh()
            do {
                return try lock.with(exclusive: true) {
                    if attempt < Self.exclusiveAttempts, isFarBehind { throw SnapshotMoved() }
                    try catchUp()
                    return try body()
                }
            } catch is SnapshotMoved { continue }
        }
        fatalError("unreachable: the last attempt never throws SnapshotMoved")
    }

    static let exclusiveAttempts = 8
    static let behindLimit = 32 << 10   // a few lines: a chunk of letters is 40-60 KB

    /// True when catching up would mean decoding a snapshot not read yet, or a long journal tail.
    private var isFarBehind: Bool {
        if journal.wasReplaced() { return !hasReadNewSnapshot }
        guard let s = journal.stamp else { return false }
        return Int(s.size) - journal.offset > Self.behindLimit
    }

    /// Runs `body` under the lock with the book caught up, a new snapshot decoded before the lock is taken (and again,
    /// twice at most, when yet another replaced it meanwhile; the third time it is read under the lock).
    func locked<T>(exclusive: Bool, _ body: () throws -> T) throws -> T {
        let attempts = exclusive ? 3 : 2   // (readers: see init)
        for attempt in 1...attempts {
            if journal.wasReplaced() { prefetchSnapshot() }
            do {
                return try lock.with(exclusive: exclusive) {
                    if attempt < attempts, journal.wasReplaced(), !hasReadNewSnapshot { throw SnapshotMoved() }
                    try catchUp()
                    return try body()
                }
            } catch is SnapshotMoved { continue }
        }
        fatalError("unreachable: the last attempt never throws SnapshotMoved")
    }

    /// True when the snapshot on disk is the one decoded before the lock (`prefetchSnapshot`).
    private var hasReadNewSnapshot: Bool {
        let now = files.stamp(Self.snapshotName)
        return prefetched?.stamp == now || (now != nil && prefetchedCompaction?.stamp == now)
    }

    struct SnapshotMoved: Error {}

    /// Runs `body` under the shared lock with the book caught up; a new snapshot is decoded before the lock is taken.
    func caughtUp<T>(_ body: () throws -> T) throws -> T { try locked(exclusive: false, body) }

    /// Keeps a change applied, for `changes(since:)`; past twice `recentKept`, the oldest half goes at once (an array
    /// trimmed at every change would move all of it each time).
    private func remember(_ seq: Int, _ change: Change) {
        recent.append((seq, change))
        if recent.count > 2 * Self.recentKept { recent.removeFirst(recent.count - Self.recentKept) }
    }

    /// The changes applied since `state`, oldest first, when this process knows them all (the same journal
    /// generation, and within the last `recentKept` at least); nil otherwise. A long command planned at `state` checks
    /// under the lock only what these changes touched.
    public func changes(since state: StoreState) -> [Change]? {
        guard state.journalId == journal.header?.id, state.seq <= seq else { return nil }
        if state.seq == seq { return [] }
        guard let first = recent.first, first.seq <= state.seq + 1 else { return nil }
        return recent.filter { $0.seq > state.seq }.map(\.change)
    }

    /// Which state the book in memory is: the journal's generation and the change number. Two equal states hold
    /// the same book; a large import (folded into a new snapshot) changes the generation, not the number.
    public var state: StoreState { StoreState(journalId: journal.header?.id, seq: seq) }

    public func refresh() throws -> Bool {
        guard journal.hasChangedOnDisk else { return false }
        let before = seq
        let generation = (journal.inode, journal.header?.id)
        try caughtUp {}
        return seq != before || generation != (journal.inode, journal.header?.id)
    }

    /// Housekeeping between a user's actions: compaction when the journal has grown or the schema is old.
    /// A failure (say `backups/` cannot be written) is reported once and not tried again for ten minutes: each try
    /// writes a whole snapshot aside.
    @discardableResult
    public func maintain() -> String? {
        if let until = maintenanceHeldUntil, Date() < until { return nil }
        do { try compactIfNeeded(); maintenanceHeldUntil = nil; return nil } catch {
            maintenanceHeldUntil = Date().addingTimeInterval(600)
            return "the store was not compacted: \(error)"
        }
    }
    private var maintenanceHeldUntil: Date?

    // MARK: Loading

    /// Decodes the snapshot and the policy it is read with (call under a lock, or see `prefetchSnapshot`).
    ///
    /// A store before schema 6 kept its policy in `policy.json` beside its files: read (strictly) and taken in as
    /// the store's own, which the migration writes into the snapshot. From schema 6 the policy is a record of the
    /// snapshot and `policy.json` is no longer read (`check` says so when one is left).
    private func decodeSnapshot() throws -> SnapshotCodec.Loaded {
        var base = Book()
        let data = try files.read(Self.snapshotName)
        if SnapshotCodec.schemaVersion(of: data).map({ $0 < 6 }) ?? false, files.exists(Self.policyName) {
            let policy: Policy
            do { policy = try Policy.read(try files.read(Self.policyName)) }
            catch let e as Policy.Problem { throw StoreError(file: files.file(Self.policyName), line: e.line, e.message) }
            let written = files.stamp(Self.policyName).map { Date(timeIntervalSince1970: TimeInterval($0.mtime / 1_000_000_000)) } ?? Date(timeIntervalSince1970: 0)
            base.adoptPolicyFile(policy, at: Timestamp.now(written))
        }
        return try SnapshotCodec.decode(data, path: files.file(Self.snapshotName), into: base, releasing: true)
    }

    /// A snapshot decoded under no lock, and the file it was read from.
    var prefetched: (stamp: Posix.FileStamp, policy: Posix.FileStamp?, loaded: SnapshotCodec.Loaded)?

    /// After another process's compaction, decodes its new snapshot before any lock is taken, so that nobody waits
    /// on this process while it reads a large file: the snapshot and policy are only ever replaced by a rename, never
    /// written in place, and the decode checks every byte, so a file read while another replaces it is either whole
    /// or refused. `reloadAll` (under the lock) uses it when the file is still the one read; any failure here is
    /// left for `reloadAll` to report with its message.
    func prefetchSnapshot() {
        guard let before = files.stamp(Self.snapshotName), prefetched?.stamp != before, prefetchedCompaction?.stamp != before else { return }
        // Another's compaction of the journal this process reads: only its header and history lines are needed.
        if loadedSchema == currentSchemaVersion, let id = journal.header?.id, let fd = try? files.openForReading(Self.snapshotName) {
            defer { close(fd) }
            var st = stat()
            if fstat(fd, &st) == 0, UInt64(st.st_ino) == before.inode, Int64(st.st_size) == before.size,
               let view = SnapshotCodec.compactionView(fd: fd, size: Int(st.st_size), path: files.file(Self.snapshotName), of: id) {
                prefetchedCompaction = (before, view)
                return
            }
        }
        let policy = files.stamp(Self.policyName)
        guard let loaded = try? decodeSnapshot(), files.stamp(Self.snapshotName) == before, files.stamp(Self.policyName) == policy else { return }
        prefetched = (before, policy, loaded)
    }

    /// How this process last took in a new snapshot: decoded whole, or adopted (another's compaction, read only as
    /// far as needed). For the tests and the benchmark.
    public enum Load: Sendable { case decoded, adopted }
    public private(set) var lastLoad: Load = .decoded

    /// Another process's compaction, read before the lock (`prefetchSnapshot`): what `adopt` needs of its snapshot.
    var prefetchedCompaction: (stamp: Posix.FileStamp, view: SnapshotCodec.CompactionView)?

    func reloadAll() throws {
        if let c = prefetchedCompaction, c.stamp == files.stamp(Self.snapshotName) {
            prefetchedCompaction = nil
            if try adopt(c.view) { return }
            LockLog.note("compaction not adopted")
        }
        prefetchedCompaction = nil
        lastLoad = .decoded
        var loaded: SnapshotCodec.Loaded
        if let p = prefetched, p.stamp == files.stamp(Self.snapshotName), p.policy == files.stamp(Self.policyName) {
            loaded = p.loaded
        } else {
            loaded = try decodeSnapshot()
            LockLog.note("decoded")
        }
        prefetched = nil
        let path = files.file(Self.snapshotName)
        if let h = loaded.historyFile {
            try files.requirePlain(h)
            guard files.exists(h) else { throw StoreError(file: path, line: 1, "its history file \(h) is missing from the store") }
        }
        // Taken, not shared: were `loaded` to hold the book's tables until this function ends, the journal's replay
        // below would copy each of them at its first change (35 ms at 100,000 invoices, on every open).
        book = loaded.book
        loaded.book = Book()
        seq = loaded.seq
        snapshotSeq = loaded.seq
        loadedSchema = loaded.schemaVersion
        historyFile = loaded.historyFile
        historyIndex = loaded.historyIndex
        expectedJournal = loaded.journal
        previousJournal = loaded.previousJournal
        if loaded.schemaVersion < 5 { try deriveDunningLevels() }
        journal.reset()
        recent.removeAll()
        forged.removeAll()
        try catchUp()
    }

    /// Takes in another process's compaction without decoding its snapshot (issue 23: the first save after it read
    /// the whole new snapshot, 0.7-1.3 s at 100,000 invoices). The snapshot says it is journal J's changes up to N
    /// folded into the previous one, their activities moved to its history file. This process has read J up to some
    /// change S. When S < N it reads the rest up to N from J, which it holds open (the compaction renamed a new journal
    /// over it); when S > N (it saved while the compaction wrote its files) the changes after N are in the new journal
    /// too. Then every customer's digest must be the snapshot's, except those the changes after N touched, whose
    /// activities must be at least the snapshot's; its activities held in memory up to N are now in the new history
    /// file. False (decode the snapshot whole) when any of it is not so.
    private func adopt(_ view: SnapshotCodec.CompactionView) throws -> Bool {
        let h = view.header
        guard let c = h.compaction, let name = h.history, let next = h.journal, c.journal == journal.header?.id,
              loadedSchema == currentSchemaVersion else { return false }
        if seq < c.seq {
            guard let missed = journal.entriesOfReplaced(upTo: c.seq) else { return false }
            // On any failure the caller decodes the snapshot whole and replaces the book, so nothing here is undone (a
            // copy kept to undo would copy the whole book at the first change applied).
            for (entry, line) in missed {
                do { try apply(entry, line: line) } catch { return false }
            }
        }
        guard seq >= c.seq, let later = changes(since: StoreState(journalId: c.journal, seq: c.seq)) else { return false }
        var touched = Set<String>(), anyAccount = false
        for change in later { if let ids = change.customers(in: book) { touched.formUnion(ids) } else { anyAccount = true } }
        guard view.digests.keys.allSatisfy({ book.customers[$0] != nil }) else { return false }
        var written: [String: Int] = [:]
        for id in book.customerOrder {
            let theirs = view.digests[id] ?? ActivityDigest(), mine = book.digest(of: id)
            let held = book.activities(of: id).count
            // What the new history file holds for the account, less what the one this process read held.
            let moved = theirs.count - (mine.count - held)
            guard moved >= 0, moved <= held else { return false }
            if !anyAccount && !touched.contains(id) { guard mine == theirs, moved == held else { return false } }
            if moved > 0 { written[id] = moved }
        }
        try files.requirePlain(name)
        guard files.exists(name) else { throw StoreError(file: files.file(Self.snapshotName), line: 1, "its history file \(name) is missing from the store") }
        book.releaseActivities(written: written)
        snapshotSeq = h.seq
        historyFile = name
        historyIndex = view.index
        expectedJournal = next
        previousJournal = h.previousJournal
        journal.reset()
        recent.removeAll()
        LockLog.note("adopted")
        lastLoad = .adopted
        try catchUp()
        return true
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
        // An entry failed to apply (below): the journal was read past it, so it is read again from the start, and fails
        // again until someone mends the store. Never a save on top: it would number a second change `seq + 1`.
        if replayFailed { replayFailed = false; return try reloadAll() }
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
                if let limit = replayLimit, entry.seq > limit { continue }   // rebuilding: up to the failed entry
                guard entry.seq == seq + 1 else {
                    throw StoreError(file: journal.path, line: lineNumber, "change \(entry.seq) follows change \(seq): changes \(seq + 1)-\(entry.seq - 1) are missing")
                }
                do { try apply(entry, line: lineNumber) } catch {
                    // The entry's batch was replayed in place (`Book.replay`): part of it may be in the book, which
                    // is rebuilt as it stood at `seq` (the snapshot and the entries before) before the error goes up.
                    if replayLimit == nil {
                        replayLimit = seq
                        defer { replayLimit = nil; replayFailed = true }
                        try? reloadAll()
                    }
                    throw error
                }
            }
        }
        if journalIsPrevious && seq < snapshotSeq {
            throw StoreError(file: journal.path, "stops at change \(seq), but the snapshot continuing it was taken at change \(snapshotSeq): changes are missing")
        }
    }

    /// While the book is rebuilt after an entry failed to apply: the last change to replay.
    private var replayLimit: Int?
    /// An entry failed to apply: the next catch-up reads the store again from its snapshot.
    private var replayFailed = false

    /// Applies one journal entry read at `lineNumber`. Who made it is replayed against the permission table on the
    /// state it was made on, and the login it was made from against its user's: what `check` reports as forged (a
    /// journal line appended by hand, with a CRC anyone can compute).
    private func apply(_ entry: JournalEntry, line lineNumber: Int) throws {
        if let refusal = Permission.refusal(entry.change, by: entry.user, in: book) {
            forged.append("\(journal.path):\(lineNumber): change \(entry.seq) (\(entry.change.summary)) by \(entry.user): \(refusal.description)")
        } else if case .setPolicy(_, let author, _) = entry.change, author != entry.user {
            forged.append("\(journal.path):\(lineNumber): change \(entry.seq) (\(entry.change.summary)) by \(entry.user) logs the policy change as \(author)'s")
        } else if let login = entry.login, let expected = book.users[entry.user]?.login, login != expected {
            forged.append("\(journal.path):\(lineNumber): change \(entry.seq) (\(entry.change.summary)) by \(entry.user) was made from login \(login), not \(expected)")
        }
        do { try book.replay(entry.change) } catch {
            throw StoreError(file: journal.path, line: lineNumber, "change \(entry.seq) (\(entry.change.summary)) cannot be applied: \(error.message)")
        }
        seq = entry.seq
        remember(seq, entry.change)
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
        try caughtUp {
            var out: [Activity] = []
            if let name = historyFile, let entry = historyIndex.entries[customerId], !entry.range.isEmpty {
                out = try HistoryFile.read(name, entry: entry, customer: customerId, directory: files)
            }
            return out + book.activities(of: customerId)
        }
    }

    /// The latest book and its history file checked whole, with each customer's count of activities in it (for
    /// `check`). Only the capture is under the shared lock: the book (a value) and an open descriptor of the history
    /// file, which is never written in place once named (a compaction writes a new one), so it is read and verified
    /// after the lock is let go, while others keep saving.
    func verifiedState() throws -> (Book, [String: Int]) {
        let captured = try capture()
        defer { captured.close() }
        return (captured.book, try captured.verifiedHistory())
    }

    /// What `check` and `backup` read: the book, its change number, and the history file opened under the lock.
    struct Capture {
        var book: Book
        var seq: Int
        var history: (path: String, fd: Int32, index: HistoryIndex)?

        /// Reads and verifies the history file, block by block, each block then given to `sink`.
        func verifiedHistory(sink: (UnsafeRawBufferPointer) throws -> Void = { _ in }) throws -> [String: Int] {
            guard let h = history else { return [:] }
            return try HistoryFile.stream(h.fd, path: h.path, index: h.index, sink: sink)
        }

        func close() { if let h = history { Glibc.close(h.fd) } }
    }

    func capture() throws -> Capture {
        try caughtUp {
            var history: (String, Int32, HistoryIndex)?
            if let name = historyFile { history = (files.file(name), try files.openForReading(name), historyIndex) }
            return Capture(book: book, seq: seq, history: history)
        }
    }

    // MARK: Backup

    /// Writes a self-contained snapshot of the current state, history included, to `path` while others keep
    /// working. The lock is held only to capture the state (see `capture`); the file is written after, as it goes:
    /// the book's records, then the history file's lines copied block by block once checked against their CRCs and
    /// counted against the snapshot's digests (a damaged store gives a failing backup, never a file that cannot be
    /// restored), then the activities since the last compaction and the end line of checksums. Before it replaces
    /// `path`, the new file is read back and every block checked against the checksums of what was meant to be
    /// written. Restore: `relance restore FILE --into DIR`.
    public func backup(to path: String) throws {
        let captured = try capture()
        defer { captured.close() }
        let book = captured.book
        // The records are written as they come (`forEachRecord`), not gathered first: counted here for the header.
        var bookRecords = 0
        book.forEachRecord(includingActivities: false) { _ in bookRecords += 1 }
        let held = book.customerOrder.reduce(0) { $0 + book.activities(of: $1).count }
        // The lines the history file must hold: what the digests count, less what is still in memory.
        let inFile = book.activityCount - held
        let lines = bookRecords + held + inFile
        let header = try SnapshotCodec.headerLine(seq: captured.seq, records: lines, history: nil, journal: nil, previousJournal: nil)
        // The backup file is the user's, written and read back with the user's rights (never the store group's).
        try UserRights.asUser {
            try Posix.writeNewFile(to: path) { file in
                let out = BlockWriter(fd: file.fd, path: file.path)
                try out.append(header)
                let writer = JSONWriter(capacity: 1 << 20)
                func put(_ r: BookRecord) throws {
                    r.write(to: writer); writer.bytes.append(10)
                    if writer.bytes.count >= 1 << 20 { try out.append(writer.bytes); writer.bytes.removeAll(keepingCapacity: true) }
                }
                try book.forEachRecord(includingActivities: false, put)
                try out.append(writer.bytes); writer.bytes.removeAll(keepingCapacity: true)
                let counts = try captured.verifiedHistory { try out.append($0) }   // older activities first
                let found = counts.values.reduce(0, +)
                guard found == inFile else {
                    throw StoreError(file: captured.history?.path ?? path, "holds \(found) activities, the snapshot counts \(inFile): run relance check")
                }
                // Then the ones since the last compaction, in the book's order, as `records` gives them.
                for id in book.customerOrder { for a in book.activities(of: id) { try put(.activity(a)) } }
                try out.append(writer.bytes)
                try out.finish()
                try out.readBack(lines: lines + 2)
            }
        }
    }

    /// Decodes a backup file (a self-contained snapshot) and checks it.
    public static func readBackup(_ path: String) throws -> (book: Book, seq: Int) {
        let url = URL(fileURLWithPath: path)
        let parent = try StoreDirectory(path: url.deletingLastPathComponent().path)
        try parent.requirePlain(url.lastPathComponent)
        let data = try parent.read(url.lastPathComponent)
        let loaded = try SnapshotCodec.decode(data, path: path, into: Book(), releasing: true)
        guard loaded.historyFile == nil else { throw StoreError(file: path, line: 1, "is a store's snapshot, not a backup (it names a history file)") }
        return (loaded.book, loaded.seq)
    }

    /// `relance restore`: a new store in an empty directory from a backup file.
    @discardableResult
    public static func restore(backup path: String, into directory: String) throws -> JSONFileStore {
        let (book, seq) = try UserRights.asUser { try readBackup(path) }   // the user's file; the store the program's
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


