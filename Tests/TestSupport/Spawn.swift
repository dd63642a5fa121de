import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts processes with `posix_spawnp`, with a clean signal mask and no inherited descriptors.
///
/// Foundation's `Process` is not used: on Linux its children inherit a blocked signal mask and an internal
/// socket, so tmux servers ignored SIGTERM and `waitUntilExit` hung (docs/TESTING.md).
public enum Spawn {
    /// Starts `arguments[0]` (searched in PATH) with stdin, stdout and stderr on /dev/null or the given file.
    public static func start(_ arguments: [String], output: String? = nil) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, output ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard rc == 0 else { throw SpawnError(message: "cannot start \(arguments[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Waits for a process; returns its exit status, or 128 + signal when a signal ended it.
    @discardableResult
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Runs a command to completion and returns (exit status, output).
    public static func run(_ arguments: [String]) throws -> (Int32, String) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("relance-spawn-\(UUID().uuidString)").path
        defer { unlink(out) }
        let pid = try start(arguments, output: out)
        let status = wait(pid)
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return (status, text)
    }

    public struct SpawnError: Error, CustomStringConvertible { public let message: String; public var description: String { message } }
}

/// Processes whose parent is `pid`, read from /proc (no dependency on pgrep).
public func childProcesses(of pid: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { child in
        guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 && Int32(fields[1]) == pid
    }
}
