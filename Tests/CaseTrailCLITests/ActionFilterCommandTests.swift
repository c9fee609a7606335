import Foundation
import Testing
import CaseTrailCLI
import CaseTrailStore
import CaseTrailTestSupport

/// `--agency`, `--review`, `--kind`, `--lead`, `--rag` and `--status` on every action query, and
/// `--group-by` on all but `export`, on the demo log.
@Suite struct ActionFilterCommandTests {
    static let queries: [[String]] = [["outstanding"], ["overdue"], ["due", "--within", "3650"], ["awaiting-signoff"], ["no-impact-evidence"], ["export"]]

    /// Each filter with what it must keep of an item (export's actions use the same field names).
    static let filters: [(option: [String], keeps: @Sendable (JSONValue) -> Bool)] = [
        (["--agency", "MEDWAY-CSC"], { $0["owner"] == "MEDWAY-CSC" }),
        (["--review", "MSCB-BP-2017-18"], { $0["review"] == "MSCB-BP-2017-18" }),
        (["--kind", "plan"], { $0["kind"] == "plan" }),
        (["--lead", "SAFEGUARDING"], { $0["lead"]?.stringValue?.lowercased().contains("safeguarding") == true }),
        (["--rag", "amber"], { $0["rag"] == "amber" }),
        (["--status", "in-progress"], { $0["status"] == "in-progress" }),
    ]

    func items(_ args: [String], log: String) throws -> [JSONValue] {
        let out = cli(args + ["--format", "json", "--log", log, "--today", "2023-01-01"])
        #expect(out.status == 0, "\(args): \(out.stderr)")
        let json = try JSONValue.parse(out.stdout)
        return (json["items"] ?? json["actions"])?.arrayValue ?? []
    }

    @Test func everyActionQueryKeepsExactlyTheItemsEachFilterNames() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("demo.jsonl")
        try FileManager.default.copyItem(atPath: DemoLogTests.demo, toPath: log)
        for query in Self.queries {
            let all = try items(query, log: log)
            #expect(!all.isEmpty, "\(query) lists nothing unfiltered")
            for filter in Self.filters {
                let kept = try items(query + filter.option, log: log)
                #expect(kept == all.filter(filter.keeps), "\(query) \(filter.option)")
            }
            // Two filters together keep what both keep.
            let both = try items(query + ["--kind", "plan", "--status", "in-progress"], log: log)
            #expect(both == all.filter { $0["kind"] == "plan" && $0["status"] == "in-progress" }, "\(query)")
        }
        // The filters do narrow the demo's lists: each keeps some of what outstanding lists, and not all.
        let outstanding = try items(["outstanding"], log: log)
        for filter in Self.filters {
            let n = outstanding.filter(filter.keeps).count
            #expect(n > 0 && n < outstanding.count, "\(filter.option) keeps \(n) of \(outstanding.count)")
        }
    }

    @Test func everyActionQueryButExportCountsByEachKey() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("demo.jsonl")
        try FileManager.default.copyItem(atPath: DemoLogTests.demo, toPath: log)
        for query in Self.queries.dropLast() {
            let listed = try items(query, log: log)
            for key in ["review", "agency", "year", "lead", "kind", "rag"] {
                let out = cli(query + ["--group-by", key, "--format", "json", "--log", log, "--today", "2023-01-01"])
                let groups = try JSONValue.parse(out.stdout)["groups"]!.arrayValue!
                #expect(groups.map { $0["count"]!.intValue! }.reduce(0, +) == listed.count, "\(query) --group-by \(key)")
            }
        }
        let byLead = try JSONValue.parse(cli(["outstanding", "--group-by", "lead", "--format", "json", "--log", log, "--today", "2023-01-01"]).stdout)
        #expect(byLead["groups"]!.arrayValue!.contains { $0["key"] == "Head of Safeguarding" })
        #expect(cli(["export", "--group-by", "agency", "--log", log]).status == 64)
    }

    @Test func aFilterValueThatNamesNothingIsRefusedSayingWhatItTakes() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("demo.jsonl")
        try FileManager.default.copyItem(atPath: DemoLogTests.demo, toPath: log)
        let status = cli(["overdue", "--status", "late", "--log", log])
        #expect(status.status == 64)
        #expect(status.stderr.contains("'late' is not a value for '--status'; use one of: open, in-progress, implemented, signed-off, transferred, withdrawn, no-actions."))
        #expect(cli(["due", "--within", "30", "--rag", "blue", "--log", log]).stderr.contains("'blue' is not a value for '--rag'; use one of: red, amber, green."))
        #expect(cli(["export", "--kind", "scr-ish", "--log", log]).status == 64)
        #expect(cli(["awaiting-signoff", "--agency", "Nobody", "--log", log]).stderr == "Error: No agency 'Nobody'. See 'casetrail agencies'.\n")
        #expect(cli(["no-impact-evidence", "--lead", "", "--log", log]).status == 64)
    }
}
