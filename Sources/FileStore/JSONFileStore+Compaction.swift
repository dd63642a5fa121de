#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Receivables

/// Compaction: a new history file and snapshot, then a journal holding only what came after them.
///
/// It never runs inside a save. The state is captured under the lock, the big files are written aside (each
/// created `O_EXCL` and held under `flock` until the swap, so no cleanup takes them for leftovers), and they are
/// swapped in under the lock, carrying over the journal lines appended meanwhile. Each file is renamed into
/// place after `fsync`; the snapshot names its history file and the journal that continues it, so a crash at
/// any step leaves a loadable store, and replay is idempotent by sequence number.
extension JSONFileStore {
    /// True when the journal has grown past the limits, or the store has an older schema (the first writer migrates it).
    public var needsCompaction: Bool {
        !isReadOnly && (loadedSchema < currentSchemaVersion || journal.offset > compactAfterBytes || journal.lines - 1 > compactAfterEntries)
    }

    /// Compacts when `needsCompaction`; returns whether it did. Called by the workstation when idle and by
    /// commands after they have printed their result, never inside a save.
    @discardableResult
    public func compactIfNeeded() throws -> Bool {
        _ = try refresh()
        guard needsCompaction else { return false }
        try compact()
        return true
    }

    public func compact() throws { try compact(whileWriting: nil) }

    /// Commits a change too large for a journal line (a large import) as a new generation of the store: the
    /// book after `transform` is written as a snapshot aside, outside the lock, like a compaction, and swapped in
    /// under the lock in milliseconds; other processes then load the new snapshot instead of decoding a line of
    /// a hundred megabytes, and nobody waits for the write. `transform` gets the state captured under the lock
    /// and its sequence number, and returns the book after the change (nil: nothing to do); it must check the
    /// change as `commit` does (`applyNew`).
    ///
    /// The state is identified by the journal's generation and the change number (`StoreState`): a large change
    /// folded into a snapshot keeps the number, so the number alone does not tell that the book moved.
    ///
    /// The change is folded into the snapshot at the captured change N and takes no number of its own: saves
    /// made meanwhile (N+1...) stay in the journal, carried over as a compaction carries them, and so come after
    /// it; each is replayed on the new book under the lock. Should one no longer apply there (it conflicts with
    /// the change), the files are stale and the whole is made again on the new state, up to `attempts` times;
    /// then it returns nil and the caller commits through the journal. A crash at any step leaves the old
    /// snapshot or the new one with the journal that continues it. There is no journal line, so no per-change
    /// login (as after any compaction); the snapshot before it stays in backups/.
    public func commitThroughSnapshot(attempts: Int = 3, _ transform: (Book, StoreState) throws -> Book?) throws -> Book? {
        guard !isReadOnly else { throw DomainError.readOnly(directory: "\(directory)") }
        for _ in 0..<attempts {
            switch try withoutActuallyEscaping(transform, do: { try compact(whileWriting: nil, transform: $0) }) {
            case .written: return book
            case .nothingToDo: return book
            case .stale: continue
            }
        }
        return nil
    }

    enum Rewrite { case written, nothingToDo, stale }

    /// `relance migrate`: brings an older schema to the current one now (the original files go to backups/).
    public func migrate() throws -> String? {
        guard !isReadOnly else { throw StoreError(file: directory, "read-only for you: cannot migrate") }
        _ = try refresh()
        guard loadedSchema < currentSchemaVersion else { return nil }
        let from = loadedSchema
        try compact()
        return "migrated from schema \(from) to \(currentSchemaVersion)"
    }

    /// The state a compaction writes: the book at `seq`, where the journal stood then, and the files it replaces.
    struct Captured {
        var book: Book
        var seq: Int
        var journalOffset: Int
        var journalInode: UInt64
        var journalId: String?
        var history: (String, HistoryIndex)?
        var schema: Int
    }

