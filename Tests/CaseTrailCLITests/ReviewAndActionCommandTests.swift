import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
@testable import CaseTrailStore

/// A log with a rapid review for Child Q (the December 2022 example) and its LCSPR with two actions.
func reviewedLog() throws -> (TemporaryDirectory, String) {
    let (dir, log) = try foundedLog()
    let steps: [[String]] = [
        ["member", "add", "ll", "--name", "LL Chair", "--agency", "MSCP", "--role", "learning-lessons"],
        ["member", "add", "ex", "--name", "Exec Chair", "--agency", "MSCP", "--role", "executive"],
        ["member", "add", "hl", "--name", "Health lead", "--agency", "NHS Medway", "--role", "agency-lead"],
        ["incident", "notify", "MSCP-RR-2022-01", "--child", "Child Q", "--aware", "2022-12-20", "--today", "2022-12-21"],
        ["review", "milestone", "MSCP-RR-2022-01", "--what", "notified", "--on", "2022-12-30", "--today", "2023-01-03"],
        ["review", "rapid-complete", "MSCP-RR-2022-01", "--on", "2023-01-19", "--recommend", "lcspr", "--rationale", "Learning for all", "--today", "2023-01-19"],
        ["review", "decide", "MSCP-RR-2022-01", "--on", "2023-01-20", "--outcome", "initiate", "--by", "Safeguarding partners",
         "--rationale", "Threshold met", "--creates", "MSCP-LCSPR-2023-01", "--title", "Child Q", "--today", "2023-01-20"],
        ["rec", "add", "MSCP-LCSPR-2023-01", "R1", "--text", "Improve information sharing", "--on", "2023-03-01", "--today", "2023-03-01"],
        ["action", "add", "MSCP-LCSPR-2023-01/R1", "A1", "--text", "Train health staff", "--owner", "NHS Medway", "--lead", "Named nurse",
         "--due", "2023-10-31", "--due-text", "Autumn 2023", "--on", "2023-03-01", "--today", "2023-03-01"],
        ["action", "add", "MSCP-LCSPR-2023-01/R1", "A2", "--text", "Audit referrals", "--owner", "KP", "--lead", "DI Smith",
         "--due", "2023-03-31", "--on", "2023-03-01", "--today", "2023-03-01"],
    ]
    for args in steps {
        let out = cli(args + ["--log", log])
        guard out.status == 0 else { throw Refused(text: "\(args): \(out.stderr)") }
    }
    return (dir, log)
}

