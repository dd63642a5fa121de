import Testing
@testable import Interchange

/// Issue 23: bank references are keyed byte by byte when ASCII; the key must be the one Characters give
/// (upper-cased, white space out), which earlier imports matched payments by.
@Suite struct ReferenceKeyTests {
    static func byCharacters(_ r: String) -> String { String(r.uppercased().filter { !$0.isWhitespace }) }

    @Test(arguments: ["VIR-1", "vir-1 ", " Vir 1\t", "vir\r\n1", "a\u{0B}b\u{0C}c", "ref#42/z~{}", "", "   ", "\u{1C}x\u{1F}",
                      "réf 12", "VIR FONDERIE SÉB F26-000001", "é\r\nx", "é \u{301}x", "é\u{2028}x\u{3000}y", "vir\u{00A0}1", "vir\u{202F}1", "straße 9", "ﬁx 1", "🙂 ok", "ǆ"])
    func asCharactersGiveIt(reference: String) {
        #expect(referenceKey(reference) == Self.byCharacters(reference))
    }

    @Test func everyASCIIByteAlone() {
        for b in UInt8(0)...0x7F {
            let s = "a" + String(UnicodeScalar(b)) + "z"
            #expect(referenceKey(s) == Self.byCharacters(s), "byte \(b)")
        }
    }
}
