import Foundation
import Receivables

/// Where each customer's activities are in the history file, with the CRC-32 of their bytes (schema 3; a
/// schema-2 store has no CRCs until its first compaction).
struct HistoryIndex {
    struct Entry: Equatable { var range: Range<Int>; var crc: UInt32? }
    var entries: [String: Entry] = [:]
}

/// The history file (`history-<seq>.jsonl`): every activity up to the snapshot, grouped by customer, each
/// customer's lines one byte range that the snapshot names with its checksum. Read per account on demand;
/// verified whole by `check` and `backup`.
enum HistoryFile {
    /// Names the store writes: `history-<seq>.jsonl`, or `history-<seq>-x<hex>.jsonl` when that one is taken.
    /// Anything else (`history-2024-ventes.xlsx`, `history-2024-11.jsonl`) is not ours and is never touched.
    static func isOurs(_ name: String) -> Bool {
        guard name.hasPrefix("history-"), name.hasSuffix(".jsonl") else { return false }
        let middle = name.dropFirst("history-".count).dropLast(".jsonl".count)
        let parts = middle.split(separator: "-", omittingEmptySubsequences: false)
        guard let seq = parts.first, !seq.isEmpty, seq.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        if parts.count == 1 { return true }
        guard parts.count == 2, let tag = parts.last, tag.first == "x", tag.count > 1 else { return false }
        return tag.dropFirst().allSatisfy { $0.isASCII && $0.isHexDigit }
    }