@Suite struct ReviewAndActionCommandTests {
    @Test func showGivesTheClocksInTheJSONContract() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let out = cli(["show", "MSCP-RR-2022-01", "--format", "json", "--log", log, "--today", "2023-02-01"])
        #expect(out.status == 0)
        let json = try JSONValue.parse(out.stdout)
        #expect(json["ref"] == "MSCP-RR-2022-01")
        #expect(json["kind"] == "rapid-review")
        #expect(json["status"] == "decided")
        let clocks = json["clocks"]!.arrayValue!
        #expect(clocks.map { $0["name"]! } == ["notification", "rapid-review"])
        #expect(clocks[0]["due"] == "2022-12-29" && clocks[0]["met"] == false && clocks[0]["completed"] == "2022-12-30")
        #expect(clocks[1]["due"] == "2023-01-23" && clocks[1]["met"] == true && clocks[1]["completed"] == "2023-01-19")
        #expect(json["linked"] == ["MSCP-LCSPR-2023-01"])
        #expect(json["recommendations"] == [])
    }

    @Test func showListsTheLCSPRsRecommendationsAndRunningClock() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let json = try JSONValue.parse(cli(["show", "MSCP-LCSPR-2023-01", "--format", "json", "--log", log, "--today", "2023-04-01"]).stdout)
        #expect(json["status"] == "initiated")
        #expect(json["clocks"]!.arrayValue![0]["name"] == "lcspr-publication")
        #expect(json["clocks"]!.arrayValue![0]["due"] == "2023-07-20")
        #expect(json["clocks"]!.arrayValue![0]["met"] == .null)
        let recs = json["recommendations"]!.arrayValue!
        #expect(recs.count == 1 && recs[0]["actions"]!.arrayValue!.count == 2)
        let text = cli(["show", "MSCP-LCSPR-2023-01", "--log", log, "--today", "2023-04-01"]).stdout
        #expect(text.hasPrefix("MSCP-LCSPR-2023-01: Child Q\nKind:      LCSPR\nStatus:    initiated\n"))
        #expect(text.contains("lcspr-publication  2023-01-20  2023-07-20  -          running"))
    }

    @Test func reviewsAndTimelinessFollowTheContract() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        #expect(cli(["reviews", "--format", "json", "--log", log]).stdout == #"{"reviews":[{"ref":"MSCP-LCSPR-2023-01","kind":"lcspr","title":"Child Q","status":"initiated","opened":"2023-01-20"},{"ref":"MSCP-RR-2022-01","kind":"rapid-review","title":"Rapid review: Child Q","status":"decided","opened":"2022-12-20"}]}"# + "\n")
        #expect(cli(["reviews", "--kind", "lcspr", "--log", log, "--format", "csv"]).stdout.split(separator: "\r\n").count == 2)
        let t = try JSONValue.parse(cli(["timeliness", "--year", "2022-23", "--format", "json", "--log", log, "--today", "2023-04-01"]).stdout)
        #expect(t["clocks"]!.arrayValue!.map { "\($0["ref"]!.stringValue!) \($0["name"]!.stringValue!) \($0["met"]!.boolValue!)" }
            == ["MSCP-RR-2022-01 notification false", "MSCP-RR-2022-01 rapid-review true"])
        #expect(cli(["timeliness", "--year", "2022", "--log", log]).status == 64)
    }

    @Test func outstandingAndOverdueFollowTheContract() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let out = cli(["outstanding", "--format", "json", "--log", log, "--today", "2023-04-10"]).stdout
        #expect(out == #"{"items":[{"action":"MSCP-LCSPR-2023-01/R1/A1","review":"MSCP-LCSPR-2023-01","recommendation":"R1","owner":"KM-ICB","lead":"Named nurse","due":"2023-10-31","status":"open","rag":null,"days_overdue":null,"text":"Train health staff","year_of_origin":"2022-23","due_text":"Autumn 2023","success":null,"kind":"lcspr"},{"action":"MSCP-LCSPR-2023-01/R1/A2","review":"MSCP-LCSPR-2023-01","recommendation":"R1","owner":"KP","lead":"DI Smith","due":"2023-03-31","status":"open","rag":null,"days_overdue":10,"text":"Audit referrals","year_of_origin":"2022-23","due_text":null,"success":null,"kind":"lcspr"}],"count":2}"# + "\n")
        let overdue = try JSONValue.parse(cli(["overdue", "--format", "json", "--log", log, "--today", "2023-04-10"]).stdout)
        #expect(overdue["count"] == 1)
        #expect(overdue["items"]!.arrayValue![0]["action"] == "MSCP-LCSPR-2023-01/R1/A2")
        #expect(cli(["outstanding", "--agency", "nhs medway", "--log", log, "--format", "csv"]).stdout.split(separator: "\r\n").count == 2)
        #expect(cli(["outstanding", "--agency", "Nobody", "--log", log]).stderr == "Error: No agency 'Nobody'. See 'casetrail agencies'.\n")
        let grouped = cli(["outstanding", "--group-by", "agency", "--format", "json", "--log", log, "--today", "2023-04-10"]).stdout
        #expect(grouped == #"{"groups":[{"key":"KM-ICB","count":1,"overdue":0},{"key":"KP","count":1,"overdue":1}],"count":2}"# + "\n")
    }

    @Test func theSignOffJourneyRunsThroughTheCommandLine() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let a1 = "MSCP-LCSPR-2023-01/R1/A1"
        func run(_ args: [String], as actor: String) -> Outcome { cli(args + ["--log", log, "--actor", actor, "--today", "2023-12-01"]) }
        #expect(run(["action", "update", a1, "--note", "Training booked", "--rag", "amber"], as: "hl").status == 0)
        #expect(run(["action", "revise-due", a1, "--due", "2023-12-31", "--reason", "trainer unavailable"], as: "hl").status == 0)
        #expect(run(["action", "implemented", a1, "--on", "2023-11-30", "--evidence", "90% trained"], as: "hl").status == 0)
        #expect(run(["awaiting-signoff", "--format", "json"], as: "ann").stdout.contains(#""stage":"learning-lessons""#))
        #expect(run(["action", "sign-off", a1, "--stage", "executive"], as: "ex").stderr
            == "Error: \(a1) needs the learning-lessons sign-off before the executive one.\n")
        #expect(run(["action", "sign-off", a1, "--stage", "learning-lessons"], as: "ll").status == 0)
        #expect(run(["action", "sign-off", a1, "--stage", "executive", "--refuse"], as: "ex").status == 64)
        #expect(run(["action", "sign-off", a1, "--stage", "executive", "--refuse", "--reason", "No audit evidence"], as: "ex").status == 0)
        #expect(run(["show", a1, "--format", "json"], as: "ann").stdout.contains(#""status":"in-progress""#))
        let history = try JSONValue.parse(run(["history", a1, "--format", "json"], as: "ann").stdout)["events"]!.arrayValue!
        #expect(history.map { $0["type"]!.stringValue! } == ["action_added", "action_updated", "action_due_revised", "action_implemented",
                                                             "action_signed_off", "action_sign_off_refused"])
        #expect(history[2]["summary"]?.stringValue == "Health lead revised the due date of \(a1) from 31 Oct 2023 to 31 Dec 2023: trainer unavailable")
    }

    @Test func dueAndNoImpactEvidenceAnswerInJSON() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let due = try JSONValue.parse(cli(["due", "--within", "30", "--format", "json", "--log", log, "--today", "2023-03-15"]).stdout)
        #expect(due["count"] == 1)
        #expect(due["items"]!.arrayValue![0]["action"] == "MSCP-LCSPR-2023-01/R1/A2")
        _ = cli(["action", "implemented", "MSCP-LCSPR-2023-01/R1/A2", "--on", "2023-03-20", "--evidence", "Audit", "--log", log, "--today", "2023-03-20"])
        let none = try JSONValue.parse(cli(["no-impact-evidence", "--format", "json", "--log", log]).stdout)
        #expect(none == .object(["items": [.object(["action": "MSCP-LCSPR-2023-01/R1/A2", "review": "MSCP-LCSPR-2023-01", "recommendation": "R1",
                                                    "owner": "KP", "lead": "DI Smith", "due": "2023-03-31", "status": "implemented", "rag": .null,
                                                    "days_overdue": .null, "text": "Audit referrals", "year_of_origin": "2022-23", "due_text": .null,
                                                    "success": .null, "kind": "lcspr", "implemented": "2023-03-20"])], "count": 1]))
        _ = cli(["action", "impact", "MSCP-LCSPR-2023-01/R1/A2", "--on", "2023-03-25", "--evidence", "Re-audit", "--log", log, "--today", "2023-03-25"])
        #expect(cli(["no-impact-evidence", "--format", "json", "--log", log]).stdout == #"{"items":[],"count":0}"# + "\n")
    }

    @Test func refusedReviewAndActionCommandsAppendNothing() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let before = readBytes(log)
        let attempts: [([String], Int32)] = [
            (["incident", "notify", "MSCP-RR-2022-01", "--child", "Child R", "--aware", "2023-01-01"], 1),        // duplicate reference
            (["incident", "notify", "MSCP-RR-2023-02", "--child", "born 01/02/2020", "--aware", "2023-01-01"], 1), // date of birth
            (["incident", "notify", "MSCP-RR-2023-02", "--child", "Child R", "--aware", "2023-02-30"], 64),        // impossible date
            (["review", "panel-response", "NOPE", "--on", "2023-01-01", "--agrees"], 1),                          // unknown reference
            (["review", "panel-response", "MSCP-RR-2022-01", "--on", "2023-01-25", "--agrees", "--disagrees"], 64),
            (["review", "open", "MSCP-X", "--kind", "tribunal", "--title", "x"], 64),
            (["review", "milestone", "MSCP-LCSPR-2023-01", "--what", "published", "--on", "2023-06-01"], 1),      // out of sequence
            (["review", "grade", "MSCP-LCSPR-2023-01", "--by", "Ofsted", "--grade", "good", "--on", "2023-06-01"], 1),
            (["action", "update", "MSCP-LCSPR-2023-01/R1/A2", "--note", "n", "--actor", "hl"], 1),              // other agency's action
            (["action", "update", "MSCP-LCSPR-2023-01/R1/A1", "--note", "n", "--actor", "ida"], 1),             // auditor
            (["action", "sign-off", "MSCP-LCSPR-2023-01/R1/A1", "--stage", "learning-lessons", "--actor", "ll"], 1), // not implemented
            (["action", "add", "MSCP-LCSPR-2023-01/R1", "A3", "--text", "t", "--owner", "X", "--lead", "l", "--due", "2023-05-01"], 1),
            (["action", "update", "MSCP-LCSPR-2023-01/R1/A1", "--note", "n", "--rag", "purple"], 64),
            (["rec", "add", "MSCP-LCSPR-2023-01", "R2"], 64),
        ]
        for (args, status) in attempts {
            let out = cli(args + ["--log", log, "--today", "2023-06-02"])
            #expect(out.status == status, "\(args): \(out.stderr)")
            #expect(out.stderr.hasPrefix("Error: "), "\(args)")
            #expect(readBytes(log) == before, "\(args) changed the log")
        }
    }

    @Test func everyCommandHasHelpAndEveryQueryHasJSON() {
        for spec in CommandCatalogue.all {
            let help = cli(spec + ["--help"])
            #expect(help.status == 0, "\(spec)")
            #expect(help.stdout.hasPrefix("OVERVIEW: "), "\(spec)")
        }
        for query in CommandCatalogue.queries {
            #expect(cli(query + ["--help"]).stdout.contains("--format <format>"), "\(query)")
        }
    }

    @Test func calendarShowListsAYearsHolidays() {
        let dir = try! TemporaryDirectory()
        let log = dir.path("p.jsonl")
        _ = cli(["init", "--partnership", "P", "--code", "P", "--log", log])
        #expect(cli(["calendar", "add-holiday", "2031-05-05", "Early May bank holiday", "--log", log]).status == 0)
        #expect(cli(["calendar", "show", "2022", "--log", log, "--format", "csv"]).stdout.contains("2022-09-19,Monday,Bank holiday for the State Funeral of Queen Elizabeth II"))
        #expect(cli(["calendar", "show", "2031", "--log", log, "--format", "json"]).stdout
            == #"{"year":2031,"holidays":[{"date":"2031-05-05","name":"Early May bank holiday","added":true}]}"# + "\n")
        #expect(cli(["calendar", "show", "twenty", "--log", log]).status == 64)
    }
}

