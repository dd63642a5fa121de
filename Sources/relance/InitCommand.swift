#if canImport(Glibc)
import Glibc
#endif
import TextSafety
import ArgumentParser
import FileStore
import Foundation
import Interchange
import UserRights
import Receivables
import Wording

/// The company profile's options, shared by `init` and `company set`.
struct CompanyOptions: ParsableArguments {
    @Option(help: ArgumentHelp(tr("Legal name (raison sociale), as on the letters."))) var legalName: String?
    @Option(help: ArgumentHelp(tr("SIREN (9 digits)."))) var siren: String?
    @Option(help: ArgumentHelp(tr("Street address."))) var street: String?
    @Option(help: ArgumentHelp(tr("Postal code."))) var postalCode: String?
    @Option(help: ArgumentHelp(tr("City."))) var city: String?
    @Option(help: ArgumentHelp(tr("Phone number for customers."))) var phone: String?
    @Option(help: ArgumentHelp(tr("E-mail address for customers."))) var email: String?
    @Option(help: ArgumentHelp(tr("IBAN to pay to."))) var iban: String?
    @Option(help: ArgumentHelp(tr("BIC of the bank."))) var bic: String?
    @Option(help: ArgumentHelp(tr("Who signs the letters."))) var signatory: String?
    @Option(help: ArgumentHelp(tr("Where bounces of the e-mails go (a person's mailbox; sendmail -f)."))) var bounceEmail: String?

    var isEmpty: Bool { [legalName, siren, street, postalCode, city, phone, email, iban, bic, signatory, bounceEmail].allSatisfy { $0 == nil } }

    /// The addresses given, checked: e-mails go out from them, so they are plain ASCII addresses.
    func checkAddresses() throws {
        for (name, v) in [("--email", email), ("--bounce-email", bounceEmail)] {
            if let v, !v.isEmpty, !MailMessage.isValid(v) {
                throw ValidationError(tr("{option} {value}: not an e-mail address Relance can send from (ASCII, one @, no spaces)", ["option": name, "value": Safe.text(v)]))
            }
        }
    }

    /// `base` with every option given replaced (an empty value clears it).
    func applied(to base: CompanyProfile) -> CompanyProfile {
        var c = base
        func set(_ v: String?, _ k: WritableKeyPath<CompanyProfile, String?>) { if let v { c[keyPath: k] = v.isEmpty ? nil : v } }
        set(legalName, \.legalName); set(siren.map { $0.filter { !$0.isWhitespace } }, \.siren); set(street, \.street)
        set(postalCode, \.postalCode); set(city, \.city); set(phone, \.phone); set(email, \.email)
        set(iban.map { $0.filter { !$0.isWhitespace }.uppercased() }, \.iban); set(bic.map { $0.uppercased() }, \.bic); set(signatory, \.signatory)
        set(bounceEmail, \.bounceEmail)
        return c
    }
}

/// `relance init`: an empty store with the company profile and its first user, a supervisor.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init",
        abstract: tr("Create an empty store (in an empty or new directory) with the company profile and its first supervisor."),
        discussion: tr("The first supervisor is the person running the command (their Unix login), or --supervisor-login when an administrator sets the store up for someone else (e.g. with sudo). Then: relance user add ..., relance import ..."))

    @OptionGroup var options: StoreOptions
    @OptionGroup var company: CompanyOptions

    @Option(help: ArgumentHelp(tr("The first supervisor's Unix login (default: yours)."))) var supervisorLogin: String?
    @Option(help: ArgumentHelp(tr("The first supervisor's user id (default: the login)."))) var supervisorId: String?
    @Option(help: ArgumentHelp(tr("The first supervisor's name (default: from the password file, else the login)."))) var supervisorName: String?
    @Option(help: ArgumentHelp(tr("The first supervisor's e-mail address."))) var supervisorEmail: String?

    func run() throws {
        let login = supervisorLogin ?? Identity.login
        guard User.isValidLogin(login) else {
            warn(tr("'{login}' is not a Unix login; give one with --supervisor-login", ["login": "\(login)"]))
            throw ExitCode(2)
        }
        try TeamLayout.requireRoot(doing: tr("making a store (as root: relance init --store DIR --supervisor-login LOGIN)"))
        let directory = try TeamLayout.pinned(options.store, newStore: true)
        try TeamLayout.makeStoreDirectoryAsRoot(options.store)
        let id = supervisorId ?? login
        let supervisor = User(id: id, name: supervisorName ?? Identity.fullName(of: login) ?? login, role: .supervisor,
                              login: login, email: supervisorEmail)
        var book = Book()
        do {
            try book.apply(.upsertUser(user: supervisor))
            try book.apply(.setCompany(company: company.applied(to: CompanyProfile())))
            try JSONFileStore.create(directory: directory, book: book)
        } catch {
            warn(tr("cannot create a store: {error}", ["error": "\(error)"]))
            throw ExitCode(1)
        }
        say(tr("Created an empty store in {store}; its supervisor is {id} ({name}, login {login}).", ["store": "\(options.store)", "id": "\(supervisor.id)", "name": "\(supervisor.name)", "login": "\(login)"]))
        let missing = book.company?.missingForLetters ?? []
        if !missing.isEmpty { say(tr("Letters need the company's {missing}: relance company set --store {store} ...", ["missing": missing.map(\.label).joined(separator: ", "), "store": "\(options.store)"])) }
        say(tr("Next: relance user add ID --name NAME --role collector --login LOGIN --store {store}, then relance import customers FILE.csv", ["store": "\(options.store)"]))
    }
}

