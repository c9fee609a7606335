import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
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
        #expect(line.status == 1 && line.stderr.contains("Line 5 is not a fact that can be voided on its own"))
    }
}

/// `void seq:N` through the real binary: one update, revised date, sign-off, milestone and decision
/// entered in error and voided give every answer the log gives without them.
@Suite struct VoidOneLineCommandTests {
    /// The commands of a small year; with `slips`, five facts entered in error among them, each voided later.
    static func year(_ log: String, slips: Bool) throws {
        var n = 0
        var wrong: [Int] = []
        func run(_ args: [String], as actor: String = "bu", slip: Bool = false) throws {
            let out = try exec(args + ["--log", log, "--actor", actor, "--today", "2023-06-01"])
            #expect(out.status == 0, "\(args): \(out.stderr)")
            n += 1
            if slip { wrong.append(n) }
        }
        n = readBytes(log).split(separator: 0x0A).count
        try run(["review", "open", "MSCP-CSPR-2022-01", "--kind", "lcspr", "--title", "Child R", "--on", "2022-09-01"])
        if slips {
            try run(["review", "decide", "MSCP-CSPR-2022-01", "--outcome", "defer", "--reconvene", "2022-09-30", "--by", "Executive", "--rationale", "Typed for another review",
                     "--on", "2022-09-20", "--on-behalf-of", "Executive"], slip: true)
        }
        try run(["review", "decide", "MSCP-CSPR-2022-01", "--outcome", "initiate", "--by", "Executive", "--rationale", "Criteria met", "--on", "2022-09-21", "--on-behalf-of", "Executive"])
        try run(["review", "milestone", "MSCP-CSPR-2022-01", "--what", "commissioned", "--on", "2022-10-03"])
        if slips { try run(["review", "milestone", "MSCP-CSPR-2022-01", "--what", "report-received", "--on", "2023-01-10"], slip: true) }
        try run(["rec", "add", "MSCP-CSPR-2022-01", "R1", "--text", "Share information", "--on", "2022-11-01"])
        try run(["action", "add", "MSCP-CSPR-2022-01/R1", "A1", "--text", "Train staff", "--owner", "KP", "--lead", "L&D", "--due", "2023-03-31", "--on", "2022-11-10"])
        try run(["action", "update", "MSCP-CSPR-2022-01/R1/A1", "--note", "Booked", "--rag", "green", "--on", "2023-01-05"])
        if slips {
            try run(["action", "update", "MSCP-CSPR-2022-01/R1/A1", "--note", "Meant for another action", "--rag", "red", "--on", "2023-01-06"], slip: true)
            try run(["action", "revise-due", "MSCP-CSPR-2022-01/R1/A1", "--due", "2023-12-31", "--reason", "Meant for another action", "--on", "2023-01-07"], slip: true)
        }
        try run(["action", "implemented", "MSCP-CSPR-2022-01/R1/A1", "--on", "2023-03-20", "--evidence", "Register"])
        try run(["action", "sign-off", "MSCP-CSPR-2022-01/R1/A1", "--stage", "learning-lessons", "--on", "2023-04-12", "--on-behalf-of", "Learning Lessons sub-group"])
        if slips {
            try run(["action", "sign-off", "MSCP-CSPR-2022-01/R1/A1", "--stage", "executive", "--on", "2023-04-20", "--on-behalf-of", "Executive"], slip: true)
            for seq in wrong.reversed() { try run(["void", "seq:\(seq)", "--reason", "Entered in error"]) }
        }
    }

