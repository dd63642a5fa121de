import Foundation
import Testing
import TestSupport
@testable import Interchange
@testable import Receivables

/// Letters (issue 10): one per customer and day, each item at its own level, the law's figures worked out by hand.
@Suite struct LetterTests {
    /// C1 owes F1 300,00 (due 20/10), F2 200,00 (due 21/10), F3 150,00 (due 20/09); no letter was ever sent.
    func book() throws -> Book {
        var book = Fixtures.book(invoices: [("F1", "2026-08-01", "2026-10-20", "300.00"), ("F2", "2026-08-15", "2026-10-21", "200.00"),
                                            ("F3", "2026-07-01", "2026-09-20", "150.00")])
        try book.apply(.upsertCustomer(customer: Customer(id: "C1", name: "Société Générale de Chaudronnerie",
            billingAddress: Address(street: "12 rue Pasteur", postalCode: "69002", city: "Lyon"),
            contacts: [Contact(name: "Hélène Martin")], collector: "amelie")))
        try book.apply(.setCompany(company: CompanyProfile(legalName: "Aciers Dupré SAS", siren: "552100554", street: "3 quai Perrache",
            postalCode: "69002", city: "Lyon", phone: "04 78 00 00 00", email: "compta@dupre.fr", iban: "FR76 3000 4000 0500 0012 3456 789",
            bic: "BNPAFRPP", signatory: "Hélène Dupré, responsable du recouvrement")))
        return book
    }

    @Test func theFirstLetterIsTheFirstReminderWhateverTheLatenessThenTheFormalNoticeStatesAndAsksForTheTotal() throws {
        var book = try book()
        let day1 = Fixtures.date("2026-11-23")
        let agenda = Agenda(book: book, date: day1, collector: "amelie")
        // F3 is 64 days late, yet nothing was ever sent: level 1 for all three, in one letter (audit: C0097, C0002).
        #expect(agenda.written.map(\.channel) == [.letter])
        #expect(agenda.written[0].reasons.map(\.step) == ["reminder-after-due"])
        let letters = try LetterWriter.letters(for: agenda, book: book)
        #expect(letters.map(\.fileName) == ["2026-11-23-C1.txt"])
        #expect(letters[0].items.map(\.level) == [1, 1, 1])
        let text = letters[0].text
        #expect(text.hasPrefix("Aciers Dupré SAS\n3 quai Perrache\n69002 Lyon\nTél. 04 78 00 00 00 · compta@dupre.fr\nSIREN 552100554\n"))
        #expect(text.contains("À l'attention d'Hélène Martin"))          // elision, not "de Hélène"
        #expect(text.contains("Facture F1 du 01/08/2026, échue le 20/10/2026 (34 j) : 300,00 €"))
        #expect(text.contains("Total restant dû : 650,00 €"))
        // Interest at 2.15 + 10 = 12.15 % for 2026 H2, per item rounded half-up:
        // F1 30000 x 1215 x 34 / 3,650,000 = 339.53 -> 3,40; F2 20000 x 1215 x 33 / 3,650,000 = 219.70 -> 2,20;
        // F3 15000 x 1215 x 64 / 3,650,000 = 319.56 -> 3,20; total 8,80. Indemnities 3 x 40 = 120,00.
        #expect(text.contains("(à ce jour : indemnités 120,00 €, pénalités 8,80 €)"))
        #expect(text.contains("IBAN FR76 3000 4000 0500 0012 3456 789 · BIC BNPAFRPP"))
        #expect(text.contains("salutations distinguées.\n\nHélène Dupré, responsable du recouvrement"))
        #expect(!text.contains("{{") && !text.contains("MISE EN DEMEURE") && !text.contains("\n\n\n"))
        for a in letters[0].activities(user: "amelie", date: day1, at: "t", policy: book.policy) { try book.applyNew(.logActivity(activity: a), by: Fixtures.supervisor) }
        #expect(book.invoices.values.map(\.level) == [1, 1, 1])

        // The formal notice waits the minimum interval (10 days) after the reminder: nothing on 02/12, all on 03/12.
        #expect(Agenda(book: book, date: Fixtures.date("2026-12-02"), collector: nil).written.isEmpty)
        let day2 = Fixtures.date("2026-12-03")
        let notice = try LetterWriter.letters(for: Agenda(book: book, date: day2, collector: nil), book: book)
        #expect(notice.count == 1 && notice[0].step == "formal-notice" && notice[0].items.map(\.level) == [2, 2, 2])
        let n = notice[0].text
        #expect(n.contains("LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION"))
        // F1 44 days: 439.39 -> 4,39; F2 43 days: 286.27 -> 2,86; F3 74 days: 369.49 -> 3,69; interest 10,94.
        // Total 650,00 + 120,00 + 10,94 = 780,94, and the letter asks for exactly that.
        #expect(n.contains("Principal                                                    650,00 €"))
        #expect(n.contains("Indemnités forfaitaires pour frais de recouvrement\n  (40 € par facture, art. D441-5 du Code de commerce)          120,00 €"), "\(n)")
        #expect(n.contains("La présente vaut mise en demeure (art. 1344 du Code civil)."))
        #expect(n.contains("Pénalités de retard au 03/12/2026                             10,94 €"))
        #expect(n.contains("Total dû                                                     780,94 €"))
        #expect(n.contains("de nous régler la somme de 780,94 €"))
    }

