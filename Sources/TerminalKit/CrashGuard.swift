#if canImport(Glibc)
import Glibc
#endif

/// Gives the terminal back even when the process dies of a fatal signal (a Swift runtime trap arrives as
/// SIGILL or SIGTRAP): restores the saved tty modes and leaves the alternate screen with async-signal-safe
/// calls only (tcsetattr, write), then dies of the same signal.
public enum CrashGuard {
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var hasSaved = false

    /// Remembers the tty modes as they are before curses changes them.
    public static func saveTerminalState() {
        hasSaved = tcgetattr(STDIN_FILENO, &saved) == 0
    }

    public static func install() {
        for sig in [SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                if CrashGuard.hasSaved { tcsetattr(STDIN_FILENO, TCSANOW, &CrashGuard.saved) }
                let reset: StaticString = "\u{1B}[0m\u{1B}[?2004l\u{1B}[?1049l\u{1B}[?25h\r\nrelance: crashed; the terminal was restored\r\n"
                _ = write(STDOUT_FILENO, reset.utf8Start, reset.utf8CodeUnitCount)
                signal(sig, SIG_DFL)
                raise(sig)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
            sigaction(sig, &action, nil)
        }
    }
}
