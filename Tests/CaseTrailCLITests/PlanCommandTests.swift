import Foundation
import Testing
import CaseTrailCLI
import CaseTrailTestSupport

/// Plans through the real binary: numbering as the plan writes it, `review carry-forward`, and the demo's plan.
@Suite struct PlanCommandTests {
    /// A founded log with the 2014-15 plan (P2 with A2.4 and A2.10, the second updated) and an empty 2015-16 plan.
    func planLog() throws -> (TemporaryDirectory, String, ([String]) throws -> Outcome) {
        let (dir, log) = try foundedLog()
        func run(_ args: [String]) throws -> Outcome { try exec(args + ["--log", log, "--actor", "bu", "--today", "2015-04-02"]) }
        let setup: [[String]] = [
            ["review", "open", "MSCB-BP-2014-15", "--kind", "plan", "--title", "Business plan 2014-15", "--on", "2014-04-01"],
            ["rec", "add", "MSCB-BP-2014-15", "P2", "--text", "Tackle neglect", "--on", "2014-04-01"],
            ["action", "add", "MSCB-BP-2014-15/P2", "A2.10", "--text", "Neglect toolkit", "--owner", "KP", "--lead", "Neglect sub-group", "--due", "2015-03-31", "--on", "2014-04-10"],
            ["action", "add", "MSCB-BP-2014-15/P2", "A2.4", "--text", "Neglect training", "--owner", "KP", "--lead", "Training sub-group", "--due", "2015-03-31", "--on", "2014-04-10"],
            ["action", "update", "MSCB-BP-2014-15/P2/A2.10", "--note", "Toolkit drafted", "--rag", "amber"],
            ["review", "open", "MSCB-BP-2015-16", "--kind", "plan", "--title", "Business plan 2015-16", "--on", "2015-04-01"],
            ["review", "open", "MSCB-LLR-2015-01", "--kind", "llr", "--title", "Learning review", "--on", "2015-04-01"],
        ]
        for args in setup {
            let out = try run(args)
            guard out.status == 0 else { throw Refused(text: out.stderr) }
        }
        return (dir, log, run)
    }

    @Test func actionsNumberedAsThePlanNumbersThemAreListedInNaturalOrder() throws {
        let (dir, _, run) = try planLog()
        defer { withExtendedLifetime(dir) {} }
        let shown = try run(["show", "MSCB-BP-2014-15"]).stdout
        let a24 = try #require(shown.range(of: "A2.4 ")), a210 = try #require(shown.range(of: "A2.10 "))
        #expect(a24.lowerBound < a210.lowerBound, "A2.4 before A2.10 though added after it")
        let bad = try run(["rec", "add", "MSCB-BP-2014-15", "P/3", "--text", "t"])
        #expect(bad.status == 1 && bad.stderr.contains("'P/3' is not a recommendation number"))
    }

