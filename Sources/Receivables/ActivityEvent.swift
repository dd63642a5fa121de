/// What a history entry records, as codes and values (schema 8; issue 18: the forms built a sentence at save time,
/// in English or French, and every reader saw it in the writer's words). The edge words it in the reader's language
/// (`ActivityWording` in the workstation); the entry's `note` is then only what the person typed. Entries written
/// before schema 8 have no event and keep their stored text.
public enum ActivityEvent: Codable, Sendable, Equatable {
    /// A promise to pay on the entry's invoices, and the promises it replaced.
    case promise(amount: Money, date: CalendarDate, replaced: [Commitment])
    /// A dispute coded with a reason of the catalogue.
    case dispute(reason: String, amount: Money)
    /// A dispute moved on, with the credit note that settled it.
    case disputeUpdate(reason: String, status: Dispute.Status, creditNote: String?, credit: Money?)
    /// A payment plan: its down payment, its instalments, and the promises it replaced.
    case plan(down: Money, downDate: CalendarDate, instalments: Int, lastDate: CalendarDate, total: Money, replaced: [Commitment])
    /// A promise withdrawn or a plan cancelled.
    case withdrawn(Commitment)
    /// A litigation review's decision.
    case litigation(outcome: LitigationDecision.Outcome, reason: String?, reviewAgainOn: CalendarDate?)
    /// Late fees waived on the entry's invoice.
    case waiver(amount: Money, reason: String)
    /// Schema 10 (issue 20): the account's controlled fields changed (the note says why).
    case account(changes: [AccountFieldChange])
    /// A request filed on the account (the note is the requester's reason).
    case requestFiled(id: String, kind: AccountRequest.Kind, amount: Money?, flag: String?)
    /// A request decided (the note is the supervisor's).
    case requestDecided(id: String, kind: AccountRequest.Kind, approved: Bool, amount: Money?, flag: String?)
    /// A salesperson's call, visit or note from the field: the collector sees it on the next day's agenda.
    case fieldReport

    /// A promise (amount, date) or a plan (total, number of payments), as an entry names it.
    public struct Commitment: Codable, Sendable, Equatable {
        public var amount: Money
        /// A promise's date; nil for a plan.
        public var date: CalendarDate?
        /// A plan's number of payments; nil for a promise.
        public var payments: Int?

        public static func promise(_ p: Promise) -> Commitment { Commitment(amount: p.amount, date: p.promisedDate, payments: nil) }
        public static func plan(_ p: PaymentPlan) -> Commitment { Commitment(amount: p.total, date: nil, payments: p.schedule.count) }
    }
}
