/// Text from a store or an import, made safe to print on a terminal or in a text file: control characters
/// (C0, DEL, C1) and the bidirectional overrides are shown as visible placeholders instead of being sent as-is,
/// where they could move the cursor, set the terminal's title or reorder what is displayed. Zero-width joiners
/// and variation selectors are kept (emoji need them).
public enum Safe {
    public static func text(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard isUnsafe(u) else { out.append(u); continue }
            switch u.value {
            case 0x00...0x1F: out.append(Unicode.Scalar(0x2400 + u.value)!)   // ␀ ... ␟ (␛ for ESC, ␊ for LF)
            case 0x7F: out.append("\u{2421}")                                  // ␡
            default: out.append(contentsOf: "<U+\(String(u.value, radix: 16, uppercase: true))>".unicodeScalars)
            }
        }
        return String(out)
    }

    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
