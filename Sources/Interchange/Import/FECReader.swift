import Foundation
import Receivables
import TextSafety
import Wording

/// One line of a FEC on a customer account (411, 413, 416, 419), its fields read: what the import gives meaning to.
public struct FECLine: Sendable {
    public var line: Int
    public var journal: String
    public var journalLabel: String
    /// `EcritureNum`, or `PieceRef` when the file leaves it empty.
    public var entry: String
    /// `EcritureDate`, or `PieceDate` when the file leaves it empty.
    public var date: CalendarDate
    public var account: String
    public var accountLabel: String
    public var aux: String
    public var auxLabel: String
    public var piece: String
    public var pieceDate: CalendarDate?
    public var label: String
    /// Debit − credit: positive on a debit line.
    public var amount: Money
    public var letter: String
    public var letterDate: CalendarDate?
    /// `EcheanceDate`, when the package adds it.
    public var dueDate: CalendarDate?
}

/// A FEC as read: its customer lines, which journals are bank journals, and what was left aside. Reading never
/// looks at a book; `FECImport` gives the lines their meaning against one.
public struct FECLedger: Sendable {
    public var file: String
    public var lines: [FECLine] = []
    /// Journals whose entries mostly touch a bank or cash account (51, 53): a debit there is a returned payment.
    public var bankJournals: Set<String> = []
    public var otherAccountLines = 0
    public var zeroLines = 0
    /// How the file was read, worded (its encoding when not UTF-8, its separator).
    public var notes: [String] = []
    public var hasDueDates = false
}

/// Reads the FEC of any French accounting package (art. A47 A-1 du Livre des procédures fiscales): the 18 standard
/// columns found by name, in any case, with the `EcrtureLet` misspelling; extra columns tolerated; tab, `|`, `;`
/// (or `,` with quoted fields) detected; UTF-8 with or without BOM, else ISO-8859-15 / Windows-1252; LF, CRLF or CR.
/// Works on the file's bytes: only the lines on customer accounts become strings (a 500,000-line file is read
/// without a copy of it as text).
public enum FECReader {
    /// The columns the import reads, by their folded name (lower case, letters only).
    enum Column: String, CaseIterable {
        case journalCode = "journalcode", journalLib = "journallib", ecritureNum = "ecriturenum", ecritureDate = "ecrituredate"
        case compteNum = "comptenum", compteLib = "comptelib", compAuxNum = "compauxnum", compAuxLib = "compauxlib"
        case pieceRef = "pieceref", pieceDate = "piecedate", ecritureLib = "ecriturelib", debit = "debit", credit = "credit"
        case ecritureLet = "ecriturelet", dateLet = "datelet", validDate = "validdate", montantDevise = "montantdevise", idevise = "idevise"
        case montant = "montant", sens = "sens", echeanceDate = "echeancedate"
    }
    /// The 18 standard columns (`JournalCode` … `Idevise`), for the summary's "missing columns".
    static let standard: [Column] = [.journalCode, .journalLib, .ecritureNum, .ecritureDate, .compteNum, .compteLib, .compAuxNum, .compAuxLib,
                                     .pieceRef, .pieceDate, .ecritureLib, .debit, .credit, .ecritureLet, .dateLet, .validDate, .montantDevise, .idevise]
    /// Other spellings exporters write.
    static let aliases: [String: Column] = ["ecrturelet": .ecritureLet, "dateecheance": .echeanceDate, "echeance": .echeanceDate]
    /// Customer accounts: 411 customers, 413 bills receivable, 416 doubtful, 419 customer credits.
    static let customerClasses: [[UInt8]] = ["411", "413", "416", "419"].map { Array($0.utf8) }

    enum Encoding { case utf8, latin9, windows1252 }

