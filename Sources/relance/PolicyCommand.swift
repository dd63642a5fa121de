import ArgumentParser
import FileStore
import Foundation
import Interchange
import Receivables
import TextSafety
import UserRights
#if canImport(Glibc)
import Glibc
import Wording
#endif

/// `relance policy`: the store's dunning policy, store data since schema 6 (docs/POLICY.md). Anyone who is a user
/// may look at it and its log; supervisors change it, and the log says who changed what.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: tr("Show, change or trace the store's dunning policy."),
                                                    subcommands: [Show.self, Set.self, Edit.self, Log.self], defaultSubcommand: Show.self)

    /// The policy as its file is written: the text `edit` opens and `set` reads back.
    static func text(of policy: Policy) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(policy), as: UTF8.self) + "\n"
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Print the policy in force, as JSON (the file `policy set` takes)."))
        @OptionGroup var options: StoreOptions

        func run() throws {
            let store = try openStore(options.store, readOnly: true)
            print(Safe.json(try PolicyCommand.text(of: store.book.policy)), terminator: "")
            warn(store.book.hasOwnPolicy ? tr("the store's own policy (relance policy log: who changed it)")
                                         : tr("the policy shipped with Relance: this store has not set its own"))
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Replace the policy with a file's (supervisors only); checked strictly first."))
        @Argument(help: ArgumentHelp(tr("The policy file (JSON, as `relance policy show` prints it)."))) var file: String
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("Who you are (only yourself)."))) var user: String?

        func run() throws {
            let data: Data
            do { data = try readUserFile(file) } catch { warn(tr("{file}: {error}\nNothing was changed.", ["file": "\(file)", "error": "\(error)"])); throw ExitCode(1) }
            let policy: Policy
            do { policy = try Policy.load(data, source: file) } catch { warn(tr("{problem}\nNothing was changed.", ["problem": error.message])); throw ExitCode(1) }
            try PolicyCommand.save(policy, store: options.store, as: user)
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Edit the policy in $VISUAL or $EDITOR (supervisors only); checked before it is saved."))
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("Who you are (only yourself)."))) var user: String?

        func run() throws {
            let store = try openStore(options.store)
            _ = try Identity.require(book: store.book, requested: user, roles: Permission.roles(for: .setPolicy), doing: tr("changing the policy"))
            let base = store.book.policy
            let copy = try PolicyEditor.copy(try PolicyCommand.text(of: base))
            var keep = false
            defer { if !keep { _ = UserRights.asUser { unlink(copy) } } }
            while true {
                try PolicyEditor.edit(copy)
                let data: Data
                do { data = try readUserFile(copy) } catch { warn(tr("{copy}: {error}\nNothing was changed.", ["copy": "\(copy)", "error": "\(error)"])); throw ExitCode(1) }
                do {
                    let policy = try Policy.load(data, source: tr("the policy"))
                    try PolicyCommand.save(policy, store: options.store, as: user, basedOn: base)
                    return
                } catch let e as DomainError {
                    warn(e.message)
                    guard isatty(0) == 1, PolicyEditor.ask(tr("Edit again? [Y/n] ")) else {
                        keep = true
                        warn(tr("Nothing was changed; your edit is kept in {copy} (relance policy set {copy} once corrected).", ["copy": "\(copy)"]))
                        throw ExitCode(1)
                    }
                }
            }
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Who changed the policy, when, and what."))
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp(tr("text or json."))) var format: OutputFormat = .text

        func run() throws {
            let store = try openStore(options.store, readOnly: true)
            let log = store.book.policyLog
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(Safe.json(String(decoding: try encoder.encode(["changes": log]), as: UTF8.self)))
                return
            }
            guard !log.isEmpty else { say(tr("The store follows the policy shipped with Relance: nobody has changed it.")); return }
            for change in log {
                say("\(change.at)  " + (change.migrated == true ? tr("taken in from the store's policy.json") : tr("by {user}", ["user": change.user])))
                if change.differences.isEmpty { say(tr("  (nothing changed)")) }
                for d in change.differences { say("  \(d.key): \(d.old ?? tr("(none)")) → \(d.new ?? tr("(none)"))") }
            }
        }
    }

    /// Saves `policy` as the author; refuses when the policy changed since `base` was read (a colleague's save would
    /// be undone without either knowing).
    static func save(_ policy: Policy, store directory: String, as requested: String?, basedOn base: Policy? = nil) throws {
        let store = try openStore(directory)
        let me = try Identity.require(book: store.book, requested: requested, roles: Permission.roles(for: .setPolicy), doing: tr("changing the policy"))
        let differences = Policy.differences(from: store.book.policy, to: policy)
        guard !differences.isEmpty else { say(tr("The policy is unchanged: nothing to save.")); return }
        do {
            try store.commit(user: me.id) { book in
                if let base, book.policy != base {
                    throw DomainError.said(tr("the policy was changed meanwhile by {who}: run relance policy edit again to start from it", ["who": book.policyLog.last?.user ?? tr("someone")]))
                }
                return .setPolicy(policy: policy, user: me.id, at: Timestamp.now())
            }
        } catch {
            warn(tr("refused: {error}\nNothing was changed.", ["error": "\(error)"]))
            throw ExitCode(1)
        }
        say(trn("Policy saved ({count} setting changed): ", "Policy saved ({count} settings changed): ", count: differences.count) + differences.prefix(5).map(\.key).joined(separator: ", ") + (differences.count > 5 ? ", ..." : ""))
        if let problem = store.maintain() { warn(problem) }
    }
}

