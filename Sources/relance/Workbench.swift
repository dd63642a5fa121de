import Foundation
import Synchronization
import TerminalKit
import Workstation
#if canImport(Glibc)
import Glibc
import Wording
#endif

/// The last signal received (SIGINT, SIGTERM, SIGHUP), set from the handler: an atomic store is
/// async-signal-safe, anything more is not.
let pendingSignal = Atomic<Int32>(0)

/// Runs the full-screen app and always gives the terminal back: on quit, on Ctrl-C, SIGTERM, SIGHUP and errors.
enum Workbench {
    static func run(session: Session, color: Bool, warnings: [String]) throws -> Int32 {
        installSignalHandlers()
        let terminal: CursesTerminal
        do { terminal = try CursesTerminal(useColor: color) } catch {
            warn("\(error)")
            return 2
        }
        CrashGuard.install()
        let app = App(session: session, terminal: terminal)
        if let w = warnings.first { app.showWarning(w) }
        app.run { pendingSignal.load(ordering: .relaxed) != 0 }
        terminal.close()
        let signal = pendingSignal.load(ordering: .relaxed)
        return signal == 0 ? 0 : 128 + signal
    }

    static func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { pendingSignal.store($0, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0   // no SA_RESTART: a blocked read returns, and the loop sees the flag
            sigaction(sig, &action, nil)
        }
    }
}
