import Foundation

/// A fresh directory under the system temporary directory, removed by `remove()`.
public struct TempDirectory {
    public let path: String

    public init(_ label: String = "test") {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("relance-\(label)-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The folder holding the built products (`relance`, `relance-tools`), next to the test bundle.
public var productsDirectory: String {
    var url = URL(fileURLWithPath: CommandLine.arguments[0])
    while url.pathExtension != "xctest" && url.path != "/" { url.deleteLastPathComponent() }
    if url.path == "/" { url = URL(fileURLWithPath: CommandLine.arguments[0]) }
    return url.deletingLastPathComponent().path
}

/// Every file of a directory with its bytes, to prove a failed load touched nothing.
public func snapshotOfFiles(_ dir: String) -> [String: Data] {
    var out: [String: Data] = [:]
    for name in (try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? [] {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir), !isDir.boolValue {
            out[name] = FileManager.default.contents(atPath: dir + "/" + name)
        }
    }
    return out
}
