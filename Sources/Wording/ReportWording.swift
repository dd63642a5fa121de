import Receivables

/// A report's headings in the reader's language (issue 19): its title and its column titles. The table keeps its
/// English for CSV and JSON, whose keys and headers are stable identifiers and whose output is the same in every
/// language; text output and the reports screen show this.
public enum ReportWording {
    public static func localized(_ t: ReportTable) -> ReportTable {
        var out = t
        out.title = title(t)
        out.columns = t.columns.map { ReportTable.Column($0.id, column($0.title)) }
        func cell(_ c: ReportTable.Cell) -> ReportTable.Cell {
            if case .phrases(let p) = c { return .phrases(p.map { Phrase(verbatim: say($0)) }) }
            // The DSO's measures are identifiers in CSV and JSON (scripts read them), words on a screen.
            if case .text(let s) = c, measures.contains(s) { return .text(translate(s, context: "report")) }
            return c
        }
        // A 12-month row of numbers (CSV and JSON keep them for scripts) is a sparkline for a reader.
        let trends = Set(t.columns.indices.filter { t.columns[$0].id.hasSuffix("_12m") })
        func row(_ r: [ReportTable.Cell]) -> [ReportTable.Cell] {
            r.enumerated().map { i, c in
                if trends.contains(i), case .text(let s) = c { return .text(Sparkline.draw(plain: s)) }
                return cell(c)
            }
        }
        out.rows = t.rows.map(row)
        out.total = t.total.map(row)
        out.notes = t.notes.map { Phrase(verbatim: say($0)) }
        return out
    }

    /// A report's phrase in the reader's language.
    public static func say(_ p: Phrase) -> String {
        if p.verbatim { return Language.current == .fr ? p.french ?? p.id : p.id }
        return Catalogue.fill(translate(p.id, context: "report"), p.values)
    }

    static func title(_ t: ReportTable) -> String {
        guard let d = t.asOf?.french else { return t.title }
        switch t.name {
        case "aged": return tr("Aged balance at {date}", ["date": d])
        case "dso": return tr("DSO at {date}", ["date": d])
        case "disputes": return tr("Disputes by reason at {date}", ["date": d])
        case "promises": return tr("Promises to pay at {date}", ["date": d])
        case "cash-impact": return tr("Cash impact of one day of DSO at {date}", ["date": d])
        case "litigation": return tr("Litigation decisions to {date}", ["date": d])
        case "blocked": return tr("Customers to hold at {date}", ["date": d])
        case "collectors": return tr("Team performance at {date}", ["date": d])
        case "provisions": return tr("Provision for doubtful receivables at {date}", ["date": d])
        case "write-offs": return tr("Write-offs to {date}", ["date": d])
        default: return t.title
        }
    }

    /// A report's name on the reports screen's tabs: the command's name in English (`relance report aged`).
    public static func tab(_ name: String) -> String { tabs.contains(name) ? translate(name, context: "report tab") : name }

    static let tabs: Set<String> = [N_("aged", context: "report tab"), N_("dso", context: "report tab"), N_("disputes", context: "report tab"),
                                    N_("promises", context: "report tab"), N_("cash-impact", context: "report tab"),
                                    N_("blocked", context: "report tab"), N_("litigation", context: "report tab"),
                                    N_("collectors", context: "report tab"), N_("provisions", context: "report tab"), N_("write-offs", context: "report tab")]

    static let months = [N_("January", context: "month"), N_("February", context: "month"), N_("March", context: "month"), N_("April", context: "month"),
                         N_("May", context: "month"), N_("June", context: "month"), N_("July", context: "month"), N_("August", context: "month"),
                         N_("September", context: "month"), N_("October", context: "month"), N_("November", context: "month"), N_("December", context: "month")]

    /// "October 2026", "octobre 2026".
    public static func monthName(_ d: CalendarDate) -> String { translate(months[d.month - 1], context: "month") + " \(d.year)" }

    static let measures: Set<String> = [N_("standard", context: "report"), N_("count-back", context: "report"),
                                         N_("standard net", context: "report"), N_("count-back net", context: "report"),
                                         N_("not due", context: "report"), N_("over 360", context: "report"), N_("litigation", context: "report")]

    /// The column titles the domain's reports use, marked for the catalogue (context "report").
    static let columnTitles: Set<String> = [
        N_("Age", context: "report"), N_("Amount", context: "report"), N_("At stake", context: "report"),
        N_("Broken", context: "report"), N_("By", context: "report"), N_("Channel", context: "report"),
        N_("Code", context: "report"), N_("Collector", context: "report"), N_("Contact", context: "report"),
        N_("Count", context: "report"), N_("Customer", context: "report"), N_("Date", context: "report"),
        N_("Days", context: "report"), N_("Days overdue", context: "report"), N_("Decision", context: "report"),
        N_("Detail", context: "report"), N_("Disputed", context: "report"), N_("E-mail", context: "report"),
        N_("How", context: "report"), N_("Id", context: "report"), N_("Invoices", context: "report"),
        N_("Kept", context: "report"), N_("Kept rate", context: "report"), N_("Kind", context: "report"),
        N_("Late", context: "report"), N_("Login", context: "report"), N_("Made", context: "report"),
        N_("Measure", context: "report"), N_("Median age", context: "report"), N_("Name", context: "report"),
        N_("Net", context: "report"), N_("On account", context: "report"), N_("Open", context: "report"),
        N_("Partly", context: "report"), N_("Phone", context: "report"), N_("Reason", context: "report"),
        N_("Reason / next review", context: "report"), N_("Role", context: "report"), N_("Share", context: "report"),
        N_("Status", context: "report"), N_("Steps", context: "report"), N_("Total", context: "report"),
        N_("Why", context: "report"), N_("Withdrawn", context: "report"), N_("not due", context: "report"),
        N_("over 120", context: "report"), N_("Asked", context: "report"), N_("Note", context: "report"),
        N_("Accounts", context: "report"), N_("Planned", context: "report"), N_("Done", context: "report"), N_("Promises", context: "report"),
        N_("Promised", context: "report"), N_("Kept (n)", context: "report"), N_("Kept (€)", context: "report"), N_("Cash (month)", context: "report"),
        N_("Overdue", context: "report"), N_("DSO", context: "report"), N_("BPDSO", context: "report"), N_("ADD", context: "report"),
        N_("CEI", context: "report"), N_("DSO 12 months", context: "report"), N_("Overdue 12 months", context: "report"),
        N_("Base excl. VAT", context: "report"), N_("Base incl. VAT (estimate)", context: "report"), N_("Rate", context: "report"),
        N_("Provision", context: "report"), N_("Month", context: "report")
    ]

    /// A column's title (the English one the domain gives, as the catalogue's id); a title the list lacks stays as given.
    public static func column(_ english: String) -> String {
        columnTitles.contains(english) ? translate(english, context: "report") : english
    }
}
