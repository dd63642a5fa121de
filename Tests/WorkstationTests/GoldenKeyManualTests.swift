import Testing
@testable import Workstation

/// The README's key table and the man page's KEYS section are the binding table's (issue 18): a key added, renamed
/// or moved changes them, and this fails until they are rewritten (`RELANCE_REWRITE_GOLDEN=1 swift test --filter Golden`).
@Suite struct GoldenKeyManualTests {
    @Test func theReadmeKeyTableIsTheBindingTable() {
        Golden.checkSection(file: "README.md", begin: "<!-- keys:begin", end: "<!-- keys:end -->", KeyManual.markdown())
    }

    @Test func theManPageKeysSectionIsTheBindingTable() {
        Golden.checkSection(file: "docs/relance.1", begin: ".\\\" keys:begin", end: ".\\\" keys:end", KeyManual.roff())
    }

    @Test func theTableNamesEveryScreenAndTheManualEveryBinding() {
        let roff = KeyManual.roff()
        for b in Bindings.table where b.command != .redraw { #expect(roff.contains(KeyManual.escape(b.help)), "\(b.help)") }
        for id in ScreenID.allCases { #expect(KeyManual.screenNames[id] != nil) }
    }
}
