import Foundation
import Testing
import Interchange
import Receivables
import TestSupport
import FileStore

/// FECs written by the test in every variant the import reads (issue 21), from one hand-made book whose figures are
/// worked out here, not by the importer.
///
/// The book (two customers, A "Alpha Société" and B "Bêta"; amounts in euros):
///   ANO 01/01/2025  A  debit 300  "sans"  letter AB     (an opening balance line)
///   ANO 01/01/2025  B  debit  50  "sans"
///   VE 1 10/01      A  debit 1 000  F100   letter AA
///   VE 2 15/01      A  debit 500   VE0125               (VE0125 on three lines, a batch: shown as VE-2, VE-3, VE-4)
///   VE 3 20/01      B  debit 250   VE0125 letter AA
///   VE 4 25/01      A  debit 200   VE0125
///   BQ 1 01/02      A  credit 1 000 VIR1  letter AA, DateLet 05/02   (AA of A balances: F100 settled on 05/02)
///   BQ 2 10/02      A  credit 300  VIR2  letter AB     (AB of A balances: the opening line settled)
///   BQ 3 15/02      B  credit 100  VIR3  letter AA     (AA of B does not balance: 150 left open on VE0125)
///   VE 5 20/02      B  credit 30   AV1                 (a credit note, unlettered: letters B's oldest open, the opening 50)
///   BQ 4 25/02      A  credit 120  VIR4                (unlettered: letters A's oldest open item, VE-2)
///   VE 6 26/02      A  0 / 0                           (a zero line, ignored)
///   BQ 5 28/02      A  debit 80    REJ1                (a returned payment: open again)
/// plus the sales, VAT and bank lines of each entry (other accounts, ignored).
/// A: 300 + 1 000 + 500 + 200 + 80 − 1 000 − 300 − 120 = 660 open: VE-2 380, VE-4 200, REJ1 80.
/// B: 50 + 250 − 100 − 30 = 170 open: the opening item 20 (ANO-1 is A's: ANO-1-CB), VE-3 150.
/// Open total 830 in 5 items; 3 letter groups, 1 unbalanced; 1 zero line.
@Suite struct FECImportTests {
    struct Line {
        var journal: String, journalLabel: String, entry: String, date: String, account: String, accountLabel: String
        var aux: String, auxLabel: String, piece: String, label: String, debit: Int64, credit: Int64
        var letter = "", dateLet = ""
    }

