import DemoData
import FileStore
import Foundation
import OutputFiles
import Testing
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
@testable import Interchange
import Wording
@testable import Receivables

/// Issue 14: the day's letters are chosen, rendered and written outside the store's lock, recorded under it for
/// what is still true, and a batch is complete and recorded, or absent.
@Suite struct LetterRunTests {
    static let today = Fixtures.date("2026-11-23")

    func store(_ dir: TempDirectory, customers: Int = 40) throws -> JSONFileStore {
        let book = try DemoGenerator(customers: customers, seed: 3, today: Self.today).book()
        return try JSONFileStore.create(directory: dir.path + "/store", book: book)
    }

    func run(_ store: any BookStore, out: String, template: @escaping LetterWriter.TemplateSource = LetterWriter.bundledTemplate) -> LetterRun {
        LetterRun(store: store, user: "helene", date: Self.today, collector: nil, out: out, template: template)
    }

    /// The letter files of the batches in `out` (none pending), and the letters the store records.
    func filesAndRecords(_ out: String, _ store: JSONFileStore) throws -> (files: Set<String>, recorded: Set<String>) {
        var files = Set<String>()
        for batch in try FileManager.default.contentsOfDirectory(atPath: out) {
            #expect(!batch.hasPrefix(".pending-"), "a pending batch was left: \(batch)")
            for f in try FileManager.default.contentsOfDirectory(atPath: out + "/" + batch) { files.insert(batch + "/" + f) }
        }
        var recorded = Set<String>()
        for id in store.book.customerOrder {
            for a in try store.history(of: id) where a.date == Self.today {
                if let r = a.note.range(of: "(letter ") { recorded.insert(String(a.note[r.upperBound...].dropLast())) }
            }
        }
        return (files, recorded)
    }

    @Test func lettersAreRenderedWhileOthersKeepSaving() throws {
        let dir = TempDirectory("letter-run-lock"); defer { dir.remove() }
        let store = try store(dir)
        let colleague = try JSONFileStore(directory: store.directory)
        var savesDuringRendering = 0
        // The template is read while the letters are rendered: a colleague's save then goes through at once (before
        // issue 14 the rendering ran inside the commit, and this save waited for the lock, then failed after 10 s).
        let template: LetterWriter.TemplateSource = { name in
            let customer = colleague.book.customerOrder[savesDuringRendering % colleague.book.customerOrder.count]
            let started = Date()
            _ = try? colleague.commit(user: "amelie", .logActivity(activity: Activity(id: "N\(savesDuringRendering)", at: "t", date: Self.today, user: "amelie",
                                                                                 customerId: customer, channel: .note, note: "while rendering")))
            #expect(Date().timeIntervalSince(started) < 2)
            savesDuringRendering += 1
            return LetterWriter.bundledTemplate(name)
        }
        let result = try run(store, out: dir.path + "/out", template: template).run(markSent: true)
        #expect(savesDuringRendering > 0)
        #expect(!result.letters.isEmpty)
        // The colleague's notes touched accounts of the batch: each was chosen again under the lock, and recorded.
        let (files, recorded) = try filesAndRecords(dir.path + "/out", try JSONFileStore(directory: store.directory))
        #expect(files == recorded)
        #expect(files.count == result.letters.count)
    }

