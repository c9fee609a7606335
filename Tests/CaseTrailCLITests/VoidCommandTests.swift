import Foundation
import Testing
import CaseTrailCLI
import CaseTrailTestSupport
@testable import CaseTrailStore

/// `void` through the real binary: refused without what it needs, then gone from answers and kept in history.
@Suite struct VoidCommandTests {
    @Test func aDuplicateAuditIsVoidedGoneFromEveryAnswerAndKeptInHistory() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        func run(_ args: [String]) throws -> Outcome { try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"]) }
        for args in [["review", "open", "MSCP-AUD-2023-01", "--kind", "audit", "--title", "Themed audit: Neglect", "--on", "2023-01-10"],
                     ["review", "open", "MSCP-AUD-2023-02", "--kind", "audit", "--title", "Themed audit: neglect", "--on", "2023-01-11", "--again"],
                     ["rec", "add", "MSCP-AUD-2023-02", "R1", "--text", "Review GCP2 scores", "--on", "2023-01-20"],
                     ["action", "add", "MSCP-AUD-2023-02/R1", "A1", "--text", "Neglect training", "--owner", "KP", "--lead", "NSIG", "--due", "2023-03-31", "--on", "2023-01-20"]] {
            let out = try run(args)
            #expect(out.status == 0, "\(args): \(out.stderr)")
        }
        let seqBefore = try run(["checkpoint", "--format", "json"]).stdout
        let before = readBytes(log)
        let refused = try run(["void", "MSCP-AUD-2023-02", "--reason", "Opened twice"])
        #expect(refused.status == 1 && refused.stderr == "Error: Voiding MSCP-AUD-2023-02 also voids 1 recommendation (R1) and 1 action (R1/A1). If all of it was entered in error, void it with --with-dependents.\n")
        #expect(readBytes(log) == before, "nothing appended when refused")
        #expect(try run(["void", "MSCP-AUD-2023-02", "--reason", "Opened twice", "--with-dependents"]).stdout == "Recorded entry_voided (seq 11).\n")

        #expect(try run(["overdue", "--format", "json"]).stdout == #"{"items":[],"count":0}"# + "\n")
        #expect(!(try run(["reviews", "--format", "json"]).stdout.contains("MSCP-AUD-2023-02")))
        #expect(!(try run(["export", "--format", "csv"]).stdout.contains("MSCP-AUD-2023-02")))
        let shown = try run(["show", "MSCP-AUD-2023-02/R1/A1"])
        #expect(shown.status == 1 && shown.stderr.hasPrefix("Error: MSCP-AUD-2023-02/R1/A1 was voided as entered in error on 1 Jun 2023, with MSCP-AUD-2023-02: Opened twice."))
        let history = try run(["history", "MSCP-AUD-2023-02/R1/A1", "--format", "json"]).stdout
        #expect(history.contains("added action MSCP-AUD-2023-02/R1/A1 for KP, due 31 Mar 2023: Neglect training [void since 1 Jun 2023: Opened twice]"))
        #expect(history.contains(#""type":"entry_voided""#) && history.contains("Business Manager voided MSCP-AUD-2023-02 as entered in error on 1 Jun 2023, with the 2 entries that depend on it: Opened twice"))
        // As it was before the void.
        guard case let .int(seq)? = try JSONValue.parse(seqBefore)["seq"] else { Issue.record("no seq in \(seqBefore)"); return }
        #expect(try run(["overdue", "--format", "json", "--as-of", "seq:\(seq)"]).stdout.contains("MSCP-AUD-2023-02/R1/A1"))
        #expect(try exec(["verify", "--log", log]).status == 0)
        let help = try run(["void", "--help"]).stdout
        #expect(help.contains("--with-dependents") && help.contains("as if it had never been recorded"))
        let line = try run(["void", "seq:5", "--reason", "x"])
        #expect(line.status == 1 && line.stderr.contains("Voiding a single line (seq:5) is not available yet"))
    }
}
