#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import FileStore
import Foundation
import Receivables
import UserRights
import Wording

/// The checks of the setgid layout (docs/TEAM.md): the program is installed setgid to the store's group, that the
/// team is not in; the store directory is root's, `2770`, in that group. Then only root and the program write the
/// store, and nobody forges its record. Nothing here applies when the program is not setgid (the group-writable
/// layout, which trusts the group).
enum TeamLayout {
    /// The store directory as the program will use it. In the setgid layout (and not for root) the directory is
    /// opened once and checked on that descriptor, and the path returned names that descriptor
    /// (`/proc/self/fd/N`): a link swapped in after the check can never send the store's files elsewhere (an outside
    /// attack swapped one while a restore read its backup, and got files of the store's group in its own home).
    /// Refused: a directory the person owns (they could `chmod` it open), one others may write or a sticky one (a
    /// shared `/tmp` or `/dev/shm`), one not in the program's group; a warning when they are in its group.
    /// `newStore`: for `init`, which also wants it root's and empty-handed.
    static func pinned(_ directory: String, newStore: Bool = false) throws -> String {
        guard UserRights.isSetgid, getuid() != 0, let group = UserRights.storeGroup else { return directory }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            // Never the name again after a failed open: a link switched between a file (ENOTDIR here) and a store
            // would have the name resolved elsewhere on the next open (an outside attack wrote into a team's store so).
            let e = errno
            let reason = e == ENOENT ? tr("does not exist") : String(cString: strerror(e))
            warn(tr("{directory}: {reason}; in this installation a store directory is made by root: {setUp}\nNothing was changed.", ["directory": directory, "reason": reason, "setUp": setUp(directory)]))
            throw ExitCode(2)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { close(fd); warn(tr("{directory}: cannot be read\nNothing was changed.", ["directory": "\(directory)"])); throw ExitCode(2) }
        func refuse(_ why: String) throws -> Never {
            close(fd)
            warn(tr("{directory} {why}. A store the program guards is root's: {setUp}\nNothing was changed.", ["directory": "\(directory)", "why": "\(why)", "setUp": "\(setUp(directory))"]))
            throw ExitCode(2)
        }
        if st.st_uid == getuid() { try refuse(tr("belongs to you ({login})", ["login": "\(Identity.login)"])) }
        if st.st_mode & S_IWOTH != 0 || st.st_mode & S_ISVTX != 0 { try refuse(tr("may be written by anyone (a shared or sticky folder)")) }
        if st.st_gid != group { try refuse(tr("is not in the group {name} this program runs with", ["name": "\(UserRights.name(of: group))"])) }
        if newStore, st.st_uid != 0 { try refuse(tr("was not made by root")) }
        if UserRights.userIsMember(of: st.st_gid) {
            warned(once: tr("you ({login}) are in the store's group {name}: you can write its files by hand, so the record is only as safe as the group. Ask root to take you out of it (the program needs no member: docs/TEAM.md)", ["login": "\(Identity.login)", "name": "\(UserRights.name(of: st.st_gid))"]))
        }
        return "/proc/self/fd/\(fd)"   // kept open for the process's life
    }

    /// What root runs to make a store directory of this layout.
    static func setUp(_ directory: String) -> String {
        "install -d -o root -g \(UserRights.storeGroup.map(UserRights.name) ?? "relance-store") -m 2770 \(directory)"
    }

    /// `init`, `restore --into` and `demo --out` make a whole store: in this layout, root's to run (a user could
    /// otherwise fill a directory root made for a team with a store of their own making, and be its supervisor;
    /// an outside attack did so with `init`). Root names the supervisor: `init --supervisor-login LOGIN`.
    static func requireRoot(doing what: String) throws {
        guard UserRights.isSetgid, getuid() != 0 else { return }
        warn(tr("{what} is for root in this installation (the program is setgid to {storeGroup}): ask root\nNothing was changed.", ["what": "\(what)", "storeGroup": UserRights.storeGroup.map(UserRights.name) ?? tr("the store group")]))
        throw ExitCode(2)
    }

    /// Root making a store in a new directory of a setgid installation: the directory gets the store's group and
    /// `2770` (root's own group would lock the team out: a `root:root 0770` store nobody could open).
    static func makeStoreDirectoryAsRoot(_ directory: String) throws {
        guard getuid() == 0, let group = UserRights.storeGroup else { return }
        var st = stat()
        guard stat(directory, &st) != 0 else { return }   // made beforehand: its group is kept
        guard mkdir(directory, 0o2770) == 0 else { return }   // the store's creation says what is wrong
        _ = chown(directory, 0, group)
        _ = chmod(directory, 0o2770)
    }

    /// `backup`, `restore` and `migrate` copy or replace the whole record: root's or a supervisor's in this layout.
    static func requireRootOrSupervisor(_ book: Book, requested: String?, doing what: String) throws {
        guard UserRights.isSetgid, getuid() != 0 else { return }
        _ = try Identity.require(book: book, requested: requested, roles: [.supervisor], doing: what)
    }

    nonisolated(unsafe) private static var said = Set<String>()
    private static func warned(once text: String) {
        guard said.insert(text).inserted else { return }
        warn(text)
    }
}
