import Foundation
import Testing
import Interchange
import Receivables

/// The four real FEC files of `../shared/fec-samples/` (issue 21), and an excerpt of one kept in `Tests/Fixtures/fec`
/// for when that folder is not there. Each is checked against figures computed here by a reading of its own (split on
/// the separator, columns by name, decimal commas), and against the figures its README counted by hand.
@Suite struct FECSampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = root.deletingLastPathComponent().appendingPathComponent("shared/fec-samples").path
    static let excerpt = root.appendingPathComponent("Tests/Fixtures/fec/excerpt-111111111.TXT").path

    /// What the customer lines (411, 413, 416, 419) hold, read without the importer.
    struct Figures: Equatable, CustomStringConvertible {
        var customers = 0, lines = 0, unlettered = 0, customersWithUnlettered = 0
        var open = Money.zero
        var description: String { "customers \(customers), lines \(lines), unlettered \(unlettered) on \(customersWithUnlettered), open \(open.plain)" }
    }

    static func figures(_ path: String) throws -> Figures {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1)!
        let rows = text.replacingOccurrences(of: "\r", with: "").split(separator: "\n").map(String.init)
        let sep: Character = rows[0].contains("\t") ? "\t" : "|"
        let header = rows[0].replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: sep, omittingEmptySubsequences: false).map { $0.lowercased() }
        func col(_ n: String) -> Int { header.firstIndex(of: n)! }
        let (account, aux, debit, credit, letter) = (col("comptenum"), col("compauxnum"), col("debit"), col("credit"), col("ecriturelet"))
        func cents(_ s: Substring) -> Int64 {
            let t = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
            return NSDecimalNumber(string: t).multiplying(byPowerOf10: 2).int64Value
        }
        var f = Figures()
        var customers = Set<String>(), withUnlettered = Set<String>()
        for row in rows.dropFirst() {
            let fields = row.split(separator: sep, omittingEmptySubsequences: false)
            guard fields.count > letter, ["411", "413", "416", "419"].contains(where: { fields[account].hasPrefix($0) }) else { continue }
            var who = String(fields[aux]).trimmingCharacters(in: .whitespaces)
            if who.isEmpty { who = String(fields[account]).trimmingCharacters(in: .whitespaces) }
            customers.insert(who)
            let amount = cents(fields[debit]) - cents(fields[credit])
            guard amount != 0 else { continue }
            f.lines += 1
            f.open += Money(cents: amount)
            if String(fields[letter]).trimmingCharacters(in: .whitespaces).isEmpty { f.unlettered += 1; withUnlettered.insert(who) }
        }
        f.customers = customers.count
        f.customersWithUnlettered = withUnlettered.count
        return f
    }

    static func imported(_ path: String) throws -> (facts: FECImport.Facts, book: Book) {
        let ledger = try FECReader.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        let (plan, facts) = try FECImport.planned(ledger, book: Book(), user: "helene")
        let book = try #require(plan.resultingBook)
        // Again on its own result: nothing new.
        #expect(try FECImport.plan(ledger, book: book, user: "helene").changedRecords == 0, "\(path)")
        return (facts, book)
    }

    static func agree(_ facts: FECImport.Facts, _ f: Figures, _ label: String) {
        #expect(facts.customers == f.customers, "\(label): \(f)")
        #expect(facts.customerLines == f.lines, "\(label): \(f)")
        #expect(facts.unletteredLines == f.unlettered && facts.customersWithUnlettered == f.customersWithUnlettered, "\(label): \(f)")
        #expect(facts.openTotal == f.open, "\(label): \(f)")
    }

    static var haveSamples: Bool { FileManager.default.fileExists(atPath: samples + "/README.md") }

    @Test(.enabled(if: haveSamples), arguments: ["111111111FEC20221231.TXT", "0000000001FEC20220831.txt", "000000000FEC20231231.txt", "123456789FEC20500930.txt"])
    func aRealFECImportsWithTheFiguresOfAnIndependentReading(name: String) throws {
        let path = Self.samples + "/" + name
        let (facts, _) = try Self.imported(path)
        Self.agree(facts, try Self.figures(path), name)
    }

    /// The README's hand counts: 111111111 (entries of 01/01/2023 to 29/06/2023): 34 customers, 34 unlettered lines
    /// on 19 customers, open total 14 416,52 €, and `VE  0323` shared by 27 debit lines, so shown as journal-entry;
    /// 0000000001: 17 customers, 10 unlettered lines (its lettered lines have no DateLet: their group's latest date).
    @Test(.enabled(if: haveSamples)) func theSamplesAgreeWithTheirREADME() throws {
        let (a, book) = try Self.imported(Self.samples + "/111111111FEC20221231.TXT")
        #expect(a.customers == 34 && a.unletteredLines == 34 && a.customersWithUnlettered == 19)
        #expect(a.openTotal == Money(cents: 1_441_652))
        #expect(book.invoices["VE  0323"] == nil)
        #expect(book.invoices.values.filter { $0.ledgerId?.contains("|VE  0323|") == true }.count == 27)
        #expect(book.invoices.keys.allSatisfy { $0.lowercased() != "sans" })
        let (b, book2) = try Self.imported(Self.samples + "/0000000001FEC20220831.txt")
        #expect(b.customers == 17 && b.unletteredLines == 10)
        // Settled at the latest date of each letter group, never before the payment.
        for p in book2.payments.values { for a in p.allocations { #expect(a.date.map { $0 > p.date } ?? true) } }
    }

    @Test func theCommittedExcerptImportsWithTheFiguresOfAnIndependentReading() throws {
        let (facts, book) = try Self.imported(Self.excerpt)
        let f = try Self.figures(Self.excerpt)
        Self.agree(facts, f, "excerpt")
        #expect(f.customers == 3 && book.customers["41101590"]?.name == "E.LECLERC CARPENTR")
    }
}
