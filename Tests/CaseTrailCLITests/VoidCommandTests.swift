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
