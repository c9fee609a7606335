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

/// Messages that misled, through the real binary.
@Suite struct MisleadingMessageCommandTests {
    @Test func asOfBeforeTheLogBeganSaysWhenItBeganInsteadOfAnsweringEmpty() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let out = try exec(["outstanding", "--as-of", "2001-01-01", "--log", log])
        #expect(out.status == 1 && out.stdout.isEmpty)
        #expect(out.stderr.hasPrefix("Error: --as-of 2001-01-01 is before this log began: its first line was recorded at "))
        #expect(out.stderr.hasSuffix("Give a later time, or seq:N for the log as it stood after its first N lines; facts entered afterwards keep their own dates (see 'casetrail history').\n"))
        #expect(try exec(["outstanding", "--as-of", "seq:0", "--log", log]).status == 0, "seq:0 asks for the empty log on purpose")
    }
}

/// Personal details refused through the real binary, in any field, with nothing appended.
@Suite struct PersonalDataCommandTests {
    @Test func aPhoneNumberInAnActionNoteIsRefusedAndNothingIsWritten() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        func run(_ args: [String]) throws -> Outcome { try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"]) }
        #expect(try run(["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Learning review", "--on", "2023-01-10"]).status == 0)
        let before = readBytes(log)
        let out = try run(["rec", "add", "MSCP-LLR-2023-01", "R1", "--text", "Ring the family on 07700 900123"])
        #expect(out.status == 1 && out.stderr.hasPrefix("Error: The recommendation text contains a phone number ('07700 900123')."))
        #expect(readBytes(log) == before)
    }
}