    @Test func aFormalNoticeDemandsItsLevelAndListsTheOthersAndEnglishCustomersGetEnglish() throws {
        var book = try book()
        var c = book.customers["C1"]!
        c.language = "en"
        try book.apply(.upsertCustomer(customer: c))
        // F3 already had its first reminder on 01/11; F1 and F2 never did.
        try book.apply(.logActivity(activity: Activity(id: "A1", at: "t", date: Fixtures.date("2026-11-01"), user: "amelie", customerId: "C1",
                                                       invoices: ["F3"], channel: .letter, step: "reminder-after-due")))
        let letters = try LetterWriter.letters(for: Agenda(book: book, date: Fixtures.date("2026-11-23"), collector: nil), book: book)
        #expect(letters.count == 1 && letters[0].language == "en" && letters[0].step == "formal-notice")
        #expect(Dictionary(uniqueKeysWithValues: letters[0].items.map { ($0.number, $0.level) }) == ["F3": 2, "F1": 1, "F2": 1])
        let t = letters[0].text
        #expect(t.contains("Subject: FORMAL NOTICE TO PAY") && t.contains("REGISTERED LETTER"))
        #expect(t.contains("Invoice F3 of 01/07/2026".replacingOccurrences(of: "01/07/2026", with: "1 July 2026")))
        // Demanded: F3 only (150,00 + 40,00 + interest 15000 x 1215 x 64 / 3,650,000 = 3,20) = 193,20.
        #expect(t.contains("Total due                                                    €193.20"))
        #expect(t.contains("For your information, the following also remain due to date:\n  Invoice F1 of 1 August 2026, due 20 October 2026: €300.00"))
        #expect(t.contains("For the attention of Hélène Martin"))
        #expect(!t.contains("Facture") && !t.contains("{{"))
    }

    /// An item not yet due in the same letter as overdue ones is listed apart, never as "échue ... (0 j)", and not
    /// in the total asked for; a store without a company profile still gets a clean letter.
    @Test func upcomingItemsAreListedApartAndAMissingCompanyLeavesNoHoles() throws {
        var book = try book()
        try book.apply(.upsertInvoice(invoice: Invoice(number: "F4", customerId: "C1", issueDate: Fixtures.date("2026-11-01"),
                                                       dueDate: Fixtures.date("2026-11-30"), amount: Fixtures.eur("90.00"))))
        try book.apply(.setCompany(company: CompanyProfile()))
        let letter = try #require(try LetterWriter.letters(for: Agenda(book: book, date: Fixtures.date("2026-11-23"), collector: nil), book: book).first)
        #expect(letter.items.first { $0.number == "F4" }?.level == 0)
        #expect(letter.text.contains("Total restant dû : 650,00 €"))
        #expect(letter.text.contains("Pour information, arrivent à échéance :\n  Facture F4 du 01/11/2026, échéance 30/11/2026 : 90,00 €"))
        #expect(!letter.text.contains("F4 du 01/11/2026, échue"))
        #expect(letter.text.drop { $0 == "\n" }.hasPrefix("                                        Société Générale de Chaudronnerie\n"))
        #expect(letter.text.contains("\nLe 23/11/2026\n") && !letter.text.contains("\n\n\n"))
    }

