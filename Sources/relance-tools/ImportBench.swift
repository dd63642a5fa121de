import ArgumentParser
import DemoData
import FileStore
import Foundation
import Interchange
import Receivables
#if canImport(Glibc)
import Glibc
#endif

/// `relance-tools import-bench`: the large-import figures of issue 9: the daily full re-export of a 100,000-invoice
/// book (most rows unchanged), and a file of N invoice rows validated; time, peak memory, and the longest wait of
/// another process's save meanwhile.
struct ImportBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-bench", abstract: "Time large CSV imports and report peak memory.")

    @Option(help: "Customers of the book (20 invoices each).") var customers = 5_000
    @Option(help: "Rows of the large file to validate.") var rows = 1_000_000
    @Flag(help: "Also commit the large file (and compact), timing another user's saves meanwhile.") var commit = false

    static func peakMB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    static func residentMB() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    func run() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relance-import-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let today = CalendarDate(year: 2026, month: 11, day: 23)!
        var generator = DemoGenerator(customers: customers, seed: 7, today: today)
        generator.invoicesPerCustomer = 20...20
        var book = try generator.book()
        book.markAsDemo()
        let store = try JSONFileStore.create(directory: dir, book: book)
        let supervisor = book.users.values.first { $0.role == .supervisor }!.id

        // The daily re-export: every invoice of the book, a few with another amount.
        var csv = "number,customer_id,issue_date,due_date,amount\n"
        for (k, inv) in book.invoices.values.sorted(by: { $0.number < $1.number }).enumerated() {
            let amount = k % 1000 == 0 ? inv.amount + Money(cents: 100) : inv.amount
            csv += "\(inv.number),\(inv.customerId),\(inv.issueDate.iso),\(inv.dueDate.iso),\(amount.plain)\n"
        }
        let reexport = Data(csv.utf8)
        let other = try JSONFileStore(directory: dir)
        let firstCustomer = book.customerOrder[0]
        nonisolated(unsafe) let saver = other
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var waits: [Double] = []
        let stop = StopFlag()
        /// Another user saving a note every 20 ms until `stop`, each save's wait kept in `waits`.
        func startSaver(_ prefix: String) {
            stop.set(false)
            waits = []
            DispatchQueue.global().async {
                var i = 0
                while !stop.isSet {
                    let s = Date()
                    _ = try? saver.commit(user: supervisor, .logActivity(activity: Activity(id: "\(prefix)\(i)", at: Timestamp.now(), date: today,
                        user: supervisor, customerId: firstCustomer, channel: .note, note: "during the import \(i)")))
                    waits.append(Date().timeIntervalSince(s)); i += 1
                    usleep(20_000)
                }
                done.signal()
            }
        }
        startSaver("W")
        var t = Date()
        let base = store.book
        let plan = try Importer.plan(.invoices, data: reexport, file: "reexport.csv", book: base, user: supervisor)
        let planTime = Date().timeIntervalSince(t)
        t = Date()
        try store.commit(user: supervisor) { _ in plan.change! }   // as relance import does
        let commitTime = Date().timeIntervalSince(t)
        stop.set(true); done.wait()
        print(String(format: "daily re-export of %d invoices (%@): validate %.1f s outside the lock, save %.2f s; another user's %d saves meanwhile: longest %.2f s",
                     book.invoices.count, plan.summary, planTime, commitTime, waits.count, waits.max() ?? 0))

        // A large file, validated; committed too with --commit (the lock is then held for the whole batch).
        var big = "number,customer_id,issue_date,due_date,amount\n"
        big.reserveCapacity(rows * 50)
        for i in 0..<rows { big += "N\(i),\(book.customerOrder[i % book.customerOrder.count]),2026-10-01,2026-11-01,\(100 + i % 9000).50\n" }
        let bigData = Data(big.utf8)
        big = ""
        let before = Self.residentMB()
        t = Date()
        let plannedAt = store.state
        var bigPlan: Importer.Plan? = try Importer.plan(.invoices, data: bigData, file: "big.csv", book: store.book, user: supervisor)
        print(String(format: "%d invoice rows validated in %.1f s (%@); resident memory %d MB before, peak of the process %d MB",
                     rows, Date().timeIntervalSince(t), bigPlan!.summary, before, Self.peakMB()))
        guard commit else { return }
        startSaver("B")
        // As `relance import` does: the plan's book written as a new snapshot, the saves meanwhile kept after it.
        t = Date()
        var replans = 0
        let written = try store.commitThroughSnapshot { book, state in
            if state != plannedAt { replans += 1; bigPlan = try Importer.plan(.invoices, data: bigData, file: "big.csv", book: book, user: supervisor) }
            return bigPlan?.resultingBook
        }
        bigPlan = nil
        let saved = Date().timeIntervalSince(t)
        stop.set(true); done.wait()
        print(String(format: "committed as a new snapshot in %.1f s (%@, %d re-plans, lock held %.3f s for the swap); another user's %d saves meanwhile: longest %.3f s; peak %d MB",
                     saved, written == nil ? "NOT written" : "written", replans, store.lastCompactionLockTime, waits.count, waits.max() ?? 0, Self.peakMB()))
    }
}

/// A flag the benchmark's saver thread reads while the main thread imports.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set(_ v: Bool) { lock.withLock { value = v } }
}
