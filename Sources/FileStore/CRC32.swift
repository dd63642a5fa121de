import CCRC32
import Foundation

/// CRC-32 (IEEE 802.3), to detect torn or altered lines and blocks.
///
/// The snapshot's checksum is verified on every open and `check` reads every byte of backups/, so it must cost
/// little next to decoding (docs/PERFORMANCE.md): runs of 64 bytes and more are folded with the carry-less
/// multiply where the processor has it (CCRC32, several times faster), the rest by slicing-by-8 over raw bytes.
enum CRC32 {
    /// Whether `relance_crc32_fold` may be called on this processor.
    static let folds = relance_crc32_fold_available() != 0

    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 { t[k * 256 + i] = (t[(k - 1) * 256 + i] >> 8) ^ t[Int(t[(k - 1) * 256 + i] & 0xFF)] }
        }
        return t
    }()

    /// `folding: false` is the tables alone (the tests check one against the other).
    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0, folding: Bool = folds) -> UInt32 {
        var c = ~crc
        guard let base = bytes.baseAddress else { return crc }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var i = 0
        if n >= 64 && folding && folds {
            i = n & ~15
            c = relance_crc32_fold(p, i, c)
        }
        tables.withUnsafeBufferPointer { t in
            while i + 8 <= n {
                let lo = c ^ (UInt32(p[i]) | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2]) << 16 | UInt32(p[i + 3]) << 24)
                let hi = UInt32(p[i + 4]) | UInt32(p[i + 5]) << 8 | UInt32(p[i + 6]) << 16 | UInt32(p[i + 7]) << 24
                c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                  ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                  ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                  ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < n { c = t[Int((c ^ UInt32(p[i])) & 0xFF)] ^ (c >> 8); i += 1 }
        }
        return ~c
    }

    static func checksum(_ data: Data) -> UInt32 { data.withUnsafeBytes { checksum($0) } }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        if let r = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return r }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}
