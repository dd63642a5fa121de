import Foundation
import Receivables
import Wording

/// Schema of the files this version writes; older ones are migrated on load, newer ones refused.
/// 1: activities inside the snapshot. 2: activities in a history file named by the snapshot, with a digest
/// per customer in the snapshot. 3: checksums everywhere (the snapshot ends with a line of block CRCs, each
/// customer's history range has its CRC) and the snapshot names the journal that continues it (docs/STORE.md).
/// 4: the team and the company: users carry their Unix login, e-mail and whether they are disabled; a company
/// profile record and a settings record (a demo store); each journal entry records the login that made it.
/// 5: the dunning engine (issue 10): invoices carry their dunning level and last written date (computed from the
/// history when an older store is loaded or migrated), litigation decision records and change, customers'
/// letter language and contractual interest rate.
/// 6: the policy is store data (issue 15): a `{"policy":{"policy":…,"log":[…]}}` record first in the snapshot when
/// the store has its own, changed by the `setPolicy` journal change; an older store's `policy.json` is taken in.
/// 7: what a promise covers (issue 16): a promise's `covers`, the part promised on each invoice (older promises hold
/// their invoices whole, as before); a credit note's `number` and the dispute update's `creditNoteNumber` and
/// `creditNoteDate`; a customer's `paymentTermsRule` (issue 17: "45 jours fin de mois").
/// 8: history entries record codes and values (issue 18): an activity's `event` (a promise's amount and date, a
/// dispute's reason code...), worded by each reader; older entries keep their stored sentence.
/// 9: a user's own `language` (issue 19).
/// 10: account control and requests (issue 20): a customer's `holdReason`, `imported` (what the last customers import
/// said) and `assignments` (who collected it until when); `request` records (credit limit asked, risk flag raised,
/// with their decision); the patch's new fields (`clearCreditLimit`, `paymentTermsRule`, `holdReason`, `contacts`,
/// `date`); history events `account`, `requestFiled`, `requestDecided`, `fieldReport`; a digest's `lastSignal`.
/// 11: the FEC import (issue 21): an invoice's and a payment's `ledgerId` (its identity in the accounting package's
/// FEC), a payment's `creditNote` (a credit note of the package: settles, is not cash), an allocation's `date` (the
/// lettering's date when later than the payment's).
/// 12: e-mail (issue 22): `mail` records (the outbox: each message, its Message-ID, status, attempts and the mail
/// system's reason), changes `queueMail`, `mailOutcome` and `setMailer`; the settings' `mailer`; the company's
/// `bounceEmail`; a policy step's `byEmail` and the policy's `mailFrom`.
/// 13: a compaction's snapshot says so (issue 23): the header's `compaction` names the journal whose changes it folds
/// in and up to which change, so another process that has read that journal adopts the new files (its history file
/// and ranges, the journal that continues it) without decoding the snapshot again. A snapshot without it (an import
/// folded into a snapshot, a migration, an older store) is decoded whole, as before.
/// Older stores need no rewrite: every new field is optional.
public let currentSchemaVersion = 13

/// One line of the journal: a change, who made it, when, and its sequence number.
public struct JournalEntry: Codable, Sendable {
    public var seq: Int
    public var at: String
    /// The Relance user the change was made as.
    public var user: String
    /// The Unix login of the process that made it (schema 4; from the uid, not from `$USER`).
    public var login: String?
    public var change: Change
}

