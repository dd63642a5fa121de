import Foundation
import Testing
import TestSupport
import FileStore
import Receivables

/// Issue 16 (1), on the real screen: on the demo (seed 7, 23/11/2026), a promise of 1 000,50 € on C0025 held all
/// five overdue invoices (99 832,91 €) and the account left the agenda. It now holds 1 000,50 € of the oldest one.
@Suite struct PartialPromiseTests {
    var relance: String { productsDirectory + "/relance" }

    @Test func aSmallPromiseHoldsOnlyWhatItCoversOnTheRealScreen() throws {
        let dir = TempDirectory("partial"); defer { dir.remove() }
        let store = dir.file("demo")
        let (s, t) = try Spawn.run([relance, "demo", "--out", store, "--seed", "7", "--today", "2026-11-23"])
        try #require(s == 0, "\(t)")
        let before = try JSONFileStore(directory: store, forceReadOnly: true).book
        let overdue = before.openInvoices(of: "C0025").filter { $0.dueDate < Fixtures.date("2026-11-23") }
        let overdueTotal = overdue.reduce(Money.zero) { $0 + before.openAmount($1.number) }
        let oldest = try #require(overdue.min { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) })

        let tmux = try Tmux("\(relance) --store \(store) --user amelie --date 2026-11-23")
        try tmux.waitFor("Relance — Agenda")
        try tmux.keys("/")
        try tmux.type("C0025")
        try tmux.keys("Enter")
        try tmux.waitFor("80 % of the open amount")
        try tmux.keys("p")
        try tmux.waitFor("Promise to pay")
        try tmux.waitFor("0 selected · 0,00 €")   // nothing ticked before an amount (a frame may still be drawing: waited for)
        try tmux.keys("Tab")
        try tmux.type("1000,50")
        try tmux.waitFor("1 selected")
        try tmux.keys("F2")
        try tmux.waitFor("F2 again to save")   // 1 000,50 € is a small part of the oldest item: asked first
        try tmux.keys("F2")
        let account = try tmux.waitFor("Saved: promise of 1 000,50 €")
        let still = (overdueTotal - Fixtures.eur("1000.50")).formatted
        #expect(account.contains("1 000,50 € promised for 30/11, \(still) still overdue"), "\(account)")
        try tmux.keys("Escape")
        try tmux.waitFor("Relance — Agenda")
        try tmux.keys("q")
        try tmux.waitFor("EXIT=0")

        let after = try JSONFileStore(directory: store, forceReadOnly: true).book
        let promise = try #require(after.openPromises(of: "C0025", asOf: Fixtures.date("2026-11-23")).first)
        #expect(promise.covers == [Allocation(invoice: oldest.number, amount: Fixtures.eur("1000.50"))])
        // No overdue item is out of dunning: all five are still claimed, the oldest for its rest.
        for inv in overdue { #expect(!after.isHeld(inv.number, asOf: Fixtures.date("2026-11-23")), "\(inv.number) held") }
    }
}
