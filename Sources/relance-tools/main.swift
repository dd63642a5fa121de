import ArgumentParser
import DemoData
import FileStore
import Foundation
import Interchange
import Receivables
import TerminalKit
import Workstation

/// Developer tools: the benchmark that reports Relance's speed figures, and the writer process the
/// crash and concurrency tests kill and race.
struct Tools: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "relance-tools",
        abstract: "Benchmarks and store torture tools (not for end users).",
        subcommands: [Bench.self, Writer.self, Torture.self, AuditReader.self, FormsCommand.self, ImportBench.self, FECBench.self, SimulateCommand.self, LettersBench.self, MailBench.self])
}

/// `relance-tools bench`: builds a large store and times what users wait for.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Time opening, saving and reporting on a large store.")

    @Option(help: "Customers (20 invoices each by default).") var customers = 5_000
    @Option(help: "Invoices per customer.") var invoicesPerCustomer = 20
    @Option(help: "History records per customer.") var activitiesPerCustomer = 100
    @Option(help: "Where to build the store (default: a temporary directory, removed after).") var dir: String?
    @Option(help: "Number of single saves to time.") var saves = 200
    @Option(help: "S, M or L: 1,000, 5,000 or 20,000 customers (overrides --customers).") var size: String?
    @Option(help: "Rounds of the whole-process figures (medians; 0: none).") var rounds = 3

    func run() throws {
        var customers = customers
        switch size?.uppercased() {
        case nil: break
        case "S": customers = 1_000
        case "M": customers = 5_000
        case "L": customers = 20_000
        default: throw ValidationError("--size is S, M or L")
        }
        let directory = dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("relance-bench-\(getpid())").path
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let today = CalendarDate(year: 2026, month: 11, day: 23)!
        var t = Date()
        var generator = DemoGenerator(customers: customers, seed: 7, today: today)
        generator.invoicesPerCustomer = invoicesPerCustomer...invoicesPerCustomer
        var book = try generator.book()
        var activities: [Change] = []
        for (k, id) in book.customerOrder.enumerated() {
            for j in 0..<activitiesPerCustomer {
                let d = today.adding(days: -(j % 180))
                activities.append(.logActivity(activity: Activity(id: "H\(k)-\(j)", at: "\(d.iso)T10:00:00Z", date: d, user: "amelie",
                    customerId: id, channel: j % 3 == 0 ? .letter : .phone, outcome: j % 3 == 0 ? nil : .noAnswer, note: "historique \(j)")))
            }
        }
        for c in activities { try book.apply(c) }
        report("generate book (\(book.customers.count) customers, \(book.invoices.count) invoices, \(book.payments.count) payments, \(book.activityCount) activities)", t)
        t = Date()
        try JSONFileStore.create(directory: directory, book: book)
        let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/snapshot.jsonl")[.size] as? Int) ?? 0
        report("write snapshot (\(size / 1_000_000) MB)", t)
        t = Date()
        let store = try JSONFileStore(directory: directory)
        report("open store (load snapshot + journal)", t)
        t = Date()
        let agenda = Agenda(book: store.book, date: today, collector: "amelie")
        report("agenda of one collector (\(agenda.calls.count) calls, \(agenda.written.count) reminders)", t)
        t = Date()
        let all = Agenda(book: store.book, date: today, collector: nil)
        report("agenda of the whole team (\(all.lines.count) lines)", t)
        keys(store, today: today)
        let customer = store.book.customerOrder[0]
        // Saves as a supervisor of the store (the permission table applies to every change).
        let saver = store.book.users.values.filter { $0.role == .supervisor }.map(\.id).sorted().first ?? "bench"
        t = Date()
        let history = try store.history(of: customer)
        report("one account's history, read on demand (\(history.count) records)", t)
        var times: [Double] = []
        for i in 0..<saves {
            let s = Date()
            try store.commit(user: saver, .logActivity(activity: Activity(id: "B\(i)", at: Timestamp.now(), date: today, user: saver,
                                                                            customerId: customer, channel: .phone, note: "bench \(i)")))
            times.append(Date().timeIntervalSince(s))
        }
        times.sort()
        print(String(format: "%-70@ median %.2f ms, p95 %.2f ms, max %.2f ms", "save one change (\(saves) saves, fdatasync each)" as NSString,
                     times[times.count / 2] * 1000, times[times.count * 95 / 100] * 1000, times.last! * 1000))
        for name in Analytics.reportNames {
            t = Date()
            _ = try Analytics.report(name, book: store.book, asOf: today)
            report("report \(name)", t)
        }
        t = Date()
        try store.compact()
        report("compaction (history file + snapshot + journal)", t)
        // Another user's saves while a compaction runs: the lock is held only to capture and to swap files in.
        let other = try JSONFileStore(directory: directory)
        nonisolated(unsafe) let compacting = other
        let done = DispatchSemaphore(value: 0)
        let start = Date()
        nonisolated(unsafe) var compactionTime = 0.0
        DispatchQueue.global().async {
            try? compacting.compact()
            compactionTime = Date().timeIntervalSince(start)
            done.signal()
        }
        var during: [Double] = []
        var i = 0
        while done.wait(timeout: .now()) == .timedOut {
            let s = Date()
            try store.commit(user: saver, .logActivity(activity: Activity(id: "C\(i)", at: Timestamp.now(), date: today, user: saver,
                                                                            customerId: customer, channel: .phone, note: "during \(i)")))
            during.append(Date().timeIntervalSince(s))
            i += 1
        }
        during.sort()
        print(String(format: "%-70@ %d saves, median %.2f ms, max %.1f ms (compaction %.0f ms, lock held %.0f ms)",
                     "saves by another user during a compaction" as NSString, during.count,
                     (during.isEmpty ? 0 : during[during.count / 2]) * 1000, (during.last ?? 0) * 1000, compactionTime * 1000,
                     compacting.lastCompactionLockTime * 1000))
        // The first save after another's compaction: that process takes in the new files (issue 23: ≤ 50 ms).
        var after: [Double] = []
        for k in 0..<5 {
            try other.commit(user: saver, .logActivity(activity: Activity(id: "O\(k)", at: Timestamp.now(), date: today, user: saver,
                                                                          customerId: customer, channel: .phone, note: "other \(k)")))
            try other.compact()
            let s = Date()
            try store.commit(user: saver, .logActivity(activity: Activity(id: "A\(k)", at: Timestamp.now(), date: today, user: saver,
                                                                          customerId: customer, channel: .phone, note: "after \(k)")))
            after.append(Date().timeIntervalSince(s) * 1000)
        }
        print(String(format: "%-70@ median %.1f ms, max %.1f ms (%@)", "the first save after another user's compaction (5 times)" as NSString,
                     after.sorted()[2], after.max() ?? 0, "\(store.lastLoad)" as NSString))
        if rounds > 0 { try wholeProcesses(directory, today: today, supervisor: saver) }
    }

    /// The workstation's keys on this store, in process (a screen buffer for the terminal): each key handled and
    /// the screen drawn, as a user waits for it (issue 23: every key under 16 ms at M, 50 ms at L).
    func keys(_ store: JSONFileStore, today: CalendarDate) {
        guard let supervisor = store.book.users.values.filter({ $0.role == .supervisor }).map(\.id).sorted().first,
              let user = store.book.users[supervisor] else { return }
        let screen = ScreenBuffer(rows: 30, columns: 100)
        let app = App(session: Session(store: store, user: user, today: today), terminal: screen)
        func timed(_ key: Key) -> Double {
            let s = Date()
            app.handle(key); app.render()
            return Date().timeIntervalSince(s) * 1000
        }
        var t = Date()
        app.render()
        report("workstation: first frame of the team's agenda (in process, store open)", t)
        func line(_ what: String, _ v: [Double]) {
            let s = v.sorted()
            print(String(format: "%-70@ median %.1f ms, max %.1f ms", what as NSString, s[s.count / 2], s.last ?? 0))
        }
        line("key j in the team's agenda (50 presses)", (0..<50).map { _ in timed(.character("j")) })
        let scopes = store.book.users.values.filter { $0.role == .collector && $0.isActive }.count + 2
        t = Date()
        line("key a, whose agenda (\(scopes * 2) presses: every scope twice)", (0..<(scopes * 2)).map { _ in timed(.character("a")) })
        line("key Enter, an account", [timed(.enter)])
        line("key Esc, back to the agenda", [timed(.escape)])
        line("key /, pressed before its keys are made (folded at once, every core)", [timed(.character("/"))])
        line("search, each character of \"brasserie\"", "brasserie".map { timed(.character($0)) })
        line("key Esc, back from the search", [timed(.escape)])
        // As the workstation runs: its first frame up, the search's keys are made on another thread (`App.run`).
        let fresh = App(session: Session(store: store, user: user, today: today), terminal: screen)
        fresh.render()
        fresh.session.prepareSearch()
        Thread.sleep(forTimeInterval: 2)
        t = Date()
        fresh.handle(.character("/")); fresh.render()
        report("key /, two seconds after the first frame (its keys made meanwhile)", t)
        line("search, each character of \"f26-00\" (every account's invoices match)", "f26-00".map { ch in
            let s = Date()
            fresh.handle(.character(ch)); fresh.render()
            return Date().timeIntervalSince(s) * 1000
        })
    }

    /// Each command as a whole process, as users start them, interleaved with python + orjson parsing the same
    /// snapshot (issue 23): medians of `rounds`, peak memory, and the ratio to the parse. (This store's history has
    /// written to every customer on its last day, so `letters` is run ten days later, when letters are due again;
    /// `relance-tools letters-bench` times them recorded as sent, on a store whose policy sends them all by post.)
    func wholeProcesses(_ directory: String, today: CalendarDate, supervisor: String) throws {
        let relance = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path + "/relance"
        let work = directory + ".work"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let day = today.iso, store = ["--store", directory]
        let collector = "amelie"
        var pay = 0
        func savePayment() throws -> [String] {
            pay += 1
            let file = work + "/pay-\(pay).csv"
            try Data("date,customer_id,amount,reference\n\(day),C0001,1.00,BENCH-P\(pay)\n".utf8).write(to: URL(fileURLWithPath: file))
            return [relance, "import", "payments", file] + store + ["--user", supervisor]
        }
        var commands: [(String, () throws -> ProcessBench.Figure)] = [
            ("workstation: launch to the first complete frame (team)", { try ProcessBench.launch([relance] + store + ["--user", supervisor, "--date", day], until: "All keys") }),
            ("workstation: launch to the first complete frame (collector)", { try ProcessBench.launch([relance] + store + ["--user", collector, "--date", day], until: "All keys") }),
            ("relance agenda --format csv (team)", { try ProcessBench.run([relance, "agenda"] + store + ["--user", supervisor, "--date", day, "--format", "csv"]) }),
        ]
        for name in Analytics.reportNames {
            commands.append(("relance report \(name)", { try ProcessBench.run([relance, "report", name] + store + ["--user", supervisor, "--as-of", day]) }))
        }
        var batch = 0
        let later = today.adding(days: 10).iso
        func letters() -> [String] {
            batch += 1
            return [relance, "letters"] + store + ["--user", supervisor, "--date", later, "--out", work + "/letters-\(batch)"]
        }
        let written = ProcessBench.output(letters()).split(separator: " ").first.map(String.init) ?? "?"
        commands += [
            ("relance letters, 10 days later (\(written) letters, not marked sent)", { try ProcessBench.run(letters()) }),
            ("relance check", { try ProcessBench.run([relance, "check"] + store) }),
            ("relance backup", { try ProcessBench.run([relance, "backup"] + store + ["--out", work + "/backup.jsonl"]) }),
            ("a save (relance import payments, one row)", { try ProcessBench.run(try savePayment()) }),
        ]
        var figures = [[ProcessBench.Figure]](repeating: [], count: commands.count)
        var parses: [ProcessBench.Figure] = []
        for _ in 0..<rounds {
            for (k, c) in commands.enumerated() {
                if let p = ProcessBench.pythonParse(directory + "/snapshot.jsonl") { parses.append(p) }
                figures[k].append(try c.1())
            }
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let parse = parses.isEmpty ? nil : median(parses.map(\.ms))
        print("")
        print("whole processes, medians of \(rounds) rounds, interleaved with python3 + orjson parsing the snapshot:")
        if let parse {
            print(String(format: "%-70@ %8.0f ms %6.0f MB", "python3 + orjson: parse every line of snapshot.jsonl, records kept" as NSString, parse, median(parses.map(\.peakMB))))
        } else {
            print("python3 + orjson: not available (pip install orjson): no ratios")
        }
        for (k, c) in commands.enumerated() {
            let ms = median(figures[k].map(\.ms)), mb = figures[k].map(\.peakMB).max() ?? 0
            let what = c.0
            print(String(format: "%-70@ %8.0f ms %6.0f MB %@", what as NSString, ms, mb, (parse.map { String(format: "%5.2fx the parse", ms / $0) } ?? "") as NSString))
        }
    }

    func report(_ what: String, _ start: Date) {
        print(String(format: "%-70@ %8.1f ms", what as NSString, Date().timeIntervalSince(start) * 1000))
    }
}

