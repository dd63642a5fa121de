import ArgumentParser
import FileStore
import Foundation
import Interchange
import Receivables
import TextSafety
import Wording

/// `relance user`: the team (supervisors manage it; anyone who is a user may list it).
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: tr("List, add, change or disable the store's users."),
                                                    subcommands: [List.self, Add.self, Set.self, Disable.self, Enable.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("List the users (id, name, role, login, e-mail, status)."))
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("text or json."))) var format: OutputFormat = .text

        func run() throws {
            let store = try openStore(options.store, readOnly: true)
            let users = store.book.users.values.sorted { $0.id < $1.id }
            if format == .json {
                struct Row: Encodable { var id: String; var name: String; var role: String; var login: String?; var email: String?; var disabled: Bool }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(["users": users.map { Row(id: $0.id, name: $0.name, role: $0.role.rawValue, login: $0.login, email: $0.email, disabled: $0.disabled) }])
                print(Safe.json(String(decoding: data, as: UTF8.self)))
                return
            }
            let table = ReportTable(name: "users", title: tr("Users of {store}", ["store": "\(options.store)"]),
                                    columns: [.init("id", "Id"), .init("name", "Name"), .init("role", "Role"), .init("login", "Login"),
                                              .init("email", "E-mail"), .init("status", "Status")],
                                    rows: users.map { u in [u.id, u.name, u.role.label, u.login ?? "—", u.email ?? "", u.disabled ? tr("disabled") : tr("active")].map { .text($0) } },
                                    total: nil, notes: [])
            // Text only (JSON above keeps its identifiers): for a reader, in their language.
            print(TableFormatter.format(ReportWording.localized(table), as: format), terminator: "")
        }
    }

    /// Options common to add and set.
    struct Fields: ParsableArguments {
        @Option(help: ArgumentHelp(tr("Full name."))) var name: String?
        @Option(help: ArgumentHelp(tr("collector, supervisor or salesperson."))) var role: User.Role?
        @Option(help: ArgumentHelp(tr("Unix login (who they are when they run relance)."))) var login: String?
        @Option(help: ArgumentHelp(tr("E-mail address."))) var email: String?
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Add a user (supervisors only)."))
        @Argument(help: ArgumentHelp(tr("The user id (lower-case letters, digits, '_', '-', '.')."))) var id: String
        @OptionGroup var fields: Fields
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("Who you are (only yourself)."))) var user: String?

        func run() throws {
            guard let name = fields.name, let role = fields.role, let login = fields.login else {
                throw ValidationError(tr("a new user needs --name, --role and --login"))
            }
            try change(options.store, as: user, doing: tr("adding a user")) { book in
                guard book.users[id] == nil else { throw DomainError.said(tr("user {id} exists already; change it with `relance user set {id}`", ["id": "\(id)"])) }
                return .upsertUser(user: User(id: id, name: name, role: role, login: login, email: fields.email))
            }
            say(tr("Added {role} {id} ({name}, login {login}).", ["role": role.label, "id": "\(id)", "name": "\(name)", "login": "\(login)"]))
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: tr("Change a user's name, role, login or e-mail (supervisors only), or a language (anyone their own)."))
        @Argument(help: ArgumentHelp(tr("The user id."))) var id: String
        @OptionGroup var fields: Fields
        @Option(name: .customLong("lang"), help: ArgumentHelp(tr("The language Relance speaks to this user: fr, en, or env (the environment's).")))
        var language: String?
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("Who you are (only yourself)."))) var user: String?

        func run() throws {
            if let language {
                guard ["fr", "en", "env"].contains(language) else { throw ValidationError(tr("--lang: '{language}' is not fr, en or env", ["language": "\(language)"])) }
                let store = try openStore(options.store)
                let me = try Identity.require(book: store.book, requested: user, doing: tr("setting a language"))
                do { try store.commit(user: me.id) { _ in .setLanguage(user: id, language: language == "env" ? nil : language) } } catch {
                    warn(tr("refused: {error}\nNothing was changed.", ["error": "\(error)"]))
                    throw ExitCode(1)
                }
                if id == me.id { LanguageChoice.prefer(store.book.users[id] ?? me) }
                if fields.name == nil && fields.role == nil && fields.login == nil && fields.email == nil {
                    say(tr("Language of {id}: {language}.", ["id": "\(id)", "language": "\(language)"]))
                    return
                }
            }
            try change(options.store, as: user, doing: tr("changing a user")) { book in
                guard var u = book.users[id] else { throw DomainError.said(tr("no user {id}; users: {users}", ["id": "\(id)", "users": "\(book.users.keys.sorted().joined(separator: ", "))"])) }
                if let v = fields.name { u.name = v }
                if let v = fields.role { u.role = v }
                if let v = fields.login { u.login = v.isEmpty ? nil : v }
                if let v = fields.email { u.email = v.isEmpty ? nil : v }
                return .upsertUser(user: u)
            }
            say(tr("User {id} updated.", ["id": "\(id)"]))
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Disable a user: the history keeps their name, their accounts show as unassigned."))
        @Argument(help: ArgumentHelp(tr("The user id."))) var id: String
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("Who you are (only yourself)."))) var user: String?

        func run() throws {
            try setDisabled(id, true, store: options.store, as: user)
            say(tr("User {id} disabled; their accounts show as unassigned until they are given to another collector.", ["id": "\(id)"]))
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Enable a disabled user again."))
        @Argument(help: ArgumentHelp(tr("The user id."))) var id: String
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("Who you are (only yourself)."))) var user: String?

        func run() throws {
            try setDisabled(id, false, store: options.store, as: user)
            say(tr("User {id} enabled.", ["id": "\(id)"]))
        }
    }

    static func setDisabled(_ id: String, _ disabled: Bool, store: String, as requested: String?) throws {
        try change(store, as: requested, doing: disabled ? tr("disabling a user") : tr("enabling a user")) { book in
            guard var u = book.users[id] else { throw DomainError.said(tr("no user {id}; users: {users}", ["id": "\(id)", "users": "\(book.users.keys.sorted().joined(separator: ", "))"])) }
            u.disabled = disabled
            return .upsertUser(user: u)
        }
    }
}

/// Commits a change that only supervisors may make, with clean messages and exit codes; nothing changes on refusal.
func change(_ directory: String, as requested: String?, doing what: String, _ make: @escaping (Book) throws -> Change) throws {
    let store = try openStore(directory)
    let me = try Identity.require(book: store.book, requested: requested, roles: Permission.roles(for: .manageUsers), doing: what)
    do { try store.commit(user: me.id, make) } catch {
        warn(tr("refused: {error}\nNothing was changed.", ["error": "\(error)"]))
        throw ExitCode(1)
    }
    if let problem = store.maintain() { warn(problem) }
}

extension User.Role: ExpressibleByArgument {}