    @Test func fiveFactsEnteredInErrorAndVoidedLeaveEveryAnswerAsIfTheyHadNeverBeenRecorded() throws {
        let (dirA, withSlips) = try foundedLog()
        let (dirB, clean) = try foundedLog()
        defer { withExtendedLifetime((dirA, dirB)) {} }
        try Self.year(withSlips, slips: true)
        try Self.year(clean, slips: false)
        let queries: [[String]] = [["outstanding"], ["overdue"], ["due", "--within", "400"], ["awaiting-signoff"], ["reviews"], ["no-impact-evidence"],
                                   ["timeliness", "--year", "2022-23"], ["report", "annual", "--year", "2022-23"], ["show", "MSCP-CSPR-2022-01"]]
        for q in queries {
            let a = try exec(q + ["--format", "json", "--log", withSlips, "--today", "2023-06-01"])
            let b = try exec(q + ["--format", "json", "--log", clean, "--today", "2023-06-01"])
            // The annual report ends with its log's checkpoint, which differs: the rest must not.
            func figures(_ text: String) -> String { text.replacingOccurrences(of: #""checkpoint":"[^"]*""#, with: "", options: .regularExpression) }
            #expect(a.status == 0 && figures(a.stdout) == figures(b.stdout), "\(q): \(a.stderr)")
        }
        let action = try exec(["show", "MSCP-CSPR-2022-01/R1/A1", "--format", "json", "--log", withSlips, "--today", "2023-06-01"]).stdout
        let cleanAction = try exec(["show", "MSCP-CSPR-2022-01/R1/A1", "--format", "json", "--log", clean, "--today", "2023-06-01"]).stdout
        for field in [#""due":"2023-03-31""#, #""rag":"green""#, #""status":"implemented""#, #""stages_signed":["learning-lessons"]"#] {
            #expect(action.contains(field) && cleanAction.contains(field), "\(field)")
        }
        #expect(action.contains("Meant for another action [void since 1 Jun 2023: Entered in error]"))
        #expect(try exec(["verify", "--log", withSlips]).status == 0)
        // The as-it-was view before the voids still shows them.
        let lines = readBytes(withSlips).split(separator: 0x0A).count
        let before = try exec(["show", "MSCP-CSPR-2022-01/R1/A1", "--format", "json", "--log", withSlips, "--as-of", "seq:\(lines - 5)"]).stdout
        #expect(before.contains(#""rag":"red""#) && before.contains(#""due":"2023-12-31""#))
    }
}

extension VoidOneLineCommandTests {
    @Test func aLineVoidedAfterASnapshotWasTakenIsGoneFromAnswersGivenFromTheSnapshot() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let env = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "1"]
        func run(_ args: [String]) throws -> Outcome { try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"], env: env) }
        for args in [["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Learning review", "--on", "2023-01-10"],
                     ["rec", "add", "MSCP-LLR-2023-01", "R1", "--text", "Share information", "--on", "2023-01-10"],
                     ["action", "add", "MSCP-LLR-2023-01/R1", "A1", "--text", "Train staff", "--owner", "KP", "--lead", "L&D", "--due", "2023-09-30", "--on", "2023-01-20"],
                     ["action", "update", "MSCP-LLR-2023-01/R1/A1", "--note", "On track", "--rag", "green", "--on", "2023-02-01"],
                     ["action", "update", "MSCP-LLR-2023-01/R1/A1", "--note", "Meant for another action", "--rag", "red", "--on", "2023-02-02"]] {
            #expect(try run(args).status == 0)
        }
        let slip = readBytes(log).split(separator: 0x0A).count
        #expect(try run(["outstanding", "--format", "json"]).stdout.contains(#""rag":"red""#))
        #expect(FileManager.default.fileExists(atPath: log + ".snapshot"))
        #expect(try run(["void", "seq:\(slip)", "--reason", "Meant for another action"]).stdout == "Recorded event_voided (seq \(slip + 1)).\n")
        for _ in 0..<2 {
            let answer = try run(["outstanding", "--format", "json"]).stdout
            #expect(answer.contains(#""rag":"green""#) && !answer.contains(#""rag":"red""#))
        }
        #expect(try exec(["verify", "--log", log]).stdout.contains("Snapshot: at seq \(slip + 1), matches the log"))
    }
}

extension VoidOneLineCommandTests {
    @Test func theDateOfAnEarlierUpdateAndSignOffPutRightGivesTheAnswersOfTheRightDates() throws {
        let (dirA, typo) = try foundedLog()
        let (dirB, right) = try foundedLog()
        defer { withExtendedLifetime((dirA, dirB)) {} }
        func run(_ log: String, _ args: [String]) throws -> Outcome { try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"]) }
        for (log, updateOn, llOn) in [(typo, "2023-01-21", "2023-04-21"), (right, "2023-01-12", "2023-04-12")] {
            for args in [["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Learning review", "--on", "2023-01-10"],
                         ["rec", "add", "MSCP-LLR-2023-01", "R1", "--text", "Share information", "--on", "2023-01-10"],
                         ["action", "add", "MSCP-LLR-2023-01/R1", "A1", "--text", "Train staff", "--owner", "KP", "--lead", "L&D", "--due", "2023-09-30", "--on", "2023-01-10"],
                         ["action", "update", "MSCP-LLR-2023-01/R1/A1", "--note", "Booked", "--rag", "green", "--on", updateOn],
                         ["action", "update", "MSCP-LLR-2023-01/R1/A1", "--note", "Half trained", "--rag", "green", "--on", "2023-02-20"],
                         ["action", "implemented", "MSCP-LLR-2023-01/R1/A1", "--on", "2023-03-20", "--evidence", "Register"],
                         ["action", "sign-off", "MSCP-LLR-2023-01/R1/A1", "--stage", "learning-lessons", "--on", llOn, "--on-behalf-of", "Learning Lessons sub-group"],
                         ["action", "sign-off", "MSCP-LLR-2023-01/R1/A1", "--stage", "executive", "--on", "2023-05-02", "--on-behalf-of", "Executive"]] {
                #expect(try run(log, args).status == 0, "\(args)")
            }
        }
        let lines = readBytes(typo).split(separator: 0x0A).count
        let (update, signOff) = (lines - 4, lines - 1)
        let wrongStage = try run(typo, ["action", "correct", "MSCP-LLR-2023-01/R1/A1", "--field", "executive-on", "--value", "2023-04-12", "--line", "seq:\(signOff)", "--reason", "x"])
        #expect(wrongStage.status == 1 && wrongStage.stderr.contains("Line \(signOff) is not an executive sign-off of MSCP-LLR-2023-01/R1/A1"))
        #expect(try run(typo, ["action", "correct", "MSCP-LLR-2023-01/R1/A1", "--field", "update-on", "--value", "2023-01-12", "--line", "seq:\(update)",
                               "--reason", "Typed the 21st for the 12th"]).stdout == "Recorded event_date_corrected (seq \(lines + 1)).\n")
        #expect(try run(typo, ["action", "correct", "MSCP-LLR-2023-01/R1/A1", "--field", "learning-lessons-on", "--value", "2023-04-12", "--line", "seq:\(signOff)",
                               "--reason", "The minutes say 12 April"]).status == 0)
        func figures(_ text: String) -> String { text.replacingOccurrences(of: #""checkpoint":"[^"]*""#, with: "", options: .regularExpression) }
        for q in [["report", "annual", "--year", "2022-23"], ["outstanding"], ["awaiting-signoff"]] {
            #expect(figures(try run(typo, q + ["--format", "json"]).stdout) == figures(try run(right, q + ["--format", "json"]).stdout), "\(q)")
        }
        let shown = try run(typo, ["show", "MSCP-LLR-2023-01/R1/A1", "--format", "json"]).stdout
        #expect(shown.contains(#""stage":"learning-lessons","on":"2023-04-12""#) || shown.contains("2023-04-12"), "\(shown)")
        #expect(shown.contains("Booked [date corrected to 12 Jan 2023 on 1 Jun 2023: Typed the 21st for the 12th]"))
        #expect(try exec(["verify", "--log", typo]).status == 0)
    }
}

