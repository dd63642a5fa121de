/// The input rules, each written once (issue 18: "within the open amount" was written in about ten places and the
/// dispute form's differed from the book's; "not in the past" in eight; a hard-coded 12-month promise horizon
/// contradicted the policy's; the SIREN rule twice, the importer's checking only the digits). Forms put a rule's
/// problem next to the field it names; imports next to the line; `applyNew` refuses the change with it.
public enum Rules {
    /// What an input problem concerns, for a form to put it next to the right field.
    public enum Subject: String, Sendable { case amount, date, invoices, siren }

    /// A rule's problem with a value (worded at the edge: `Wording`), and the subject it concerns.
    public enum Problem: Error, Equatable, Sendable {
        case inPast(CalendarDate)
        case beyondHorizon(CalendarDate, months: Int, until: CalendarDate)
        case notPositive
        /// Above what is open on the ticked invoices; `lessDisputed` when some of it is already disputed.
        case aboveOpen(Money, open: Money, lessDisputed: Bool)
        case siren(String)

        public var subject: Subject {
            switch self {
            case .inPast, .beyondHorizon: .date
            case .notPositive, .aboveOpen: .amount
            case .siren: .siren
            }
        }
    }

    /// A date a person enters for something to come (a promise, a next action, a follow-up, a plan's payment): not
    /// before `today`.
    public static func notInPast(_ d: CalendarDate, today: CalendarDate) -> Problem? {
        d < today ? .inPast(d) : nil
    }

    /// Within the policy's horizon for future dates, counted from `start`.
    public static func withinHorizon(_ d: CalendarDate, from start: CalendarDate, policy: Policy) -> Problem? {
        let end = start.adding(months: policy.futureHorizonMonths)
        return d <= end ? nil : .beyondHorizon(d, months: policy.futureHorizonMonths, until: end)
    }

    /// Both: a date to come, from today to the horizon.
    public static func future(_ d: CalendarDate, today: CalendarDate, policy: Policy) -> Problem? {
        notInPast(d, today: today) ?? withinHorizon(d, from: today, policy: policy)
    }

    /// Above zero and within what is open on `invoices`, as the book computes it: their open amounts, less what is
    /// already disputed when the amount is a new dispute's (a part cannot be disputed twice).
    public static func withinOpen(_ amount: Money, on invoices: [String], in book: Book, lessDisputed: Bool = false) -> Problem? {
        guard amount.isPositive else { return .notPositive }
        let disputed = lessDisputed ? invoices.reduce(Money.zero) { $0 + book.disputedAmount($1) } : .zero
        let open = openAmount(on: invoices, in: book, lessDisputed: lessDisputed)
        return amount <= open ? nil : .aboveOpen(amount, open: open, lessDisputed: disputed.isPositive)
    }

    /// What is open on `invoices`, as `withinOpen` counts it (a form's default amount is the most the rule takes).
    public static func openAmount(on invoices: [String], in book: Book, lessDisputed: Bool = false) -> Money {
        invoices.reduce(Money.zero) { $0 + book.openAmount($1) - (lessDisputed ? book.disputedAmount($1) : .zero) }
    }

    /// The SIREN, the French company number: 9 ASCII digits whose Luhn sum is a multiple of 10.
    public static func siren(_ s: String) -> Problem? {
        Siren.isValid(s) ? nil : .siren(s)
    }
}
