import Foundation
import Testing
import TestSupport
@testable import FileStore
@testable import Receivables

/// Stores written by each schema, committed under Tests/Fixtures/stores (how they were made: its README). They
/// must load and give the figures an independent script (Tests/Fixtures/stores/figures.py) reads from their
/// files, so a format change can never go unnoticed; older ones migrate on the first write, keeping the originals.
@Suite struct FixtureStoreTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/stores").path

    /// figures.py on every fixture: the dunning levels (schema 5 keeps them with the invoices; before, figures.py
    /// follows the letters in the history with the default ladder, as the migration does in Swift).
    static let levels = "F26-000009=2@2026-11-23 F26-000010=1@2026-11-23 F26-000011=0@2026-11-23 F26-000029=1@2026-11-23 F26-000075=0@2026-11-23 F26-000092=0@2026-11-23 F26-000104=2@2026-11-23 F26-000106=2@2026-11-23 F26-000107=1@2026-11-23 F26-000108=0@2026-11-23 F26-000109=0@2026-11-23 F26-000119=2@2026-11-23 F26-000121=1@2026-11-23"

    /// figures.py on every fixture: customers 8 invoices 79 payments 47 activities 15 seq 2 open_cents 22029759
    func expectFigures(_ store: JSONFileStore, _ label: String, activities: Int = 15, seq: Int = 2) {
        let levels = store.book.invoices.values.filter { $0.dunningLevel != nil || $0.lastDunned != nil }.sorted { $0.number < $1.number }
            .map { "\($0.number)=\($0.level)@\($0.lastDunned?.iso ?? "None")" }.joined(separator: " ")
        #expect(levels == Self.levels, "\(label)")
        let book = store.book
        #expect(book.customers.count == 8, "\(label)")
        #expect(book.invoices.count == 79, "\(label)")
        #expect(book.payments.count == 47, "\(label)")
        #expect(book.activityCount == activities, "\(label)")
        #expect(store.seq == seq, "\(label)")
        #expect(book.invoices.keys.reduce(Money.zero) { $0 + book.openAmount($1) } == Money(cents: 22_029_759), "\(label)")
    }

    func copy(_ schema: Int, _ dir: TempDirectory) throws -> String {
        let target = dir.file("store")
        try FileManager.default.copyItem(atPath: Self.fixtures + "/schema-\(schema)", toPath: target)
        return target
    }

    /// After migration the levels are in the invoices themselves, as figures.py reads them.
    func expectLevelsKept(_ store: JSONFileStore) {
        let levels = store.book.invoices.values.filter { $0.dunningLevel != nil || $0.lastDunned != nil }.sorted { $0.number < $1.number }
            .map { "\($0.number)=\($0.level)@\($0.lastDunned?.iso ?? "None")" }.joined(separator: " ")
        #expect(levels == Self.levels)
    }

    /// The rate table is kept by hand: `check` says which half-year it lacks, from the oldest unpaid item to today.
    @Test func checkWarnsOfAMissingHalfYearRate() throws {
        let dir = TempDirectory("fixture-rate"); defer { dir.remove() }
        let path = try copy(5, dir)
        #expect(!StoreCheck.run(directory: path, today: Fixtures.date("2026-11-23")).text.contains("no rate"))
        let later = StoreCheck.run(directory: path, today: Fixtures.date("2027-08-02"))
        #expect(later.ok)
        #expect(later.text.contains("warning: the policy's interest table has no rate for 2027 H1"))
        #expect(later.text.contains("no rate for 2027 H2"))
    }

    @Test func everySchemaUpToTheCurrentOneHasAFixture() {
        for v in 1...currentSchemaVersion {
            #expect(FileManager.default.fileExists(atPath: Self.fixtures + "/schema-\(v)/snapshot.jsonl"), "no fixture for schema \(v)")
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    func aFixtureLoadsWithItsFiguresAndOpeningChangesNothing(schema: Int) throws {
        let dir = TempDirectory("fixture"); defer { dir.remove() }
        let path = try copy(schema, dir)
        let before = snapshotOfFiles(path)
        let writable = try JSONFileStore(directory: path)
        expectFigures(writable, "schema \(schema), writable open")
        let readOnly = try JSONFileStore(directory: path, forceReadOnly: true)
        expectFigures(readOnly, "schema \(schema), read-only open")
        #expect(try readOnly.history(of: "C0008").contains { $0.id == "LTR-2026-11-23-C0008-formal-notice" })
        let check = StoreCheck.run(directory: path)
        #expect(check.ok, "\(check.text)")
        #expect(snapshotOfFiles(path) == before, "opening or checking schema \(schema) changed a file")
        #expect(writable.needsCompaction == (schema < currentSchemaVersion))
        #expect(readOnly.book.settings.demo == (schema >= 4))   // schema 4 marks demo stores
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7])
    func anOlderFixtureMigratesOnTheFirstWriteKeepingTheOriginals(schema: Int) throws {
        let dir = TempDirectory("fixture-mig"); defer { dir.remove() }
        let path = try copy(schema, dir)
        let original = snapshotOfFiles(path)
        let store = try JSONFileStore(directory: path)
        try store.commit(user: "amelie", .logActivity(activity: Activity(id: "MIG", at: "2026-11-24T09:00:00Z", date: Fixtures.date("2026-11-24"),
                                                                          user: "amelie", customerId: "C0001", channel: .phone, note: "après migration")))
        #expect(snapshotOfFiles(path)["snapshot.jsonl"] == original["snapshot.jsonl"])   // the save itself only appended
        #expect(try store.compactIfNeeded())
        let reopened = try JSONFileStore(directory: path)
        #expect(reopened.loadedSchema == currentSchemaVersion)
        #expect(reopened.book.activityCount == 16)
        #expect(reopened.seq == 3)
        #expect(try reopened.history(of: "C0001").last?.note == "après migration")
        #expect(StoreCheck.run(directory: path).ok)
        expectLevelsKept(reopened)
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: path + "/backups").first { $0.hasPrefix("schema-\(schema)-") })
        #expect(FileManager.default.contents(atPath: path + "/backups/\(folder)/snapshot.jsonl") == original["snapshot.jsonl"])
        #expect(FileManager.default.contents(atPath: path + "/backups/\(folder)/journal.jsonl") != nil)
    }

    /// Schema 10 (issue 20): schema 9 after `relance account set` (C0002 reassigned twice, its limit lowered; C0005's
    /// orders held), two requests filed by zoe and one approved, then compacted: the snapshot holds a customer's
    /// `imported`, `assignments` and `holdReason`, and `request` records. figures.py on it: customers 8 invoices 79
    /// payments 47 activities 21 seq 8 open_cents 22029759, the same levels.
    @Test func theSchema10FixtureLoadsItsAccountControlAndRequests() throws {
        let dir = TempDirectory("fixture-10"); defer { dir.remove() }
        let path = try copy(10, dir)
        let before = snapshotOfFiles(path)
        let store = try JSONFileStore(directory: path, forceReadOnly: true)
        expectFigures(store, "schema 10", activities: 21, seq: 8)
        let c2 = try #require(store.book.customers["C0002"])
        #expect(c2.collector == "amelie" && c2.creditLimit == Money(euros: 120_000))
        #expect(c2.assignments == [Assignment(until: Fixtures.date("2026-11-22"), collector: "benoit")])
        #expect(c2.imported == ImportedTerms(collector: "benoit", salesperson: "zoe", creditLimit: Money(euros: 150_000), paymentTermsDays: 30))
        #expect(store.book.customers["C0005"]?.orderBlocked == true && store.book.customers["C0005"]?.holdReason == "trois impayés")
        let requests = store.book.requests.values.sorted { $0.customerId < $1.customerId }
        #expect(requests.map(\.customerId) == ["C0003", "C0004"])
        #expect(requests.map(\.status) == [.pending, .approved])
        #expect(requests[0].amount == Money(euros: 500_000) && requests[1].flag == "DIFFICULTY" && requests[1].decisionNote == "garanti")
        // The risk flag is news from the field in C0004's history, and on its agenda the next morning.
        #expect(try store.history(of: "C0004").contains { $0.isFieldSignal })
        #expect(store.book.digest(of: "C0004").lastSignal?.date == Fixtures.date("2026-11-23"))
        let writable = try JSONFileStore(directory: path)
        #expect(writable.needsCompaction == (10 < currentSchemaVersion))
        let check = StoreCheck.run(directory: path)
        #expect(check.ok, "\(check.text)")
        #expect(snapshotOfFiles(path) == before)
    }

    /// Schema 11 (issue 21): schema 10 after `relance import fec Tests/Fixtures/fec/small.txt --user helene` (which
    /// migrated and compacted it): invoices and payments with their `ledgerId`, a credit note of the package, an
    /// allocation dated by its letter's `DateLet`. By hand from small.txt (its README): F001 1 200 lettered on 15/02
    /// by VIR-1 of 01/02, F002 600 less the credit note AV001 100: 500 open.
    @Test func theSchema11FixtureLoadsWhatAFECBrought() throws {
        let dir = TempDirectory("fixture-11"); defer { dir.remove() }
        let path = try copy(11, dir)
        let before = snapshotOfFiles(path)
        let store = try JSONFileStore(directory: path, forceReadOnly: true)
        let book = store.book
        #expect(book.customers.count == 9 && book.invoices.count == 81 && book.payments.count == 49)
        #expect(book.customers["CDUPONT"]?.name == "Société Générale Dupont")
        #expect(book.invoices["F001"]?.ledgerId == "411/CDUPONT|VE|1|F001|2026-01-05")
        #expect(book.openAmount("F001") == .zero && book.openAmount("F002") == Money(euros: 500))
        let vir = try #require(book.payments["FEC:411/CDUPONT|BQ|1|VIR-1|2026-02-01"])
        #expect(vir.isCash && vir.allocations == [Allocation(invoice: "F001", amount: Money(euros: 1_200), date: Fixtures.date("2026-02-15"))])
        // Settled at the letter's date, not the transfer's.
        #expect(book.openAmount("F001", asOf: Fixtures.date("2026-02-14")) == Money(euros: 1_200))
        #expect(book.openAmount("F001", asOf: Fixtures.date("2026-02-15")) == .zero)
        #expect(book.payments["FEC:411/CDUPONT|VE|3|AV001|2026-01-20"]?.creditNote == true)
        // The schema-10 records are as they were.
        #expect(book.customers["C0002"]?.assignments == [Assignment(until: Fixtures.date("2026-11-22"), collector: "benoit")])
        #expect(book.requests.count == 2)
        // Older than this Relance (schema 12): migrated by the first write.
        let writable = try JSONFileStore(directory: path)
        #expect(writable.needsCompaction)
        let check = StoreCheck.run(directory: path)
        #expect(check.ok, "\(check.text)")
        #expect(snapshotOfFiles(path) == before)
    }

    /// Schema 12 (issue 22): schema 11 after `relance company set --email … --bounce-email retours@aciers-demo.invalid
    /// --mailer /bin/false` (which migrated it), `relance mail --send --date 2026-12-04` (six reminders, all failed:
    /// "/bin/false ended with status 1"), `company set --mailer /bin/true`, `mail --send --collector amelie` (her three
    /// sent), `statement C0002 --send --as-of 2026-12-04` and a policy with `mailFrom` and a formal notice's `byEmail`.
    /// The outbox, the mailer and the policy's keys are in the journal; compacted, they are `mail` records of the
    /// snapshot, read back the same.
    @Test func theSchema12FixtureKeepsItsOutbox() throws {
        let dir = TempDirectory("fixture-12"); defer { dir.remove() }
        let path = try copy(12, dir)
        let before = snapshotOfFiles(path)
        let store = try JSONFileStore(directory: path, forceReadOnly: true)
        let book = store.book
        let outbox = book.customerOrder.flatMap { book.outbox(of: $0) }
        #expect(outbox.count == 7)
        #expect(outbox.filter { $0.kind == .reminder }.map(\.status).filter { $0 == .sent }.count == 3)
        #expect(outbox.filter { $0.status == .failed }.allSatisfy { $0.reason == "/bin/false ended with status 1" && $0.attempts == 1 })
        #expect(outbox.filter { $0.status == .failed }.count == 3)
        let statement = try #require(outbox.first { $0.kind == .statement })
        #expect(statement.status == .sent && statement.messageId == "<relance.statement-2026-12-04-C0002@aciers-demo.invalid>")
        #expect(book.settings.mailer == ["/bin/true"] && book.company?.bounceEmail == "retours@aciers-demo.invalid")
        #expect(book.policy.mailFrom == .company)
        #expect(book.policy.steps.first { $0.channel == .formalNotice }?.byEmail == false)
        // A sent reminder is in its customer's history, by e-mail, with its Message-ID.
        let sent = try #require(outbox.first { $0.kind == .reminder && $0.status == .sent })
        #expect(try store.history(of: sent.customerId).contains { $0.channel == .email && $0.note.contains(sent.messageId) })
        #expect(snapshotOfFiles(path) == before, "a read-only open writes nothing")

        let writable = try JSONFileStore(directory: path)
        #expect(writable.needsCompaction, "older than schema 13: migrated by the first compaction")
        try writable.compact()
        let snapshot = try String(contentsOfFile: path + "/snapshot.jsonl", encoding: .utf8)
        #expect(snapshot.components(separatedBy: "\n").filter { $0.hasPrefix("{\"mail\":") }.count == 7)
        #expect(!snapshot.contains(#""compaction":"#), "a migration's snapshot is decoded whole by others")
        let reopened = try JSONFileStore(directory: path, forceReadOnly: true)
        #expect(reopened.book.customerOrder.flatMap { reopened.book.outbox(of: $0) } == outbox)
        #expect(reopened.book.settings == book.settings && reopened.book.company == book.company && reopened.book.policy == book.policy)
        let check = StoreCheck.run(directory: path)
        #expect(check.ok, "\(check.text)")
    }

    /// Schema 13 (issue 23): `relance migrate` of schema 12, the same records. Its next plain compaction says in the
    /// snapshot's header which journal it folds in, up to which change; another process that has read that journal
    /// adopts the new files without decoding the snapshot, and holds the very book a fresh open reads.
    @Test func theSchema13FixtureIsAdoptedAfterAnotherCompaction() throws {
        let dir = TempDirectory("fixture-13"); defer { dir.remove() }
        let path = try copy(13, dir)
        let before = snapshotOfFiles(path)
        let readOnly = try JSONFileStore(directory: path, forceReadOnly: true)
        #expect(readOnly.loadedSchema == 13 && readOnly.seq == 25 && readOnly.book.activityCount == 27)
        #expect(readOnly.book.customerOrder.flatMap { readOnly.book.outbox(of: $0) }.count == 7)
        #expect(StoreCheck.run(directory: path).ok)
        #expect(snapshotOfFiles(path) == before, "a read-only open writes nothing")
        let compactor = try JSONFileStore(directory: path), other = try JSONFileStore(directory: path)
        #expect(!compactor.needsCompaction)
        try compactor.commit(user: "helene", .logActivity(activity: Activity(id: "F13", at: "2026-12-04T10:00:00Z", date: Fixtures.date("2026-12-04"),
                                                                              user: "helene", customerId: "C0002", channel: .phone, note: "avant")))
        try compactor.compact()
        let header = try #require(try String(contentsOfFile: path + "/snapshot.jsonl", encoding: .utf8).split(separator: "\n").first)
        #expect(header.contains(#""compaction":{"journal":""#) && header.contains(#""seq":26}"#))
        try other.commit(user: "helene", .logActivity(activity: Activity(id: "G13", at: "2026-12-04T10:05:00Z", date: Fixtures.date("2026-12-04"),
                                                                          user: "helene", customerId: "C0002", channel: .phone, note: "après")))
        #expect(other.lastLoad == .adopted && other.seq == 27)
        let fresh = try JSONFileStore(directory: path, forceReadOnly: true)
        #expect(fresh.book.records(includingActivities: false) == other.book.records(includingActivities: false))
        #expect(try other.history(of: "C0002") == fresh.history(of: "C0002"))
        #expect(try other.history(of: "C0002").suffix(2).map(\.id) == ["F13", "G13"])
        #expect(StoreCheck.run(directory: path).ok)
    }

    /// Schema 6 (`relance migrate` of schema 5 with a `policy.json` whose grace is 5 days): the policy is a record of
    /// the snapshot, with its log; a schema-5 store's `policy.json` is taken in by the migration and kept in backups/.
    @Test func thePolicyIsStoreDataFromSchema6() throws {
        let six = try JSONFileStore(directory: Self.fixtures + "/schema-6", forceReadOnly: true)
        #expect(six.book.hasOwnPolicy && six.book.policy.graceDays == 5)
        #expect(six.book.policyLog.map(\.differences) == [[PolicyDifference(key: "graceDays", old: "3", new: "5")]])
        #expect(six.book.policyLog.first?.migrated == true)

        let dir = TempDirectory("fixture-policy"); defer { dir.remove() }
        let path = try copy(5, dir)
        var policy = Policy.standard
        policy.graceDays = 5
        try JSONEncoder().encode(policy).write(to: URL(fileURLWithPath: path + "/policy.json"))
        let five = try JSONFileStore(directory: path)
        #expect(five.book.policy == policy && five.book.hasOwnPolicy)
        #expect(try five.migrate() != nil)
        #expect(!FileManager.default.fileExists(atPath: path + "/policy.json"))   // no longer read: gone
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: path + "/backups").first { $0.hasPrefix("schema-5-") })
        #expect(FileManager.default.fileExists(atPath: path + "/backups/\(folder)/policy.json"))
        let migrated = try JSONFileStore(directory: path)
        #expect(migrated.loadedSchema == currentSchemaVersion && migrated.book.policy == policy)
        expectFigures(migrated, "schema 5 migrated with its policy")
        // A policy.json left in (or planted into) a schema-6 store is not read, and check says so.
        var other = Policy.standard
        other.graceDays = 30
        try JSONEncoder().encode(other).write(to: URL(fileURLWithPath: path + "/policy.json"))
        #expect(try JSONFileStore(directory: path).book.policy == policy)
        #expect(StoreCheck.run(directory: path).text.contains("policy.json is no longer read"))
    }

    /// A schema-5 store's bad `policy.json` is refused with its file and line (it was read leniently: a misspelt key
    /// was dropped without a word).
    @Test func aSchema5StoresMisspeltPolicyKeyIsRefusedWithItsLine() throws {
        let dir = TempDirectory("fixture-policy-bad"); defer { dir.remove() }
        let path = try copy(5, dir)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let text = String(decoding: try encoder.encode(Policy.standard), as: UTF8.self).replacingOccurrences(of: "\"callEveryDays\"", with: "\"callEverydays\"")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/policy.json"))
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains("callEverydays") }! + 1
        #expect { try JSONFileStore(directory: path) } throws: { "\($0)".contains("policy.json:\(line): unknown key 'callEverydays'") }
    }
}

