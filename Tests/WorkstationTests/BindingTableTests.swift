import DemoData
import Testing
import TestSupport
import TerminalKit
@testable import Receivables
@testable import Workstation

/// Issue 18 (1): one binding table drives the decoding, the key bars and the help. These tests press the keys on the
/// real screens (a demo book, every role) and look at what changed, so a key shown that does nothing, or a key that
/// does something and is not in the help, fails whatever the table says.
@Suite struct BindingTableTests {
    static let today = Fixtures.date("2026-11-23")
    /// The demo book, with a long note on the account the scenarios open (so the whole entry scrolls).
    static let book: Book = {
        var b = try! DemoGenerator(customers: 24, seed: 3, today: today).book()
        try! b.apply(.logActivity(activity: Activity(id: "ACT-LONG", at: "2026-11-23T09:00:00Z", date: today, user: "amelie", customerId: busiest(b),
                                                    channel: .note, note: (1...60).map { "Ligne \($0) de la note." }.joined(separator: "\n"))))
        // Requests in the queue (issue 20), and one of amelie's own.
        for (i, (id, by)) in zip(b.customerOrder.prefix(4), ["zoe", "zoe", "zoe", "amelie"]).enumerated() {
            try! b.apply(.fileRequest(request: AccountRequest(id: "REQ-\(i)", customerId: id, kind: i == 1 ? .risk : .creditLimit, requestedBy: by,
                at: "2026-11-2\(i)T09:00:00Z", date: today.adding(days: -i), amount: i == 1 ? nil : Money(euros: 900_000 + Int64(i)), flag: i == 1 ? "DIFFICULTY" : nil, note: "Commande")))
        }
        return b
    }()

    /// The customer with the most open invoices (lists long enough to move in).
    static func busiest(_ b: Book) -> String {
        b.customerOrder.max { b.openInvoices(of: $0).count < b.openInvoices(of: $1).count }!
    }

    /// The screens to reach, and how, per user: amelie collects, helene supervises, zoe sells.
    static let scenarios: [(ScreenID, String, [Key])] = {
        let search = [Key.character("/"), .character("C"), .character("0")]
        var out: [(ScreenID, String, [Key])] = []
        for user in ["amelie", "helene", "zoe"] {
            let open = [Key.character("/")] + busiest(book).map { Key.character($0) } + [.enter]
            // A salesperson starts on their customers (issue 20): `a` is the team's agenda.
            let agenda: [Key] = user == "zoe" ? [.character("a")] : []
            out += [(.agenda, user, agenda), (.account, user, open), (.search, user, search), (.history, user, open + [.character("h")]),
                    (.historyEntry, user, open + [.character("h"), .enter]), (.reports, user, agenda + [.character("R")]),
                    (.requests, user, agenda + [.character("Q")]),
                    (.help, user, open + [.character("?")]), (.form, user, open + [.character("n"), .character("a"), .character("b"), .left])]
            if user != "zoe" {
                out += [(.form, user, open + [.character("p")]), (.schedule, user, open + [.character("e"), .function(2)])]
            }
        }
        out += [(.users, "helene", [.character("U")]), (.portfolio, "zoe", []), (.dashboard, "helene", [.character("T")]),
                (.form, "helene", [Key.character("/")] + busiest(book).map { Key.character($0) } + [.enter, .character("E")]),
                (.form, "zoe", [Key.character("/")] + busiest(book).map { Key.character($0) } + [.enter, .character("Q")])]
        return out
    }()

    struct Scene {
        let app: App
        let screen: ScreenBuffer
        let store: MemoryStore
        /// What a key may change: the screens, the text, the status, whether the app ended, the book.
        /// What a key may change: the screens, the status, whether the app ended, the book, the cursor, every cell.
        var snapshot: Snapshot {
            Snapshot(depth: app.stack.count, finished: app.finished, status: app.status?.text, revision: store.book.revision,
                     cursor: screen.cursor.map { [$0.row, $0.column] }, cells: screen.allCells)
        }

        /// A copy to try a key on (the book is a value: the copy's store starts from the same one).
        func copy() -> Scene {
            let store = MemoryStore(book: self.store.book)
            let screen = ScreenBuffer(rows: self.screen.rows, columns: self.screen.columns)
            let app = self.app.copy(session: Session(store: store, user: self.app.session.user, today: today), terminal: screen)
            app.render()
            return Scene(app: app, screen: screen, store: store)
        }
    }

    struct Snapshot: Equatable {
        var depth: Int, finished: Bool, status: String?, revision: Int, cursor: [Int]?, cells: [[ScreenBuffer.Cell]]
    }

    static func scene(_ keys: [Key], user: String, columns: Int = 100) -> Scene {
        let (app, screen, store) = driven(book, user: user, today: today, keys: keys, rows: 24, columns: columns)
        return Scene(app: app, screen: screen, store: store)
    }

    /// Whether `key` changes something on the scenario's screen, from its first state or after moving down (↑ does
    /// nothing on the first line, and is no less bound for it).
    /// Whether `key` changes something on the scenario's screen, from its first state or after moving (↑ does
    /// nothing on the first line, and is no less bound for it); `starts` are the scenes to try it from.
    static func doesSomething(_ key: Key, from starts: [Scene]) -> Bool {
        starts.contains { start in
            let s = start.copy()
            let before = s.snapshot
            s.app.handle(key); s.app.render()
            return s.snapshot != before
        }
    }

    static func starts(_ keys: [Key], user: String, thorough: Bool = true) -> [Scene] {
        let typed: [Key] = [.tab, .character("1"), .character("2"), .left]
        let moves: [[Key]] = thorough ? [[], [.down, .down], [.end], [.right, .right], typed] : [[], [.down, .down], typed]
        return moves.map { scene(keys + $0, user: user) }
    }