    /// The book above, with `aux` (CompAuxNum) or with the customers as 411 accounts of their own.
    static func book(aux: Bool = true) -> [Line] {
        func c(_ who: String, _ j: String, _ jl: String, _ n: String, _ d: String, _ piece: String, _ debit: Int64, _ credit: Int64,
               _ letter: String = "", _ dateLet: String = "") -> Line {
            let (code, name, account) = who == "A" ? ("CA", "Alpha Société", "4110010") : ("CB", "Bêta", "41100200")
            return Line(journal: j, journalLabel: jl, entry: n, date: d, account: aux ? "411000" : account, accountLabel: "Clients",
                        aux: aux ? code : "", auxLabel: aux ? name : "", piece: piece, label: "op \(piece)", debit: debit * 100, credit: credit * 100,
                        letter: letter, dateLet: dateLet)
        }
        func o(_ j: String, _ jl: String, _ n: String, _ d: String, _ account: String, _ piece: String, _ debit: Int64, _ credit: Int64) -> Line {
            Line(journal: j, journalLabel: jl, entry: n, date: d, account: account, accountLabel: "Compte \(account)", aux: "", auxLabel: "",
                 piece: piece, label: "op \(piece)", debit: debit * 100, credit: credit * 100)
        }
        return [
            c("A", "ANO", "A nouveaux", "1", "20250101", "sans", 300, 0, "AB"),
            c("B", "ANO", "A nouveaux", "1", "20250101", "sans", 50, 0),
            o("ANO", "A nouveaux", "1", "20250101", "512000", "sans", 1_000, 0),
            o("ANO", "A nouveaux", "1", "20250101", "101000", "sans", 0, 1_350),
            c("A", "VE", "Ventes", "1", "20250110", "F100", 1_000, 0, "AA"), o("VE", "Ventes", "1", "20250110", "706000", "F100", 0, 1_000),
            c("A", "VE", "Ventes", "2", "20250115", "VE0125", 500, 0), o("VE", "Ventes", "2", "20250115", "706000", "VE0125", 0, 500),
            c("B", "VE", "Ventes", "3", "20250120", "VE0125", 250, 0, "AA"), o("VE", "Ventes", "3", "20250120", "706000", "VE0125", 0, 250),
            c("A", "VE", "Ventes", "4", "20250125", "VE0125", 200, 0), o("VE", "Ventes", "4", "20250125", "706000", "VE0125", 0, 200),
            c("A", "BQ", "Banque", "1", "20250201", "VIR1", 0, 1_000, "AA", "20250205"), o("BQ", "Banque", "1", "20250201", "512000", "VIR1", 1_000, 0),
            c("A", "BQ", "Banque", "2", "20250210", "VIR2", 0, 300, "AB"), o("BQ", "Banque", "2", "20250210", "512000", "VIR2", 300, 0),
            c("B", "BQ", "Banque", "3", "20250215", "VIR3", 0, 100, "AA"), o("BQ", "Banque", "3", "20250215", "512000", "VIR3", 100, 0),
            c("B", "VE", "Ventes", "5", "20250220", "AV1", 0, 30), o("VE", "Ventes", "5", "20250220", "706000", "AV1", 30, 0),
            c("A", "BQ", "Banque", "4", "20250225", "VIR4", 0, 120), o("BQ", "Banque", "4", "20250225", "512000", "VIR4", 120, 0),
            c("A", "VE", "Ventes", "6", "20250226", "Z1", 0, 0),
            c("A", "BQ", "Banque", "5", "20250228", "REJ1", 80, 0), o("BQ", "Banque", "5", "20250228", "512000", "REJ1", 0, 80),
        ]
    }

    /// How a FEC is written: each a variant some package writes.
    struct Variant: CustomStringConvertible, Sendable {
        var name: String
        var separator = "|"
        var bom = false
        var eol = "\n"
        var latin9 = false
        var padAmounts = false
        var pointDecimals = false
        var spaced = false
        var trailingSeparator = false
        var montantSens: (debit: String, credit: String)?
        var dates: @Sendable (String) -> String = { $0 }
        var quoted = false
        var lowerCaseHeader = false
        var misspelledLet = false
        var dropLastEmptyColumn = false
        var description: String { name }
    }

    static let variants: [Variant] = [
        Variant(name: "pipe, padded, trailing |, ISO-8859-15", separator: "|", latin9: true, padAmounts: true, trailingSeparator: true),
        Variant(name: "tab, BOM, CRLF", separator: "\t", bom: true, eol: "\r\n"),
        Variant(name: "; with spaces, CR, point decimals, dashed dates", separator: ";", eol: "\r", pointDecimals: true, spaced: true,
                dates: { "\($0.prefix(4))-\($0.dropFirst(4).prefix(2))-\($0.suffix(2))" }),
        Variant(name: "tab, Montant + Sens D/C, times appended", separator: "\t", montantSens: ("D", "C"), dates: { $0 + " 00:00:00" }),
        Variant(name: "comma with quoted fields", separator: ",", quoted: true),
        Variant(name: "Montant + Sens +1/-1, lower-case header, EcrtureLet, rows without their last empty column", separator: "\t",
                montantSens: ("+1", "-1"), lowerCaseHeader: true, misspelledLet: true, dropLastEmptyColumn: true),
    ]

    static func amount(_ cents: Int64, _ v: Variant) -> String {
        let s = "\(cents / 100)" + (v.pointDecimals ? "." : ",") + String(format: "%02d", cents % 100)
        return v.padAmounts ? String(repeating: "0", count: max(0, 13 - s.count)) + s : s
    }

