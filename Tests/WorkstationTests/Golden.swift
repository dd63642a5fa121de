import Foundation
import Testing

/// Golden files: what the program shows, committed as plain text under `Tests/Golden/` and compared line by line
/// (a failure prints the lines that differ). After an intended change, `RELANCE_REWRITE_GOLDEN=1 swift test --filter
/// Golden` rewrites them; `git diff Tests/Golden` then shows what changed, for review.
enum Golden {
    static var rewriting: Bool { ProcessInfo.processInfo.environment["RELANCE_REWRITE_GOLDEN"] == "1" }

    /// The repository's root, from this file's place in it.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Compares `actual` with `Tests/Golden/<name>.txt` (or writes it when rewriting).
    static func check(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = root.appendingPathComponent("Tests/Golden/\(name).txt")
        if rewriting {
            try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try! actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("no golden file \(url.path): run RELANCE_REWRITE_GOLDEN=1 swift test --filter Golden", sourceLocation: sourceLocation)
            return
        }
        if let diff = difference(expected, actual) { Issue.record("\(name) differs from its golden file:\n\(diff)", sourceLocation: sourceLocation) }
    }

    /// Compares (or rewrites) the part of a committed file between two marker lines (the README's key table).
    static func checkSection(file: String, begin: String, end: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = root.appendingPathComponent(file)
        let text = try! String(contentsOf: url, encoding: .utf8)
        guard let b = text.range(of: begin), let lineEnd = text[b.upperBound...].firstIndex(of: "\n"),
              let e = text.range(of: end, range: lineEnd..<text.endIndex) else {
            Issue.record("\(file) has no \(begin) … \(end) markers", sourceLocation: sourceLocation)
            return
        }
        let start = text.index(after: lineEnd)
        let lineStart = text[..<e.lowerBound].lastIndex(of: "\n").map { text.index(after: $0) } ?? e.lowerBound
        if rewriting {
            try! (String(text[..<start]) + actual + String(text[lineStart...])).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        if let diff = difference(String(text[start..<lineStart]), actual) {
            Issue.record("\(file) between \(begin) and \(end) differs:\n\(diff)", sourceLocation: sourceLocation)
        }
    }

    /// The lines that differ, numbered, as "-expected" / "+actual"; nil when equal.
    static func difference(_ expected: String, _ actual: String) -> String? {
        guard expected != actual else { return nil }
        let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
        var out: [String] = []
        for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : nil) != (i < a.count ? a[i] : nil) {
            if i < e.count { out.append(String(format: "%3d -", i + 1) + e[i]) }
            if i < a.count { out.append(String(format: "%3d +", i + 1) + a[i]) }
        }
        return out.joined(separator: "\n")
    }
}
