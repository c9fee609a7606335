import Foundation
import CaseTrailTestSupport
import Testing
import CaseTrailCore
@testable import CaseTrailStore

private let may2 = LocalDate("2023-05-02")!
private let note = "Spoke with Jordan Examplename's family worker"

/// A log of three lines, the second an update whose note and evidence hold a child's name.
private func logWithANameInANote(_ dir: TemporaryDirectory, sharedGroup: Bool = false) throws -> EventLog {
    let log = EventLog(path: dir.path("p.jsonl"))
    try log.create([.agencyAdded(code: "CSC", name: "Children's Services", aliases: [])], actor: "ann", now: t0, sharedGroup: sharedGroup)
    try append(log, [Event.actionUpdated(action: "R-1/R1/A1", on: may2, note: note, rag: .green, evidence: "Letter to Jordan Examplename").newEvent])
    try append(log, [Event.agencyAdded(code: "KP", name: "Kent Police", aliases: []).newEvent])
    return log
}

/// Redacts line `seq` as `casetrail redact` does: the redacted line, vouched for by a `line_redacted` event after the last line.
@discardableResult
private func redact(_ log: EventLog, seq: Int, fields: [String]? = nil, vouching: ((RedactedLine) -> Event)? = nil) throws -> RedactedLine {
    let scan = try log.read { _, _ in nil }
    let r = try LogLine.redacting(try #require(try log.line(seq: seq)), fields: fields)
    let event = vouching?(r) ?? .lineRedacted(seq: seq, stream: r.stream, fields: r.fields, reason: "A child's name typed in", on: may2,
                                              originalHash: r.originalHash, sha256: r.sha256)
    _ = try log.redact(r, events: [event], actor: "ann", login: nil, now: t0, after: scan.position, expected: [event.stream: scan.streamVersions[event.stream] ?? 0])
    return r
}

/// The log's lines as text, without their newlines.
private func lines(_ log: EventLog) -> [String] {
    String(decoding: readBytes(log.path), as: UTF8.self).split(separator: "\n").map(String.init)
}

/// Replaces the first occurrence of `old` in the log's bytes, as anyone who can write the file could.
private func tamper(_ log: EventLog, _ old: String, _ new: String) throws {
    let text = String(decoding: readBytes(log.path), as: UTF8.self)
    let range = try #require(text.range(of: old))
    try writeBytes(log.path, Array(text.replacingCharacters(in: range, with: new).utf8))
}

@Suite struct RedactionTests {
    @Test func aRedactedLineReadsRedactedKeepsItsHashAndVerifiesBecauseALaterLineVouchesForIt() throws {
        let dir = try TemporaryDirectory()
        let log = try logWithANameInANote(dir)
        let before = lines(log)
        let r = try redact(log, seq: 2)
        let after = lines(log)
        #expect(r.fields == ["note", "evidence"])
        #expect(after.count == 4)
        #expect(!String(decoding: readBytes(log.path), as: UTF8.self).contains("Examplename"))
        #expect(after[1].contains(#""note":"[redacted]","rag":"green","evidence":"[redacted]""#))
        // Every other byte as it was: the hash, the link to the line before, the lines after.
        #expect(after[1].suffix(140) == before[1].suffix(140))
        #expect([after[0], after[2]] == [before[0], before[2]])
        #expect(Array(after[1].utf8) == r.bytes && SHA256.hex(r.bytes) == r.sha256)
        var notes: [String] = []
        let scan = try log.read { _, decoded in
            if case .success(.actionUpdated(_, _, let n, _, _, _)) = decoded { notes.append(n) }
            return nil
        }
        #expect(scan.problems.isEmpty)
        #expect(scan.redactions == [RedactionRelied(line: 2, seq: 2, vouchedBy: 4)])
        #expect(notes == ["[redacted]"])
    }

    @Test func aLineChangedWithNoRedactionToVouchForItIsAProblemNamingIt() throws {
        let dir = try TemporaryDirectory()
        let log = try logWithANameInANote(dir)
        try tamper(log, "Jordan Examplename's", "[redacted]")
        let scan = try log.read { _, _ in nil }
        #expect(scan.problems == [LineProblem(line: 2, problem: "hash mismatch: the line was changed after it was written, and no redaction later in the log vouches for it")])
        #expect(scan.redactions.isEmpty)
    }

    @Test func aRedactedLineChangedAgainAfterwardsIsAProblem() throws {
        let dir = try TemporaryDirectory()
        let log = try logWithANameInANote(dir)
        try redact(log, seq: 2, fields: ["note"])
        try tamper(log, #""rag":"green""#, #""rag":"red""#)
        let scan = try log.read { _, _ in nil }
        #expect(scan.problems.map(\.line) == [2])
        #expect(scan.problems.first?.problem.hasSuffix("its bytes are not those the latest redaction of it vouches for") == true)
    }

    @Test func aVouchNamingAnotherHashOrANeverChangedLineIsAProblemOnTheVouch() throws {
        let dir = try TemporaryDirectory()
        let log = try logWithANameInANote(dir)
        try redact(log, seq: 2) { r in
            .lineRedacted(seq: 2, stream: r.stream, fields: r.fields, reason: "x", on: may2, originalHash: String(repeating: "0", count: 64), sha256: r.sha256)
        }
        let scan = try log.read { _, _ in nil }
        #expect(scan.problems.map(\.line) == [2, 4])
        #expect(scan.problems.last?.problem == "it vouches for a redaction of seq 2 whose hash is not the one that line keeps")

        let thirdDir = try TemporaryDirectory()
        let third = try logWithANameInANote(thirdDir)
        try redact(third, seq: 2) { r in
            .lineRedacted(seq: 2, stream: "agency-KP", fields: r.fields, reason: "x", on: may2, originalHash: r.originalHash, sha256: r.sha256)
        }
        let inAnotherStream = try third.read { _, _ in nil }
        #expect(inAnotherStream.problems.map(\.line) == [2, 4])
        #expect(inAnotherStream.problems.last?.problem == "it vouches for a redaction of seq 2, which is in stream action-R-1/R1/A1, not agency-KP")

        let otherDir = try TemporaryDirectory()
        let other = try logWithANameInANote(otherDir)
        let at = try other.read { _, _ in nil }
        try other.appendBypassingRules([.lineRedacted(seq: 3, stream: "agency-KP", fields: ["name"], reason: "x", on: may2,
                                                       originalHash: at.head!.hash, sha256: String(repeating: "b", count: 64))], actor: "ann", now: t0)
        #expect(try other.read { _, _ in nil }.problems == [LineProblem(line: 4, problem: "it vouches for a redaction of seq 3, but that line is as it was written, or has other problems")])
    }

    @Test func aLineRedactedTwiceVerifiesOnItsLatestRedaction() throws {
        let dir = try TemporaryDirectory()
        let log = try logWithANameInANote(dir)
        try redact(log, seq: 2, fields: ["note"])
        #expect(lines(log)[1].contains("Letter to Jordan"))
        try redact(log, seq: 2, fields: ["evidence"])
        let scan = try log.read { _, _ in nil }
        #expect(scan.problems.isEmpty)
        #expect(scan.redactions == [RedactionRelied(line: 2, seq: 2, vouchedBy: 5)])
        #expect(!lines(log)[1].contains("Jordan"))
    }

    @Test func aRedactionDecidedBeforeTheLogMovedOnWritesNothing() throws {
        let dir = try TemporaryDirectory()
        let log = try logWithANameInANote(dir)
        let scan = try log.read { _, _ in nil }
        let r = try LogLine.redacting(try #require(try log.line(seq: 2)), fields: nil)
        try append(log, [Event.agencyAdded(code: "NHS", name: "NHS", aliases: []).newEvent])
        let before = readBytes(log.path)
        let event = Event.lineRedacted(seq: 2, stream: r.stream, fields: r.fields, reason: "x", on: may2, originalHash: r.originalHash, sha256: r.sha256)
        #expect(throws: StoreError.movedOn(decidedAt: 3, head: 4)) {
            try log.redact(r, events: [event], actor: "ann", login: nil, now: t0, after: scan.position, expected: [r.stream: 1])
        }
        #expect(readBytes(log.path) == before)
    }

    @Test func theRedactedLogKeepsItsModeAndLeavesNoTemporaryBehind() throws {
        let dir = try TemporaryDirectory()
        let log = try logWithANameInANote(dir, sharedGroup: true)
        try redact(log, seq: 2)
        var st = stat()
        #expect(stat(log.path, &st) == 0 && st.st_mode & 0o777 == 0o660)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("")).sorted() == ["p.jsonl"])
    }

    @Test func onlyFreeTextAPersonTypedCanBeRedactedAndSaysWhichFieldsCan() throws {
        let dir = try TemporaryDirectory()
        let log = try logWithANameInANote(dir)
        let line = try #require(try log.line(seq: 2))
        #expect(throws: DomainError("The field 'on' of line 2 is not free text that a person typed, so it cannot be redacted; its fields that can be: 'note' and 'evidence'.")) {
            try LogLine.redacting(line, fields: ["on"])
        }
        #expect(throws: DomainError("Line 2 (action_updated) has no field 'child'; its fields that can be redacted: 'note' and 'evidence'.")) {
            try LogLine.redacting(line, fields: ["child"])
        }
        #expect(throws: DomainError("Line 1 (agency_added) holds no free text that a person typed, so there is nothing to redact.")) {
            try LogLine.redacting(try #require(try log.line(seq: 1)), fields: nil)
        }
        try redact(log, seq: 2)
        #expect(throws: DomainError("The text of 'note' and 'evidence' on line 2 is already redacted.")) {
            try LogLine.redacting(try #require(try log.line(seq: 2)), fields: nil)
        }
        #expect(throws: DomainError("Line 4 is itself a redaction; its reason was checked for personal data when it was recorded, and it cannot be redacted.")) {
            try LogLine.redacting(try #require(try log.line(seq: 4)), fields: nil)
        }
    }
}
