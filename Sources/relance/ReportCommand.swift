import ArgumentParser
import Foundation
import Interchange
import Receivables

/// `relance report NAME`: the supervisor's figures at a date.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report",
        abstract: "Print a report: aged, dso, disputes, promises, cash-impact, blocked or litigation.")

    @Argument(help: "aged, dso, disputes, promises, cash-impact, blocked or litigation.")
    var name: String

    @OptionGroup var options: StoreOptions

    @Option(name: .customLong("as-of"), help: "The book as it was at the end of this day (default: today).", transform: CalendarDate.fromArgument)
    var asOf: CalendarDate?

    @Option(help: "text, csv or json.")
    var format: OutputFormat = .text

    @Option(help: "Who you are (only yourself; any user of a demo store).")
    var user: String?

    func validate() throws {
        guard Analytics.reportNames.contains(name) else {
            throw ValidationError("unknown report '\(name)'; choose from \(Analytics.reportNames.joined(separator: ", "))")
        }
    }

    func run() throws {
        let store = try openStore(options.store, readOnly: true)
        _ = try Identity.require(book: store.book, requested: user, doing: "reports")
        let table = try Analytics.report(name, book: store.book, asOf: asOf ?? .today())
        print(TableFormatter.format(table, as: format), terminator: "")
    }
}
