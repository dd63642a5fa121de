/// How a customer pays: average days late over the last year, weighted by amount, and its trend. Items still
/// unpaid after their due date count too, as late as they are at the date (issue 10: a customer with 133 k€
/// overdue did not "pay 9 days late").
/// The first thing to look at before agreeing a payment plan (seed 003: "le profil payeur").
public struct PayerProfile: Sendable, Equatable {
    /// Average days after the due date, weighted by the amounts paid (negative: pays early).
    public var averageDaysLate: Int
    /// Payments counted.
    public var payments: Int
    /// Overdue items still unpaid at the date, counted as late as they are.
    public var unpaidOverdue: Int = 0
    /// Average of the last 90 days minus the average of the 275 days before, when both exist.
    public var trend: Int?

    // Worded at the edge: `PayerProfileWording.summary` (issue 18).
}

extension Book {
    /// The payer profile from payments allocated in the 365 days up to `date` and the items unpaid past their due
    /// date, or nil when there are neither.
    public func payerProfile(of customerId: String, asOf date: CalendarDate) -> PayerProfile? {
        let since = date.adding(days: -364), recent = date.adding(days: -89)
        // Sums as Money: they saturate rather than trap on absurd amounts an old store may hold.
        var all: (Money, Money) = (.zero, .zero), last: (Money, Money) = (.zero, .zero), before: (Money, Money) = (.zero, .zero)
        var count = 0, unpaid = 0
        for (inv, settlements) in invoicesWithSettlements(of: customerId) {
            let open = Book.openAmount(of: inv, settlements: settlements, asOf: date)
            if open.isPositive && inv.dueDate < date {
                let weighted = open.times(Int64(inv.dueDate.days(until: date)))
                all.0 += weighted; all.1 += open
                last.0 += weighted; last.1 += open
                unpaid += 1
            }
            for s in settlements {
                // A write-off counts as paid on its date, as late as it then was, and whatever its age: it is the
                // worst of payments and must not fall out of the profile a year later.
                switch s.kind {
                case .payment: guard s.date >= since, s.date <= date else { continue }
                case .writeOff: guard s.date <= date else { continue }
                case .creditNote: continue
                }
                let weighted = s.amount.times(Int64(inv.dueDate.days(until: s.date)))
                all.0 += weighted; all.1 += s.amount
                if s.date >= recent { last.0 += weighted; last.1 += s.amount } else { before.0 += weighted; before.1 += s.amount }
                count += 1
            }
        }
        guard all.1.isPositive else { return nil }
        func average(_ p: (Money, Money)) -> Int { Int(clamping: p.0.scaled(by: 1, over: p.1.cents).cents) }
        let trend = last.1.isPositive && before.1.isPositive ? average(last) - average(before) : nil
        return PayerProfile(averageDaysLate: average(all), payments: count, unpaidOverdue: unpaid, trend: trend)
    }
}