    @Test func valuesAreNeutralisedAndAMissingTemplateIsNamed() throws {
        var book = try book()
        var c = book.customers["C1"]!
        c.name = "Evil\u{1B}]0;pwned\u{07}"
        try book.apply(.upsertCustomer(customer: c))
        let letters = try LetterWriter.letters(for: Agenda(book: book, date: Fixtures.date("2026-11-23"), collector: nil), book: book)
        #expect(letters[0].text.contains("Evil␛]0;pwned␇") && !letters[0].text.contains("\u{1B}"))
        // A company's own template inserting a value raw ({{{x}}}) or holding an escape itself: neutralised too.
        let own = try LetterWriter.letters(for: Agenda(book: book, date: Fixtures.date("2026-11-23"), collector: nil), book: book,
                                           template: { _ in "{{{customer.name}}} \u{1B}[2J {{total}}" })
        #expect(own[0].text == "Evil␛]0;pwned␇ ␛[2J 650,00 €\n", "\(own[0].text)")
        #expect(throws: DomainError.self) {
            try LetterWriter.letters(for: Agenda(book: book, date: Fixtures.date("2026-11-23"), collector: nil), book: book, template: { _ in nil })
        }
    }

    @Test func frenchElision() {
        #expect(LetterWriter.elides("Océane") && LetterWriter.elides("Hélène") && LetterWriter.elides("Yves") && LetterWriter.elides("Émile"))
        #expect(!LetterWriter.elides("Marc") && !LetterWriter.elides("Service comptabilité") && !LetterWriter.elides(""))
    }

    /// Found by an outside audit: ids that read the same once made safe for a file name ("X/1", "X_1", "X 1") wrote
    /// one file over the other while all three were recorded as sent.
    @Test func everyLetterHasAFileOfItsOwn() throws {
        var book = Fixtures.book(invoices: [])
        // Also (second audit): an id planted to look like another's suffixed name, one differing only in case (a
        // case-insensitive disk), and one of 300 combining accents (a file name too long stopped every run).
        let ids = ["X/1", "X_1", "X 1", "X_1-" + shortHash("X/1"), "x_1", "Ze" + String(repeating: "\u{301}", count: 300)]
        for id in ids {
            try book.apply(.upsertCustomer(customer: Customer(id: id, name: "Client \(id)", collector: "amelie")))
            try book.apply(.upsertInvoice(invoice: Invoice(number: "F-\(id)", customerId: id, issueDate: Fixtures.date("2026-09-01"),
                                                           dueDate: Fixtures.date("2026-10-01"), amount: Fixtures.eur("100.00"))))
        }
        let letters = try LetterWriter.letters(for: Agenda(book: book, date: Fixtures.date("2026-11-23"), collector: nil), book: book)
        #expect(letters.count == ids.count && Set(letters.map { $0.fileName.lowercased() }).count == ids.count, "\(letters.map(\.fileName))")
        #expect(letters.allSatisfy { $0.fileName.utf8.count < 120 })
        #expect(letters.allSatisfy { !$0.fileName.contains("/") && !$0.fileName.contains(" ") })
    }

    /// A formal notice recalls the customer's other overdue items, including those not due for a letter today, and
    /// records the first reminder it carries as a letter, not as a formal notice.
    @Test func aLetterRecallsTheWholeOverdueDebtAndRecordsEachStepWithItsChannel() throws {
        var book = try book()
        // F1, F2, F3: first reminder on 01/11 (formal notice due); F6 (due 20/11) reminded on 21/11: its formal notice
        // is not due before 20/12; F5 (due 30/11) never written to.
        try book.apply(.upsertInvoice(invoice: Invoice(number: "F6", customerId: "C1", issueDate: Fixtures.date("2026-10-01"),
                                                       dueDate: Fixtures.date("2026-11-20"), amount: Fixtures.eur("60.00"))))
        try book.apply(.logActivity(activity: Activity(id: "A1", at: "t", date: Fixtures.date("2026-11-01"), user: "amelie", customerId: "C1",
                                                       invoices: ["F1", "F2", "F3"], channel: .letter, step: "reminder-after-due")))
        try book.apply(.logActivity(activity: Activity(id: "A2", at: "t", date: Fixtures.date("2026-11-21"), user: "amelie", customerId: "C1",
                                                       invoices: ["F6"], channel: .letter, step: "reminder-after-due")))
        try book.apply(.upsertInvoice(invoice: Invoice(number: "F5", customerId: "C1", issueDate: Fixtures.date("2026-10-01"),
                                                       dueDate: Fixtures.date("2026-11-30"), amount: Fixtures.eur("70.00"))))
        let day = Fixtures.date("2026-12-02")
        let letter = try #require(try LetterWriter.letters(for: Agenda(book: book, date: day, collector: nil), book: book).first)
        #expect(letter.step == "formal-notice")
        #expect(Dictionary(uniqueKeysWithValues: letter.items.map { ($0.number, $0.level) }) == ["F1": 2, "F2": 2, "F3": 2, "F5": 1])
        // F6 (not due for a letter today) and F5 (its first reminder) are recalled under the notice.
        #expect(letter.text.contains("Pour mémoire, restent également dues à ce jour :"))
        #expect(letter.text.contains("Facture F6 du 01/10/2026") && letter.text.contains("Facture F5 du 01/10/2026"))
        let activities = letter.activities(user: "amelie", date: day, at: "t", policy: book.policy)
        #expect(Set(activities.map { "\($0.step!):\($0.channel.rawValue)" }) == ["formal-notice:formal-notice", "reminder-after-due:letter"])
        // A promised item is not claimed as due (second audit).
        try book.apply(.makePromise(promise: Promise(id: "P", customerId: "C1", invoices: ["F6"], amount: Fixtures.eur("60.00"),
                                                     promisedDate: Fixtures.date("2026-12-10"), madeOn: Fixtures.date("2026-12-01"), user: "amelie"), supersedes: []))
        let again = try #require(try LetterWriter.letters(for: Agenda(book: book, date: day, collector: nil), book: book).first)
        #expect(!again.text.contains("Facture F6"))
    }

    /// A half-year missing from the rate table: the known days' interest, said to be "at least", never 0,00.
    @Test func aMissingRateGivesTheKnownPartAsAMinimum() throws {
        var book = try book()
        book.policy.interestRates = [HalfYearRate(year: 2026, half: 2, ecbPercent: "2.15")]
        for (step, date) in [("reminder-after-due", "2026-12-01")] {
            try book.apply(.logActivity(activity: Activity(id: step, at: "t", date: Fixtures.date(date), user: "amelie", customerId: "C1",
                                                           invoices: ["F1", "F2", "F3"], channel: .letter, step: step)))
        }
        let day = Fixtures.date("2027-01-05")
        let letter = try #require(try LetterWriter.letters(for: Agenda(book: book, date: day, collector: nil), book: book).first)
        #expect(letter.step == "formal-notice")
        // Known: 2026 H2 only. F1 72 days (21/10-31/12): 30000 x 1215 x 72 / 3,650,000 = 719.01 -> 7,19;
        // F2 71 days: 20000 x 1215 x 71 / 3,650,000 = 472.68 -> 4,73; F3 102 days: 15000 x 1215 x 102 / 3,650,000 = 509.30 -> 5,09.
        #expect(letter.text.contains("Pénalités de retard au 05/01/2027                             17,01 € au moins"), "\(letter.text)")
        #expect(letter.text.contains("le taux de la BCE manque pour 2027 H1"))
        #expect(letter.text.contains("Total dû                                                     787,01 € au moins"))
        #expect(letter.text.contains("de nous régler la somme de 787,01 € au moins"))
        // A reminder whose whole lateness falls in the missing half-year says "non calculées", never 0,00 €.
        var late = Fixtures.book(invoices: [("R1", "2026-12-01", "2027-01-05", "500.00")])
        late.policy.interestRates = [HalfYearRate(year: 2026, half: 2, ecbPercent: "2.15")]
        let reminder = try #require(try LetterWriter.letters(for: Agenda(book: late, date: Fixtures.date("2027-01-20"), collector: nil), book: late).first)
        #expect(reminder.text.contains("pénalités non calculées)") && !reminder.text.contains(" 0,00 €"), "\(reminder.text)")
    }
}
