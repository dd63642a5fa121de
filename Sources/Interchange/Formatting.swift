import Wording
import TextSafety
import Foundation
import Receivables

/// Output formats of the command-line reports and agenda.
public enum OutputFormat: String, CaseIterable, Sendable { case text, csv, json }

/// Writes a `ReportTable` as aligned text, CSV (plain numbers, `,`-separated, quoted when needed) or JSON.
public enum TableFormatter {
    public static func format(_ table: ReportTable, as format: OutputFormat) -> String {
        switch format {
        case .text: return text(ReportWording.localized(table))
        case .csv: return csv(table)
        case .json: return json(table)
        }
    }

    static func text(_ t: ReportTable) -> String {
        let t = t.mapTexts(Safe.text)   // a terminal shows this: control characters as placeholders
        // Each cell worded and measured once (at 5,000 rows, twice each was a tenth of `report aged`).
        let header = t.columns.map(\.title), rows = t.rows.map { $0.map(\.display) }, total = t.total.map { $0.map(\.display) }
        let measured = ([header] + rows + (total.map { [$0] } ?? [])).map { $0.map { ($0, width($0)) } }
        var widths = t.columns.indices.map { i in measured.map { i < $0.count ? $0[i].1 : 0 }.max() ?? 0 }
        widths = widths.map { min($0, 60) }
        let numeric = t.columns.indices.map { i in t.rows.first.map { $0[i].isNumeric } ?? false }
        // Written as bytes into one buffer, each line ended by a line feed (strings padded and joined cell by cell
        // were a third of what `report aged` did after opening the store).
        var bytes: [UInt8] = []
        bytes.reserveCapacity((widths.reduce(0, +) + 2 * widths.count + 1) * (measured.count + 4))
        func text(_ s: String) { bytes.append(contentsOf: s.utf8); bytes.append(0x0A) }
        func spaces(_ n: Int) { if n > 0 { bytes.append(contentsOf: repeatElement(0x20, count: n)) } }
        func line(_ cells: [(String, Int)]) {
            let start = bytes.count
            for (i, cell) in cells.enumerated() {
                if i > 0 { spaces(2) }
                let w = widths[i]
                if cell.1 > w {
                    bytes.append(contentsOf: (String(cell.0.prefix(w - 1)) + "…").utf8)
                } else if numeric[i] {
                    spaces(w - cell.1); bytes.append(contentsOf: cell.0.utf8)
                } else {
                    bytes.append(contentsOf: cell.0.utf8); spaces(w - cell.1)
                }
            }
            while bytes.count > start, bytes.last == 0x20 { bytes.removeLast() }
            // A last cell ending in other white space (a no-break space) is trimmed as a string is.
            if bytes.count > start, let last = bytes.last, last >= 0x80 || (0x09...0x0D).contains(last) {
                let trimmed = trimmingTrailingSpace(String(decoding: bytes[start...], as: UTF8.self))
                bytes.removeSubrange(start...)
                bytes.append(contentsOf: trimmed.utf8)
            }
            bytes.append(0x0A)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        text(t.title); text(""); line(measured[0]); text(rule)
        for cells in measured[1..<(1 + rows.count)] { line(cells) }
        if total != nil { text(rule); line(measured[measured.count - 1]) }
        if t.rows.isEmpty { text("(none)") }
        if !t.notes.isEmpty { text(""); for note in t.notes { text(tr("note: {note}", ["note": note.english])) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A line without the padding of its last cells. (A regular expression did this: at 5,000 rows it was a fifth of
    /// the whole `report aged` process.) Cells hold no line breaks: `Safe.text` made them placeholders.
    static func trimmingTrailingSpace(_ s: String) -> String {
        guard let last = s.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(s[...last])
    }

    /// Characters, as a terminal shows them one a column; ASCII text (most cells) counted by its bytes.
    static func width(_ s: String) -> Int { s.utf8.allSatisfy { $0 < 0x80 } ? s.utf8.count : s.count }

    public static func csvField(_ s: String) -> String {
        s.contains(where: { ",\"\n\r;".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// A cell for a spreadsheet: a *text* starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so it is
    /// never taken for a formula (`=HYPERLINK(...)` in a customer name); numbers stay numbers, a negative amount
    /// included.
    public static func csvCell(_ cell: ReportTable.Cell) -> String {
        guard case .text(let raw) = cell else { return csvField(cell.plain) }
        // Printed to a terminal as often as opened in a spreadsheet: control characters are shown, not sent.
        let s = Safe.text(raw)
        guard let first = raw.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return csvField(s) }
        return csvField("'" + s)
    }

    static func csv(_ t: ReportTable) -> String {
        var out = [t.columns.map { csvField($0.id) }.joined(separator: ",")]
        out += t.rows.map { $0.map(csvCell).joined(separator: ",") }
        if let total = t.total { out.append(total.map(csvCell).joined(separator: ",")) }
        return out.joined(separator: "\n") + "\n"
    }

    static func json(_ t: ReportTable) -> String {
        func object(_ cells: [ReportTable.Cell]) -> [String: Any] {
            var o: [String: Any] = [:]
            for (c, v) in zip(t.columns, cells) {
                switch v {
                case .text(let s): o[c.id] = s
                case .int(let i): o[c.id] = i
                default: o[c.id] = v.plain   // exact decimals as strings, never binary floating point
                }
            }
            return o
        }
        var root: [String: Any] = ["report": t.name, "title": t.title, "rows": t.rows.map(object), "notes": t.notes.map(\.english)]
        if let total = t.total { root["total"] = object(total) }
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Safe.json(String(decoding: data, as: UTF8.self)) + "\n"
    }
}

/// The agenda as a table, for `relance agenda`.
public enum AgendaExport {
    public static func table(_ agenda: Agenda, book: Book) -> ReportTable {
        var rows: [[ReportTable.Cell]] = []
        for (i, line) in agenda.lines.enumerated() {
            let r = line.reasons
            rows.append([.int(i + 1), .text(line.kind.rawValue), .text(line.sentBy.rawValue), .text(line.customerId), .text(line.customerName),
                         .text(line.collector ?? ""), .money(line.amountAtStake), .int(line.oldestDaysOverdue), .int(line.age),
                         .text(line.contact?.name ?? ""), .text(line.contact?.phone ?? ""),
                         .text(r.map(\.step).joined(separator: "+")), .text(AgendaWording.why(line)),
                         .text(r.map { tr("{reason} since {date}: {detail}", ["reason": AgendaWording.label($0), "date": $0.since.iso,
                                                                               "detail": AgendaWording.detail($0, book: book)])
                             + ($0.invoices.isEmpty ? "" : " [\($0.invoices.joined(separator: " "))]") }.joined(separator: " | "))])
        }
        let whose = agenda.collector.map { tr("Agenda of {name} for {date}", ["name": $0, "date": agenda.date.iso]) }
            ?? tr("Agenda of the whole team for {date}", ["date": agenda.date.iso])
        let title = tr("{whose}: {calls}, {written}", ["whose": whose, "calls": trn("{count} call", "{count} calls", count: agenda.calls.count),
                                                      "written": trn("{count} written reminder", "{count} written reminders", count: agenda.written.count)])
        return ReportTable(name: "agenda", title: title,
            columns: [.init("rank", "#"), .init("kind", "Kind"), .init("channel", "Channel"), .init("customer_id", "Id"), .init("customer", "Customer"),
                      .init("collector", "Collector"), .init("amount_at_stake", "At stake"), .init("oldest_days_overdue", "Late"), .init("age_days", "Age"),
                      .init("contact", "Contact"), .init("phone", "Phone"), .init("steps", "Steps"), .init("why", "Why"), .init("detail", "Detail")],
            rows: rows, total: nil, notes: [Phrase("calls first by priority (broken promises, then follow-ups, then amount at stake x lateness), then written reminders")])
    }
}

/// "1 call", "2 calls".
