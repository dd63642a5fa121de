import Receivables
import TerminalKit
import Workstation

/// A workstation on a store in memory, drawing into a screen buffer: where screen tests start.
public func workstation(_ store: MemoryStore, user: String = "amelie", today: CalendarDate = Fixtures.date("2026-11-23"),
                        rows: Int = 24, columns: Int = 100) -> (App, ScreenBuffer) {
    let screen = ScreenBuffer(rows: rows, columns: columns)
    return (App(session: Session(store: store, user: store.book.users[user]!, today: today), terminal: screen), screen)
}
