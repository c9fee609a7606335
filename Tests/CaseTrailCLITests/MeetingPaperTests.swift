import Foundation
import Testing
import CaseTrailCLI
import CaseTrailStore
import CaseTrailTestSupport

/// `report meeting`: one meeting's papers, compared with golden files (`CASETRAIL_UPDATE_GOLDEN=1`
/// writes them anew; read the difference before committing it).
@Suite struct MeetingPaperTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let a1 = "MSCP-LCSPR-2023-01/R1/A1", a2 = "MSCP-LCSPR-2023-01/R1/A2"

    /// The reviewed log a month into its actions: A2 implemented and signed off by the sub-group, A1 updated and moved.
    func meetingLog() throws -> (TemporaryDirectory, String) {
        let (dir, log) = try reviewedLog()
        let steps: [([String], String, String)] = [
            (["action", "implemented", Self.a2, "--on", "2023-03-05", "--evidence", "Audit of 40 referrals: 38 complete"], "bu", "2023-03-06"),
            (["action", "sign-off", Self.a2, "--stage", "learning-lessons", "--on", "2023-03-10"], "ll", "2023-03-10"),
            (["action", "update", Self.a1, "--note", "Trainer booked for May", "--rag", "amber", "--evidence", "Booking confirmation",
              "--on", "2023-03-12"], "hl", "2023-03-12"),
            (["action", "revise-due", Self.a1, "--due", "2023-12-31", "--reason", "Trainer unavailable until the autumn", "--on", "2023-03-20"], "hl", "2023-03-20"),
            (["rec", "add", "MSCP-LCSPR-2023-01", "R2", "--text", "Review the escalation policy", "--on", "2023-03-22"], "bu", "2023-03-22"),
        ]
        for (args, actor, today) in steps {
            let out = cli(args + ["--log", log, "--actor", actor, "--today", today])
            guard out.status == 0 else { throw Refused(text: "\(args): \(out.stderr)") }
        }
        return (dir, log)
    }

    func expectGolden(_ text: String, _ name: String) throws {
        let file = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["CASETRAIL_UPDATE_GOLDEN"] == "1" { try text.write(to: file, atomically: true, encoding: .utf8) }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "\(name) differs from its golden file; CASETRAIL_UPDATE_GOLDEN=1 writes it anew")
    }

    @Test func theExecutivesPaperMatchesItsGoldenFilesInMarkdownAndJSON() throws {
        let (dir, log) = try meetingLog()
        defer { withExtendedLifetime(dir) {} }
        let args = ["report", "meeting", "--for", "executive", "--since", "2023-03-01", "--today", "2023-04-10", "--log", log]
        let md = cli(args)
        #expect(md.status == 0, "\(md.stderr)")
        try expectGolden(md.stdout, "meeting-executive.md")
        let json = cli(args + ["--format", "json"])
        try expectGolden(json.stdout, "meeting-executive.json")
        // What awaits the executive is A2, with the evidence it was implemented on; A1 is due within the period no longer.
        let paper = try JSONValue.parse(json.stdout)
        #expect(paper["awaiting_signoff"]!.arrayValue!.map { $0["action"]! } == [.string(Self.a2)])
        #expect(paper["awaiting_signoff"]!.arrayValue![0]["implemented_evidence"] == "Audit of 40 referrals: 38 complete")
        #expect(paper["checkpoint"]?.stringValue?.hasPrefix("casetrail-checkpoint MSCP seq=") == true)
        #expect(md.stdout.hasSuffix("`\(paper["checkpoint"]!.stringValue!)`\n"))
    }

    @Test func eachBodyIsAskedForItsOwnSignOff() throws {
        let (dir, log) = try meetingLog()
        defer { withExtendedLifetime(dir) {} }
        func awaiting(_ body: String) throws -> [JSONValue] {
            try JSONValue.parse(cli(["report", "meeting", "--for", body, "--today", "2023-04-10", "--format", "json", "--log", log]).stdout)["awaiting_signoff"]!.arrayValue!
        }
        #expect(try awaiting("learning-lessons").isEmpty)
        #expect(try awaiting("executive").count == 1)
        let board = cli(["report", "meeting", "--for", "board", "--today", "2023-04-10", "--log", log]).stdout
        #expect(board.contains("The Board gives no sign-off stage of actions here"))
    }

    @Test func aPastMeetingsPaperIsPrintedAgainByteForByte() throws {
        let (dir, log) = try meetingLog()
        defer { withExtendedLifetime(dir) {} }
        let args = ["report", "meeting", "--for", "executive", "--since", "2023-03-01", "--today", "2023-04-10", "--log", log]
        let then = cli(args).stdout
        let seq = try JSONValue.parse(cli(["checkpoint", "--format", "json", "--log", log]).stdout)["seq"]!.intValue!
        #expect(cli(["action", "sign-off", Self.a2, "--stage", "executive", "--on", "2023-04-12", "--log", log, "--actor", "ex", "--today", "2023-04-12"]).status == 0)
        for format in ["md", "json", "html"] {
            let before = cli(args + ["--as-of", "seq:\(seq)", "--format", format]).stdout
            #expect(!before.isEmpty)
            #expect(before != cli(args + ["--format", format]).stdout, "the sign-off since changes today's \(format) paper")
            if format == "md" { #expect(before == then) }
        }
        // A paper from the last one's checkpoint lists only what came after it.
        let next = try JSONValue.parse(cli(["report", "meeting", "--for", "executive", "--since", "seq:\(seq)", "--today", "2023-05-10",
                                            "--format", "json", "--log", log]).stdout)
        let signOffs = next["changes"]!["sign_offs"]!.arrayValue!
        #expect(next["changes"] == .object([JSONMember("sign_offs", .array(signOffs))]))
        #expect(signOffs.map { $0["seq"]! } == [.int(seq + 1)])
    }

    @Test func aPaperWithoutItsDateOrForAnUnknownBodyIsRefused() throws {
        let (dir, log) = try meetingLog()
        defer { withExtendedLifetime(dir) {} }
        let noDate = cli(["report", "meeting", "--for", "executive", "--log", log])
        #expect(noDate.status == 64)
        #expect(noDate.stderr.hasPrefix("Error: 'report meeting' needs --today, the meeting's date"))
        #expect(cli(["report", "meeting", "--for", "cabinet", "--today", "2023-04-10", "--log", log]).stderr
            .hasPrefix("Error: 'cabinet' is not a value for '--for'; use one of: executive, learning-lessons, board."))
        #expect(cli(["report", "meeting", "--for", "executive", "--today", "2023-04-10", "--since", "last week", "--log", log]).status == 64)
        #expect(cli(["report", "meeting", "--for", "executive", "--today", "2023-04-10", "--since", "seq:-3", "--log", log]).status == 64)
        let before = readBytes(log)
        let beyond = cli(["report", "meeting", "--for", "executive", "--today", "2023-04-10", "--since", "seq:100000", "--log", log])
        #expect(beyond.status == 1 && beyond.stdout.isEmpty)
        #expect(beyond.stderr.contains("so there is no line 100000 to begin after: give seq:N from the checkpoint"))
        #expect(readBytes(log) == before)
        #expect(cli(["report", "meeting", "--for", "executive", "--today", "2023-04-10", "--within", "-1", "--log", log]).status == 64)
    }
}

@Suite struct MeetingPaperHTMLTests {
    @Test func aPartnershipsNameCannotCloseThePapersStyleSheetOrAddAScript() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("events/x.jsonl")
        let name = #"Evil "} </style><script>alert(1)</script> \ SCP"#
        #expect(cli(["init", "--partnership", name, "--code", "XSCP", "--log", log]).status == 0)
        let html = cli(["report", "meeting", "--for", "executive", "--today", "2023-04-10", "--format", "html", "--log", log]).stdout
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(html.components(separatedBy: "</style>").count == 2, "one style sheet, closed once")
        #expect(html.contains(#"content:"Evil \22 \7d  \3c /style\3e \3c script\3e alert(1)\3c /script\3e  \5c  SCP · Executive"#))
    }
}
