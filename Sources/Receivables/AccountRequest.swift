import Foundation
import RelanceResources

/// A salesperson's request on an account (issue 20, schema 10): a higher credit limit, or a risk flag from the
/// field. Supervisors approve or refuse it with a note; an approved credit limit is applied in the same batch as the
/// decision; the requester is shown the outcome the next time they open Relance (`seen`).
public struct AccountRequest: Codable, Sendable, Equatable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case creditLimit = "credit-limit", risk }
    public enum Status: String, Codable, Sendable, CaseIterable { case pending, approved, refused }

    public var id: String
    public var customerId: String
    public var kind: Kind
    public var requestedBy: String
    /// When it was filed (UTC, ISO-8601) and the working day it was filed on.
    public var at: String
    public var date: CalendarDate
    /// The credit limit asked for.
    public var amount: Money?
    /// A risk flag's code (`RiskFlagCatalogue`).
    public var flag: String?
    public var note: String
    public var status: Status
    public var decidedBy: String?
    public var decidedAt: String?
    public var decisionNote: String?
    /// The requester has seen the decision.
    public var seen: Bool?

    public init(id: String, customerId: String, kind: Kind, requestedBy: String, at: String, date: CalendarDate,
                amount: Money? = nil, flag: String? = nil, note: String, status: Status = .pending) {
        self.id = id; self.customerId = customerId; self.kind = kind; self.requestedBy = requestedBy; self.at = at
        self.date = date; self.amount = amount; self.flag = flag; self.note = note; self.status = status
    }

    public var isPending: Bool { status == .pending }
}

/// The risk flags a salesperson raises, shipped in `Resources/catalogue/risk-flags.json`.
public struct RiskFlagCatalogue: Sendable, Equatable {
    public struct Flag: Codable, Sendable, Equatable {
        public var code: String
        public var fr: String
        public var en: String
    }
    public var flags: [Flag]
    public func flag(_ code: String) -> Flag? { flags.first { $0.code == code } }

    public static let standard: RiskFlagCatalogue = {
        let source = ResourceFiles.path(folder: "catalogue", name: "risk-flags.json")
        guard let data = ResourceFiles.data(folder: "catalogue", name: "risk-flags.json"),
              let list = try? JSONDecoder().decode([Flag].self, from: data), !list.isEmpty
        else { fatalError("Relance is installed without a readable risk-flag catalogue: \(source)") }
        return RiskFlagCatalogue(flags: list)
    }()
}

/// A supervisor's decision on a request.
public struct RequestDecision: Codable, Sendable, Equatable {
    public var approve: Bool
    public var user: String
    public var at: String
    public var note: String
    public init(approve: Bool, user: String, at: String, note: String) { self.approve = approve; self.user = user; self.at = at; self.note = note }
}

extension Book {
    public func requests(of customerId: String) -> [AccountRequest] {
        (requestsByCustomer[customerId] ?? []).compactMap { requests[$0] }
    }

    /// Pending requests, oldest first (the supervisor's queue).
    public var pendingRequests: [AccountRequest] {
        requests.values.filter(\.isPending).sorted { ($0.date, $0.at, $0.id) < ($1.date, $1.at, $1.id) }
    }

    /// Decisions on `user`'s requests they have not seen yet (shown when they open Relance).
    public func unseenDecisions(of user: String) -> [AccountRequest] {
        requests.values.filter { $0.requestedBy == user && !$0.isPending && $0.seen != true }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
    }

    /// Risk flags raised on the account and not refused, latest first.
    public func riskFlags(of customerId: String) -> [AccountRequest] {
        requests(of: customerId).filter { $0.kind == .risk && $0.status != .refused }.reversed()
    }

    func checkRequest(_ r: AccountRequest) throws(DomainError) {
        guard customers[r.customerId] != nil else { throw .unknown(.customer, r.customerId) }
        guard requests[r.id] == nil else { throw .alreadyRecorded(.request, r.id) }
        guard !r.note.trimmed.isEmpty else { throw .reasonRequired }
        switch r.kind {
        case .creditLimit:
            guard let a = r.amount, a.isPositive else { throw .about(.amount, .notPositive) }
            guard a.isWithinLimit else { throw .about(.amount, .aboveLimit(a)) }
            if let current = customers[r.customerId]?.creditLimit, a <= current { throw .limitNotAbove(current) }
        case .risk:
            guard let f = r.flag, RiskFlagCatalogue.standard.flag(f) != nil else {
                throw .unknownFlag(r.flag ?? "", choices: RiskFlagCatalogue.standard.flags.map(\.code))
            }
        }
    }
}

extension Activity {
    /// News from the field the collector must see: a salesperson's call, visit or note, or a risk flag.
    public var isFieldSignal: Bool {
        switch event {
        case .fieldReport?: true
        case .requestFiled(_, let kind, _, _)?: kind == .risk
        default: false
        }
    }
}

public enum AccountRequests {
    /// Filing a request: the record and its history entry, in one batch.
    public static func file(_ r: AccountRequest, entryId: String) -> Change {
        let entry = Activity(id: entryId, at: r.at, date: r.date, user: r.requestedBy, customerId: r.customerId, channel: .note,
                             note: r.note, event: .requestFiled(id: r.id, kind: r.kind, amount: r.amount, flag: r.flag))
        return .batch(changes: [.fileRequest(request: r), .logActivity(activity: entry)])
    }

    /// Deciding a request: the decision, its history entry and, for an approved credit limit, the new limit.
    public static func decide(_ r: AccountRequest, approve: Bool, note: String, by user: String, at: String, date: CalendarDate,
                              entryId: String) -> Change {
        var changes: [Change] = [.decideRequest(id: r.id, decision: RequestDecision(approve: approve, user: user, at: at, note: note))]
        if approve, r.kind == .creditLimit, let amount = r.amount {
            var patch = CustomerPatch(creditLimit: amount)
            patch.date = date
            changes.append(.updateCustomer(id: r.customerId, patch: patch))
        }
        changes.append(.logActivity(activity: Activity(id: entryId, at: at, date: date, user: user, customerId: r.customerId, channel: .note,
            note: note, event: .requestDecided(id: r.id, kind: r.kind, approved: approve, amount: r.amount, flag: r.flag))))
        return .batch(changes: changes)
    }
}
