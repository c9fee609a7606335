// swift-tools-version: 6.0
import PackageDescription

// The SHA-256 kernel target is compiled for the SHA extensions on x86-64 and used only when the
// processor reports them at run time; elsewhere it is empty and the portable code runs.
#if arch(x86_64)
let shaExtensionFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-msha", "-Xcc", "-msse4.1"])]
#else
let shaExtensionFlags: [SwiftSetting] = []
#endif

/// casetrail: an event-sourced case-review tracker. No package dependencies, by design.
let package = Package(
    name: "casetrail",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "casetrail", targets: ["casetrail"]),
        .executable(name: "casetrail-bench", targets: ["casetrail-bench"]),
    ],
    targets: [
        // Rules and read models only: events, commands, deciders, authority, projections, calendar,
        // clocks, reports. No byte format, no I/O, no clock, no threads.
        .target(name: "CaseTrailCore"),
        // Every byte format and every medium: the payload codec, the line format and its hash,
        // snapshots, SHA-256, locks; the JSON Lines file behind the `LogStore` protocol.
        .target(name: "CaseTrailStore", dependencies: ["CaseTrailCore", "SHA256Extensions"]),
        // The replay/record cycle, snapshot policy, checkpoints and verification.
        .target(name: "CaseTrailApp", dependencies: ["CaseTrailCore", "CaseTrailStore"]),
        // SHA-256 on the processor's SHA instructions, only for the store's hot path.
        .target(name: "SHA256Extensions", swiftSettings: shaExtensionFlags),
        // Arguments, help and output formats; a library so tests drive it in-process.
        .target(name: "CaseTrailCLI", dependencies: ["CaseTrailCore", "CaseTrailStore", "CaseTrailApp"]),
        .executableTarget(name: "casetrail", dependencies: ["CaseTrailCLI"]),
        // Writes realistic logs and measures the real binary against them (`make bench`).
        .executableTarget(name: "casetrail-bench", dependencies: ["CaseTrailCore", "CaseTrailStore"]),
        // Temporary folders and file helpers shared by the test targets.
        .target(name: "CaseTrailTestSupport", path: "Tests/CaseTrailTestSupport"),
        .testTarget(name: "CaseTrailCoreTests", dependencies: ["CaseTrailCore"]),
        .testTarget(name: "CaseTrailStoreTests", dependencies: ["CaseTrailStore", "CaseTrailCore", "CaseTrailTestSupport"]),
        .testTarget(name: "CaseTrailAppTests", dependencies: ["CaseTrailApp", "CaseTrailStore", "CaseTrailCore", "CaseTrailTestSupport"]),
        .testTarget(name: "CaseTrailCLITests", dependencies: ["CaseTrailCLI", "CaseTrailApp", "CaseTrailStore", "CaseTrailCore", "CaseTrailTestSupport"],
                    exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