/// Issue 18 (4): an entry's event (schema 8) goes through the journal, a compaction's history file and a reopening
/// with its codes and values.
@Suite struct ActivityEventStoreTests {
    @Test func anEventSurvivesTheJournalTheHistoryFileAndAReopening() throws {
        let dir = TempDirectory("event"); defer { dir.remove() }
        let path = dir.path + "/s"
        try FileManager.default.copyItem(atPath: FixtureStoreTests.fixtures + "/schema-8", toPath: path)
        let store = try JSONFileStore(directory: path)
        let event = ActivityEvent.promise(amount: Fixtures.eur("1234.56"), date: Fixtures.date("2026-12-10"),
                                          replaced: [.init(amount: Fixtures.eur("99.99"), date: Fixtures.date("2026-11-30"), payments: nil)])
        let entry = Activity(id: "EVT", at: "2026-11-24T09:00:00Z", date: Fixtures.date("2026-11-24"), user: "amelie", customerId: "C0001",
                             invoices: ["F26-000001"], channel: .phone, outcome: .promised, note: "«ok» \"quoted\" \\ ⏎\n", event: event)
        try store.commit(user: "amelie", .logActivity(activity: entry))
        #expect(try JSONFileStore(directory: path, forceReadOnly: true).history(of: "C0001").last == entry)   // from the journal
        try store.compact()
        let reopened = try JSONFileStore(directory: path, forceReadOnly: true)
        #expect(try reopened.history(of: "C0001").last == entry)                                             // from the history file
        #expect(StoreCheck.run(directory: path).ok)
    }
}

