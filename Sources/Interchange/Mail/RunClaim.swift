#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Receivables

/// Which process is handing a message off (`host:pid:start`), so that a second run at the same moment leaves that
/// message to it, while a message left `queued` by a killed run is handed off again (issue 22: at most twice, with
/// the same Message-ID). `start` is the process's start time in clock ticks since boot (`/proc/<pid>/stat`, field
/// 22): a pid reused by another program does not pass for the run that died.
public enum RunClaim {
    /// This process's claim.
    public static let mine: String = "\(host):\(getpid()):\(startTime(of: getpid()) ?? "0")"

    /// Whether `claim` names a process still running on this machine. A claim from another machine is taken as
    /// alive (it cannot be checked from here): the store is local to one machine, so that is only a copied store.
    public static func isAlive(_ claim: String) -> Bool {
        let parts = claim.split(separator: ":").map(String.init)
        guard parts.count == 3, let pid = Int32(parts[1]) else { return false }
        guard parts[0] == host else { return true }
        if pid == getpid() { return true }
        return startTime(of: pid) == parts[2]
    }

    static var host: String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return "localhost" }
        return String(cString: name).replacingOccurrences(of: ":", with: "_")
    }

    /// Field 22 of `/proc/<pid>/stat` (after the command name in parentheses, which may hold spaces).
    static func startTime(of pid: Int32) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field 22 is fields[19].
        return fields.count > 19 ? String(fields[19]) : nil
    }
}

extension OutboxMessage {
    /// Queued and claimed by another run that is still alive: its hand-off is that run's, and nobody else (another
    /// mail run, `relance letters`, the workstation's `l`) touches the reminder meanwhile.
    public var isHeldByAnotherLiveRun: Bool {
        status == .queued && claim.map { $0 != RunClaim.mine && RunClaim.isAlive($0) } == true
    }
}