    @Test func anAccountThatChangedBeforeTheRecordIsRenderedAgainAndTheOthersRecorded() throws {
        let dir = TempDirectory("letter-run-moved"); defer { dir.remove() }
        let store = try store(dir)
        let colleague = try JSONFileStore(directory: store.directory)
        // The day's letters: the written reminders that go by post (those by e-mail are `relance mail`'s).
        let planned = Agenda(book: store.book, date: Self.today, collector: nil).written.filter { $0.channel != .litigationReview && $0.email == nil }
        #expect(planned.count >= 3)
        let paid = planned[0], moved = planned[1]
        let paidItems = paid.reasons.flatMap(\.invoices)
        let movedItems = moved.reasons.flatMap(\.invoices)
        var run = run(store, out: dir.path + "/out")
        run.beforeRecording = {
            // Between the rendering and the record: one customer pays everything its letter asks for, another pays
            // one of its items (its letter must now ask for the rest only).
            let book = colleague.book
            try colleague.commit(user: "helene", .recordPayment(payment: Payment(id: "PAY-A", customerId: paid.customerId, date: Self.today,
                amount: paidItems.reduce(.zero) { $0 + book.openAmount($1) }, allocations: paidItems.map { Allocation(invoice: $0, amount: book.openAmount($0)) })))
            if movedItems.count > 1 {
                try colleague.commit(user: "helene", .recordPayment(payment: Payment(id: "PAY-B", customerId: moved.customerId, date: Self.today,
                    amount: book.openAmount(movedItems[0]), allocations: [Allocation(invoice: movedItems[0], amount: book.openAmount(movedItems[0]))])))
            }
        }
        let result = try run.run(markSent: true)
        let after = try JSONFileStore(directory: store.directory)
        // The paid customer gets no letter; every other planned one is recorded, with a file.
        #expect(!result.letters.contains { $0.line.customerId == paid.customerId })
        #expect(Set(result.letters.map(\.line.customerId)) == Set(planned.dropFirst().map(\.customerId)))
        let (files, recorded) = try filesAndRecords(dir.path + "/out", after)
        #expect(files == recorded && files.count == planned.count - 1)
        if movedItems.count > 1 {
            let letter = try #require(result.letters.first { $0.line.customerId == moved.customerId })
            #expect(!letter.text.contains(movedItems[0] + " "))
            #expect(letter.text.contains(movedItems[1]))
            let file = try String(contentsOfFile: result.folder! + "/" + letter.fileName, encoding: .utf8)
            #expect(file == letter.text)
        }
        // Nothing is sent twice: a second run the same day finds nothing left.
        let again = try self.run(after, out: dir.path + "/out").run(markSent: true)
        #expect(again.letters.isEmpty && again.folder == nil)
    }

