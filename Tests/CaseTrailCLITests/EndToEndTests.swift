import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
@testable import CaseTrailStore

/// The built binary, run as a user would: real processes, real files, real exit codes.
@Suite struct EndToEndTests {
    @Test func theBinaryInitsRecordsAndVerifies() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("events/casetrail.jsonl")
        let env = ["CASETRAIL_LOG": log, "CASETRAIL_ACTOR": "ann", "CASETRAIL_WITNESS": dir.path("witness")]
        #expect(try exec(["init", "--partnership", "Medway", "--code", "MSCP"], env: env).status == 0)
        #expect(try exec(["agency", "add", "KP", "--name", "Kent Police"], env: env).stdout == "Recorded agency_added (seq 3).\n")
        let verify = try exec(["verify", "--format", "json"], env: env)
        #expect(verify.status == 0)
        let report = try JSONValue.parse(verify.stdout)
        #expect(report["ok"] == true && report["events"] == 3 && report["problems"] == [])
        #expect(try exec(["--version"]).stdout == "\(CLI.version)\n")
        #expect(try exec(["nonsense"]).status == 64)
    }

    @Test func aFlippedByteStopsWritesAndQueriesAndIsNamedByLine() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("p.jsonl")
        let env = ["CASETRAIL_LOG": log, "CASETRAIL_ACTOR": "ann", "CASETRAIL_WITNESS": dir.path("witness")]
        _ = try exec(["init", "--partnership", "Medway", "--code", "MSCP"], env: env)
        _ = try exec(["agency", "add", "KP", "--name", "Kent Police"], env: env)
        _ = try exec(["agency", "add", "KCC", "--name", "Kent County Council"], env: env)
        var bytes = readBytes(log)
        let name = Array("Kent Police".utf8)
        let offset = (0...(bytes.count - name.count)).first { Array(bytes[$0..<($0 + name.count)]) == name }!
        bytes[offset] = UInt8(ascii: "B")   // "Bent Police"
        try writeBytes(log, bytes)

        let verify = try exec(["verify"], env: env)
        #expect(verify.status == 3)
        #expect(verify.stdout.contains("line 3: hash mismatch: the line was changed after it was written, and no redaction later in the log vouches for it\n"))

        let query = try exec(["agencies"], env: env)
        #expect(query.status == 3)
        #expect(query.stdout == "")
        #expect(query.stderr.hasPrefix("Error: The log \(log) failed its integrity check at line 3: hash mismatch"))

        let write = try exec(["agency", "add", "X", "--name", "X"], env: env)
        #expect(write.status == 3)
        #expect(readBytes(log) == bytes)
    }

    @Test func aTornTailIsQuarantinedByTheNextCommandAndReported() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("p.jsonl")
        let env = ["CASETRAIL_LOG": log, "CASETRAIL_ACTOR": "ann", "CASETRAIL_WITNESS": dir.path("witness")]
        _ = try exec(["init", "--partnership", "Medway", "--code", "MSCP"], env: env)
        let good = readBytes(log)
        try writeBytes(log, good + Array(#"{"seq":3,"str"#.utf8))
        let verify = try exec(["verify"], env: env)
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("Note:    line 3 is a torn write (13 bytes, never acknowledged)"))
        #expect(try exec(["agencies"], env: env).stderr.contains("line 3 is a torn write"))
        let write = try exec(["agency", "add", "KP", "--name", "Kent Police"], env: env)
        #expect(write.status == 0)
        #expect(write.stderr == "Note: the log ended in a torn, never-acknowledged write; its bytes were moved to \(log).torn-3.\n")
        #expect(readBytes(log + ".torn-3") == Array(#"{"seq":3,"str"#.utf8))
        #expect(try exec(["verify"], env: env).stdout.hasSuffix("OK: the hash chain is intact and every event replays.\n"))
    }

    @Test func fourProcessesAppendingAtOnceLoseNothing() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("p.jsonl")
        let env = ["CASETRAIL_LOG": log, "CASETRAIL_ACTOR": "ann", "CASETRAIL_WITNESS": dir.path("witness")]
        _ = try exec(["init", "--partnership", "Medway", "--code", "MSCP"], env: env)
        let before = try lineCount(log)
        let writers = (1...4).map { w -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "for i in $(seq 1 15); do \"$0\" agency add W\(w)-$i --name \"Writer \(w) agency $i\" || exit 1; done", binary]
            p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            p.standardOutput = FileHandle.nullDevice
            return p
        }
        for p in writers { try p.run() }
        for p in writers { p.waitUntilExit() }
        #expect(writers.allSatisfy { $0.terminationStatus == 0 })
        #expect(try lineCount(log) == before + 60)
        let verify = try JSONValue.parse(try exec(["verify", "--format", "json"], env: env).stdout)
        #expect(verify["ok"] == true)
        #expect(verify["events"] == .int(before + 60))
        let seqs = String(decoding: readBytes(log), as: UTF8.self).split(separator: "\n").map { try! JSONValue.parse(String($0))["seq"]!.intValue! }
        #expect(seqs == Array(1...(before + 60)))
    }

    @Test func processesKilledMidAppendNeverLoseAnAcknowledgedEvent() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("p.jsonl")
        let env = ["CASETRAIL_LOG": log, "CASETRAIL_ACTOR": "ann", "CASETRAIL_WITNESS": dir.path("witness")]
        _ = try exec(["init", "--partnership", "Medway", "--code", "MSCP"], env: env)
        // Kill at random moments across the span an uncontested append takes, so some finish and some do not.
        let start = Date()
        _ = try exec(["agency", "add", "TIMED", "--name", "Timed"], env: env)
        var span = UInt32(max(2_000, Date().timeIntervalSince(start) * 1_500_000))
        var acknowledged: [String] = []
        var killed = 0
        var generator = SystemRandomNumberGenerator()
        for i in 1...40 {
            let code = "K\(i)"
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["agency", "add", code, "--name", "Killed \(i)"]
            p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 0...span, using: &generator))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            if p.terminationReason == .exit && p.terminationStatus == 0 { acknowledged.append(code) } else { killed += 1 }
            // On a machine slower (or busier) than the first append showed, wait longer; on a faster one, less.
            if i % 8 == 0, acknowledged.isEmpty { span = min(span * 2, 4_000_000) }
            if i % 8 == 0, killed == 0 { span = max(span / 2, 500) }
            // Every few rounds, a torn write as a power cut would leave one.
            if i % 10 == 0 { try writeBytes(log, readBytes(log) + Array(#"{"seq":99,"stream":"ag"#.utf8)) }
        }
        let listed = try JSONValue.parse(try exec(["agencies", "--format", "json"], env: env).stdout)["agencies"]!.arrayValue!
        let codes = Set(listed.map { $0["code"]!.stringValue! })
        #expect(Set(acknowledged).isSubset(of: codes), "lost: \(Set(acknowledged).subtracting(codes))")
        _ = try exec(["agency", "add", "FINAL", "--name", "Final"], env: env)   // moves any torn tail aside
        let verify = try exec(["verify"], env: env)
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(!verify.stdout.contains("torn"))
        #expect(killed + acknowledged.count == 40)
        #expect(killed > 0 && !acknowledged.isEmpty, "the kills should land both before and after acknowledgement")
    }
}

