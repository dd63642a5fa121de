import Receivables
import TerminalKit

/// The screens, as the binding table names them. A screen in two modes (the history's list and its whole entry)
/// has one id per mode: the keys differ.
public enum ScreenID: String, CaseIterable, Sendable {
    case agenda, account, search, history, historyEntry = "history-entry", form, schedule, reports, users, help

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
    public let keyLabel: String
    public let command: Command
    /// The key bar's word ("Promise").
    public let label: String
    /// The help screen's and the man page's words ("promise to pay: the invoices, the amount, the date").
    public let help: String
    public let screens: Set<ScreenID>
    /// The permission the command needs (nil: everyone); the key bar leaves out what the role may not do and the help
    /// marks it, but the key still answers (with the refusal), so nobody wonders why a key is dead.
    public let permission: Permission.Action?
    /// Records something: hidden from the key bar in a read-only session.
    public let writes: Bool
    /// Rank in the key bar (lower first; the most used keys fit at 80 columns); nil: in the help only.
    public let bar: Int?

    init(_ keys: [Key], _ keyLabel: String, _ command: Command, _ label: String, help: String? = nil, on screens: Set<ScreenID>,
         needs permission: Permission.Action? = nil, writes: Bool = false, bar: Int? = nil) {
        self.keys = keys; self.keyLabel = keyLabel; self.command = command; self.label = label; self.help = help ?? label.lowercased()
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
        let names = roles.map { $0 == .salesperson ? "salespeople" : $0.rawValue + "s" }
        return names.count <= 2 ? names.joined(separator: " and ") : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}

public enum Bindings {
    static let lists: Set<ScreenID> = [.agenda, .account, .history, .users]
    static let everywhere = Set(ScreenID.allCases)
    static let moving: Set<ScreenID> = [.agenda, .account, .search, .history, .historyEntry, .form, .schedule, .reports, .users]