    @Test func aKilledRunsBatchIsFinishedWhenRecordedAndRemovedWhenNot() throws {
        let dir = TempDirectory("letter-run-recover"); defer { dir.remove() }
        let store = try store(dir)
        let out = dir.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let letters = try LetterWriter.letters(for: Agenda(book: store.book, date: Self.today, collector: nil), book: store.book)
        // A run killed after writing its files, before recording: nothing recorded, so nothing stays.
        do {
            let b = try BatchFolderProbe.pending(out: out, id: "2026-11-23-000000-aaaa", letters: letters)
            _ = b
        }
        // A run killed after recording, before the rename: the recorded letters stay and get the final name.
        let recordedId = "2026-11-23-000001-bbbb"
        do {
            let b = try BatchFolderProbe.pending(out: out, id: recordedId, letters: letters)
            _ = b
            for l in letters.prefix(2) {
                try store.commit(user: "helene", .batch(changes: l.activities(user: "helene", date: Self.today, at: "t", policy: store.book.policy)
                    .map { var a = $0; a.note += " (letter \(recordedId)/\(l.fileName))"; return .logActivity(activity: a) }))
            }
        }
        let result = try run(store, out: out).run(markSent: false)
        #expect(result.recovered.finished.count == 2)
        #expect(result.recovered.finished.first { $0.id == recordedId }.map { ($0.kept, $0.removed) }! == (2, letters.count - 2))
        #expect(result.recovered.finished.first { $0.id != recordedId }.map { ($0.kept, $0.removed) }! == (0, letters.count))
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(!names.contains { $0.hasPrefix(".pending") })
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out + "/" + recordedId)) == Set(letters.prefix(2).map(\.fileName)))
    }

    /// What recovery leaves alone it says (a planted manifest beside a finished batch was skipped without a word);
    /// a pending folder that lost its manifest (a run that failed on a full disk) is emptied and removed.
    @Test func recoverySaysWhatItLeavesAloneAndRemovesOrphans() throws {
        let dir = TempDirectory("letter-run-left-alone"); defer { dir.remove() }
        let store = try store(dir)
        let out = dir.path + "/out"
        try FileManager.default.createDirectory(atPath: out + "/2026-11-23-000000-done", withIntermediateDirectories: true)
        try Data("kept".utf8).write(to: URL(fileURLWithPath: out + "/2026-11-23-000000-done/a.txt"))
        // A manifest planted for a batch whose final name is taken.
        try Data("relance-batch 1\nC1\ta.txt\n".utf8).write(to: URL(fileURLWithPath: out + "/.pending-2026-11-23-000000-done.batch"))
        try FileManager.default.createDirectory(atPath: out + "/.pending-2026-11-23-000000-done", withIntermediateDirectories: true)
        // A pending name that is a link to someone's folder.
        let elsewhere = dir.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: URL(fileURLWithPath: elsewhere + "/x.txt"))
        try Data("relance-batch 1\n".utf8).write(to: URL(fileURLWithPath: out + "/.pending-2026-11-23-000001-link.batch"))
        try FileManager.default.createSymbolicLink(atPath: out + "/.pending-2026-11-23-000001-link", withDestinationPath: elsewhere)
        // An orphan: a folder without manifest, holding a half-written letter.
        try FileManager.default.createDirectory(atPath: out + "/.pending-2026-11-23-000002-full", withIntermediateDirectories: true)
        try Data("Madame, Mon".utf8).write(to: URL(fileURLWithPath: out + "/.pending-2026-11-23-000002-full/C1.txt"))
        // An orphan holding something this program never writes (a link) stays, said.
        try FileManager.default.createDirectory(atPath: out + "/.pending-2026-11-23-000003-odd", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out + "/.pending-2026-11-23-000003-odd/l", withDestinationPath: elsewhere)

        let recovery = try run(store, out: out).run(markSent: false).recovered
        let left = Dictionary(uniqueKeysWithValues: recovery.leftAlone.map { (URL(fileURLWithPath: $0.path).lastPathComponent, $0.reason) })
        #expect(left[".pending-2026-11-23-000000-done.batch"]?.contains("already exists") == true, "\(left)")
        #expect(left[".pending-2026-11-23-000001-link.batch"]?.contains("not a folder this user made") == true, "\(left)")
        #expect(left[".pending-2026-11-23-000003-odd"]?.contains("did not write") == true, "\(left)")
        #expect(left.count == 3, "\(left)")
        #expect(recovery.finished.isEmpty)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out))
        #expect(!names.contains(".pending-2026-11-23-000002-full"))
        #expect(names.contains(".pending-2026-11-23-000003-odd"))
        #expect(try String(contentsOfFile: elsewhere + "/x.txt", encoding: .utf8) == "precious")
        #expect(try String(contentsOfFile: out + "/2026-11-23-000000-done/a.txt", encoding: .utf8) == "kept")
    }

    @Test func templatesCannotTakeTheProgramDown() throws {
        let book = try DemoGenerator(customers: 30, seed: 3, today: Self.today).book()
        let agenda = Agenda(book: book, date: Self.today, collector: nil)
        #expect(!agenda.written.isEmpty)
        func letters(_ template: String, limits: TemplateLimits = .standard) -> String? {
            do { _ = try LetterWriter.letters(for: agenda, book: book, template: { _ in template }, limits: limits); return nil }
            catch { return error.message }
        }
        // 5,000 nested sections overflowed the template parser's stack (exit 139): refused by name and line.
        let deep = String(repeating: "{{#items}}", count: 5_000) + "x" + String(repeating: "{{/items}}", count: 5_000)
        let refusal = letters("Madame,\n" + deep)
        #expect(refusal?.contains(".mustache:2: sections nested 5000 deep; at most 32") == true, "\(refusal ?? "")")
        #expect(letters(String(repeating: "{{#items}}", count: 33) + String(repeating: "{{/items}}", count: 33))?.contains("nested 33 deep") == true)
        #expect(letters(String(repeating: "{{#items}}", count: 32) + "{{number}}" + String(repeating: "{{/items}}", count: 32), limits: .init(depth: 32, bytes: 1_000_000, seconds: 0.3))?
            .contains("took more than 0.3 s") == true)
        // Other delimiters are followed.
        #expect(letters("{{=<% %>=}}" + String(repeating: "<%#items%>", count: 40) + String(repeating: "<%/items%>", count: 40))?.contains("nested 40 deep") == true)
        // A tab between the new delimiters (the parser accepts it) is followed too: 5,000 levels crashed the parser.
        #expect(letters("{{=<%\t%>=}}" + String(repeating: "<%#items%>", count: 5_000) + String(repeating: "<%/items%>", count: 5_000))?.contains("nested 5000 deep") == true)
        // A letter over 1 MB.
        #expect(letters(String(repeating: "x", count: 1_000_001))?.contains("is over 1 MB") == true)
        // A mistake is named in words with its line and column, not as a Swift value (an unclosed section: where
        // the text ends).
        let unclosed = letters("Madame,\n\n{{#items}}{{number}}\n")
        #expect(unclosed?.contains(".mustache:4:1:") == true && unclosed?.contains("a section is not closed") == true
                && unclosed?.contains("ParserError") == false, "\(unclosed ?? "")")
        #expect(letters("{{#items}}{{/item}}")?.contains("the section closed is not the one open") == true)
        // What a company really writes passes.
        #expect(letters("{{#items}}{{number}} {{open}}\n{{/items}}") == nil)
    }
}

