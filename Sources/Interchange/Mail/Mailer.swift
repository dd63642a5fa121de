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
/// exit status 0; anything else is a failure whose reason is what it wrote (msmtp and sendmail print the server's
/// reply there), so that a refused recipient is recorded with the server's words.
public struct SendmailTransport: MailTransport {
    public var command: [String]
    /// A command that neither ends nor reads within this is stopped and the message counted failed.
    public var timeout: TimeInterval

    public init(command: [String], timeout: TimeInterval = 120) { self.command = command; self.timeout = timeout }

    public func send(_ message: Data, bounce: String?) -> String? {
        guard let path = command.first else { return tr("no mail command is set (relance company set --mailer ...)") }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return tr("{command} is not a program on this machine: set the mail command (relance company set --mailer \"/usr/bin/msmtp -t -i\")", ["command": path])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = Array(command.dropFirst()) + (bounce.map { ["-f", $0] } ?? [])
        // A command that exits without reading all the message (`/bin/false`, a crash) would kill Relance with
        // SIGPIPE on the next write, between the hand-off and its record: ignored while the message is written.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        do { try UserRights.asUser { try process.run() } }
        catch { return tr("cannot start {command}: {error}", ["command": path, "error": "\(error.localizedDescription)"]) }
        // What it says is read while the message is written: a command that talks before reading never blocks.
        let said = Collected()
        let reader = Thread { said.data = output.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let deadline = DispatchTime.now() + timeout
        let writer = DispatchQueue.global()
        let written = DispatchSemaphore(value: 0)
        writer.async {
            // A command that exits without reading all its input: the write fails with EPIPE, ignored.
            try? input.fileHandleForWriting.write(contentsOf: message)
            try? input.fileHandleForWriting.close()
            written.signal()
        }
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        if !process.isRunning { ended.signal() }
        if ended.wait(timeout: deadline) == .timedOut {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            _ = ended.wait(timeout: .now() + 5)
            _ = written.wait(timeout: .now() + 1)
            return tr("{command} did not finish within {seconds} s: stopped", ["command": path, "seconds": "\(Int(timeout))"])
        }
        _ = written.wait(timeout: .now() + 5)
        while !reader.isFinished { usleep(1_000) }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let words = Self.reason(String(decoding: said.data.prefix(4_000), as: UTF8.self))
            let status = process.terminationReason == .exit
                ? tr("{command} ended with status {status}", ["command": path, "status": "\(process.terminationStatus)"])
                : tr("{command} was killed by signal {signal}", ["command": path, "signal": "\(process.terminationStatus)"])
            return words.isEmpty ? status : status + ": " + words
        }
        return nil
    }

    /// The command's words, on one line and safe to show: control characters out, at most 500 characters.
    static func reason(_ text: String) -> String {
        let one = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " / ")
        let safe = Safe.text(one)
        return safe.count > 500 ? String(safe.prefix(500)) + "…" : safe
    }

    private final class Collected: @unchecked Sendable { var data = Data() }
}
