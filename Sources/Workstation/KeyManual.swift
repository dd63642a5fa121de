import Receivables
import Wording

/// The binding table written for people who read before they press: the README's key table and the man page's
/// KEYS section are generated from it (a test compares the committed files with these, and
/// `RELANCE_REWRITE_GOLDEN=1 swift test --filter Golden` rewrites them), so they cannot drift from the keys.
public enum KeyManual {
    static let screenNames: [ScreenID: String] = [
        .agenda: "agenda", .account: "account", .search: "search", .history: "history", .historyEntry: "history entry",
        .form: "forms", .schedule: "plan schedule", .reports: "reports", .users: "team", .help: "help",
        .requests: "requests", .dashboard: "team figures", .portfolio: "my customers", .send: "send", .statement: "statement",
    ]

    /// One row per key and meaning, with the screens where it has it, in the table's order.
    /// The manual is English (the README and the man page are): its rows are worded in English whatever the reader's.
    static func rows() -> [(key: String, screens: [ScreenID], help: String, who: String?)] {
        Language.$scoped.withValue(.en) { englishRows() }
    }

    private static func englishRows() -> [(key: String, screens: [ScreenID], help: String, who: String?)] {
        var out: [(key: String, screens: [ScreenID], help: String, who: String?)] = []
        for b in Bindings.table {
            let screens = ScreenID.allCases.filter { b.screens.contains($0) }
            if let i = out.firstIndex(where: { $0.key == b.keyLabel && $0.help == b.help }) {
                out[i].screens += screens.filter { !out[i].screens.contains($0) }
            } else {
                out.append((b.keyLabel, screens, b.help, b.whoMay))
            }
        }
        return out
    }

    static func whereText(_ screens: [ScreenID]) -> String {
        screens.count == ScreenID.allCases.count ? "everywhere" : screens.compactMap { screenNames[$0] }.joined(separator: ", ")
    }

    /// The README's table (GitHub Markdown).
    public static func markdown() -> String {
        var lines = ["| key | where | does |", "|---|---|---|"]
        for r in rows() {
            let key = r.key.replacingOccurrences(of: "|", with: "\\|")
            lines.append("| \(key) | \(whereText(r.screens)) | \(r.help)\(r.who.map { " (\($0))" } ?? "") |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The man page's KEYS section (roff), one subsection per screen.
    public static func roff() -> String {
        Language.$scoped.withValue(.en) { englishRoff() }
    }

    private static func englishRoff() -> String {
        var out = [".SH KEYS", "Every screen shows its most used keys on its last line; \\fB?\\fR or \\fBF1\\fR lists them all."]
        for screen in ScreenID.allCases {
            out.append(".SS \(screenNames[screen]!.prefix(1).uppercased() + screenNames[screen]!.dropFirst())")
            for b in Bindings.bindings(on: screen) {
                out.append(".TP")
                out.append("\\fB\(escape(b.keyLabel))\\fR")
                out.append(escape(b.help + (b.whoMay.map { " (\($0))" } ?? "")))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// roff: a backslash is written twice, and a line must not start with a dot or an apostrophe.
    static func escape(_ s: String) -> String {
        let t = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "-", with: "\\-")
        return t.hasPrefix(".") || t.hasPrefix("'") ? "\\&" + t : t
    }
}
