import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
@testable import CaseTrailStore

/// Snapshots are derived data: they change how fast an answer comes, never what it is.
@Suite struct SnapshotTests {
    let snapshots = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "1"]
    let noSnapshots = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "off"]

    func answer(_ log: String, _ env: [String: String], _ extra: [String] = []) -> Outcome {
        cli(["outstanding", "--format", "json", "--log", log, "--today", "2023-06-01"] + extra, env: env)
    }

    @Test func aSnapshotIsWrittenAndGivesTheSameAnswers() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let truth = answer(log, noSnapshots)
        #expect(!FileManager.default.fileExists(atPath: log + ".snapshot"))
        #expect(answer(log, snapshots) == truth)
        #expect(FileManager.default.fileExists(atPath: log + ".snapshot"))
        #expect(answer(log, snapshots) == truth)   // now from the snapshot
        // Later events are replayed on top of it, for queries and for commands.
        #expect(cli(["action", "implemented", "MSCP-LCSPR-2023-01/R1/A2", "--on", "2023-04-11", "--evidence", "Done", "--log", log, "--today", "2023-04-12"], env: snapshots).status == 0)
        #expect(cli(["action", "implemented", "MSCP-LCSPR-2023-01/R1/A2", "--on", "2023-04-11", "--evidence", "Again", "--log", log, "--today", "2023-04-12"], env: snapshots).stderr.contains("already implemented"))
        #expect(answer(log, snapshots) == answer(log, noSnapshots))
        #expect(answer(log, snapshots).stdout.contains(#""status":"implemented""#))
        // A time before the snapshot is answered from the start of the log.
        #expect(answer(log, snapshots, ["--as-of", "seq:16"]) == answer(log, noSnapshots, ["--as-of", "seq:16"]))
        #expect(cli(["verify", "--log", log], env: snapshots).status == 0)
    }

    @Test func aCorruptedSnapshotIsIgnoredAndRebuilt() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let truth = answer(log, noSnapshots)
        _ = answer(log, snapshots)
        var bytes = readBytes(log + ".snapshot")
        bytes[bytes.count / 2] ^= 0x20
        try writeBytes(log + ".snapshot", bytes)
        #expect(EventLog(path: log).loadSnapshot(damage: SnapshotDamage()) == nil)
        #expect(answer(log, snapshots) == truth)
        #expect(EventLog(path: log).loadSnapshot(damage: SnapshotDamage()) != nil)   // rewritten
        try writeBytes(log + ".snapshot", Array(bytes.prefix(40)))   // truncated
        #expect(answer(log, snapshots) == truth)
    }

    @Test func aSnapshotRowThatCannotBeReadIsAnsweredFromTheLogInstead() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let truth = answer(log, noSnapshots)
        _ = answer(log, snapshots)
        // An action's text made to claim more bytes than its row holds, the checksum made to hold.
        var bytes = readBytes(log + ".snapshot")
        let text = Array("Train health staff".utf8)
        let written = [UInt8(text.count * 2)] + text
        let found = (0...(bytes.count - written.count)).first { (i: Int) -> Bool in Array(bytes[i..<(i + written.count)]) == written }
        let at = try #require(found)
        bytes[at] = 0x7F
        let store = EventLog(path: log)
        bytes = store.resealedSnapshot(bytes)
        try writeBytes(log + ".snapshot", bytes)
        #expect(store.loadSnapshot(damage: SnapshotDamage()) != nil)
        #expect(answer(log, snapshots) == truth)
        #expect(answer(log, snapshots) == truth, "and again, from the snapshot written anew")
        #expect(readBytes(log + ".snapshot") != bytes)
    }

    @Test func aDatedAnswerWhoseSnapshotRowCannotBeReadIsWorkedOutFromTheLogAlone() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        _ = answer(log, snapshots)
        // As above: action A1's text made to claim more bytes than its row holds, under a checksum that holds.
        var bytes = readBytes(log + ".snapshot")
        let text = Array("Train health staff".utf8)
        let written = [UInt8(text.count * 2)] + text
        let at = try #require((0...(bytes.count - written.count)).first { (i: Int) -> Bool in Array(bytes[i..<(i + written.count)]) == written })
        bytes[at] = 0x7F
        let store = EventLog(path: log)
        try writeBytes(log + ".snapshot", store.resealedSnapshot(bytes))
        // A line after the snapshot about A1, recorded without snapshots so the damaged one is left in place:
        // a dated answer decides it on the snapshot's state, reads the damaged row, and must start again from the log
        // (the ledger does so; were it not to, the command would be run again without snapshots).
        #expect(cli(["action", "update", "MSCP-LCSPR-2023-01/R1/A1", "--note", "Sessions booked", "--rag", "green", "--on", "2023-04-20",
                     "--log", log, "--today", "2023-04-20"], env: noSnapshots).status == 0)
        #expect(store.loadSnapshot(damage: SnapshotDamage()) != nil, "the damaged snapshot is still there")
        let dated = ["outstanding", "--on-date", "2023-05-01", "--format", "json", "--log", log]
        let truth = cli(dated, env: noSnapshots)
        #expect(truth.status == 0 && truth.stdout.contains(#""rag":"green""#))
        #expect(cli(dated, env: snapshots) == truth)
    }

    @Test func aSnapshotThatDisagreesWithTheLogIsReportedByVerify() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        _ = answer(log, snapshots)
        let good = cli(["verify", "--log", log])
        #expect(good.status == 0 && good.stdout.contains("Snapshot: at seq 17, matches the log"))
        // A forged snapshot: an action's text changed, its checksum made to hold, so queries would show it.
        var bytes = readBytes(log + ".snapshot")
        let text = Array("Train health staff".utf8)
        let at = try #require((0...(bytes.count - text.count)).first { (i: Int) -> Bool in Array(bytes[i..<(i + text.count)]) == text })
        bytes.replaceSubrange(at..<(at + text.count), with: Array("Train nobody at all".utf8.prefix(text.count)))
        let store = EventLog(path: log)
        bytes = store.resealedSnapshot(bytes)
        try writeBytes(log + ".snapshot", bytes)
        #expect(answer(log, snapshots).stdout.contains("Train nobody at al"), "a query trusts a snapshot whose checksum holds")
        let verify = cli(["verify", "--log", log])
        #expect(verify.status == 3)
        #expect(verify.stdout.contains("line 17: the snapshot beside the log, taken at this line, does not hold the state the log gives here"))
        #expect(try JSONValue.parse(cli(["verify", "--log", log, "--format", "json"]).stdout)["snapshot"]?["matches"] == false)
    }

    @Test func aSnapshotOfAnotherLogIsNeverTrusted() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        _ = answer(log, snapshots)
        let stale = readBytes(log + ".snapshot")
        // The log is replaced by a different one of the same length; the old snapshot is left beside it.
        let other = dirWithDifferentContent()
        let steps = [["agency", "add", "X1", "--name", "X1"], ["agency", "add", "X2", "--name", "X2"], ["agency", "add", "X3", "--name", "X3"]]
        for _ in 0..<4 { for s in steps { _ = cli(s + ["--log", other.1]) } }
        try FileManager.default.removeItem(atPath: log)
        try FileManager.default.copyItem(atPath: other.1, toPath: log)
        try writeBytes(log + ".snapshot", stale)
        #expect(answer(log, snapshots) == answer(log, noSnapshots))
        #expect(answer(log, snapshots).stdout == #"{"items":[],"count":0}"# + "\n")
    }

    @Test func aDatedAnswerTakesTheSnapshotsStateOnlyAtALineThatIsTheSnapshots() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        func dated(_ env: [String: String]) -> Outcome {
            cli(["outstanding", "--on-date", "2023-03-15", "--format", "json", "--log", log], env: env)
        }
        _ = answer(log, snapshots)
        let truth = dated(noSnapshots)
        #expect(truth.status == 0 && truth.stdout.contains("MSCP-LCSPR-2023-01/R1/A1"))
        #expect(dated(snapshots) == truth, "resumed at the snapshot's line")
        #expect(cli(["action", "implemented", "MSCP-LCSPR-2023-01/R1/A1", "--on", "2023-03-10", "--evidence", "Done", "--log", log, "--today", "2023-04-12"],
                    env: snapshots).status == 0)
        #expect(dated(snapshots) == dated(noSnapshots), "lines after the snapshot's decided on its state")
        #expect(dated(snapshots).stdout.contains(#""status":"implemented""#), "implemented by that day")
        // Another log of the same length beside the old snapshot: its line is not the snapshot's, so every line is read.
        let stale = readBytes(log + ".snapshot")
        let other = dirWithDifferentContent()
        for i in 0..<18 { _ = cli(["agency", "add", "X\(i)", "--name", "X\(i)", "--log", other.1]) }
        // Decided on the snapshot's state, this line would be refused: 'll' is a member there.
        #expect(cli(["member", "add", "ll", "--name", "LL Chair", "--agency", "MSCP", "--role", "learning-lessons", "--log", other.1]).status == 0)
        try FileManager.default.removeItem(atPath: log)
        try FileManager.default.copyItem(atPath: other.1, toPath: log)
        try writeBytes(log + ".snapshot", stale)
        #expect(dated(snapshots) == dated(noSnapshots))
        #expect(dated(snapshots).stdout == #"{"items":[],"count":0}"# + "\n")
    }

    @Test func aChangedSnapshotLineStopsTheQueryInsteadOfTrustingTheSnapshot() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        _ = answer(log, snapshots)
        var bytes = readBytes(log)
        let last = bytes.dropLast().lastIndex(of: 0x0A)! + 1   // the final line: the snapshot's line
        bytes[last + 10] ^= 0x01
        try writeBytes(log, bytes)
        let out = answer(log, snapshots)
        #expect(out.status == 3)
        #expect(out.stderr.contains("failed its integrity check at line 17"))
    }
}

