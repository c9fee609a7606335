import Foundation
import Testing
import CaseTrailCLI
import CaseTrailTestSupport

/// `import` through the real binary: what it records from a tracker, what it refuses, and that
/// nothing is written unless every row can be.
@Suite struct ImportTests {
    /// A founded log with an open review to import into, and the folder to keep trackers in.
    func reviewLog() throws -> (TemporaryDirectory, String) {
        let (dir, log) = try foundedLog()
        let opened = try exec(["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Learning review", "--on", "2023-01-10", "--log", log, "--actor", "bu", "--today", "2023-06-01"])
        guard opened.status == 0 else { throw Refused(text: opened.stderr) }
        return (dir, log)
    }

    /// Medway's columns, a title row above them, a merged recommendation cell, CRLF, semicolons.
    let medway = "Business Plan 2014-17;;;;;;\r\n;;;;;;\r\n"
        + "Action;Specific action;Lead;Success indicators;Timescales;Risk RAG rating;Impact and evidence\r\n"
        + "\"Priority 1: Early help\";\"Publish the threshold\r\ndocument, \"\"v2\"\"\";NHS Medway – Designated Nurse;Threshold in use;31/03/2016;Amber;Draft agreed\r\n"
        + ";Audit early help cases;Kent Police;Audit done;Summer 2015;Green;\r\n"
        + "Action;Specific action;Lead;Success indicators;Timescales;Risk RAG rating;Impact and evidence\r\n"
        + "\"Priority 2: Neglect\";Neglect strategy;KP;Strategy signed;Q3 2015-16;Complete;Strategy published\r\n;;;;;;\r\n"

    func run(_ args: [String], _ log: String) throws -> Outcome {
        try exec(args + ["--log", log, "--actor", "bu", "--today", "2023-06-01"])
    }

    @Test func aDryRunShowsEveryRowWithItsNumberAndWritesNothing() throws {
        let (dir, log) = try reviewLog()
        let file = dir.path("plan.csv")
        try writeBytes(file, Array(medway.utf8))
        let before = readBytes(log)
        let out = try run(["import", file, "--into", "MSCP-LLR-2023-01", "--dry-run"], log)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("(UTF-8, semicolon-separated; headers on row 3)"))
        #expect(out.stdout.contains("row 4: R1 added: Priority 1: Early help; MSCP-LLR-2023-01/R1/A1 added for KM-ICB, due 2016-03-31; update (amber)"))
        #expect(out.stdout.contains("row 5: MSCP-LLR-2023-01/R1/A2 added for KP, due 2015-08-31 (Summer 2015); update (green)"))
        #expect(out.stdout.contains("row 7: R2 added: Priority 2: Neglect; MSCP-LLR-2023-01/R2/A1 added for KP, due 2015-12-31 (Q3 2015-16); implemented"))
        #expect(out.stdout.contains("Skipped: 1 blank row, 1 repeated heading.") && out.stdout.contains("Dry run: nothing was recorded"))
        let json = try run(["import", file, "--into", "MSCP-LLR-2023-01", "--dry-run", "--format", "json"], log).stdout
        #expect(json.contains(#""header_row":3"#) && json.contains(#"{"row":5,"records":["MSCP-LLR-2023-01/R1/A2 added for KP, due 2015-08-31 (Summer 2015)","update (green)"]}"#)
                && json.contains(#""skipped":{"blank":1,"repeated_heading":1}"#) && json.contains(#""dry_run":true"#), "\(json)")
        #expect(readBytes(log) == before)
    }

