import TextSafety
import UserRights
import ArgumentParser
import Foundation
import Receivables
import FileStore
import Wording

/// `relance`: the full-screen workstation, plus commands for scripts and supervisors.
@main
struct Relance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relance",
        abstract: tr("Receivables follow-up workstation: the day's calls, accounts, promises, disputes."),
        discussion: tr("Without a subcommand, opens the full-screen workstation (`relance open`): on --store, or on a fresh demo store with --demo. Keys are shown at the bottom of every screen; press ? for help."),
        subcommands: [OpenCommand.self, InitCommand.self, DemoCommand.self, AgendaCommand.self, LettersCommand.self, ImportCommand.self,
                      ReportCommand.self, CheckCommand.self, BackupCommand.self, RestoreCommand.self, MigrateCommand.self,
                      UserCommand.self, CompanyCommand.self, PolicyCommand.self, AccountCommand.self, RequestCommand.self,
                      MailCommand.self, OutboxCommand.self, StatementCommand.self],
        defaultSubcommand: OpenCommand.self
    )

    static let version = "0.3.0 (store schema \(currentSchemaVersion))"

    /// As ArgumentParser's own `main`, but every message it prints (an unknown report name, a bad date, a path
    /// echoed back) goes through `Safe.text` first: an argument holding escape sequences is shown, never obeyed.
    static func main() {
        UserRights.start()
        do {
            // The language first, so every message is worded in it: `--lang` on any command, else the environment;
            // the user's preference in the store comes in once the user is known (`LanguageChoice.prefer`).
            let (arguments, flag): ([String], Language?)
            do { (arguments, flag) = try Language.extractFlag(Array(CommandLine.arguments.dropFirst())) }
            catch { throw ValidationError(error.description) }
            LanguageChoice.flag = flag
            Language.set(Language.choose(flag: flag, preference: nil))
            // A damaged French catalogue (Resources/ may be edited) leaves the program in English: say why.
            if Language.current == .fr, !(arguments.first == "open" || arguments.first?.hasPrefix("-") ?? true), let p = Catalogue.frenchProblem { warn(p) }
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false)
                .map { Safe.text(String($0)) }.joined(separator: "\n")
            if !message.isEmpty {
                if code == .success { print(message) } else { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// Who decides the language: `--lang` (taken out of the command line by `main`), else the user's preference,
/// else the environment. Set once on the main thread before any command runs.
enum LanguageChoice {
    nonisolated(unsafe) static var flag: Language?

    /// The user's own language, unless `--lang` said otherwise.
    static func prefer(_ user: User) {
        Language.set(Language.choose(flag: flag, preference: user.language.flatMap(Language.init(rawValue:))))
    }
}

/// `relance [open]`: the full-screen workstation.
struct OpenCommand: ParsableCommand {
    // `relance --version` reaches the default subcommand, so the version lives here.
    static let configuration = CommandConfiguration(commandName: "open", abstract: tr("Open the full-screen workstation (the default)."),
                                                    version: Relance.version)

    @Flag(help: ArgumentHelp(tr("Open a fresh demo store (200 customers) made in a temporary directory.")))
    var demo = false

    @Option(help: ArgumentHelp(tr("The store directory (default: $RELANCE_STORE, else $XDG_DATA_HOME/relance or ~/.local/share/relance).")))
    var store: String?

    @Option(help: ArgumentHelp(tr("Who you are: only yourself (the user whose login is yours), except on a demo store, where any of its users.")))
    var user: String?

    @Option(help: ArgumentHelp(tr("Work as if today were this date (YYYY-MM-DD or DD/MM/YYYY).")), transform: CalendarDate.fromArgument)
    var date: CalendarDate?

    @Flag(name: .customLong("no-color"), help: ArgumentHelp(tr("Monochrome screen (also when NO_COLOR is set).")))
    var noColor = false

    func run() throws {
        let today = date ?? .today()
        let directory: String
        if demo {
            // A demo of one's own, in a temporary folder: made and used with the user's rights only (the store's
            // group, in a setgid installation, is dropped for good).
            UserRights.dropForGood()
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("relance-demo-\(UUID().uuidString.prefix(8))").path
            var book = try DemoCommand.makeBook(customers: 200, seed: 1, today: today)
            book.markAsDemo()
            try JSONFileStore.create(directory: directory, book: book)
        } else {
            directory = store ?? StoreOptions.defaultDirectory
        }
        var fileStore = try openStore(directory)
        // A day still to come may be looked at, not written in: what is recorded "on" it (a letter, a call and its
        // next action) would hold the real days' dunning until then. Demo stores are playgrounds and stay writable.
        var future: String?
        if today > .today() && !fileStore.book.isDemo {
            fileStore = try openStore(directory, readOnly: true)
            future = tr("{date} is a day still to come: read-only, nothing can be recorded on it", ["date": today.french])
        }
        let session = try Sessions.make(store: fileStore, userId: user, today: today)
        let color = !noColor && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let code = try Workbench.run(session: session, color: color,
                                     warnings: fileStore.warnings + [Identity.legacyWarning(fileStore.book), future,
                                                                     Language.current == .fr ? Catalogue.frenchProblem : nil].compactMap { $0 })
        if demo { say(tr("The demo store is kept in {directory}; reopen it with: relance --store {directory} --user {id}", ["directory": "\(directory)", "id": "\(session.user.id)"])) }
        if code != 0 { throw ExitCode(code) }
    }
}

/// `--store` for the subcommands.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp(tr("The store directory (default: $RELANCE_STORE, else $XDG_DATA_HOME/relance or ~/.local/share/relance).")))
    var store: String = StoreOptions.defaultDirectory

    /// `$RELANCE_STORE`, else `$XDG_DATA_HOME/relance`, else `~/.local/share/relance`.
    static var defaultDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let s = env["RELANCE_STORE"], !s.isEmpty { return s }
        if let xdg = env["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/relance" }
        return (env["HOME"] ?? ".") + "/.local/share/relance"
    }
}

/// Opens a store, turning load problems into a clean message and a non-zero exit (nothing is written).
/// Commands that only read open it `readOnly`: they never write, rename, migrate or delete anything.
func openStore(_ directory: String, readOnly: Bool = false) throws -> JSONFileStore {
    let path = try TeamLayout.pinned(directory)
    let store: JSONFileStore
    do { store = try JSONFileStore(directory: path, forceReadOnly: readOnly) } catch {
        warn(tr("cannot open the store: {error}\nNothing was changed.", ["error": "\(error)"]))   // the path as typed may hold escapes: shown, not sent
        throw ExitCode(2)
    }
    // The program's rights reach every store of its group: in the setgid layout each store is for its own users
    // (or root), whatever the command (an outside attack listed another team's users and IBAN with `user list`).
    if UserRights.isSetgid, getuid() != 0 { _ = try Identity.require(book: store.book, requested: nil, doing: tr("opening this store")) }
    KeptUntilExit.store = store
    return store
}

/// The store a command opened, kept until the process exits: freeing a book of 100,000 invoices object by object
/// took 20 ms at the end of every command (issue 23), and the system takes the memory back at once. Its deinit only
/// closes files, which the exit closes too. Only the last store opened is kept.
enum KeptUntilExit {
    nonisolated(unsafe) static var store: JSONFileStore?
}

/// Prints a message on standard error.
func warn(_ text: String) {
    // Messages echo names and lines from files: control characters are shown, never sent to the terminal.
    let safe = Safe.lines(text)
    FileHandle.standardError.write(Data("relance: \(safe)\n".utf8))
}

extension CalendarDate {
    /// A date option, with the parser's own message when it is refused ("year 9999 is outside the supported
    /// range 1900-2199"), where ArgumentParser alone would only say "invalid".
    static func fromArgument(_ text: String) throws -> CalendarDate {
        do { return try CalendarDate.parse(text) } catch { throw ValidationError(error.message) }
    }
}

/// Prints a line for a person (file names, paths and names echoed back), control characters shown, not sent.
func say(_ text: String) {
    print(Safe.lines(text))
}
