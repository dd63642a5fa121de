#if canImport(Glibc)
import Glibc
#endif
import Foundation
import UserRights

/// A path a user names for the program to write to (`--out`), checked before anything is written there.
public enum OutputPath {
    /// Refuses a path that goes through a symbolic link sitting in a world-writable sticky directory (a shared
    /// `/tmp`) and owned neither by the caller nor by that directory's owner: anyone can plant such a link there,
    /// pointing into another user's home, and letters or a backup would be written through it. This is the rule
    /// Linux applies with `fs.protected_symlinks`, checked here whatever that setting is (and for root, whom the
    /// kernel does not protect from links in a sticky directory that root does not own).
    public static func checkLinks(_ path: String) throws(OutputError) {
        UserRights.enter()
        defer { UserRights.leave() }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var walked = ""
        var hops = 0
        var parts = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var i = 0
        while i < parts.count {
            let part = parts[i]
            i += 1
            if part == "." { continue }
            if part == ".." { walked = String(walked[..<(walked.lastIndex(of: "/") ?? walked.startIndex)]); continue }
            let parent = walked.isEmpty ? "/" : walked
            let candidate = walked + "/" + part
            var st = stat()
            // Not there yet: the caller creates it later, with its parents, so a `..` after it comes back into
            // folders that do exist and may hold a link; keep walking the names.
            guard lstat(candidate, &st) == 0 else { walked = candidate; continue }
            guard (st.st_mode & S_IFMT) == S_IFLNK else { walked = candidate; continue }
            var dir = stat()
            if stat(parent, &dir) == 0, (dir.st_mode & S_ISVTX) != 0, (dir.st_mode & S_IWOTH) != 0,
               st.st_uid != getuid(), st.st_uid != dir.st_uid {
                throw OutputError(path: path, "goes through \(candidate), a link in the shared folder \(parent) that belongs to another user (uid \(st.st_uid)); name a folder of your own")
            }
            hops += 1
            guard hops < 40 else { throw OutputError(path: path, "too many symbolic links") }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(candidate, &buffer, buffer.count - 1)
            guard n > 0 else { throw OutputError(path: path, "cannot read the link \(candidate): \(String(cString: strerror(errno)))") }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let rest = Array(parts[i...])
            let targetParts = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            if target.hasPrefix("/") { walked = "" }
            parts = targetParts + rest
            i = 0
        }
    }

    /// A message for a failed write to a path the user named, without Foundation's `NSCocoaErrorDomain` text.
    public static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        switch ns.code {
        case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return String(cString: strerror(EACCES))
        case NSFileWriteOutOfSpaceError: return String(cString: strerror(ENOSPC))
        case NSFileWriteVolumeReadOnlyError: return String(cString: strerror(EROFS))
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return String(cString: strerror(ENOENT))
        case NSFileWriteFileExistsError: return String(cString: strerror(EEXIST))
        default: return "\(error)".contains("NSCocoaErrorDomain") ? "cannot write there" : "\(error)"
        }
    }
}

/// A path that cannot be written to, with the reason.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public init(path: String, _ reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }
}