    /// `whileWriting` runs between the capture and the swap, outside the lock (tests race other writers there).
    /// With `transform`, the captured book is changed before it is written (see `commitThroughSnapshot`), and any
    /// save meanwhile makes the result stale; without it, saves meanwhile are carried over in the new journal.
    @discardableResult
    func compact(whileWriting: (() throws -> Void)?, transform: ((Book, StoreState) throws -> Book?)? = nil) throws -> Rewrite {
        guard !isReadOnly else { return .nothingToDo }
        var held = Date()
        var captured = try exclusively { () throws -> Captured in
            held = Date()
            defer { lastCompactionLockTime = Date().timeIntervalSince(held) }
            return Captured(book: book, seq: seq, journalOffset: journal.offset, journalInode: journal.inode,
                            journalId: journal.header?.id, history: historyFile.map { ($0, historyIndex) }, schema: loadedSchema)
        }
        var target = captured
        if let transform {
            guard let changed = try transform(captured.book, StoreState(journalId: captured.journalId, seq: captured.seq)) else { return .nothingToDo }
            target.book = changed
        }
        let newJournal = SnapshotCodec.JournalRef(id: JournalCodec.newId(), baseSeq: captured.seq, schemaVersion: currentSchemaVersion)
        let history: LockedFile, index: HistoryIndex
        do { (history, index) = try HistoryFile.write(book: target.book, seq: captured.seq, directory: files, previous: captured.history) }
        catch {
            // The previous history file may have been replaced by another process's compaction meanwhile: then
            // there is nothing left to do. Anything else is a real failure.
            if try caughtUp({ journal.header?.id != captured.journalId }) { return .stale }
            throw error
        }
        defer { history.close() }
        // A journal without an id (written before schema 3) is named "legacy", so that only a crash window after
        // a migration accepts a journal without id.
        // A plain compaction says so, for others to adopt it without decoding it (schema 13); an import folded in, or a
        // migration (the book read from an older schema), does not: others decode that snapshot whole.
        let compaction = transform == nil && captured.schema == currentSchemaVersion
            ? captured.journalId.map { SnapshotCodec.Compaction(journal: $0, seq: captured.seq) } : nil
        let snapshot = try SnapshotCodec.encode(target.book, seq: captured.seq, historyFile: history.name, index: index,
                                                journal: newJournal, previousJournal: captured.journalId ?? SnapshotCodec.legacyJournal,
                                                compaction: compaction)
        let aside: LockedFile
        do { aside = try files.writeAside(snapshot, to: files.temporaryName(for: Self.snapshotName, tag: "compact")) }
        catch { history.discard(); throw error }
        defer { aside.close() }
        // The captured book shares its storage with the live one: held through the swap, every change replayed
        // there would copy the whole book (copy on write) under the lock. Only its activity counts are needed.
        let written = captured.book.activitiesByCustomer.mapValues(\.count)
        captured.book = Book()
        if transform == nil { target.book = Book() }
        try whileWriting?()
        // What others saved meanwhile is read under the shared lock first: under the exclusive one only the swap.
        _ = try refresh()
        return try lock.with(exclusive: true) { () throws -> Rewrite in
            held = Date()
            defer { lastCompactionLockTime += Date().timeIntervalSince(held) }
            // Another process compacted meanwhile: what we wrote is stale, and its snapshot is read later, outside
            // the lock (never here, while others wait).
            if journal.wasReplaced() { aside.discard(); history.discard(); return .stale }
            try catchUp()
            // The journal's id names its generation (an inode number can be reused by a later journal).
            guard journal.inode == captured.journalInode, journal.header?.id == captured.journalId, historyFile == captured.history?.0 else {
                // Another process compacted meanwhile: what we wrote is already stale.
                aside.discard(); history.discard()
                return .stale
            }
            if transform != nil {
                // The saves made meanwhile come after the change: each must still apply on top of it.
                guard let result = try? replayed(onto: target.book, from: captured.journalOffset, after: captured.seq) else {
                    aside.discard(); history.discard(); return .stale
                }
                book = result
            }
            LockLog.note("swap")
            if captured.schema < currentSchemaVersion { try keepOriginals(schema: captured.schema) }
            try swapIn(captured: target, written: written, aside: aside, history: history, index: index, newJournal: newJournal)
            // From schema 6 the policy is in the snapshot: the old policy.json (copied into backups/ above) goes, so
            // that nobody edits a file no longer read.
            if captured.schema < 6, files.exists(Self.policyName) { files.unlink(Self.policyName) }
            removeLeftovers()
            return .written
        }
    }

    /// The journal's entries after `seq` (from `offset`, where the capture stood) applied on `book`; throws when one
    /// does not apply or cannot be read.
    private func replayed(onto book: Book, from offset: Int, after seq: Int) throws -> Book {
        var result = book
        let tail = try journal.bytes(from: offset)
        let decoder = JSONDecoder()
        var expected = seq + 1
        for line in tail.split(separator: 10) where !line.isEmpty {
            guard case .success(.entry(let entry)) = JournalCodec.parse(Data(line), decoder: decoder) else { continue }   // a torn tail
            guard entry.seq == expected else { throw StoreError(file: journal.path, "change \(entry.seq) where \(expected) was expected") }
            try result.replay(entry.change)   // on failure `result` is dropped: no undo needed
            expected += 1
        }
        guard expected == self.seq + 1 else { throw StoreError(file: journal.path, "changes \(expected)-\(self.seq) could not be read again") }
        return result
    }

