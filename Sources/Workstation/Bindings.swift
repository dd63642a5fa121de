import Receivables
import TerminalKit
import Wording

/// The screens, as the binding table names them. A screen in two modes (the history's list and its whole entry)
/// has one id per mode: the keys differ.
public enum ScreenID: String, CaseIterable, Sendable {
    case agenda, account, search, history, historyEntry = "history-entry", form, schedule, reports, users, help
    /// Issue 20: the supervisor's request queue, the team dashboard, the salesperson's customers.
    case requests, dashboard, portfolio
    /// Issue 22: what `s` will send (the e-mail or the letter), and how; a statement of account.
    case send, statement

    /// Screens where typed characters are text (a search box, a form's fields): letters are not commands there.
    public var takesText: Bool { self == .search || self == .form || self == .schedule }

    /// The key that opens the help there (`?` is text in a form).
    var helpKey: String { takesText || self == .reports ? "F1" : "?" }
}

/// One line of the binding table: the keys, the command they give on which screens, how the key bar and the help
/// say it, and who may use it (issue 18: each screen listed its keys by hand, and the Users screen's help said `q`
/// went back while `q` did nothing). Key decoding, key bars, the help screen, the README's key table and the man
/// page's KEYS section are all read from `Bindings.table`.
public struct Binding: Sendable {
    public let keys: [Key]
    /// How the keys are written ("c", "F2/^S", "↑↓").
    public let keyName: String
    /// How the keys are written in the reader's language ("Entrée", "PgPréc").
    public var keyLabel: String { KeyNames.say(keyName) }
    public let command: Command
    /// The key bar's word in English ("Promise"), the catalogue's id (context "key").
    let labelId: String
    /// The help screen's and the man page's words in English ("promise to pay: …"), the catalogue's id.
    let helpId: String
    /// The key bar's word in the reader's language.
    public var label: String { translate(labelId, context: "key") }
    /// The help screen's words in the reader's language.
    public var help: String { translate(helpId) }
    public let screens: Set<ScreenID>
    /// The permission the command needs (nil: everyone); the key bar leaves out what the role may not do and the help
    /// marks it, but the key still answers (with the refusal), so nobody wonders why a key is dead.
    public let permission: Permission.Action?
    /// Records something: hidden from the key bar in a read-only session.
    public let writes: Bool
    /// Rank in the key bar (lower first; the most used keys fit at 80 columns); nil: in the help only.
    public let bar: Int?

    init(_ keys: [Key], _ keyLabel: String, _ command: Command, _ label: String, help: String, on screens: Set<ScreenID>,
         needs permission: Permission.Action? = nil, writes: Bool = false, bar: Int? = nil) {
        self.keys = keys; self.keyName = keyLabel; self.command = command; self.labelId = label; self.helpId = help
        self.screens = screens; self.permission = permission; self.writes = writes || permission != nil; self.bar = bar
    }

    /// Whether `session`'s user may use it now (role and read-only).
    func isAvailable(to session: Session) -> Bool {
        (permission.map { session.may($0) } ?? true) && !(writes && session.store.isReadOnly)
    }

    /// "collectors and supervisors": who may, for the help of those who may not.
    var whoMay: String? {
        guard let p = permission else { return nil }
        let roles = Permission.roles(for: p)
        guard roles.count < User.Role.allCases.count else { return nil }
        let names = roles.map(\.plural)
        return names.count <= 2 ? names.joined(separator: tr(" and ", context: "list"))
            : names.dropLast().joined(separator: ", ") + tr(" and ", context: "list") + names.last!
    }
}

public enum Bindings {
    static let lists: Set<ScreenID> = [.agenda, .account, .history, .users, .requests, .dashboard, .portfolio]
    static let everywhere = Set(ScreenID.allCases)
    static let moving: Set<ScreenID> = [.agenda, .account, .search, .history, .historyEntry, .form, .schedule, .reports, .users]

