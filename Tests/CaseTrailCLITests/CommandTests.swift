import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
@testable import CaseTrailStore

/// A log in a temporary folder with a partnership, two agencies and a business-unit member.
func foundedLog() throws -> (TemporaryDirectory, String) {
    let dir = try TemporaryDirectory()
    let log = dir.path("events/mscp.jsonl")
    let setup: [[String]] = [
        ["init", "--partnership", "Medway Safeguarding Children Partnership", "--code", "MSCP"],
        ["member", "add", "bu", "--name", "Business Manager", "--agency", "MSCP", "--role", "business-unit"],
        ["member", "add", "ida", "--name", "Inspector", "--agency", "Ofsted", "--role", "auditor"],
        ["agency", "add", "KP", "--name", "Kent Police"],
        ["agency", "add", "KM-ICB", "--name", "NHS Kent and Medway", "--alias", "NHS Medway"],
    ]
    for args in setup {
        let out = cli(args + ["--log", log])
        guard out.status == 0 else { throw Refused(text: out.stderr) }
    }
    return (dir, log)
}

struct Refused: Error { var text: String }

@Suite struct CommandTests {
    @Test func initRecordsThePartnershipAndItsFirstAdmin() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("events/mscp.jsonl")
        let out = cli(["init", "--partnership", "Medway SCP", "--code", "MSCP", "--log", log, "--actor", "bo"])
        #expect(out == Outcome(stdout: "Created \(log) for Medway SCP (MSCP); bo is its first admin. 2 events recorded.\n", stderr: "", status: 0))
        #expect(cli(["members", "--log", log]).stdout == """
        USER  NAME  AGENCY  ROLES  STATUS
        ----  ----  ------  -----  ------
        bo    bo    MSCP    admin  active

        """)
    }

    @Test func theActorComesFromTheOptionThenTheEnvironmentThenTheLogin() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        _ = cli(["agency", "add", "A1", "--name", "One", "--log", log])
        _ = cli(["agency", "add", "A2", "--name", "Two", "--log", log], env: ["CASETRAIL_ACTOR": "bu"])
        _ = cli(["agency", "add", "A3", "--name", "Three", "--log", log, "--actor", "bu"], env: ["CASETRAIL_ACTOR": "nobody"])
        let history = cli(["history", "--format", "json", "--log", log]).stdout
        let events = try JSONValue.parse(history)["events"]!.arrayValue!
        #expect(events.suffix(3).map { $0["actor"]!.stringValue! } == ["ann", "bu", "bu"])
    }

    @Test func theLogComesFromTheEnvironmentWhenNotGiven() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        #expect(cli(["agencies", "--format", "csv"], env: ["CASETRAIL_LOG": log]).stdout
            == "CODE,NAME,ALIASES\r\nKM-ICB,NHS Kent and Medway,NHS Medway\r\nKP,Kent Police,\r\n")
    }

    @Test func everyRefusedOrMalformedCommandAppendsNothing() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let before = readBytes(log)
        let attempts: [([String], Int32)] = [
            (["agency", "add", "KP", "--name", "Kent Police again"], 1),             // duplicate
            (["agency", "add", "NEW", "--name", "NHS Medway"], 1),                   // name taken by an alias
            (["agency", "add", "NEW", "--name", "New", "--actor", "mallory"], 1),    // unknown actor
            (["agency", "add", "NEW", "--name", "New", "--actor", "ida"], 1),        // auditor
            (["member", "add", "x", "--name", "X", "--agency", "KP", "--role", "auditor", "--actor", "bu"], 1),
            (["member", "add", "x", "--name", "X", "--agency", "KP", "--role", "boss"], 64),
            (["member", "retire", "ann"], 1),                                        // last admin
            (["agency", "add", "bad code", "--name", "X"], 1),
            (["agency", "add", "NEW"], 64),
            (["agency", "add", "NEW", "--name", "N", "--today", "31/03/2023"], 64),
            (["init", "--partnership", "Again", "--code", "MSCP"], 1),
        ]
        for (args, status) in attempts {
            let out = cli(args + ["--log", log])
            #expect(out.status == status, "\(args): \(out.stderr)")
            #expect(out.stderr.hasPrefix("Error: "), "\(args)")
            #expect(out.stdout == "", "\(args)")
            #expect(readBytes(log) == before, "\(args) changed the log")
        }
    }

    @Test func anAliasCanBeAddedByNameAndIsListed() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        #expect(cli(["agency", "alias", "nhs medway", "Medway CCG", "--log", log, "--actor", "bu"]).status == 0)
        #expect(cli(["agencies", "--format", "md", "--log", log]).stdout == """
        | CODE | NAME | ALIASES |
        | --- | --- | --- |
        | KM-ICB | NHS Kent and Medway | NHS Medway; Medway CCG |
        | KP | Kent Police |  |

