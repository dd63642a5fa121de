#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The rights a path is opened with when Relance is installed setgid to the store's group (docs/TEAM.md).
///
/// In that layout the team is not in the store's group: only the program, running with the group as its effective
/// gid, reaches the store. Everything else a user names (`--out`, `--templates`, an import file, a policy file, the
/// copy `$EDITOR` opens) is opened with the user's own rights, never the group's: otherwise `backup --out
/// STORE/snapshot.jsonl` or `letters --out STORE` would write into the store with the program's rights. The program
/// drops its effective group around such work and takes it back after (the saved set-group-ID keeps it); a program
/// it starts gets the user's group only, for good (the group is dropped before `exec`).
public enum UserRights {
    /// The store's group this process runs with, set up by `start()`; nil when not setgid (a group-writable layout,
    /// or a test run).
    nonisolated(unsafe) public private(set) static var storeGroup: gid_t?
    nonisolated(unsafe) private static var depth = 0
    private static let lock = NSLock()

    /// Called first in `main`: notes whether the program runs setgid.
    public static func start() {
        storeGroup = getegid() != getgid() ? getegid() : nil
    }

    /// Gives up the store's group for the rest of the process (a demo in a temporary folder of one's own).
    public static func dropForGood() {
        guard storeGroup != nil else { return }
        _ = setregid(getgid(), getgid())
        storeGroup = nil
    }

    /// True when the program runs setgid to a group the real user does not have as theirs.
    public static var isSetgid: Bool { storeGroup != nil }

    /// Runs `body` with the user's own rights (the effective group dropped to the real one), then takes the store's
    /// group back. Nested calls are fine.
    public static func asUser<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        enter()
        defer { leave() }
        return try body()
    }

    /// `asUser` in two halves, for an initializer: every `enter` is followed by one `leave` (use `defer`).
    public static func enter() {
        guard storeGroup != nil else { return }
        lock.lock()
        if depth == 0 { _ = setegid(getgid()) }
        depth += 1
        lock.unlock()
    }

    public static func leave() {
        guard let group = storeGroup else { return }
        lock.lock()
        depth -= 1
        if depth == 0 { _ = setegid(group) }
        lock.unlock()
    }

    /// Runs `body` with the store's group again, inside `asUser` work that must read the store (a letters
    /// recovery asks the store whether each file was recorded).
    public static func asProgram<T>(_ body: () throws -> T) rethrows -> T {
        guard let group = storeGroup else { return try body() }
        lock.lock()
        let dropped = depth > 0
        if dropped { _ = setegid(group) }
        lock.unlock()
        defer { lock.lock(); if dropped && depth > 0 { _ = setegid(getgid()) }; lock.unlock() }
        return try body()
    }

    /// Whether the real user is a member of `group` (their own group, or a supplementary one).
    public static func userIsMember(of group: gid_t) -> Bool {
        if getgid() == group { return true }
        let n = getgroups(0, nil)
        guard n > 0 else { return false }
        var groups = [gid_t](repeating: 0, count: Int(n))
        let m = getgroups(n, &groups)
        return m > 0 && groups.prefix(Int(m)).contains(group)
    }

    /// The group name of `gid`, for messages.
    public static func name(of gid: gid_t) -> String {
        guard let g = getgrgid(gid), let n = g.pointee.gr_name else { return String(gid) }
        return String(cString: n)
    }
}
