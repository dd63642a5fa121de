import Foundation
import Testing
import TestSupport

/// The README's examples run as written (issue 16: the letters example failed, the demo store was never made).
@Suite struct ReadmeExampleTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md").path

    /// The `sh` block that follows `marker` in the README.
    static func block(after marker: String) throws -> [String] {
        let text = try String(contentsOfFile: readme, encoding: .utf8)
        let start = try #require(text.range(of: marker))
        let open = try #require(text.range(of: "```sh\n", range: start.upperBound..<text.endIndex))
        let close = try #require(text.range(of: "\n```", range: open.upperBound..<text.endIndex))
        return text[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
    }

    @Test func theLadderExampleRunsAsWritten() throws {
        let lines = try Self.block(after: "To see the ladder on the demo store")
        #expect(lines.count >= 2)
        let dir = TempDirectory("readme"); defer { dir.remove() }
        let script = "set -e; cd '\(dir.path)'; PATH='\(productsDirectory)':\"$PATH\"\n" + lines.joined(separator: "\n")
        let (status, output) = try Spawn.run(["timeout", "120", "sh", "-c", script])
        #expect(status == 0, "\(output)")
        #expect(output.contains("recorded as sent") && output.contains("\"folder\""), "\(output.prefix(500))")
    }

    /// Issue 20: the supervisor's and the salesperson's day from the command line, as the README writes it.
    @Test func theSupervisorAndSalespersonExampleRunsAsWritten() throws {
        let lines = try Self.block(after: "To try the supervisor's and the salesperson's day")
        #expect(lines.count >= 6)
        let dir = TempDirectory("readme-team"); defer { dir.remove() }
        let script = "set -e; cd '\(dir.path)'; PATH='\(productsDirectory)':\"$PATH\"\n" + lines.joined(separator: "\n")
        let (status, output) = try Spawn.run(["timeout", "120", "sh", "-c", script])
        #expect(status == 0, "\(output)")
        // The approved limit and the reassignment show on the account, and the collectors' figures follow.
        #expect(output.contains("Credit limit                      90 000,00 €") || output.range(of: "Credit limit +90 000,00 €", options: .regularExpression) != nil, "\(output)")
        #expect(output.contains("Benoît Caron (benoit)") && output.contains("approved: credit limit of 90 000,00 €"), "\(output)")
        #expect(output.contains("Team"), "\(output)")
    }
}
