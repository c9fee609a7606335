import Foundation
import CaseTrailTestSupport
import Testing
import CaseTrailCore
@testable import CaseTrailStore

let t0 = Timestamp("2023-04-03T09:00:00.000Z")!

func event(_ n: Int, stream: String = "agency-A") -> NewEvent {
    NewEvent(stream: stream, type: "agency_added", schema: 1, data: .object(["code": .string("A\(n)"), "name": .string("Agency \(n) \u{00e9}")]))
}

/// Appends events one command at a time, as the ledger does: read and check the log, then append
/// after the position read, expecting the versions seen there.
@discardableResult
func append(_ log: EventLog, _ events: [NewEvent], at time: Timestamp = t0) throws -> Appended {
    let scan = try log.read { _, _ in nil }
    guard scan.problems.isEmpty else { throw StoreError.integrity(path: log.path, problems: scan.problems) }
    var expected: [String: Int] = [:]
    for e in events { expected[e.stream] = scan.streamVersions[e.stream] ?? 0 }
    return try log.append(lines: events, actor: "ann", now: time, after: scan.position, expected: expected)
}

func records(_ log: EventLog, upTo limit: ReadLimit = .all) throws -> (records: [LogRecord], scan: LogScan) {
    var out: [LogRecord] = []
    let scan = try log.read(upTo: limit) { record, _ in out.append(record); return nil }
    return (out, scan)
}

/// The agency codes of the `agency_added` lines of a log, as replay decodes them.
func codes(_ log: EventLog) throws -> [String?] {
    var out: [String?] = []
    _ = try log.read { _, decoded in
        if case .success(.agencyAdded(let code, _, _)) = decoded { out.append(code) } else { out.append(nil) }
        return nil
    }
    return out
}

