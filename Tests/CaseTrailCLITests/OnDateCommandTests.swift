import Foundation
import Testing
import CaseTrailCLI
import CaseTrailStore
import CaseTrailTestSupport

/// `--on-date`: answers as things stood on a date by the dates the facts carry, and the annual
/// report's year end by the same rule.
@Suite struct OnDateCommandTests {
    static let a1 = "MSCP-LCSPR-2023-01/R1/A1", a2 = "MSCP-LCSPR-2023-01/R1/A2"

    /// The reviewed log with A2 implemented and signed off in March 2023, A1 implemented and given its first sign-off.
    func yearLog() throws -> (TemporaryDirectory, String) {
        let (dir, log) = try reviewedLog()
        let steps: [([String], String, String)] = [
            (["action", "implemented", Self.a2, "--on", "2023-03-05", "--evidence", "Audit of 40 referrals"], "bu", "2023-03-06"),
            (["action", "sign-off", Self.a2, "--stage", "learning-lessons", "--on", "2023-03-10"], "ll", "2023-03-10"),
            (["action", "sign-off", Self.a2, "--stage", "executive", "--on", "2023-03-15"], "ex", "2023-03-15"),
            (["action", "update", Self.a1, "--note", "Trainer booked", "--rag", "green", "--on", "2023-03-12"], "bu", "2023-03-12"),
            (["action", "implemented", Self.a1, "--on", "2023-03-20", "--evidence", "All staff trained"], "bu", "2023-03-20"),
            (["action", "sign-off", Self.a1, "--stage", "learning-lessons", "--on", "2023-03-25"], "ll", "2023-03-25"),
        ]
        for (args, actor, today) in steps {
            let out = cli(args + ["--log", log, "--actor", actor, "--today", today])
            guard out.status == 0 else { throw Refused(text: "\(args): \(out.stderr)") }
        }
        return (dir, log)
    }

    /// The report's figures, without the checkpoint line that pins the log it was read from.
    func figures(_ log: String, _ year: String) throws -> JSONValue {
        let out = cli(["report", "annual", "--year", year, "--format", "json", "--log", log, "--today", "2024-06-01"])
        guard case .object(let members) = try JSONValue.parse(out.stdout) else { return .null }
        return .object(members.filter { $0.key != "checkpoint" })
    }