/// After a snapshot, settled rows (signed-off actions, closed reviews) stay undecoded until asked
/// for; every query must still answer exactly as a full replay does, before and after they change.
@Suite struct SettledRowsTests {
    let snapshots = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "1"]
    let noSnapshots = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "off"]
    let today = ["--today", "2060-01-01", "--actor", "bench-admin"]

    /// A generated log of 3,000 events: hundreds of actions, most of them signed off or withdrawn.
    func generatedLog() throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory()
        let log = dir.path("bench.jsonl")
        let bench = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("casetrail-bench").path
        _ = try runProgram(bench, ["generate", "--events", "3000", "--out", log, "--seed", "11"])
        return (dir, log)
    }

    let queries: [[String]] = [
        ["outstanding", "--format", "json"], ["outstanding", "--group-by", "agency"], ["overdue", "--format", "csv"],
        ["due", "--within", "400"], ["awaiting-signoff", "--format", "json"], ["no-impact-evidence", "--format", "json"],
        ["reviews", "--format", "json"], ["timeliness", "--format", "json"], ["export", "--format", "csv"],
        ["report", "annual", "--year", "2021-22", "--format", "json"],
    ]

    func answers(_ log: String, _ env: [String: String]) -> [Outcome] {
        queries.map { cli($0 + ["--log", log] + today, env: env) }
    }

    @Test func everyQueryAnswersFromASnapshotExactlyAsFromAFullReplay() throws {
        let (dir, log) = try generatedLog()
        defer { withExtendedLifetime(dir) {} }
        let truth = answers(log, noSnapshots)
        #expect(truth.allSatisfy { $0.status == 0 && $0.stdout.count > 20 })
        _ = answers(log, snapshots)   // writes the snapshot
        #expect(FileManager.default.fileExists(atPath: log + ".snapshot"))
        #expect(answers(log, snapshots) == truth)
    }

    @Test func aSettledActionChangedAfterTheSnapshotIsSeenInItsNewState() throws {
        let (dir, log) = try generatedLog()
        defer { withExtendedLifetime(dir) {} }
        // A signed-off action, found from a full replay's export.
        let export = cli(["export", "--format", "csv", "--log", log] + today, env: noSnapshots).stdout
        let signedOff = try #require(export.split(whereSeparator: \.isNewline).first { $0.contains(",signed-off,") })
        let id = String(signedOff.split(separator: ",")[0])
        let show = ["show", id, "--format", "json", "--log", log] + today
        _ = cli(["outstanding", "--log", log] + today, env: snapshots)   // snapshot taken with the action settled
        let listedBefore = cli(["outstanding", "--format", "json", "--log", log] + today, env: snapshots).stdout.contains("\"\(id)\"")
        #expect(!listedBefore, "a signed-off action is not outstanding")
        let reopened = cli(["action", "reopen", id, "--reason", "Audit found the change did not last", "--log", log] + today, env: snapshots)
        #expect(reopened.status == 0, "\(reopened.stderr)")
        let after = cli(["outstanding", "--format", "json", "--log", log] + today, env: snapshots)
        let listedAfter = after.stdout.contains("\"\(id)\"")
        #expect(listedAfter, "the reopened action is outstanding again")
        #expect(after == cli(["outstanding", "--format", "json", "--log", log] + today, env: noSnapshots))
        #expect(cli(show, env: snapshots) == cli(show, env: noSnapshots))
    }

    /// The state after the first `count` events of `log` (all when nil), replayed in full.
    func replayed(_ log: String, first count: Int? = nil, onto start: State = Partnership.initialState, after: Int = 0) throws -> State {
        var state = start
        _ = try EventLog(path: log).read(upTo: count.map { .seq($0) } ?? .all) { record, decoded in
            guard record.seq > after else { return nil }
            Partnership.apply(try! decoded.get(), to: &state)
            return nil
        }
        return state
    }

    func bytes(_ state: State) throws -> [UInt8] { try SnapshotLayout.encode(state) }
    func state(_ bytes: [UInt8]) throws -> State { try SnapshotLayout.decode(SnapshotBytes(bytes), in: bytes.indices, damage: SnapshotDamage()) }

    /// Snapshot rows are decoded lazily, long after the file's format number was checked, so a row
    /// layout changed without a new `EventLog.snapshotFormat` would be misread rather than rejected.
    @Test func theSnapshotLayoutChangesOnlyWithItsFormatNumber() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let digest = SHA256.hex(try bytes(replayed(log)))
        #expect(EventLog.snapshotFormat == 15 && digest == "1984f4c1889fd9b4f06e106ab6a70e01bf02b7b1a4062fc7429ef60d01fb5d98",
                "the snapshot's bytes changed (\(digest)): if the layout changed, bump EventLog.snapshotFormat, then record the new digest here")
    }

    @Test func aStateLoadedFromASnapshotAndChangedSnapshotsExactlyAsTheReplayedOne() throws {
        let (dir, log) = try generatedLog()
        defer { withExtendedLifetime(dir) {} }
        let full = try replayed(log)
        #expect(full.actions.values.filter(\.isSettled).count > 100)
        // Written, read back and written again (stored rows copied as bytes): the same bytes, the same state.
        let loaded = try state(bytes(full))
        #expect(loaded == full)
        #expect(try bytes(loaded) == bytes(full))
        #expect(Set(loaded.actions.unsettled.map(\.id)) == Set(full.actions.values.filter { !$0.isSettled }.map(\.id)))
        // Half the log, snapshotted, read back, then the other half replayed on top (changing stored rows).
        let half = try state(bytes(replayed(log, first: 1500)))
        let resumed = try replayed(log, onto: half, after: 1500)
        #expect(resumed == full)
        #expect(try bytes(resumed) == bytes(full))
        #expect(try state(bytes(resumed)) == full)
    }
}