    @Test func carryForwardMovesEveryOpenActionIntoTheNextPlanWithItsHistoryAndLinksBothWays() throws {
        let (dir, log, run) = try planLog()
        defer { withExtendedLifetime(dir) {} }
        let before = readBytes(log)
        let wrong = try run(["review", "carry-forward", "MSCB-BP-2014-15", "--to", "MSCB-LLR-2015-01"])
        #expect(wrong.status == 1 && wrong.stderr.contains("MSCB-LLR-2015-01 is a learning lessons review; you can only carry actions forward on a plan."))
        #expect(try run(["review", "carry-forward", "MSCB-BP-2014-15"]).status == 64, "--to is required")
        #expect(readBytes(log) == before, "nothing is appended when a carry-forward is refused")

        let out = try run(["review", "carry-forward", "MSCB-BP-2014-15", "--to", "MSCB-BP-2015-16", "--on", "2015-04-01"])
        #expect(out.status == 0)
        #expect(out.stdout == """
            Recorded recommendation_added, 2 action_carried_forward (seq 14-16).
              MSCB-BP-2014-15/P2/A2.4 -> MSCB-BP-2015-16/P2/A2.4
              MSCB-BP-2014-15/P2/A2.10 -> MSCB-BP-2015-16/P2/A2.10

            """)
        let moved = try run(["show", "MSCB-BP-2015-16/P2/A2.10"]).stdout
        #expect(moved.contains("Carried from:   MSCB-BP-2014-15/P2/A2.10 on 1 Apr 2015"))
        #expect(moved.contains("Status:         in-progress, amber"))
        let timeline = try run(["show", "MSCB-BP-2015-16/P2/A2.10", "--format", "json"]).stdout
        #expect(timeline.contains("updated MSCB-BP-2014-15/P2/A2.10 (amber): Toolkit drafted"), "its earlier updates come with it")
        let history = try run(["history", "MSCB-BP-2015-16/P2/A2.10", "--format", "json"]).stdout
        #expect(history.contains(#""type":"action_added""#) && history.contains(#""type":"action_updated""#) && history.contains(#""type":"action_carried_forward""#))
        let old = try run(["show", "MSCB-BP-2014-15/P2/A2.10", "--format", "json"]).stdout
        #expect(old.contains(#""status":"transferred""#) && old.contains(#""to":"MSCB-BP-2015-16/P2/A2.10""#))
        #expect(try run(["show", "MSCB-BP-2015-16/P2/A2.10", "--format", "json"]).stdout.contains(#""carried_from":{"action":"MSCB-BP-2014-15/P2/A2.10","on":"2015-04-01"}"#))
        let outstanding = try run(["outstanding", "--format", "json"]).stdout
        #expect(outstanding.contains("MSCB-BP-2015-16/P2/A2.10") && !outstanding.contains("MSCB-BP-2014-15/P2/A2.10"))
        let again = try run(["action", "update", "MSCB-BP-2014-15/P2/A2.4", "--note", "late note"])
        #expect(again.status == 1 && again.stderr.contains("was carried forward to MSCB-BP-2015-16/P2/A2.4"))
        #expect(try exec(["verify", "--log", log]).status == 0)
        #expect(try run(["review", "carry-forward", "--help"]).stdout.contains("--to <plan>"))
    }

    @Test func anExportOfACarriedForwardPlanImportedIntoAnotherLogGivesTheSameOutstandingAnswer() throws {
        let (dir, _, run) = try planLog()
        defer { withExtendedLifetime(dir) {} }
        #expect(try run(["review", "carry-forward", "MSCB-BP-2014-15", "--to", "MSCB-BP-2015-16", "--on", "2015-04-01"]).status == 0)
        let exported = dir.path("export.csv")
        try writeBytes(exported, Array(try run(["export", "--format", "csv"]).stdout.utf8))
        // Into another log holding both plans but none of their actions.
        let (third, empty) = try foundedLog()
        defer { withExtendedLifetime(third) {} }
        func runEmpty(_ args: [String]) throws -> Outcome { try exec(args + ["--log", empty, "--actor", "bu", "--today", "2015-04-02"]) }
        for ref in ["MSCB-BP-2014-15", "MSCB-BP-2015-16"] {
            #expect(try runEmpty(["review", "open", ref, "--kind", "plan", "--title", ref, "--on", "2014-04-01"]).status == 0)
        }
        let imported = try runEmpty(["import", exported])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(try runEmpty(["outstanding", "--format", "json"]).stdout == run(["outstanding", "--format", "json"]).stdout)
        #expect(try runEmpty(["show", "MSCB-BP-2014-15/P2/A2.10", "--format", "json"]).stdout.contains(#""to":"MSCB-BP-2015-16/P2/A2.10""#))
        #expect(try exec(["verify", "--log", empty]).status == 0)
    }

    @Test func anImportIntoAPlanKeepsThePlansOwnNumbersAndReportsOnesThatCannotBeUsed() throws {
        let (dir, log, run) = try planLog()
        defer { withExtendedLifetime(dir) {} }
        let csv = dir.path("plan.csv")
        func write(_ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: csv)) }
        try write("Priority number,Priority objective,Action number,Specific action,Lead,Timescales\n"
                  + "P1,Early help,1.1,Publish the threshold,Kent Police,March 2016\n"
                  + "P1,,2/3,Audit early help,Kent Police,March 2016\n"
                  + "P1,,1.1,Audit again,Kent Police,March 2016\n")
        let before = readBytes(log)
        let refused = try run(["import", csv, "--into", "MSCB-BP-2015-16"])
        #expect(refused.status == 1 && readBytes(log) == before)
        #expect(refused.stdout.contains("row 3: problem: the action number '2/3' cannot be used"))
        #expect(refused.stdout.contains("row 4: problem: MSCB-BP-2015-16/P1/1.1 already exists."))
        try write("Priority number,Priority objective,Action number,Specific action,Lead,Timescales\n"
                  + "P1,Early help,1.1,Publish the threshold,Kent Police,March 2016\n"
                  + "P1,,1.2,Audit early help,Kent Police,March 2016\n")
        #expect(try run(["import", csv, "--into", "MSCB-BP-2015-16"]).status == 0)
        let shown = try run(["show", "MSCB-BP-2015-16"]).stdout
        #expect(shown.contains("P1 ") && shown.contains("  1.1 ") && shown.contains("  1.2 "))
    }

    @Test func theDemoCarriesItsBusinessPlanForwardAndRecordsGradingsAndARecommendationNotAccepted() throws {
        func demo(_ args: [String]) throws -> String { try exec(args + ["--log", DemoLogTests.demo, "--today", "2023-06-01"]).stdout }
        let plan = try demo(["show", "MSCB-BP-2017-18", "--format", "json"])
        #expect(plan.contains(#""kind":"plan""#) && plan.contains(#""action":"MSCB-BP-2017-18/P1/1.1""#))
        let history = try demo(["history", "MSCB-BP-2014-17", "--format", "json"])
        #expect(history.contains("imported business-plan-2014-17.csv into MSCB-BP-2014-17"))
        #expect(try demo(["show", "MSCB-BP-2014-17/P4/3.4", "--format", "json"]).contains(#""status":"signed-off""#), "what was signed off stays behind")
        let report = try demo(["report", "annual", "--year", "2022-23", "--format", "md"])
        #expect(report.contains("| Themed audit: Neglect (MSCP-AUD-2022-01) | 1 good, 4 requires improvement |"))
        #expect(report.contains("| MSCP-EXT-2023-01/R4 | Appoint an independent chair for the Executive (illustrative) | 2023-03-29 |"))
    }
}
