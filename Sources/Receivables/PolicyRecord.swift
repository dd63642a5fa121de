import Foundation

/// The policy as store data (schema 6, issue 15): a record of the store, changed by `Change.setPolicy` (supervisors),
/// with the log of who changed what. Before, each store read a `policy.json` beside its files that anyone in the
/// group could edit, that `backup` left out, and whose deletion fell back to the default without a word.
///
/// A store that never set its own policy holds no policy record and follows the policy shipped with Relance (so a
/// new release's interest-rate table reaches it); the first `setPolicy`, or a migration from `policy.json`, gives
/// it one.
public struct StoredPolicy: Codable, Sendable, Equatable {
    public var policy: Policy
    public var log: [PolicyChange]
    public init(policy: Policy, log: [PolicyChange]) { self.policy = policy; self.log = log }
}

/// One change of a store's policy: when, by whom, and what moved (values, worded at the edge).
public struct PolicyChange: Codable, Sendable, Equatable {
    public var at: String
    public var user: String
    /// `policy.json` taken into the store by a migration, rather than a change a supervisor saved.
    public var migrated: Bool?
    public var differences: [PolicyDifference]
    public init(at: String, user: String, migrated: Bool? = nil, differences: [PolicyDifference]) {
        self.at = at; self.user = user; self.migrated = migrated; self.differences = differences
    }
}

/// One setting that changed: its path in the policy (`steps[preventive-call].days`) and its JSON values before and
/// after (nil: absent).
public struct PolicyDifference: Codable, Sendable, Equatable {
    public var key: String
    public var old: String?
    public var new: String?
    public init(key: String, old: String?, new: String?) { self.key = key; self.old = old; self.new = new }
}

extension Policy {
    /// What differs between two policies, setting by setting, in the order of the keys (steps by their id).
    public static func differences(from old: Policy, to new: Policy) -> [PolicyDifference] {
        let a = flatten(old), b = flatten(new)
        var out: [PolicyDifference] = []
        for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
            out.append(PolicyDifference(key: key, old: a[key], new: b[key]))
        }
        return out
    }

    /// Every leaf of the policy's JSON, by path; arrays of objects with an `id` are keyed by it (a step inserted
    /// does not show every later step as changed).
    static func flatten(_ p: Policy) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(p), let root = try? JSONSerialization.jsonObject(with: data) else { return [:] }
        var out: [String: String] = [:]
        func leaf(_ v: Any) -> String {
            guard let d = try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]) else { return "\(v)" }
            return String(decoding: d, as: UTF8.self)
        }
        func walk(_ v: Any, _ path: String) {
            if let d = v as? [String: Any] {
                for (k, x) in d { walk(x, path.isEmpty ? k : path + "." + k) }
            } else if let a = v as? [Any] {
                for (i, x) in a.enumerated() {
                    let id = (x as? [String: Any])?["id"] as? String
                    if let y = x as? [String: Any], let id { walk(y.filter { $0.key != "id" }, path + "[\(id)]") }
                    else if let y = x as? [String: Any], let year = y["year"], let half = y["half"] { walk(y, path + "[\(year)-H\(half)]") }
                    else { walk(x, path + "[\(i)]") }
                }
            } else {
                out[path] = leaf(v)
            }
        }
        walk(root, "")
        return out
    }
}

extension Book {
    /// `Change.setPolicy`: the policy replaced, logged, and every item's dunning level read again in its ladder
    /// (a step gained or removed moves the levels, as when a store's policy changed between two loads).
    mutating func setPolicy(_ new: Policy, user: String, at: String) {
        policyLog.append(PolicyChange(at: at, user: user, differences: Policy.differences(from: policy, to: new)))
        policy = new
        hasOwnPolicy = true
        let steps = dunningSteps
        invoices.updateAll { Self.realign(&$0, steps: steps) }
    }

    /// The policy read from an older store's `policy.json`, taken in as the store's own (schema 6 migration).
    public mutating func adoptPolicyFile(_ p: Policy, at: String) {
        policyLog.append(PolicyChange(at: at, user: "policy.json", migrated: true, differences: Policy.differences(from: .standard, to: p)))
        policy = p
        hasOwnPolicy = true
    }

    /// The record a snapshot holds for the policy, when the store has its own.
    var policyRecord: StoredPolicy? { hasOwnPolicy ? StoredPolicy(policy: policy, log: policyLog) : nil }

    mutating func restorePolicy(_ s: StoredPolicy) throws(DomainError) {
        let problems = s.policy.problems()
        guard problems.isEmpty else { throw .policy(problems) }
        policy = s.policy
        policyLog = s.log
        hasOwnPolicy = true
    }
}