/// `relance-tools writer`: appends changes in a loop and logs each acknowledged one to a file.
struct Writer: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Append changes to a store in a loop, logging acknowledgements (for crash tests).")

    @Option var store: String
    @Option(help: "File to which each acknowledged change's tag is appended.") var ack: String
    @Option(help: "Prefix of the notes this writer writes.") var tag: String
    @Option(help: "How many changes.") var count = 1_000_000
    @Option(help: "Compact the journal after this many entries (small: exercises compaction).") var compactEvery = 5_000
    @Option(help: "Every Nth change updates the shared customer C0001's credit limit.") var sharedEvery = 5
    @Option(help: "The store's user who makes the changes (default: its first supervisor); the permission table applies.") var user: String?

    func run() throws {
        let s = try JSONFileStore(directory: store)
        // (A store without users yet refuses nobody: its changes are made in the tag's name.)
        guard let me = user ?? s.book.users.values.filter({ $0.role == .supervisor && $0.isActive }).map(\.id).sorted().first
                ?? (s.book.users.isEmpty ? tag : nil) else {
            throw ValidationError("the store has no supervisor: name a user with --user")
        }
        s.compactAfterEntries = compactEvery
        let ackFD = open(ack, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard ackFD >= 0 else { throw ValidationError("cannot open \(ack)") }
        let customers = s.book.customerOrder
        let today = CalendarDate(year: 2026, month: 11, day: 23)!
        for i in 0..<count {
            let note = "\(tag)-\(i)"
            let change: Change
            if sharedEvery > 0 && i % sharedEvery == 0 {
                change = .updateCustomer(id: customers[0], patch: CustomerPatch(creditLimit: Money(cents: Int64(i) + 1)))
            } else {
                // Alternate between a customer of its own and one every writer touches.
                let customer = i % 2 == 0 ? customers[1] : customers[2 + abs(tag.hashValue) % max(1, customers.count - 2)]
                change = .logActivity(activity: Activity(id: note, at: Timestamp.now(), date: today, user: me, customerId: customer,
                                                         channel: .phone, note: note))
            }
            try s.commit(user: me, change)
            let line = note + "\n"
            _ = line.withCString { write(ackFD, $0, strlen($0)) }
            // As a command does once it has printed its result: compaction is never part of the save.
            try s.compactIfNeeded()
        }
        close(ackFD)
    }
}

Tools.main()
