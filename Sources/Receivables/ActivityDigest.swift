/// What the agenda needs from a customer's history, kept up to date as activities are added, so the full
/// history can stay off the start-up path (the store loads it per account, on demand).
public struct ActivityDigest: Codable, Sendable, Equatable {
    /// Activities recorded for the customer, loaded or not.
    public var count = 0
    /// The latest call or visit.
    public var lastCall: CalendarDate?
    /// The latest written action per policy step; key `*` for written actions recorded without a step.
    public var lastWritten: [String: CalendarDate] = [:]
    /// The latest activity that set a next-action date.
    public var lastScheduled: Activity?
    /// The latest news from the field (schema 10: a salesperson's call, visit or note, a risk flag), which puts the
    /// account on its collector's agenda the next morning.
    public var lastSignal: Activity?

    public init() {}

    public mutating func add(_ a: Activity) {
        count += 1
        // A salesperson's call or visit is news for the collector, not the collector's call.
        if a.isFieldSignal { lastSignal = a }
        else if a.channel == .phone || a.channel == .visit { lastCall = max(lastCall ?? a.date, a.date) }
        if a.channel.isWritten {
            let key = a.step ?? "*"
            lastWritten[key] = max(lastWritten[key] ?? a.date, a.date)
        }
        if a.nextActionDate != nil { lastScheduled = a }
    }

    /// The latest written action to the customer, whatever its step.
    public var lastLetter: CalendarDate? { lastWritten.values.max() }

    /// True when a written action for `step` (or one recorded without a step) is dated on or after `date`.
    public func wrote(step: String, since date: CalendarDate) -> Bool {
        [lastWritten["*"], lastWritten[step]].contains { $0.map { $0 >= date } ?? false }
    }
}
