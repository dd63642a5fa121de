/// Lettering: how a received payment is allocated to a customer's open invoices.
public enum Lettering {
    /// Allocates `amount`: first to the invoice named (or found in the reference), then to the oldest open
    /// invoices by due date; what is left stays unallocated as on-account credit.
    public static func allocate(book: Book, customerId: String, amount: Money, invoiceNumber: String?,
                                reference: String?) -> [Allocation] {
        var remaining = amount
        var out: [Allocation] = []
        var open: [String: Money] = [:]
        let items = book.openInvoices(of: customerId).sorted { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) }
        for inv in items { open[inv.number] = book.openAmount(inv.number) }
        var named: [String] = []
        if let n = invoiceNumber, !n.isEmpty, open[n] != nil { named.append(n) }
        if named.isEmpty, let ref = reference {
            // A reference like "FAC 2026-0042 et 0043" names invoices: match whole tokens against open numbers.
            let tokens = Set(ref.split(whereSeparator: { " ,;/+".contains($0) }).map(String.init))
            named = items.map(\.number).filter { tokens.contains($0) }
        }
        for n in named + items.map(\.number) where remaining.isPositive {
            guard let o = open[n], o.isPositive else { continue }
            let take = min(o, remaining)
            out.append(Allocation(invoice: n, amount: take))
            open[n] = o - take
            remaining -= take
        }
        return out
    }
}