    @Test func theScenariosReachTheirScreens() {
        for (id, user, keys) in Self.scenarios {
            let s = Self.scene(keys, user: user)
            #expect(s.app.top.screenID == id, "\(user) on \(id): \(s.screen.text)")
        }
    }

    @Test func everyKeyShownDoesSomethingOnThatScreenForThatRole() {
        for (id, user, keys) in Self.scenarios {
            let s = Self.scene(keys, user: user)
            // (A redraw repaints the same screen; a one-field form offers no Tab.)
            let starts = Self.starts(keys, user: user)
            for b in Bindings.bindings(on: id) where b.command != .redraw && s.app.top.offers(b.command) {
                let key = b.keys[0]
                #expect(Self.doesSomething(key, from: starts), "\(b.keyLabel) (\(b.label)) does nothing on \(id) for \(user)")
            }
            // What the key bar shows, the user may use: checked against the permission table itself.
            let role = Self.book.users[user]!.role
            for hint in Bindings.bar(on: s.app.top, session: s.app.session, width: 100) {
                let b = Bindings.bindings(on: id).first { $0.keyLabel == hint.keys && $0.label == hint.action }
                #expect(b != nil, "\(hint.keys) \(hint.action) on \(id) is not in the table")
                if let p = b?.permission { #expect(Permission.allows(role, p), "\(hint.keys) shown to a \(role) on \(id)") }
            }
        }
    }

    /// Every key of the keyboard that does something on a screen is in that screen's help (Backspace went back a
    /// screen and no help said so). Typed characters on text screens are text, said in the help's note.
    @Test func everyKeyThatDoesSomethingIsInTheHelp() {
        let letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/?!:;.,-+* ".map { Key.character($0) }
        let controls = "abcdefghiklmnopqrstuvwxyz".map { Key.control($0) }
        let specials: [Key] = [.up, .down, .left, .right, .home, .end, .pageUp, .pageDown, .enter, .tab, .backTab, .backspace,
                               .delete, .escape] + (1...12).map { Key.function($0) }
        // The roles see the same screens: one user per screen is enough here (the keys shown are tried for each role).
        for (id, user, keys) in Self.scenarios where user == "amelie" || id == .users {
            // Bound keys the screen does not offer now (Tab on a one-field form) are in the universe too: hidden
            // from the help, they must do nothing.
            let starts = Self.starts(keys, user: user, thorough: false)
            let screen = starts[0].app.top
            let offered = Set(Bindings.bindings(on: id).filter { screen.offers($0.command) }.flatMap(\.keys))
            let tableKeys = Bindings.table.flatMap(\.keys).filter { if case .character = $0 { return !id.takesText }; return $0 != .resize }
            let universe = Array(Set((id.takesText ? [] : letters) + controls + specials + tableKeys))
            for key in universe where !offered.contains(key) {
                #expect(!Self.doesSomething(key, from: starts), "\(key) does something on \(id) for \(user) and is not in its help")
            }
        }
    }

    @Test func theHelpShowsEveryBindingOfTheScreenAndMarksWhatTheRoleMayNotDo() {
        for (id, user, keys) in Self.scenarios where id != .help {
            let s = Self.scene(keys, user: user)
            let screen = s.app.top
            s.app.handle(.function(1)); s.app.render()
            var text = s.screen.text
            for _ in 0..<4 { s.app.handle(.pageDown); s.app.render(); text += "\n" + s.screen.text }
            for b in Bindings.bindings(on: id) where screen.offers(b.command) {
                let marked = b.isAvailable(to: s.app.session) ? "" : " (\(b.whoMay!))"
                let line = text.split(separator: "\n").first { $0.hasPrefix("   " + b.keyLabel + " ") && $0.contains(String((b.help + marked).prefix(30))) }
                #expect(line != nil, "\(b.keyLabel) \(b.help)\(marked) missing from the help of \(id) for \(user)")
            }
            #expect(!text.contains("…"), "the help of \(id) cuts a line:\n\(text)")
        }
    }

    @Test func onAScreenAKeyHasOneMeaning() {
        for id in ScreenID.allCases {
            var seen: [Key: String] = [:]
            for b in Bindings.table where b.screens.contains(id) {
                for k in b.keys {
                    #expect(seen[k] == nil, "\(k) on \(id): \(seen[k] ?? "") and \(b.label)")
                    seen[k] = b.label
                }
            }
        }
    }

    @Test func keyBarsKeepTheMostUsedKeysAt80ColumnsAndSayWhereTheRestAre() {
        let account = Self.scene(Self.scenarios.first { $0.0 == .account && $0.1 == "amelie" }!.2, user: "amelie", columns: 80)
        let bar = account.screen.line(23)
        for key in ["Esc Back", "c Call", "p Promise", "d Dispute", "e Plan", "? All keys"] { #expect(bar.contains(key), "\(bar)") }
        let agenda = Self.scene([], user: "helene", columns: 80)
        for key in ["Enter Open", "/ Search", "s Send", "q Quit", "? All keys"] { #expect(agenda.screen.line(23).contains(key), "\(agenda.screen.line(23))") }
        let form = Self.scene(Self.scenarios.first { $0.0 == .form && $0.1 == "amelie" }!.2, user: "amelie", columns: 80)
        for key in ["F2/^S Save", "Esc Cancel", "F1 All keys"] { #expect(form.screen.line(23).contains(key), "\(form.screen.line(23))") }
    }
}
