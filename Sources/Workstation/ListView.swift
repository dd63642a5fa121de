import TerminalKit

/// A list on screen (issue 18: the scroll arithmetic was written in five screens): the cursor, what is visible,
/// the rows marked with Space for bulk actions, and names laid out so that two rows never read alike.
struct ListView {
    var cursor = 0
    /// The ids marked for a bulk action (Space), kept across re-sorts because they are ids, not positions.
    var marked: Set<String> = []

    /// Moves the cursor for a movement command; false when the command is not one (the screen handles it).
    mutating func move(_ command: Command, count: Int) -> Bool {
        guard let moved = Self.moved(cursor, by: command, count: count) else { return false }
        cursor = moved
        return true
    }

    /// Keeps the cursor on the list after it shrank.
    mutating func clamp(count: Int) { cursor = min(cursor, max(0, count - 1)) }

    mutating func toggleMark(_ id: String) { if marked.contains(id) { marked.remove(id) } else { marked.insert(id) } }

    /// Where a cursor goes after a movement command over `count` lines, or nil when the command does not move it.
    static func moved(_ cursor: Int, by command: Command, count: Int) -> Int? {
        let last = max(0, count - 1)
        switch command {
        case .up: return max(0, cursor - 1)
        case .down: return min(last, cursor + 1)
        case .pageUp: return max(0, cursor - 10)
        case .pageDown: return min(last, cursor + 10)
        case .home: return 0
        case .end: return last
        default: return nil
        }
    }

    /// The display rows to show in `visible` rows so that `row` (the cursor's) is in view, centred when the list
    /// is longer than the window, and the window never runs past the end.
    static func window(showing row: Int, of count: Int, visible: Int) -> Range<Int> {
        guard visible > 0, count > 0 else { return 0..<0 }
        let first = max(0, min(row - visible / 2, count - visible))
        return first..<min(count, first + visible)
    }

    /// Names cut to `width` so that names which differ read differently: a cut that would make two rows alike keeps
    /// the end of each name too ("Quincaillerie Besa…Bordeaux" and "Quincaillerie Besa…Dijon").
    static func distinctNames(_ names: [String], width: Int) -> [String] {
        var out = names.map { TextWidth.truncate($0, to: width) }
        var byCut: [String: [Int]] = [:]
        for (i, cut) in out.enumerated() where cut != names[i] { byCut[cut, default: []].append(i) }
        for (_, rows) in byCut where Set(rows.map { names[$0] }).count > 1 {
            for i in rows { out[i] = middleCut(names[i], width: width, others: rows.filter { names[$0] != names[i] }.map { names[$0] }) }
        }
        return out
    }

    /// The head, then the part that tells `name` from `others`: its last words when they are unique and short
    /// enough, else the text from the first character where it differs ("Entreprise Gén…1 Clermont-Fer…").
    private static func middleCut(_ name: String, width: Int, others: [String]) -> String {
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        for k in 1...max(1, words.count) {
            let tail = words.suffix(k).joined(separator: " ")
            guard !others.contains(where: { $0.hasSuffix(tail) }) else { continue }
            if TextWidth.of(tail) <= width / 2 {
                let head = TextWidth.truncate(name, to: width - TextWidth.of(tail))
                return (head.hasSuffix("…") ? head : head + "…") + tail
            }
            break
        }
        // Where it first differs from any of the others.
        let chars = Array(name)
        let differs = others.map { other in zip(chars, Array(other)).prefix { $0 == $1 }.count }.max() ?? 0
        let headWidth = max(4, width / 3)
        let head = TextWidth.truncate(String(chars.prefix(max(0, differs - 1))), to: headWidth)
        let rest = String(chars[max(0, differs - 1)...])
        return (head.hasSuffix("…") ? head : head + "…") + TextWidth.truncate(rest, to: width - TextWidth.of(head) - (head.hasSuffix("…") ? 0 : 1))
    }
}
