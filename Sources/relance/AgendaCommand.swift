import ArgumentParser
import Foundation
import Interchange
import Receivables
import Wording

/// `relance agenda`: the day's actions without the full-screen app.
struct AgendaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agenda", abstract: tr("Print the agenda of a date (calls by priority, then written reminders)."))

    @OptionGroup var options: StoreOptions
    @OptionGroup var day: AgendaOptions

    @Option(help: ArgumentHelp(tr("text, csv or json.")))
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp(tr("Who you are (only yourself; any user of a demo store).")))
    var user: String?

    func run() throws {
        let store = try openStore(options.store, readOnly: true)
        _ = try Identity.require(book: store.book, requested: user, doing: tr("the agenda"))
        do { try OutputChecks.requireCollector(day.collector, in: store.book) } catch { throw ExitCode(1) }
        let agenda = day.agenda(store.book)
        // CSV and JSON are for scripts: the same in every language (the reasons' words included); text is for people.
        let table = format == .text ? AgendaExport.table(agenda, book: store.book)
            : Language.$scoped.withValue(.en) { AgendaExport.table(agenda, book: store.book) }
        print(TableFormatter.format(table, as: format), terminator: "")
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// Which agenda: a day and a collector, for `relance agenda` and `relance letters`.
struct AgendaOptions: ParsableArguments {
    @Option(help: ArgumentHelp(tr("The day (default: today).")), transform: CalendarDate.fromArgument)
    var date: CalendarDate?

    @Option(help: ArgumentHelp(tr("A collector's user id (default: the whole team).")))
    var collector: String?

    func agenda(_ book: Book) -> Agenda { Agenda(book: book, date: date ?? .today(), collector: collector) }
}