/// A file the user names, read as plain bytes (never a FIFO, which would block, nor a folder), with the user's
/// own rights (`UserFile`).
func readUserFile(_ path: String) throws -> Data {
    do throws(UserFile.Problem) { return try UserFile.read(path, maxBytes: 16 << 20) } catch {
        switch error {
        case .missing: throw DomainError.said(String(cString: strerror(ENOENT)))
        case .directory, .notPlain: throw DomainError.said(tr("not a plain file"))
        case .tooLarge: throw DomainError.said(tr("over 16 MB: not a policy"))
        case .unreadable(let why): throw DomainError.said(tr("cannot be read ({why})", ["why": "\(why)"]))
        }
    }
}

/// The editor session of `relance policy edit`.
enum PolicyEditor {
    /// A private copy (0600, in $TMPDIR or /tmp) holding `text`.
    static func copy(_ text: String) throws -> String {
        UserRights.enter()
        defer { UserRights.leave() }
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((folder + "/relance-policy-XXXXXX.json").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 5) }
        guard fd >= 0 else { warn(tr("cannot make a copy to edit in {folder}: {reason}\nNothing was changed.", ["folder": folder, "reason": String(cString: strerror(errno))])); throw ExitCode(1) }
        defer { close(fd) }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            unlink(path); warn(tr("cannot write the copy {path}\nNothing was changed.", ["path": "\(path)"])); throw ExitCode(1)
        }
        return path
    }

    /// Runs `$VISUAL`, else `$EDITOR`, else `vi` on `path` (through the shell, as `git` and `crontab -e` do, so an
    /// editor with arguments works), waiting for it.
    static func edit(_ path: String) throws {
        let env = ProcessInfo.processInfo.environment
        let editor = [env["VISUAL"], env["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", editor + " \"$1\"", "sh", path]
        // The editor runs with the user's group only: started while the group is dropped, it keeps none (exec copies
        // the effective group into the saved one).
        do { try UserRights.asUser { try process.run() } } catch { warn(tr("cannot start the editor {editor}: {error}\nNothing was changed.", ["editor": "\(editor)", "error": "\(error)"])); throw ExitCode(1) }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            warn(tr("the editor {editor} ended with status {status}\nNothing was changed.", ["editor": "\(editor)", "status": "\(process.terminationStatus)"])); throw ExitCode(1)
        }
    }

    static func ask(_ question: String) -> Bool {
        FileHandle.standardError.write(Data(question.utf8))
        guard let answer = readLine() else { return false }
        return answer.isEmpty || answer.lowercased().hasPrefix("y") || answer.lowercased().hasPrefix("o")
    }
}