    @Test func aClosedYearsFiguresDoNotChangeWhenAnActionIsReopenedOrASignOffRefusedAfterIt() throws {
        let (dir, log) = try yearLog()
        defer { withExtendedLifetime(dir) {} }
        let before = try figures(log, "2022-23")
        #expect(before["actions_implemented"] == 2)
        #expect(before["actions_signed_off"] == 1)
        #expect(before["outstanding_at_year_end"] == 1)
        #expect(before["overdue_at_year_end"] == 0)
        // After the year: A2 reopened on 1 May, A1's executive sign-off refused in April.
        #expect(cli(["action", "reopen", Self.a2, "--reason", "Re-audit found gaps", "--on", "2023-05-01", "--log", log, "--actor", "bu", "--today", "2023-05-01"]).status == 0)
        #expect(cli(["action", "sign-off", Self.a1, "--stage", "executive", "--refuse", "--reason", "No evidence from GPs", "--on", "2023-04-12",
                     "--log", log, "--actor", "ex", "--today", "2023-04-12"]).status == 0)
        #expect(try figures(log, "2022-23") == before)
        // The year they happened in counts them: both outstanding at 31 March 2024, both past due.
        let next = try figures(log, "2023-24")
        #expect(next["outstanding_at_year_end"] == 2)
        #expect(next["overdue_at_year_end"] == 2)
    }

    @Test func eachMonthEndCountsWhatWasOutstandingThenThoughItWasReopenedOrSentBackLater() throws {
        let (dir, log) = try yearLog()
        defer { withExtendedLifetime(dir) {} }
        // In 2023-24: A1's executive sign-off refused on 12 April, A2 (signed off in March) reopened on 1 May.
        #expect(cli(["action", "sign-off", Self.a1, "--stage", "executive", "--refuse", "--reason", "No evidence from GPs", "--on", "2023-04-12",
                     "--log", log, "--actor", "ex", "--today", "2023-04-12"]).status == 0)
        #expect(cli(["action", "reopen", Self.a2, "--reason", "Re-audit found gaps", "--on", "2023-05-01", "--log", log, "--actor", "bu", "--today", "2023-05-01"]).status == 0)
        let months = try figures(log, "2023-24")["month_ends"]!.arrayValue!.map { $0["outstanding"]!.intValue! }
        // 30 April: A1 only (A2 still signed off); from 31 May: both.
        #expect(months == [1] + Array(repeating: 2, count: 11))
        // At 31 March 2023 only A1 was outstanding (implemented, awaiting sign-off); A2 was signed off on 15 March.
        #expect(try figures(log, "2022-23")["month_ends"]!.arrayValue!.last?["outstanding"] == 1)
    }

    @Test func outstandingOnADateListsWhatWasOutstandingThenByTheFactsOwnDates() throws {
        let (dir, log) = try yearLog()
        defer { withExtendedLifetime(dir) {} }
        func listed(_ extra: [String]) throws -> [String] {
            let out = cli(["outstanding", "--format", "json", "--log", log] + extra)
            #expect(out.status == 0, "\(out.stderr)")
            return try JSONValue.parse(out.stdout)["items"]!.arrayValue!.map { $0["action"]?.stringValue ?? "-" }
        }
        // Before the recommendation was made, nothing of it; on 8 March both actions, A2 implemented; at year end only A1.
        #expect(try listed(["--on-date", "2023-02-28"]) == [])
        #expect(try listed(["--on-date", "2023-03-08"]) == [Self.a1, Self.a2])
        let march8 = try JSONValue.parse(cli(["outstanding", "--on-date", "2023-03-08", "--format", "json", "--log", log]).stdout)["items"]!.arrayValue!
        #expect(march8.map { $0["status"]! } == ["open", "implemented"])
        #expect(try listed(["--on-date", "2023-03-31"]) == [Self.a1])
        // What the log held after its first 17 lines (before A2's implementation was recorded) believed about 31 March.
        #expect(try listed(["--as-of", "seq:17", "--on-date", "2023-03-31"]) == [Self.a1, Self.a2])
        // Today is the date asked about: A2, due 31 March, was not yet overdue on it, and is a day later.
        #expect(cli(["overdue", "--as-of", "seq:17", "--on-date", "2023-03-31", "--format", "json", "--log", log]).stdout.hasPrefix(#"{"items":[]"#))
        let overdue = cli(["overdue", "--as-of", "seq:17", "--on-date", "2023-04-01", "--format", "json", "--log", log]).stdout
        #expect(try JSONValue.parse(overdue)["items"]!.arrayValue!.map { $0["days_overdue"]! } == [1])
    }

    @Test func aVoidedUpdateNeverHeldAndARedatedOneHeldFromItsRightDate() throws {
        let (dir, log) = try yearLog()
        defer { withExtendedLifetime(dir) {} }
        func green(_ day: String) throws -> Int {
            try JSONValue.parse(cli(["outstanding", "--on-date", day, "--rag", "green", "--format", "json", "--log", log]).stdout)["count"]!.intValue!
        }
        #expect(try green("2023-03-11") == 0)
        #expect(try green("2023-03-13") == 1)
        let history = try JSONValue.parse(cli(["history", Self.a1, "--format", "json", "--log", log]).stdout)["events"]!.arrayValue!
        let update = history.first { $0["type"] == "action_updated" }!["seq"]!.intValue!
        #expect(cli(["action", "correct", Self.a1, "--field", "update-on", "--value", "2023-03-03", "--line", "seq:\(update)",
                     "--reason", "Typed the meeting date", "--log", log, "--actor", "bu", "--today", "2023-04-03"]).status == 0)
        #expect(try green("2023-03-02") == 0)
        #expect(try green("2023-03-04") == 1)
        #expect(cli(["void", "seq:\(update)", "--reason", "Not this action's update", "--log", log, "--actor", "bu", "--today", "2023-04-04"]).status == 1,
                "a redated line is not voided as well")
    }

    @Test func historyAndShowOnADateLeaveOutWhatHappenedAfterIt() throws {
        let (dir, log) = try yearLog()
        defer { withExtendedLifetime(dir) {} }
        let history = try JSONValue.parse(cli(["history", Self.a2, "--on-date", "2023-03-12", "--format", "json", "--log", log]).stdout)["events"]!.arrayValue!
        #expect(history.map { $0["type"]!.stringValue! } == ["action_added", "action_implemented", "action_signed_off"])
        let show = try JSONValue.parse(cli(["show", Self.a2, "--on-date", "2023-03-12", "--format", "json", "--log", log]).stdout)
        #expect(show["status"] == "implemented")
        #expect(try JSONValue.parse(cli(["show", Self.a2, "--format", "json", "--log", log]).stdout)["status"] == "signed-off")
    }

    @Test func aWrongOnDateOrOneThatDisagreesWithTodayIsRefused() throws {
        let (dir, log) = try yearLog()
        defer { withExtendedLifetime(dir) {} }
        #expect(cli(["outstanding", "--on-date", "2023-02-30", "--log", log]).status == 64)
        let both = cli(["overdue", "--on-date", "2023-03-31", "--today", "2023-06-01", "--log", log])
        #expect(both.status == 64)
        #expect(both.stderr.contains("--on-date 2023-03-31 answers as things stood on that day, so that day is 'today' for it; leave out --today 2023-06-01."))
        #expect(cli(["overdue", "--on-date", "2023-03-31", "--today", "2023-03-31", "--log", log]).status == 0)
        #expect(cli(["checkpoint", "--on-date", "2023-03-31", "--log", log]).status == 64)
    }
}
