import TestSupport
import TerminalKit
@testable import Receivables
@testable import Workstation

/// A workstation on `book` after `keys`, each followed by a render as the real loop does (the binding and golden
/// screen tests start here); a plan's terms saved with F2 answer up to two questions until the schedule opens.
func driven(_ book: Book, user: String, today: CalendarDate, keys: [Key], rows: Int, columns: Int) -> (App, ScreenBuffer, MemoryStore) {
    let store = MemoryStore(book: book)
    let (app, screen) = workstation(store, user: user, today: today, rows: rows, columns: columns)
    app.render()
    for k in keys { app.handle(k); app.render() }
    if keys.last == .function(2) { for _ in 0..<2 where !(app.top is ScheduleScreen) { app.handle(.function(2)); app.render() } }
    return (app, screen, store)
}