func lineCount(_ path: String) throws -> Int { readBytes(path).filter { $0 == 0x0A }.count }

/// A well-hashed line that no command could have written: everything stops, naming the line.
@Suite struct ForgedLineTests {
    @Test func aStrangersSelfAppointmentIsCaughtByVerifyQueriesAndWrites() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        try EventLog(path: log).appendBypassingRules([.memberAdded(user: "mallory", name: "Mallory", agency: "MSCP", roles: [.admin], partner: nil)],
                                                     actor: "mallory", now: t0)
        let before = readBytes(log)
        let verify = try exec(["verify", "--log", log])
        #expect(verify.status == 3)
        #expect(verify.stdout.contains("line 7: this line could not have been recorded by 'mallory': 'mallory' is not on MSCP's roster"))
        let query = try exec(["members", "--log", log])
        #expect(query.status == 3)
        #expect(query.stderr.hasPrefix("Error: The log \(log) failed its integrity check at line 7: this line could not have been recorded by 'mallory'"))
        let write = try exec(["member", "add", "eve", "--name", "Eve", "--agency", "MSCP", "--role", "admin", "--log", log, "--actor", "mallory"])
        #expect(write.status == 3)
        #expect(readBytes(log) == before)
    }
}

@Suite struct FutureSchemaTests {
    @Test func aLineFromANewerCasetrailStopsWritesAndQueriesNamingTheLine() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        // A correctly chained line whose payload schema this build does not know.
        let store = EventLog(path: log)
        let scan = try store.read { _, _ in nil }
        _ = try store.append(lines: [NewEvent(stream: "agency-KP", type: "agency_added", schema: 2, data: .object(["code": "KP2", "name": "Kent Police"]))],
                             actor: "ann", now: t0, after: scan.position, expected: ["agency-KP": scan.streamVersions["agency-KP"] ?? 0])
        let before = readBytes(log)
        let query = cli(["agencies", "--log", log])
        #expect(query.status == 3)
        #expect(query.stderr.hasPrefix("Error: The log \(log) failed its integrity check at line 7: 'agency_added' has schema 2, newer than this casetrail reads (1); upgrade casetrail."))
        let write = cli(["agency", "add", "X", "--name", "X", "--log", log])
        #expect(write.status == 3)
        #expect(readBytes(log) == before)
        let verify = cli(["verify", "--log", log, "--format", "json"])
        #expect(verify.status == 3)
        #expect(try JSONValue.parse(verify.stdout)["problems"] == [.object(["line": 7, "problem": "'agency_added' has schema 2, newer than this casetrail reads (1); upgrade casetrail"])])
    }
}

