import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
@testable import CaseTrailStore

/// Each user's casetrail remembers how far it saw each log reach: rolling a log back, cutting it
/// or rewriting it is caught without a checkpoint.
@Suite struct WitnessTests {
    /// A founded log and the environment of a user whose witness file is in the test's folder.
    func watchedLog() throws -> (TemporaryDirectory, String, [String: String]) {
        let (dir, log) = try foundedLog()
        let env = ["CASETRAIL_WITNESS": dir.path("state/witness")]
        #expect(cli(["agency", "add", "X1", "--name", "One", "--log", log], env: env).status == 0)
        return (dir, log, env)
    }

    @Test func aLogReplacedByAnOlderCopyIsCaughtAndCanBeAcceptedOnPurpose() throws {
        let (dir, log, env) = try watchedLog()
        defer { withExtendedLifetime(dir) {} }
        let older = readBytes(log)
        #expect(cli(["agency", "add", "X2", "--name", "Two", "--log", log], env: env).status == 0)   // seq 8
        try writeBytes(log, older)
        let query = cli(["agencies", "--log", log], env: env)
        #expect(query.status == 3)
        #expect(query.stderr.contains("line 8: the log ends at seq 7, but this user's casetrail saw it reach seq 8 on 2023-04-03T09:00:00.000Z: lines were removed, or the log was replaced by an older copy. If you restored an older copy on purpose, run 'casetrail witness forget'."))
        #expect(cli(["agency", "add", "X3", "--name", "Three", "--log", log], env: env).status == 3)
        #expect(readBytes(log) == older)
        #expect(cli(["agencies", "--log", log]).status == 0, "another user's casetrail, which never saw it, reads it")
        let forget = cli(["witness", "forget", "--log", log], env: env)
        #expect(forget.stdout == "Forgot that your casetrail saw \(log) reach seq 8 on 2023-04-03T09:00:00.000Z; it now takes the log as it is.\n")
        #expect(cli(["agencies", "--log", log], env: env).status == 0)
    }

    @Test func anAcknowledgedLineWhoseNewlineWasRemovedIsNotTakenForATornWrite() throws {
        let (dir, log, env) = try watchedLog()
        defer { withExtendedLifetime(dir) {} }
        try writeBytes(log, Array(readBytes(log).dropLast()))
        let write = cli(["agency", "add", "X2", "--name", "Two", "--log", log], env: env)
        #expect(write.status == 3)
        #expect(write.stderr.contains("line 7 was complete when this user's casetrail saw the log reach seq 7"))
        #expect(!FileManager.default.fileExists(atPath: log + ".torn-7"), "nothing quarantined, seq 7 not reused")
    }

    @Test func aRewrittenLineAtTheSeqSeenIsCaught() throws {
        let (dir, log, env) = try watchedLog()
        defer { withExtendedLifetime(dir) {} }
        // The same first six lines, then another line 7 (written by someone who could write the file).
        var lines = readBytes(log).split(separator: 0x0A, omittingEmptySubsequences: false)
        lines.removeLast(2)
        try writeBytes(log, Array(lines.joined(separator: [0x0A])) + [0x0A])
        #expect(cli(["agency", "add", "Y1", "--name", "Other", "--log", log]).status == 0)
        let verify = cli(["verify", "--log", log], env: env)
        #expect(verify.status == 3)
        #expect(verify.stdout.contains("line 7: line 7 is not the line this user's casetrail saw there on 2023-04-03T09:00:00.000Z (its hash differs)"))
    }

    @Test func anEmptiedOrReplacedLogIsNotTheLogSeenThere() throws {
        let (dir, log, env) = try watchedLog()
        defer { withExtendedLifetime(dir) {} }
        try writeBytes(log, [])
        let emptied = cli(["verify", "--log", log], env: env)
        #expect(emptied.status == 3)
        #expect(emptied.stdout.contains("line 1: this is not the log this user's casetrail saw here on 2023-04-03T09:00:00.000Z (MSCP's, at seq 7): it has no first line now, so it was emptied or replaced."))
        try FileManager.default.removeItem(atPath: log)
        #expect(cli(["init", "--partnership", "Another", "--code", "OTHER", "--log", log], env: env).status == 0, "a new log made here on purpose")
        #expect(cli(["verify", "--log", log], env: env).status == 0)
    }