/// The journal file: a header line, then one CRC-checked entry per line.
///
/// `{"crc":"1a2b3c4d","entry":{...}}` — the CRC covers the entry's bytes exactly as written, so a torn or
/// altered line is detected, and a lost tail is seen from the sequence numbers.
enum JournalCodec {
    static let prefix = Array(#"{"crc":""#.utf8)          // then 8 hex digits
    static let middle = Array(#"","entry":"#.utf8)

    /// The first line. `id` ties the journal to the snapshot it continues (the snapshot header names it).
    static func header(baseSeq: Int, id: String) -> Data {
        Data(#"{"journal":{"schemaVersion":\#(currentSchemaVersion),"baseSeq":\#(baseSeq),"id":"\#(id)"}}"#.utf8 + [10])
    }

    /// A new journal identity: random, so a journal from another store or generation never passes for this one.
    static func newId() -> String { String(format: "%08x%08x", UInt32.random(in: 0...UInt32.max), UInt32.random(in: 0...UInt32.max)) }

    static func line(_ entry: JournalEntry, encoder: JSONEncoder) throws -> Data {
        let body = try encoder.encode(entry)
        var out = Data(prefix)
        out.append(contentsOf: CRC32.hex(CRC32.checksum(body)).utf8)
        out.append(contentsOf: middle)
        out.append(body)
        out.append(contentsOf: [UInt8(ascii: "}"), 10])
        return out
    }

    struct Header: Decodable { struct Inner: Decodable { var schemaVersion: Int; var baseSeq: Int; var id: String? }; var journal: Inner }

    enum Parsed { case header(Header.Inner), entry(JournalEntry) }

    /// Parses one line (without its newline); the error message says what is wrong.
    static func parse(_ line: Data, decoder: JSONDecoder) -> Result<Parsed, LineProblem> {
        let bytes = [UInt8](line)
        if bytes.starts(with: Array(#"{"journal""#.utf8)) {
            guard let h = try? decoder.decode(Header.self, from: line) else { return .failure(LineProblem("unreadable journal header")) }
            return .success(.header(h.journal))
        }
        let headLength = prefix.count + 8 + middle.count
        guard bytes.count > headLength + 1, bytes.starts(with: prefix),
              Array(bytes[(prefix.count + 8)..<headLength]) == middle, bytes.last == UInt8(ascii: "}")
        else { return .failure(LineProblem("not a journal line (expected {\"crc\":…,\"entry\":…})")) }
        let crcText = String(decoding: bytes[prefix.count..<(prefix.count + 8)], as: UTF8.self)
        let body = line.subdata(in: (line.startIndex + headLength)..<(line.endIndex - 1))
        guard let crc = UInt32(crcText, radix: 16), crc == CRC32.checksum(body) else {
            return .failure(LineProblem("checksum mismatch (the line was cut or altered)"))
        }
        do { return .success(.entry(try decoder.decode(JournalEntry.self, from: body))) }
        catch { return .failure(LineProblem(describeLineError(error, body))) }
    }
}

/// The snapshot file: a header line, then one record per line (JSON lines: readable, greppable, and every
/// error has a line number). Schema 2 keeps the history apart: the header names the history file and each
/// customer has a `{"history":{...}}` line with its byte range there and the digest the agenda needs.
enum SnapshotCodec {
    struct Header: Codable {
        struct Inner: Codable {
            var schemaVersion: Int; var seq: Int; var createdAt: String; var records: Int
            var history: String?
            /// Schema 3: the journal that continues this snapshot, and the one it replaced (a crash between the
            /// snapshot's rename and the journal's rewrite leaves that one in place, which is legitimate).
            var journal: JournalRef?
            var previousJournal: String?
            /// Schema 13: this snapshot is the previous one with the changes of journal `journal` up to change `seq`
            /// applied and their activities moved to the history file, nothing else (`JSONFileStore.adopt`).
            var compaction: Compaction?
        }
        var snapshot: Inner
    }

    struct Compaction: Codable, Equatable { var journal: String; var seq: Int }

    struct JournalRef: Codable, Equatable {
        var id: String; var baseSeq: Int
        /// Schema 4: the journal header's schema version, so that byte is checked too.
        var schemaVersion: Int?
    }
    /// `previousJournal` of a snapshot that replaced a journal without id (written before schema 3).
    static let legacyJournal = "legacy"

    /// Schema 3's last line: the CRC-32 of each block of the bytes before it, so any damaged byte (the header's
    /// seq included) is found, and a truncated file has no end line.
    struct Trailer: Codable {
        struct Inner: Codable { var bytes: Int; var block: Int; var crc: [String] }
        var end: Inner
    }
    static let trailerPrefix = Array(#"{"end":"#.utf8)
    static let checksumBlock = 4 << 20

    /// CRC-32 of each `checksumBlock` bytes of `data`'s first `count` bytes, computed on all cores.
    static func blockCRCs(_ data: Data, count: Int) -> [String] {
        let blocks = (count + checksumBlock - 1) / checksumBlock
        var crcs = [String](repeating: "", count: blocks)
        data.withUnsafeBytes { raw in
            nonisolated(unsafe) let raw = raw
            crcs.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                DispatchQueue.concurrentPerform(iterations: blocks) { b in
                    let r = (b * checksumBlock)..<min(count, (b + 1) * checksumBlock)
                    out[b] = CRC32.hex(CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[r])))
                }
            }
        }
        return crcs
    }

    static func trailerLine(bytes: Int, crcs: [String]) -> Data {
        let list = crcs.map { "\"\($0)\"" }.joined(separator: ",")
        return Data(#"{"end":{"block":\#(checksumBlock),"bytes":\#(bytes),"crc":[\#(list)]}}"#.utf8)
    }

    static func trailer(for data: Data) -> Data {
        trailerLine(bytes: data.count, crcs: blockCRCs(data, count: data.count)) + [10]
    }

    /// Checks the end line of a schema-3 snapshot: present, every block's CRC right, and the line itself exactly
    /// what this writer writes for those bytes (so a changed block size or count cannot pass).
    static func verifyTrailer(_ data: Data, lines: [Range<Int>], path: String) throws {
        guard let last = lines.last, data[last].starts(with: trailerPrefix),
              let t = try? JSONDecoder().decode(Trailer.self, from: data[last]) else {
            throw StoreError(file: path, line: lines.count, "the end line with the checksums is missing: the file is truncated or was edited")
        }
        let body = last.lowerBound - data.startIndex
        guard data.last == 10 else {
            throw StoreError(file: path, line: lines.count, "the end line lost its newline: the file was cut or edited")
        }
        guard t.end.bytes == body else {
            throw StoreError(file: path, line: lines.count, "the end line says \(t.end.bytes) bytes before it, there are \(body): the file was cut or edited")
        }
        let crcs = blockCRCs(data, count: body)
        if let b = crcs.indices.first(where: { $0 >= t.end.crc.count || crcs[$0] != t.end.crc[$0] }) {
            let start = b * checksumBlock, end = min(body, (b + 1) * checksumBlock)
            let first = lineNumber(ofOffset: data.startIndex + start, in: lines), lastLine = lineNumber(ofOffset: data.startIndex + max(start, end - 1), in: lines)
            throw StoreError(file: path, line: first, "bytes \(start)-\(end) (lines \(first)-\(lastLine)) do not match their checksum: the file was altered or damaged")
        }
        guard trailerLine(bytes: body, crcs: crcs) == data[last] else {
            throw StoreError(file: path, line: lines.count, "the end line with the checksums was altered")
        }
    }

    /// Where a customer's activities are in the history file, and their digest.
    struct HistoryLine: Codable {
        struct Inner: Codable, Equatable { var customerId: String; var offset: Int; var length: Int; var crc: String?; var digest: ActivityDigest }
        var history: Inner
    }

    /// What a snapshot holds besides the book.
    struct Loaded {
        var book: Book
        var seq: Int
        var schemaVersion: Int
        var historyFile: String?
        var historyIndex: HistoryIndex
        var journal: JournalRef?
        var previousJournal: String?
    }

    static func headerLine(seq: Int, records: Int, history: String?, journal: JournalRef?, previousJournal: String?, compaction: Compaction? = nil) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        var out = try encoder.encode(Header(snapshot: .init(schemaVersion: currentSchemaVersion, seq: seq, createdAt: Timestamp.now(),
                                                            records: records, history: history, journal: journal, previousJournal: previousJournal,
                                                            compaction: compaction)))
        out.append(10)
        return out
    }

    /// A snapshot: the book's records without activities, then one history line per customer that has any,
    /// then the end line of checksums.
    static func encode(_ book: Book, seq: Int, historyFile: String, index: HistoryIndex, journal: JournalRef, previousJournal: String?,
                       compaction: Compaction? = nil) throws -> Data {
        let records = book.records(includingActivities: false)
        let customers = book.customerOrder.filter { book.digest(of: $0).count > 0 }
        var out = try headerLine(seq: seq, records: records.count + customers.count, history: historyFile, journal: journal, previousJournal: previousJournal,
                                 compaction: compaction)
        let writer = JSONWriter(capacity: records.count * 200)
        for r in records { r.write(to: writer); writer.bytes.append(10) }
        out.append(contentsOf: writer.bytes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        for id in customers {
            let entry = index.entries[id] ?? HistoryIndex.Entry(range: 0..<0, crc: CRC32.checksum(Data()))
            out.append(try encoder.encode(HistoryLine(history: .init(customerId: id, offset: entry.range.lowerBound, length: entry.range.count,
                                                                      crc: CRC32.hex(entry.crc ?? 0), digest: book.digest(of: id)))))
            out.append(10)
        }
        out.append(trailer(for: out))
        return out
    }

    /// What another process needs of a compaction's snapshot to adopt it: its header, and each customer's history
    /// range and digest (the lines before the end line). Every byte is checked against the end line first; nil when
    /// the snapshot is not a compaction of `journal` at the current schema, or anything is not as this writer writes.
    struct CompactionView { var header: Header.Inner; var index: HistoryIndex; var digests: [String: ActivityDigest] }

    /// Reads the view from an open snapshot of `size` bytes without decoding it: the end line, the history lines
    /// before it and the header are parsed, and every block of 4 MiB is checked against the end line (on all cores).
    static func compactionView(fd: Int32, size: Int, path: String, of journal: String, initialTail: Int = 1 << 20) -> CompactionView? {
        @Sendable func read(_ r: Range<Int>) -> Data? {
            var data = Data(count: r.count)
            var got = 0
            while got < r.count {
                let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, r.count - got, off_t(r.lowerBound + got)) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return nil }
                got += n
            }
            return data
        }
        guard size > 2 else { return nil }
        var guess = max(16, initialTail)
        while true {
            let tailStart = max(0, size - guess)
            guard let tail = read(tailStart..<size), tail.last == 10 else { return nil }
            // Line starts from the end; nil: the tail read does not reach back to it.
            func lineStart(before end: Int) -> Int? {
                let i = tail.withUnsafeBytes { raw -> Int in
                    let p = raw.bindMemory(to: UInt8.self)
                    var i = end - 1
                    while i >= 0, p[i] != 10 { i -= 1 }
                    return i
                }
                return i >= 0 || tailStart == 0 ? i + 1 : nil
            }
            guard let trailerAt = lineStart(before: tail.count - 1) else { guess *= 4; continue }
            let trailerLine = tail[trailerAt..<(tail.count - 1)]
            let body = tailStart + trailerAt
            guard trailerLine.starts(with: trailerPrefix), let t = try? JSONDecoder().decode(Trailer.self, from: trailerLine),
                  t.end.block == checksumBlock, t.end.bytes == body, t.end.crc.count == (body + checksumBlock - 1) / checksumBlock,
                  Self.trailerLine(bytes: body, crcs: t.end.crc) == trailerLine else { return nil }
            // The history lines, back from the end line to the first line that is not one.
            var lines: [Range<Int>] = []
            var end = trailerAt - 1, reached = true
            while end > 0 {
                guard let start = lineStart(before: end) else { reached = false; break }
                guard tail[start..<end].starts(with: RecordReader.historyPrefix) else { break }
                lines.append(start..<end)
                end = start - 1
            }
            guard reached else { guess *= 4; continue }
            let historyStart = tailStart + end + 1
            // The blocks to check: the header's and those of the history lines and the end of the body.
            // Every block is checked, though only the header's and the history lines' are parsed: an outside attack
            // damaged a middle block of a 17 MB snapshot right after a compaction, and a process that checked only
            // those took it in while every fresh open refused the store.
            let blocks = Array(0..<t.end.crc.count)
            var contents = [Data?](repeating: nil, count: blocks.count)
            var ok = [Bool](repeating: false, count: blocks.count)
            contents.withUnsafeMutableBufferPointer { out in
                ok.withUnsafeMutableBufferPointer { good in
                    nonisolated(unsafe) let out = out, good = good
                    DispatchQueue.concurrentPerform(iterations: blocks.count) { k in
                        let b = blocks[k]
                        guard let d = read((b * checksumBlock)..<min(body, (b + 1) * checksumBlock)) else { return }
                        good[k] = CRC32.hex(CRC32.checksum(d)) == t.end.crc[b]
                        if b == 0 { out[k] = d }
                    }
                }
            }
            guard ok.allSatisfy({ $0 }), let first = contents[0], let firstEnd = first.firstIndex(of: 10),
                  let header = try? JSONDecoder().decode(Header.self, from: first[first.startIndex..<firstEnd]).snapshot,
                  header.schemaVersion == currentSchemaVersion, header.compaction?.journal == journal, header.compaction?.seq == header.seq,
                  header.history != nil, header.journal != nil, header.previousJournal == journal, historyStart > firstEnd else { return nil }
            var view = CompactionView(header: header, index: HistoryIndex(), digests: [:])
            let decoder = JSONDecoder()
            for r in lines {
                let item = tail.withUnsafeBytes { raw in RecordReader.line(in: raw.bindMemory(to: UInt8.self), range: r) }
                    ?? (try? decoder.decode(HistoryLine.self, from: tail[r])).map { .history($0.history) }
                guard case .history(let h)? = item, h.offset >= 0, h.length >= 0, let text = h.crc, text.utf8.count == 8,
                      let crc = UInt32(text, radix: 16), view.index.entries[h.customerId] == nil else { return nil }
                view.index.entries[h.customerId] = HistoryIndex.Entry(range: h.offset..<(h.offset + h.length), crc: crc)
                view.digests[h.customerId] = h.digest
            }
            return view
        }
    }

    /// One decoded snapshot line.
    /// (A history line, with its digest, is three times an invoice's size: boxed, so that an item is a record's.)
    enum Item: Equatable { case record(BookRecord); indirect case history(HistoryLine.Inner) }

    /// The schema a snapshot's header names (nil: no readable header; `decode` says why).
    static func schemaVersion(of data: Data) -> Int? {
        let end = data.firstIndex(of: 10) ?? data.endIndex
        guard let h = try? JSONDecoder().decode(Header.self, from: data[data.startIndex..<end]) else { return nil }
        return h.snapshot.schemaVersion
    }

    /// Decodes a snapshot into a book, in parallel chunks (two cores decode about twice as fast).
    ///
    /// `releasing`: `data` is the caller's alone and dropped after the call (the file just read; no copy of it may
    /// be kept anywhere: a copy shares the buffer and would read zeros), so each piece's
    /// memory is given back to the system once parsed: the book and the whole file were both held at the end of an
    /// open, the file's 124 MB at L a quarter of the workstation's memory (issue 23).
    static func decode(_ data: Data, path: String, into base: Book, releasing: Bool = false) throws -> Loaded {
        let scan = scanLines(data)
        let lines = scan.lines
        guard let first = lines.first, !first.isEmpty else { throw StoreError(file: path, line: 1, "the file is empty") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data[first]) } catch {
            throw StoreError(file: path, line: 1, "not a Relance snapshot header: \(describeLineError(error, Data(data[first])))")
        }
        let v = header.snapshot.schemaVersion
        guard v <= currentSchemaVersion else {
            throw StoreError(file: path, line: 1, "written by a newer Relance (schema \(v); this version reads up to \(currentSchemaVersion)); upgrade Relance")
        }
        guard v >= 1 else { throw StoreError(file: path, line: 1, "schema version \(v) is not supported") }
        if let h = header.snapshot.history, h.contains("/") || !h.hasPrefix("history-") {
            throw StoreError(file: path, line: 1, "names '\(h)' as its history file; expected history-….jsonl in the store")
        }
        // Schema 3: the end line's checksums. A mismatch is reported after decoding, so a line the decoder can
        // name precisely (a hand edit: "line 3: paymentTermsDays expected a whole number") gets that message.
        // The lines' ranges are not copied (at L, 700,000 of them: each copy 11 MB).
        var all = lines[...]
        var integrity: StoreError?
        if v >= 3 {
            do { try verifyTrailer(data, lines: lines, path: path) } catch let e as StoreError { integrity = e }
            if let last = lines.last, data[last].starts(with: trailerPrefix) { all = all.dropLast() }
        }
        let loaded = try decodeBody(data, lines: lines, body: all, counts: scan, header: header, path: path, into: base, releasing: releasing)
        if let integrity { throw integrity }
        return loaded
    }