    /// Under the exclusive lock: back up the current files, rename the new snapshot into place, and rewrite the
    /// journal as a header plus the lines appended since the capture.
    private func swapIn(captured: Captured, written: [String: Int], aside: LockedFile, history: LockedFile, index: HistoryIndex, newJournal: SnapshotCodec.JournalRef) throws {
        // Keep the previous snapshot and its history file as an automatic backup (hard links cost nothing). When
        // that cannot be done (backups/ not writable), the compaction is not done: the previous snapshot is never
        // dropped without a word.
        let stamp = Timestamp.now().replacingOccurrences(of: ":", with: "")
        let backups: StoreDirectory
        do {
            backups = try StoreDirectory(parent: files, name: Self.backupsName, create: true)
            try files.link(Self.snapshotName, into: backups, as: "snapshot-\(stamp)-\(snapshotSeq).jsonl")   // the seq the replaced snapshot stands at
            if let old = historyFile { try files.link(old, into: backups, as: old, unique: false) }   // one name per generation
        } catch let e as StoreError {
            aside.discard(); history.discard()
            throw StoreError(file: e.file, "\(e.message); the store was left as it was (the previous snapshot is kept in backups/ before any compaction or large import: give the team write access to backups/)")
        }
        let tail = try journal.bytes(from: captured.journalOffset)
        do { try files.rename(aside.name, to: Self.snapshotName) } catch { aside.discard(); history.discard(); throw error }
        aside.name = Self.snapshotName
        try files.sync()
        let newHeader = JournalCodec.header(baseSeq: newJournal.baseSeq, id: newJournal.id)
        var newJournalData = newHeader
        newJournalData.append(tail)
        try files.writeAtomically(newJournalData, to: Journal.name)
        if let old = historyFile, old != history.name { files.unlink(old) }
        historyFile = history.name
        historyIndex = index
        loadedSchema = currentSchemaVersion
        snapshotSeq = captured.seq
        expectedJournal = newJournal
        previousJournal = captured.journalId ?? SnapshotCodec.legacyJournal
        book.releaseActivities(written: written)
        journal.replaced(byteCount: newJournalData.count, lineCount: 1 + tail.reduce(0) { $1 == 10 ? $0 + 1 : $0 },
                         header: .init(schemaVersion: currentSchemaVersion, baseSeq: newJournal.baseSeq, id: newJournal.id), headerBytes: newHeader,
                         lastSeq: seq)
        pruneBackups(backups)
    }

    /// Before the first compaction of an older schema: copies of the original snapshot and journal in
    /// `backups/schema-N-<time>/`.
    private func keepOriginals(schema: Int) throws {
        let backups = try StoreDirectory(parent: files, name: Self.backupsName, create: true)
        let folderName = "schema-\(schema)-\(Timestamp.now().replacingOccurrences(of: ":", with: ""))"
        let folder = try StoreDirectory(parent: backups, name: folderName, create: true)
        // The snapshot, the journal and the history file the snapshot names: all it takes to open the old store.
        for name in [Self.snapshotName, Journal.name, Self.policyName] + (historyFile.map { [$0] } ?? []) where files.exists(name) {
            try folder.writeAtomically(try files.read(name), to: name)
        }
        fixedWarnings.removeAll { $0.contains("older than this Relance") }
        fixedWarnings.append("\(directory): migrated from schema \(schema) to \(currentSchemaVersion); the original files are in \(folder.path)")
    }

    /// Under the exclusive lock: temporary files of crashed writes and history files no snapshot names (a crash
    /// between writing a history file and the snapshot naming it). Only files nobody holds locked are removed,
    /// so a compaction in progress in another process keeps its files; names that are not the store's own
    /// (`history-2024-ventes.xlsx`, `notes.tmp-backup.txt`) are never touched.
    func removeLeftovers() {
        files.removeUnlocked(leftovers())
    }

    /// Files of interrupted writes: temporary names of ours, and history files the snapshot does not name.
    func leftovers() -> [String] {
        let live = historyFile
        return files.list().filter { name in Self.isTemporary(name) || (HistoryFile.isOurs(name) && name != live) }
    }

    private func pruneBackups(_ backups: StoreDirectory) {
        let names = backups.list()
        // Only the snapshots compaction put there (`snapshot-<time>-<seq>.jsonl`): a user's own file stays.
        let snapshots = names.filter { $0.wholeMatch(of: #/snapshot-\d{4}-\d{2}-\d{2}T\d{6}Z-\d+(-\d+)?\.jsonl/#) != nil }.sorted()
        for name in snapshots.dropLast(backupsKept) { backups.unlink(name) }
        // History files no kept backup snapshot names can go too.
        let kept = Set(snapshots.suffix(backupsKept).compactMap { historyName(of: $0, in: backups) })
        for name in names where HistoryFile.isOurs(name) && !kept.contains(name) { backups.unlink(name) }
    }

    /// The history file a snapshot's header names, read from its first line.
    private func historyName(of snapshot: String, in dir: StoreDirectory) -> String? {
        guard let fd = try? dir.openForReading(snapshot) else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0, let line = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n").first,
              let header = try? JSONDecoder().decode(SnapshotCodec.Header.self, from: Data(line.utf8)) else { return nil }
        return header.snapshot.history
    }
}

extension JSONFileStore: SnapshotCommitting {}