    /// The table. On one screen a key has one meaning: the first line naming both wins (a test checks none is shadowed).
    public static let table: [Binding] = [
        // Opening and leaving.
        Binding([.enter, .control("j")], "Enter", .open, K_("Open"), help: N_("open the selected account"), on: [.agenda, .search, .requests, .portfolio], bar: 0),
        Binding([.enter, .control("j")], "Enter", .open, K_("Agenda"), help: N_("the selected collector's agenda"), on: [.dashboard], bar: 0),
        Binding([.enter, .control("j")], "Enter", .open, K_("Open"), help: N_("open the selected row's customer (or a collector's agenda)"), on: [.reports], bar: 6),
        Binding([.enter, .control("j")], "Enter", .open, K_("Whole entry"), help: N_("the whole entry, its note unwrapped"), on: [.history], bar: 1),
        Binding([.character("q")], "q", .quit, K_("Quit"), help: N_("quit Relance (everything is already saved)"), on: [.agenda, .portfolio], bar: 13),
        Binding([.escape, .character("q"), .backspace], "Esc", .back, K_("Back"), help: N_("back to the previous screen (also q, Backspace)"),
                on: [.account, .history, .users, .help, .requests, .dashboard, .send, .statement], bar: 2),
        Binding([.escape, .character("q"), .backspace], "Esc", .back, K_("Back to the list"), help: N_("back to the list (also q, Backspace)"),
                on: [.historyEntry], bar: 2),
        Binding([.escape, .character("q")], "Esc", .back, K_("Back"), help: N_("back to the previous screen (also q)"), on: [.reports], bar: 5),
        Binding([.escape], "Esc", .back, K_("Back"), help: N_("back to the previous screen"), on: [.search], bar: 5),
        Binding([.escape], "Esc", .back, K_("Cancel"), help: N_("cancel the form: nothing is saved"), on: [.form], bar: 1),
        Binding([.escape], "Esc", .back, K_("Back to terms"), help: N_("back to the plan's terms (nothing is saved)"), on: [.schedule], bar: 5),
        Binding([.enter, .function(1), .character("?")], "Enter", .back, K_("Back"), help: N_("back (also ?, F1)"), on: [.help]),

        // Moving.
        Binding([.up, .character("k")], "↑ k", .up, K_("Up"), help: N_("previous line"), on: lists),
        Binding([.down, .character("j")], "↓ j", .down, K_("Down"), help: N_("next line"), on: lists),
        Binding([.up], "↑", .up, K_("Up"), help: N_("previous line, or field"), on: [.search, .form, .schedule, .reports, .historyEntry, .help, .send, .statement]),
        Binding([.down], "↓", .down, K_("Down"), help: N_("next line, or field"), on: [.search, .form, .schedule, .reports, .historyEntry, .help, .send, .statement]),
        Binding([.pageUp], "PgUp", .pageUp, K_("Page up"), help: N_("ten lines up"), on: lists.union([.search, .reports, .historyEntry, .help, .send, .statement])),
        Binding([.pageDown], "PgDn", .pageDown, K_("Page down"), help: N_("ten lines down"), on: lists.union([.search, .reports, .historyEntry, .help, .send, .statement])),
        Binding([.home, .character("g")], "g Home", .home, K_("First"), help: N_("first line"), on: lists.union([.help])),
        Binding([.end, .character("G")], "G End", .end, K_("Last"), help: N_("last line"), on: lists.union([.help])),
        Binding([.home], "Home", .home, K_("Start"), help: N_("start of the text"), on: [.form]),
        Binding([.end], "End", .end, K_("End"), help: N_("end of the text"), on: [.form]),
        Binding([.left], "←", .left, K_("Left"), help: N_("caret left, or the previous choice"), on: [.form]),
        Binding([.right], "→", .right, K_("Right"), help: N_("caret right, or the next choice"), on: [.form]),
        Binding([.left], "←", .left, K_("Date"), help: N_("the date cell"), on: [.schedule]),
        Binding([.right], "→", .right, K_("Amount"), help: N_("the amount cell"), on: [.schedule]),
        Binding([.left], "←", .left, K_("Columns"), help: N_("scroll the columns back"), on: [.reports, .dashboard]),
        Binding([.right], "→", .right, K_("Columns"), help: N_("scroll to the columns on the right"), on: [.reports, .dashboard], bar: 3),

        // The agenda.
        Binding([.character("s")], "s", .markSent, K_("Send"), help: N_("the selected written reminder: see what goes out, then send it by e-mail or record the letter sent"),
                on: [.agenda], needs: .writtenReminder, bar: 10),
        // What `s` sends.
        Binding([.character("e")], "e", .sendMail, K_("Send e-mail"), help: N_("hand the e-mail to the mail system now (recorded sent, or failed with the reason)"),
                on: [.send], needs: .writtenReminder, bar: 0),
        Binding([.character("l")], "l", .sendLetter, K_("Letter sent"), help: N_("record it sent as a letter you post yourself"),
                on: [.send], needs: .writtenReminder, bar: 1),
        // A statement of account (from the account).
        Binding([.character("e")], "e", .sendMail, K_("Send e-mail"), help: N_("e-mail the statement to the customer's contact"),
                on: [.statement], needs: .writtenReminder, bar: 0),
        Binding([.character("a")], "a", .toggleScope, K_("Whose"), help: N_("whose agenda: the team, each collector, the unassigned accounts"),
                on: [.agenda], bar: 11),
        Binding([.character("R")], "R", .reports, K_("Reports"), help: N_("reports: aged balance, DSO, disputes, promises, cash impact, blocked, litigation"),
                on: [.agenda], bar: 12),
        Binding([.character("U")], "U", .users, K_("Team"), help: N_("the team's users, roles and logins"), on: [.agenda], needs: .manageUsers, bar: 14),
        Binding([.character(" ")], "Space", .mark, K_("Mark"), help: N_("mark the selected account (for A)"), on: [.agenda], needs: .editCustomer, bar: 20),
        Binding([.character("A")], "A", .reassign, K_("Reassign"), help: N_("reassign the marked accounts (or the selected one) to a collector, with a reason"),
                on: [.agenda], needs: .editCustomer, bar: 21),
        Binding([.character("Q")], "Q", .requests, K_("Requests"), help: N_("requests on accounts: the queue to decide (supervisors), one's own and their outcome"),
                on: [.agenda, .portfolio], bar: 19),
        Binding([.character("T")], "T", .dashboard, K_("Team figures"), help: N_("the team's figures: calls, promises kept, cash, overdue, DSO, ADD, CEI, 12-month trends"),
                on: [.agenda], needs: .teamPerformance, bar: 18),
        Binding([.character("a")], "a", .agenda, K_("Agenda"), help: N_("the team's call queue"), on: [.portfolio], bar: 14),

        // The account.
        Binding([.character("c")], "c", .logCall, K_("Call"), help: N_("log a call: outcome, note, next action (a salesperson's: no money, the collector is told)"),
                on: [.account], needs: .fieldNote, bar: 10),
        Binding([.character("p")], "p", .promise, K_("Promise"), help: N_("promise to pay: amount, date, the invoices it covers"),
                on: [.account], needs: .promise, bar: 11),
        Binding([.character("d")], "d", .dispute, K_("Dispute"), help: N_("code a dispute on the ticked invoices"), on: [.account], needs: .dispute, bar: 12),
        Binding([.character("r")], "r", .updateDispute, K_("Resolve"), help: N_("move a dispute on: in progress, credit note, rejected, withdrawn"),
                on: [.account], needs: .dispute, bar: 13),
        Binding([.character("e")], "e", .plan, K_("Plan"), help: N_("payment plan: terms, then every line editable"), on: [.account], needs: .plan, bar: 14),
        Binding([.character("n")], "n", .note, K_("Note"), help: N_("field note"), on: [.account], needs: .fieldNote, bar: 15),
        Binding([.character("h")], "h", .history, K_("History"), help: N_("the account's whole history"), on: [.account], bar: 16),
        Binding([.character("S")], "S", .statement, K_("Statement"), help: N_("the statement of account (relevé de compte) at today, as the customer reads it; e to e-mail it"),
                on: [.account], bar: 22),
        Binding([.character("w")], "w", .waiveFees, K_("Waive"), help: N_("waive the late fees of the selected invoice"), on: [.account], needs: .waiveFees),
        Binding([.character("l")], "l", .letterCredit, K_("Letter credit"), help: N_("letter on-account money to the oldest open invoices"),
                on: [.account], needs: .letterCredit),
        Binding([.character("X")], "X", .cancelCommitment, K_("Withdraw"),
                help: N_("withdraw the promise on the selected invoice, or cancel its plan (press twice)"), on: [.account], needs: .promise),
        Binding([.character("L")], "L", .litigation, K_("Litigation"), help: N_("litigation decision on the overdue items"),
                on: [.account], needs: .litigation),
        Binding([.character("E")], "E", .editAccount, K_("Edit account"), help: N_("account control: collector, salesperson, credit limit, terms, order hold, contacts (with a reason)"),
                on: [.account], needs: .editCustomer, bar: 17),
        Binding([.character("Q")], "Q", .requestLimit, K_("Ask limit"), help: N_("ask a supervisor for a higher credit limit"), on: [.account], needs: .request, bar: 18),
        Binding([.character("F")], "F", .riskFlag, K_("Risk flag"), help: N_("raise a risk flag: difficulty, dispute coming, visit planned, change of ownership"),
                on: [.account], needs: .request, bar: 19),
        Binding([.character("V")], "V", .visit, K_("Visit"), help: N_("log a field visit (the collector sees it the next morning)"), on: [.account], needs: .fieldNote, bar: 20),

        // The request queue.
        Binding([.character("a")], "a", .approve, K_("Approve"), help: N_("approve the selected request, with a note (an approved limit is applied)"),
                on: [.requests], needs: .decideRequest, bar: 10),
        Binding([.character("r")], "r", .refuse, K_("Refuse"), help: N_("refuse the selected request, with a note"), on: [.requests], needs: .decideRequest, bar: 11),

        // The team.
        Binding([.character("D")], "D", .toggleUserDisabled, K_("Disable/enable"), help: N_("disable or enable the selected user (press twice to disable)"),
                on: [.users], needs: .manageUsers, bar: 10),

        // Forms.
        Binding([.tab, .enter], "Tab", .nextField, K_("Next"), help: N_("next field (also Enter)"), on: [.form], bar: 2),
        Binding([.backTab], "S-Tab", .previousField, K_("Previous"), help: N_("previous field"), on: [.form], bar: 4),
        Binding([.character(" ")], "Space", .toggle, K_("Tick/choose"), help: N_("tick an invoice, or change a choice"), on: [.form], bar: 3),
        Binding([.function(2), .control("s")], "F2/^S", .save, K_("Save"), help: N_("save (F2 or Ctrl-S; only when every field is valid)"),
                on: [.form], bar: 0),
        Binding([.control("j")], "Ctrl-J", .lineBreak, K_("New line"), help: N_("a new line in a note (Enter moves on); elsewhere as Enter"),
                on: [.form]),
        Binding([.backspace], "Backspace", .backspace, K_("Delete"), help: N_("delete the character before the caret"), on: [.form, .search, .schedule]),
        Binding([.delete], "Delete", .deleteForward, K_("Delete forward"), help: N_("delete the character after the caret"), on: [.form]),
        Binding([.tab, .enter], "Tab", .nextField, K_("Next cell"), help: N_("next cell (also Enter)"), on: [.schedule], bar: 1),
        Binding([.backTab], "S-Tab", .previousField, K_("Previous cell"), help: N_("previous cell"), on: [.schedule]),
        Binding([.function(2), .control("s")], "F2/^S", .save, K_("Save plan"), help: N_("save the plan (the lines must add up)"), on: [.schedule], bar: 0),
        Binding([.control("r")], "Ctrl-R", .spread, K_("Spread"), help: N_("spread a changed amount over the lines after it"), on: [.schedule], bar: 2),

        // The reports.
        Binding([.tab], "Tab", .nextField, K_("Next report"), help: N_("next report"), on: [.reports], bar: 0),
        Binding([.backTab], "S-Tab", .previousField, K_("Previous report"), help: N_("previous report"), on: [.reports]),

        // Everywhere.
        Binding([.character("/")], "/", .search, K_("Search"), help: N_("search customers: name, SIREN, invoice, phone, contact"),
                on: [.agenda, .history, .historyEntry, .users, .portfolio], bar: 1),
        // On the account, the queue and the figures, their own keys come first in the bar.
        Binding([.character("/")], "/", .search, K_("Search"), help: N_("search customers: name, SIREN, invoice, phone, contact"),
                on: [.account, .requests, .dashboard], bar: 50),
        Binding([.character("?"), .function(1)], "?", .help, K_("All keys"), help: N_("every key of the screen (also F1)"), on: lists.union([.historyEntry]), bar: 99),
        Binding([.function(1)], "F1", .help, K_("All keys"), help: N_("every key of the screen"), on: [.search, .form, .schedule, .reports], bar: 99),
        Binding([.control("l"), .resize], "Ctrl-L", .redraw, K_("Redraw"), help: N_("redraw the screen"), on: everywhere),
    ]

