import ArgumentParser
import Foundation
import Interchange
import Receivables
import Wording

/// `relance report NAME`: the supervisor's figures at a date.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report",
        abstract: tr("Print a report: aged, dso, disputes, promises, cash-impact, blocked or litigation."))

    @Argument(help: ArgumentHelp(tr("aged, dso, disputes, promises, cash-impact, blocked or litigation.")))
    var name: String

    @OptionGroup var options: StoreOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp(tr("The book as it was at the end of this day (default: today).")), transform: CalendarDate.fromArgument)
    var asOf: CalendarDate?

    @Option(help: ArgumentHelp(tr("text, csv or json.")))
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp(tr("Who you are (only yourself; any user of a demo store).")))
    var user: String?

    func validate() throws {
        guard Analytics.reportNames.contains(name) else {
            throw ValidationError(tr("unknown report '{name}'; choose from {reports}", ["name": name, "reports": Analytics.reportNames.joined(separator: ", ")]))
        }
    }

    func run() throws {
        let store = try openStore(options.store, readOnly: true)
        _ = try Identity.require(book: store.book, requested: user, doing: "reports")
        let table = try Analytics.report(name, book: store.book, asOf: asOf ?? .today())
        print(TableFormatter.format(table, as: format), terminator: "")
    }
}