/// The byte-level reader against Foundation's JSONDecoder, on thousands of real lines.
@Suite struct FastReaderTests {
    /// Lines of a generated benchmark log, the demo log and the catalogue's examples: every event type.
    static func corpus() throws -> [[UInt8]] {
        let dir = try TemporaryDirectory()
        let generated = dir.path("bench.jsonl")
        let bench = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("casetrail-bench").path
        _ = try runProgram(bench, ["generate", "--events", "4000", "--out", generated, "--seed", "3"])
        var lines = try String(contentsOfFile: generated, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        lines += try String(contentsOfFile: DemoLogTests.demo, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        for block in DemoLogTests.catalogue.components(separatedBy: "```json\n").dropFirst() {
            lines.append(Array(block.components(separatedBy: "\n```")[0].utf8))
        }
        return lines
    }

    @Test func replayReadsEveryPayloadFromItsBytesAsFoundationReadsIt() throws {
        let dir = try TemporaryDirectory()
        let generated = dir.path("bench.jsonl")
        let bench = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("casetrail-bench").path
        _ = try runProgram(bench, ["generate", "--events", "4000", "--out", generated, "--seed", "5"])
        var compared = 0
        for path in [generated, DemoLogTests.demo] {
            // As replay reads them: the store checks and indexes each payload, the core picks its fields.
            var replayed: [DecodedEvent] = []
            let scan = try EventLog(path: path).read { _, event in replayed.append(event); return nil }
            #expect(scan.problems.isEmpty)
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == replayed.count)
            for (line, fast) in zip(lines, replayed) {
                let envelope = try JSONDecoder().decode(LogEnvelope.self, from: Data(line.utf8))
                let slow = Result { () throws(EventDecodingError) in try Event.decode(type: envelope.type, schema: envelope.schema, data: envelope.data) }
                #expect(fast == slow)
                #expect((try? fast.get()) != nil)
                compared += 1
            }
        }
        #expect(compared > 4000)
    }

    @Test func theFastReaderAndCodableAgreeOnEveryEvent() throws {
        let lines = try Self.corpus()
        #expect(lines.count > 4000)
        var types = Set<String>()
        for line in lines {
            let (record, payload, problem) = LogLine.read(line)
            // The demo's redacted note no longer gives its hash (its redaction, later, vouches for it).
            #expect(problem == nil || problem == LogLine.changedProblem && String(decoding: line, as: UTF8.self).contains("[redacted]"))
            let envelope = try JSONDecoder().decode(LogEnvelope.self, from: Data(line))
            guard let r = record, let data = payload else { continue }
            #expect(r.seq == envelope.seq && r.stream == envelope.stream && r.version == envelope.version)
            #expect(r.type == envelope.type && r.schema == envelope.schema && r.actor == envelope.actor)
            #expect(r.recordedAt.description == envelope.recorded_at && r.prev == envelope.prev && r.hash == envelope.hash)
            #expect(data.sameContent(as: envelope.data))
            let fast = try Event.decode(type: r.type, schema: r.schema, data: data)
            let slow = try Event.decode(type: envelope.type, schema: envelope.schema, data: envelope.data)
            #expect(fast == slow)
            types.insert(r.type)
        }
        #expect(types == Set(Event.currentSchema.keys))
    }

    @Test(arguments: [
        "", "not json", #"{"seq":1}"#, #"{"seq":1,"stream":"s","version":1,"type":"t","schema":1,"recorded_at":"2023-01-01T00:00:00.000Z","actor":"a","data":{},"prev":"x","hash":"y""#,
        #"[1,2,3]"#, #"{"seq":"1","stream":"s","version":1,"type":"t","schema":1,"recorded_at":"2023-01-01T00:00:00.000Z","actor":"a","data":{},"prev":"p","hash":"h"}"#,
        #"{"seq":1,"stream":"s","version":1,"type":"t","schema":1,"recorded_at":"2023-01-01T00:00:00.000Z","actor":"a","data":{},"prev":12,"hash":"h"}"#,
        #"{"seq":1,"stream":"s","version":1,"type":"t","schema":1,"recorded_at":"2023-01-01T00:00:00.000Z","actor":"a","data":{},"prev":"p","hash":null}"#,
    ])
    func malformedLinesAreRejectedByBoth(_ text: String) {
        let (record, _, problem) = LogLine.read(Array(text.utf8))
        #expect(record == nil && problem != nil)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(LogEnvelope.self, from: Data(text.utf8)) }
    }

    @Test func anEnvelopeLaidOutOtherwiseIsReadAlikeThoughItsHashNoLongerMatches() throws {
        // casetrail writes one layout and reads it by position; any other JSON layout of the same
        // members is read by name, to the same values (its bytes changed, so its hash does not match).
        for line in try Self.corpus().prefix(300) {
            let (record, payload, problem) = LogLine.read(line)
            // The demo's redacted note no longer gives its hash (its redaction, later, vouches for it).
            #expect(problem == nil || problem == LogLine.changedProblem && String(decoding: line, as: UTF8.self).contains("[redacted]"))
            guard let original = record, case .object(let members) = try JSONValue.parse(String(decoding: line, as: UTF8.self)) else { continue }
            let spaced = " {  " + members.map { "\"\($0.key)\" :  \($0.value.compactText)" }.joined(separator: " ,\n ") + " } "
            let reordered = "{" + members.reversed().map { "\"\($0.key)\":\($0.value.compactText)" }.joined(separator: ",") + "}"
            let extra = "{\"note\":[1,{\"seq\":2}]," + members.map { "\"\($0.key)\":\($0.value.compactText)" }.joined(separator: ",")
                + ",\"extra\":true}"
            for variant in [spaced, reordered, extra] {
                let (read, readPayload, why) = LogLine.read(Array(variant.utf8))
                #expect(read?.seq == original.seq && read?.stream == original.stream && read?.version == original.version)
                #expect(read?.type == original.type && read?.schema == original.schema && read?.recordedAt == original.recordedAt)
                #expect(read?.actor == original.actor && readPayload == payload && read?.batch == original.batch)
                #expect(read?.prev == original.prev && read?.hash == original.hash)
                #expect(why != nil)
            }
        }
    }

    @Test func aMemberRepeatedAnywhereInALineIsAProblemNamingIt() throws {
        // casetrail used to read the first of two, jq and Python read the last: now no reader takes either.
        let line = String(decoding: try Self.corpus()[10], as: UTF8.self)
        let dataAt = line.range(of: "\"data\":{")!.upperBound
        let variants = [
            line.replacingOccurrences(of: "{\"seq\":", with: "{\"seq\":1,\"seq\":"),                      // in the envelope
            String(line[..<dataAt]) + "\"code\":\"X\"," + String(line[dataAt...]),                           // in the payload
            String(line[..<dataAt]) + "\"c\\u006fde\":\"X\"," + String(line[dataAt...]),                   // spelled with an escape
            String(line[..<dataAt]) + "\"n\":{\"a\":1,\"a\":2}," + String(line[dataAt...]),                // in a nested object
            line.replacingOccurrences(of: "{\"seq\":", with: "{\"note\":1,\"note\":2,\"seq\":"),          // an unknown member
        ]
        for variant in variants {
            let (record, _, problem) = LogLine.read(Array(variant.utf8))
            #expect(problem?.contains("appears twice in one object") == true, "\(variant.prefix(120)): \(problem ?? "no problem")")
            #expect(record == nil || problem != nil)
        }
        #expect(throws: JSONError.self) { try JSONValue.parse(#"{"a":1,"b":{"c":2,"c":3}}"#) }
        #expect(try JSONValue.parse(#"{"a":1,"b":{"a":2}}"#)["b"]?["a"] == 2, "the same name in another object is fine")
    }

    @Test func aFlippedByteIsAProblemForTheFastReaderEvenWhereJSONStillParses() throws {
        let line = try Self.corpus()[10]
        var changed = line
        let i = changed.firstIndex(of: UInt8(ascii: "A"))!   // inside a payload string
        changed[i] = UInt8(ascii: "B")
        #expect(LogLine.read(changed).problem == "hash mismatch: the line was changed after it was written")
        #expect((try? JSONDecoder().decode(LogEnvelope.self, from: Data(changed))) != nil)
    }
}

extension SettledRowsTests {
    @Test func aReviewVoidedAfterTheSnapshotLeavesEveryAnswerAsAFullReplayGivesIt() throws {
        let (dir, log) = try generatedLog()
        defer { withExtendedLifetime(dir) {} }
        // A review with its report received (and so its recommendations and actions), kept in the snapshot.
        let reviews = try JSONValue.parse(cli(["reviews", "--format", "json", "--log", log] + today, env: noSnapshots).stdout)
        guard case let .array(list)? = reviews["reviews"] else { Issue.record("no reviews"); return }
        let closed = try #require(list.first { $0["status"] == .string("report-received") }?["ref"])
        guard case let .string(ref) = closed else { return }
        let exportedBefore = answers(log, snapshots)[8].stdout   // and the snapshot, taken with the review in it
        #expect(exportedBefore.contains("\n\(ref)/"), "the review has actions to go with it")
        let void = cli(["void", ref, "--reason", "Opened twice", "--with-dependents", "--log", log] + today, env: snapshots)
        #expect(void.status == 0, "\(void.stderr)")
        let truth = answers(log, noSnapshots)
        #expect(answers(log, snapshots) == truth)
        #expect(!truth[6].stdout.contains("\"\(ref)\""), "the voided review is not listed")
        #expect(!truth[8].stdout.contains("\n\(ref)/"), "nor are its actions exported")
        #expect(cli(["verify", "--log", log], env: snapshots).status == 0)
    }
}

/// Every command answers alike whether a snapshot is used or not, on the demo log and a generated
/// one, and stays alike while the log moves on past the snapshot: an append, a void, a redaction.
@Suite struct SnapshotEquivalenceTests {
    let snapshots = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "1"]
    let noSnapshots = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "off"]

    /// One log and the names in it the commands ask about.
    struct Subject {
        let log: String
        let review: String, action: String, year: String, today: String, admin: String
        /// More reviews or actions to show and give the history of: a plan's, a carried-forward action.
        var more: [String] = []
    }

    func commands(_ s: Subject) -> [[String]] {
        ([["outstanding", "--format", "json"], ["outstanding", "--group-by", "agency", "--format", "json"], ["overdue", "--format", "csv"],
         ["due", "--within", "400", "--format", "json"], ["awaiting-signoff", "--format", "json"], ["no-impact-evidence", "--format", "json"],
         ["reviews", "--format", "json"], ["members", "--format", "json"], ["agencies", "--format", "json"], ["timeliness", "--format", "json"],
         ["timeliness", "--year", s.year, "--format", "json"], ["show", s.review, "--format", "json"], ["show", s.action, "--format", "json"],
         ["history", s.review, "--format", "json"], ["history", s.action, "--format", "json"], ["history", "--since", "2019-01-01", "--format", "json"],
         ["history", "--since", "seq:40", "--format", "json"], ["history", "--since", "2099-01-01", "--format", "json"],
         ["checkpoint"], ["checkpoint", "--format", "json", "--as-of", "seq:5"], ["report", "annual", "--year", s.year, "--format", "json"], ["report", "meeting", "--for", "executive", "--format", "json"],
         ["report", "meeting", "--for", "executive", "--since", "seq:40", "--format", "json"], ["report", "meeting", "--for", "executive", "--since", "seq:40"],
         ["export", "--format", "csv"], ["export", "--format", "json"],
         // One review's actions: few enough that each review and recommendation is searched for, not read whole.
         ["export", "--review", s.review, "--format", "csv"], ["outstanding", "--review", s.review, "--format", "json"]]
            + s.more.flatMap { [["show", $0, "--format", "json"], ["history", $0, "--format", "json"]] })
            .map { $0 + ["--log", s.log, "--today", s.today] }
    }

    /// Each command's answer from a full replay, and (asked twice: the first may write the snapshot) from the snapshot.
    func expectAlike(_ s: Subject, _ stage: String) throws {
        for command in commands(s) {
            let truth = try exec(command, env: noSnapshots)
            #expect(truth.status == 0 && truth.stdout.count > 10, "\(stage): \(command) \(truth.stderr)")
            #expect(try exec(command, env: snapshots) == truth, "\(stage): \(command) differs with a snapshot")
            #expect(try exec(command, env: snapshots) == truth, "\(stage): \(command) differs from the snapshot written")
        }
        #expect(FileManager.default.fileExists(atPath: s.log + ".snapshot"), "\(stage): the snapshot was used")
        #expect(FileManager.default.fileExists(atPath: s.log + ".lines"), "\(stage): and its line index")
    }

    /// Moves the log on past its snapshot three ways, comparing every answer after each.
    func appendVoidAndRedact(_ s: Subject) throws {
        func record(_ args: [String]) throws -> Int {
            let out = try exec(args + ["--log", s.log, "--actor", s.admin, "--today", s.today], env: snapshots)
            #expect(out.status == 0, "\(args): \(out.stderr)")
            return readBytes(s.log).split(separator: 0x0A).count
        }
        try expectAlike(s, "as it is")
        let first = try record(["action", "update", s.action, "--note", "Progress reported to the group", "--rag", "amber"])
        try expectAlike(s, "after an append")
        _ = try record(["action", "update", s.action, "--note", "Pilot with Jordan Examplename's family", "--rag", "green"])
        _ = try record(["void", "seq:\(first)", "--reason", "Recorded against the wrong action"])
        try expectAlike(s, "after a void")
        _ = try record(["redact", "seq:\(first + 1)", "--field", "note", "--reason", "A child's full name"])
        try expectAlike(s, "after a redaction")
    }

    @Test func aCheckpointOfNothingSaysToGiveALaterAsOf() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("demo.jsonl")
        try FileManager.default.copyItem(atPath: DemoLogTests.demo, toPath: log)
        let out = try exec(["checkpoint", "--as-of", "seq:0", "--log", log], env: snapshots)
        #expect(out.status == 1)
        #expect(out.stderr.contains("Nothing had been recorded by that point (--as-of seq:0)") && out.stderr.contains("seq:1"), "\(out.stderr)")
        #expect(try exec(["checkpoint", "--as-of", "seq:1", "--log", log], env: snapshots).stdout.hasPrefix("casetrail-checkpoint MSCP seq=1 "))
    }

    @Test func aLineChangedUnderTheIndexCannotMoveWhereHistorySinceBegins() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("bench.jsonl")
        let bench = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("casetrail-bench").path
        _ = try runProgram(bench, ["generate", "--events", "3000", "--out", log, "--seed", "11"])
        // From line 1000's time. Line 1510 is the halving's first probe (of 3,019 lines): made to say it was
        // recorded long before, an unchecked probe would start the history after it, leaving out 1000-1510.
        let since = ["history", "--since", "2019-01-01T11:49:27.723Z", "--format", "json", "--log", log]
        #expect(try exec(since, env: noSnapshots).stdout.hasPrefix("{\"events\":[{\"seq\":1000,"), "line 1000 first")
        _ = try exec(["outstanding", "--log", log, "--today", "2060-01-01"], env: snapshots)   // writes the snapshot and its index
        #expect(FileManager.default.fileExists(atPath: log + ".lines"))
        var lines = readBytes(log).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        #expect(lines.count == 3_020, "3,019 lines and the empty end")
        let probe = String(decoding: lines[1509], as: UTF8.self)
        let recorded = try #require(probe.firstRange(of: "\"recorded_at\":\"2019-01-01T"))
        #expect(probe.hasPrefix("{\"seq\":1510,"))
        lines[1509] = Array(probe.replacingCharacters(in: recorded.upperBound..<probe.index(recorded.upperBound, offsetBy: 12), with: "00:00:00.000").utf8)
        try writeBytes(log, Array(lines.joined(separator: [0x0A])))
        let out = try exec(since, env: snapshots)
        #expect(out.status == 3, "the changed line is found and named, not stepped over: \(out.stdout.prefix(200)) \(out.stderr)")
        #expect(out.stderr.contains("1510"), "\(out.stderr)")
    }

    /// The snapshot's blocks are checked only as they are read: a damaged one is noticed by the query
    /// that reads it, which is answered from the log instead, and the snapshot is written anew.
    @Test func aSnapshotBlockDamagedUnderItsSealIsNoticedByTheQueryThatReadsIt() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("bench.jsonl")
        let bench = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("casetrail-bench").path
        _ = try runProgram(bench, ["generate", "--events", "3000", "--out", log, "--seed", "11"])
        let outstanding = ["outstanding", "--format", "json", "--log", log, "--today", "2060-01-01"]
        let truth = try exec(outstanding, env: noSnapshots)
        let actions = try JSONValue.parse(truth.stdout)["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? []
        _ = try exec(outstanding, env: snapshots)   // writes the snapshot
        var bytes = readBytes(log + ".snapshot")
        #expect(bytes.count > 8 << 14, "a snapshot of several blocks")
        let good = bytes
        // An action whose row lies in a block the load does not read: the last copy of its reference
        // in the file (in its entry's key or row), one letter changed.
        func damaged(_ ref: String) throws -> Bool {
            let text = Array(ref.utf8)
            guard let at = (0...(good.count - text.count)).last(where: { (i: Int) -> Bool in good[i] == text[0] && Array(good[i..<(i + text.count)]) == text }) else { return false }
            bytes = good
            bytes[at + 2] ^= 0x01
            try writeBytes(log + ".snapshot", bytes)
            return EventLog(path: log).loadSnapshot(damage: SnapshotDamage()) != nil
        }
        let action = try #require(try actions.first(where: damaged), "the seal and the blocks a load reads still hold")
        let show = ["show", action, "--format", "json", "--log", log, "--today", "2060-01-01"]
        let shown = try exec(show, env: noSnapshots)
        #expect(shown.status == 0)
        #expect(try exec(show, env: snapshots) == shown, "the action as the log has it, not as the damaged row says")
        let replaced = readBytes(log + ".snapshot") != bytes
        #expect(replaced, "the damaged snapshot was replaced")
        #expect(try exec(show, env: snapshots) == shown)
        #expect(try exec(outstanding, env: snapshots) == truth)
    }

    /// The line index's table is checked block by block too: a damaged block stops any selection that
    /// needs it (the whole log is read instead), while the parts that still hold are used.
    @Test func aLineIndexBlockDamagedUnderItsSealStopsOnlyWhatReadsIt() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("bench.jsonl")
        let bench = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("casetrail-bench").path
        _ = try runProgram(bench, ["generate", "--events", "3000", "--out", log, "--seed", "11"])
        let checkpoint = ["checkpoint", "--log", log]
        let truth = try exec(checkpoint, env: noSnapshots)
        _ = try exec(["outstanding", "--log", log, "--today", "2060-01-01"], env: snapshots)   // writes the snapshot and its index
        let store = EventLog(path: log)
        let position = try #require(store.loadSnapshot(damage: SnapshotDamage())?.position)
        let everyType = LineSelection(streams: [], types: Set(EventType.allCases))
        #expect(store.selectedLines(everyType, through: position) != nil)
        // The last byte the seal covers: the end of the last key's list (keys sorted, types after streams).
        var bytes = readBytes(store.lineIndexPath)
        let sealedEnd = bytes.count - position.seq * LineIndex.entrySize
        let content = bytes[(sealedEnd - 16)..<(sealedEnd - 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(content > 2 << 14, "a table of several blocks")
        bytes[content - 1] ^= 0x01
        try writeBytes(store.lineIndexPath, bytes)
        #expect(store.selectedLines(everyType, through: position) == nil, "a selection that reads the damaged block is refused")
        let first = try #require(try JSONValue.parse(try exec(["reviews", "--format", "json", "--log", log], env: noSnapshots).stdout)["reviews"]?.arrayValue?.first?["ref"]?.stringValue)
        let lines = store.selectedLines(LineSelection(streams: Set(Event.streams(about: first))), through: position)
        #expect(lines?.isEmpty == false, "one that does not is answered")
        #expect(try exec(checkpoint, env: snapshots) == truth, "the Merkle frontier, in a block that holds, still gives the checkpoint")
        let history = ["history", "--since", "2000-01-01", "--format", "json", "--log", log]
        #expect(try exec(history, env: snapshots) == (try exec(history, env: noSnapshots)))
    }

    @Test func theDemoLogAnswersAlikeWithAndWithoutItsSnapshotThroughAppendsVoidsAndRedactions() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("demo.jsonl")
        try FileManager.default.copyItem(atPath: DemoLogTests.demo, toPath: log)
        try appendVoidAndRedact(Subject(log: log, review: "MSCP-EXT-2023-01", action: "MSCP-EXT-2023-01/R2/A1", year: "2022-23", today: "2023-07-01", admin: "bm",
                                               more: ["MSCB-BP-2014-17", "MSCB-BP-2017-18/P1/1.1", "MSCB-BP-2014-17/P1/1.1"]))
    }

    @Test func aGeneratedLogAnswersAlikeWithAndWithoutItsSnapshotThroughAppendsVoidsAndRedactions() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("bench.jsonl")
        let bench = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("casetrail-bench").path
        _ = try runProgram(bench, ["generate", "--events", "3000", "--out", log, "--seed", "11"])
        let outstanding = try JSONValue.parse(try exec(["outstanding", "--format", "json", "--log", log, "--today", "2060-01-01"], env: noSnapshots).stdout)
        let item = try #require(outstanding["items"]?.arrayValue?.first { $0["action"]?.stringValue != nil })
        let action = try #require(item["action"]?.stringValue), review = try #require(item["review"]?.stringValue)
        try appendVoidAndRedact(Subject(log: log, review: review, action: action, year: "2021-22", today: "2060-01-01", admin: "bench-admin"))
    }
}
