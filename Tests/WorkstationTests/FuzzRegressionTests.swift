import Foundation
import Testing
import TestSupport

/// Every input under Tests/Fixtures/fuzz/HARNESS (the seed corpora, and any crash a fuzzer found) is replayed
/// through the harnesses by the plain build of `relance-fuzz`: none may crash.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz").path

    @Test(arguments: ["amount", "date", "csv", "record", "keys", "fec"])
    func everyKeptInputReplaysWithoutACrash(harness: String) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root + "/" + harness).sorted().map { Self.root + "/\(harness)/" + $0 }
        #expect(!files.isEmpty)
        let (status, output) = try Spawn.run([productsDirectory + "/relance-fuzz", harness] + files)
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(files.count) input"), "\(output)")
    }
}
