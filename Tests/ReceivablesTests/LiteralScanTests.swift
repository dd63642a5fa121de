import Foundation
import Testing

/// Issue 19: a text the user reads comes from the catalogue. The test reads every string literal with a letter in
/// the workstation and the command line, and fails on one that is neither a catalogue id (`tr`, `trn`, `N_`, `K_`)
/// nor in the committed allow-list (identifiers: option names, JSON keys, file names, terminal key names...). The
/// list must also stay true: an entry no source has any more fails too, so it cannot grow into a blanket.
@Suite struct LiteralScanTests {
    static let allowList = CatalogueTests.root.appendingPathComponent("Tests/Fixtures/literals-allowed.txt")
    static let scanned = ["Sources/Workstation", "Sources/relance"]

    static func found() throws -> [String] {
        var out: [String] = []
        for dir in scanned {
            let base = CatalogueTests.root.appendingPathComponent(dir)
            let files = FileManager.default.enumerator(atPath: base.path)!.compactMap { $0 as? String }
                .filter { $0.hasSuffix(".swift") }.sorted()
            for f in files {
                let text = try String(contentsOf: base.appendingPathComponent(f), encoding: .utf8)
                for literal in LiteralScanner.uncatalogued(in: text) {
                    out.append("\(dir.split(separator: "/").last!)/\(f): \(literal)")
                }
            }
        }
        return out
    }

