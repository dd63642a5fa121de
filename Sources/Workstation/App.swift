import Foundation
import Receivables
import TerminalKit
import Wording

/// The workstation: a stack of screens over one session, driven by keys, rendered on a `Terminal`.
public final class App {
    public let session: Session
    let terminal: Terminal
    public private(set) var stack: [any Screen]
    public private(set) var status: StatusMessage?
    public private(set) var finished = false
    private var lastPoll = Date()
    private var lastKey = Date()

    public init(session: Session, terminal: Terminal, start: (any Screen)? = nil) {
        self.session = session
        self.terminal = terminal
        let agendaScope = session.user.role == .collector ? session.user.id : nil
        // A salesperson starts on their customers, riskiest first (issue 20), not on the collection queue.
        stack = [start ?? (session.user.role == .salesperson ? PortfolioScreen() : AgendaScreen(scope: agendaScope))]
        if session.store.isReadOnly { status = .error(tr("Read-only session: you can look, but nothing can be saved")) }
        else { announceDecisions() }
    }

    /// The decisions on the user's requests made since they last opened Relance: said once, then marked seen.
    func announceDecisions() {
        let book = session.book
        let unseen = book.unseenDecisions(of: session.user.id)
        guard !unseen.isEmpty else { return }
        let said = unseen.prefix(2).map { r in
            tr("{customer}: {asked} {status} by {name} ({note})", ["customer": book.customers[r.customerId]?.name ?? r.customerId,
                "asked": AccountWording.asked(kind: r.kind, amount: r.amount, flag: r.flag), "status": r.status.label,
                "name": session.name(of: r.decidedBy), "note": r.decisionNote ?? ""])
        }.joined(separator: "; ")
        let ids = unseen.map(\.id), user = session.user.id
        do {
            try session.store.commit(user: user) { latest in
                .acknowledgeRequests(ids: ids.filter { latest.requests[$0]?.seen != true }, user: user)
            }
            status = .info(trn("Your request: {said}", "Your requests: {said}", count: unseen.count, ["said": said])
                           + (unseen.count > 2 ? " " + tr("(+{count}, Q lists them)", ["count": "\(unseen.count - 2)"]) : ""))
        } catch {
            status = .error(tr("Your requests were decided ({said}), but could not be marked seen: {problem}", ["said": said, "problem": Self.wording(error)]))
        }
    }

    public var top: any Screen { stack[stack.count - 1] }

    /// The same screens and message over another session and terminal (tests try a key on a copy).
    public func copy(session: Session, terminal: Terminal) -> App {
        let app = App(session: session, terminal: terminal)
        app.stack = stack
        app.status = status
        return app
    }

    /// Shows a warning on the status line (a torn journal line that was ignored, a network filesystem).
    public func showWarning(_ text: String) { status = .error(tr("Warning: {text}", ["text": text])) }

    /// Handles one key; returns false when the app should stop.
    @discardableResult
    public func handle(_ key: Key) -> Bool {
        guard let command = Bindings.command(for: key, on: top.screenID) else { return !finished }
        if command != .redraw, !top.screenID.takesText { status = nil }
        switch command {
        case .redraw:
            terminal.clear()
            return true
        case .help where !(top is HelpScreen):
            stack.append(HelpScreen(for: top))
            status = nil   // the help has its own last rows
            return true
        case .search:
            stack.append(SearchScreen())
            return true
        case .quit:
            finished = true
            return false
        default: break
        }
        var screen = stack.removeLast()
        let action = screen.handle(command, session: session)
        stack.append(screen)
        apply(action)
        return !finished
    }

    private func apply(_ action: ScreenAction) {
        switch action {
        case .none: break
        case .push(let s): stack.append(s)
        case .pop:
            if stack.count > 1 { stack.removeLast() } else { finished = true }
        case .popWith(let m):
            if stack.count > 1 { stack.removeLast() }
            status = m
        case .popMany(let count, let m):
            stack.removeLast(min(count, stack.count - 1))
            status = m
        case .replace(let s, let m):
            stack[stack.count - 1] = s
            if let m { status = m }
        case .status(let m): status = m
        case .commit(let c): commit(c)
        case .quit: finished = true
        }
    }

    /// Saves a screen's change against the latest book; a refusal is worded once, here, and handed back to the screen.
    private func commit(_ c: Commit) {
        var after: () -> ScreenAction = { .none }
        do {
            try session.store.commit(user: session.user.id) { book in
                let (change, then) = try c.build(book)
                after = then
                return change
            }
        } catch {
            var screen = stack.removeLast()
            let action = screen.commitFailed(Self.wording(error), prefix: c.prefix)
            stack.append(screen)
            apply(action)
            return
        }
        apply(after())
    }

    /// A refusal in words: a screen saves one batch (the change and its history line), and the batch item it came
    /// from ("item 1 (promise …)") names an internal id that says nothing to the user.
    static func wording(_ error: any Error) -> String {
        (error as? DomainError)?.innermost.message ?? "\(error)"
    }

    /// Draws the top screen (after letting it catch up with the book).
    public func render() {
        var screen = stack.removeLast()
        screen.prepare(session: session)
        screen.fit(rows: terminal.size.rows, columns: terminal.size.columns, session: session)
        stack.append(screen)
        terminal.clear()
        terminal.setCursor(nil)
        let (rows, columns) = terminal.size
        if rows < 12 || columns < 50 {
            terminal.put(tr("Relance needs at least 80x24 (this is {size})", ["size": "\(columns)x\(rows)"]), row: 0, column: 0, style: .error)
            terminal.refresh()
            return
        }
        screen.render(on: terminal, session: session)
        Canvas(terminal: terminal).statusLine(status)
        terminal.refresh()
    }

    /// Picks up other users' changes; the screens recompute, forms keep what is being typed.
    @discardableResult
    public func poll() -> Bool {
        do { return try session.store.refresh() } catch {
            status = .error(tr("Could not re-read the store: {problem}", ["problem": "\(error)"]))
            return true
        }
    }

    /// The event loop: keys, and between keys a look at the store every second or so.
    public func run(shouldStop: () -> Bool) {
        render()
        // The first frame is up: the search's keys are made on another thread now rather than at the first idle
        // second, so a `/` pressed soon after launch finds them made (at L, 400 ms to fold at the key otherwise).
        session.prepareSearch()
        while !finished && !shouldStop() {
            guard let key = terminal.readKey(timeout: 500) else {
                if Date().timeIntervalSince(lastPoll) >= 1 {
                    lastPoll = Date()
                    if poll() { render() }
                    // Idle for a while: a good moment for the store's housekeeping (compaction), never inside a save.
                    if Date().timeIntervalSince(lastKey) >= 3, let problem = session.store.maintain() { status = .error(problem); render() }
                    // Idle: the search's keys made on another thread, so that `/` opens at once.
                    session.prepareSearch()
                }
                continue
            }
            lastKey = Date()
            if !handle(key) { break }
            render()
        }
    }
}
