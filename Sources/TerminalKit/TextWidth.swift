#if canImport(Glibc)
import Glibc
#endif
/// Display width of text in terminal columns: accents and € take one column, CJK and emoji two,
/// combining marks none. Pure Swift, so screen layout is tested without ncurses.
public enum TextWidth {
    /// Columns of one character (grapheme cluster), as the terminal draws it: the C library's `wcwidth` under a
    /// UTF-8 locale (what ncurses and tmux use), read once into a table so that layout is the same in tests and
    /// whatever the process's locale; a flag (two regional indicators) and an emoji with its presentation
    /// selector take two columns; controls and combining marks none.
    public static func of(_ c: Character) -> Int {
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return 0 }
        let v = first.value
        if v >= 0x20 && v < 0x7F && scalars.count == 1 { return 1 }
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if scalars.count > 1 {
            if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }                       // emoji presentation
            if (0x1F1E6...0x1F1FF).contains(v) && scalars.count >= 2 { return 2 }              // a flag
        }
        return width(of: v)
    }

    /// `wcwidth` under C.UTF-8 for U+0000-U+3FFFF (a table built on first use); outside it, the hand rules.
    static func width(of v: UInt32) -> Int {
        if Int(v) < table.count {
            let w = Int(table[Int(v)])
            if w >= 0 { return w }
        }
        return handWidth(v)
    }

    private static let table: [Int8] = {
        guard let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) else { return [] }
        defer { freelocale(utf8) }
        let previous = uselocale(utf8)
        defer { uselocale(previous) }
        var t = [Int8](repeating: -1, count: 0x40000)
        for v in 0..<0x40000 where !(0xD800...0xDFFF).contains(v) {
            t[v] = Int8(clamping: c_wcwidth(wchar_t(v)))
        }
        return t
    }()

    /// The rules used when the C library does not know a character.
    static func handWidth(_ v: UInt32) -> Int {
        guard let scalar = Unicode.Scalar(v) else { return 1 }
        switch scalar.properties.generalCategory {
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

/// The C library's `wcwidth` (Glibc's Swift module does not export it: it sits behind _XOPEN_SOURCE).
@_silgen_name("wcwidth")
private func c_wcwidth(_ c: wchar_t) -> Int32
