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

    /// The head and the last words of `name`, as many as tell it from `others`, in `width` columns.
    private static func middleCut(_ name: String, width: Int, others: [String]) -> String {
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        var tail = ""
        for k in 1...max(1, words.count) {
            tail = words.suffix(k).joined(separator: " ")
            if !others.contains(where: { $0.hasSuffix(tail) }) { break }
        }
        // The tail keeps at most half the width: the head says what the name is.
        if TextWidth.of(tail) > width / 2 { tail = String(tail.suffix(max(1, width / 2))) }
        let head = TextWidth.truncate(name, to: width - TextWidth.of(tail))
        return (head.hasSuffix("…") ? head : head + "…") + tail
    }
}