extension VoidOneLineCommandTests {
    @Test func aForgedVoidNamingALineAsAnotherFactOrALineAfterItFailsVerify() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        for args in [["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Learning review", "--on", "2023-01-10"],
                     ["rec", "add", "MSCP-LLR-2023-01", "R1", "--text", "Share information", "--on", "2023-01-10"],
                     ["action", "add", "MSCP-LLR-2023-01/R1", "A1", "--text", "Train staff", "--owner", "KP", "--lead", "L&D", "--due", "2023-09-30", "--on", "2023-01-10"],
                     ["action", "implemented", "MSCP-LLR-2023-01/R1/A1", "--on", "2023-03-20", "--evidence", "Register"]] {
            #expect(try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"]).status == 0)
        }
        let implemented = readBytes(log).split(separator: 0x0A).count
        // What anyone who can write the file could append: a void, well hashed and by the business unit,
        // that calls the implementation an update (which the decider would let the business unit void).
        let store = EventLog(path: log)
        let a1 = "MSCP-LLR-2023-01/R1/A1"
        try store.appendBypassingRules([.eventVoided(seq: implemented, stream: "action-\(a1)", fact: VoidableFact(kind: .update, subject: a1, happened: LocalDate("2023-03-20")!),
                                                     on: LocalDate("2023-06-01")!, reason: "Tidying")], actor: "bu", now: t0)
        let verify = try exec(["verify", "--log", log])
        #expect(verify.status == 3 && verify.stdout.contains("line \(implemented): line \(implemented + 1) says line \(implemented) recorded the update of \(a1) on 20 Mar 2023"), "\(verify.stdout)")

