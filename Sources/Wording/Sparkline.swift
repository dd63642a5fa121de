import Receivables

/// A row of values drawn in eight heights ("▁▂▃▄▅▆▇█"), the smallest to the largest of the row; a missing value is a
/// space. For the dashboard's 12-month trends and `relance report collectors` in text.
public enum Sparkline {
    static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public static func draw(_ values: [Int64?]) -> String {
        let present = values.compactMap { $0 }
        guard let lo = present.min(), let hi = present.max() else { return String(repeating: " ", count: values.count) }
        return String(values.map { v -> Character in
            guard let v else { return " " }
            guard hi > lo else { return bars[0] }
            // 128-bit integers: amounts in cents reach 10^17, and money is never a Double.
            let step = Int128(v) - Int128(lo), span = Int128(hi) - Int128(lo)
            return bars[min(7, Int(step * 8 / span))]
        })
    }

    /// A row of plain numbers as `relance report collectors` writes them ("47.5 51.0 …", "" missing).
    public static func draw(plain: String) -> String {
        draw(plain.split(separator: " ", omittingEmptySubsequences: false).map { s -> Int64? in
            guard !s.isEmpty, let m = Money.parseCanonical(String(s)) ?? Money.parseCanonical(s + "0") else { return nil }
            return m.cents
        })
    }
}