    @Test func anImportRecordsEveryRowAsOneCommandThatVerifyAcceptsAndAgainRecordsNothing() throws {
        let (dir, log) = try reviewLog()
        let file = dir.path("plan.csv")
        try writeBytes(file, Array(medway.utf8))
        let out = try run(["import", file, "--into", "MSCP-LLR-2023-01"], log)
        #expect(out.status == 0 && out.stdout.contains("Recorded 9 events as one command"), "\(out.stdout)\(out.stderr)")
        let action = try run(["show", "MSCP-LLR-2023-01/R1/A1", "--format", "json"], log).stdout
        #expect(action.contains("Publish the threshold\\ndocument, \\\"v2\\\"") && action.contains("\"lead\":\"NHS Medway – Designated Nurse\""))
        #expect(try run(["show", "MSCP-LLR-2023-01/R1/A2"], log).stdout.contains("31 Aug 2015 \"Summer 2015\""))
        #expect(try exec(["verify", "--log", log]).status == 0)
        let after = readBytes(log)
        let again = try run(["import", file, "--into", "MSCP-LLR-2023-01"], log)
        #expect(again.status == 0 && again.stdout.hasPrefix("plan.csv was imported into MSCP-LLR-2023-01 on ") && again.stdout.contains("by bu (seq 8)")
                && again.stdout.hasSuffix("this is the same file (sha256 \(sha256Prefix(file))…), so there is nothing to record.\n"), "\(again.stdout)")
        // Each fact is traced to its file and row in the history.
        let history = try run(["history", "MSCP-LLR-2023-01/R1/A2", "--format", "json"], log).stdout
        #expect(history.contains("Audit early help cases (from plan.csv row 5)"))
        #expect(readBytes(log) == after)
    }

    @Test func aFileWithAnyProblemRecordsNothingAndReportsEachRowAndTheFix() throws {
        let (dir, log) = try reviewLog()
        let file = dir.path("plan.csv")
        try writeBytes(file, Array((medway + "\"Priority 3\";Training;Unknown Trust;Trained;whenever;;\r\n\"Priority 4\";Audit;KP;;soon;Purple;\r\n").utf8))
        let before = readBytes(log)
        let out = try run(["import", file, "--into", "MSCP-LLR-2023-01"], log)
        #expect(out.status == 1 && out.stderr.hasPrefix("Error: plan.csv was not imported: 4 problems"))
        #expect(out.stdout.contains("row 9: problem: no agency casetrail knows is named in 'Unknown Trust' (known: KM-ICB, KP); add it with 'casetrail agency add CODE --name \"Unknown Trust\"'"))
        #expect(out.stdout.contains("row 9: problem: the target date 'whenever' cannot be read"))
        #expect(out.stdout.contains("row 10: problem: the target date 'soon' cannot be read"))
        #expect(out.stdout.contains("row 10: problem: the RAG rating 'Purple' is not red, amber, green or complete."))
        #expect(out.stdout.contains("row 4: R1 added"), "the good rows are still shown")
        #expect(readBytes(log) == before)
    }

    @Test func aWindows1252FileAndAColumnNamedByTheUserAreRead() throws {
        let (dir, log) = try reviewLog()
        let file = dir.path("tracker.csv")
        // "Recommendation,What we will do,Owner,Due" then a row with £ and ’ in Windows-1252.
        var bytes = Array("Recommendation,What we will do,Owner,Due\r\nFund the panel,Budget of ".utf8)
        bytes += [0xA3] + Array("5k for children".utf8) + [0x92] + Array("s advocacy,Kent Police,March 2024\r\n".utf8)
        try writeBytes(file, bytes)
        let unnamed = try run(["import", file, "--into", "MSCP-LLR-2023-01", "--dry-run"], log)
        #expect(unnamed.stdout.contains("(Windows-1252, comma-separated; headers on row 1)"))
        #expect(unnamed.stdout.contains("row 2: R1 added: Fund the panel"), "no action column: the recommendation alone")
        let out = try run(["import", file, "--into", "MSCP-LLR-2023-01", "--column", "action=What we will do"], log)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(try run(["show", "MSCP-LLR-2023-01/R1/A1"], log).stdout.contains("Budget of £5k for children’s advocacy"))
        let bad = try run(["import", file, "--into", "MSCP-LLR-2023-01", "--column", "colour=Owner"], log)
        #expect(bad.status == 64 && bad.stderr.contains("the fields are: recommendation, action, number"))
    }

    @Test func importingIntoAReviewThatDoesNotExistOrAFileThatIsNotThereIsRefused() throws {
        let (dir, log) = try reviewLog()
        let file = dir.path("plan.csv")
        try writeBytes(file, Array(medway.utf8))
        let noReview = try run(["import", file, "--into", "MSCP-NOPE"], log)
        #expect(noReview.status == 1 && noReview.stdout.contains("there is no review MSCP-NOPE"))
        let noFile = try run(["import", dir.path("missing.csv"), "--into", "MSCP-LLR-2023-01"], log)
        #expect(noFile.status == 1 && noFile.stderr.contains("There is no file"))
        try FileManager.default.createSymbolicLink(atPath: dir.path("link.csv"), withDestinationPath: file)
        let link = try run(["import", dir.path("link.csv"), "--into", "MSCP-LLR-2023-01"], log)
        #expect(link.status == 1 && link.stderr.contains("is a symbolic link; give the tracker's own file."))
        let folder = try run(["import", dir.path(""), "--into", "MSCP-LLR-2023-01"], log)
        #expect(folder.status == 1 && folder.stderr.contains("is a folder, not a file"))
        let named = try run(["import", file, "--into", "MSCP-LLR-2023-01", "--column", "due=Target", "--dry-run"], log)
        #expect(named.status == 1 && named.stdout.contains("there is no column headed 'Target' for due; the headers are: Action | Specific action | Lead"))
    }

    @Test func theBusinessPlanAsLibreOfficeSavedItInUTF8AndInWindows1252ImportsTheSame() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures").path
        var answers: [String] = []
        for name in ["business-plan-libreoffice-utf8.csv", "business-plan-libreoffice-1252-semicolon.csv"] {
            let (dir, log) = try reviewLog()
            defer { withExtendedLifetime(dir) {} }
            let out = try run(["import", fixtures + "/" + name, "--into", "MSCP-LLR-2023-01"], log)
            #expect(out.status == 0 && out.stdout.contains("Recorded 18 events as one command"), "\(name): \(out.stdout)\(out.stderr)")
            let shown = try run(["show", "MSCP-LLR-2023-01/R1/A1", "--format", "json"], log).stdout
            #expect(shown.contains("Publish the early help threshold: \\\"who, when, how\\\"\\nreviewed by the sub-group\\nsigned by the chair"), "\(name): the three-line cell")
            #expect(shown.contains("£2,000 budget agreed; children’s café consulted") && shown.contains("NHS Medway – Designated Nurse"), "\(name)")
            // The notes name the file each came from; all else must be the same.
            answers.append((try run(["outstanding", "--format", "json"], log).stdout + (try run(["export", "--format", "csv"], log).stdout))
                .replacingOccurrences(of: name, with: "FILE"))
        }
        #expect(answers[0] == answers[1] && answers[0].contains("Summer 2015") && answers[0].contains("Q3 2015-16") && answers[0].contains("end of March 2016"))
    }

    @Test func aLaterVersionOfTheTrackerAddsItsNewRowsAndReportsChangedOnesWithoutOverwriting() throws {
        let (dir, log) = try reviewLog()
        let file = dir.path("plan.csv")
        try writeBytes(file, Array(medway.utf8))
        #expect(try run(["import", file, "--into", "MSCP-LLR-2023-01"], log).status == 0)
        let later = medway.replacingOccurrences(of: "Audit done;Summer 2015;Green", with: "Audit done;Autumn 2015;Red")
            + "\"Priority 2: Neglect\";Neglect audit;KP;Audit done;March 2017;;\r\n"
        try writeBytes(file, Array(later.utf8))
        let out = try run(["import", file, "--into", "MSCP-LLR-2023-01"], log)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("row 5: MSCP-LLR-2023-01/R1/A2 is already in the log; left as it is; the row differs: target date 2015-11-30 here, 2015-08-31 in the log; RAG red here, green in the log"))
        #expect(out.stdout.contains("row 9: MSCP-LLR-2023-01/R2/A2 added for KP, due 2017-03-31 (March 2017)"))
        #expect(out.stdout.contains("Recorded 2 events as one command (seq "))
        #expect(try run(["show", "MSCP-LLR-2023-01/R1/A2"], log).stdout.contains("31 Aug 2015 \"Summer 2015\""), "what was recorded stays")
    }

    func sha256Prefix(_ path: String) -> String {
        let out = (try? runProgram("/usr/bin/env", ["sha256sum", path]).stdout) ?? ""
        return String(out.prefix(12))
    }

    @Test func aTrackerExportedFromOneLogAndImportedIntoAnotherGivesTheSameOutstandingAnswer() throws {
        let (dir, log) = try reviewLog()
        let file = dir.path("plan.csv")
        try writeBytes(file, Array(medway.utf8))
        #expect(try run(["import", file, "--into", "MSCP-LLR-2023-01"], log).status == 0)
        for args in [["action", "revise-due", "MSCP-LLR-2023-01/R1/A1", "--due", "2016-09-30", "--reason", "Consultation extended"],
                     ["action", "sign-off", "MSCP-LLR-2023-01/R2/A1", "--stage", "learning-lessons", "--on-behalf-of", "Learning Lessons sub-group"],
                     ["action", "update", "MSCP-LLR-2023-01/R1/A2", "--note", "-half the cases audited", "--rag", "amber", "--evidence", "=Audit log"]] {
            let out = try run(args, log)
            #expect(out.status == 0, "\(args): \(out.stderr)")
        }
        let exported = dir.path("export.csv")
        try writeBytes(exported, Array(try run(["export", "--format", "csv"], log).stdout.utf8))
        let (other, into) = try reviewLog()
        defer { withExtendedLifetime(other) {} }
        let out = try run(["import", exported], into)
        #expect(out.status == 0 && out.stdout.contains("Recorded"), "\(out.stdout)\(out.stderr)")
        for query in [["outstanding", "--format", "json"], ["overdue", "--format", "json"], ["awaiting-signoff", "--format", "json"]] {
            #expect(try run(query, into).stdout == run(query, log).stdout, "\(query)")
        }
        #expect(try exec(["verify", "--log", into]).status == 0)
        // Text export neutralised for spreadsheets ('-…, '=…) comes back as it was typed.
        let updated = try run(["export", "--format", "json"], into).stdout
        #expect(updated.contains(#""last_update":"-half the cases audited""#) && updated.contains(#""last_update_evidence":"=Audit log""#), "\(updated)")
        let again = try run(["import", exported], into)
        #expect(again.stdout.contains("was imported into this log on") && again.stdout.contains("nothing to record"))
    }
}