    private static func decodeBody(_ data: Data, lines: [Range<Int>], body all: ArraySlice<Range<Int>>, counts: LineScan, header: Header, path: String, into base: Book,
                                   releasing: Bool) throws -> Loaded {
        let v = header.snapshot.schemaVersion
        // Empty lines are skipped (only a hand edit makes them): the ranges are copied only then. (Found by the scan:
        // `contains(where: \.isEmpty)` was 14 ms of a launch at M, a key path read 700,000 times.)
        let lineRanges = all.dropFirst()
        let body = counts.empty > 0 ? ArraySlice(lineRanges.filter { !$0.isEmpty }) : lineRanges
        guard body.count == header.snapshot.records else {
            throw StoreError(file: path, line: lines.count, "holds \(body.count) records, its header says \(header.snapshot.records): the file is truncated or was edited")
        }
        // Parsing and restoring overlap (issue 23): the other cores parse pieces of 4,096 lines in order while this
        // thread restores each piece as soon as it is ready, and frees it. Restoring is serial (a line may refer to
        // any earlier one); done after all the parsing it added its time to the parse's (580 ms at M, now ~400).
        // The first pieces are small, so the restoring thread starts within a few milliseconds rather than waiting a
        // whole piece's parse (27 ms at M) with a core idle; its work is the longer of the two (issue 23).
        let starts = Self.pieceStarts(lines: body.count).map { body.startIndex + $0 }   // as indices of `body`
        let pieceCount = starts.count - 1
        let pieces = ParsedPieces(count: pieceCount)
        let historyPrefix = Array(#"{"history":"#.utf8)
        let parsing = DispatchSemaphore(value: 0)
        // A thread of its own leads the parsing: it takes part in `concurrentPerform`, so the parsing goes on even
        // when a caller already holds every thread of the shared pool.
        let leader = Thread {
            DispatchQueue.concurrentPerform(iterations: pieceCount) { piece in
                pieces.waitForTurn(piece)
                if pieces.cancelled { pieces.deliver(piece, ParsedPiece(), nil); return }
                let decoder = JSONDecoder()
                var items = ParsedPiece()
                var failure: StoreError?
                let range = starts[piece]..<starts[piece + 1]
                items.reserve(range.count)
                // Last line first: the restoring thread takes the items with `removeLast`, which moves each one out
                // rather than copying it (a record is copied from parser to book some 100,000 times an open at M).
                for i in range.reversed() {
                    // The fast readers first (an invoice or a payment line as itself, any other as an item); any line
                    // they do not expect goes to JSONDecoder, which reads it or says why not.
                    if data.withUnsafeBytes({ raw in
                        RecordReader.read(raw.bindMemory(to: UInt8.self), range: (body[i].lowerBound - data.startIndex)..<(body[i].upperBound - data.startIndex), into: &items)
                    }) {
                        continue
                    }
                    let lineData = data[body[i]]
                    do {
                        if lineData.starts(with: historyPrefix) {
                            items.append(.history(try decoder.decode(HistoryLine.self, from: lineData).history))
                        } else {
                            items.append(.record(try decoder.decode(BookRecord.self, from: lineData)))
                        }
                    } catch {
                        // The lines before it are restored first, so the first bad line in the file is the one named:
                        // what was read after it goes, and an earlier bad line takes its place.
                        items.removeAll()
                        failure = StoreError(file: path, line: lineNumber(of: body[i], in: lines), describeLineError(error, Data(lineData)))
                    }
                }
                if releasing, let first = range.first, let last = range.last {
                    // Nothing reads these lines again: the items hold their own strings, the errors their line.
                    data.withUnsafeBytes { raw in
                        Posix.releasePages(raw.baseAddress!, (body[first].lowerBound - data.startIndex)..<(body[last].upperBound - data.startIndex))
                    }
                }
                pieces.deliver(piece, items, failure)
            }
            parsing.signal()
        }
        leader.start()
        // However this ends, the parsers finish before `data` and `body` go.
        defer { pieces.cancel(); parsing.wait() }
        var loaded = Loaded(book: base, seq: header.snapshot.seq, schemaVersion: v, historyFile: header.snapshot.history, historyIndex: HistoryIndex(),
                            journal: header.snapshot.journal, previousJournal: header.snapshot.previousJournal)
        if v >= 3 && header.snapshot.history != nil && header.snapshot.journal == nil {
            throw StoreError(file: path, line: 1, "names no journal: a schema-\(v) snapshot must name the journal that continues it")
        }
        loaded.book.reserveForRestore(customers: counts.customers, invoices: counts.invoices, payments: counts.payments)
        for piece in 0..<pieceCount {
            var (items, failure) = pieces.take(piece)   // last line first
            var index = starts[piece]
            while let kind = items.kinds.popLast() {
                do throws(DomainError) {
                    switch kind {
                    case .invoice: try loaded.book.restoreInvoice(items.invoices.removeLast())
                    case .payment: try loaded.book.restorePayment(items.payments.removeLast())
                    case .other:
                        switch items.others.removeLast() {
                        case .record(let rec): try loaded.book.restore(rec)
                        case .history(let h): try restoreHistoryLine(h, into: &loaded)
                        }
                    }
                } catch {
                    throw StoreError(file: path, line: lineNumber(of: body[index], in: lines), error.message)
                }
                index += 1
            }
            if let failure { throw failure }
        }
        return loaded
    }

    /// A customer's history line: its range in the history file, its checksum and its digest.
    private static func restoreHistoryLine(_ h: HistoryLine.Inner, into loaded: inout Loaded) throws(DomainError) {
        guard loaded.historyFile != nil else { throw DomainError.said("a history line, but the header names no history file") }
        guard h.offset >= 0, h.length >= 0 else { throw DomainError.said("a negative history range") }
        guard loaded.historyIndex.entries[h.customerId] == nil else { throw DomainError.said("a second history line for \(h.customerId)") }
        let crc: UInt32?
        if let text = h.crc {
            guard text.utf8.count == 8, let c = UInt32(text, radix: 16) else { throw DomainError.said("history checksum '\(text)' is not 8 hex digits") }
            crc = c
        } else {
            guard loaded.schemaVersion < 3 else { throw DomainError.said("history line without its checksum") }
            crc = nil
        }
        try loaded.book.restoreDigest(h.digest, of: h.customerId)
        loaded.historyIndex.entries[h.customerId] = HistoryIndex.Entry(range: h.offset..<(h.offset + h.length), crc: crc)
    }

    /// Where each piece of the body begins, and its end: pieces of 256, 512, 1,024 and 2,048 lines, then 4,096.
    static func pieceStarts(lines count: Int) -> [Int] {
        var starts = [0], size = 256
        while starts.last! < count {
            starts.append(min(count, starts.last! + size))
            size = min(size * 2, 4096)
        }
        return starts
    }

    private static func lineNumber(of range: Range<Int>, in lines: [Range<Int>]) -> Int {
        lineNumber(ofOffset: range.lowerBound, in: lines)
    }

    /// The 1-based line holding byte `offset`.
    static func lineNumber(ofOffset offset: Int, in lines: [Range<Int>]) -> Int {
        var lo = 0, hi = lines.count - 1
        while lo < hi { let mid = (lo + hi + 1) / 2; if lines[mid].lowerBound <= offset { lo = mid } else { hi = mid - 1 } }
        return lo + 1
    }
}

/// Byte ranges of the lines of `data` (without newlines); a last line without newline is included.
func splitLines(_ data: Data, from start: Int? = nil) -> [Range<Int>] { scanLines(data, from: start).lines }

/// The lines of a file, and how many open as a customer, an invoice and a payment (`{"cu`, `{"in`, `{"pa`), so the
/// book's tables are made at their size before the parsers are done (a line of another shape only makes a table a
/// little larger).
struct LineScan {
    var lines: [Range<Int>]
    var customers = 0, invoices = 0, payments = 0
    /// Empty lines (the header and end lines are never empty).
    var empty = 0
}

/// `splitLines`, counting the kinds of lines as it goes, on all cores in parts of `part` bytes (issue 23: at L,
/// splitting then counting took 85 ms of a launch on one core, the counting mostly waiting for memory: a line's
/// first bytes are read here while memchr has just brought them in). Two passes over each part: its newlines are
/// counted, then the lines written straight into their places in one array.
func scanLines(_ data: Data, from start: Int? = nil, part: Int = 4 << 20) -> LineScan {
    data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) -> LineScan in
        let base = data.startIndex
        let from = max(0, (start ?? base) - base)   // (a start before the slice is its start)
        guard let p = buf.baseAddress, from < buf.count else { return LineScan(lines: []) }
        nonisolated(unsafe) let bytes = p
        let end = buf.count
        let parts = max(1, (end - from) / max(part, 1))   // the last part takes the rest
        @Sendable func bounds(_ k: Int) -> Range<Int> { (from + k * part)..<(k == parts - 1 ? end : from + (k + 1) * part) }
        // Each part's newlines: how many, and where the line that runs into the next part starts.
        var newlines = [(count: Int, after: Int?)](repeating: (0, nil), count: parts)
        newlines.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                let r = bounds(k)
                var i = r.lowerBound, n = 0
                while i < r.upperBound, let hit = memchr(bytes + i, 10, r.upperBound - i) { n += 1; i = bytes.distance(to: hit) + 1 }
                out[k] = (n, n > 0 ? i : nil)
            }
        }
        var slots = [Int](repeating: 0, count: parts), starts = [Int](repeating: from, count: parts)
        for k in 1..<parts {
            slots[k] = slots[k - 1] + newlines[k - 1].count
            starts[k] = newlines[k - 1].after ?? starts[k - 1]
        }
        let (firstSlot, firstStart) = (slots, starts)
        let unterminated = p.load(fromByteOffset: end - 1, as: UInt8.self) != 10 ? 1 : 0
        let total = firstSlot[parts - 1] + newlines[parts - 1].count + unterminated
        var kinds = [(Int, Int, Int, Int)](repeating: (0, 0, 0, 0), count: parts)
        let lines = [Range<Int>](unsafeUninitializedCapacity: total) { out, initialized in
            nonisolated(unsafe) let out = out
            kinds.withUnsafeMutableBufferPointer { counted in
                nonisolated(unsafe) let counted = counted
                DispatchQueue.concurrentPerform(iterations: parts) { k in
                    let r = bounds(k)
                    var lineStart = firstStart[k]
                    var slot = firstSlot[k], i = r.lowerBound
                    var c = 0, inv = 0, pay = 0, empty = 0
                    func take(_ line: Range<Int>) {
                        (out.baseAddress! + slot).initialize(to: (base + line.lowerBound)..<(base + line.upperBound))
                        slot += 1
                        if line.isEmpty { empty += 1 }
                        guard line.count > 4, bytes.load(fromByteOffset: line.lowerBound, as: UInt8.self) == UInt8(ascii: "{"),
                              bytes.load(fromByteOffset: line.lowerBound + 1, as: UInt8.self) == UInt8(ascii: "\"") else { return }
                        switch (bytes.load(fromByteOffset: line.lowerBound + 2, as: UInt8.self), bytes.load(fromByteOffset: line.lowerBound + 3, as: UInt8.self)) {
                        case (UInt8(ascii: "c"), UInt8(ascii: "u")): c += 1
                        case (UInt8(ascii: "i"), UInt8(ascii: "n")): inv += 1
                        case (UInt8(ascii: "p"), UInt8(ascii: "a")): pay += 1
                        default: break
                        }
                    }
                    while i < r.upperBound, let hit = memchr(bytes + i, 10, r.upperBound - i) {
                        let nl = bytes.distance(to: hit)
                        take(lineStart..<nl)
                        lineStart = nl + 1
                        i = nl + 1
                    }
                    if k == parts - 1 && unterminated == 1 { take(lineStart..<end) }
                    counted[k] = (c, inv, pay, empty)
                }
            }
            initialized = total
        }
        var scan = LineScan(lines: lines)
        for (c, i, p, e) in kinds { scan.customers += c; scan.invoices += i; scan.payments += p; scan.empty += e }
        return scan
    }
}

