#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TextSafety
import UserRights
import Wording

/// Where messages are handed off: the company's mail system behind a sendmail-compatible command (issue 22, 3).
public protocol MailTransport: Sendable {
    /// Hands one message over; nil when the mail system took it, else its words for the refusal.
    func send(_ message: Data, bounce: String?) -> String?
}

/// A sendmail-compatible command (`/usr/sbin/sendmail -t -i`, `msmtp -t`...): the message on its standard input,
/// `-f` the bounce address, run with the user's own rights (never the store's group: `UserRights`). Success is its
/// exit status 0, whatever a child it left behind still holds; anything else is a failure whose reason is what it
/// wrote (msmtp and sendmail print the server's reply there), so that a refused recipient is recorded with the
/// server's words.
///
/// Started with `posix_spawn`, not Foundation's `Process`: in its own process group (a command that hangs is stopped
/// with everything it started), with a clean signal mask (`Process` children inherit blocked signals), its output in
/// an unlinked temporary file (a pipe would wait for any grandchild that keeps it open: an outside audit's mail
/// command exited 0 and was counted failed after 120 s).
public struct SendmailTransport: MailTransport {
    public var command: [String]
    /// A command that does not end within this is stopped (its whole group) and the message counted failed.
    public var timeout: TimeInterval

    public init(command: [String], timeout: TimeInterval = 120) { self.command = command; self.timeout = timeout }

    public func send(_ message: Data, bounce: String?) -> String? {
        guard let path = command.first else { return tr("no mail command is set (relance company set --mailer ...)") }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return tr("{command} is not a program on this machine: set the mail command (relance company set --mailer \"/usr/bin/msmtp -t -i\")", ["command": path])
        }
        // A command that exits without reading all the message (`/bin/false`, a crash) would kill Relance with
        // SIGPIPE on the next write, between the hand-off and its record: ignored while the message is written.
        // (Counted, not set and restored by each send: two sends at once, as the tests make them, restored the
        // default while the other was still writing, and its SIGPIPE killed the whole process.)
        IgnoredSIGPIPE.begin()
        defer { IgnoredSIGPIPE.end() }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return tr("cannot start {command}: {error}", ["command": path, "error": String(cString: strerror(errno))]) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC); _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        let output = Self.scratchFile()
        defer { if output >= 0 { close(output) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        if output >= 0 {
            posix_spawn_file_actions_adddup2(&actions, output, 1)
            posix_spawn_file_actions_adddup2(&actions, output, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty); sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let arguments = command + (bounce.map { ["-f", $0] } ?? [])
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        // Started while the store's group is dropped: the command keeps none of it (exec makes it its saved group).
        var rc = UserRights.asUser { posix_spawn(&pid, path, &actions, &attributes, argv, environ) }
        // A script just written may still be open for writing in another process for a moment (a fork of a thread
        // that wrote it inherited the descriptor): exec says "Text file busy"; a short wait is enough.
        for _ in 0..<20 where rc == ETXTBSY {
            usleep(25_000)
            rc = UserRights.asUser { posix_spawn(&pid, path, &actions, &attributes, argv, environ) }
        }
        close(readEnd)
        guard rc == 0 else {
            close(writeEnd)
            return tr("cannot start {command}: {error}", ["command": path, "error": String(cString: strerror(rc))])
        }
        // The message is written by a thread of its own: a command that never reads it must not stop the clock.
        let written = DispatchSemaphore(value: 0)
        let bytes = [UInt8](message)
        Thread.detachNewThread {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }    // EPIPE: the command exited without reading it all
                offset += n
            }
            close(writeEnd)
            written.signal()
        }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var ended = false
        while !ended {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { ended = true; break }
            if r < 0 && errno != EINTR { break }
            if Date() >= deadline { break }
            usleep(2_000)
        }
        if !ended {
            kill(-pid, SIGKILL)    // the whole group: what it started goes too
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            _ = written.wait(timeout: .now() + 5)
            return tr("{command} did not finish within {seconds} s: stopped", ["command": path, "seconds": "\(Int(timeout))"])
        }
        _ = written.wait(timeout: .now() + 5)
        let exited = (status & 0x7f) == 0, code = (status >> 8) & 0xff, signal = status & 0x7f
        guard exited, code == 0 else {
            let words = Self.reason(Self.firstBytes(of: output))
            let said = exited
                ? tr("{command} ended with status {status}", ["command": path, "status": "\(code)"])
                : tr("{command} was killed by signal {signal}", ["command": path, "signal": "\(signal)"])
            return words.isEmpty ? said : said + ": " + words
        }
        return nil
    }

    /// An unlinked temporary file for the command's output (-1 when none can be made: the output is then dropped).
    static func scratchFile() -> Int32 {
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((folder + "/relance-mail-XXXXXX").utf8CString)
        let fd = UserRights.asUser { template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) } }
        guard fd >= 0 else { return -1 }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    /// What the command wrote, its first 4,000 bytes (a command that prints megabytes is not read whole).
    static func firstBytes(of fd: Int32) -> String {
        guard fd >= 0, lseek(fd, 0, SEEK_SET) == 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: 4_000)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self) : ""
    }

    /// The command's words, on one line and safe to show: control characters out, at most 500 characters.
    static func reason(_ text: String) -> String {
        let one = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " / ")
        let safe = Safe.text(one)
        return safe.count > 500 ? String(safe.prefix(500)) + "…" : safe
    }
}

/// SIGPIPE ignored while at least one message is being written, in every thread of the process: the disposition is
/// the process's, so the first writer sets it and the last one puts back what was there.
enum IgnoredSIGPIPE {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var writers = 0
    nonisolated(unsafe) private static var previous: __sighandler_t?

    static func begin() {
        lock.lock(); defer { lock.unlock() }
        if writers == 0 { previous = signal(SIGPIPE, SIG_IGN) }
        writers += 1
    }

    static func end() {
        lock.lock(); defer { lock.unlock() }
        writers -= 1
        if writers == 0 { signal(SIGPIPE, previous); previous = nil }
    }
}
