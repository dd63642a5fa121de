import Foundation
import Interchange
import Receivables
import TerminalKit
import TextSafety
import Wording

/// `s` on a written reminder (issue 22, 5): what goes out, before it goes. An e-mail shows its address, subject and
/// text, and `e` hands it to the mail system at once through the same service as `relance mail --send` (recorded
/// sent, or failed with the mail system's reason and left in the outbox for the next run); `l` records it sent as a
/// letter the collector posts. A reminder without an address, or a step that stays a letter (a formal notice), shows
/// the letter and offers `l` only.
public struct SendScreen: Screen {
    public let line: AgendaLine
    /// The text shown: the e-mail's headers then its body, or the letter.
    private(set) var preview: [String] = []
    private(set) var problem: String?
    public var top = 0
    private var revision = -1

    public init(line: AgendaLine) { self.line = line }

    public var title: String { tr("Send") }
    public var screenID: ScreenID { .send }
    var byEmail: Bool { line.email != nil }

    public mutating func prepare(session: Session) {
        guard session.book.revision != revision else { return }
        revision = session.book.revision
        problem = nil
        let book = session.book
        do {
            if byEmail {
                var notReady: [MailRun.NotReady] = []
                let run = MailRun(store: session.store, user: session.user.id, date: session.today, collector: nil,
                                  template: LetterWriter.bundledTemplate, transport: nil, out: nil)
                let drafts = try run.prepare([line], in: book, notReady: &notReady)
                if let d = drafts.first {
                    preview = [tr("To: {address}", ["address": d.to]), tr("From: {address}", ["address": d.from.address]),
                               tr("Subject: {subject}", ["subject": d.subject]), ""] + d.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                } else {
                    preview = []
                    problem = notReady.first.map { n in
                        switch n.problem {
                        case .badAddress(let a): tr("{address} is not an address a mail system takes (ASCII, one @, a domain with a dot): fix the contact, or post a letter", ["address": a])
                        case .noSender: tr("no address to send from: relance company set --email ADDRESS")
                        }
                    }
                }
            } else {
                preview = try LetterWriter.letters(for: [line], date: session.today, book: book).first?.text
                    .split(separator: "\n", omittingEmptySubsequences: false).map(String.init) ?? []
            }
        } catch { preview = []; problem = App.wording(error) }
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        if let t = ListView.moved(top, by: command, count: preview.count) { top = t; return .none }
        switch command {
        case .back, .quit: return .pop
        case .sendMail:
            guard byEmail else { return .status(.error(tr("No e-mail for this reminder: the contact has no address, or the step goes by post (l records the letter)"))) }
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            return sendNow(session: session)
        case .sendLetter:
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            // A run handing this customer's e-mail off right now: a letter too would be the reminder twice.
            if MailRun.isBeingSent(line.customerId, in: session.book) {
                return .status(.error(tr("Another run is sending this e-mail right now")))
            }
            // A letter that cannot go out whole is never recorded as sent (as `relance letters`).
            let lacks = session.book.letterLacks(line.customerId, formalNotice: line.channel == .formalNotice)
            if !lacks.isEmpty {
                return .status(.error(lacks.contains(.signatory)
                    ? tr("Not ready: no {missing} (relance company set --signatory)", ["missing": lacks.map(\.label).joined(separator: ", ")])
                    : tr("Not ready: no {missing} (the customer's address)", ["missing": lacks.map(\.label).joined(separator: ", ")])))
            }
            let line = self.line, user = session.user.id, today = session.today
            // Chosen again under the store's lock, from the latest book: a letter a colleague (or `relance letters
            // --mark-sent`) recorded meanwhile is not recorded twice, and each item moves to its own step's level.
            return .commit(Commit { book in
                guard let (change, recorded) = WrittenReminders.markSent(line.customerId, in: book, user: user, date: today, at: Timestamp.now()) else {
                    throw DomainError.said(tr("nothing left to send to {customer} today: a letter was recorded meanwhile", ["customer": line.customerName]))
                }
                return (change, { .popWith(.info(trn("Saved: {channel} to {customer} recorded as sent ({count} step)",
                                                     "Saved: {channel} to {customer} recorded as sent ({count} steps)", count: recorded,
                                                     ["channel": line.channel.label, "customer": line.customerName]))) })
            })
        default: break
        }
        return .none
    }