    /// Writes the next generation: for each customer, its lines from the previous history file (copied as bytes,
    /// after checking their CRC, so a damaged range is never carried forward silently) then the activities held
    /// in memory. The file is returned still locked: no cleanup removes it before the snapshot naming it is in place.
    static func write(book: Book, seq: Int, directory: StoreDirectory, previous: (String, HistoryIndex)?) throws -> (LockedFile, HistoryIndex) {
        let old = try previous.map { try directory.read($0.0) }
        var out = Data()
        out.reserveCapacity((old?.count ?? 0) + book.activitiesByCustomer.count * 2_000)
        var index = HistoryIndex()
        let writer = JSONWriter()
        for id in book.customerOrder {
            let start = out.count
            if let old, let (name, oldIndex) = previous, let e = oldIndex.entries[id] {
                guard e.range.upperBound <= old.count else {
                    throw StoreError(file: directory.file(name), "shorter than the snapshot says (\(old.count) bytes, \(id) ends at \(e.range.upperBound))")
                }
                try verify(old[e.range], entry: e, customer: id, path: directory.file(name))
                out.append(old[e.range])
            }
            for a in book.activities(of: id) {
                writer.bytes.removeAll(keepingCapacity: true)
                BookRecord.activity(a).write(to: writer)
                writer.bytes.append(10)
                out.append(contentsOf: writer.bytes)
            }
            if out.count > start {
                index.entries[id] = .init(range: start..<out.count, crc: out.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<out.count])) })
            }
        }
        var first = true
        let file = try directory.writeNew(out, tempBase: "history-\(seq).jsonl") {
            defer { first = false }
            return first && "history-\(seq).jsonl" != previous?.0 ? "history-\(seq).jsonl" : "history-\(seq)-x\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).jsonl"
        }
        return (file, index)
    }

    static func verify(_ bytes: Data, entry: HistoryIndex.Entry, customer: String, path: String) throws {
        guard let crc = entry.crc else { return }
        guard CRC32.checksum(bytes) == crc else {
            throw StoreError(file: path, "bytes \(entry.range.lowerBound)-\(entry.range.upperBound) (the history of \(customer)) do not match their checksum: the file was altered or damaged")
        }
    }

    /// One customer's activities, checked against the CRC the snapshot gives.
    static func read(_ name: String, entry: HistoryIndex.Entry, customer: String, directory: StoreDirectory) throws -> [Activity] {
        let path = directory.file(name)
        let data = try directory.read(name, range: entry.range)
        try verify(data, entry: entry, customer: customer, path: path)
        let decoder = JSONDecoder()
        var out: [Activity] = []
        for line in splitLines(data) {
            let record = data.withUnsafeBytes { raw in
                RecordReader.record(in: raw.bindMemory(to: UInt8.self), range: line)
            } ?? (try? decoder.decode(BookRecord.self, from: data[line]))
            guard case .activity(let a)? = record, a.customerId == customer else {
                throw StoreError(file: path, "bytes \(entry.range.lowerBound + line.lowerBound)-\(entry.range.lowerBound + line.upperBound): not an activity of \(customer)")
            }
            out.append(a)
        }
        return out
    }

    /// The whole file checked against the index (for `check` and `backup`): the ranges cover it exactly, each range's
    /// CRC matches. Returns each customer's count of activities (lines).
    static func verifyAll(_ name: String, index: HistoryIndex, directory: StoreDirectory) throws -> [String: Int] {
        let fd = try directory.openForReading(name)
        defer { close(fd) }
        return try stream(fd, path: directory.file(name), index: index)
    }

    /// The same for an open file (opened under the lock), read front to back in blocks and never held whole (a
    /// backup at 100,000 invoices held the 90 MB file, then a copy of it: issue 23); each block goes to `sink` once
    /// checked as far as its customers' ranges end (a backup copies them as they come).
    static func stream(_ fd: Int32, path: String, index: HistoryIndex, sink: (UnsafeRawBufferPointer) throws -> Void = { _ in }) throws -> [String: Int] {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError(file: path, "cannot stat: \(Posix.errorText())") }
        let size = Int(st.st_size)
        let entries = index.entries.sorted { $0.value.range.lowerBound < $1.value.range.lowerBound }
        // The ranges first: they must tile the file.
        var covered = 0
        for (id, e) in entries {
            guard e.range.lowerBound == covered else {
                throw StoreError(file: path, e.range.lowerBound > covered
                                 ? "bytes \(covered)-\(e.range.lowerBound) belong to no customer: the file was edited"
                                 : "the ranges of two customers overlap at byte \(e.range.lowerBound)")
            }
            guard e.range.upperBound <= size else {
                throw StoreError(file: path, "ends at byte \(size), before byte \(e.range.upperBound) where the history of \(id) ends: the file is truncated")
            }
            covered = e.range.upperBound
        }
        guard covered == size else {
            throw StoreError(file: path, "has \(size - covered) bytes after the last customer's history (byte \(covered)): the file was edited")
        }
        var counts: [String: Int] = [:]
        counts.reserveCapacity(entries.count)
        let block = 1 << 20   // read a megabyte at a time: what a backup holds of the file
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block, alignment: 16)
        defer { buffer.deallocate() }
        var k = 0, crc: UInt32 = 0, lines = 0, offset = 0
        while offset < size {
            let n = pread(fd, buffer.baseAddress!, min(block, size - offset), off_t(offset))
            if n < 0 { if errno == EINTR { continue }; throw StoreError(file: path, "read failed: \(Posix.errorText())") }
            guard n > 0 else { throw StoreError(file: path, "ends at byte \(offset) while reading it, \(size) bytes expected: the file is truncated") }
            var at = 0
            while at < n {
                let (id, e) = entries[k]
                let take = min(n - at, e.range.upperBound - (offset + at))
                let part = UnsafeRawBufferPointer(rebasing: buffer[at..<(at + take)])
                crc = CRC32.checksum(part, continuing: crc)
                lines += newlines(part)
                at += take
                if offset + at == e.range.upperBound {
                    if let expected = e.crc, crc != expected {
                        throw StoreError(file: path, "bytes \(e.range.lowerBound)-\(e.range.upperBound) (the history of \(id)) do not match their checksum: the file was altered or damaged")
                    }
                    counts[id] = lines
                    k += 1; crc = 0; lines = 0
                }
            }
            try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            offset += n
        }
        return counts
    }

    /// How many line feeds `bytes` holds (memchr: a byte at a time through `Data` was a third of `check`).
    static func newlines(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard var p = bytes.baseAddress else { return 0 }
        let end = p + bytes.count
        var n = 0
        while p < end, let hit = memchr(p, 10, end - p) { n += 1; p = UnsafeRawPointer(hit) + 1 }
        return n
    }
}