@Suite struct TornCommandTests {
    @Test func aDecisionWhoseNewReviewNeverReachedTheDiskIsNotHalfRecorded() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        for args: [String] in [
            ["incident", "notify", "RR-1", "--child", "Child Q", "--aware", "2023-01-02"],
            ["review", "rapid-complete", "RR-1", "--on", "2023-01-10", "--recommend", "lcspr", "--rationale", "r"],
            ["review", "decide", "RR-1", "--on", "2023-01-12", "--outcome", "initiate", "--by", "Partners", "--rationale", "r", "--creates", "L-1"],
        ] { #expect(cli(args + ["--log", log, "--today", "2023-02-01"]).status == 0) }
        // A power cut: the decision's line is on disk, the new review's line is not.
        let bytes = readBytes(log)
        let lastLineStart = bytes.dropLast().lastIndex(of: 0x0A)! + 1
        try writeBytes(log, Array(bytes[..<lastLineStart]))
        let reviews = cli(["reviews", "--format", "json", "--log", log])
        #expect(reviews.stdout == #"{"reviews":[{"ref":"RR-1","kind":"rapid-review","title":"Rapid review: Child Q","status":"completed","opened":"2023-01-02"}]}"# + "\n")
        #expect(reviews.stderr.contains("is a torn write"))
        // The decision can be recorded again; the torn pair is kept aside.
        let again = cli(["review", "decide", "RR-1", "--on", "2023-01-12", "--outcome", "initiate", "--by", "Partners", "--rationale", "r",
                         "--creates", "L-1", "--log", log, "--today", "2023-02-01"])
        #expect(again.status == 0)
        #expect(again.stderr.contains("moved to \(log).torn-9"))
        #expect(cli(["verify", "--log", log]).status == 0)
        #expect(cli(["show", "L-1", "--log", log, "--format", "json"]).stdout.contains(#""status":"initiated""#))
    }
}

