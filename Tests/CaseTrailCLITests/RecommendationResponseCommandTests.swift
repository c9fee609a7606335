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
        // Not accepted, R1 is no longer outstanding; R2, unanswered and without actions, still is.
        let outstanding = try run(["outstanding", "--format", "json"]).stdout
        #expect(!outstanding.contains(#""recommendation":"R1""#) && outstanding.contains(#""recommendation":"R2""#))
        #expect(try exec(["verify", "--log", log]).status == 0)
    }

    @Test func auditResultsRecordedThroughTheBinaryShowInShowAndInTheAnnualReport() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        func run(_ args: [String]) throws -> Outcome { try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"]) }
        #expect(try run(["review", "open", "MSCP-S11-2022", "--kind", "section11", "--title", "Section 11 audit 2022", "--on", "2022-05-01"]).status == 0)
        let bad = try run(["review", "results", "MSCP-S11-2022", "--fully-met", "lots", "--on", "2023-01-15"])
        #expect(bad.status == 64 && bad.stderr.contains("'lots' is not a count for '--fully-met'"))
        let wrongScale = try run(["review", "results", "MSCP-S11-2022", "--good", "3", "--on", "2023-01-15"])
        #expect(wrongScale.status == 1 && wrongScale.stderr.contains("'good' is not one of them"))
        #expect(try run(["review", "results", "MSCP-S11-2022", "--fully-met", "83", "--partially-met", "13", "--not-met", "4", "--on", "2023-01-15"]).status == 0)
        #expect(try run(["show", "MSCP-S11-2022"]).stdout.contains("Results: 83 fully met, 13 partially met, 4 not met (15 Jan 2023)"))
        let md = try run(["report", "annual", "--year", "2022-23", "--format", "md"]).stdout
        #expect(md.contains("| Section 11 audit 2022 (MSCP-S11-2022) | 83 fully met (83%), 13 partially met (13%), 4 not met (4%) |"))
        let json = try run(["report", "annual", "--year", "2022-23", "--format", "json"]).stdout
        #expect(json.contains(#""counts":{"fully-met":83,"partially-met":13,"not-met":4}"#))
        #expect(try exec(["verify", "--log", log]).status == 0)
    }
}