    static func render(_ lines: [Line], _ v: Variant) -> Data {
        var header = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef",
                      "PieceDate", "EcritureLib"] + (v.montantSens == nil ? ["Debit", "Credit"] : ["Montant", "Sens"])
            + [v.misspelledLet ? "EcrtureLet" : "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"]
        if v.lowerCaseHeader { header = header.map { $0.lowercased() } }
        let sep = v.spaced ? " \(v.separator) " : v.separator
        func row(_ fields: [String]) -> String {
            var f = v.quoted ? fields.map { "\"\($0)\"" } : fields
            if v.dropLastEmptyColumn, f.last == "" { f.removeLast() }
            return f.joined(separator: sep) + (v.trailingSeparator ? v.separator : "")
        }
        var text = row(header) + v.eol
        for l in lines {
            let amounts: [String]
            if let ms = v.montantSens {
                amounts = l.debit >= l.credit ? [amount(l.debit - l.credit, v), ms.debit] : [amount(l.credit - l.debit, v), ms.credit]
            } else { amounts = [amount(l.debit, v), amount(l.credit, v)] }
            text += row([l.journal, l.journalLabel, l.entry, v.dates(l.date), l.account, l.accountLabel, l.aux, l.auxLabel, l.piece, v.dates(l.date), l.label]
                        + amounts + [l.letter, l.dateLet.isEmpty ? "" : v.dates(l.dateLet), v.dates("20250331"), "", ""]) + v.eol
        }
        var data = Data(v.bom ? [0xEF, 0xBB, 0xBF] : [])
        if v.latin9 { data += Data(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }) } else { data += Data(text.utf8) }
        return data
    }

    /// The expected open total, from the lines: debit − credit of the customer accounts.
    static func expectedOpen(_ lines: [Line]) -> Money {
        Money(cents: lines.filter { $0.account.hasPrefix("411") }.reduce(0) { $0 + $1.debit - $1.credit })
    }

    static func imported(_ data: Data, into book: Book = Book(), file: String = "test.fec") throws -> (book: Book, plan: ImportPlan, facts: FECImport.Facts) {
        let ledger = try FECReader.read(data, file: file)
        let (plan, facts) = try FECImport.planned(ledger, book: book, user: "helene")
        return (plan.resultingBook ?? book, plan, facts)
    }

    static func open(_ book: Book) -> Money {
        book.invoices.keys.reduce(Money.zero) { $0 + book.openAmount($1) } - book.customers.keys.reduce(Money.zero) { $0 + book.unallocatedCredit(of: $1) }
    }

    @Test(arguments: variants)
    func everyVariantGivesTheSameBook(variant: Variant) throws {
        let lines = Self.book()
        let (book, _, facts) = try Self.imported(Self.render(lines, variant))
        #expect(Self.expectedOpen(lines) == Money(euros: 830))   // the comment's figure, from the lines themselves
        #expect(Self.open(book) == Money(euros: 830), "\(variant)")
        #expect(facts.openTotal == Money(euros: 830) && facts.openItems == 5, "\(variant)")
        #expect(book.customers["CA"]?.name == "Alpha Société" && book.customers["CB"]?.name == "Bêta", "\(variant)")
        let open = book.invoices.values.filter { book.openAmount($0.number).isPositive }.map { "\($0.customerId):\($0.number)=\(book.openAmount($0.number).plain)" }.sorted()
        #expect(open == ["CA:REJ1=80.00", "CA:VE-2=380.00", "CA:VE-4=200.00", "CB:ANO-1-CB=20.00", "CB:VE-3=150.00"], "\(variant)")
        #expect(facts.letterGroups == 3 && facts.unbalancedGroups == 1 && facts.zeroLines == 1, "\(variant)")
        #expect(facts.customers == 2 && facts.otherAccountLines == 12, "\(variant)")
        // F100 is settled on the letter's date, not the transfer's.
        #expect(book.openAmount("F100", asOf: Fixtures.date("2025-02-04")) == Money(euros: 1_000))
        #expect(book.openAmount("F100", asOf: Fixtures.date("2025-02-05")) == .zero)
        // The credit note settles as a payment does, but is not cash; the transfers are.
        #expect(book.payments.values.filter { $0.creditNote == true }.map(\.reference) == ["AV1"])
        #expect(book.receipts(of: "CB").filter { $0.kind == .creditNote }.map(\.reference) == ["AV1"])
    }

    @Test func withoutAuxiliaryAccountsThe411AccountsAreTheCustomers() throws {
        let lines = Self.book(aux: false)
        let (book, _, facts) = try Self.imported(Self.render(lines, Self.variants[1]))
        // Trailing zeros are not significant: 4110010 is 411001, 41100200 is 411002.
        #expect(Set(book.customers.keys) == ["411001", "411002"])
        #expect(Self.open(book) == Self.expectedOpen(lines) && facts.openTotal == Money(euros: 830))
        #expect(book.openAmount("VE-3") == Money(euros: 150) && book.invoices["VE-3"]?.customerId == "411002")
    }

    @Test func aReimportAndAnOverlappingLaterFileAddOnlyWhatIsNew() throws {
        let lines = Self.book()
        let v = Self.variants[0]
        let (once, _, _) = try Self.imported(Self.render(lines, v))
        let again = try Self.imported(Self.render(lines, v), into: once)
        #expect(again.plan.changedRecords == 0 && again.plan.change == nil)
        // Up to 15/02 first (the credit note, VIR4 and the returned payment not yet there), then the whole period.
        let early = lines.filter { $0.date <= "20250215" }
        let (first, _, _) = try Self.imported(Self.render(early, v))
        #expect(Self.open(first) == Self.expectedOpen(early))
        let later = try Self.imported(Self.render(lines, v), into: first)
        #expect(Self.open(later.book) == Money(euros: 830))
        #expect(later.book.invoices.count == once.invoices.count && later.book.payments.count == once.payments.count)
        #expect(later.plan.added == 3)   // AV1, VIR4, REJ1
        #expect(try Self.imported(Self.render(lines, v), into: later.book).plan.changedRecords == 0)
    }

    /// The next fiscal year's FEC, on the book of the first: its opening lines restate what the book holds (A as one
    /// balance line of 660, B as VE0125 150 and 20), so no item is added for them; A's payment of the opening
    /// (lettered BA with it) letters A's held items oldest first; B's (lettered BB with its VE0125 line) settles
    /// VE-3, the item that line restates.
    /// Then: A 0, B 20 open; no new invoice.
    @Test func theNextYearsOpeningIsMatchedAgainstTheItemsHeld() throws {
        let v = Self.variants[1]
        let (year1, _, _) = try Self.imported(Self.render(Self.book(), v))
        func c(_ code: String, _ j: String, _ n: String, _ d: String, _ piece: String, _ debit: Int64, _ credit: Int64, _ letter: String) -> Line {
            Line(journal: j, journalLabel: j == "ANO" ? "A nouveaux" : "Banque", entry: n, date: d, account: "411000", accountLabel: "Clients",
                 aux: code, auxLabel: code == "CA" ? "Alpha Société" : "Bêta", piece: piece, label: piece, debit: debit * 100, credit: credit * 100, letter: letter)
        }
        let year2 = [
            c("CA", "ANO", "1", "20260101", "sans", 660, 0, "BA"),
            c("CB", "ANO", "1", "20260101", "VE0125", 150, 0, "BB"),
            c("CB", "ANO", "1", "20260101", "sans", 20, 0, ""),
            c("CA", "BQ", "1", "20260115", "VIR9", 0, 660, "BA"),
            c("CB", "BQ", "2", "20260120", "VIR10", 0, 150, "BB"),
        ]
        let (book, plan, facts) = try Self.imported(Self.render(year2, v), into: year1)
        #expect(book.invoices.count == year1.invoices.count)
        #expect(plan.added == 2)   // the two transfers
        #expect(facts.openingMatched == 1)
        #expect(book.invoices(of: "CA").allSatisfy { book.openAmount($0.number).isZero })
        #expect(book.openAmount("VE-3").isZero && book.openAmount("ANO-1-CB") == Money(euros: 20))
        #expect(Self.open(book) == Money(euros: 20))
        // And again: nothing.
        #expect(try Self.imported(Self.render(year2, v), into: book).plan.changedRecords == 0)
    }

    @Test func anOpeningThatDiffersFromTheItemsHeldAddsOnlyTheDifference() throws {
        let v = Self.variants[1]
        let (year1, _, _) = try Self.imported(Self.render(Self.book(), v))
        // A's opening says 700, the book holds 660: 40 more, as one opening item.
        let line = Line(journal: "ANO", journalLabel: "A nouveaux", entry: "1", date: "20260101", account: "411000", accountLabel: "Clients",
                        aux: "CA", auxLabel: "Alpha Société", piece: "sans", label: "", debit: 70_000, credit: 0)
        let (book, plan, _) = try Self.imported(Self.render([line], v), into: year1)
        #expect(plan.added == 1)
        #expect(book.invoices(of: "CA").reduce(Money.zero) { $0 + book.openAmount($1.number) } - book.unallocatedCredit(of: "CA") == Money(euros: 700))
        #expect(plan.details.contains { $0.contains("CA") && $0.contains("40,00") })
    }

    // MARK: Refusals, each with the file and line

    static func refusal(_ text: String, _ encoding: String.Encoding = .utf8) -> String {
        do { _ = try imported(text.data(using: encoding)!, file: "bad.txt"); return "accepted" } catch { return "\(error)" }
    }

    static let header = "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise\n"

    @Test func aBadAmountOrDateIsRefusedWithItsLine() {
        let bad = Self.header + "VE|Ventes|1|20250110|411000|Clients|CA|Alpha|F1|20250110|x|12,3,4|0,00||||||\n"
            + "VE|Ventes|2|20251310|411000|Clients|CA|Alpha|F2|20250110|x|10,00|0,00||||||\n"
        let message = Self.refusal(bad)
        #expect(message.contains("bad.txt:2: Debit '12,3,4' is not an amount"))
        #expect(message.contains("bad.txt:3: EcritureDate '20251310' is not a date"))
        #expect(message.contains("Nothing was imported"))
    }

    @Test func whatIsNotAFECIsSaidForWhatItIs() {
        // A Quadratus ASCII export: fixed-width lines, no separator.
        let quadratus = String(repeating: "M0000001VE 010125411CA    F1      Facture                 D000000120000EUR\n", count: 5)
        #expect(Self.refusal(quadratus).contains("fixed-width lines"))
        #expect(Self.refusal("number,customer_id,issue_date,due_date,amount\nF1,C1,2026-01-01,2026-02-01,10.00\n").contains("relance import"))
        #expect(Self.refusal(Self.header.replacingOccurrences(of: "|", with: ",") + "VE,Ventes,1,20250110,411000,Clients,CA,Alpha,F1,20250110,x,12,30,0,00,,,,,\n")
            .contains("comma-separated without quotes"))
        #expect(Self.refusal("JournalCode|EcritureDate|CompteNum|Debit|Credit\nVE|20250110|411000|1,00|0,00\n").contains("EcritureNum"))
    }

    @Test func aFileMixingTwoEncodingsIsRefused() {
        var data = Data(Self.header.utf8)
        data += Data("VE|Ventes|1|20250110|411000|Clients|CA|Société|F1|20250110|x|10,00|0,00||||||\n".utf8)
        data += Data("VE|Ventes|2|20250110|411000|Clients|CB|B".utf8) + Data([0xE9]) + Data("ta|F2|20250110|x|10,00|0,00||||||\n".utf8)
        #expect(throws: ImportFailure.self) { try FECReader.read(data, file: "mixed.txt") }
        do { _ = try FECReader.read(data, file: "mixed.txt") } catch { #expect("\(error)".contains("mixed.txt:3:") && "\(error)".contains("line 2")) }
    }

    @Test func controlCharactersInACustomerLineAreRefused() {
        let bad = Self.header + "VE|Ventes|1|20250110|411000|Clients|CA|Al\u{1B}[31mpha|F1|20250110|x|10,00|0,00||||||\n"
        #expect(Self.refusal(bad).contains("bad.txt:2: CompAuxLib: control character U+001B"))
    }

    @Test func amountsAtTheLimitsAreReadOrRefusedNeverWrapped() throws {
        #expect(try FECReader.amount("0000000074,70", "Debit") == Money(cents: 7_470))
        #expect(try FECReader.amount("-1 234.5", "Debit") == Money(cents: -123_450))
        #expect(try FECReader.amount("12,00-", "Debit") == Money(cents: -1_200))
        // The book's limits, as at every door: 1 000 000 000,00 € and the years 1900-2199.
        #expect(try FECReader.amount("1000000000,00", "Debit") == Money(euros: 1_000_000_000))
        #expect(throws: InputError.self) { try FECReader.amount("1000000000,01", "Debit") }
        #expect(throws: InputError.self) { try FECReader.amount("9999999999999999,99", "Debit") }
        #expect(throws: InputError.self) { try FECReader.amount("99999999999999999999999,99", "Debit") }
        #expect(throws: InputError.self) { try FECReader.amount("1,234", "Debit") }
        #expect(throws: InputError.self) { try FECReader.optionalDate("00010101", "d") }
        #expect(throws: InputError.self) { try FECReader.optionalDate("31/12/9999", "d") }
        #expect(try FECReader.optionalDate("19000101", "d") == CalendarDate(year: 1900, month: 1, day: 1))
        #expect(try FECReader.optionalDate("31/12/2199", "d") == CalendarDate(year: 2199, month: 12, day: 31))
        #expect(throws: InputError.self) { try FECReader.optionalDate("20250230", "d") }
    }

    /// `relance check` finds a FEC line counted twice (two items under one ledger id), and nothing in a clean import.
    @Test func checkFindsAFECLineCountedTwice() throws {
        let (clean, _, _) = try Self.imported(Self.render(Self.book(), Self.variants[0]))
        let dir = TempDirectory("fec-check"); defer { dir.remove() }
        _ = try JSONFileStore.create(directory: dir.file("ok"), book: clean)
        #expect(StoreCheck.run(directory: dir.file("ok")).ok)
        var twice = clean
        var copy = try #require(twice.invoices["F100"])
        copy.number = "F100-BIS"
        try twice.applyNew(.upsertInvoice(invoice: copy), by: "helene")
        _ = try JSONFileStore.create(directory: dir.file("bad"), book: twice)
        let check = StoreCheck.run(directory: dir.file("bad"))
        #expect(!check.ok && check.text.contains("invoices F100 and F100-BIS are the same FEC line"), "\(check.text)")
    }

    // MARK: What an outside attack found (issue 21's review)

    static func row(_ j: String, _ jl: String, _ n: String, _ d: String, _ aux: String, _ piece: String, _ debit: String, _ credit: String, letter: String = "") -> String {
        "\(j)|\(jl)|\(n)|\(d)|411000|Clients|\(aux)|Client \(aux)|\(piece)|\(d)|x|\(debit)|\(credit)|\(letter)||||\n"
    }

    /// A sales journal named "Ventes nouveaux produits" is not an opening journal: its invoices are invoices, even
    /// for a customer the book holds.
    @Test func aJournalOfNewProductsIsNotAnOpening() throws {
        let (held, _, _) = try Self.imported(Data((Self.header + Self.row("VE", "Ventes", "1", "20230110", "C001", "F1", "100,00", "0,00")).utf8))
        let (book, plan, _) = try Self.imported(Data((Self.header + Self.row("VN", "Ventes nouveaux produits", "7", "20230301", "C001", "F9", "100,00", "0,00")
            + Self.row("VN", "Ventes nouveaux produits", "8", "20230302", "C001", "F10", "100,00", "0,00")).utf8), into: held)
        #expect(plan.added == 2 && Self.open(book) == Money(euros: 300))
        #expect(FECImport.isOpening(journal: "RAN", label: "Report à nouveau") && FECImport.isOpening(journal: "X", label: "A NOUVEAUX"))
        #expect(!FECImport.isOpening(journal: "VN", label: "Ventes nouveaux produits"))
    }

    /// An invoice a CSV import brought (same customer, number and amount) is the FEC's line, not a second invoice.
    @Test func anInvoiceImportedByCSVIsTheFECLineNotASecondOne() throws {
        var book = Book()
        try book.applyNew(.upsertCustomer(customer: Customer(id: "C001", name: "Client Un")), by: "helene")
        try book.applyNew(.upsertInvoice(invoice: Invoice(number: "F1", customerId: "C001", issueDate: Fixtures.date("2023-01-15"), dueDate: Fixtures.date("2023-02-14"), amount: Money(euros: 100))), by: "helene")
        let fec = Self.header + Self.row("VE", "Ventes", "1", "20230115", "C001", "F1", "100,00", "0,00") + Self.row("BQ", "Banque", "2", "20230201", "C001", "R1", "0,00", "30,00")
        let (after, plan, _) = try Self.imported(Data(fec.utf8), into: book)
        #expect(after.invoices.count == 1 && Self.open(after) == Money(euros: 70))
        #expect(after.invoices["F1"]?.ledgerId != nil && plan.updated == 1 && plan.added == 1)
    }

    /// A re-export that pads entry numbers (`00000001` for `1`) or writes the journal in lower case is the same file.
    @Test func aReexportWithPaddedNumbersOrLowerCaseJournalsAddsNothing() throws {
        let first = Self.header + Self.row("VE", "Ventes", "1", "20230115", "C001", "F1", "100,00", "0,00") + Self.row("BQ", "Banque", "2", "20230201", "C001", "R1", "0,00", "30,00")
        let again = Self.header + Self.row("ve", "Ventes", "00000001", "20230115", "C001", "F1", "100,00", "0,00") + Self.row("bq", "Banque", "0002", "20230201", "C001", "R1", "0,00", "30,00")
        let (book, _, _) = try Self.imported(Data(first.utf8))
        #expect(try Self.imported(Data(again.utf8), into: book).plan.changedRecords == 0)
    }

    @Test func malformedHeadersAndLinesAreRefusedInWords() {
        // An empty CompteNum, on any line.
        #expect(Self.refusal(Self.header + "VE|Ventes|1|20230115||Clients|C001|Client|F1|20230115|x|100,00|0,00||||||\n").contains("bad.txt:2: CompteNum is empty"))
        // A column twice: which holds the amounts cannot be told.
        #expect(Self.refusal(Self.header.replacingOccurrences(of: "|Idevise", with: "|Debit")).contains("column Debit appears twice (columns 12 and 18)"))
        // An archive, XML, a first line of 5,000 bytes: said at once.
        #expect(Self.refusal("PK\u{03}\u{04}rest").contains("ZIP archive"))
        #expect(Self.refusal("<?xml version=\"1.0\"?><comptabilite/>").contains("XML"))
        #expect(Self.refusal(String(repeating: "A", count: 5_000)).contains("longer than 4 096 bytes"))
        // A value of 5,000 characters is not echoed whole.
        #expect(Self.refusal(Self.header + "VE|Ventes|1|20230115|411000|Clients|C001|Client|F1|20230115|x|\(String(repeating: "9x", count: 2_500))|0,00||||||\n").count < 400)
    }

    /// A UTF-8-encoded surrogate (ED A0 80) is not UTF-8: the file is read as Windows-1252 (0x80 is its €), and
    /// says so.
    @Test func aSurrogateIsNotUTF8() throws {
        var data = Data(Self.header.utf8)
        data += Data("VE|Ventes|1|20230115|411000|Clients|C001|Cl".utf8) + Data([0xED, 0xA0, 0x80]) + Data("|F1|20230115|x|100,00|0,00||||||\n".utf8)
        let ledger = try FECReader.read(data, file: "s.txt")
        #expect(ledger.notes.contains { $0.contains("Windows-1252") })
        #expect(ledger.lines.first?.auxLabel == "Cl\u{ED}\u{A0}€")
    }

    /// The service over any store: the CLI's path, on a store in memory.
    @Test func theImportServiceRecordsOnceOverAnyStore() throws {
        let store = MemoryStore()
        let ledger = try FECReader.read(Self.render(Self.book(), Self.variants[0]), file: "t.fec")
        let service = ImportService(store: store, user: "helene") { try FECImport.plan(ledger, book: $0, user: "helene") }
        let first = try service.run()
        #expect(first.changedRecords > 0 && Self.open(store.book) == Money(euros: 830))
        #expect(store.changes.count == 1)
        let second = try service.run()
        #expect(second.changedRecords == 0 && store.changes.count == 1)
    }
}
