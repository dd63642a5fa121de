#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A file a user names (an import, a template, a policy file), read with the user's own rights and never blocking:
/// opened without waiting (a FIFO would hold the command forever), then taken only if it is a plain file. One reader
/// for every such door; each words the problem its own way.
public enum UserFile {
    public enum Problem: Error, Equatable {
        case missing, directory, notPlain, tooLarge, unreadable(String)
    }

    public static func read(_ path: String, maxBytes: Int = .max) throws(Problem) -> Data {
        UserRights.enter()
        defer { UserRights.leave() }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw errno == ENOENT ? .missing : .unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .directory
        default: throw .notPlain
        }
        guard st.st_size <= maxBytes else { throw .tooLarge }
        var data = Data(count: Int(st.st_size))
        var count = 0
        var failure: Int32 = 0
        data.withUnsafeMutableBytes { buf in
            while count < buf.count {
                let n = Glibc.read(fd, buf.baseAddress! + count, buf.count - count)
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                if n == 0 { break }
                count += n
            }
        }
        if failure != 0 { throw .unreadable(String(cString: strerror(failure))) }
        return data.prefix(count)
    }
}