    public static func read(_ data: Data, file: String) throws -> FECLedger {
        let bytes = [UInt8](data)
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var ledger = FECLedger(file: file)
        func refuse(_ reason: String, line: Int = 1) -> ImportFailure { ImportFailure(errors: [ImportError(file: file, line: line, reason)]) }
        guard bytes.count > start else { throw refuse(tr("the file is empty, not a FEC")) }
        // What the first bytes say, before the whole file is read: an archive, XML, JSON, or a first line far longer
        // than any FEC header (a file of one huge line is refused at once, not after minutes).
        let head = bytes[start..<min(bytes.count, start + 4096)]
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { throw refuse(tr("not a FEC: a ZIP archive; unzip it and import the FEC inside")) }
        if let first = head.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }) {
            if first == 0x3C { throw refuse(tr("not a FEC file of fields: XML (the FEC's XML form); export the FEC as a flat file, tab or | separated")) }
            if first == 0x7B || first == 0x5B { throw refuse(tr("not a FEC: JSON data")) }
        }
        if head.count == 4096, !head.contains(0x0A), !head.contains(0x0D) {
            throw refuse(tr("not a FEC: its first line is longer than 4 096 bytes (a FEC header is about 200)"))
        }
        if bytes.contains(0) { throw refuse(tr("the file holds binary data (NUL bytes), not a FEC: export the FEC as a text file")) }
        let encoding = try detectEncoding(bytes, from: start, file: file)
        switch encoding {
        case .utf8: break
        case .latin9: ledger.notes.append(tr("read as ISO-8859-15 (the file is not valid UTF-8)"))
        case .windows1252: ledger.notes.append(tr("read as Windows-1252 (the file is not valid UTF-8)"))
        }
        let lines = splitLines(bytes, from: start)
        guard let headerLine = lines.first(where: { !isBlank(bytes, $0.range) }) else { throw refuse(tr("the file is empty, not a FEC")) }
        let header = text(bytes, headerLine.range, encoding)
        let separator = try detectSeparator(header, lines: lines, bytes: bytes, file: file, line: headerLine.number)
        let names = splitFields(Array(header.utf8)[...], separator: separator.asciiValue!).map { string(trimmed($0), .utf8) }
        var width = names.count
        while width > 0, names[width - 1].isEmpty { width -= 1 }   // a trailing separator
        var index: [Column: Int] = [:]
        for (i, n) in names.prefix(width).enumerated() {
            let folded = String(n.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic }.map(Character.init))
            if let c = Column(rawValue: folded) ?? aliases[folded] {
                // Two columns of one name: which holds the amounts cannot be told.
                if let first = index[c] {
                    throw refuse(tr("column {column} appears twice (columns {first} and {second})", ["column": columnName(c), "first": "\(first + 1)", "second": "\(i + 1)"]), line: headerLine.number)
                }
                index[c] = i
            }
        }
        let hasDebitCredit = index[.debit] != nil && index[.credit] != nil
        let hasMontantSens = index[.montant] != nil && index[.sens] != nil
        var missing = [Column.journalCode, .ecritureNum, .ecritureDate, .compteNum, .pieceRef].filter { index[$0] == nil }.map(columnName)
        if !hasDebitCredit && !hasMontantSens { missing.append("Debit/Credit " + tr("or") + " Montant/Sens") }
        guard missing.isEmpty else {
            if index.count < 3 { throw refuse(describe(header, lines: lines, bytes: bytes)) }
            throw refuse(trn("not a FEC: column {columns} is missing", "not a FEC: columns {columns} are missing", count: missing.count, ["columns": missing.joined(separator: ", ")]), line: headerLine.number)
        }
        let absent = standard.filter { index[$0] == nil && !(hasMontantSens && ($0 == .debit || $0 == .credit)) }
        if !absent.isEmpty { ledger.notes.append(trn("standard column missing: {columns}", "standard columns missing: {columns}", count: absent.count, ["columns": absent.map(columnName).joined(separator: ", ")])) }
        ledger.hasDueDates = index[.echeanceDate] != nil

        var errors: [ImportError] = []
        // Bank journals: the entries of each journal, and those with a line on 51 or 53.
        var entries: [String: Set<String>] = [:], bankEntries: [String: Set<String>] = [:]
        let sepByte = separator.asciiValue!
        // Each column's position, looked up once (an enum with String raw values hashes its string on every lookup).
        let slots = Dictionary(uniqueKeysWithValues: Column.allCases.map { ($0, index[$0] ?? -1) })
        let (cJournal, cJournalLib, cNum, cDate, cCompte, cCompteLib) = (slots[.journalCode]!, slots[.journalLib]!, slots[.ecritureNum]!, slots[.ecritureDate]!, slots[.compteNum]!, slots[.compteLib]!)
        let (cAux, cAuxLib, cPiece, cPieceDate, cLib, cDebit, cCredit) = (slots[.compAuxNum]!, slots[.compAuxLib]!, slots[.pieceRef]!, slots[.pieceDate]!, slots[.ecritureLib]!, slots[.debit]!, slots[.credit]!)
        let (cLet, cDateLet, cMontant, cSens, cDue) = (slots[.ecritureLet]!, slots[.dateLet]!, slots[.montant]!, slots[.sens]!, slots[.echeanceDate]!)
        for l in lines where l.number != headerLine.number && !isBlank(bytes, l.range) {
            var fields = splitFields(bytes[l.range], separator: sepByte)
            while fields.count > width, let last = fields.last, isBlank(bytes, last.startIndex..<last.endIndex) { fields.removeLast() }
            if fields.count > width {
                errors.append(ImportError(file: file, line: l.number, tr("{fields} fields, the header has {header} (a separator inside an unquoted value?)", ["fields": "\(fields.count)", "header": "\(width)"])))
                continue
            }
            // Rows missing their last empty columns (as some Cegid exports write them) are padded.
            if fields.count < width - 2 {
                errors.append(ImportError(file: file, line: l.number, tr("{fields} fields, the header has {header} (a value is missing)", ["fields": "\(fields.count)", "header": "\(width)"])))
                continue
            }
            func raw(_ i: Int) -> ArraySlice<UInt8> { i >= 0 && i < fields.count ? trimmed(fields[i]) : [] }
            func value(_ i: Int) -> String { string(raw(i), encoding) }
            let account = raw(cCompte)
            let journal = value(cJournal)
            var entry = value(cNum)
            if entry.isEmpty { entry = value(cPiece) }
            let entryKey = journal + "\u{1}" + entry
            entries[journal, default: []].insert(entryKey)
            if account.starts(with: [0x35, 0x31]) || account.starts(with: [0x35, 0x33]) { bankEntries[journal, default: []].insert(entryKey) }
            if account.isEmpty {
                errors.append(ImportError(file: file, line: l.number, tr("CompteNum is empty")))
                continue
            }
            guard customerClasses.contains(where: { account.starts(with: $0) }) else { ledger.otherAccountLines += 1; continue }
            do throws(InputError) {
                let journalLabel = value(cJournalLib), accountText = value(cCompte), accountLabel = value(cCompteLib)
                let aux = value(cAux), auxLabel = value(cAuxLib), piece = value(cPiece), label = value(cLib), letter = value(cLet)
                let numText = value(cNum)
                for (c, text) in [(Column.journalCode, journal), (.journalLib, journalLabel), (.ecritureNum, numText), (.compteNum, accountText),
                                  (.compteLib, accountLabel), (.compAuxNum, aux), (.compAuxLib, auxLabel), (.pieceRef, piece), (.ecritureLib, label), (.ecritureLet, letter)] {
                    if let bad = text.unicodeScalars.first(where: Safe.isUnsafe) {
                        throw InputError(tr("{column}: control character U+{code} is not allowed", ["column": columnName(c), "code": String(format: "%04X", bad.value)]))
                    }
                }
                let amount: Money
                if hasDebitCredit {
                    amount = try Self.amount(value(cDebit), columnName(.debit)) - Self.amount(value(cCredit), columnName(.credit))
                } else {
                    let m = try Self.amount(value(cMontant), "Montant")
                    switch value(cSens).uppercased() {
                    case "D", "+1", "1", "+": amount = m
                    case "C", "-1", "-": amount = Money.zero - m
                    case let s: throw InputError(tr("Sens '{value}' is not D or C (+1 or -1)", ["value": s]))
                    }
                }
                if amount.isZero { ledger.zeroLines += 1; continue }
                let entryDate = try optionalDate(value(cDate), columnName(.ecritureDate))
                let pieceDate = try optionalDate(value(cPieceDate), columnName(.pieceDate))
                let date: CalendarDate
                if let d = entryDate { date = d }
                else if let d = pieceDate { date = d }
                else { throw InputError(tr("EcritureDate and PieceDate are empty")) }
                guard !entry.isEmpty else { throw InputError(tr("EcritureNum and PieceRef are empty")) }
                ledger.lines.append(FECLine(line: l.number, journal: journal, journalLabel: journalLabel, entry: entry, date: date,
                                            account: accountText, accountLabel: accountLabel, aux: aux, auxLabel: auxLabel,
                                            piece: piece, pieceDate: pieceDate, label: label, amount: amount,
                                            letter: letter, letterDate: try optionalDate(value(cDateLet), columnName(.dateLet)),
                                            dueDate: try optionalDate(value(cDue), columnName(.echeanceDate))))
            } catch {
                errors.append(ImportError(file: file, line: l.number, error.message))
            }
        }
        guard errors.isEmpty else { throw ImportFailure(errors: errors) }
        for (journal, all) in entries where 2 * (bankEntries[journal]?.count ?? 0) > all.count { ledger.bankJournals.insert(journal) }
        return ledger
    }

    static func columnName(_ c: Column) -> String {
        switch c {
        case .journalCode: "JournalCode"; case .journalLib: "JournalLib"; case .ecritureNum: "EcritureNum"; case .ecritureDate: "EcritureDate"
        case .compteNum: "CompteNum"; case .compteLib: "CompteLib"; case .compAuxNum: "CompAuxNum"; case .compAuxLib: "CompAuxLib"
        case .pieceRef: "PieceRef"; case .pieceDate: "PieceDate"; case .ecritureLib: "EcritureLib"; case .debit: "Debit"; case .credit: "Credit"
        case .ecritureLet: "EcritureLet"; case .dateLet: "DateLet"; case .validDate: "ValidDate"; case .montantDevise: "Montantdevise"
        case .idevise: "Idevise"; case .montant: "Montant"; case .sens: "Sens"; case .echeanceDate: "EcheanceDate"
        }
    }

    // MARK: Bytes

    struct Line { var number: Int; var range: Range<Int> }

    /// Lines ended by LF (a CR before it is part of the ending, as in CR CR LF), or by CR alone when the file has no
    /// LF at all (old Mac files). Numbered as an editor shows them.
    static func splitLines(_ b: [UInt8], from start: Int) -> [Line] {
        let hasLF = b[start...].contains(0x0A)
        let end: UInt8 = hasLF ? 0x0A : 0x0D
        var out: [Line] = []
        out.reserveCapacity(b.count / 100)
        var i = start, lineStart = start, n = 1
        while i < b.count {
            if b[i] == end {
                var e = i
                while e > lineStart, b[e - 1] == 0x0D { e -= 1 }
                out.append(Line(number: n, range: lineStart..<e)); n += 1
                lineStart = i + 1
            }
            i += 1
        }
        if lineStart < b.count {
            var e = b.count
            while e > lineStart, b[e - 1] == 0x0D { e -= 1 }
            out.append(Line(number: n, range: lineStart..<e))
        }
        return out
    }

    static func isBlank(_ b: [UInt8], _ r: Range<Int>) -> Bool { b[r].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }

    /// The fields of a line; a field that begins with `"` is quoted (`""` inside is a quote), a quote elsewhere is
    /// a character like the others (labels hold them).
    static func splitFields(_ line: ArraySlice<UInt8>, separator: UInt8) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var i = line.startIndex
        while true {
            var j = i
            while j < line.endIndex, line[j] == 0x20 { j += 1 }
            if j < line.endIndex, line[j] == 0x22 {
                // Quoted: up to the closing quote, then to the separator.
                var k = j + 1
                while k < line.endIndex {
                    if line[k] == 0x22 { if k + 1 < line.endIndex, line[k + 1] == 0x22 { k += 2; continue }; break }
                    k += 1
                }
                var next = min(k + 1, line.endIndex)
                while next < line.endIndex, line[next] != separator { next += 1 }
                out.append(line[i..<next])
                if next >= line.endIndex { return out }
                i = next + 1
            } else {
                var k = i
                while k < line.endIndex, line[k] != separator { k += 1 }
                out.append(line[i..<k])
                if k >= line.endIndex { return out }
                i = k + 1
            }
        }
    }

    /// A field without the spaces around it and, when quoted, without its quotes.
    static func trimmed(_ f: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = f.startIndex, e = f.endIndex
        while s < e, f[s] == 0x20 || f[s] == 0x09 { s += 1 }
        while e > s, f[e - 1] == 0x20 || f[e - 1] == 0x09 { e -= 1 }
        if e - s >= 2, f[s] == 0x22, f[e - 1] == 0x22 { s += 1; e -= 1 }
        return f[s..<e]
    }

    static func string(_ f: ArraySlice<UInt8>, _ encoding: Encoding) -> String {
        let s: String
        switch encoding {
        case .utf8: s = String(decoding: f, as: UTF8.self)
        case .latin9: s = String(String.UnicodeScalarView(f.map { latin9($0) }))
        case .windows1252: s = String(String.UnicodeScalarView(f.map { windows1252($0) }))
        }
        // A doubled quote inside a quoted field is one quote (looked for in the bytes: a String search goes through
        // NSString, a tenth of the whole import).
        var doubled = false
        var previous: UInt8 = 0
        for b in f { if b == 0x22 && previous == 0x22 { doubled = true; break }; previous = b }
        return doubled ? s.replacingOccurrences(of: "\"\"", with: "\"") : s
    }

    static func text(_ b: [UInt8], _ r: Range<Int>, _ e: Encoding) -> String { string(b[r], e) }

    /// UTF-8 when the whole file is; else ISO-8859-15, or Windows-1252 when it uses 0x80-0x9F (its printable
    /// range there). A file with valid multi-byte UTF-8 beside bytes that are not is two files pasted together:
    /// refused, naming a line of each.
    static func detectEncoding(_ b: [UInt8], from start: Int, file: String) throws -> Encoding {
        var i = start, line = 1
        var firstUTF8: Int?, firstOther: Int?, uses1252 = false
        while i < b.count {
            let c = b[i]
            if c == 0x0A { line += 1 }
            if c < 0x80 { i += 1; continue }
            let n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0
            var ok = n > 0 && i + n <= b.count
            if ok { for k in 1..<n where b[i + k] & 0xC0 != 0x80 { ok = false } }
            // No overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629).
            if ok, n >= 3 {
                let second = b[i + 1]
                if (c == 0xE0 && second < 0xA0) || (c == 0xED && second > 0x9F) || (c == 0xF0 && second < 0x90) || (c == 0xF4 && second > 0x8F) { ok = false }
            }
            if ok { firstUTF8 = firstUTF8 ?? line; i += n } else {
                firstOther = firstOther ?? line
                if c < 0xA0 { uses1252 = true }
                i += 1
            }
        }
        guard let other = firstOther else { return .utf8 }
        if let u = firstUTF8, u == other {
            throw ImportFailure(errors: [ImportError(file: file, line: other, tr("this line mixes UTF-8 with bytes that are not: export the file again in one encoding (UTF-8 or ISO-8859-15)"))])
        }
        if let u = firstUTF8 {
            // Latin-1 text never forms UTF-8 sequences in French words; a few that do are coincidence only when
            // rarer than the rest. Refused: the bytes cannot all be read one way.
            throw ImportFailure(errors: [ImportError(file: file, line: other, tr("this line is not UTF-8 while line {line} is: the file mixes two encodings; export it again in one (UTF-8 or ISO-8859-15)", ["line": "\(u)"]))])
        }
        return uses1252 ? .windows1252 : .latin9
    }

    static func latin9(_ c: UInt8) -> Unicode.Scalar {
        switch c {
        case 0xA4: "€"; case 0xA6: "Š"; case 0xA8: "š"; case 0xB4: "Ž"; case 0xB8: "ž"; case 0xBC: "Œ"; case 0xBD: "œ"; case 0xBE: "Ÿ"
        default: Unicode.Scalar(c)
        }
    }

    static let cp1252: [UInt32] = [0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                   0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178]
    static func windows1252(_ c: UInt8) -> Unicode.Scalar {
        (0x80..<0xA0).contains(c) ? Unicode.Scalar(cp1252[Int(c) - 0x80])! : Unicode.Scalar(c)
    }

    /// Tab, `|` or `;`: the one that splits the header into the most FEC column names. `,` only when the fields are
    /// quoted: with decimal commas in the amounts an unquoted comma-separated file cannot be read one way.
    static func detectSeparator(_ header: String, lines: [Line], bytes: [UInt8], file: String, line: Int) throws -> Character {
        func score(_ sep: Character) -> Int {
            header.split(separator: sep).filter { part in
                let f = String(part.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic }.map(Character.init))
                return Column(rawValue: f) != nil || aliases[f] != nil
            }.count
        }
        let best = ["\t", "|", ";", ","].map { (Character($0), score(Character($0))) }.max { $0.1 < $1.1 }!
        guard best.1 >= 3 else { throw ImportFailure(errors: [ImportError(file: file, line: line, describe(header, lines: lines, bytes: bytes))]) }
        if best.0 == "," {
            let sample = lines.dropFirst().first { !isBlank(bytes, $0.range) }
            let quoted = sample.map { bytes[$0.range].contains(0x22) } ?? true
            guard quoted else {
                throw ImportFailure(errors: [ImportError(file: file, line: line, tr("comma-separated without quotes: with decimal commas in the amounts the fields cannot be told apart; export with tabs, | or ;"))])
            }
        }
        return best.0
    }

    /// What a file that is not a FEC looks like, for the refusal.
    static func describe(_ header: String, lines: [Line], bytes: [UInt8]) -> String {
        let folded = header.lowercased()
        if folded.contains("customer_id") || folded.hasPrefix("id,name") || folded.hasPrefix("number,") || folded.hasPrefix("date,") {
            return tr("not a FEC: this is a CSV of Relance's own (its first line is {header}); import it with relance import customers, invoices or payments", ["header": String(header.prefix(60))])
        }
        let sample = lines.prefix(20).filter { !isBlank(bytes, $0.range) }
        let widths = Set(sample.map(\.range.count))
        let separated = header.contains("\t") || header.contains("|") || header.contains(";")
        if !separated, sample.count > 1, widths.count <= 2 {
            return tr("not a FEC: fixed-width lines of {width} characters with no separator (an ASCII export such as Quadratus's?); export the FEC (fichier des écritures comptables) from the accounting package", ["width": "\(widths.max() ?? 0)"])
        }
        return tr("not a FEC: its first line has no FEC column names (JournalCode, EcritureDate, CompteNum, Debit...); export the FEC (fichier des écritures comptables) from the accounting package")
    }

    // MARK: Values

    /// A value as an error quotes it: at most 40 characters (a 5,000-character field is not echoed whole).
    static func shown(_ text: String) -> String { text.count > 40 ? String(text.prefix(40)) + "…" : text }

    /// `0000000074,70`, `1 234,56`, `-12.5`, `+3`, `12,00-`: two decimals at most (more only when zeros). Read in one
    /// pass over the bytes (half a million lines, two amounts each).
    public static func amount(_ text: String, _ column: String) throws(InputError) -> Money {
        func bad() -> InputError { InputError(tr("{column} '{value}' is not an amount", ["column": column, "value": shown(text)])) }
        var units: Int64 = 0, cents: Int64 = 0, decimals = 0, digits = 0
        var negative = false, signSeen = false, separatorSeen = false, trailingSign = false, any = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case " ", "\u{A0}", "\u{202F}": continue
            case "0"..."9":
                guard !trailingSign else { throw bad() }
                any = true
                let d = Int64(scalar.value - 48)
                if separatorSeen {
                    decimals += 1
                    if decimals <= 2 { cents = cents * 10 + d } else if d != 0 { throw InputError(tr("{column} '{value}' has more than two decimals", ["column": column, "value": shown(text)])) }
                } else {
                    if units > 0 || d > 0 { digits += 1 }
                    guard digits <= 16 else { throw InputError(tr("{column} '{value}' is too large", ["column": column, "value": shown(text)])) }
                    units = units * 10 + d
                }
            case ",", ".":
                guard !separatorSeen, !trailingSign else { throw bad() }
                separatorSeen = true
            case "-", "+":
                guard !signSeen else { throw bad() }
                signSeen = true; negative = scalar == "-"
                if any || separatorSeen { trailingSign = true }
            default: throw bad()
            }
        }
        if !any { if signSeen || separatorSeen { throw bad() }; return .zero }
        while decimals < 2 { cents *= 10; decimals += 1 }
        let total = units * 100 + cents
        let m = Money(cents: negative ? -total : total)
        // The book's limit, as at every other door (1 000 000 000,00 €).
        guard m.isWithinLimit else { throw InputError("\(column): " + ParseError.amountAboveLimit(text).message) }
        return m
    }

    /// `20230109`, `2023-01-09`, `09/01/2023`, with a time appended or not.
    public static func optionalDate(_ text: String, _ column: String) throws(InputError) -> CalendarDate? {
        guard let d = try anyDate(text, column) else { return nil }
        // The years the book keeps (1900-2199), as at every other door.
        guard d.isSupported else { throw InputError("\(column): " + ParseError.yearOutside(text, year: d.year).message) }
        return d
    }

    static func anyDate(_ text: String, _ column: String) throws(InputError) -> CalendarDate? {
        if text.isEmpty { return nil }
        // The FEC's own form, `YYYYMMDD`, read from the bytes.
        if text.utf8.count == 8 {
            var n = 0, digits = true
            for b in text.utf8 { guard b >= 48 && b <= 57 else { digits = false; break }; n = n * 10 + Int(b - 48) }
            if digits {
                guard let d = CalendarDate(year: n / 10_000, month: n / 100 % 100, day: n % 100) else {
                    throw InputError(tr("{column} '{value}' is not a date", ["column": column, "value": shown(text)]))
                }
                return d
            }
        }
        var s = Substring(text)
        if let cut = s.firstIndex(where: { $0 == " " || $0 == "T" }) { s = s[..<cut] }
        if s.count == 8, s.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let n = Int(s)!
            guard let d = CalendarDate(year: n / 10_000, month: n / 100 % 100, day: n % 100) else {
                throw InputError(tr("{column} '{value}' is not a date", ["column": column, "value": shown(text)]))
            }
            return d
        }
        if s.count == 10, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "/") }) {
            let p = s.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            let d = p.count == 3 ? (p[0] > 31 ? CalendarDate(year: p[0], month: p[1], day: p[2]) : CalendarDate(year: p[2], month: p[1], day: p[0])) : nil
            if let d { return d }
        }
        throw InputError(tr("{column} '{value}' is not a date", ["column": column, "value": shown(text)]))
    }
}
