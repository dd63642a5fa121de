import TerminalKit

// Text laid out in columns without cutting what must be read whole: an amount ("2 414,79 €") is one word, a line
// is broken or cut between words, and a list of parts between parts (issue 18: "la…" for the late fees at 80 columns).

/// Splits text into lines of at most `width` columns, at spaces where possible.
func wrap(_ text: String, width: Int) -> [String] {
    // Amounts like "2 414,79 €" hold spaces: keep digit groups and the € with what precedes them.
    var words: [String] = []
    for piece in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
        if let last = words.last, last.last?.isNumber == true, piece.first?.isNumber == true || piece == "€" {
            words[words.count - 1] += " " + piece
        } else { words.append(piece) }
    }
    var lines: [String] = [], current = ""
    for word in words {
        let candidate = current.isEmpty ? String(word) : current + " " + word
        if TextWidth.of(candidate) > width && !current.isEmpty { lines.append(current); current = String(word) } else { current = candidate }
    }
    if !current.isEmpty { lines.append(current) }
    return lines.map { TextWidth.truncate($0, to: width) }
}

/// `text` in one line of `width` columns: whole when it fits, else cut between words (an amount stays whole) and
/// ended with "…".
func clip(_ text: String, width: Int) -> String {
    guard TextWidth.of(text) > width else { return text }
    guard width > 1, let first = wrap(text, width: width - 1).first else { return TextWidth.truncate(text, to: width) }
    // "lettrées,…" reads as a cut number: the punctuation before the cut goes.
    var kept = Substring(first)
    while let last = kept.last, ",;:".contains(last), kept.count > 1 { kept = kept.dropLast() }
    return kept + "…"
}

/// Parts joined with `separator` into lines of `width` columns, broken between parts; a part longer than a line is
/// clipped between its words.
func flow(_ parts: [String], width: Int, separator: String = " · ") -> [String] {
    var lines: [String] = [], current = ""
    for part in parts {
        let candidate = current.isEmpty ? part : current + separator + part
        if TextWidth.of(candidate) <= width { current = candidate; continue }
        if !current.isEmpty { lines.append(current) }
        current = clip(part, width: width)
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}
