import ArgumentParser
import FileStore
import Foundation

/// `relance-tools audit-reader`: the long run of the fast record reader's mutation audit (the suite runs a short
/// one): whenever `RecordReader` accepts a mutated line, `JSONDecoder` must accept it with the same value.
struct AuditReader: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit-reader",
        abstract: "Mutate store lines of every record type; the fast reader must never be more lenient than JSONDecoder.")

    @Option(help: "Mutated lines per record type.") var lines = 100_000
    @Option(help: "Seed (the same seed, the same lines).") var seed: UInt64 = 20_261_123

    func run() throws {
        let start = Date()
        let result = RecordReaderAudit.run(seed: seed, linesPerType: lines)
        print(result)
        print(String(format: "%.1f s", Date().timeIntervalSince(start)))
        if !result.passed { throw ExitCode(1) }
    }
}