/// One piece's lines as parsed, last line first: invoices and payments, most of the lines, kept as themselves
/// (wrapped in an `Item`, each was copied three times more on its way to the book, issue 23), and which kind each
/// line is, so they are restored in the file's order.
struct ParsedPiece {
    enum Kind: UInt8 { case invoice, payment, other }
    var kinds: [Kind] = []
    var invoices: [Invoice] = []
    var payments: [Payment] = []
    var others: [SnapshotCodec.Item] = []

    mutating func reserve(_ lines: Int) {
        // Every line's place in each: a piece is mostly one kind or the other, and a place never written is
        // never given a page.
        kinds.reserveCapacity(lines); invoices.reserveCapacity(lines); payments.reserveCapacity(lines)
    }
    mutating func append(_ i: consuming Invoice) { invoices.append(i); kinds.append(.invoice) }
    mutating func append(_ p: consuming Payment) { payments.append(p); kinds.append(.payment) }
    mutating func append(_ item: consuming SnapshotCodec.Item) { others.append(item); kinds.append(.other) }
    mutating func removeAll() {
        kinds.removeAll(keepingCapacity: true); invoices.removeAll(keepingCapacity: true)
        payments.removeAll(keepingCapacity: true); others.removeAll(keepingCapacity: true)
    }
}