    /// Hands this customer's e-mail to the mail system now, through `MailRun` (queued, handed off, recorded).
    private func sendNow(session: Session) -> ScreenAction {
        var run = MailRun(store: session.store, user: session.user.id, date: session.today, collector: nil,
                          template: LetterWriter.bundledTemplate, transport: session.transport, out: nil)
        run.customers = [line.customerId]
        do {
            let r = try run.run()
            if let f = r.failed.first {
                return .popWith(.error(tr("E-mail to {address} failed: {reason} (kept in the outbox; relance mail --send retries it)",
                                          ["address": f.draft.to, "reason": f.reason])))
            }
            if let d = r.sent.first { return .popWith(.info(tr("Sent: e-mail to {customer} ({address})", ["customer": line.customerName, "address": d.to]))) }
            if !r.busy.isEmpty { return .status(.error(tr("Another run is sending this e-mail right now"))) }
            return .popWith(.error(tr("Nothing left to send to {customer} today: the account changed meanwhile", ["customer": line.customerName])))
        } catch { return .status(.error(tr("Not sent: {problem}", ["problem": App.wording(error)]))) }
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(tr("Send"), session: session)
        let how = byEmail ? tr("by e-mail to {address}", ["address": line.email ?? ""]) : tr("by letter")
        canvas.text(" " + clip("\(line.customerName) · \(how)", width: width - 2), row: 1, style: .accent)
        if let problem { canvas.text(" " + clip(problem, width: width - 2), row: 3, style: .error) }
        let first = problem == nil ? 3 : 5
        let visible = max(1, rows - first - 2)
        for (i, text) in preview.dropFirst(top).prefix(visible).enumerated() {
            canvas.text(" " + clip(Safe.text(text), width: width - 2), row: first + i)
        }
        canvas.keyBar(self, session: session)
    }
}

/// The account's statement of account at today (`S`, issue 22, 4), as the customer reads it; `e` e-mails it.
public struct StatementScreen: Screen {
    public let customerId: String
    private(set) var lines: [String] = []
    private(set) var problem: String?
    public var top = 0
    private var revision = -1

    public init(customerId: String) { self.customerId = customerId }

    public var title: String { tr("Statement of account") }
    public var screenID: ScreenID { .statement }

    public mutating func prepare(session: Session) {
        guard session.book.revision != revision else { return }
        revision = session.book.revision
        guard let s = session.book.statement(of: customerId, asOf: session.today) else { lines = []; return }
        do { lines = try StatementWriter.text(s, book: session.book).split(separator: "\n", omittingEmptySubsequences: false).map(String.init); problem = nil }
        catch { lines = []; problem = App.wording(error) }
    }

    public mutating func handle(_ command: Command, session: Session) -> ScreenAction {
        if let t = ListView.moved(top, by: command, count: lines.count) { top = t; return .none }
        switch command {
        case .back, .quit: return .pop
        case .sendMail:
            if let refusal = session.moneyRefusal { return .status(.error(refusal)) }
            if session.user.role == .collector, let owner = session.book.assignedCollector(of: customerId), owner != session.user.id {
                return .status(.error(tr("Only {name} or a supervisor sends this reminder", ["name": session.name(of: owner)])))
            }
            let mail = StatementMail(store: session.store, user: session.user.id, transport: session.transport, template: LetterWriter.bundledTemplate)
            do {
                let sent = try mail.send(customerId: customerId, asOf: session.today, from: nil, date: session.today)
                if let failure = sent.failure {
                    return .status(.error(tr("Statement to {address} failed: {reason} (kept in the outbox; e sends it again)", ["address": sent.to, "reason": failure])))
                }
                return .popWith(.info(tr("Sent: statement of account to {address}", ["address": sent.to])))
            } catch let p as StatementMail.Problem {
                switch p {
                case .noAddress(_, nil), .unknownCustomer: return .status(.error(tr("No contact of this customer has an e-mail address")))
                case .noAddress(_, let a?): return .status(.error(tr("{address} is not an address a mail system takes (ASCII, one @, a domain with a dot): fix the contact, or post a letter", ["address": a])))
                case .noSender: return .status(.error(tr("no address to send from: relance company set --email ADDRESS")))
                case .busy: return .status(.error(tr("Another run is sending this e-mail right now")))
                }
            } catch { return .status(.error(tr("Not sent: {problem}", ["problem": App.wording(error)]))) }
        default: break
        }
        return .none
    }

    public func render(on terminal: Terminal, session: Session) {
        let canvas = Canvas(terminal: terminal)
        let (rows, width) = terminal.size
        canvas.titleBar(tr("Statement of account"), session: session)
        let name = session.book.customers[customerId]?.name ?? customerId
        canvas.text(" " + clip(tr("{customer} · as of {date}", ["customer": name, "date": session.today.french]), width: width - 2), row: 1, style: .accent)
        if let problem { canvas.text(" " + clip(problem, width: width - 2), row: 3, style: .error) }
        for (i, text) in lines.dropFirst(top).prefix(max(1, rows - 5)).enumerated() {
            canvas.text(" " + clip(Safe.text(text), width: width - 2), row: 3 + i)
        }
        canvas.keyBar(self, session: session)
    }
}
