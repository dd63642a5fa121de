import Foundation
import Testing
import Wording
import TestSupport
@testable import FileStore
@testable import Receivables
import Workstation
#if canImport(Glibc)
import Glibc
#endif

/// The real `relance` binary in a real terminal (tmux): what a user sees and does.
@Suite(.serialized) struct EndToEndTests {
    var relance: String { productsDirectory + "/relance" }

    func demoStore(_ dir: TempDirectory) throws -> String {
        let path = dir.path + "/store"
        let (status, out) = try Spawn.run([relance, "demo", "--out", path, "--customers", "60", "--today", "2026-11-23"])
        #expect(status == 0, "\(out)")
        return path
    }

    @Test func demoOpensTheAgendaWithAccentsAndEurosAndQuitsCleanly() throws {
        let tmux = try Tmux("\(relance) --demo --date 2026-11-23")
        // The key bar is the frame's last line: waiting for the title alone caught a frame half drawn on a loaded CI.
        let screen = try tmux.waitFor("Enter Open")
        #expect(screen.contains("Relance — Agenda"))
        #expect(screen.contains("€"))
        #expect(screen.contains("Amélie Rousseau"))
        #expect(screen.range(of: "[éèêàçÉ]", options: .regularExpression) != nil)
        #expect(screen.contains("Enter Open"))
        // Resized to 80x24, it redraws to fit: the key bar is on the new last line.
        try tmux.resize(columns: 80, rows: 24)
        usleep(300_000)
        let small = try tmux.waitFor("q Quit")
        let lines = small.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= 25)
        #expect(lines.prefix(24).last?.contains("Enter Open") == true)
        try tmux.keys("q")
        let end = try tmux.waitFor("EXIT=0")
        #expect(end.contains("The demo store is kept in"))
        #expect(try tmux.display("#{alternate_on}") == "0")
    }

    @Test func theCollectorsDayEndToEnd() throws {
        let dir = TempDirectory("e2e"); defer { dir.remove() }
        let store = try demoStore(dir)
        let open = "\(relance) --store \(store) --user amelie --date 2026-11-23"
        let tmux = try Tmux(open)
        try tmux.waitFor("Relance — Agenda")
        try tmux.keys("Enter")
        let account = try tmux.waitFor("80 % of the open amount")
        let name = account.split(separator: "\n")[1].split(separator: "·")[0].trimmingCharacters(in: .whitespaces)
        // A promise of part of the overdue amount for next week (the form's default date).
        try tmux.keys("p")
        try tmux.waitFor("Promise to pay")
        try tmux.keys("Tab")
        for _ in 0..<15 { try tmux.keys("BSpace") }
        try tmux.type("150,00")
        try tmux.keys("F2")
        // The oldest item is ticked to reach it; 150,00 € is a small part of it: asked first.
        try tmux.waitFor("ticked is promised: F2 again to save")
        try tmux.keys("F2")
        try tmux.waitFor("Saved: promise of 150,00 € for 30/11/2026")
        // A dispute on another invoice: missing PO number (the first reason of the catalogue).
        try tmux.keys("j", "j", "d")
        try tmux.waitFor("PO_MISSING")
        try tmux.keys("C-s")
        try tmux.waitFor("Saved: dispute PO_MISSING")
        try tmux.keys("q", "q")
        try tmux.waitFor("EXIT=0")

        // Started again on the same store: both are there.
        let reopenedStore = try JSONFileStore(directory: store)
        let book = reopenedStore.book
        let customer = book.customers.values.first { $0.name == name }!
        let history = try reopenedStore.history(of: customer.id).map { ActivityWording.text($0, book: book) }
        #expect(history.contains { $0.hasPrefix("Promise of 150,00 € for 30/11/2026") })
        #expect(history.contains { $0.hasPrefix("Dispute PO_MISSING") })
        let dispute = book.disputes(of: customer.id).first { $0.reasonCode == "PO_MISSING" && $0.openedOn == Fixtures.date("2026-11-23") }!
        #expect(book.disputedAmount(dispute.invoices[0]).isPositive)
        let (status, agenda) = try Spawn.run([relance, "agenda", "--store", store, "--date", "2026-11-30", "--collector", "amelie", "--format", "csv"])
        #expect(status == 0)
        #expect(agenda.split(separator: "\n").contains { $0.contains(customer.id) && $0.contains("promise-due") })

        let again = try Tmux(open)
        try again.waitFor("Relance — Agenda")
        try again.keys("/")
        try again.type(String(name.prefix(12)))
        try again.keys("Enter")
        let reopened = try again.waitFor("History (newest first)")
        #expect(reopened.contains("disputed"))
        #expect(reopened.contains("Promise of 150,00 €"))
    }

    @Test func sigtermAndCtrlCRestoreTheTerminal() throws {
        let dir = TempDirectory("sig"); defer { dir.remove() }
        let store = try demoStore(dir)
        let tmux = try Tmux("\(relance) --store \(store) --user amelie --date 2026-11-23")
        try tmux.waitFor("Relance — Agenda")
        let shell = Int32(try tmux.display("#{pane_pid}"))!
        for pid in childProcesses(of: shell) { kill(pid, SIGTERM) }
        try tmux.waitFor("EXIT=143")
        #expect(try tmux.display("#{alternate_on}") == "0")

        let second = try Tmux("\(relance) --store \(store) --user amelie --date 2026-11-23")
        try second.waitFor("Relance — Agenda")
        try second.keys("C-c")
        try second.waitFor("EXIT=130")
        #expect(try second.display("#{alternate_on}") == "0")
    }

    @Test func killMinus9RightAfterASaveKeepsTheSave() throws {
        let dir = TempDirectory("kill9"); defer { dir.remove() }
        let store = try demoStore(dir)
        let tmux = try Tmux("\(relance) --store \(store) --user amelie --date 2026-11-23")
        try tmux.waitFor("Relance — Agenda")
        try tmux.keys("Enter")
        try tmux.waitFor("History (newest first)")
        try tmux.keys("n")
        try tmux.type("Rappeler la DAF après le comité de jeudi")
        try tmux.keys("F2")
        try tmux.waitFor("Saved: field note")
        let shell = Int32(try tmux.display("#{pane_pid}"))!
        for pid in childProcesses(of: shell) { kill(pid, SIGKILL) }
        try tmux.waitFor("EXIT=137")
        let reopened = try JSONFileStore(directory: store)
        let notes = try reopened.book.customerOrder.flatMap { try reopened.history(of: $0).map(\.note) }
        #expect(notes.contains("Rappeler la DAF après le comité de jeudi"))
    }

    @Test func aCorruptStoreIsRefusedWithFileAndLineAndLeftAlone() throws {
        let dir = TempDirectory("corrupt"); defer { dir.remove() }
        let store = try demoStore(dir)
        var lines = try String(contentsOfFile: store + "/snapshot.jsonl", encoding: .utf8).components(separatedBy: "\n")
        let n = lines.firstIndex { $0.hasPrefix("{\"invoice\"") }!
        lines[n] = lines[n].replacingOccurrences(of: "\"dueDate\":\"", with: "\"dueDate\":\"x")
        try lines.joined(separator: "\n").write(toFile: store + "/snapshot.jsonl", atomically: false, encoding: .utf8)
        let before = snapshotOfFiles(store)
        let (status, out) = try Spawn.run([relance, "--store", store, "--user", "amelie"])
        #expect(status == 2)
        #expect(out.contains("snapshot.jsonl:\(n + 1): invoice.dueDate"))
        #expect(out.contains("Nothing was changed."))
        #expect(snapshotOfFiles(store) == before)
    }
}

