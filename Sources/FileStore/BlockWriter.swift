#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes a snapshot-shaped file as it goes (a backup: issue 23), keeping the CRC-32 of each block of
/// `SnapshotCodec.checksumBlock` bytes for its end line, so the file is never built whole in memory.
final class BlockWriter {
    let fd: Int32
    let path: String
    private var pending: [UInt8] = []
    private(set) var bytes = 0
    private(set) var crcs: [UInt32] = []
    private var blockCRC: UInt32 = 0
    private var finished = false
    private var trailerBytes = 0
    private static let flushAt = 1 << 20

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        pending.reserveCapacity(Self.flushAt)
    }

    func append(_ data: Data) throws { try data.withUnsafeBytes { try append($0) } }
    func append(_ data: [UInt8]) throws { try data.withUnsafeBytes { try append($0) } }

    func append(_ raw: UnsafeRawBufferPointer) throws {
        precondition(!finished)
        var at = 0
        while at < raw.count {
            let room = SnapshotCodec.checksumBlock - bytes % SnapshotCodec.checksumBlock
            let take = min(room, raw.count - at)
            let part = UnsafeRawBufferPointer(rebasing: raw[at..<(at + take)])
            blockCRC = CRC32.checksum(part, continuing: blockCRC)
            bytes += take
            at += take
            if bytes % SnapshotCodec.checksumBlock == 0 { crcs.append(blockCRC); blockCRC = 0 }
        }
        // A large piece (the history file's blocks) is written as it is, after what is pending, rather than copied
        // into `pending` first: a backup held each 4 MB block three times (issue 23).
        if pending.count + raw.count >= Self.flushAt {
            try flush()
            try Posix.writeAll(fd, raw, path: path)
        } else {
            pending.append(contentsOf: raw)
        }
    }

    private func flush() throws {
        try pending.withUnsafeBytes { try Posix.writeAll(fd, $0, path: path) }
        pending.removeAll(keepingCapacity: true)
    }

    /// The end line (the checksums of every byte before it), then everything written out.
    func finish() throws {
        if bytes % SnapshotCodec.checksumBlock != 0 { crcs.append(blockCRC) }
        let trailer = SnapshotCodec.trailerLine(bytes: bytes, crcs: crcs.map(CRC32.hex)) + [10]
        pending.append(contentsOf: trailer)
        trailerBytes = trailer.count
        finished = true
        try flush()
    }

    /// Reads the file back from disk and checks each block against the checksum of what was meant to be written,
    /// and that it holds `lines` lines (the header, the records, the end line): a short or altered write is caught
    /// before the file replaces anything.
    func readBack(lines expected: Int) throws {
        precondition(finished)
        let block = SnapshotCodec.checksumBlock
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block, alignment: 16)
        defer { buffer.deallocate() }
        var offset = 0, lines = 0, b = 0
        while offset < bytes {
            let n = pread(fd, buffer.baseAddress!, min(block, bytes - offset), off_t(offset))
            if n < 0 { if errno == EINTR { continue }; throw StoreError(file: path, "cannot read the backup back: \(Posix.errorText())") }
            guard n == min(block, bytes - offset) else { throw StoreError(file: path, "the backup read back is shorter than what was written (byte \(offset + max(0, n)) of \(bytes))") }
            let part = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            guard CRC32.checksum(part) == crcs[b] else {
                throw StoreError(file: path, "the backup read back differs from what was written at bytes \(offset)-\(offset + n)")
            }
            lines += HistoryFile.newlines(part)
            offset += n; b += 1
        }
        var st = stat()
        guard fstat(fd, &st) == 0, Int(st.st_size) == bytes + trailerBytes else { throw StoreError(file: path, "the backup read back is \(st.st_size) bytes, \(bytes + trailerBytes) were written") }
        guard lines + 1 == expected else {
            throw StoreError(file: path, "the backup read back holds \(lines + 1) lines, \(expected) were written")
        }
    }
}
