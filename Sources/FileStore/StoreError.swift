/// A store problem told the way a user can act on it: which file, where in it, and what is wrong.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file; self.line = line; self.message = message
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