        """)
    }

    @Test func asOfShowsOnlyWhatWasRecordedBy() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        _ = cli(["agency", "add", "LATE", "--name", "Late Agency", "--log", log], now: t0.adding(milliseconds: 86_400_000))
        let asOfSeq = cli(["agencies", "--as-of", "seq:5", "--log", log, "--format", "json"]).stdout
        #expect(asOfSeq == #"{"agencies":[{"code":"KP","name":"Kent Police","aliases":[]}]}"# + "\n")
        let asOfDate = cli(["agencies", "--as-of", "2023-04-03", "--log", log, "--format", "csv"]).stdout
        #expect(!asOfDate.contains("LATE") && asOfDate.contains("KM-ICB"))
        #expect(cli(["agencies", "--as-of", "2023-04-04T09:00Z", "--log", log]).stdout.contains("LATE"))
    }

    @Test func historyListsEveryLineWithASummary() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let json = try JSONValue.parse(cli(["history", "--format", "json", "--log", log]).stdout)
        let events = json["events"]!.arrayValue!
        let lines = String(decoding: readBytes(log), as: UTF8.self).split(separator: "\n")
        #expect(events.count == lines.count)
        #expect(events.map { $0["seq"]!.intValue! } == Array(1...lines.count))
        #expect(events.last == .object(["seq": 6, "recorded_at": "2023-04-03T09:00:00.000Z", "on": .null, "actor": "ann", "login": "ann",
                                        "type": "agency_added", "stream": "agency-KM-ICB",
                                        "summary": "ann added agency KM-ICB (NHS Kent and Medway), also known as NHS Medway"]))
        let since = cli(["history", "--since", "seq:5", "--log", log, "--format", "csv"]).stdout
        #expect(since.split(separator: "\r\n").count == 3)
    }

    @Test func aTableInATerminalWrapsLongTextToItsWidthAndLosesNoCharacter() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let name = (1...8).map { "Very long agency name \($0)" }.joined(separator: " ")
        _ = cli(["agency", "add", "LONG", "--name", name, "--log", log])
        let lines = cli(["agencies", "--log", log], terminalWidth: 60).stdout.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 60 })
        // The NAME column's pieces, read down the rows of LONG, give the whole name back.
        let start = lines.firstIndex { $0.hasPrefix("LONG") }!
        let column = lines[0].distance(from: lines[0].startIndex, to: lines[0].firstIndex(of: "N")!)
        let pieces = lines[start...].prefix { $0.hasPrefix("LONG") || $0.hasPrefix(" ") }.map { line in
            String(line.dropFirst(column)).trimmingCharacters(in: .whitespaces)
        }
        #expect(pieces.count > 2)
        #expect(pieces.joined(separator: " ") == name)
        let wide = cli(["agencies", "--wide", "--log", log], terminalWidth: 60).stdout.split(separator: "\n")
        #expect(wide.contains { $0.hasPrefix("LONG") && $0.hasSuffix(name) })
    }

    @Test func aTableNotToATerminalCutsNoCellHoweverLong() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let name = String(repeating: "Very long agency name ", count: 12) + "end"
        _ = cli(["agency", "add", "LONG", "--name", name, "--log", log])
        let out = cli(["history", "--log", log]).stdout
        #expect(out.split(separator: "\n").last!.hasSuffix(name + ")"))
        #expect(!out.contains("…"))
        let piped = try exec(["agencies", "--log", log], env: ["COLUMNS": "40"])
        #expect(piped.stdout.split(separator: "\n").contains { $0.hasPrefix("LONG ") && $0.hasSuffix(" " + name) })
    }

    @Test func aCheckpointPinsTheLog() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let checkpoint = cli(["checkpoint", "--log", log]).stdout.trimmedNewline
        #expect(checkpoint.hasPrefix("casetrail-checkpoint MSCP seq=6 sha256="))
        _ = cli(["agency", "add", "LATER", "--name", "Later", "--log", log])
        let ok = cli(["verify", "--checkpoint", checkpoint, "--log", log])
        #expect(ok.status == 0)
        #expect(ok.stdout.hasSuffix("OK: the hash chain is intact, every event replays, and the log extends the checkpoint.\n"))
    }

    @Test func verifyCheckpointCatchesATruncatedLog() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let checkpoint = cli(["checkpoint", "--log", log]).stdout.trimmedNewline
        let lines = readBytes(log).split(separator: 0x0A, omittingEmptySubsequences: false)
        try writeBytes(log, Array(lines.prefix(4).joined(separator: [0x0A])) + [0x0A])
        #expect(cli(["verify", "--log", log]).status == 0)   // a shorter log is still a valid chain…
        let out = cli(["verify", "--checkpoint", checkpoint, "--log", log, "--format", "json"])
        #expect(out.status == 3)                              // …but it no longer extends the checkpoint
        let report = try JSONValue.parse(out.stdout)
        #expect(report["ok"] == false)
        #expect(report["problems"] == [.object(["line": 5, "problem": "the checkpoint names seq 6, but the log ends at seq 4: either the checkpoint was copied wrongly, or the lines after seq 4 were cut from the log"])])
        let text = cli(["verify", "--checkpoint", checkpoint, "--log", log]).stdout
        #expect(text.hasSuffix("FAILED: the log's own hash chain is intact and every event replays, but it does not match this checkpoint. "
            + "First compare the checkpoint with where it was kept (the minutes, the paper); if it was copied rightly, the log was rewritten or cut since, and must be restored from a good copy.\n"),
            "a checkpoint that does not match may be one copied wrongly: the message does not claim tampering")
    }

    @Test func verifyCheckpointCatchesARebuiltLog() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let checkpoint = cli(["checkpoint", "--log", log]).stdout.trimmedNewline
        // The same commands with one name spelt differently: a valid chain, but not the one pinned.
        let rebuilt = dirWithDifferentContent()
        try FileManager.default.removeItem(atPath: log)
        try FileManager.default.copyItem(atPath: rebuilt.1, toPath: log)
        #expect(cli(["verify", "--log", log]).status == 0)
        let out = cli(["verify", "--checkpoint", checkpoint, "--log", log])
        #expect(out.status == 3)
        #expect(out.stdout.contains("line 6: line 6 does not have the checkpoint's hash: either the checkpoint was copied wrongly (one character is enough), or the log up to line 6 was rewritten\n"))
        #expect(out.stdout.hasSuffix("but it does not match this checkpoint. First compare the checkpoint with where it was kept (the minutes, the paper); if it was copied rightly, the log was rewritten or cut since, and must be restored from a good copy.\n"))
    }

    @Test func aMalformedCheckpointIsAUsageError() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        #expect(cli(["verify", "--checkpoint", "seq=3", "--log", log]).status == 64)
    }
}

/// A log with the same commands as `foundedLog` but one agency named differently.
func dirWithDifferentContent() -> (TemporaryDirectory, String) {
    let dir = try! TemporaryDirectory()
    let log = dir.path("events/mscp.jsonl")
    for args: [String] in [
        ["init", "--partnership", "Medway Safeguarding Children Partnership", "--code", "MSCP"],
        ["member", "add", "bu", "--name", "Business Manager", "--agency", "MSCP", "--role", "business-unit"],
        ["member", "add", "ida", "--name", "Inspector", "--agency", "Ofsted", "--role", "auditor"],
        ["agency", "add", "KP", "--name", "Kent Police"],
        ["agency", "add", "KM-ICB", "--name", "NHS Kent & Medway", "--alias", "NHS Medway"],
    ] { _ = cli(args + ["--log", log]) }
    return (dir, log)
}

extension String {
    var trimmedNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
