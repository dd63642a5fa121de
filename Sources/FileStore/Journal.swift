#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Receivables

/// `journal.jsonl`: a header naming the journal (`id`, `baseSeq`), then one CRC-checked change per line.
/// This type knows where this process stopped reading, reads what others appended since, appends, and
/// cuts a torn tail. It never decides what a change means: the store applies the entries it returns.
final class Journal {
    static let name = "journal.jsonl"
    let directory: StoreDirectory
    var path: String { directory.file(Self.name) }

    /// Where this process stopped reading: the file's inode, the byte offset after the last complete line read,
    /// and how many lines that was. A different inode or a shorter file means another process compacted.
    private(set) var inode: UInt64 = 0
    private(set) var offset = 0
    private(set) var lines = 0
    /// The header of the journal read (nil before the first line is read).
    private(set) var header: JournalCodec.Header.Inner?
    private(set) var lastStamp: Posix.FileStamp?
    /// The last line was torn (a crash mid-append): its warning, until a writer cuts it.
    private(set) var tornTail: String?

    init(directory: StoreDirectory) { self.directory = directory }

    deinit { if heldFD >= 0 { close(heldFD) } }

    /// The journal being read, held open: once another process's compaction has renamed a new journal over it, the
    /// changes this process had not read yet are still there to read (`entriesOfReplaced`), up to the one the new
    /// snapshot was taken at.
    private var heldFD: Int32 = -1
    private var heldInode: UInt64 = 0

    private func hold() {
        guard inode != 0, heldInode != inode else { return }
        if heldFD >= 0 { close(heldFD); heldFD = -1; heldInode = 0 }
        guard let fd = try? directory.openForReading(Self.name) else { return }
        var st = stat()
        // Replaced again between the read and the open: nothing is held (the next compaction is then decoded whole).
        guard fstat(fd, &st) == 0, UInt64(st.st_ino) == inode else { close(fd); return }
        heldFD = fd
        heldInode = inode
    }

    /// After the journal was replaced: the entries of the one this process was reading, from where it stopped up to
    /// change `last`, read from the file held open; nil when they are not all there, in order, whole.
    func entriesOfReplaced(upTo last: Int) -> [(entry: JournalEntry, line: Int)]? {
        guard heldFD >= 0, heldInode == inode, let previous = lastEntrySeq ?? header?.baseSeq else { return nil }
        if previous == last { return [] }
        guard previous < last else { return nil }
        var st = stat()
        guard fstat(heldFD, &st) == 0, Int(st.st_size) > offset else { return nil }
        var data = Data(count: Int(st.st_size) - offset)
        let n = data.withUnsafeMutableBytes { pread(heldFD, $0.baseAddress!, $0.count, off_t(offset)) }
        guard n == data.count else { return nil }
        let decoder = JSONDecoder()
        var out: [(JournalEntry, Int)] = []
        var expected = previous + 1, lineNumber = lines
        for r in splitLines(data) where expected <= last {
            lineNumber += 1
            guard r.upperBound < data.count, case .success(.entry(let e)) = JournalCodec.parse(data.subdata(in: r), decoder: decoder),
                  e.seq == expected else { return nil }
            out.append((e, lineNumber))
            expected += 1
        }
        return expected == last + 1 ? out : nil
    }

    var stamp: Posix.FileStamp? { directory.stamp(Self.name) }
    var hasChangedOnDisk: Bool { stamp != lastStamp }

    /// Forget what was read: the next `readNew` starts from the top (after a reload of the snapshot).
    func reset() { inode = 0; offset = 0; lines = 0; header = nil; headerBytes = nil; lastStamp = nil; tornTail = nil; lastEntrySeq = nil }

    /// The sequence number of the last entry read: within a journal they follow each other from its `baseSeq`,
    /// so a duplicated, removed or moved line is found even where replay would skip it.
    private var lastEntrySeq: Int?

    /// True when the file was replaced (compaction) or cut shorter since this process read it. The inode alone
    /// does not tell: a journal two compactions later can get the inode number of the one this process read (the
    /// file system reuses freed numbers), so the first line, which names the journal, is compared too.
    func wasReplaced() -> Bool {
        guard inode != 0 else { return false }
        guard let s = stamp else { return true }
        if s.inode != inode || Int(s.size) < offset { return true }
        guard let first = headerBytes, !first.isEmpty else { return false }
        return (try? directory.read(Self.name, range: 0..<first.count)) != first
    }

