#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import FileStore
import Foundation
import Receivables
import Wording

/// Who is running a command: the store's user whose `login` is the process's real user (from the uid, not from
/// `$USER`, which anyone can set). `--user` may only name that user, except on a demo store, and on a store made
/// before logins existed (with a warning until a supervisor sets them).
enum Identity {
    /// The login of the real user of this process.
    static var login: String { UnixLogin.current }

    /// The full name from the password file (GECOS), for a first supervisor.
    static func fullName(of login: String) -> String? {
        guard let pw = getpwnam(login), let g = pw.pointee.pw_gecos else { return nil }
        let name = String(cString: g).split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return name.isEmpty ? nil : name
    }

    struct Refusal: Error, CustomStringConvertible { let description: String }

    /// The user this process acts as. `requested` is `--user`; `roles` the roles the command allows.
    static func resolve(book: Book, requested: String?, roles: [User.Role] = User.Role.allCases, doing what: String) throws -> User {
        let user = try who(book: book, requested: requested)
        LanguageChoice.prefer(user)
        guard user.isActive else { throw Refusal(description: tr("user {id} ({name}) is disabled; ask a supervisor", ["id": "\(user.id)", "name": "\(user.name)"])) }
        guard roles.contains(user.role) else {
            throw Refusal(description: tr("{what} is for {roles}; you are {id} ({role})", ["what": "\(what)", "roles": roles.map(\.plural).joined(separator: tr(" and ", context: "list")), "id": "\(user.id)", "role": user.role.label]))
        }
        return user
    }

    private static func who(book: Book, requested: String?) throws -> User {
        let users = book.users
        let me = book.user(withLogin: login)
        if book.isDemo {
            // A demo store: the README's `--user amelie` examples work for anyone.
            if let id = requested {
                guard let u = users[id] else { throw Refusal(description: tr("unknown user '{id}'; users of this demo store: {users}", ["id": "\(id)", "users": "\(users.keys.sorted().joined(separator: ", "))"])) }
                return u
            }
            if let me { return me }
            if let first = users.values.filter({ $0.role == .collector && $0.isActive }).map(\.id).sorted().first { return users[first]! }
            throw Refusal(description: tr("this demo store has no collector"))
        }
        if let me {
            if let id = requested, id != me.id {
                throw Refusal(description: tr("--user {id}: you are logged in as {login}, which is user {id2} ({name}) of this store; nobody acts as someone else", ["id": "\(id)", "login": "\(login)", "id2": "\(me.id)", "name": "\(me.name)"]))
            }
            return me
        }
        if !users.values.contains(where: { $0.login != nil }) {
            // A store made before logins existed: the old rule, until a supervisor sets the logins.
            if let id = requested {
                if let u = users[id] { return u }
                if users.isEmpty { return User(id: id, name: id, role: .collector) }
                throw Refusal(description: tr("unknown user '{id}'; users of this store: {users}", ["id": "\(id)", "users": "\(users.keys.sorted().joined(separator: ", "))"]))
            }
            if let u = users[login] { return u }
            if users.isEmpty { return User(id: login, name: login, role: .collector) }
            throw Refusal(description: tr("say who you are with --user (users of this store: {users}); better, have a supervisor set everyone's login: relance user set ID --login LOGIN", ["users": "\(users.keys.sorted().joined(separator: ", "))"]))
        }
        // A disabled user is told so (not "not a user"); root is never a user of a store, so nobody suggests adding it.
        if let gone = users.values.first(where: { !$0.isActive && $0.login == login }) {
            throw Refusal(description: tr("your access was disabled by a supervisor ({id}, login {login}); ask a supervisor", ["id": "\(gone.id)", "login": "\(login)"]))
        }
        if getuid() == 0 {
            throw Refusal(description: tr("root is not a user of this store: run this as a supervisor's own login (runuser -u LOGIN -- relance ...)"))
        }
        throw Refusal(description: tr("you (login {login}) are not a user of this store; a supervisor adds you with: relance user add ID --name NAME --role collector --login {login}", ["login": "\(login)"]))
    }

    /// A warning for stores whose users have no logins yet (anyone can still act as anyone there).
    static func legacyWarning(_ book: Book) -> String? {
        guard !book.isDemo, !book.users.isEmpty, !book.users.values.contains(where: { $0.login != nil }) else { return nil }
        return tr("the users of this store have no Unix login yet, so anyone can act as anyone: set them with `relance user set ID --login LOGIN`")
    }

    /// `resolve`, turning a refusal into a message and exit status 2 (nothing is changed).
    static func require(book: Book, requested: String?, roles: [User.Role] = User.Role.allCases, doing what: String) throws -> User {
        do { return try resolve(book: book, requested: requested, roles: roles, doing: what) } catch let r as Refusal {
            warn(tr("{refusal}\nNothing was changed.", ["refusal": r.description]))
            throw ExitCode(2)
        }
    }
}
