#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import FileStore
import Foundation
import Receivables
import UserRights

/// The checks of the setgid layout (docs/TEAM.md): the program is installed setgid to the store's group, that the
/// team is not in; the store directory is root's, `2770`, in that group. Then only root and the program write the
/// store, and nobody forges its record. Nothing here applies when the program is not setgid (the group-writable
/// layout, which trusts the group).
enum TeamLayout {
    /// A store directory the program may open: refused when the person running it owns it (they could open it to
    /// themselves with `chmod`); a warning when they are in its group (they can write its files by hand).
    static func check(_ directory: String) throws {
        guard UserRights.isSetgid, getuid() != 0 else { return }
        var st = stat()
        guard stat(directory, &st) == 0 else { return }   // the open says what is wrong
        if st.st_uid == getuid() {
            warn("\(directory) belongs to you (\(Identity.login)): a store the program guards must be root's, so that nobody but the program writes it. As root: \(setUp(directory))\nNothing was changed.")
            throw ExitCode(2)
        }
        if UserRights.userIsMember(of: st.st_gid) {
            warned(once: "you (\(Identity.login)) are in the store's group \(UserRights.name(of: st.st_gid)): you can write its files by hand, so the record is only as safe as the group. Ask root to take you out of it (the program needs no member: docs/TEAM.md)")
        }
    }

    /// What root runs to make a store directory of this layout.
    static func setUp(_ directory: String) -> String {
        "install -d -o root -g \(UserRights.storeGroup.map(UserRights.name) ?? "relance-store") -m 2770 \(directory)"
    }

    /// Before a command makes a store (`init`, `restore --into`, `demo --out`): in this layout the directory is made
    /// by root beforehand (one the program made would be the user's).
    static func checkNewStore(_ directory: String) throws {
        guard UserRights.isSetgid, getuid() != 0 else { return }
        var st = stat()
        guard stat(directory, &st) == 0 else {
            warn("\(directory) does not exist: in this installation a store directory is made by root first: \(setUp(directory))\nNothing was changed.")
            throw ExitCode(2)
        }
        try check(directory)
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
