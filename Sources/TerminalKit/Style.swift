/// How a piece of text looks. Colours carry meaning, so screens ask for roles, not raw colours.
public struct Style: Hashable, Sendable {
    public var color: Color?
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool
    public var dim: Bool

    public init(color: Color? = nil, bold: Bool = false, reverse: Bool = false, underline: Bool = false, dim: Bool = false) {
        self.color = color; self.bold = bold; self.reverse = reverse; self.underline = underline; self.dim = dim
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let reverse = Style(reverse: true)
    public static let dim = Style(dim: true)
    /// Overdue items.
    public static let overdue = Style(color: .red)
    /// Due within 14 days.
    public static let dueSoon = Style(color: .yellow)
    /// Disputed items.
    public static let disputed = Style(color: .magenta)
    public static let good = Style(color: .green)
    public static let accent = Style(color: .cyan, bold: true)
    public static let error = Style(color: .red, bold: true)

    public func with(reverse: Bool) -> Style { var s = self; s.reverse = reverse; return s }
    public func with(bold: Bool) -> Style { var s = self; s.bold = bold; return s }

    public enum Color: Int, Hashable, Sendable, CaseIterable {
        case red = 1, green, yellow, blue, magenta, cyan
    }
}
