/// A row of an import file that could not be taken, with the words to show next to its line (the importer is an
/// edge: it words its own refusals; the domain's come as values and are worded by `Wording`).
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
