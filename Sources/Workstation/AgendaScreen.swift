import Wording
import Receivables
import TerminalKit

/// The day's queue: calls first by priority, then written reminders; each line says why it is there.
public struct AgendaScreen: Screen {
    /// Whose agenda: a collector id, or nil for the whole team (supervisors start there).
    public var scope: String?
    var list = ListView()
    public var cursor: Int { list.cursor }
    private(set) var agenda: Agenda?
    private var revision = -1
    /// The whole team's agenda of a book revision, once someone cycles through the agendas (`a`): each scope is then
    /// narrowed from it instead of chosen again for every account (issue 23: 250 ms a press at 100,000 invoices).
    private var team: (revision: Int, agenda: Agenda)?
    /// Issue 20, the collector's day: the customers of this agenda called today (off the queue, shown as done), and
    /// the amount promised today on them.
    private(set) var doneToday: [String] = []
    private(set) var promisedToday = Money.zero

    public init(scope: String?) { self.scope = scope }

    public var title: String { tr("Agenda") }
    public var screenID: ScreenID { .agenda }

    /// Calls, then reminders: the selectable lines.
    public var lines: [AgendaLine] { agenda?.lines ?? [] }

    public mutating func prepare(session: Session) {
        guard session.book.revision != revision || agenda == nil else { return }
        let selected = lines.indices.contains(cursor) ? lines[cursor].customerId + lines[cursor].kind.rawValue : nil
        if scope == nil || team != nil {
            if team?.revision != session.book.revision { team = (session.book.revision, Agenda(book: session.book, date: session.today, collector: nil)) }
            agenda = team!.agenda.narrowed(to: scope, in: session.book)
        } else {
            // A collector's own agenda at start: only their accounts are chosen.
            agenda = Agenda(book: session.book, date: session.today, collector: scope)
        }
        revision = session.book.revision
        let book = session.book, today = session.today, scope = scope
        func inScope(_ id: String) -> Bool {
            switch scope {
            case nil: true
            case Agenda.unassigned?: book.assignedCollector(of: id) == nil
            case let who?: book.assignedCollector(of: id) == who
            }
        }
        doneToday = book.customerOrder.filter { book.digest(of: $0).lastCall == today && inScope($0) }
        promisedToday = book.promises.values.filter { $0.madeOn == today && $0.closedAs == nil && inScope($0.customerId) }.reduce(.zero) { $0 + $1.amount }
        // Marks follow the accounts still on this agenda (a reassigned one leaves it).
        let here = Set(agenda?.lines.map(\.customerId) ?? [])
        list.marked = list.marked.intersection(here)
        // Keep the same line selected when the agenda changes under us (another user's save).
        if let s = selected, let i = lines.firstIndex(where: { $0.customerId + $0.kind.rawValue == s }) { list.cursor = i }
        list.clamp(count: lines.count)
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        if list.move(command, count: lines.count) { return .none }
        switch command {
        case .open:
            guard lines.indices.contains(cursor) else { return .status(.info(tr("Nothing to open: the agenda is empty"))) }
            return .push(AccountScreen(customerId: lines[cursor].customerId))
        case .reports:
            return .push(ReportScreen())
        case .requests:
            return .push(RequestQueueScreen(queue: session.may(.decideRequest)))
        case .dashboard:
            guard session.may(.teamPerformance) else { return .status(.error(tr("The team's figures are for supervisors"))) }
            return .push(DashboardScreen())
        case .mark:
            guard session.may(.editCustomer) else { return .status(.error(tr("Accounts are reassigned by supervisors"))) }
            guard lines.indices.contains(cursor) else { return .none }
            list.toggleMark(lines[cursor].customerId)
            if cursor < lines.count - 1 { list.cursor += 1 }
            return .status(.info(trn("{count} account marked: A reassigns it", "{count} accounts marked: A reassigns them", count: list.marked.count)))
        case .reassign:
            if session.store.isReadOnly { return .status(.error(tr("read-only session: nothing can be saved"))) }
            guard session.may(.editCustomer) else { return .status(.error(tr("Accounts are reassigned by supervisors"))) }
            // Each account once (a customer may have a call and a letter on the agenda), in the agenda's order.
            var seen = Set<String>()
            let marked = lines.map(\.customerId).filter { list.marked.contains($0) && seen.insert($0).inserted }
            let chosen = marked.isEmpty ? (lines.indices.contains(cursor) ? [lines[cursor].customerId] : []) : marked
            guard !chosen.isEmpty else { return .status(.error(tr("Select or mark (Space) the accounts to reassign"))) }
            return .push(FormScreen.reassign(customers: chosen, session: session))
        case .users:
            guard session.may(.manageUsers) else { return .status(.error(tr("The team is managed by supervisors"))) }
            return .push(UsersScreen())
        case .toggleScope:
            let collectors = session.book.users.values.filter { $0.role == .collector && $0.isActive }.map(\.id).sorted()
            let cycle: [String?] = [nil] + collectors + [Agenda.unassigned]
            let i = cycle.firstIndex(where: { $0 == scope }) ?? 0
            scope = cycle[(i + 1) % cycle.count]
            agenda = nil
            // From now on each scope is narrowed from the team's agenda, built once for this revision.
            if team?.revision != session.book.revision { team = (session.book.revision, Agenda(book: session.book, date: session.today, collector: nil)) }
            list.cursor = 0
            prepare(session: session)
            return .status(.info(scope == Agenda.unassigned ? tr("Agenda of the unassigned accounts (no active collector)")
                : scope.map { tr("Agenda of {name}", ["name": session.name(of: $0)]) } ?? tr("Agenda of the whole team")))
        case .markSent:
            guard lines.indices.contains(cursor), lines[cursor].kind == .written else {
                return .status(.error(tr("Select a written reminder to mark it sent")))
            }
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            let line = lines[cursor]
            if line.channel == .litigationReview {
                return .status(.error(tr("A litigation review is a decision: open the account (Enter) and press L")))
            }
            // As `relance letters --mark-sent` and `relance mail --send`: a collector sends their own accounts'
            // reminders, a supervisor anyone's.
            if session.user.role == .collector, line.collector != session.user.id {
                return .status(.error(tr("Only {name} or a supervisor sends this reminder", ["name": session.name(of: line.collector)])))
            }
            return .push(SendScreen(line: line))
        default: break
        }
        return .none
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(tr("Agenda"), session: session)
        let calls = agenda?.calls ?? [], written = agenda?.written ?? []
        let stake = calls.sum(\.amountAtStake)
        let whose = scope == Agenda.unassigned ? tr("unassigned accounts") : scope.map { session.name(of: $0) } ?? tr("whole team")
        canvas.text(" " + clip("\(session.today.french) · \(whose) · "
                               + trn("{count} call ({amount} at stake)", "{count} calls ({amount} at stake)", count: calls.count, ["amount": stake.formatted])
                               + " · " + trn("{count} reminder", "{count} reminders", count: written.count), width: width - 2),
                    row: 1, style: .bold)
        let detailRows = 4
        let listTop = 3, listBottom = rows - 4 - detailRows   // inclusive; a blank row separates the bottom pane
        let showCollector = scope == nil
        // Below 100 columns the phone column goes (the bottom pane shows the contact and the number), so names keep
        // about 30 columns; amounts take the width of the largest.
        let showPhone = width >= (showCollector ? 120 : 100)   // the team view's "Who" column needs the room
        let stakes = lines.map(\.amountAtStake.formatted)
        let table = TableLayout([Column(3, right: true), Column(nil), Column(width >= 100 ? 24 : 18), Column.fitting(stakes + [tr("At stake", context: "column")], minimum: 8), Column(max(5, TextWidth.of(tr("Late", context: "column"))), right: true),
                                  Column(showCollector ? 7 : 0), Column(showPhone ? 14 : 0)], total: width - 1)
        let names = ListView.distinctNames(lines.map(\.customerName), width: table.flexibleWidth)
        let header = ["#", tr("Customer", context: "column"), tr("Why", context: "column"), tr("At stake", context: "column"), tr("Late", context: "column"),
                      showCollector ? tr("Who", context: "column") : "", showPhone ? tr("Call", context: "column") : ""]
        canvas.text(table.line(header),
                    row: 2, style: Style(underline: true))
        if lines.isEmpty {
            canvas.text("  " + tr("Nothing due today for {whose}. Press / to look up a customer, a to see another agenda.", ["whose": whose]), row: listTop, style: .dim)
        }
        // Display rows: the calls, a heading, the reminders; keep the cursor's row visible.
        var display: [Int?] = Array(0..<calls.count)
        if !written.isEmpty { display.append(nil); display += Array(calls.count..<lines.count) }
        let window = ListView.window(showing: display.firstIndex(where: { $0 == cursor }) ?? 0, of: display.count, visible: listBottom - listTop + 1)
        for (offset, entry) in display[window].enumerated() {
            let row = listTop + offset
            guard let index = entry else {
                canvas.text(" " + tr("Written reminders ({count}), after the calls", ["count": "\(written.count)"]), row: row, style: Style(color: .cyan, bold: true))
                continue
            }
            let line = lines[index]
            let number = list.marked.contains(line.customerId) ? "•" : line.kind == .call ? String(index + 1) : line.email != nil ? "@" : "✉"
            let late = line.oldestDaysOverdue > 0 ? "+\(line.oldestDaysOverdue)" : ""
            let call = line.kind == .call ? (line.contact?.phone ?? tr("no phone")) : line.sentBy.label
            let cells = [number, names[index], AgendaWording.whyShort(line), line.amountAtStake.formatted, late,
                         showCollector ? (line.collector ?? tr("unassigned")) : "", call]
            var style: Style = line.tier == 0 ? .overdue.with(bold: true) : line.critical ? .overdue : line.oldestDaysOverdue > 0 ? .plain : .dueSoon
            if line.kind == .written { style = .plain }
            let text = table.line(cells)
            canvas.text(text, row: row, style: style.with(reverse: index == cursor))
        }
        // Why am I here: the selected line's reasons, with steps and dates.
        let detailTop = rows - 2 - detailRows
        // The day's progress (issue 20): calls done / planned, what was promised today, the accounts marked.
        let planned = doneToday.count + calls.count
        var progress = [tr("Today: {done}/{planned} calls done", ["done": "\(doneToday.count)", "planned": "\(planned)"]),
                        tr("{amount} promised today", ["amount": promisedToday.formatted])]
        if !doneToday.isEmpty {
            progress.append("✓ " + doneToday.prefix(3).map { session.book.customers[$0]?.name ?? $0 }.joined(separator: ", ") + (doneToday.count > 3 ? " +\(doneToday.count - 3)" : ""))
        }
        if !list.marked.isEmpty { progress.append(trn("{count} marked", "{count} marked", count: list.marked.count)) }
        canvas.text(" " + clip(progress.joined(separator: " · "), width: width - 2), row: detailTop - 1, style: .good)
        if lines.indices.contains(cursor) {
            let line = lines[cursor]
            // The number first: below 100 columns the list has no phone column, and this line is where it is read.
            let contact = line.contact.map { c in [c.phone, c.name, c.role].compactMap { $0 }.joined(separator: " · ") } ?? tr("no contact on file")
            let how = line.kind == .call ? tr("call", context: "agenda") : line.sentBy.label + (line.email.map { " " + $0 } ?? "")
            canvas.text(" " + clip(tr("{customer} — {how}: {contact}", ["customer": line.customerName, "how": how, "contact": contact]), width: width - 2),
                        row: detailTop, style: .accent)
            // Each reason wraps over the rows left, so the details are read whole when there is room.
            var detailLines: [String] = []
            for r in line.reasons {
                let age = r.since.days(until: session.today)
                let text = tr("why: {reason} [{step}] since {date}", ["reason": AgendaWording.label(r), "step": r.step, "date": r.since.french])
                    // (A no-break space: "(9 d)" is never broken.)
                    + (age > 0 ? " " + tr("({days} d)", ["days": "\(age)"]).replacingOccurrences(of: " ", with: "\u{00A0}") : "")
                    + " — " + AgendaWording.detail(r, book: session.book)
                // The following lines start under the reason ("why: " in English, "motif : " in French).
                let label = tr("why: {reason} [{step}] since {date}").components(separatedBy: "{reason}")[0]
                let indent = String(repeating: " ", count: min(12, TextWidth.of(label)))
                let pieces = wrap(text, width: width - 4 - indent.count)
                detailLines += [pieces[0]] + pieces.dropFirst().map { indent + $0 }
            }
            let shown = line.reasons.count >= detailRows - 1 ? line.reasons.enumerated().map { i, r in
                clip(tr("why: {reason} [{step}] since {date}", ["reason": AgendaWording.label(r), "step": r.step, "date": r.since.french])
                     + " — " + AgendaWording.detail(r, book: session.book), width: width - 4) } : detailLines
            for i in 0..<(detailRows - 1) { canvas.text(i < shown.count ? "   " + shown[i] : "", row: detailTop + 1 + i) }
        }
        canvas.keyBar(self, session: session)
    }
}

