/// A key press, decoded from the terminal: what screens and the keymap see.
public enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)       // Ctrl-S arrives as .control("s")
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, tab, backTab, backspace, delete, escape
    case function(Int)
    case resize
    /// Text pasted in one go (bracketed paste): kept whole, line breaks included, never taken for keys.
    case paste(String)
}

/// Decodes what `wget_wch` returns into a `Key`. Pure, so it is table-tested without a terminal.
///
/// The `KEY_*` values are ncurses' own (stable since SVr4); a test checks them against the C headers.
public enum KeyDecoder {
    public static let keyCodeYes: Int32 = 0o400
    public static let codes: [UInt32: Key] = [
        0o402: .down, 0o403: .up, 0o404: .left, 0o405: .right, 0o406: .home, 0o407: .backspace,
        0o512: .delete, 0o522: .pageDown, 0o523: .pageUp, 0o527: .enter, 0o541: .backTab, 0o550: .end,
        0o632: .resize,
    ]
    public static let functionKeyZero: UInt32 = 0o410

    /// `status` is OK (0), KEY_CODE_YES (0o400) or ERR (-1); `value` the character or key code.
    public static func decode(status: Int32, value: UInt32) -> Key? {
        if status == keyCodeYes {
            if value > functionKeyZero && value <= functionKeyZero + 63 { return .function(Int(value - functionKeyZero)) }
            return codes[value]
        }
        guard status == 0 else { return nil }
        switch value {
        case 9: return .tab
        case 13: return .enter              // with nonl(), Enter arrives as 13...
        case 10: return .control("j")       // ...and Ctrl-J as 10: a line break in a note, Enter elsewhere
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(UnicodeScalar(value + 96)!))
        default:
            guard let scalar = UnicodeScalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }
}