/// The parsed pieces of a snapshot, handed from the parsing threads to the restoring one in file order.
final class ParsedPieces: @unchecked Sendable {
    private var items: [ParsedPiece]
    private var failures: [StoreError?]
    private let ready: [DispatchSemaphore]
    /// Guards everything here; signalled when the restoring thread takes a piece or the parse is cancelled.
    private let turn = NSCondition()
    private var stop = false
    /// Pieces the restoring thread has taken.
    private var taken = 0
    /// How many pieces the parsers may be ahead of the restoring thread. The parsers are faster: unbounded, they
    /// held half the book's records at once, parsed and waiting (tens of MB at L, issue 23).
    static let ahead = 8

    init(count: Int) {
        items = Array(repeating: ParsedPiece(), count: count)
        failures = Array(repeating: nil, count: count)
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
    }
    var cancelled: Bool { turn.withLock { stop } }
    func cancel() { turn.withLock { stop = true; turn.broadcast() } }

    /// Waits until piece `k` may be parsed: at most `ahead` pieces beyond the one the restore waits for. (By piece,
    /// not by a count of free places: a piece taken by a parser after a later one must never wait on it.)
    func waitForTurn(_ k: Int) {
        turn.lock()
        while taken < k - Self.ahead && !stop { turn.wait() }
        turn.unlock()
    }
    func deliver(_ k: Int, _ parsed: ParsedPiece, _ failure: StoreError?) {
        turn.withLock { items[k] = parsed; failures[k] = failure }
        ready[k].signal()
    }
    /// Waits for piece `k`, and lets go of it: a restored piece's memory is reused by the next.
    func take(_ k: Int) -> (ParsedPiece, StoreError?) {
        ready[k].wait()
        return turn.withLock {
            let out = (items[k], failures[k])
            items[k] = ParsedPiece()
            taken = max(taken, k + 1)
            turn.broadcast()
            return out
        }
    }
}

/// Invalid UTF-8 is named as such; anything else gets the decoder's account with its position.
func describeLineError(_ error: Error, _ line: Data) -> String {
    // A JSON line is one line: its position is a column.
    String(data: line, encoding: .utf8) == nil ? "not valid UTF-8 text"
        : describeDecodingError(error, data: line).replacingOccurrences(of: " at line 1, column ", with: " at column ")
}

/// Why a journal line could not be read.
struct LineProblem: Error { let message: String; init(_ m: String) { message = m } }
