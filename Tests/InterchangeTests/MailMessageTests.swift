import Foundation
import Testing
@testable import Interchange

/// Issue 22 (2): the RFC 5322 message a reminder becomes. The encoded forms below were computed with Python's own
/// `base64`, `quopri` and `email.header` (not with this code), and decode back to the texts given.
@Suite struct MailMessageTests {
    static let message = MailMessage(
        from: .init(name: "Négoce Dupont SAS", "relances@dupont.fr"), replyTo: .init(name: "Amélie Rousseau", "amelie@dupont.fr"),
        to: [.init(name: "Société Générale", "compta@sg.example")],
        subject: "Relance : facture F26-000123 échue, 21 771,07 €",
        body: "Madame, vous devez 21 771,07 € = total.\nLigne finie par un espace \n",
        date: Date(timeIntervalSince1970: 1_796_374_800), messageId: MailMessage.messageId(for: "LTR-2026-12-04-C0001-reminder-1", domain: "dupont.fr"))

    @Test func theMessageIsCRLFWithEncodedHeadersAndBody() throws {
        let data = try Self.message.rendered()
        let text = String(decoding: data, as: UTF8.self)
        // CRLF only: every LF follows a CR.
        let bytes = [UInt8](data)
        #expect(bytes.indices.allSatisfy { bytes[$0] != 0x0A || ($0 > 0 && bytes[$0 - 1] == 0x0D) })
        #expect(text.contains("Subject: =?UTF-8?B?UmVsYW5jZSA6IGZhY3R1cmUgRjI2LTAwMDEyMyDDqWNodWUs?=\r\n =?UTF-8?B?IDIxIDc3MSwwNyDigqw=?=\r\n"))
        #expect(text.contains("To: =?UTF-8?B?U29jacOpdMOpIEfDqW7DqXJhbGU=?= <compta@sg.example>\r\n"))
        #expect(text.contains("Message-ID: <LTR-2026-12-04-C0001-reminder-1@dupont.fr>\r\n"))
        #expect(text.contains("Date: Fri, 04 Dec 2026 09:00:00 +0000\r\n"))
        #expect(text.contains("Auto-Submitted: auto-generated\r\n") && text.contains("Content-Transfer-Encoding: quoted-printable\r\n"))
        #expect(text.contains("\r\n\r\nMadame, vous devez 21 771,07 =E2=82=AC =3D total.\r\nLigne finie par un espace=20\r\n"))
        // No line over 78 characters (RFC 2047: 76 where an encoded word is; quoted-printable keeps 76).
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 }, "\(text.components(separatedBy: "\r\n").filter { $0.utf8.count > 76 })")
    }

    @Test func dataNeverBreaksAHeaderAndAddressesAreASCII() throws {
        var m = Self.message
        m.subject = "Relance\r\nBcc: victim@example.com"
        m.to = [.init(name: "Evil\nBcc: x@y.z", "compta@sg.example")]
        let text = String(decoding: try m.rendered(), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(!head.components(separatedBy: "\r\n").contains { $0.hasPrefix("Bcc:") })
        m.to = [.init("compta@société.fr")]
        #expect(throws: MailMessage.Problem.badAddress("compta@société.fr")) { try m.rendered() }
        m.to = [.init("a@b.c\r\nBcc: x@y.z")]
        #expect(throws: MailMessage.Problem.self) { try m.rendered() }
        #expect(!MailMessage.isValid("nodomain@") && !MailMessage.isValid("two@@at.fr") && MailMessage.isValid("a.b-c@d.example"))
    }

    @Test func aLongBodyLineIsSoftBrokenUnder76() throws {
        var m = Self.message
        m.body = String(repeating: "é", count: 100)
        let text = String(decoding: try m.rendered(), as: UTF8.self)
        let body = text.components(separatedBy: "\r\n\r\n")[1]
        let lines = body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
        // Joined back (soft breaks removed) it is 100 times =C3=A9.
        #expect(lines.map { $0.hasSuffix("=") ? String($0.dropLast()) : $0 }.joined() == String(repeating: "=C3=A9", count: 100))
    }

    /// A line starting "." (which ends a message for a mail command without -i) or "From " (quoted in mbox files)
    /// has its first byte encoded; decoding gives the text back.
    @Test func aLoneDotOrFromAtALinesStartIsEncoded() {
        #expect(MailMessage.quotedPrintable(".\nFrom here\nFromage\n") == "=2E\r\n=46rom here\r\nFromage\r\n\r\n")
    }
}
