import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

/// Options that many commands share, written once so their help reads the same everywhere.
enum Opt {
    static func on(_ help: String = "The date it happened (YYYY-MM-DD).", required: Bool = true) -> OptionSpec {
        OptionSpec(name: "--on", valueName: "date", help: help, required: required)
    }
    static func reason(_ help: String = "Why, in a sentence.", required: Bool = true) -> OptionSpec {
        OptionSpec(name: "--reason", valueName: "text", help: help, required: required)
    }
    static func note(_ help: String = "A note for the record.") -> OptionSpec {
        OptionSpec(name: "--note", valueName: "text", help: help)
    }
    /// `--on` for a fact that happened before it was recorded.
    static let happened = on("The date it happened (default: today).", required: false)
    /// Who a decision, sign-off or update is recorded for, and where it was made.
    static let behalf: [OptionSpec] = [
        OptionSpec(name: "--on-behalf-of", valueName: "body", help: "The body (or member) it is recorded for, e.g. \"Executive\"."),
        OptionSpec(name: "--meeting", valueName: "text", help: "Where it was decided, e.g. \"Executive, 14 June 2023, minute 5\"."),
    ]
    static let again = OptionSpec(name: "--again", valueName: nil, help: "Record it though the same is already there (casetrail refuses what looks like a slip).")
    static let refuse = OptionSpec(name: "--refuse", valueName: nil, help: "Record a refusal instead of a sign-off (needs --reason).")
    static let ref = ArgumentSpec(name: "ref", help: "The review's reference, e.g. MSCP-RR-2023-01.")
    static let action = ArgumentSpec(name: "action", help: "The action, as REF/R<n>/A<n>, e.g. MSCP-LCSPR-2023-01/R1/A1.")

    /// Lists a value set for help text: "a, b or c".
    static func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> String where T.RawValue == String {
        spokenList(T.allCases.map(\.rawValue))
    }
}
