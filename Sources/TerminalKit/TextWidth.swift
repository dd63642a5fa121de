/// Display width of text in terminal columns: accents and € take one column, CJK and emoji two,
/// combining marks none. Pure Swift, so screen layout is tested without ncurses.
public enum TextWidth {
    public static func of(_ c: Character) -> Int {
        guard let first = c.unicodeScalars.first else { return 0 }
        let v = first.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
                                           0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF, 0x20000...0x3FFFD]
        return wide.contains { $0.contains(v) } ? 2 : 1
    }

    public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }

    /// `s` cut to `width` columns, ending with "…" when it was cut.
    public static func truncate(_ s: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard of(s) > width else { return s }
        var out = "", used = 0
        for c in s {
            let w = of(c)
            if used + w > width - 1 { break }
            out.append(c); used += w
        }
        return out + "…"
    }

    /// `s` cut or padded with spaces to exactly `width` columns.
    public static func pad(_ s: String, to width: Int, alignRight: Bool = false) -> String {
        let t = truncate(s, to: width)
        let gap = String(repeating: " ", count: max(0, width - of(t)))
        return alignRight ? gap + t : t + gap
    }
}