    /// The command `key` gives on `screen`: the table's, or typed text where the screen takes text.
    public static func command(for key: Key, on screen: ScreenID) -> Command? {
        if let b = binding(for: key, on: screen) { return b.command }
        guard screen.takesText else { return nil }
        switch key {
        case .character(let c): return .insert(c)
        case .paste(let text): return .paste(text)
        default: return nil
        }
    }

    static func binding(for key: Key, on screen: ScreenID) -> Binding? {
        table.first { $0.screens.contains(screen) && $0.keys.contains(key) }
    }

    /// The screen's bindings in the table's order, each key once (the first meaning wins), the help's own first.
    public static func bindings(on screen: ScreenID) -> [Binding] {
        var seen: Set<Key> = []
        var out: [Binding] = []
        for b in table where b.screens.contains(screen) {
            let fresh = b.keys.filter { !seen.contains($0) }
            seen.formUnion(b.keys)
            if !fresh.isEmpty { out.append(b) }
        }
        return out
    }

    /// The key bar: the screen's ranked keys the user may use, the most used first, as many as `width` holds; the
    /// help key ("? All keys") always last: it says where the rest are.
    static func bar(on screen: any Screen, session: Session, width: Int) -> [KeyHint] {
        let ranked = bindings(on: screen.screenID).filter { $0.bar != nil && $0.isAvailable(to: session) && screen.offers($0.command) }
            .sorted { $0.bar! < $1.bar! }
        let help = ranked.last { $0.command == .help }
        let others = ranked.filter { $0.command != .help }
        let helpHint = help.map { KeyHint($0.keyLabel, $0.label) }
        var out: [KeyHint] = []
        var used = helpHint.map(\.columns) ?? 0
        for b in others {
            let h = KeyHint(b.keyLabel, b.label)
            // Greedy by rank: a key that does not fit leaves room for a shorter, rarer one.
            if used + h.columns > width { continue }
            out.append(h); used += h.columns
        }
        if let helpHint { out.append(helpHint) }
        return out
    }
}