@Suite struct EventLogTests {
    @Test func aNewLogHoldsItsFirstEventsChainedFromZeros() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("events/p.jsonl"))
        try log.create(lines: [event(1), event(2, stream: "agency-B")], actor: "ann", now: t0)
        let (recs, scan) = try records(log)
        #expect(recs.map(\.seq) == [1, 2])
        #expect(recs.map(\.version) == [1, 1])
        #expect(recs[0].prev == genesisHash)
        #expect(recs[1].prev == recs[0].hash)
        #expect(scan.problems.isEmpty)
        #expect(scan.head?.hash == recs[1].hash)
        let text = String(decoding: readBytes(log.path), as: UTF8.self)
        #expect(text.hasPrefix(#"{"seq":1,"stream":"agency-A","version":1,"type":"agency_added","schema":1,"recorded_at":"2023-04-03T09:00:00.000Z","actor":"ann","data":{"code":"A1","name":"Agency 1 é"},"batch":2,"prev":"0000000000000000000000000000000000000000000000000000000000000000","hash":""#))
        #expect(text.hasSuffix("\"}\n"))
    }

    @Test func theHashCoversThePreviousHashAndTheLineWithoutItsHashMember() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        let line = String(decoding: readBytes(log.path).dropLast(), as: UTF8.self)
        let cut = line.range(of: ",\"hash\":\"")!
        let body = String(line[..<cut.lowerBound]) + "}"
        let expected = SHA256.hex(Array((genesisHash + body).utf8))
        #expect(line.hasSuffix("\"hash\":\"\(expected)\"}"))
    }

    @Test func aNewLogIsPrivateUnlessShared() throws {
        let dir = try TemporaryDirectory()
        let a = EventLog(path: dir.path("a.jsonl")), b = EventLog(path: dir.path("b.jsonl"))
        try a.create(lines: [event(1)], actor: "ann", now: t0)
        try b.create(lines: [event(1)], actor: "ann", now: t0, sharedGroup: true)
        let modeA = try FileManager.default.attributesOfItem(atPath: a.path)[.posixPermissions] as? Int
        let modeB = try FileManager.default.attributesOfItem(atPath: b.path)[.posixPermissions] as? Int
        #expect(modeA == 0o600)
        #expect(modeB == 0o660)
    }

    @Test func creatingOverAnExistingLogIsRefusedAndChangesNothing() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        let before = readBytes(log.path)
        #expect(throws: StoreError.exists(log.path)) { try log.create(lines: [event(2)], actor: "ann", now: t0) }
        #expect(readBytes(log.path) == before)
    }

    @Test func anEmptyFileLeftByACrashedInitIsTakenOver() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try writeBytes(log.path, [])
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        #expect(try records(log).records.map(\.seq) == [1])
        let modes = try FileManager.default.attributesOfItem(atPath: log.path)[.posixPermissions] as? Int
        #expect(modes == 0o600)
    }

    @Test func appendsContinueTheSequenceStreamVersionsAndChain() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        try append(log, [event(2), event(3, stream: "agency-B")])
        try append(log, [event(4)])
        let (recs, scan) = try records(log)
        #expect(recs.map(\.seq) == [1, 2, 3, 4])
        #expect(recs.map(\.version) == [1, 2, 1, 3])
        #expect(scan.problems.isEmpty)
        #expect(zip(recs.dropFirst(), recs).allSatisfy { $0.prev == $1.hash })
    }

    @Test func recordedTimeNeverGoesBackwards() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        try append(log, [event(2)], at: Timestamp("2020-01-01T00:00Z")!)   // a clock set wrong
        #expect(try records(log).records.map(\.recordedAt) == [t0, t0])
    }

    @Test func aReadCanStopAtASeqOrATime() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        try append(log, [event(2)], at: t0.adding(milliseconds: 60_000))
        try append(log, [event(3)], at: t0.adding(milliseconds: 120_000))
        #expect(try records(log, upTo: .seq(2)).records.map(\.seq) == [1, 2])
        #expect(try records(log, upTo: .recordedBy(t0.adding(milliseconds: 60_000))).records.map(\.seq) == [1, 2])
        #expect(try records(log, upTo: .recordedBy(t0.adding(milliseconds: -1))).records.isEmpty)
    }

    @Test func anEmptyBatchAppendsNothing() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        let before = readBytes(log.path)
        #expect(try append(log, []).records.isEmpty)
        #expect(readBytes(log.path) == before)
    }

    @Test func aStreamNotAtTheVersionTheDecisionSawIsAConflict() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        let scan = try log.read { _, _ in nil }
        let before = readBytes(log.path)
        #expect(throws: StoreError.versionConflict(stream: "agency-A", expected: 0, found: 1)) {
            try log.append(lines: [event(2)], actor: "ann", now: t0, after: scan.position, expected: ["agency-A": 0])
        }
        #expect(readBytes(log.path) == before)
    }

    @Test func anAppendDecidedBeforeAnotherCommandGotInIsRefused() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        let decidedAt = try log.read { _, _ in nil }.position
        try append(log, [event(2, stream: "agency-B")])   // another process, another stream
        let before = readBytes(log.path)
        #expect(throws: StoreError.movedOn(decidedAt: 1, head: 2)) {
            try log.append(lines: [event(3)], actor: "ann", now: t0, after: decidedAt, expected: ["agency-A": 1])
        }
        #expect(throws: StoreError.versionConflict(stream: "agency-B", expected: 0, found: 1)) {
            try log.append(lines: [event(3, stream: "agency-B")], actor: "ann", now: t0, after: decidedAt, expected: ["agency-B": 0])
        }
        #expect(readBytes(log.path) == before)
        // Read again, the same append goes through.
        let now = try log.read { _, _ in nil }.position
        #expect(try log.append(lines: [event(3)], actor: "ann", now: t0, after: now, expected: ["agency-A": 1]).records.map(\.seq) == [3])
    }

    @Test func anAppendAfterALineThatWasReplacedIsRefused() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        let decidedAt = try log.read { _, _ in nil }.position
        // The log is replaced by another of the same length whose line has another hash.
        let other = EventLog(path: dir.path("q.jsonl"))
        try other.create(lines: [event(1)], actor: "bob", now: t0)
        try writeBytes(log.path, readBytes(other.path))
        #expect(throws: StoreError.snapshotMismatch) {
            try log.append(lines: [event(2)], actor: "ann", now: t0, after: decidedAt, expected: ["agency-A": 1])
        }
    }

    @Test func everyFlippedByteIsFoundOnItsLine() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        try append(log, [event(2)])
        try append(log, [event(3)])
        let good = readBytes(log.path)
        let lineStarts = [0] + good.indices.filter { good[$0] == 0x0A }.map { $0 + 1 }.dropLast()
        // Flip one bit of every byte of line 2 in turn, newline aside.
        let start = lineStarts[1], end = lineStarts[2] - 1
        for i in start..<end {
            var bad = good
            bad[i] ^= 0x01
            try writeBytes(log.path, bad)
            let scan = try log.read { _, _ in nil }
            #expect(scan.problems.first?.line == 2, "byte \(i - start) of line 2: \(scan.problems)")
            #expect(throws: StoreError.self) { try append(log, [event(9)]) }
            #expect(readBytes(log.path) == bad)
        }
    }

    @Test func aMissingLineIsASeqGap() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1), event(2), event(3)], actor: "ann", now: t0)
        var lines = String(decoding: readBytes(log.path), as: UTF8.self).split(separator: "\n")
        lines.remove(at: 1)
        try writeBytes(log.path, Array((lines.joined(separator: "\n") + "\n").utf8))
        let scan = try log.read { _, _ in nil }
        #expect(scan.problems.map(\.line) == [1, 2, 2, 2])
        #expect(scan.problems[0].problem == "the line says one command wrote 3 lines together, but line 2 is not one of them")
        #expect(scan.problems[1].problem.contains("seq is 3 where 2 was expected"))
    }

    @Test func aLineThatIsNotJSONIsNamed() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        try writeBytes(log.path, readBytes(log.path) + Array("hello\n".utf8))
        let scan = try log.read { _, _ in nil }
        #expect(scan.problems == [LineProblem(line: 2, problem: "the line is not valid JSON (unexpected character at byte 1)")])
    }

    @Test func aReplayProblemIsReportedOnItsLine() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1), event(2)], actor: "ann", now: t0)
        let scan = try log.read { record, _ in record.seq == 2 ? "unknown event type" : nil }
        #expect(scan.problems == [LineProblem(line: 2, problem: "unknown event type")])
    }

    @Test func aTornTailIsIgnoredByReadersAndQuarantinedByTheNextWrite() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        let good = readBytes(log.path)
        let torn = Array(#"{"seq":2,"stream":"agency-A","ver"#.utf8)
        try writeBytes(log.path, good + torn)
        let (recs, scan) = try records(log)
        #expect(recs.count == 1)
        #expect(scan.problems.isEmpty)
        #expect(scan.torn == LogScan.TornTail(line: 2, offset: good.count, bytes: torn))
        let result = try append(log, [event(2)])
        #expect(result.quarantined == log.path + ".torn-2")
        #expect(readBytes(log.path + ".torn-2") == torn)
        let after = try records(log)
        #expect(after.records.map(\.seq) == [1, 2])
        #expect(after.scan.problems.isEmpty && after.scan.torn == nil)
        #expect(Array(readBytes(log.path).prefix(good.count)) == good)
    }

    @Test func aCommandsLinesAreTornTogetherWhenTheLastDidNotReachTheDisk() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        let good = readBytes(log.path)
        try append(log, [event(2), event(3, stream: "agency-B")])   // one command, two lines
        let full = readBytes(log.path)
        let secondLineEnd = full.indices.filter { full[$0] == 0x0A }[1] + 1
        // A power cut: the command's first line reached the disk, its second did not.
        try writeBytes(log.path, Array(full[..<(secondLineEnd + 20)]))
        let (recs, scan) = try records(log)
        #expect(recs.map(\.seq) == [1])
        #expect(scan.problems.isEmpty)
        #expect(scan.torn?.offset == good.count)
        #expect(scan.torn?.line == 2)
        let result = try append(log, [event(4)])
        #expect(result.quarantined == log.path + ".torn-2")
        #expect(readBytes(log.path + ".torn-2") == Array(full[good.count..<(secondLineEnd + 20)]))
        #expect(try records(log).records.map(\.seq) == [1, 2])
        #expect(try codes(log) == ["A1", "A4"])
    }

    @Test func aBatchMarkerIsOnlyOnTheFirstLineOfASeveralLineCommand() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1), event(2)], actor: "ann", now: t0)
        try append(log, [event(3)])
        let (recs, scan) = try records(log)
        #expect(recs.map(\.batch) == [2, nil, nil])
        #expect(scan.problems.isEmpty && scan.torn == nil)
        #expect(String(decoding: readBytes(log.path), as: UTF8.self).components(separatedBy: "\"batch\":2,\"prev\"").count == 2)
    }

    @Test func aBatchMarkerThatDoesNotFitItsLinesIsAProblem() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("p.jsonl")
        let (l1, h1) = LogLine.encode(seq: 1, version: 1, event: event(1), recordedAt: t0, actor: "ann", prev: genesisHash, batch: 2)
        let (l2, _) = LogLine.encode(seq: 2, version: 2, event: event(2), recordedAt: t0.adding(milliseconds: 5), actor: "bob", prev: h1)
        try writeBytes(path, l1 + l2)
        let scan = try EventLog(path: path).read { _, _ in nil }
        #expect(scan.problems == [LineProblem(line: 1, problem: "the line says one command wrote 2 lines together, but line 2 is not one of them")])
    }

    @Test func initTakesOverAFileHoldingOnlyATornFirstCommand() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1), event(2)], actor: "ann", now: t0)
        let full = readBytes(log.path)
        let firstLineEnd = full.firstIndex(of: 0x0A)! + 1
        try writeBytes(log.path, Array(full[..<(firstLineEnd + 10)]))
        #expect(try records(log).records.isEmpty)
        try log.create(lines: [event(7)], actor: "ann", now: t0)
        #expect(readBytes(log.path + ".torn-1") == Array(full[..<(firstLineEnd + 10)]))
        #expect(try codes(log) == ["A7"])
        #expect(throws: StoreError.exists(log.path)) { try log.create(lines: [event(8)], actor: "ann", now: t0) }
    }

    @Test func aWorldWritableLogIsRefused() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        chmod(log.path, 0o666)
        #expect(throws: StoreError.worldWritable(log.path)) { try log.read { _, _ in nil } }
        #expect(throws: StoreError.worldWritable(log.path)) { try append(log, [event(2)]) }
    }

    @Test func aMissingLogSaysHowToCreateOne() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("none.jsonl"))
        #expect(throws: StoreError.missing(log.path)) { try log.read { _, _ in nil } }
        #expect(StoreError.missing(log.path).description.contains("casetrail init"))
    }

    @Test func everyLineTheWriterMakesIsReadByPositionAsWellAsByName() {
        // The position reader is the fast path; if writer and reader drifted apart, every line would
        // quietly fall back to the slower reader by name.
        for batch in [nil, 3] {
            let (bytes, _) = LogLine.encode(seq: 7, version: 2, event: event(7), recordedAt: t0, actor: "ann", prev: genesisHash, batch: batch)
            let line = Array(bytes.dropLast())
            line.withUnsafeBufferPointer { b in
                var index = JSONObjectIndex()
                let fast = withUnsafeMutablePointer(to: &index) { Envelope.parseAsWritten(b, payloadIndex: $0) }
                let general = withUnsafeMutablePointer(to: &index) { Envelope.parseAnyLayout(b, payloadIndex: $0) }
                #expect(fast != nil && general != nil)
                #expect(fast?.seq == 7 && fast?.version == 2 && fast?.stream == "agency-A" && fast?.batch == batch)
                #expect(fast?.recordedAt == general?.recordedAt && fast?.hash == general?.hash && fast?.dataText == general?.dataText)
            }
            #expect(LogLine.read(line).problem == nil)
        }
    }

    @Test func aLogReadInManySmallChunksGivesWhatOneChunkGives() throws {
        // Small chunks put line ends, several-line commands, a damaged line and a torn tail at every
        // place relative to a chunk's edge, with many chunks read ahead of the replay.
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(0)], actor: "ann", now: t0)
        for n in 1..<150 {
            if n % 7 == 0 {
                try append(log, [event(n, stream: "agency-B\(n)"), event(n + 1000, stream: "agency-C\(n)"), event(n + 2000)])
            } else {
                try append(log, [event(n)])
            }
        }
        var damaged = try Data(contentsOf: URL(fileURLWithPath: log.path))
        let name = damaged.range(of: Data("Agency 75 ".utf8))!
        damaged[name.lowerBound + 8] = UInt8(ascii: "6")   // one line's payload, so one problem
        damaged.append(contentsOf: Array(#"{"seq":999,"stream":"agen"#.utf8))
        let copy = EventLog(path: dir.path("damaged.jsonl"))
        try damaged.write(to: URL(fileURLWithPath: copy.path))
        for original in [log, copy] {
            let whole = try records(original)
            #expect(whole.records.count > 150)
            for size in [64, 200, 333, 1000, 4096] {
                var small = original
                small.readChunkSize = size
                let read = try records(small)
                #expect(read.records == whole.records, "chunks of \(size) bytes")
                #expect(read.scan == whole.scan, "chunks of \(size) bytes")
            }
        }
        let damagedScan = try records(copy).scan
        #expect(damagedScan.problems.count == 1, "\(damagedScan.problems)")
        #expect(damagedScan.torn != nil)
    }

    @Test func linesLongerThanAReadChunkAreReadWhole() throws {
        let dir = try TemporaryDirectory()
        var log = EventLog(path: dir.path("p.jsonl"))
        let big = NewEvent(stream: "s", type: "note", schema: 1, data: .object(["text": .string(String(repeating: "x", count: 50_000))]))
        try log.create(lines: [event(1), big, event(3)], actor: "ann", now: t0)
        log.readChunkSize = 1000   // the long line spans fifty chunks
        let (recs, scan) = try records(log)
        #expect(recs.map(\.seq) == [1, 2, 3])
        #expect(scan.problems.isEmpty)
    }

    @Test func aCommandThatWouldWriteALineLongerThanALineMayBeIsRefusedWritingNothing() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        let before = readBytes(log.path)
        let huge = NewEvent(stream: "s", type: "note", schema: 1, data: .object(["text": .string(String(repeating: "x", count: LogLine.maxBytes))]))
        #expect(throws: StoreError.self) { try append(log, [event(2), huge]) }
        #expect(readBytes(log.path) == before)
        do {
            try EventLog(path: dir.path("q.jsonl")).create(lines: [huge], actor: "ann", now: t0)
            Issue.record("a line over the limit was written")
        } catch {
            guard case .lineTooLong(let n) = error else { Issue.record("\(error)"); return }
            #expect(n > LogLine.maxBytes)
            #expect(error.description.hasPrefix("the command would write a line of \(n) bytes, more than the 1048576 bytes a line of the log may hold; nothing was written."))
        }
        #expect(readBytes(dir.path("q.jsonl")).isEmpty)
    }

    @Test func aLineLongerThanALineMayBeIsAProblemOnItsLineAndTheRestIsStillRead() throws {
        let dir = try TemporaryDirectory()
        var log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1)], actor: "ann", now: t0)
        let good = readBytes(log.path)
        let long = Array(#"{"seq":2,"data":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 3 * LogLine.maxBytes) + Array("\"}\n".utf8)
        try writeBytes(log.path, good + long)
        log.readChunkSize = 1 << 16
        let scan = try log.read { _, _ in nil }
        #expect(scan.problems.first == LineProblem(line: 2, problem: "the line is \(long.count - 1) bytes long, more than the \(LogLine.maxBytes) bytes a line may be"))
        // Unfinished, the same bytes are a torn tail, kept whole to be moved aside.
        try writeBytes(log.path, good + long.dropLast())
        let torn = try log.read { _, _ in nil }
        #expect(torn.problems.isEmpty && torn.torn?.bytes.count == long.count - 1)
    }
}
