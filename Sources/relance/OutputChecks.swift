import ArgumentParser
import Foundation
import Receivables
import TextSafety
import Wording

/// The checks `letters`, `mail` and `statement` share before they write anything or send: where files go, which
/// templates, whose accounts. Each refusal is said and ends the command with status 2.
enum OutputChecks {
    static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Files go beside the store, never into it nor into a folder of it (a store directory holds only its own
    /// files), and `--out` is a folder (or a new name).
    static func requireOut(_ out: String, store: String) throws {
        let o = resolved(out), s = resolved(store)
        if o == s || o.hasPrefix(s.hasSuffix("/") ? s : s + "/") {
            warn(tr("--out {out} is in the store's own directory: write the files somewhere else\nNothing was changed.", ["out": Safe.text(out)]))
            throw ExitCode(2)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            warn(tr("--out {out} is not a folder (a file, a FIFO or a device is there)\nNothing was changed.", ["out": Safe.text(out)]))
            throw ExitCode(2)
        }
    }

    /// A `--templates` folder that is not there would silently give the bundled templates.
    static func requireTemplates(_ folder: String?) throws {
        guard let folder else { return }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            warn(tr("--templates {folder} is not a folder\nNothing was changed.", ["folder": Safe.text(folder)]))
            throw ExitCode(2)
        }
    }

    /// Who records what goes out (`--mark-sent`, `--send`): a supervisor anyone's accounts; a collector only their
    /// own, never a colleague's (`collector` becomes theirs); nobody else. The refusals are the command's words.
    static func requireOwnAccounts(_ collector: inout String?, me: User, notAllowed: String, notYours: (String) -> String) throws {
        guard me.role != .supervisor else { return }
        guard Permission.allows(me.role, .writtenReminder) else { warn(notAllowed); throw ExitCode(2) }
        if let c = collector, c != me.id { warn(notYours(c)); throw ExitCode(2) }
        collector = me.id
    }

    /// Recorded as sent on a day still to come, the items would wait for that day's interval and drop out of every
    /// earlier run (an outside audit froze a collector's letters until 2028 that way). Demo stores are playgrounds:
    /// days may be played ahead there, as in the workstation.
    static func requireNotFuture(_ date: CalendarDate, in book: Book, refusal: String) throws {
        guard date > .today(), !book.isDemo else { return }
        warn(refusal)
        throw ExitCode(2)
    }

    /// `--collector` names a collector of the store (or `unassigned`).
    static func requireCollector(_ id: String?, in book: Book) throws {
        guard let id, id != Agenda.unassigned else { return }
        guard book.users[id] != nil || book.customers.values.contains(where: { $0.collector == id }) else {
            warn(tr("no collector '{id}' in this store (collectors: {collectors})", ["id": Safe.text(id), "collectors": "\(Set(book.customers.values.compactMap(\.collector)).sorted().joined(separator: ", "))"]))
            throw ExitCode(2)
        }
    }
}
