import ArgumentParser
import Foundation
import Receivables
import Workstation

/// Decides who the user is for a session.
enum Sessions {
    static func make(store: BookStore, userId: String?, demo: Bool, today: CalendarDate) throws -> Session {
        let users = store.book.users
        let collectors = users.values.filter { $0.role == .collector }.map(\.id).sorted()
        if let id = userId {
            if let u = users[id] { return Session(store: store, user: u, today: today) }
            if users.isEmpty { return Session(store: store, user: User(id: id, name: id, role: .collector), today: today) }
            warn("unknown user '\(id)'; users of this store: \(users.keys.sorted().joined(separator: ", "))")
            throw ExitCode(2)
        }
        let env = ProcessInfo.processInfo.environment["USER"] ?? ""
        if let u = users[env] { return Session(store: store, user: u, today: today) }
        if demo, let first = collectors.first { return Session(store: store, user: users[first]!, today: today) }
        if users.isEmpty { return Session(store: store, user: User(id: env.isEmpty ? "user" : env, name: env, role: .collector), today: today) }
        warn("say who you are with --user (users of this store: \(users.keys.sorted().joined(separator: ", ")))")
        throw ExitCode(2)
    }
}