/// Every command's words, read from the help so a new command cannot be missed.
enum CommandCatalogue {
    static var all: [[String]] {
        let root = cli(["--help"]).stdout
        let block = root.components(separatedBy: "SUBCOMMANDS:\n")[1].components(separatedBy: "\n\n")[0]
        return block.split(separator: "\n").map { line in
            line.trimmingCharacters(in: .whitespaces).components(separatedBy: "  ")[0].split(separator: " ").map(String.init)
        }
    }

    static let queries: [[String]] = [["reviews"], ["show"], ["timeliness"], ["outstanding"], ["overdue"], ["due"], ["awaiting-signoff"],
                                      ["no-impact-evidence"], ["history"], ["agencies"], ["members"], ["verify"], ["checkpoint"],
                                      ["calendar", "show"], ["policy", "show"]]
}

@Suite struct RecorderNamesTests {
    @Test func aUserNameGivenLaterToSomeoneElseDoesNotTakeOverTheirPredecessorsEntries() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let steps: [[String]] = [
            ["member", "add", "clerk", "--name", "Alice Clerk", "--agency", "MSCP", "--role", "business-unit"],
            ["action", "update", "MSCP-LCSPR-2023-01/R1/A1", "--note", "Booked", "--actor", "clerk", "--today", "2023-04-02"],
            ["member", "retire", "clerk", "--reason", "Left"],
            ["member", "add", "clerk", "--name", "Bob Clerk", "--agency", "MSCP", "--role", "business-unit"],
            ["action", "update", "MSCP-LCSPR-2023-01/R1/A1", "--note", "Half done", "--actor", "clerk", "--today", "2023-04-03"],
        ]
        for s in steps { #expect(cli(s + ["--log", log]).status == 0, "\(s)") }
        for args in [["history", "MSCP-LCSPR-2023-01/R1/A1"], ["show", "MSCP-LCSPR-2023-01/R1/A1"]] {
            let out = cli(args + ["--format", "json", "--log", log]).stdout
            #expect(out.contains("Alice Clerk updated MSCP-LCSPR-2023-01/R1/A1: Booked"), "\(args)")
            #expect(out.contains("Bob Clerk updated MSCP-LCSPR-2023-01/R1/A1: Half done"), "\(args)")
            #expect(!out.contains("Bob Clerk updated MSCP-LCSPR-2023-01/R1/A1: Booked"), "\(args)")
        }
    }
}

