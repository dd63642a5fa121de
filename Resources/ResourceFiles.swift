import Foundation

/// Access to the files shipped in `Resources/` (policy, reason catalogue, demo seed lists, templates).
///
/// They live at the top level so a user can read and change them without digging into `Sources/`;
/// SwiftPM only bundles files inside a target's folder, hence this one-file target whose path is `Resources`.
public enum ResourceFiles {
    /// The contents of `Resources/<folder>/<name>`, or nil when the file is missing from the bundle.
    public static func data(folder: String, name: String) -> Data? {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: folder) else { return nil }
        return try? Data(contentsOf: url)
    }

    /// The path of the bundled folder, for messages that tell the user which file was read.
    public static func path(folder: String, name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: folder)?.path ?? "Resources/\(folder)/\(name)"
    }
}
