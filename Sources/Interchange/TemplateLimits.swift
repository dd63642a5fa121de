#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Mustache

/// What a letter template may cost: a company's own templates (`--templates`) are text anyone in the team can edit,
/// and must never take the program down (issue 14: 5,000 nested sections crashed `letters` in the template parser,
/// 1,000 made it run for minutes while it held the store).
public struct TemplateLimits: Sendable {
    /// Sections inside sections, at most.
    public var depth: Int
    /// One letter, at most (bytes).
    public var bytes: Int
    /// Rendering one letter, at most (seconds).
    public var seconds: Double

    public static let standard = TemplateLimits(depth: 32, bytes: 1_000_000, seconds: 2)

    public init(depth: Int, bytes: Int, seconds: Double) { self.depth = depth; self.bytes = bytes; self.seconds = seconds }

    var secondsText: String { seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds) }
}

/// How deep a Mustache template's sections nest, found without the template parser (which recurses once per
/// level): `{{#x}}`, `{{^x}}`, `{{$x}}` and `{{<x}}` open, `{{/x}}` closes; `{{=<% %>=}}` changes the delimiters
/// and is followed.
enum TemplateNesting {
    /// The deepest nesting and the line where it is first reached; nil for a template without sections.
    static func deepest(_ text: String) -> (depth: Int, line: Int)? {
        let bytes = Array(text.utf8)
        var open = Array("{{".utf8), close = Array("}}".utf8)
        var depth = 0, best = 0, bestLine = 0, line = 1, i = 0
        func matches(_ pattern: [UInt8], at k: Int) -> Bool {
            k + pattern.count <= bytes.count && bytes[k..<(k + pattern.count)].elementsEqual(pattern)
        }
        while i < bytes.count {
            if bytes[i] == 10 { line += 1; i += 1; continue }
            guard matches(open, at: i) else { i += 1; continue }
            let start = i + open.count
            var j = start
            while j < bytes.count && !matches(close, at: j) { if bytes[j] == 10 { line += 1 }; j += 1 }
            guard j < bytes.count else { break }   // an unclosed tag: the parser reports it
            let tag = bytes[start..<j].drop { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }   // the parser skips any white space there
            switch tag.first {
            case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "<"):
                depth += 1
                if depth > best { best = depth; bestLine = line }
            case UInt8(ascii: "/"): depth = max(0, depth - 1)
            case UInt8(ascii: "="):
                // `{{=<% %>=}}`: the new opening and closing delimiters, separated by spaces.
                let inner = String(decoding: tag.dropFirst(), as: UTF8.self)
                let parts = inner.hasSuffix("=") ? inner.dropLast().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) : []
                // Delimiters this scan cannot follow: refused as if too deep, rather than risk the parser's stack.
                guard parts.count == 2 else { return (Int.max, line) }
                open = Array(parts[0].utf8); close = Array(parts[1].utf8)
            default: break
            }
            i = j + close.count
        }
        return best == 0 ? nil : (best, bestLine)
    }
}

/// A deadline shared by every list of one letter's values.
final class RenderBudget: @unchecked Sendable {
    private let deadline: UInt64
    private(set) var exceeded = false

    init(seconds: Double) { deadline = Self.now() + UInt64(seconds * 1_000_000_000) }

    /// Checked at each element a section repeats over: past the deadline every list reads as empty, so a template
    /// repeating lists inside each other (items × items × ... 32 deep) unwinds at once instead of running for
    /// hours; the letter is then refused.
    func allows() -> Bool {
        if exceeded { return false }
        if Self.now() > deadline { exceeded = true }
        return !exceeded
    }

    private static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }
}

/// A list of template values whose iteration stops once the letter's budget is spent.
struct BudgetedList: MustacheSequence {
    let elements: [Any]
    let budget: RenderBudget

    struct Iterator: IteratorProtocol {
        var inner: IndexingIterator<[Any]>
        let budget: RenderBudget
        mutating func next() -> Any? { budget.allows() ? inner.next() : nil }
    }

    func makeIterator() -> Iterator { Iterator(inner: elements.makeIterator(), budget: budget) }
}
