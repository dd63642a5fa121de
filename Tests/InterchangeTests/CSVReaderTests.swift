import Foundation
import Testing
@testable import Interchange

@Suite struct CSVReaderTests {
    @Test func readsBOMSemicolonsQuotesAndCRLFWithLineNumbers() throws {
        let text = "\u{FEFF}Number;Customer_ID;Amount\r\n\"F-1\";C1;\"1 234,56\"\r\nF-2;C2;\"multi\r\nline; with \"\"quotes\"\"\"\r\nF-3;C3;7\r\n"
        let csv = try CSVReader(data: Data(text.utf8), file: "x.csv")
        #expect(csv.separator == ";")
        #expect(csv.header == ["number", "customer_id", "amount"])
        let rows = try csv.allRows()
        #expect(rows.map(\.line) == [2, 3, 5])
        #expect(rows[0].fields == ["F-1", "C1", "1 234,56"])
        #expect(rows[1].fields[2] == "multi\r\nline; with \"quotes\"")
    }

    @Test func commaFilesAndUnclosedQuotes() throws {
        let csv = try CSVReader(data: Data("a,b\n1,2\n\n3,4".utf8), file: "x.csv")
        #expect(csv.separator == ",")
        #expect(try csv.allRows().map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(throws: ImportError.self) { try CSVReader(data: Data("a,b\n\"1,2\n".utf8), file: "x.csv").allRows() }
        // A lone CR ends a row too; one inside quotes counts as a line.
        let mac = try CSVReader(data: Data("a,b\r\"x\ry\",2\r3,4\r".utf8), file: "x.csv")
        #expect(try mac.allRows() == [CSVReader.Row(line: 2, fields: ["x\ry", "2"]), CSVReader.Row(line: 4, fields: ["3", "4"])])
    }

    @Test func invalidUTF8IsNamedWithItsLine() {
        var data = Data("id,name\nC1,ok\nC2,".utf8)
        data.append(contentsOf: [0xE9, 0x0A])   // Latin-1 é
        do { _ = try CSVReader(data: data, file: "clients.csv").allRows(); Issue.record("accepted") } catch let e as ImportError {
            #expect(e.line == 3 && e.reason.contains("UTF-8"))
        } catch { Issue.record("\(error)") }
    }

    @Test func quotesAndSeparatorsAreBytesWhateverFollowsThem() throws {
        // A combining accent right after a separator or a closing quote belongs to the next field's text: the
        // old character-based reader merged it with the separator and lost a column.
        let csv = try CSVReader(data: Data("a,b,c\n\"Cafe\u{301}\",\u{301}x,\"\"\n".utf8), file: "x.csv")
        #expect(try csv.allRows() == [CSVReader.Row(line: 2, fields: ["Cafe\u{301}", "\u{301}x", ""])])
        // A header whose quoted name holds the other separator is sniffed by what lies outside the quotes.
        #expect(try CSVReader(data: Data("\"a;b\",c,d\n1,2,3\n".utf8), file: "x.csv").separator == ",")
    }

    /// Found by an outside attack: the bad byte of a quoted field spanning lines 2-4 is on line 4, and the error said 2.
    @Test func invalidUTF8InsideAMultiLineFieldNamesItsOwnLine() {
        var data = Data("id,name\nC1,\"first line\nsecond line\nthird ".utf8)
        data.append(contentsOf: [0xE9])
        data.append(contentsOf: Array("\"\n".utf8))
        do { _ = try CSVReader(data: data, file: "x.csv").allRows(); Issue.record("accepted") } catch let e as ImportError {
            #expect(e.line == 4, "\(e)")
        } catch { Issue.record("\(error)") }
    }

    @Test func oversizedFieldsAndRowsAreRefusedAtOnce() {
        let long = Data(("number\n" + String(repeating: "9", count: CSVReader.maxFieldBytes + 1) + "\n").utf8)
        #expect(throws: ImportError.self) { try CSVReader(data: long, file: "x.csv").allRows() }
        let wide = Data(("a\n" + String(repeating: ",", count: CSVReader.maxFields + 5) + "\n").utf8)
        #expect(throws: ImportError.self) { try CSVReader(data: wide, file: "x.csv").allRows() }
    }

    @Test func lineCountCountsLoneCarriageReturns() throws {
        #expect(try CSVReader(data: Data("a\r1\r2\r3\r".utf8), file: "x.csv").lineCount >= 3)
        #expect(try CSVReader(data: Data("a\r\n1\r\n2\r\n".utf8), file: "x.csv").lineCount == 3)
    }
}