/// Numbers at and past the limits, in the log and on the command line: an answer or an error, never a trap.
@Suite struct HostileNumberTests {
    /// A line appended with its seq (or another number) set to `value`, hashed correctly.
    func lineWith(_ member: String, _ value: String, after log: String) throws -> [UInt8] {
        let bytes = readBytes(log)
        let lastStart = bytes.dropLast().lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let last = String(decoding: bytes[lastStart...].dropLast(), as: UTF8.self)
        let prev = String(last.suffix(66).prefix(64))
        var line = #"{"seq":7,"stream":"agency-Z","version":1,"type":"agency_added","schema":1,"recorded_at":"2023-04-03T09:00:00.000Z","actor":"ann","data":{"code":"Z","name":"Z","aliases":[]},"prev":""# + prev + "\""
        line = line.replacingOccurrences(of: "\"\(member)\":\(member == "seq" ? "7" : "1")", with: "\"\(member)\":\(value)")
        let hash = SHA256.hex(Array((prev + line + "}").utf8))
        return Array((line + ",\"hash\":\"\(hash)\"}\n").utf8)
    }

    @Test(arguments: [("seq", "9223372036854775807"), ("seq", "0"), ("version", "9223372036854775807"), ("schema", "-1"),
                      ("seq", "9007199254740993")])
    func anEnvelopeNumberOutOfRangeIsAProblemOnItsLine(_ member: String, _ value: String) throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        try writeBytes(log, readBytes(log) + lineWith(member, value, after: log))
        let verify = try exec(["verify", "--log", log])
        #expect(verify.status == 3)
        #expect(verify.stdout.contains("line 7: \(member) \(value) is out of range"), "\(verify.stdout)")
        #expect(try exec(["agencies", "--log", log]).status == 3)
    }

    @Test func numbersTooLargeOnTheCommandLineAreUsageErrors() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let due = try exec(["due", "--within", "9223372036854775807", "--log", log])
        #expect(due.status == 64)
        #expect(due.stderr.hasPrefix("Error: '9223372036854775807' is not a number of days for '--within'; give one from 0 to 36500, such as 30."))
        for year in ["9999-00", "0000-01", "99999-00"] {
            let report = try exec(["report", "annual", "--year", year, "--log", log])
            #expect(report.status == 64, "\(year): \(report.stderr)")
        }
        #expect(try exec(["history", "--since", "seq:99999999999999999999", "--log", log]).status == 64)
        #expect(try exec(["outstanding", "--as-of", "seq:9223372036854775807", "--log", log]).status == 0)
    }

    @Test func theRangeOfDatesASnapshotMayHoldIsTheRangeOfDates() {
        #expect(LocalDate.dayNumbers.lowerBound == LocalDate(year: 1, month: 1, day: 1)!.dayNumber)
        #expect(LocalDate.dayNumbers.upperBound == LocalDate(year: 9999, month: 12, day: 31)!.dayNumber)
    }
}

/// A line stamped with a time that has not come: its clock was wrong, or it was forged.
@Suite struct FutureTimeTests {
    @Test func aLineRecordedMoreThanADayAheadIsReportedAndNothingIsRecordedAfterIt() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let later = t0.adding(milliseconds: 3 * 86_400_000)
        #expect(cli(["agency", "add", "FUT", "--name", "Future", "--log", log], now: later).status == 0)   // a clock three days fast
        let verify = cli(["verify", "--log", log], now: t0)
        #expect(verify.status == 3)
        #expect(verify.stdout.contains("line 7: recorded_at 2023-04-06T09:00:00.000Z is more than a day after this machine's clock"))
        #expect(cli(["verify", "--log", log], now: later).status == 0, "believable on the clock that wrote it")
        #expect(cli(["agencies", "--log", log], now: t0).status == 0, "a query still answers")
        let before = readBytes(log)
        let write = cli(["agency", "add", "NOW", "--name", "Now", "--log", log], now: t0)
        #expect(write.status == 3)
        #expect(write.stderr.contains("line 7: recorded_at 2023-04-06T09:00:00.000Z is more than a day after this machine's clock (2023-04-03T09:00:00.000Z), so nothing more is recorded after it"))
        #expect(readBytes(log) == before)
        #expect(cli(["agency", "add", "NOW", "--name", "Now", "--log", log], now: t0.adding(milliseconds: 2 * 86_400_000 + 1)).status == 0,
                "within a day of the clock, it is recorded")
    }
}