        let (dir2, other) = try foundedLog()
        defer { withExtendedLifetime(dir2) {} }
        let head = readBytes(other).split(separator: 0x0A).count
        try EventLog(path: other).appendBypassingRules([.eventVoided(seq: head + 1, stream: "action-X/R1/A1", fact: VoidableFact(kind: .update, subject: "X/R1/A1", happened: LocalDate("2023-03-20")!),
                                                                     on: LocalDate("2023-06-01")!, reason: "Itself")], actor: "bu", now: t0)
        let itself = try exec(["verify", "--log", other])
        #expect(itself.status == 3 && itself.stdout.contains("line \(head + 1): it changes line \(head + 1), which does not come before it"), "\(itself.stdout)")
    }
}

/// Business dates through the real binary: given with --on, shown beside when they were typed.
@Suite struct BusinessDateCommandTests {
    @Test func progressEnteredAfterTheFactShowsTheDateItHappenedBesideTheDayItWasTyped() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        func run(_ args: [String]) throws -> Outcome { try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"]) }
        for args in [["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Learning review", "--on", "2023-01-10"],
                     ["rec", "add", "MSCP-LLR-2023-01", "R1", "--text", "Share information", "--on", "2023-01-10"],
                     ["action", "add", "MSCP-LLR-2023-01/R1", "A1", "--text", "Train staff", "--owner", "KP", "--lead", "L&D", "--due", "2023-03-31", "--on", "2023-01-20"],
                     ["action", "update", "MSCP-LLR-2023-01/R1/A1", "--note", "Booked", "--on", "2023-02-14"],
                     ["action", "implemented", "MSCP-LLR-2023-01/R1/A1", "--on", "2023-03-20", "--evidence", "Register"],
                     ["action", "sign-off", "MSCP-LLR-2023-01/R1/A1", "--stage", "learning-lessons", "--on", "2023-04-12", "--on-behalf-of", "Learning Lessons sub-group"]] {
            let out = try run(args)
            #expect(out.status == 0, "\(args): \(out.stderr)")
        }
        let early = try run(["action", "sign-off", "MSCP-LLR-2023-01/R1/A1", "--stage", "executive", "--on", "2023-04-11", "--on-behalf-of", "Executive"])
        #expect(early.status == 1 && early.stderr == "Error: The executive sign-off of MSCP-LLR-2023-01/R1/A1 cannot be dated 11 Apr 2023, before its learning-lessons sign-off (12 Apr 2023).\n")
        let history = try run(["history", "MSCP-LLR-2023-01/R1/A1", "--format", "csv"]).stdout
        #expect(history.hasPrefix("SEQ,RECORDED,ON,ACTOR,TYPE,SUMMARY\r\n"))
        #expect(history.contains(",2023-02-14,bu (login "), "the update's own date beside the time it was typed")
        let shown = try run(["show", "MSCP-LLR-2023-01/R1/A1"]).stdout
        #expect(shown.contains("Signed by:      learning-lessons (12 Apr 2023, for Learning Lessons sub-group)"))
        #expect(try run(["show", "MSCP-LLR-2023-01/R1/A1", "--format", "json"]).stdout.contains(
            #""sign_offs":[{"stage":"learning-lessons","on":"2023-04-12","refused":false,"reason":null,"on_behalf_of":"Learning Lessons sub-group","meeting":null,"signer":"bu"}]"#))
        let bare = try run(["action", "sign-off", "MSCP-LLR-2023-01/R1/A1", "--stage", "executive"])
        #expect(bare.status == 1 && bare.stderr.hasPrefix("Error: 'bu' records the executive sign-off of MSCP-LLR-2023-01/R1/A1 for the body that gave it: say which with --on-behalf-of"))
        #expect(try run(["action", "sign-off", "MSCP-LLR-2023-01/R1/A1", "--stage", "executive", "--on-behalf-of", "Executive", "--meeting", "Executive, 14 June 2023, minute 5"]).status == 0)
        #expect(try run(["history", "MSCP-LLR-2023-01/R1/A1", "--format", "json"]).stdout.contains(
            "Business Manager, for Executive (Executive, 14 June 2023, minute 5), gave the executive sign-off of MSCP-LLR-2023-01/R1/A1; it is complete"))
        #expect(try run(["action", "update", "--help"]).stdout.contains("--on <date>"))
        #expect(try exec(["verify", "--log", log]).status == 0)
    }
}