    /// The table. On one screen a key has one meaning: the first line naming both wins (a test checks none is shadowed).
    public static let table: [Binding] = [
        // Opening and leaving.
        Binding([.enter, .control("j")], "Enter", .open, "Open", help: "open the selected account", on: [.agenda, .search], bar: 0),
        Binding([.enter, .control("j")], "Enter", .open, "Whole entry", help: "the whole entry, its note unwrapped", on: [.history], bar: 1),
        Binding([.character("q")], "q", .quit, "Quit", help: "quit Relance (everything is already saved)", on: [.agenda], bar: 13),
        Binding([.escape, .character("q"), .backspace], "Esc", .back, "Back", help: "back to the previous screen (also q, Backspace)",
                on: [.account, .history, .users, .help], bar: 2),
        Binding([.escape, .character("q"), .backspace], "Esc", .back, "Back to the list", help: "back to the list (also q, Backspace)",
                on: [.historyEntry], bar: 2),
        Binding([.escape, .character("q")], "Esc", .back, "Back", help: "back to the previous screen (also q)", on: [.reports], bar: 5),
        Binding([.escape], "Esc", .back, "Back", help: "back to the previous screen", on: [.search], bar: 5),
        Binding([.escape], "Esc", .back, "Cancel", help: "cancel the form: nothing is saved", on: [.form], bar: 1),
        Binding([.escape], "Esc", .back, "Back to terms", help: "back to the plan's terms (nothing is saved)", on: [.schedule], bar: 5),
        Binding([.enter, .function(1), .character("?")], "Enter", .back, "Back", help: "back (also ?, F1)", on: [.help]),

        // Moving.
        Binding([.up, .character("k")], "↑ k", .up, "Up", help: "previous line", on: lists),
        Binding([.down, .character("j")], "↓ j", .down, "Down", help: "next line", on: lists),
        Binding([.up], "↑", .up, "Up", help: "previous line, or field", on: [.search, .form, .schedule, .reports, .historyEntry, .help]),
        Binding([.down], "↓", .down, "Down", help: "next line, or field", on: [.search, .form, .schedule, .reports, .historyEntry, .help]),
        Binding([.pageUp], "PgUp", .pageUp, "Page up", help: "ten lines up", on: lists.union([.search, .reports, .historyEntry, .help])),
        Binding([.pageDown], "PgDn", .pageDown, "Page down", help: "ten lines down", on: lists.union([.search, .reports, .historyEntry, .help])),
        Binding([.home, .character("g")], "g Home", .home, "First", help: "first line", on: lists),
        Binding([.end, .character("G")], "G End", .end, "Last", help: "last line", on: lists),
        Binding([.home], "Home", .home, "Start", help: "start of the text", on: [.form]),
        Binding([.end], "End", .end, "End", help: "end of the text", on: [.form]),
        Binding([.left], "←", .left, "Left", help: "caret left, or the previous choice", on: [.form]),
        Binding([.right], "→", .right, "Right", help: "caret right, or the next choice", on: [.form]),
        Binding([.left], "←", .left, "Date", help: "the date cell", on: [.schedule]),
        Binding([.right], "→", .right, "Amount", help: "the amount cell", on: [.schedule]),
        Binding([.left], "←", .left, "Columns", help: "scroll the columns back", on: [.reports]),
        Binding([.right], "→", .right, "Columns", help: "scroll to the columns on the right", on: [.reports], bar: 3),

        // The agenda.
        Binding([.character("s")], "s", .markSent, "Mark sent", help: "mark the selected written reminder sent",
                on: [.agenda], needs: .writtenReminder, bar: 10),
        Binding([.character("a")], "a", .toggleScope, "Whose", help: "whose agenda: the team, each collector, the unassigned accounts",
                on: [.agenda], bar: 11),
        Binding([.character("R")], "R", .reports, "Reports", help: "reports: aged balance, DSO, disputes, promises, cash impact, blocked, litigation",
                on: [.agenda], bar: 12),
        Binding([.character("U")], "U", .users, "Team", help: "the team's users, roles and logins", on: [.agenda], needs: .manageUsers, bar: 14),

        // The account.
        Binding([.character("c")], "c", .logCall, "Call", help: "log a call: outcome, note, next action", on: [.account], needs: .call, bar: 10),
        Binding([.character("p")], "p", .promise, "Promise", help: "promise to pay: amount, date, the invoices it covers",
                on: [.account], needs: .promise, bar: 11),
        Binding([.character("d")], "d", .dispute, "Dispute", help: "code a dispute on the ticked invoices", on: [.account], needs: .dispute, bar: 12),
        Binding([.character("r")], "r", .updateDispute, "Resolve", help: "move a dispute on: in progress, credit note, rejected, withdrawn",
                on: [.account], needs: .dispute, bar: 13),
        Binding([.character("e")], "e", .plan, "Plan", help: "payment plan: terms, then every line editable", on: [.account], needs: .plan, bar: 14),
        Binding([.character("n")], "n", .note, "Note", help: "field note", on: [.account], needs: .fieldNote, bar: 15),
        Binding([.character("h")], "h", .history, "History", help: "the account's whole history", on: [.account], bar: 16),
        Binding([.character("w")], "w", .waiveFees, "Waive", help: "waive the late fees of the selected invoice", on: [.account], needs: .waiveFees),
        Binding([.character("l")], "l", .letterCredit, "Letter credit", help: "letter on-account money to the oldest open invoices",
                on: [.account], needs: .letterCredit),
        Binding([.character("X")], "X", .cancelCommitment, "Withdraw",
                help: "withdraw the promise on the selected invoice, or cancel its plan (press twice)", on: [.account], needs: .promise),
        Binding([.character("L")], "L", .litigation, "Litigation", help: "litigation decision on the overdue items",
                on: [.account], needs: .litigation),

        // The team.
        Binding([.character("D")], "D", .toggleUserDisabled, "Disable/enable", help: "disable or enable the selected user (press twice to disable)",
                on: [.users], needs: .manageUsers, bar: 10),

        // Forms.
        Binding([.tab, .enter], "Tab", .nextField, "Next", help: "next field (also Enter)", on: [.form], bar: 2),
        Binding([.backTab], "S-Tab", .previousField, "Previous", help: "previous field", on: [.form], bar: 4),
        Binding([.character(" ")], "Space", .toggle, "Tick/choose", help: "tick an invoice, or change a choice", on: [.form], bar: 3),
        Binding([.function(2), .control("s")], "F2/^S", .save, "Save", help: "save (F2 or Ctrl-S; only when every field is valid)",
                on: [.form], bar: 0),
        Binding([.control("j")], "Ctrl-J", .lineBreak, "New line", help: "a new line in a note (Enter moves on); elsewhere as Enter",
                on: [.form]),
        Binding([.backspace], "Backspace", .backspace, "Delete", help: "delete the character before the caret", on: [.form, .search, .schedule]),
        Binding([.delete], "Delete", .deleteForward, "Delete forward", help: "delete the character after the caret", on: [.form]),
        Binding([.tab, .enter], "Tab", .nextField, "Next cell", help: "next cell (also Enter)", on: [.schedule], bar: 1),
        Binding([.backTab], "S-Tab", .previousField, "Previous cell", help: "previous cell", on: [.schedule]),
        Binding([.function(2), .control("s")], "F2/^S", .save, "Save plan", help: "save the plan (the lines must add up)", on: [.schedule], bar: 0),
        Binding([.control("r")], "Ctrl-R", .spread, "Spread", help: "spread a changed amount over the lines after it", on: [.schedule], bar: 2),

        // The reports.
        Binding([.tab], "Tab", .nextField, "Next report", help: "next report", on: [.reports], bar: 0),
        Binding([.backTab], "S-Tab", .previousField, "Previous report", help: "previous report", on: [.reports]),

        // Everywhere.
        Binding([.character("/")], "/", .search, "Search", help: "search customers: name, SIREN, invoice, phone, contact",
                on: [.agenda, .history, .historyEntry, .users], bar: 1),
        // On the account, its own keys come first in the bar.
        Binding([.character("/")], "/", .search, "Search", help: "search customers: name, SIREN, invoice, phone, contact",
                on: [.account], bar: 50),
        Binding([.character("?"), .function(1)], "?", .help, "All keys", help: "every key of the screen (also F1)", on: lists.union([.historyEntry]), bar: 99),
        Binding([.function(1)], "F1", .help, "All keys", help: "every key of the screen", on: [.search, .form, .schedule, .reports], bar: 99),
        Binding([.control("l"), .resize], "Ctrl-L", .redraw, "Redraw", help: "redraw the screen", on: everywhere),
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