    /// The first line as read (with its newline), to recognise this journal later.
    private var headerBytes: Data?

    enum Line { case header(JournalCodec.Header.Inner), entry(JournalEntry, line: Int) }

    /// Reads the complete lines appended since the last call. A bad last line is a torn append (reported in
    /// `tornTail`, not returned); a bad line anywhere else is an error with its line number.
    func readNew() throws -> [Line] {
        guard let s = stamp else {
            lastStamp = nil
            if directory.kind(of: Self.name) != .missing { try directory.requirePlain(Self.name) }
            return []
        }
        inode = s.inode
        hold()
        guard Int(s.size) > offset else { lastStamp = s; return [] }
        let count = Int(s.size) - offset
        let data = try directory.read(Self.name, range: offset..<(offset + count))
        let ranges = splitLines(data)
        let decoder = JSONDecoder()
        var out: [Line] = []
        tornTail = nil
        for (i, r) in ranges.enumerated() {
            let lineNumber = lines + 1
            let complete = r.upperBound < data.count   // followed by a newline
            let parsed = JournalCodec.parse(data.subdata(in: r), decoder: decoder)
            switch parsed {
            case .success(.header(let h)) where complete:
                guard lineNumber == 1 else { throw StoreError(file: path, line: lineNumber, "a journal header in the middle of the journal") }
                header = h
                headerBytes = data.subdata(in: r.lowerBound..<(r.upperBound + 1))
                lastEntrySeq = h.baseSeq
                out.append(.header(h))
            case .success(.entry(let entry)) where complete:
                guard lineNumber > 1 else { throw StoreError(file: path, line: 1, "the journal header is missing") }
                if let previous = lastEntrySeq, entry.seq != previous + 1 {
                    throw StoreError(file: path, line: lineNumber, "change \(entry.seq) comes after change \(previous): a line was duplicated, removed or moved")
                }
                lastEntrySeq = entry.seq
                out.append(.entry(entry, line: lineNumber))
            case .success, .failure:
                let problem: String
                if case .failure(let m) = parsed { problem = m.message } else { problem = "incomplete line" }
                // What a crash in the middle of an append leaves is a last line without its newline. A complete
                // line that fails its checksum is damage, not a crash: refused like any other bad line.
                guard i == ranges.count - 1, !complete, lineNumber > 1 else {
                    throw StoreError(file: path, line: lineNumber, problem)
                }
                tornTail = "\(path):\(lineNumber): last line ignored (incomplete write, what a crash leaves); the changes before it are intact"
                lastStamp = s
                return out
            }
            offset += r.count + 1
            lines = lineNumber
        }
        lastStamp = s
        return out
    }

    /// Appends one line with one `write` and `fdatasync` (the caller holds the exclusive lock).
    func append(_ line: Data, seq: Int) throws {
        let fd = try directory.openForAppending(Self.name)
        defer { close(fd) }
        try Posix.writeAll(fd, line, path: path)
        let started = LockLog.now()
        guard fdatasync(fd) == 0 else { throw StoreError(file: path, "fdatasync failed: \(Posix.errorText())") }
        let synced = LockLog.now() - started
        if synced > 20_000 { LockLog.note("fdatasync \(synced / 1000) ms") }
        offset += line.count
        lines += 1
        lastEntrySeq = seq
        lastStamp = stamp
    }

    /// Under the exclusive lock: cut a torn tail left by a crashed writer, or the next append would join it.
    func truncateTornTail() throws {
        guard let s = stamp, Int(s.size) > offset else { return }
        let fd = try directory.openForAppending(Self.name)
        defer { close(fd) }
        guard ftruncate(fd, off_t(offset)) == 0 else {
            throw StoreError(file: path, "cannot cut the torn last line: \(Posix.errorText())")
        }
        tornTail = nil
        lastStamp = stamp
    }

    /// The bytes appended after `from` up to where this process has read (carried into a compacted journal).
    func bytes(from: Int) throws -> Data {
        guard offset > from else { return Data() }
        return try directory.read(Self.name, range: from..<offset)
    }

    /// After a compaction wrote a new journal: read position is its end.
    func replaced(byteCount: Int, lineCount: Int, header: JournalCodec.Header.Inner, headerBytes: Data, lastSeq: Int) {
        self.headerBytes = headerBytes
        lastEntrySeq = lastSeq
        offset = byteCount
        lines = lineCount
        self.header = header
        inode = stamp?.inode ?? 0
        lastStamp = stamp
        tornTail = nil
    }
}
