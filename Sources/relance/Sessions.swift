import ArgumentParser
import Foundation
import Receivables
import Workstation
import Wording

/// Decides who the user is for a session: the store's user whose login is this process's (see `Identity`).
enum Sessions {
    static func make(store: BookStore, userId: String?, today: CalendarDate) throws -> Session {
        let user = try Identity.require(book: store.book, requested: userId, doing: tr("the workstation"))
        return Session(store: store, user: user, today: today)
    }
}