/// `relance company`: the company profile that letters and e-mails use.
struct CompanyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "company", abstract: tr("Show or change the company profile (letters and e-mails)."),
                                                    subcommands: [Show.self, Set.self], defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Print the company profile."))
        @OptionGroup var options: StoreOptions
        func run() throws {
            let store = try openStore(options.store, readOnly: true)
            let c = store.book.company ?? CompanyProfile()
            let rows: [(CompanyField, String?)] = [(.legalName, c.legalName), (.siren, c.siren), (.street, c.street), (.postalCode, c.postalCode),
                                                   (.city, c.city), (.phone, c.phone), (.email, c.email), (.iban, c.iban), (.bic, c.bic),
                                                   (.signatory, c.signatory), (.bounceEmail, c.bounceEmail)]
            let width = max(12, rows.map { $0.0.label.count }.max() ?? 12)
            for (k, v) in rows { print("\(k.label.padding(toLength: width, withPad: " ", startingAt: 0)) \(Safe.text(v ?? "—"))") }
            print("\(tr("mailer").padding(toLength: width, withPad: " ", startingAt: 0)) \(Safe.text(store.book.settings.mailCommand.joined(separator: " ")))")
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: tr("Change fields of the company profile (supervisors only); an empty value clears one."))
        @OptionGroup var options: StoreOptions
        @OptionGroup var company: CompanyOptions
        @Option(help: ArgumentHelp(tr("The sendmail-compatible command e-mails are handed to, its words split at spaces (default \"/usr/sbin/sendmail -t -i\"; empty: back to it). Relance adds -f and the bounce address.")))
        var mailer: String?
        @Option(help: ArgumentHelp(tr("Who you are (only yourself; see `relance --help`)."))) var user: String?
        func run() throws {
            guard !company.isEmpty || mailer != nil else { throw ValidationError(tr("say what to change, e.g. --legal-name \"Dupont SAS\"")) }
            try company.checkAddresses()
            let command = mailer.map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
            if let first = command?.first, !first.hasPrefix("/") {
                throw ValidationError(tr("--mailer {command}: give the command's full path (/usr/bin/msmtp ...): a store's mail never depends on someone's PATH", ["command": Safe.text(first)]))
            }
            let store = try openStore(options.store)
            let me = try Identity.require(book: store.book, requested: user, roles: Permission.roles(for: .setCompany), doing: tr("changing the company profile"))
            do {
                try store.commit(user: me.id) { book in
                    var changes: [Change] = []
                    if !company.isEmpty { changes.append(.setCompany(company: company.applied(to: book.company ?? CompanyProfile()))) }
                    if let command { changes.append(.setMailer(command: command.isEmpty ? nil : command)) }
                    return changes.count == 1 ? changes[0] : .batch(changes: changes)
                }
            } catch {
                warn(tr("refused: {error}\nNothing was changed.", ["error": "\(error)"]))
                throw ExitCode(1)
            }
            say(tr("Company profile updated."))
            if let problem = store.maintain() { warn(problem) }
        }
    }
}