/// A user who may read the store's files but not write them gets a read-only session, not a crash.
@Suite(.serialized) struct ReadOnlyEndToEndTests {
    var relance: String { productsDirectory + "/relance" }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
                   "needs root to run the app as 'nobody'"))
    func aStoreThatCannotBeWrittenOpensReadOnly() throws {
        let dir = TempDirectory("ro"); defer { dir.remove() }
        let store = dir.path + "/store"
        let (status, _) = try Spawn.run([relance, "demo", "--out", store, "--customers", "20", "--today", "2026-11-23"])
        #expect(status == 0)
        chmod(dir.path, 0o755); chmod(store, 0o755)
        for name in try FileManager.default.contentsOfDirectory(atPath: store) { chmod(store + "/" + name, 0o644) }
        let before = snapshotOfFiles(store)
        let tmux = try Tmux("runuser -u nobody -- env HOME=/tmp TERM=tmux-256color LANG=C.UTF-8 \(relance) --store \(store) --user amelie --date 2026-11-23")
        let screen = try tmux.waitFor("Relance — Agenda")
        #expect(screen.contains("READ-ONLY"))
        try tmux.keys("Enter")
        let account = try tmux.waitFor("History (newest first)")
        #expect(!account.contains("could not be read"))
        try tmux.keys("c")
        try tmux.waitFor("read-only session: nothing can be saved")
        try tmux.keys("Escape")
        try tmux.waitFor("Enter Open")
        try tmux.keys("q")
        try tmux.waitFor("EXIT=0")
        #expect(snapshotOfFiles(store) == before)
    }
}
