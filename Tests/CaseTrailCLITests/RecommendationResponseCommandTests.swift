import Foundation
import Testing
import CaseTrailCLI
import CaseTrailTestSupport

/// `rec respond` through the real binary, and where its answers show.
@Suite struct RecommendationResponseCommandTests {
    @Test func aRecommendationNotAcceptedShowsWithItsReasonInShowAndTheAnnualReport() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        func run(_ args: [String]) throws -> Outcome { try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"]) }
        #expect(try run(["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Learning review", "--on", "2023-01-10"]).status == 0)
        #expect(try run(["rec", "add", "MSCP-LLR-2023-01", "R1", "--text", "Share information", "--on", "2023-01-10"]).status == 0)
        #expect(try run(["rec", "add", "MSCP-LLR-2023-01", "R2", "--text", "Audit referrals", "--on", "2023-01-10"]).status == 0)
        let both = try run(["rec", "respond", "MSCP-LLR-2023-01/R1", "--accepted", "--not-accepted"])
        #expect(both.status == 64 && both.stderr.contains("Give one of --accepted or --not-accepted."))
        let before = readBytes(log)
        let noReason = try run(["rec", "respond", "MSCP-LLR-2023-01/R1", "--not-accepted"])
        #expect(noReason.status == 1 && readBytes(log) == before)
        let out = try run(["rec", "respond", "MSCP-LLR-2023-01/R1", "--not-accepted", "--reason", "Covered by the county protocol", "--on", "2023-04-20"])
        #expect(out.stdout == "Recorded recommendation_responded (seq 10).\n")
        #expect(try run(["show", "MSCP-LLR-2023-01"]).stdout.contains("not accepted 2023-04-20: Covered by the county protocol"))
        #expect(try run(["show", "MSCP-LLR-2023-01", "--format", "json"]).stdout.contains(#""response":{"accepted":false,"reason":"Covered by the county protocol","on":"2023-04-20"}"#))
        let report = try exec(["report", "annual", "--year", "2023-24", "--format", "md", "--log", log, "--today", "2024-06-01"]).stdout
        #expect(report.contains("## Recommendations not accepted") && report.contains("| MSCP-LLR-2023-01/R1 | Share information | 2023-04-20 | Covered by the county protocol |"))
        #expect(report.contains("## Recommendations without a response at 31 March 2024") && report.contains("| MSCP-LLR-2023-01/R2 | 2023-01-10 | 446 | Audit referrals |"))
        #expect(try exec(["verify", "--log", log]).status == 0)
    }
}
