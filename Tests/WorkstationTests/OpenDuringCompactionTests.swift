import Foundation
import Testing
import TestSupport
import TerminalKit
import FileStore
@testable import Receivables
@testable import Workstation
#if canImport(Glibc)
import Glibc
#endif

/// Issue 7's reproduction: a writer compacting every 15 changes while other processes open the store in a loop
/// (`relance agenda`, `relance check`, and the workstation through the in-memory terminal). The first landing's
/// opens deleted the history file a compaction was writing, and the store no longer opened.
@Suite(.serialized) struct OpenDuringCompactionTests {
    var relance: String { productsDirectory + "/relance" }
    var tools: String { productsDirectory + "/relance-tools" }

    @Test func opensDuringCompactionsNeverBreakTheStoreNorLoseAnAcknowledgedChange() throws {
        let dir = TempDirectory("open-compact"); defer { dir.remove() }
        let store = dir.file("B")
        let (made, output) = try Spawn.run([relance, "demo", "--out", store, "--customers", "600", "--seed", "5", "--today", "2026-11-23"])
        try #require(made == 0, "\(output)")
        let ack = dir.file("ack.log")
        // (600 changes: with opens no longer holding the writer up while they decode, 450 went by in under 10 opens.)
        // Another writer's run while fewer than 10 opens overlapped one (a loaded machine opens slowly): the race is
        // exercised whatever the speed, never judged by a clock.
        var opens = 0, failures: [String] = []
        var round = 0, runs = 0
        repeat {
        runs += 1
        let writer = try Spawn.start([tools, "writer", "--store", store, "--ack", ack, "--tag", "RC\(runs)", "--count", "600",
                                      "--compact-every", "15", "--shared-every", "0"])
        var writerStatus: Int32?
        while writerStatus == nil {
            round += 1
            switch round % 3 {
            case 0:
                let (status, text) = try Spawn.run([relance, "check", "--store", store])
                if status != 0 { failures.append("check: \(text)") }
            case 1:
                let (status, text) = try Spawn.run([relance, "agenda", "--store", store, "--date", "2026-11-23", "--format", "csv"])
                if status != 0 { failures.append("agenda: \(text)") }
            default:
                // The workstation, opened as a writer would, rendered through the in-memory terminal; idle
                // housekeeping may compact too (two compactors at once).
                do {
                    let s = try JSONFileStore(directory: store)
                    let user = s.book.users["amelie"] ?? s.book.users.values.first!
                    let app = App(session: Session(store: s, user: user, today: Fixtures.date("2026-11-23")), terminal: ScreenBuffer(rows: 30, columns: 100))
                    app.render()
                    app.handle(.enter); app.render()
                    _ = app.poll()
                    if round % 6 == 2 { s.maintain() }
                } catch { failures.append("workstation: \(error)") }
            }
            opens += 1
            var status: Int32 = 0
            if waitpid(writer, &status, WNOHANG) == writer { writerStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F) }
        }
        #expect(writerStatus == 0)
        } while opens < 10 && runs < 5
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(opens >= 10, "only \(opens) opens happened during the writer's run")
        let check = StoreCheck.run(directory: store)
        #expect(check.ok, "\(check.text)")
        let s = try JSONFileStore(directory: store, forceReadOnly: true)
        let notes = Set(try s.book.customerOrder.flatMap { try s.history(of: $0).map(\.note) })
        let acknowledged = ((try? String(contentsOfFile: ack, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        #expect(acknowledged.count == 600 * runs)
        let lost = acknowledged.filter { !notes.contains($0) }
        #expect(lost.isEmpty, "acknowledged but lost: \(lost.prefix(5))")
        let backups = (try? FileManager.default.contentsOfDirectory(atPath: store + "/backups")) ?? []
        #expect(backups.contains { $0.hasPrefix("snapshot-") }, "no compaction happened")
        print("open during compaction: \(opens) opens while \(runs) writer run(s) made 600 changes each with a compaction every 15; \(lost.count) lost")
    }
}
