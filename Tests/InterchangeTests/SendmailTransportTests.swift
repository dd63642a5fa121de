import Foundation
import Testing
import TestSupport
@testable import Interchange
#if canImport(Glibc)
import Glibc
#endif

/// The mail command as Relance runs it (issue 22, 3), with scripts standing for the mail system.
@Suite(.serialized) struct SendmailTransportTests {   // (one at a time: the test below forks a lot, and a script another
                                                    // test just wrote is "busy" to exec while a fork holds it open)
    func script(_ dir: TempDirectory, _ name: String, _ body: String) throws -> String {
        let path = dir.file(name)
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o755)
        return path
    }

    let message = Data(("From: a@b.example\r\nTo: c@d.example\r\nSubject: t\r\n\r\n" + String(repeating: "ligne de texte\r\n", count: 20_000)).utf8)

    @Test func theMessageArrivesWholeOnStandardInputWithTheBounceAddress() throws {
        let dir = TempDirectory("sendmail-ok"); defer { dir.remove() }
        let got = dir.file("got"), args = dir.file("args")
        let ok = try script(dir, "ok.sh", "cat > \(got); echo \"$@\" > \(args)")
        #expect(SendmailTransport(command: [ok, "-t", "-i"]).send(message, bounce: "retours@b.example") == nil)
        #expect(FileManager.default.contents(atPath: got) == message)
        #expect(try String(contentsOfFile: args, encoding: .utf8) == "-t -i -f retours@b.example\n")
    }

    @Test func aRefusalCarriesTheCommandsWordsAndItsStatus() throws {
        let dir = TempDirectory("sendmail-refuse"); defer { dir.remove() }
        let refuse = try script(dir, "refuse.sh", "cat >/dev/null; echo 'msmtp: recipient address x@y not accepted by the server' >&2; echo 'msmtp: server message: 550 5.1.1 <x@y>: mailbox unavailable' >&2; exit 65")
        let reason = try #require(SendmailTransport(command: [refuse]).send(message, bounce: nil))
        #expect(reason.hasSuffix("ended with status 65: msmtp: recipient address x@y not accepted by the server / msmtp: server message: 550 5.1.1 <x@y>: mailbox unavailable"), "\(reason)")
        // Exiting without reading a 300 kB message: a failure, never a SIGPIPE that kills Relance.
        #expect(SendmailTransport(command: ["/bin/false"]).send(message, bounce: nil)?.hasSuffix("ended with status 1") == true)
        // Megabytes of output: the reason is kept short.
        let loud = try script(dir, "loud.sh", "head -c 20000000 /dev/zero | tr '\\\\0' x; exit 1")
        #expect((SendmailTransport(command: [loud]).send(message, bounce: nil)?.count ?? 0) < 600)
        #expect(SendmailTransport(command: [dir.file("missing")]).send(message, bounce: nil)?.contains("is not a program on this machine") == true)
    }

    /// Sends on several threads at once to commands that exit without reading (the tests run suites in parallel;
    /// each send set SIGPIPE ignored and put the default back, under another's write: the full test run died of
    /// SIGPIPE once). Every send is a failure; the process lives, and the default is back after.
    @Test func sendsAtOnceToCommandsThatDoNotReadNeverKillTheProcess() throws {
        func disposition() -> UnsafeRawPointer? {
            let h = signal(SIGPIPE, SIG_DFL); signal(SIGPIPE, h)
            return h.map { unsafeBitCast($0, to: UnsafeRawPointer.self) }
        }
        let before = disposition()
        let failures = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let message = self.message
            for _ in 0..<3 where SendmailTransport(command: ["/bin/false"]).send(message, bounce: nil)?.hasSuffix("ended with status 1") == true {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 12)
        #expect(disposition() == before)
    }

    /// An outside audit's mail command exited 0 leaving a child that held its output: it was counted failed after
    /// 120 s (and sent again by the next run). A command that hangs is stopped with what it started.
    @Test func successIsTheExitStatusAndAHangIsStoppedWithItsChildren() throws {
        let dir = TempDirectory("sendmail-hang"); defer { dir.remove() }
        // A sleep of a length no other process has, to find it in `ps`.
        let marker = "30.\(UInt32.random(in: 100_000...999_999))"
        let lingering = try script(dir, "bg.sh", "cat >/dev/null; sleep \(marker)1 & exit 0")
        let start = Date()
        #expect(SendmailTransport(command: [lingering], timeout: 20).send(message, bounce: nil) == nil)
        #expect(Date().timeIntervalSince(start) < 10)
        let hang = try script(dir, "hang.sh", "sleep \(marker)2 & sleep 30")
        let reason = SendmailTransport(command: [hang], timeout: 1).send(message, bounce: nil)
        #expect(reason?.hasSuffix("did not finish within 1 s: stopped") == true, "\(reason ?? "nil")")
        usleep(200_000)
        let (_, running) = try Spawn.run(["ps", "-eo", "args"])
        #expect(running.contains("sleep \(marker)1"), "the lingering child of a command that succeeded is its own business")
        let left = running.split(separator: "\n").filter { $0.contains("sleep \(marker)2") }
        #expect(left.isEmpty, "the hanging command's child was left running: \(left)")
        _ = try? Spawn.run(["pkill", "-f", "sleep \(marker)"])
    }
}

/// A value shared by threads, behind a lock.
final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) -> R) -> R { lock.lock(); defer { lock.unlock() }; return body(&value) }
}
