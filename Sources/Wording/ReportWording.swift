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

    /// A column's title (the English one the domain gives, as the catalogue's id).
    public static func column(_ english: String) -> String {
        switch english {
        case "Age": tr("Age", context: "report"); case "Amount": tr("Amount", context: "report"); case "At stake": tr("At stake", context: "report")
        case "Broken": tr("Broken", context: "report"); case "By": tr("By", context: "report"); case "Channel": tr("Channel", context: "report")
        case "Code": tr("Code", context: "report"); case "Collector": tr("Collector", context: "report"); case "Contact": tr("Contact", context: "report")
        case "Count": tr("Count", context: "report"); case "Customer": tr("Customer", context: "report"); case "Date": tr("Date", context: "report")
        case "Days": tr("Days", context: "report"); case "Days overdue": tr("Days overdue", context: "report")
        case "Decision": tr("Decision", context: "report"); case "Detail": tr("Detail", context: "report")
        case "Disputed": tr("Disputed", context: "report"); case "E-mail": tr("E-mail", context: "report"); case "How": tr("How", context: "report")
        case "Id": tr("Id", context: "report"); case "Invoices": tr("Invoices", context: "report"); case "Kept": tr("Kept", context: "report")
        case "Kept rate": tr("Kept rate", context: "report"); case "Kind": tr("Kind", context: "report"); case "Late": tr("Late", context: "report")
        case "Login": tr("Login", context: "report"); case "Made": tr("Made", context: "report"); case "Measure": tr("Measure", context: "report")
        case "Median age": tr("Median age", context: "report"); case "Name": tr("Name", context: "report"); case "Net": tr("Net", context: "report")
        case "On account": tr("On account", context: "report"); case "Open": tr("Open", context: "report"); case "Partly": tr("Partly", context: "report")
        case "Phone": tr("Phone", context: "report"); case "Reason": tr("Reason", context: "report")
        case "Reason / next review": tr("Reason / next review", context: "report"); case "Role": tr("Role", context: "report")
        case "Share": tr("Share", context: "report"); case "Status": tr("Status", context: "report"); case "Steps": tr("Steps", context: "report")
        case "Total": tr("Total", context: "report"); case "Why": tr("Why", context: "report"); case "Withdrawn": tr("Withdrawn", context: "report")
        case "not due": tr("not due", context: "report"); case "over 120": tr("over 120", context: "report")
        default: english
        }
    }
}