extension LetterRunTests {
    /// Issue 17 (6): the salutation follows the contact's title: "Dear Ms Moreau" with one, "Dear Céline Moreau"
    /// without; "Madame," in French.
    @Test(arguments: [("en", "Mme" as String?, "Dear Ms Moreau,"), ("en", nil, "Dear Céline Moreau,"), ("fr", "Mme", "\nMadame,\n"),
                      ("en-particle", "M.", "Dear Mr de la Tour,"),
                      ("fr", "M.", "\nMonsieur,\n"), ("fr", nil, "\nMadame, Monsieur,\n")])
    func theSalutationFollowsTheTitle(language: String, title: String?, expected: String) throws {
        var book = Fixtures.book(invoices: [])
        try book.apply(.upsertCustomer(customer: Customer(id: "C2", name: "Acme Ltd", billingAddress: Address(street: "1 High Street", postalCode: "EC1", city: "London", country: "United Kingdom"),
                                                          contacts: [Contact(name: language == "en-particle" ? "Jean-Pierre de la Tour" : "Céline Moreau", title: title)],
                                                          collector: "amelie", language: language == "en-particle" ? "en" : language)))
        try book.apply(.upsertInvoice(invoice: Invoice(number: "G1", customerId: "C2", issueDate: Fixtures.date("2026-09-01"), dueDate: Fixtures.date("2026-10-01"), amount: Fixtures.eur("700.00"))))
        let text = try #require(try LetterWriter.letters(for: Agenda(book: book, date: Self.today, collector: nil), book: book).first { $0.line.customerId == "C2" }?.text)
        #expect(text.contains(expected), "\(text)")
        #expect(text.contains("United Kingdom"))
    }

    /// Issue 17 (6): a letter to a customer without a postal address, or a formal notice without the company's
    /// signatory, is neither written nor recorded, and listed with what it lacks.
    @Test func aLetterThatWouldGoOutHalfEmptyIsListedNotWritten() throws {
        let dir = TempDirectory("letter-not-ready"); defer { dir.remove() }
        var book = Fixtures.book(invoices: [("F1", "2026-09-01", "2026-10-01", "600.00")])   // C1: no billing address
        try book.apply(.upsertCustomer(customer: Customer(id: "C2", name: "Brasserie de l'Écluse SARL",
                                                          billingAddress: Address(street: "12 quai du Canal", postalCode: "21000", city: "Dijon"), collector: "amelie")))
        try book.apply(.upsertInvoice(invoice: Invoice(number: "G1", customerId: "C2", issueDate: Fixtures.date("2026-09-01"), dueDate: Fixtures.date("2026-10-01"), amount: Fixtures.eur("700.00"))))
        // C3: its formal notice is due (level 1 sent on 05/10), and the company has no signatory.
        try book.apply(.upsertCustomer(customer: Customer(id: "C3", name: "Hôtel Beau Séjour",
                                                          billingAddress: Address(street: "1 cours Julien", postalCode: "13006", city: "Marseille"), collector: "amelie")))
        try book.apply(.upsertInvoice(invoice: Invoice(number: "H1", customerId: "C3", issueDate: Fixtures.date("2026-08-01"), dueDate: Fixtures.date("2026-09-01"),
                                                        amount: Fixtures.eur("900.00"), dunningLevel: 1, lastDunned: Fixtures.date("2026-10-05"))))
        let store = try JSONFileStore.create(directory: dir.path + "/store", book: book)
        let result = try run(store, out: dir.path + "/out").run(markSent: true)
        #expect(result.letters.map(\.line.customerId) == ["C2"])
        #expect(Set(result.notReady.map { "\($0.customerId):\($0.lacks.map(\.rawValue).joined(separator: "+"))" }) == ["C1:postal address", "C3:signatory"])
        #expect(try store.history(of: "C1").isEmpty && store.history(of: "C3").isEmpty)   // nothing recorded for them
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out/" + (result.folder.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""))
        #expect(files.count == 1 && files[0].contains("C2"))
    }

