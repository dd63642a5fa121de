import Foundation
import Testing
import TestSupport
import DemoData
@testable import FileStore

/// A snapshot is read and split into lines on all cores, in parts (issue 23): whatever the part size, the lines, the
/// counts of customers, invoices and payments and the bytes read are those a one-byte-at-a-time reading gives.
@Suite struct ParallelScanTests {
    /// The lines of `bytes` from `from`, one byte at a time (the reference the scan is held to).
    static func naiveLines(_ bytes: [UInt8], from: Int = 0) -> [Range<Int>] {
        var out: [Range<Int>] = [], start = from
        for i in from..<bytes.count where bytes[i] == 10 { out.append(start..<i); start = i + 1 }
        if start < bytes.count { out.append(start..<bytes.count) }
        return out
    }

    /// Customers, invoices and payments by the line's opening bytes, and empty lines.
    static func naiveKinds(_ bytes: [UInt8], _ lines: [Range<Int>]) -> [Int] {
        var k = [0, 0, 0, 0]
        for r in lines {
            if r.isEmpty { k[3] += 1 }
            let text = String(decoding: bytes[r], as: UTF8.self)
            guard r.count > 4 else { continue }
            if text.hasPrefix(#"{"cu"#) { k[0] += 1 } else if text.hasPrefix(#"{"in"#) { k[1] += 1 } else if text.hasPrefix(#"{"pa"#) { k[2] += 1 }
        }
        return k
    }

    static func randomFile(_ rng: inout SeededRandom, lines: Int) -> [UInt8] {
        let openings = [#"{"customer":{}}"#, #"{"invoice":{"n":1}}"#, #"{"payment":{}}"#, #"{"promise":{}}"#, "", #"{"c"#, #"{"in"#, "xx", "é ✓ 😀"]
        var out: [UInt8] = []
        for _ in 0..<lines {
            out += Array(openings[Int(rng.next() % UInt64(openings.count))].utf8)
            out += Array(repeating: UInt8(ascii: "a"), count: Int(rng.next() % 40))
            out.append(10)
        }
        return out
    }

    @Test func linesAndCountsMatchAByteByByteReadingForEveryPartSize() {
        var rng = SeededRandom(seed: 23)
        for round in 0..<40 {
            var bytes = Self.randomFile(&rng, lines: Int(rng.next() % 60))
            if round % 3 == 1, !bytes.isEmpty { bytes.removeLast() }   // a last line without its newline
            if round % 5 == 2 { bytes += Array("\n\n".utf8) }          // empty lines at the end
            let expected = Self.naiveLines(bytes)
            for part in [1, 2, 3, 7, 16, 64, 1 << 20] {
                let scan = scanLines(Data(bytes), part: part)
                #expect(scan.lines == expected, "round \(round), part \(part)")
                #expect([scan.customers, scan.invoices, scan.payments, scan.empty] == Self.naiveKinds(bytes, expected), "round \(round), part \(part)")
            }
        }
    }

    @Test func aLineLongerThanManyPartsIsOneLine() {
        let bytes = Array(#"{"invoice":"#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 1_000) + [10] + Array("ab".utf8)
        let scan = scanLines(Data(bytes), part: 8)
        #expect(scan.lines == [0..<1_011, 1_012..<1_014])
        #expect(scan.invoices == 1)
    }

    @Test func aSliceAndAStartingOffsetKeepTheirIndices() {
        let bytes = Array("head\nline one\n\nline three".utf8)
        // A Data slice whose indices do not start at 0, scanned from its 6th byte.
        let whole = Data(Array("0123456789".utf8) + bytes)
        let slice = whole[10...]
        for part in [1, 4, 100] {
            let lines = scanLines(slice, from: 15, part: part).lines
            #expect(lines == Self.naiveLines(Array(whole), from: 15), "part \(part)")
            #expect(lines.map { String(decoding: whole[$0], as: UTF8.self) } == ["line one", "", "line three"], "part \(part)")
        }
        // A start before the slice is the slice's start: nothing outside it is read.
        let tail = Data(Array("abc\ndefghij\nKL\nMN".utf8))[12...]
        #expect(scanLines(tail, from: 5).lines == [12..<14, 15..<17])
        #expect(scanLines(Data()).lines.isEmpty)
        #expect(scanLines(Data([10])).lines == [0..<0])
    }

    @Test func aFileReadInPartsIsTheFile() throws {
        let dir = TempDirectory("scan")
        defer { dir.remove() }
        var rng = SeededRandom(seed: 5)
        let bytes = (0..<100_003).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let path = dir.path + "/f"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        for part in [1_000, 4_096, 33_333, 1 << 20] {
            var buffer = [UInt8](repeating: 0, count: bytes.count)
            let n = try buffer.withUnsafeMutableBytes { try Posix.readAt(fd, into: $0, part: part, path: path) }
            #expect(n == bytes.count && buffer == bytes, "part \(part)")
            // A file shorter than it was measured (it shrank): what there is, up to where it ends.
            var larger = [UInt8](repeating: 0, count: bytes.count + 5_000)
            let m = try larger.withUnsafeMutableBytes { try Posix.readAt(fd, into: $0, part: part, path: path) }
            #expect(m == bytes.count && Array(larger[..<m]) == bytes, "part \(part)")
        }
        // A file that grew after it was measured is read on to its end (readAll reads the rest after the parts).
        let all = try Posix.readAll(fd, path: path)
        #expect(Array(all) == bytes)
    }
}