/// A key and what it does, for the key bar and the help screen.
public struct KeyHint: Equatable, Sendable {
    public var keys: String
    public var action: String
    public init(_ keys: String, _ action: String) { self.keys = keys; self.action = action }
    /// Columns it takes in the key bar ("c Call  ").
    var columns: Int { TextWidth.of(keys) + TextWidth.of(action) + 3 }
}

/// The names of the keys that have one ("Enter", "PgUp"), in the reader's language: French keyboards are labelled
/// "Entrée", "Échap", "Suppr". A binding writes its keys in English; they are worded at display.
enum KeyNames {
    static let named: Set<String> = [
        N_("Enter", context: "keyname"), N_("Esc", context: "keyname"), N_("Space", context: "keyname"),
        N_("Backspace", context: "keyname"), N_("Delete", context: "keyname"), N_("Tab", context: "keyname"),
        N_("S-Tab", context: "keyname"), N_("Home", context: "keyname"), N_("End", context: "keyname"),
        N_("PgUp", context: "keyname"), N_("PgDn", context: "keyname"),
    ]

    /// "G End" → "G Fin": each named key of the label, in the reader's language.
    static func say(_ label: String) -> String {
        label.split(separator: " ", omittingEmptySubsequences: false).map { word in
            word.split(separator: "/", omittingEmptySubsequences: false).map { key in
                named.contains(String(key)) ? translate(String(key), context: "keyname") : String(key)
            }.joined(separator: "/")
        }.joined(separator: " ")
    }
}
