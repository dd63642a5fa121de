import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whole processes, as a user starts them (issue 23): each timed from `posix_spawn` to its exit (or, for the
/// workstation, to its first complete frame on a pseudo-terminal), with its peak memory, next to the time
/// python + orjson takes to parse the same snapshot in the same run: on a shared machine the ratio is what counts.
enum ProcessBench {
    struct Figure { var ms: Double; var peakMB: Double }

    /// Runs `arguments` with output to /dev/null; its time and peak resident memory (`wait4`).
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Figure {
        let started = Date()
        let pid = try spawn(arguments, environment: environment, terminal: nil)
        var status: Int32 = 0, peak = 0.0
        // The peak is read from /proc while it runs: `wait4`'s `ru_maxrss` of a child started with vfork (as
        // posix_spawn does) counts this large process's memory too.
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            peak = max(peak, highWater(pid))
            usleep(1_000)
        }
        let ms = Date().timeIntervalSince(started) * 1000
        guard status == 0 else { throw BenchError("\(arguments.joined(separator: " ")) ended with status \(status)") }
        return Figure(ms: ms, peakMB: peak)
    }

    /// What `arguments` prints on its standard output (empty when it cannot be started).
    static func output(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The process's peak resident memory so far (VmHWM), in MB; 0 once it has exited.
    static func highWater(_ pid: pid_t) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }

    /// The workstation started on a pseudo-terminal of 100 x 30: the time until its first frame is complete (its key
    /// bar, the frame's last line, has been written), then it is stopped (SIGTERM restores the terminal).
    static func launch(_ arguments: [String], until marker: String) throws -> Figure {
        let master = bench_posix_openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, bench_grantpt(master) == 0, bench_unlockpt(master) == 0, let name = bench_ptsname(master) else { throw BenchError("no pseudo-terminal") }
        defer { close(master) }
        var size = winsize(ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let started = Date()
        let pid = try spawn(arguments, environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"], terminal: String(cString: name))
        var seen = [UInt8](), buffer = [UInt8](repeating: 0, count: 65_536)
        let wanted = Array(marker.utf8)
        var ms: Double?
        let deadline = Date().addingTimeInterval(60)
        while ms == nil && Date() < deadline {
            var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 1000) > 0 else { continue }
            let n = read(master, &buffer, buffer.count)
            if n <= 0 { break }
            seen += buffer[0..<n]
            if seen.count >= wanted.count, contains(seen, wanted) { ms = Date().timeIntervalSince(started) * 1000 }
        }
        let peak = highWater(pid)
        kill(pid, SIGTERM)
        // Drained while it restores the terminal and exits.
        var status: Int32 = 0
        var flags = fcntl(master, F_GETFL); flags |= O_NONBLOCK; _ = fcntl(master, F_SETFL, flags)
        while waitpid(pid, &status, WNOHANG) == 0 { _ = read(master, &buffer, buffer.count); usleep(2_000) }
        guard let ms else { throw BenchError("\(arguments.joined(separator: " ")): no complete frame within 60 s") }
        return Figure(ms: ms, peakMB: peak)
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return true }
        }
        return false
    }

    private static func spawn(_ arguments: [String], environment: [String: String], terminal: String?) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty); sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // A new session, whose controlling terminal is the pseudo-terminal opened first.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | (terminal == nil ? 0 : 0x80)))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let device = terminal ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 0, device, O_RDWR, 0)
        posix_spawn_file_actions_addopen(&actions, 1, device, O_RDWR, 0)
        posix_spawn_file_actions_addopen(&actions, 2, device, O_RDWR, 0)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { (argv + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, cEnv)
        guard rc == 0 else { throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// python3 + orjson parsing every line of the snapshot (nil when either is missing).
    static func pythonParse(_ snapshot: String) -> Figure? {
        // Every record kept, as a script computing figures from them (and Relance) holds them.
        let script = "import sys, orjson\nrecords = [orjson.loads(line) for line in open(sys.argv[1], 'rb')]\n"
        return try? run(["python3", "-c", script, snapshot])
    }

    struct BenchError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}

// Not exported by the Glibc module (`_XOPEN_SOURCE` functions of stdlib.h).
@_silgen_name("ptsname") private func bench_ptsname(_ fd: Int32) -> UnsafeMutablePointer<CChar>?
@_silgen_name("grantpt") private func bench_grantpt(_ fd: Int32) -> Int32
@_silgen_name("unlockpt") private func bench_unlockpt(_ fd: Int32) -> Int32
@_silgen_name("posix_openpt") private func bench_posix_openpt(_ flags: Int32) -> Int32
