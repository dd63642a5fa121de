// swift-tools-version:6.0
// Relance: a terminal workstation for receivables follow-up.
// Layers (see docs/ARCHITECTURE.md): Receivables (domain, Foundation only) <- FileStore, Interchange,
// DemoData, Workstation (screens) <- relance (executable). Only TerminalKit imports ncurses.
import PackageDescription

let package = Package(
    name: "Relance",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "relance", targets: ["relance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Letter templates users edit: sections and conditionals without code (docs/DECISIONS.md).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW", providers: [.apt(["libncurses-dev"])]),
        // Files a user may change without recompiling: policy, reason catalogue, demo seed lists.
        .target(name: "RelanceResources", path: "Resources",
                exclude: ["README.md"],
                resources: [.copy("policy"), .copy("catalogue"), .copy("demo"), .copy("templates"), .copy("po")]),
        // One rule for any text that reaches a terminal or a text file: control characters shown, not sent.
        .target(name: "TextSafety"),
        // Files a command writes outside the store: a batch that a kill leaves whole or absent, --out paths checked.
        .target(name: "OutputFiles", dependencies: ["UserRights"]),
        // The user's own rights for the paths a user names, when the program runs setgid to the store's group.
        .target(name: "UserRights"),
        .target(name: "Receivables", dependencies: ["RelanceResources", "TextSafety"]),
        // CRC-32 with the carry-less multiply: every open checks the snapshot's bytes, `check` all of backups/.
        .target(name: "CCRC32"),
        .target(name: "FileStore", dependencies: ["Receivables", "TextSafety", "UserRights", "Wording", "CCRC32"]),
        .target(name: "Interchange", dependencies: ["Receivables", "RelanceResources", "TextSafety", "OutputFiles", "UserRights", "Wording",
                                                    .product(name: "Mustache", package: "swift-mustache")]),
        .target(name: "DemoData", dependencies: ["Receivables", "RelanceResources"]),
        .target(name: "Simulation", dependencies: ["Receivables", "Interchange", "DemoData"]),
        .target(name: "TerminalKit", dependencies: ["CNCursesW", "TextSafety"]),
        // The edge's words for the domain's values (agenda reasons, history entries, payer profiles).
        .target(name: "Wording", dependencies: ["Receivables", "RelanceResources", "TextSafety"]),
        .target(name: "Workstation", dependencies: ["Receivables", "Interchange", "TerminalKit", "TextSafety", "Wording"]),
        .executableTarget(name: "relance", dependencies: [
            "Receivables", "FileStore", "Interchange", "DemoData", "TerminalKit", "Workstation", "TextSafety", "OutputFiles", "UserRights", "Wording",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        linkerSettings: [.unsafeFlags(["-static-stdlib"]), .linkedLibrary("CoreFoundation"), .linkedLibrary("_FoundationICU"),
                         .linkedLibrary("_FoundationCShims"), .linkedLibrary("_FoundationCollections"), .linkedLibrary("stdc++")]),
        // Benchmarks and the store torture writer used by the crash and concurrency tests.
        .executableTarget(name: "relance-tools", dependencies: [
            "Receivables", "FileStore", "Interchange", "DemoData", "TestSupport", "Simulation", "Workstation", "TerminalKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // libFuzzer harnesses (scripts/fuzz.sh builds them with -sanitize=fuzzer -DFUZZING); plain builds replay files.
        .executableTarget(name: "relance-fuzz", dependencies: ["Receivables", "FileStore", "Interchange", "TerminalKit"]),
        .target(name: "TestSupport", dependencies: ["Receivables", "FileStore", "TerminalKit", "Workstation", "DemoData"], path: "Tests/TestSupport"),
        .testTarget(name: "ReceivablesTests", dependencies: ["Receivables", "TestSupport", "Wording", "DemoData"]),
        .testTarget(name: "FileStoreTests", dependencies: ["FileStore", "Receivables", "DemoData", "TestSupport"]),
        .testTarget(name: "InterchangeTests", dependencies: ["Interchange", "Receivables", "FileStore", "TestSupport", "Simulation", "DemoData", "OutputFiles"]),
        .testTarget(name: "TerminalKitTests", dependencies: ["TerminalKit"]),
        .testTarget(name: "WorkstationTests", dependencies: ["Workstation", "Wording", "Receivables", "TerminalKit", "FileStore", "TestSupport",
                                                            "Interchange", "TextSafety"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "FileStore", "Receivables", "DemoData", "Workstation", "Wording"]),
    ]
)
