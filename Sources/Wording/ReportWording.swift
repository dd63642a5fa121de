import Receivables

/// A report's headings in the reader's language (issue 19): its title and its column titles. The table keeps its
/// English for CSV and JSON, whose keys and headers are stable identifiers and whose output is the same in every
/// language; text output and the reports screen show this.
public enum ReportWording {
    public static func localized(_ t: ReportTable) -> ReportTable {
        var out = t
        out.title = title(t)
        out.columns = t.columns.map { ReportTable.Column($0.id, column($0.title)) }
        return out
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
        default: return t.title
        }
    }

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
        N_("over 120", context: "report")
    ]

    /// A column's title (the English one the domain gives, as the catalogue's id); a title the list lacks stays as given.
    public static func column(_ english: String) -> String {
        columnTitles.contains(english) ? translate(english, context: "report") : english
    }
}
