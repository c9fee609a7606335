import Foundation
import Testing
import CaseTrailCLI
import CaseTrailTestSupport

/// A slip refused through the real binary, nothing appended, and `--again` recording it on purpose.
@Suite struct DuplicateEntryCommandTests {
    @Test func aRecommendationTypedTwiceIsRefusedUntilGivenAgainOnPurpose() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        func run(_ args: [String]) throws -> Outcome { try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"]) }
        #expect(try run(["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Learning review", "--on", "2023-01-10"]).status == 0)
        #expect(try run(["rec", "add", "MSCP-LLR-2023-01", "R1", "--text", "Share information"]).status == 0)
        let before = readBytes(log)
        let slip = try run(["rec", "add", "MSCP-LLR-2023-01", "R2", "--text", "share  information"])
        #expect(slip.status == 1)
        #expect(slip.stderr == "Error: MSCP-LLR-2023-01/R1 already says 'Share information'; use MSCP-LLR-2023-01/R1. If it is a different one, record it with --again.\n")
        #expect(readBytes(log) == before, "nothing appended")
        #expect(try run(["rec", "add", "MSCP-LLR-2023-01", "R2", "--text", "share  information", "--again"]).stdout == "Recorded recommendation_added (seq 9).\n")
        #expect(try run(["review", "open", "MSCP-LLR-2023-02", "--kind", "llr", "--title", "LEARNING review"]).status == 1)
        #expect(try run(["rec", "add", "--help"]).stdout.contains("--again"))
        #expect(try exec(["verify", "--log", log]).status == 0, "replay accepts the repeat recorded on purpose")
    }
}
