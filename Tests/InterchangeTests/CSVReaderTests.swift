import Foundation
import Testing
@testable import Interchange

@Suite struct CSVReaderTests {
    @Test func readsBOMSemicolonsQuotesAndCRLFWithLineNumbers() throws {
        let text = "\u{FEFF}Number;Customer_ID;Amount\r\n\"F-1\";C1;\"1 234,56\"\r\nF-2;C2;\"multi\r\nline; with \"\"quotes\"\"\"\r\nF-3;C3;7\r\n"
        let csv = try CSVReader(data: Data(text.utf8), file: "x.csv")
        #expect(csv.separator == ";")
        #expect(csv.header == ["number", "customer_id", "amount"])
        #expect(csv.rows.map(\.line) == [2, 3, 5])
        #expect(csv.rows[0].fields == ["F-1", "C1", "1 234,56"])
        #expect(csv.rows[1].fields[2] == "multi\r\nline; with \"quotes\"")
    }

    @Test func commaFilesAndUnclosedQuotes() throws {
        let csv = try CSVReader(data: Data("a,b\n1,2\n\n3,4".utf8), file: "x.csv")
        #expect(csv.separator == ",")
        #expect(csv.rows.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(throws: ImportError.self) { try CSVReader(data: Data("a,b\n\"1,2\n".utf8), file: "x.csv") }
    }

    @Test func invalidUTF8IsNamedWithItsLine() {
        var data = Data("id,name\nC1,ok\nC2,".utf8)
        data.append(contentsOf: [0xE9, 0x0A])   // Latin-1 é
        do { _ = try CSVReader(data: data, file: "clients.csv"); Issue.record("accepted") } catch let e as ImportError {
            #expect(e.line == 3 && e.reason.contains("UTF-8"))
        } catch { Issue.record("\(error)") }
    }
}
