import DemoData
import Foundation
import Receivables
import TerminalKit
import Workstation

/// Random keys and pastes through every form of the workstation (issue 9's property test): the test suite runs
/// a few seeded sequences, `relance-tools forms` thousands. Deterministic for a seed.
public enum FormMonkey {
    public static let pastes = ["Cafe\u{301}", "👍🏽", "🇫🇷", "👩‍💻", "\u{1B}]0;pwned\u{07}", "a\tb", "1 234,56", "9999999999999.99", "-5",
                         "31/02/2026", "2026-12-03", "9999-12-31", "03/12/2026", "0", "60", "61", "\u{202E}x", "\u{0}", "Société Générale",
                         String(repeating: "x", count: 300), "1.2.3,4", "12,345", "€", "  ", "\n"]

    static func randomKey(_ r: inout SeededRandom) -> [Key] {
        switch r.int(20) {
        case 0...5: return Array(Self.pastes[r.int(Self.pastes.count)]).map { .character($0) }
        case 6...8: return [.character(Character(Unicode.Scalar(UInt8(48 + r.int(10)))))]
        case 9: return [.tab]
        case 10: return [.backTab]
        case 11: return [[.up, .down, .left, .right][r.int(4)]]
        case 12: return [.character(" ")]
        case 13: return [.backspace]
        case 14: return [.delete]
        case 15: return [.function(2)]
        case 16: return [.enter]
        case 17: return [.control("s")]
        case 18: return [.pageDown]
        default: return [.character(Character(Unicode.Scalar(UInt8(97 + r.int(26)))))]
        }
    }

    /// `search`: what to type in the search box to reach the account (the agenda may be empty).
    public static func run(seed: UInt64, sequences: Int, store: BookStore, user: User, search: String = "chaudron") {
        var r = SeededRandom(seed: seed)
        let screen = ScreenBuffer(rows: 24, columns: 80)
        let app = App(session: Session(store: store, user: user, today: Fixtures.date("2026-11-23")), terminal: screen)
        app.render()
        for _ in 0..<sequences {
            // Back to the agenda, open the account, open a form.
            while app.stack.count > 1 { app.handle(.escape) }
            // Through search: the agenda may be empty once calls are logged.
            app.handle(.character("/")); for c in search { app.handle(.character(c)) }; app.handle(.enter)
            app.handle(.character(["c", "p", "d", "r", "e", "n", "w", "l", "L"][r.int(9)]))
            app.render()
            // Half the time, a few sensible keys first (a note, a valid amount), so saves happen too.
            if r.int(2) == 0 {
                app.handle(.function(2))                               // the defaults alone are often valid
                for c in "Appel: client d'accord" { app.handle(.character(c)) }
                app.handle(.function(2)); app.render()
            }
            for _ in 0..<(20 + r.int(120)) {
                for k in randomKey(&r) { app.handle(k) }
                app.render()
                if app.stack.count <= 1 { break }
            }
        }
    }

}
