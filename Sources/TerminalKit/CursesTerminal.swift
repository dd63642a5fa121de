// The only file that talks to ncurses. `@preconcurrency` silences Swift 6's complaints about curses'
// global state (stdscr, LINES...), which this file avoids anyway by keeping the WINDOW* from newterm.
@preconcurrency import CNCursesW
#if canImport(Glibc)
import TextSafety
import Glibc
#endif
import Foundation

/// The real terminal, over ncursesw, in the user's locale (UTF-8: accents and € render as they should).
public final class CursesTerminal: Terminal {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private let colors: Bool
    private var closed = false

    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens the terminal. Refuses without a tty, and turns a bad TERM into a readable error
    /// (`initscr` would print its own message and exit()).
    public init(useColor: Bool = true) throws {
        setlocale(LC_ALL, "")
        if String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" {
            // LANG unset (cron, CI, a bare ssh): without a UTF-8 locale ncurses silently drops é and €.
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw OpenError(description: "relance needs a terminal (stdin and stdout must be a tty); for scripts use `relance agenda` or `relance report`")
        }
        CrashGuard.saveTerminalState()
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
              let screen = newterm(nil, output, input) else {
            let term = ProcessInfo.processInfo.environment["TERM"] ?? "(unset)"
            throw OpenError(description: "cannot open terminal of type '\(term)'; set TERM, e.g. TERM=xterm-256color")
        }
        self.screen = screen
        window = stdscr!
        // Esc alone arrives after 10 ms, not ncurses' default second (issue 23: every key under 16 ms); a sequence
        // whose rest comes later than that is finished by `readSequence`, never taken for Esc and letters.
        set_escdelay(10)
        cbreak(); noecho(); nonl()
        // Ctrl-S must reach the app (it saves forms) rather than pause the output: switch off XON/XOFF,
        // then tell ncurses this is the program mode to restore after a suspend (Ctrl-Z, fg).
        var modes = termios()
        if tcgetattr(STDIN_FILENO, &modes) == 0 {
            modes.c_iflag &= ~tcflag_t(IXON)
            tcsetattr(STDIN_FILENO, TCSANOW, &modes)
            def_prog_mode()
        }
        keypad(window, true)
        curs_set(0)
        // Bracketed paste: the terminal wraps pasted text in ESC [200~ ... ESC [201~, so a paste of several lines
        // reaches a note whole instead of as Enter keys that leave the field.
        putp("\u{1B}[?2004h")
        fflush(stdout)            // putp goes through stdio's buffer, not curses' own
        colors = useColor && has_colors()
        if colors {
            start_color()
            use_default_colors()
            for c in Style.Color.allCases {
                let curses: Int32 = switch c {
                case .red: COLOR_RED; case .green: COLOR_GREEN; case .yellow: COLOR_YELLOW
                case .blue: COLOR_BLUE; case .magenta: COLOR_MAGENTA; case .cyan: COLOR_CYAN
                }
                init_pair(Int16(c.rawValue), Int16(curses), -1)
            }
        }
    }

    deinit { close() }

    /// Gives the terminal back as it was. Safe to call more than once.
    public func close() {
        guard !closed else { return }
        closed = true
        curs_set(1)
        putp("\u{1B}[?2004l")
        fflush(stdout)
        endwin()
        delscreen(screen)
    }

    public var size: (rows: Int, columns: Int) { (Int(getmaxy(window)), Int(getmaxx(window))) }

    public func clear() { werase(window) }

    public func put(_ text: String, row: Int, column: Int, style: Style) {
        let (rows, columns) = size
        guard row >= 0, row < rows, column < columns else { return }
        var attributes = CN_A_NORMAL
        if style.bold { attributes |= CN_A_BOLD }
        if style.reverse { attributes |= CN_A_REVERSE }
        if style.underline { attributes |= CN_A_UNDERLINE }
        if style.dim { attributes |= CN_A_DIM }
        // Without colour (NO_COLOR, monochrome), meaning must survive: coloured text becomes bold.
        if !colors, style.color != nil { attributes |= CN_A_BOLD }
        let pair = colors ? Int16(style.color?.rawValue ?? 0) : 0
        wattr_set(window, attributes, pair, nil)
        // Cut to the columns left so the last column of the screen never scrolls the window.
        // Control characters in data (a name holding ESC ] 0; or a newline) are shown as placeholders, never sent:
        // they would set the terminal's title or draw a fake row.
        let fitted = TextWidth.truncateExact(Safe.text(text), to: columns - max(column, 0))
        var wide = fitted.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        wide.append(0)
        mvwaddwstr(window, Int32(row), Int32(max(column, 0)), wide)
        wattr_set(window, CN_A_NORMAL, 0, nil)
    }

    /// Where the cursor should be once the frame is drawn: the status line and key bar are drawn after the
    /// screen, and every write moves the curses cursor, so it is placed in `refresh`, last.
    private var wantedCursor: (row: Int, column: Int)?

    public func setCursor(_ position: (row: Int, column: Int)?) { wantedCursor = position }

    public func refresh() {
        if let p = wantedCursor {
            curs_set(1)
            wmove(window, Int32(p.row), Int32(p.column))
        } else { curs_set(0) }
        wrefresh(window)
    }

    public func readKey(timeout: Int?) -> Key? {
        wtimeout(window, Int32(timeout ?? -1))
        var value: wint_t = 0
        let status = wget_wch(window, &value)
        // Some terminfo entries (tmux's) name the paste brackets, so curses returns them as key codes.
        if status == KEY_CODE_YES, pasteStart > 0, Int32(value) == pasteStart { return .paste(readPasteBody(endCode: pasteEnd)) }
        let key = KeyDecoder.decode(status: status, value: UInt32(value))
        if key == .escape {
            switch readAfterEscape() {
            case .paste(let text): return .paste(text)
            case .key(let k): return k
            case .escape: return .escape
            case .dropped: return nil
            }
        }
        return key
    }

    enum AfterEscape { case paste(String), key(Key), escape, dropped }

    /// What follows an ESC curses gave alone: a bracketed paste, the rest of a key's sequence that came in a later
    /// read (`[` or `O` already there: the sequence is coming, so its end is waited for, at most 100 ms), or nothing
    /// (the Escape key).
    private func readAfterEscape() -> AfterEscape {
        wtimeout(window, 0)
        defer { wtimeout(window, -1) }
        var v: wint_t = 0
        guard wget_wch(window, &v) == 0 else { return .escape }
        let first = UInt32(v)
        guard first == 0x5B || first == 0x4F else { unget_wch(wchar_t(first)); return .escape }
        wtimeout(window, 100)
        var bytes: [UInt32] = [first]
        while bytes.count < 12 {
            var c: wint_t = 0
            guard wget_wch(window, &c) == 0 else { break }
            bytes.append(UInt32(c))
            if bytes == [0x5B, 0x32, 0x30, 0x30, 0x7E] { return .paste(readPasteText()) }   // [200~: a paste
            if KeyDecoder.endsSequence(UInt32(c), after: first, length: bytes.count - 1) { break }
        }
        if let key = KeyDecoder.decodeSequence(bytes) { return .key(key) }
        // An unknown sequence: dropped whole (never letters typed into a field); a lone "[" or "O": Esc, then it.
        if bytes.count == 1 { unget_wch(wchar_t(first)); return .escape }
        return .dropped
    }

    /// The key codes curses gives the paste brackets, when its terminfo entry defines them (0 otherwise).
    private lazy var pasteStart: Int32 = key_defined("\u{1B}[200~")
    private lazy var pasteEnd: Int32 = key_defined("\u{1B}[201~")

    /// Reads a paste's text until the closing bracket arrives as the key code `endCode`.
    private func readPasteBody(endCode: Int32) -> String {
        wtimeout(window, 200)
        defer { wtimeout(window, -1) }
        var text = String.UnicodeScalarView()
        while true {
            var v: wint_t = 0
            let s = wget_wch(window, &v)
            if s == KEY_CODE_YES {
                if Int32(v) == endCode { break }
                if v == KEY_ENTER { text.append("\r") }
                continue
            }
            guard s == 0 else { break }
            if let u = Unicode.Scalar(UInt32(v)) { text.append(u) }
        }
        return String(text)
    }

    /// A bracketed paste's text once its opening `ESC [200~` is read: up to `ESC [201~`.
    private func readPasteText() -> String {
        func next() -> UInt32? {
            var v: wint_t = 0
            let s = wget_wch(window, &v)
            if s == KEY_CODE_YES { return v == KEY_ENTER ? 13 : nil }   // a line break curses took for Enter
            return s == 0 ? UInt32(v) : nil
        }
        var text = String.UnicodeScalarView()
        var closing: [UInt32] = []
        let end: [UInt32] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]          // ESC [ 2 0 1 ~
        wtimeout(window, 200)                                              // a paste arrives at once
        while let c = next() {
            if c == end[closing.count] {
                closing.append(c)
                if closing.count == end.count { return String(text) }
                continue
            }
            for held in closing { if let u = Unicode.Scalar(held) { text.append(u) } }
            closing = []
            if c == end[0] { closing = [c]; continue }
            if let u = Unicode.Scalar(c) { text.append(u) }
        }
        return String(text)
    }

    /// ncurses' key codes, for the test that checks `KeyDecoder`'s table against the C headers.
    public static var cursesKeyCodes: [String: Int32] {
        ["KEY_DOWN": KEY_DOWN, "KEY_UP": KEY_UP, "KEY_LEFT": KEY_LEFT, "KEY_RIGHT": KEY_RIGHT, "KEY_HOME": KEY_HOME,
         "KEY_BACKSPACE": KEY_BACKSPACE, "KEY_DC": KEY_DC, "KEY_NPAGE": KEY_NPAGE, "KEY_PPAGE": KEY_PPAGE,
         "KEY_ENTER": KEY_ENTER, "KEY_BTAB": KEY_BTAB, "KEY_END": KEY_END, "KEY_RESIZE": KEY_RESIZE,
         "KEY_F0": KEY_F0, "KEY_CODE_YES": KEY_CODE_YES]
    }
}

extension TextWidth {
    /// `s` cut to at most `width` columns, without an ellipsis.
    public static func truncateExact(_ s: String, to width: Int) -> String {
        guard of(s) > width else { return s }
        var out = "", used = 0
        for c in s {
            let w = of(c)
            if used + w > width { break }
            out.append(c); used += w
        }
        return out
    }
}
