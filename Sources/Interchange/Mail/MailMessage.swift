import Foundation

/// An e-mail as RFC 5322 wants it on the wire (issue 22, 2): CRLF line endings only (servers refuse bare LF), a
/// UTF-8 subject and names as RFC 2047 encoded words, a UTF-8 body in quoted-printable (lines of at most 76
/// characters), `Auto-Submitted: auto-generated` (RFC 3834: no auto-reply loops), and never a line break or control
/// character from data in a header. Addresses are ASCII: a non-ASCII or malformed one is refused, naming it.
public struct MailMessage: Sendable, Equatable {
    public struct Address: Sendable, Equatable {
        public var name: String?
        public var address: String
        public init(name: String? = nil, _ address: String) { self.name = name; self.address = address }
    }

    public var from: Address
    public var replyTo: Address?
    public var to: [Address]
    public var subject: String
    public var body: String
    /// `Date` as RFC 5322 writes it (`Fri, 04 Dec 2026 09:00:00 +0000`).
    public var date: Date
    /// `<id@domain>`, stable for one reminder so that a retry is recognisably the same message.
    public var messageId: String

    public init(from: Address, replyTo: Address? = nil, to: [Address], subject: String, body: String, date: Date, messageId: String) {
        self.from = from; self.replyTo = replyTo; self.to = to; self.subject = subject; self.body = body; self.date = date; self.messageId = messageId
    }

    public enum Problem: Error, Equatable, Sendable {
        /// An address that is not ASCII `local@domain` (the mail system would refuse it, or worse, read it otherwise).
        case badAddress(String)
        case noRecipient
    }

    /// A Message-ID derived from a reminder's id and the sender's domain: the same reminder, the same id.
    public static func messageId(for reminderId: String, domain: String) -> String {
        let local = reminderId.unicodeScalars.map { s -> String in
            s.isASCII && (CharacterSet.alphanumerics.contains(s) || "-._".unicodeScalars.contains(s)) ? String(s) : String(format: "=%02X", s.value & 0xFF)
        }.joined()
        return "<\(local)@\(domain)>"
    }

    /// Whether `a` is an address this module writes: ASCII, one `@`, no space, no control character, no angle
    /// brackets or quotes, a dotted domain.
    public static func isValid(_ a: String) -> Bool {
        guard a.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && !"<>\"(),;:\\[]".unicodeScalars.contains($0) }) else { return false }
        let parts = a.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return true
    }

    /// The message's bytes: headers then body, CRLF throughout.
    public func rendered() throws(Problem) -> Data {
        guard !to.isEmpty else { throw .noRecipient }
        for a in [from] + (replyTo.map { [$0] } ?? []) + to where !Self.isValid(a.address) { throw .badAddress(a.address) }
        var lines: [String] = []
        lines.append("From: " + Self.mailbox(from))
        if let replyTo { lines.append("Reply-To: " + Self.mailbox(replyTo)) }
        lines.append("To: " + to.map(Self.mailbox).joined(separator: ", "))
        lines.append("Subject: " + Self.encodedWords(Self.headerText(subject)))
        lines.append("Date: " + Self.rfc5322Date(date))
        lines.append("Message-ID: " + Self.headerText(messageId))
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=UTF-8")
        lines.append("Content-Transfer-Encoding: quoted-printable")
        lines.append("Auto-Submitted: auto-generated")
        let head = lines.joined(separator: "\r\n")
        return Data((head + "\r\n\r\n" + Self.quotedPrintable(body)).utf8)
    }

    /// A header's text from data: control characters (a CR or LF would start a header of its own) become spaces.
    static func headerText(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0 }))
    }

    static func mailbox(_ a: Address) -> String {
        guard let name = a.name.map(headerText), !name.trimmingCharacters(in: .whitespaces).isEmpty else { return a.address }
        return encodedWords(name, phrase: true) + " <" + a.address + ">"
    }

    /// RFC 2047 `=?UTF-8?B?...?=` words of at most 75 characters when the text is not plain printable ASCII; a plain
    /// phrase is quoted when it holds specials.
    static func encodedWords(_ text: String, phrase: Bool = false) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }
        if plain && !text.contains("=?") {
            if phrase, text.unicodeScalars.contains(where: { "()<>@,;:\\\".[]".unicodeScalars.contains($0) }) {
                return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            }
            return text
        }
        // Split on characters, never inside one, so each word decodes on its own: 36 bytes of UTF-8 are 48 of base64,
        // a 60-character word, which leaves room for the header's name on a line of at most 76.
        var words: [String] = [], chunk = ""
        for c in text {
            if (chunk + String(c)).utf8.count > 36 { words.append(chunk); chunk = "" }
            chunk.append(c)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0.utf8).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045) of UTF-8 text: lines end CRLF whatever the text used; `=` and bytes outside
    /// printable ASCII encoded; a space or tab at a line's end encoded; soft breaks keep lines under 76.
    static func quotedPrintable(_ text: String) -> String {
        // On bytes: a String per byte and `String(format:)` made this a tenth of a mail run.
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 2)
        var lineLength = 0
        func put(_ piece: UnsafeBufferPointer<UInt8>) {
            if lineLength + piece.count > 75 { out += [0x3D, 13, 10]; lineLength = 0 }   // soft break "=" CRLF
            out += piece; lineLength += piece.count
        }
        let bytes = Array(text.utf8)
        var i = 0
        while i <= bytes.count {
            // A line ends at LF, CR LF, a lone CR, or the text's end.
            var end = i
            while end < bytes.count && bytes[end] != 10 && bytes[end] != 13 { end += 1 }
            // A line starting "." (a lone dot ends the message for a mail command without -i) or "From " (mbox
            // files quote it) has its first byte encoded: the text arrives as written whatever carries it.
            let guarded = end > i && (bytes[i] == 0x2E || (end - i >= 5 && bytes[i..<i + 5].elementsEqual("From ".utf8)))
            for k in i..<end {
                let b = bytes[k]
                let last = k == end - 1
                if guarded && k == i {
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3) { p in
                        p[0] = 0x3D; p[1] = hex[Int(b >> 4)]; p[2] = hex[Int(b & 0x0F)]; put(UnsafeBufferPointer(p))
                    }
                } else if ((b == 0x20 || b == 0x09) && !last) || (b >= 0x21 && b <= 0x7E && b != 0x3D) {
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { p in p[0] = b; put(UnsafeBufferPointer(p)) }
                } else {
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3) { p in
                        p[0] = 0x3D; p[1] = hex[Int(b >> 4)]; p[2] = hex[Int(b & 0x0F)]; put(UnsafeBufferPointer(p))
                    }
                }
            }
            out += [13, 10]; lineLength = 0
            if end < bytes.count && bytes[end] == 13 && end + 1 < bytes.count && bytes[end + 1] == 10 { end += 1 }
            i = end + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `Date` as RFC 5322 writes it, in UTC.
    static func rfc5322Date(_ d: Date) -> String {
        dateLock.lock(); defer { dateLock.unlock() }
        return dateFormatter.string(from: d)
    }

    nonisolated(unsafe) private static let dateFormatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f
    }()
    private static let dateLock = NSLock()
}
