/// Recording written reminders as sent (issue 22, 6): the one place that chooses, from the latest book, what a
/// customer's written line still asks for today and makes the change that records it. The agenda's `s`, `relance
/// letters --mark-sent` and the mail run call it under the store's lock, so a reminder a colleague recorded a moment
/// ago is never recorded twice, and each item moves to its own step's level.
public enum WrittenReminders {
    /// The customer's written line on `date` (a litigation review is a decision, not a reminder), within
    /// `collector`'s accounts when given (`Agenda.unassigned`: the accounts without an active collector).
    public static func line(of customerId: String, in book: Book, date: CalendarDate, collector: String? = nil) -> AgendaLine? {
        line(of: customerId, in: book, date: date, collector: collector, byEmail: nil)
    }

    /// The same, only when it goes by e-mail (`byEmail` true) or by letter (false): `relance letters` and `relance
    /// mail` split the day's written reminders that way, so no reminder goes out twice.
    public static func line(of customerId: String, in book: Book, date: CalendarDate, collector: String?, byEmail: Bool?) -> AgendaLine? {
        guard Agenda.isInScope(customerId, collector: collector, in: book) else { return nil }
        guard let l = Agenda.lines(of: customerId, book: book, date: date).first(where: { $0.kind == .written && $0.channel != .litigationReview })
        else { return nil }
        if let byEmail, byEmail != (l.email != nil) { return nil }
        return l
    }

    /// The change that records as sent what the customer's written line asks for on `date` in `book` (chosen
    /// again from it), and how many steps it records; nil when nothing is left to send.
    public static func markSent(_ customerId: String, in book: Book, user: String, date: CalendarDate, at stamp: String, file: String? = nil) -> (change: Change, steps: Int)? {
        guard let fresh = line(of: customerId, in: book, date: date) else { return nil }
        let recorded = fresh.sentActivities(user: user, date: date, at: stamp, policy: book.policy, file: file)
        guard !recorded.isEmpty else { return nil }
        return (recorded.count == 1 ? .logActivity(activity: recorded[0]) : .batch(changes: recorded.map { .logActivity(activity: $0) }), recorded.count)
    }
}