/// Issue 19: a user's language (schema 9) goes through the journal, a compaction and a reopening; a collector sets
/// their own, not a colleague's; a schema-8 store reads with no preference and migrates.
@Suite struct UserLanguageStoreTests {
    @Test func aLanguageSurvivesTheJournalACompactionAndAReopening() throws {
        let dir = TempDirectory("language"); defer { dir.remove() }
        let path = dir.path + "/s"
        try FileManager.default.copyItem(atPath: FixtureStoreTests.fixtures + "/schema-8", toPath: path)
        let store = try JSONFileStore(directory: path)
        #expect(store.book.users.values.allSatisfy { $0.language == nil })
        try store.commit(user: "amelie", .setLanguage(user: "amelie", language: "en"))
        #expect(throws: DomainError.refused(PermissionRefusal(user: "amelie", action: .preferences, reason: .someoneElses("benoit")))) {
            try store.commit(user: "amelie", .setLanguage(user: "benoit", language: "en"))
        }
        #expect(throws: DomainError.unknownLanguage("de", choices: ["fr", "en"])) {
            try store.commit(user: "amelie", .setLanguage(user: "amelie", language: "de"))
        }
        try store.commit(user: "helene", .setLanguage(user: "benoit", language: "fr"))
        #expect(try JSONFileStore(directory: path, forceReadOnly: true).book.users["amelie"]?.language == "en")   // from the journal
        try store.compact()
        let reopened = try JSONFileStore(directory: path, forceReadOnly: true)
        #expect(reopened.book.users["amelie"]?.language == "en")
        #expect(reopened.book.users["benoit"]?.language == "fr")
        #expect(reopened.book.users["celine"]?.language == nil)
        let snapshot = try String(contentsOfFile: path + "/snapshot.jsonl", encoding: .utf8)
        #expect(snapshot.contains("\"schemaVersion\":\(currentSchemaVersion)") && snapshot.contains(#""language":"en""#))
        #expect(StoreCheck.run(directory: path).ok)
    }
}