@Suite struct LoginCommandTests {
    @Test func aBoundMemberIsRecordedOnlyFromTheirAccountAndHistoryNamesBoth() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        // The in-process runs below are logged in as 'ann' (the admin).
        #expect(cli(["member", "bind", "hl", "--login", "hlead", "--log", log]).status == 0)
        let refused = cli(["action", "update", "MSCP-LCSPR-2023-01/R1/A1", "--note", "x", "--actor", "hl", "--log", log, "--today", "2023-04-02"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: 'hl' records only from the login 'hlead', and this is 'ann'. Record under your own roster name.\n")
        #expect(cli(["action", "update", "MSCP-LCSPR-2023-01/R1/A1", "--note", "Booked", "--actor", "bu", "--log", log, "--today", "2023-04-02"]).status == 0)
        let history = cli(["history", "MSCP-LCSPR-2023-01/R1/A1", "--log", log]).stdout
        #expect(history.contains("bu (login ann)"))
        let members = try JSONValue.parse(cli(["members", "--format", "json", "--log", log]).stdout)
        #expect(members["members"]?.arrayValue?.first { $0["user"] == "hl" }?["login"] == "hlead")
        #expect(cli(["verify", "--log", log]).status == 0)
        #expect(cli(["help", "member", "bind"]).stdout.contains("--login <account>"))
    }
}
