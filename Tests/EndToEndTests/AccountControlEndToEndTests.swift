import Foundation
import Testing
import Wording
import TestSupport
@testable import FileStore
@testable import Receivables

/// Issue 20, done when: in the real binary, in tmux, the supervisor reassigns an account from amelie to benoit
/// (it leaves amelie's agenda and appears on benoit's), the salesperson zoe asks for a higher credit limit, the
/// supervisor approves it, the limit changes and the account's history shows the request and the decision, and zoe is
/// told the next time she opens Relance; amelie's attempt to reassign is refused and changes no byte of the store.
@Suite(.serialized) struct AccountControlEndToEndTests {
    var relance: String { productsDirectory + "/relance" }

    /// The agenda's rows as `relance agenda --format json` gives them: kind, customer_id, customer, collector.
    func agenda(_ store: String, collector: String) throws -> [[String: String]] {
        let (s, out) = try Spawn.run([relance, "agenda", "--store", store, "--date", "2026-11-23", "--collector", collector, "--format", "json"])
        try #require(s == 0, "\(out)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        return (json["rows"] as? [[String: Any]] ?? []).map { $0.compactMapValues { $0 as? String } }
    }

    func open(_ store: String, as user: String) throws -> Tmux {
        try Tmux("\(relance) --store \(store) --user \(user) --date 2026-11-23")
    }

    /// `/`, the whole name, then (from the search results) what follows.
    func search(_ tmux: Tmux, _ name: String) throws {
        try tmux.keys("/")
        try tmux.waitFor("Find:")
        try tmux.type(name)
        try tmux.waitFor(name)
    }

    @Test func theSupervisorReassignsAndApprovesWhatTheSalespersonAsked() throws {
        let dir = TempDirectory("e2e-account"); defer { dir.remove() }
        let store = dir.path + "/store"
        let (s0, t0) = try Spawn.run([relance, "demo", "--out", store, "--customers", "60", "--today", "2026-11-23"])
        try #require(s0 == 0, "\(t0)")
        // One of amelie's calls today, on a customer whose name no other customer starts with.
        let names = try JSONFileStore(directory: store, forceReadOnly: true).book.customers.values.map(\.name)
        let row = try #require(try agenda(store, collector: "amelie").first { r in r["kind"] == "call" && names.filter { $0.hasPrefix(r["customer"] ?? "-") }.count == 1 })
        let (id, name) = (row["customer_id"]!, row["customer"]!)
        let limitBefore = try #require(try JSONFileStore(directory: store, forceReadOnly: true).book.customers[id]?.creditLimit)
        let asked = limitBefore + Money(euros: 30_000)

        // amelie (a collector) tries to reassign it, on the screen and from the command line: refused, nothing written.
        let before = snapshotOfFiles(store)
        let amelie = try open(store, as: "amelie")
        try amelie.waitFor("Relance — Agenda")
        try search(amelie, name)
        try amelie.keys("Down", "Space", "A")
        try amelie.waitFor("Accounts are reassigned by supervisors")
        try amelie.keys("Escape", "Escape", "q")
        try amelie.waitFor("EXIT=0")
        let (sc, tc) = try Spawn.run([relance, "account", "set", id, "--collector", "benoit", "--reason", "essai", "--store", store, "--user", "amelie"])
        #expect(sc == 2 && tc.contains("changing an account is for supervisors"), "\(tc)")
        #expect(snapshotOfFiles(store) == before, "a refused reassignment changed the store")

        // helene marks it in the search results and gives it to benoit, with a reason.
        let helene = try open(store, as: "helene")
        try helene.waitFor("Relance — Agenda")
        try search(helene, name)
        try helene.keys("Down", "Space")
        try helene.waitFor("1 marked")
        try helene.keys("A")
        try helene.waitFor("Reassign — \(name)")
        var form = try helene.waitFor("Collector *")
        for _ in 0..<6 where !form.contains("‹ Benoît Caron ›") { try helene.keys("Right"); usleep(150_000); form = try helene.capture() }
        try #require(form.contains("‹ Benoît Caron ›"), "\(form)")
        try helene.keys("Tab")
        try helene.type("Portefeuille rééquilibré")
        try helene.keys("F2")
        try helene.waitFor("Saved: 1 account to Benoît Caron")
        try helene.keys("Escape", "Escape", "q")
        try helene.waitFor("EXIT=0")
        #expect(try !agenda(store, collector: "amelie").contains { $0["customer_id"] == id })
        #expect(try agenda(store, collector: "benoit").contains { $0["customer_id"] == id && $0["collector"] == "benoit" })

        // zoe (a salesperson) opens the account and asks for a higher limit.
        let zoe = try open(store, as: "zoe")
        try zoe.waitFor("Relance — My customers")
        try search(zoe, name)
        try zoe.keys("Enter")
        try zoe.waitFor("Relance — Account")
        try zoe.keys("Q")
        try zoe.waitFor("Ask for a higher credit limit")
        try zoe.type(asked.plain)
        try zoe.keys("Tab")
        try zoe.type("Commande chantier de janvier")
        try zoe.keys("F2")
        try zoe.waitFor("Saved: request for a credit limit of \(asked.formatted)")
        try zoe.keys("Escape", "Escape", "q")
        try zoe.waitFor("EXIT=0")
        #expect(try JSONFileStore(directory: store, forceReadOnly: true).book.customers[id]?.creditLimit == limitBefore)

        // helene finds it in her queue (Q on the agenda) and approves it with a note.
        let decide = try open(store, as: "helene")
        try decide.waitFor("Relance — Agenda")
        try decide.keys("Q")
        _ = try decide.waitFor("1 request to decide")
        // The rows may be drawn a moment after the header (a capture under load caught the screen between the two).
        let queue = try decide.waitFor("Zoé Fontaine")
        #expect(queue.contains(asked.formatted) && queue.contains("1 request to decide"), "\(queue)")
        try decide.keys("a")
        try decide.waitFor("Approve the request — \(name)")
        try decide.type("Accord DAF")
        try decide.keys("F2")
        try decide.waitFor("Saved: approved: credit limit of \(asked.formatted)")
        try decide.keys("Escape", "q")
        try decide.waitFor("EXIT=0")

        // The limit changed; the account's history has zoe's request and helene's decision.
        let after = try JSONFileStore(directory: store, forceReadOnly: true)
        #expect(after.book.customers[id]?.creditLimit == asked)
        #expect(after.book.customers[id]?.collector == "benoit")
        let history = try after.history(of: id)
        let filed = history.first { if case .requestFiled? = $0.event { return true }; return false }
        let decided = history.first { if case .requestDecided(_, _, let approved, _, _)? = $0.event { return approved }; return false }
        let reassigned = history.first { if case .account(let changes)? = $0.event { return changes.contains { $0.field == .collector && $0.new == "benoit" } }; return false }
        #expect(filed?.user == "zoe" && decided?.user == "helene" && reassigned?.user == "helene" && reassigned?.note == "Portefeuille rééquilibré")
        #expect(decided?.note == "Accord DAF")

        // zoe is told once, the next time she opens Relance.
        let told = try open(store, as: "zoe")
        let first = try told.waitFor("Your request:")
        #expect(first.contains("\(name): credit limit of \(asked.formatted) approved by Hélène"), "\(first)")
        try told.keys("q")
        try told.waitFor("EXIT=0")
        let again = try open(store, as: "zoe")
        let second = try again.waitFor("Relance — My customers")
        #expect(!second.contains("Your request:"), "\(second)")
        try again.keys("q")
        try again.waitFor("EXIT=0")
    }
}
