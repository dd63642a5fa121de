import Foundation
import Testing
import DemoData
@testable import FileStore

/// The folded CRC-32 (carry-less multiply, CCRC32) must give the very checksums the tables give and that every
/// store already written holds: checked against published values, against the tables on every length and
/// alignment around the 64- and 16-byte boundaries, and continued across pieces as the block readers call it.
@Suite struct CRC32Tests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func publishedValues() {
        // The check value of CRC-32/ISO-HDLC (the IEEE CRC of zlib and PNG) is 0xCBF43926 for "123456789";
        // the other two computed with python3's zlib.crc32.
        #expect(CRC32.checksum(bytes("123456789")) == 0xCBF4_3926)
        #expect(CRC32.checksum(bytes("")) == 0)
        // zlib.crc32(b"The quick brown fox jumps over the lazy dog" * 3) == 0xd99691f3
        #expect(CRC32.checksum(bytes(String(repeating: "The quick brown fox jumps over the lazy dog", count: 3))) == 0xD996_91F3)
        // zlib.crc32(bytes(range(256)) * 4) == 0xb70b4c26
        let ramp = (0..<4).flatMap { _ in (0...255).map { UInt8($0) } }
        #expect(CRC32.checksum(ramp) == 0xB70B_4C26)
    }

    @Test func foldedEqualsTablesOnEveryLengthAndAlignment() {
        #if arch(x86_64)
        #expect(CRC32.folds, "every x86-64 processor since 2010 has PCLMULQDQ: the folded path is the one tested here")
        #endif
        var rng = SeededRandom(seed: 23)
        let data = (0..<4_200).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        data.withUnsafeBytes { all in
            for start in 0..<17 {
                for length in Array(0...300) + [1_023, 1_024, 1_025, 4_096 + 63, 4_183 - start] where start + length <= all.count {
                    let part = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    #expect(CRC32.checksum(part, folding: true) == CRC32.checksum(part, folding: false), "start \(start), length \(length)")
                }
            }
        }
    }

    @Test func continuedAcrossPieces() {
        var rng = SeededRandom(seed: 7)
        let data = (0..<10_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let whole = data.withUnsafeBytes { CRC32.checksum($0, folding: false) }
        for cut in [1, 15, 64, 65, 100, 4_096, 9_999] {
            let crc = data.withUnsafeBytes { all in
                CRC32.checksum(UnsafeRawBufferPointer(rebasing: all[cut...]),
                               continuing: CRC32.checksum(UnsafeRawBufferPointer(rebasing: all[..<cut])))
            }
            #expect(crc == whole, "cut at \(cut)")
        }
    }
}