/// Corrections through the real binary: what it said, what it says now, and why, in history.
@Suite struct CorrectionCommandTests {
    @Test func aMistypedTitleRecommendationAndDueDateArePutRightWithBothValuesInHistory() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        func run(_ args: [String]) throws -> Outcome { try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"]) }
        for args in [["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Learnign review", "--on", "2023-01-10"],
                     ["rec", "add", "MSCP-LLR-2023-01", "R1", "--text", "Share informaton", "--on", "2023-01-10"],
                     ["action", "add", "MSCP-LLR-2023-01/R1", "A1", "--text", "Train staff", "--owner", "KP", "--lead", "L&D", "--due", "2032-03-31", "--on", "2023-01-20"],
                     ["review", "correct", "MSCP-LLR-2023-01", "--field", "title", "--value", "Learning review", "--reason", "Typo"],
                     ["rec", "correct", "MSCP-LLR-2023-01/R1", "--field", "text", "--value", "Share information", "--reason", "Typo"],
                     ["action", "correct", "MSCP-LLR-2023-01/R1/A1", "--field", "due", "--value", "2023-03-31", "--reason", "Typed 2032 for 2023"]] {
            let out = try run(args)
            #expect(out.status == 0, "\(args): \(out.stderr)")
        }
        let history = try run(["history", "MSCP-LLR-2023-01", "--format", "json"]).stdout
        #expect(history.contains("corrected the title of MSCP-LLR-2023-01 from 'Learnign review' to 'Learning review': Typo"))
        #expect(history.contains("corrected the text of MSCP-LLR-2023-01/R1 from 'Share informaton' to 'Share information': Typo"))
        #expect(history.contains("corrected the due of MSCP-LLR-2023-01/R1/A1 from '2032-03-31' to '2023-03-31': Typed 2032 for 2023"))
        let action = try run(["show", "MSCP-LLR-2023-01/R1/A1", "--format", "json"]).stdout
        #expect(action.contains(#""due":"2023-03-31","original_due":"2023-03-31""#) && action.contains(#""revisions":[]"#), "a slip is not a revision")
        #expect(try run(["overdue", "--format", "json"]).stdout.contains("MSCP-LLR-2023-01/R1/A1"), "overdue by the right date")
        let wrong = try run(["review", "correct", "MSCP-LLR-2023-01", "--field", "child", "--value", "Child Q", "--reason", "r"])
        #expect(wrong.status == 1 && wrong.stderr == "Error: MSCP-LLR-2023-01 is a learning lessons review; only an incident names its child.\n")
        #expect(try run(["rec", "correct", "--help"]).stdout.contains("--field <name>"))
        #expect(try exec(["verify", "--log", log]).status == 0)
    }
}