    @Test func everyLetteredLiteralIsACatalogueIdOrAllowed() throws {
        let found = try Self.found()
        if ProcessInfo.processInfo.environment["RELANCE_REWRITE_ALLOWLIST"] == "1" {
            let header = "# String literals with letters in Sources/Workstation and Sources/relance that are not texts a user reads.\n"
                + "# Written by RELANCE_REWRITE_ALLOWLIST=1 swift test --filter LiteralScan; review every new line.\n"
            try (header + Set(found).sorted().joined(separator: "\n") + "\n").write(to: Self.allowList, atomically: true, encoding: .utf8)
        }
        let allowed = Set(try String(contentsOf: Self.allowList, encoding: .utf8).split(separator: "\n")
            .map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty })
        let foundSet = Set(found)
        for f in foundSet.subtracting(allowed).sorted() {
            Issue.record("\(f) — a text a user reads goes through tr(…); an identifier goes in Tests/Fixtures/literals-allowed.txt")
        }
        for a in allowed.subtracting(foundSet).sorted() {
            Issue.record("literals-allowed.txt: \"\(a)\" is in no source any more: remove it")
        }
    }

    // The scanner itself, on hand-written source.
    @Test func theScannerSeesPlainLiteralsAndSkipsCatalogueCallsAndComments() {
        let source = #"""
        let a = tr("Open the account")   // "in a comment"
        /* "a block /* nested */ comment" */
        let b = trn("{count} call", "{count} calls", count: n)
        let c = tr("Keys", context: "help")
        let d = "Plain English"
        let e = "\(tr("inside")) and outside"
        let f = "42 — 7"
        let g = K_("Enter") + N_("Quit", context: "x")
        let h = """
            Multi line
            """
        let i = #"raw \(x) text"#
        let j = "a \"quoted\" word"
        let k = ["amount": x, "Not a key": y] + ["\n\t", "\u{00A0}"]
        """#
        #expect(LiteralScanner.uncatalogued(in: source) == ["Plain English", "\\(…) and outside", "Multi line", "raw \\(x) text", "a \\\"quoted\\\" word", "Not a key"])
    }
}

/// A small Swift lexer: enough to find string literals (plain, multi-line, raw, with interpolations that may hold
/// literals of their own) outside comments, and to tell the catalogue's own arguments apart.
enum LiteralScanner {
    static func uncatalogued(in text: String) -> [String] {
        var scanner = Lexer(Array(text.unicodeScalars))
        scanner.run()
        return scanner.out
    }

    struct Lexer {
        let c: [Unicode.Scalar]
        var i = 0
        var out: [String] = []
        init(_ c: [Unicode.Scalar]) { self.c = c }

        func at(_ s: String, _ k: Int) -> Bool {
            let u = Array(s.unicodeScalars)
            return k + u.count <= c.count && Array(c[k..<k + u.count]) == u
        }

        func isIdent(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" }

        /// Whether the literal starting at `k` is an argument of a catalogue call: the code before it, spaces left
        /// out, ends in `tr(`, `trn(`, `N_(`, `K_(`, `context:`, or `trn("…",` (the plural).
        func isCatalogueArgument(_ k: Int) -> Bool {
            var j = k - 1
            while j >= 0, c[j] == " " || c[j] == "\n" { j -= 1 }
            guard j >= 0 else { return false }
            if c[j] == "(" {
                for name in ["trn", "tr", "N_", "K_"] {
                    let start = j - name.unicodeScalars.count
                    if start >= 0, at(name, start), start == 0 || !(isIdent(c[start - 1]) || c[start - 1] == ".") { return true }
                }
                return false
            }
            if c[j] == ":" { return j >= 7 && at("context", j - 7) }
            if c[j] == "," {
                // trn's plural: the literal before the comma is trn's id.
                var m = j - 1
                while m >= 0, c[m] == " " || c[m] == "\n" { m -= 1 }
                guard m >= 0, c[m] == "\"" else { return false }
                var q = m - 1
                while q >= 0, !(c[q] == "\"" && (q == 0 || c[q - 1] != "\\")) { q -= 1 }
                var p = q - 1
                while p >= 0, c[p] == " " { p -= 1 }
                return p >= 3 && c[p] == "(" && at("trn", p - 3)
            }
            return false
        }

        mutating func run() {
            while i < c.count { step() }
        }

        /// Lexes one comment, literal or other character.
        mutating func step() {
            if at("//", i) { while i < c.count, c[i] != "\n" { i += 1 }; return }
            if at("/*", i) {
                var depth = 0
                while i < c.count {
                    if at("/*", i) { depth += 1; i += 2 } else if at("*/", i) { depth -= 1; i += 2; if depth == 0 { return } } else { i += 1 }
                }
                return
            }
            if c[i] == "#" || c[i] == "\"" {
                var hashes = 0, k = i
                while k < c.count, c[k] == "#" { hashes += 1; k += 1 }
                if k < c.count, c[k] == "\"" { literal(start: i, hashes: hashes, quote: k); return }
            }
            i += 1
        }

        /// Letters outside escapes (`\\n`) and interpolations.
        static func hasLetters(_ text: String) -> Bool {
            var rest = text.replacingOccurrences(of: "\\(…)", with: "").unicodeScalars[...]
            while let first = rest.first {
                if first == "\\" {
                    // `\u{00A0}` is one character, its hex digits no letters.
                    rest = rest.dropFirst(2)
                    if rest.first == "{", let close = rest.firstIndex(of: "}") { rest = rest[rest.index(after: close)...] }
                    continue
                }
                if first.properties.isAlphabetic { return true }
                rest = rest.dropFirst()
            }
            return false
        }

        mutating func literal(start: Int, hashes: Int, quote: Int) {
            let catalogue = isCatalogueArgument(start)
            let multi = at("\"\"\"", quote)
            var k = quote + (multi ? 3 : 1)
            let closing = (multi ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
            let escape = "\\" + String(repeating: "#", count: hashes)
            var text = ""
            while k < c.count, !at(closing, k) {
                if at(escape, k) {
                    let after = k + escape.unicodeScalars.count
                    if after < c.count, c[after] == "(" {
                        // An interpolation: its code may hold literals of its own.
                        text += "\\(…)"
                        i = after + 1
                        var depth = 1
                        while i < c.count, depth > 0 {
                            if c[i] == "(" { depth += 1; i += 1 } else if c[i] == ")" { depth -= 1; i += 1 } else { step() }
                        }
                        k = i
                        continue
                    }
                    text += "\\" + (after < c.count ? String(c[after]) : "")
                    k = after + 1
                    continue
                }
                text.unicodeScalars.append(c[k]); k += 1
            }
            i = k + closing.unicodeScalars.count
            if multi {
                // The lines of a multi-line literal, without their indentation.
                text = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "\\n")
            }
            // A dictionary key that is a name (`"amount": …`, a placeholder's or a JSON key) is an identifier.
            var after = i
            while after < c.count, c[after] == " " { after += 1 }
            let isKey = after < c.count && c[after] == ":" && !text.isEmpty
                && text.unicodeScalars.allSatisfy { isIdent($0) || $0 == "-" || $0 == "." }
            if !catalogue, !isKey, Self.hasLetters(text) { out.append(text) }
        }
    }
}
