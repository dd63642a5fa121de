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

    /// `text` for each line of a multi-line text: its newlines stay, every other unsafe character is shown. One pass
    /// over a clean text (a letter: splitting it into lines and joining them again was a tenth of a letters run).
    public static func lines(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 != "\n" && isUnsafe($0) }) else { return s }
        return s.split(separator: "\n", omittingEmptySubsequences: false).map { text(String($0)) }.joined(separator: "\n")
    }

    /// C0, DEL, C1; the bidirectional overrides, isolates and marks (U+061C, U+200E, U+200F); the line and paragraph
    /// separators (they break lines like a newline); the byte-order mark and the deprecated language tag. Zero-width
    /// joiners, variation selectors and the tag characters of subdivision flags stay: emoji need them.
    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x061C, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0x2060, 0xFEFF, 0xE0001:
            return true
        default: return false
        }
    }

    /// True when `s` holds no character `isUnsafe` refuses.
    public static func isClean(_ s: String) -> Bool { !s.unicodeScalars.contains(where: isUnsafe) }
}

extension String {
    /// The text without leading and trailing spaces and tabs (Unicode space separators included), as
    /// `trimmingCharacters(in: .whitespaces)` does, but in Swift: that one goes through NSString and UTF-16 and
    /// was a quarter of a million-row import's time. U+200B counts as a space there, so here too. Unchanged text is returned without a copy.
    public var trimmedSpaces: String {
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || (s.value > 127 && (s.properties.generalCategory == .spaceSeparator || s == "\u{200B}")) }
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        if !isSpace(first) && !isSpace(last) { return self }
        guard let start = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[start...end])
    }
}

extension Safe {
    /// JSON text from an encoder, with every character `isUnsafe` refuses written as a `\uXXXX` escape: the same
    /// JSON for a program that reads it, but nothing a terminal acts on (JSON allows U+202E, U+2028 and C1 controls
    /// raw inside strings, and `relance ... --format json` is often read on a terminal). Outside strings an encoder
    /// writes only ASCII punctuation, digits, spaces and newlines, which are left alone.
    public static func json(_ s: String) -> String {
        let kept: Set<UInt32> = [0x0A, 0x0D, 0x09]
        guard s.unicodeScalars.contains(where: { isUnsafe($0) && !kept.contains($0.value) }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard isUnsafe(u), !kept.contains(u.value) else { out.append(u); continue }
            func escape(_ v: UInt32) {
                let hex = String(v, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
            }
            if u.value > 0xFFFF {
                let v = u.value - 0x10000
                escape(0xD800 + (v >> 10)); escape(0xDC00 + (v & 0x3FF))
            } else { escape(u.value) }
        }
        return String(out)
    }
}
