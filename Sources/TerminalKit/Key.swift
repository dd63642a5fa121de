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

extension KeyDecoder {
    /// The key an escape sequence names, read after its ESC (`[A`, `OB`, `[5~`, `[1;5C`...), or nil for one this
    /// program has no key for. Curses decodes a sequence that arrives whole; one split across two reads (a slow
    /// ssh link) reaches the program byte by byte, and is decoded here rather than taken for an Escape followed
    /// by letters (which cancelled a form).
    public static func decodeSequence(_ bytes: [UInt32]) -> Key? {
        guard bytes.count >= 2, let first = bytes.first, first == 0x5B || first == 0x4F, let last = bytes.last else { return nil }
        let final = Character(UnicodeScalar(last)!)
        let params = String(String.UnicodeScalarView(bytes.dropFirst().dropLast().compactMap { UnicodeScalar($0) }))
        // A modifier (`1;5C`: Ctrl-Right) does not change which key it is.
        let number = params.split(separator: ";").first.flatMap { Int($0) }
        switch final {
        case "A": return .up
        case "B": return .down
        case "C": return .right
        case "D": return .left
        case "H": return .home
        case "F": return .end
        case "Z": return .backTab
        case "P", "Q", "R", "S":
            // F1-F4: `OP`..`OS`, or `[1;5P` with a modifier (a `where` here would guard the last pattern only).
            return first == 0x4F || number == 1 ? .function(Int(last - 0x50) + 1) : nil
        case "~":
            switch number {
            case 1, 7: return .home
            case 3: return .delete
            case 4, 8: return .end
            case 5: return .pageUp
            case 6: return .pageDown
            case 11, 12, 13, 14, 15: return .function(number! - 10)
            case 17, 18, 19, 20, 21: return .function(number! - 11)
            case 23, 24: return .function(number! - 12)
            default: return nil
            }
        default: return nil
        }
    }

    /// Whether `byte` ends an escape sequence begun by `first` (`[` CSI: a byte 0x40-0x7E; `O` SS3: the next byte).
    public static func endsSequence(_ byte: UInt32, after first: UInt32, length: Int) -> Bool {
        first == 0x4F ? length >= 1 : (0x40...0x7E).contains(byte)
    }
}