    @Test func verifyShowsWhatTheWitnessHolds() throws {
        let (dir, log, env) = try watchedLog()
        defer { withExtendedLifetime(dir) {} }
        let text = cli(["verify", "--log", log], env: env).stdout
        #expect(text.contains("Witness: this user's casetrail saw it reach seq 7 on 2023-04-03T09:00:00.000Z (hash "))
        let json = try JSONValue.parse(cli(["verify", "--log", log, "--format", "json"], env: env).stdout)
        #expect(json["witness"]?["seq"] == 7)
        #expect(cli(["verify", "--log", log], env: ["CASETRAIL_WITNESS": dir.path("fresh/witness")]).stdout.contains("Witness: this user's casetrail had not read this log before"))
    }

    @Test func aSnapshotAheadOfTheWitnessNeedsNoFullReplayAndATruncationAfterItIsCaught() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let env = ["CASETRAIL_WITNESS": dir.path("state/witness"), "CASETRAIL_SNAPSHOT_MIN_EVENTS": "1"]
        _ = cli(["outstanding", "--log", log], env: env)   // the witness and the snapshot at the head
        let atSnapshot = readBytes(log)
        #expect(cli(["action", "implemented", "MSCP-LCSPR-2023-01/R1/A2", "--on", "2023-04-11", "--evidence", "Done", "--log", log, "--today", "2023-04-12"], env: env).status == 0)
        #expect(cli(["outstanding", "--log", log], env: env).status == 0)
        try writeBytes(log, atSnapshot)   // cut back to the snapshot's line: the snapshot still matches
        let out = cli(["outstanding", "--log", log], env: env)
        #expect(out.status == 3)
        #expect(out.stderr.contains("but this user's casetrail saw it reach seq"))
    }

    @Test func linesSeenBeforeAreNotDecidedAgainYetNoForgeryBeforeOrAfterThemPasses() throws {
        let (dir, log, env) = try watchedLog()   // seen to seq 7
        defer { withExtendedLifetime(dir) {} }
        func forge(_ events: [Event], by actor: String, into path: String) throws {
            try EventLog(path: path).appendBypassingRules(events, actor: actor, now: t0)
        }
        // After what was seen: decided again, and refused.
        let seen = readBytes(log)
        try forge([.memberAdded(user: "mallory", name: "M", agency: "MSCP", roles: [.admin], partner: nil)], by: "mallory", into: log)
        let after = cli(["members", "--log", log], env: env)
        #expect(after.status == 3 && after.stderr.contains("line 8: this line could not have been recorded by 'mallory'"))
        // Before it: the forger rewrites line 6 onwards with correct hashes; line 7 is then not the line seen.
        let lines = seen.split(separator: 0x0A).map(Array.init)
        try writeBytes(dir.path("rewrite.jsonl"), Array(lines.prefix(5).joined(separator: [0x0A])) + [0x0A])
        try forge([.memberAdded(user: "mallory", name: "M", agency: "MSCP", roles: [.admin], partner: nil)], by: "mallory", into: dir.path("rewrite.jsonl"))
        try forge([.agencyAdded(code: "X1", name: "One", aliases: [])], by: "mallory", into: dir.path("rewrite.jsonl"))
        try writeBytes(log, readBytes(dir.path("rewrite.jsonl")))
        let before = cli(["members", "--log", log], env: env)
        #expect(before.status == 3)
        // Lines 1-7 are not decided again, so it is the witness that catches it: line 7 is not the line seen.
        #expect(before.stderr.contains("line 7: line 7 is not the line this user's casetrail saw there"))
    }

    @Test(arguments: [false, true])
    func aQueryAsOfAnEarlierLineDoesNotVouchForTheLinesAfterIt(fromSnapshot: Bool) throws {
        let (dir, log, witnessOnly) = try watchedLog()   // seen to seq 7
        defer { withExtendedLifetime(dir) {} }
        var env = witnessOnly
        if fromSnapshot {
            env["CASETRAIL_SNAPSHOT_MIN_EVENTS"] = "1"
            #expect(cli(["outstanding", "--log", log], env: env).status == 0)   // a snapshot at seq 7
        }
        try EventLog(path: log).appendBypassingRules([.memberAdded(user: "mallory", name: "M", agency: "MSCP", roles: [.admin], partner: nil)], actor: "mallory", now: t0)
        // Line 8 lies past the limit: it is chained, not decided, so this answer is right and says nothing of it.
        #expect(cli(["members", "--as-of", "seq:7", "--log", log], env: env).status == 0)
        let now = cli(["members", "--log", log], env: env)
        #expect(now.status == 3 && now.stderr.contains("line 8: this line could not have been recorded by 'mallory'"))
    }
}
