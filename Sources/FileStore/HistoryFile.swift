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

    /// The whole file checked against the index (for `check` and `backup`): the ranges cover it exactly, each
    /// range's CRC matches, each line is an activity of its customer. Returns the file and each customer's count.
    static func verifyAll(_ name: String, index: HistoryIndex, directory: StoreDirectory) throws -> (Data, [String: Int]) {
        try verifyAll(try directory.read(name), path: directory.file(name), index: index)
    }

    /// The same for the bytes of the file, read by the caller (from a descriptor opened under the lock).
    static func verifyAll(_ data: Data, path: String, index: HistoryIndex) throws -> (Data, [String: Int]) {
        var counts: [String: Int] = [:]
        var covered = 0
        for (id, e) in index.entries.sorted(by: { $0.value.range.lowerBound < $1.value.range.lowerBound }) {
            guard e.range.lowerBound == covered else {
                throw StoreError(file: path, e.range.lowerBound > covered
                                 ? "bytes \(covered)-\(e.range.lowerBound) belong to no customer: the file was edited"
                                 : "the ranges of two customers overlap at byte \(e.range.lowerBound)")
            }
            guard e.range.upperBound <= data.count else {
                throw StoreError(file: path, "ends at byte \(data.count), before byte \(e.range.upperBound) where the history of \(id) ends: the file is truncated")
            }
            try verify(data[e.range], entry: e, customer: id, path: path)
            counts[id] = data[e.range].reduce(0) { $1 == 10 ? $0 + 1 : $0 }
            covered = e.range.upperBound
        }
        guard covered == data.count else {
            throw StoreError(file: path, "has \(data.count - covered) bytes after the last customer's history (byte \(covered)): the file was edited")
        }
        return (data, counts)
    }
}