    /// Issue 16 (1): a letter shows an item promised in part with its open amount, the part promised and the part
    /// claimed; the total asks for what is claimed. F2: 5 000,00 € open, 400,50 € of it promised (F1, 600,00 €, the
    /// older, is promised whole and not in the letter): 4 599,50 € claimed.
    @Test func aLetterClaimsOnlyWhatIsNotPromised() throws {
        var book = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-09-01", "600.00"), ("F2", "2026-08-15", "2026-09-15", "5000.00")])
        let covers = [Allocation(invoice: "F1", amount: Fixtures.eur("600.00")), Allocation(invoice: "F2", amount: Fixtures.eur("400.50"))]
        try book.applyNew(.makePromise(promise: Promise(id: "P1", customerId: "C1", invoices: ["F1", "F2"], amount: Fixtures.eur("1000.50"),
                                                        promisedDate: Fixtures.date("2026-11-30"), madeOn: Self.today, user: "amelie", covers: covers), supersedes: []), by: "amelie")
        let letters = try LetterWriter.letters(for: Agenda(book: book, date: Self.today, collector: nil), book: book)
        let text = try #require(letters.first?.text)
        #expect(text.contains("5 000,00 € (dont 400,50 € promis : reste réclamé 4 599,50 €)"), "\(text)")
        #expect(text.contains("Total restant dû : 4 599,50 €"), "\(text)")
        #expect(!text.contains("Facture F1 "), "\(text)")
    }

    /// A template in the `--templates` folder that is not a plain file is refused by name: a FIFO blocked the run,
    /// and a file that could not be read fell back to the bundled letter without a word.
    @Test func aTemplateThatIsNotAPlainFileIsRefused() throws {
        let dir = TempDirectory("templates-fifo"); defer { dir.remove() }
        #expect(mkfifo(dir.path + "/reminder.fr.mustache", 0o600) == 0)
        try FileManager.default.createDirectory(atPath: dir.path + "/formal.fr.mustache", withIntermediateDirectories: true)
        try Data("Bonjour {{customer}}".utf8).write(to: URL(fileURLWithPath: dir.path + "/own.fr.mustache"))
        let source = LetterWriter.templates(in: dir.path)
        for name in ["reminder.fr", "formal.fr"] {
            do { _ = try source(name); Issue.record("\(name) was read") }
            catch { #expect(error.message.contains(name + ".mustache: not a plain file"), "\(error.message)") }
        }
        #expect(try source("own.fr") == "Bonjour {{customer}}")
        #expect(try source("missing.fr") == nil)   // neither there nor bundled
    }
}

/// A pending batch as a killed run leaves it: files written and synced, manifest unlocked (the run is gone).
enum BatchFolderProbe {
    static func pending(out: String, id: String, letters: [LetterWriter.Letter]) throws -> Bool {
        let batch = try BatchFolder(out: out, id: id)
        for l in letters { try batch.write(l.fileName, data: Data(l.text.utf8), account: l.line.customerId) }
        try batch.sync()
        return true   // the BatchFolder is released here, as the kernel releases a killed run's lock
    }
}

/// A killed run's batch is finished by the next run in any language: the store keeps its notes as data
/// (`(letter <batch>/<file>)`), and the recovery must not look for the French catalogue's "(lettre …)" in them.
@Suite struct LetterRecoveryLanguageTests {
    @Test(arguments: [Language.en, Language.fr]) func aRecordedLetterOfAKilledRunIsKept(language: Language) throws {
        let dir = TempDirectory("letter-recovery"); defer { dir.remove() }
        let book = try DemoGenerator(customers: 5, seed: 3, today: LetterRunTests.today).book()
        let store = try JSONFileStore.create(directory: dir.path + "/store", book: book)
        let out = dir.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let customer = store.book.customerOrder[0]
        // A run killed after recording its letter, before renaming its folder: the pending batch stays.
        do {
            let batch = try BatchFolder(out: out, id: "2026-11-23-000000-dead")
            try batch.write("2026-11-23-\(customer).txt", data: Data("letter".utf8), account: customer)
            try batch.sync()
            try store.commit(user: "helene", .logActivity(activity: Activity(id: "LTR-x", at: "t", date: LetterRunTests.today, user: "helene",
                customerId: customer, channel: .letter, note: "Reminder: F1 (letter \(batch.id)/2026-11-23-\(customer).txt)")))
        }
        let recovered = try Language.$scoped.withValue(language) { try LetterRun.recover(out, store: store) }
        #expect(recovered.finished.map(\.kept) == [1] && recovered.finished.map(\.removed) == [0], "\(recovered.finished)")
        #expect(FileManager.default.fileExists(atPath: out + "/2026-11-23-000000-dead/2026-11-23-\(customer).txt"))
    }
}
