import Foundation
import Testing
@testable import CaseTrailApp
import CaseTrailCore
@testable import CaseTrailStore
import CaseTrailTestSupport

let t0 = Timestamp("2023-04-03T09:00:00.000Z")!
let today = LocalDate("2023-04-03")!

/// A log with a partnership, an agency and one action in progress, and a ledger over it.
func partnershipLog(_ dir: TemporaryDirectory, snapshotsFrom minimum: Int? = nil) throws -> Ledger {
    let ledger = Ledger(store: EventLog(path: dir.path("p.jsonl")), policy: SnapshotPolicy(minimumEvents: minimum))
    _ = try ledger.create(name: "Medway SCP", code: "MSCP", adminName: "Business Manager", actor: "ann", today: today, now: t0, sharedGroup: false)
    let commands: [Command] = [
        .setup(.addAgency(code: "KP", name: "Kent Police", aliases: [])),
        .review(.openReview(ref: "MSCP-LLR-2023-01", kind: .llr, title: "Learning review", from: nil, on: today)),
        .action(.addRecommendation(ref: "MSCP-LLR-2023-01", rec: "R1", text: "Share information", on: today)),
        .action(.addAction(recommendation: "MSCP-LLR-2023-01/R1", code: "A1", text: "Train staff", owner: "KP", lead: "DI Smith",
                           due: LocalDate("2023-09-30")!, dueText: nil, success: nil, on: today)),
        .action(.updateAction(action: "MSCP-LLR-2023-01/R1/A1", note: "Started", rag: .amber, evidence: nil)),
    ]
    for c in commands { _ = try ledger.record(c, actor: "ann", today: today, now: t0) }
    return ledger
}

/// The agencies a log holds, by replaying it from the start.
func agencyLines(_ path: String) throws -> [String] {
    var codes: [String] = []
    _ = try EventLog(path: path).read { _, decoded in
        if case .success(.agencyAdded(let code, _, _)) = decoded { codes.append(code) }
        return nil
    }
    return codes
}

/// The optimistic-concurrency check: a command is decided on the log as read, and appended only if
/// the log has not moved on since; otherwise it is decided again on the log as it now is.
@Suite struct OptimisticAppendTests {
    @Test func aDecisionOvertakenByTheSameCommandElsewhereIsDecidedAgainAndRefused() throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir)
        let other = Ledger(store: EventLog(path: dir.path("p.jsonl")), policy: SnapshotPolicy(minimumEvents: nil))
        let addX = Command.setup(.addAgency(code: "X", name: "Agency X", aliases: []))
        var interruptions = 0
        ledger.beforeAppend = {
            guard interruptions == 0 else { return }
            interruptions += 1
            _ = try? other.record(addX, actor: "ann", today: today, now: t0)   // another process gets in first
        }
        // Decided on a log without X; by the time it is appended, X exists: decided again, it is refused.
        #expect(throws: DomainError("Agency X already exists. Use 'casetrail agency alias X NAME' to give it another name.")) {
            try ledger.record(addX, actor: "ann", today: today, now: t0)
        }
        #expect(interruptions == 1)
        #expect(try agencyLines(dir.path("p.jsonl")) == ["KP", "X"], "one agency X, not two")
    }

    @Test func aDecisionOvertakenByAnotherStreamIsDecidedAgainAndRecorded() throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir)
        let other = Ledger(store: EventLog(path: dir.path("p.jsonl")))
        var interruptions = 0
        ledger.beforeAppend = {
            guard interruptions < 3 else { return }
            interruptions += 1
            _ = try? other.record(.setup(.addAgency(code: "O\(interruptions)", name: "Other \(interruptions)", aliases: [])),
                                  actor: "ann", today: today, now: t0)
        }
        let appended = try ledger.record(.setup(.addAgency(code: "Y", name: "Agency Y", aliases: [])), actor: "ann", today: today, now: t0)
        #expect(interruptions == 3)
        #expect(appended.records.map(\.seq) == [11])
        #expect(try agencyLines(dir.path("p.jsonl")) == ["KP", "O1", "O2", "O3", "Y"])
        #expect(try ledger.verify(against: nil).ok)
    }

    @Test func aDecisionMadeOnASnapshotWhoseTailAnotherProcessExtendedIsDecidedAgain() throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir, snapshotsFrom: 1)
        _ = try ledger.load()   // writes the snapshot
        #expect(EventLog(path: dir.path("p.jsonl")).loadSnapshot(damage: SnapshotDamage()) != nil)
        let other = Ledger(store: EventLog(path: dir.path("p.jsonl")), policy: SnapshotPolicy(minimumEvents: 1))
        let id = "MSCP-LLR-2023-01/R1/A1"
        var interrupted = false
        ledger.beforeAppend = {
            guard !interrupted else { return }
            interrupted = true
            _ = try? other.record(.action(.markImplemented(action: id, on: today, evidence: "Register")), actor: "ann", today: today, now: t0)
        }
        // Decided on the snapshot's state (in progress); appended after the implementation elsewhere: refused.
        #expect(throws: DomainError("\(id) is already implemented (3 Apr 2023).")) {
            try ledger.record(.action(.markImplemented(action: id, on: today, evidence: "Again")), actor: "ann", today: today, now: t0)
        }
        #expect(interrupted)
    }

    @Test func aCommandThatKeepsBeingOvertakenIsReportedAndWritesNothing() throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir)
        let other = Ledger(store: EventLog(path: dir.path("p.jsonl")))
        var n = 0
        ledger.beforeAppend = {
            n += 1
            _ = try? other.record(.setup(.addAgency(code: "B\(n)", name: "Busy \(n)", aliases: [])), actor: "ann", today: today, now: t0)
        }
        #expect(throws: LedgerError.busy(attempts: 20)) {
            try ledger.record(.setup(.addAgency(code: "Z", name: "Agency Z", aliases: [])), actor: "ann", today: today, now: t0)
        }
        #expect(try !agencyLines(dir.path("p.jsonl")).contains("Z"))
        #expect(n == 20)
    }
}

/// A snapshot whose checksum holds but one of whose rows cannot be read: answers and decisions come
/// from the log instead, and the snapshot is thrown away.
@Suite struct DamagedSnapshotTests {
    /// Replaces `old` by `new` (the same length) in the snapshot's bytes and makes its checksum hold again.
    func tamper(_ log: EventLog, _ old: String, _ new: String, readable: Bool = true) throws {
        try tamper(log, Array(old.utf8), Array(new.utf8), readable: readable)
    }

    func tamper(_ log: EventLog, _ o: [UInt8], _ n: [UInt8], readable: Bool = true) throws {
        var bytes = readBytes(log.snapshotPath)
        let at = try #require((0...(bytes.count - o.count)).first { Array(bytes[$0..<($0 + o.count)]) == o })
        bytes.replaceSubrange(at..<(at + o.count), with: n)
        bytes = log.resealedSnapshot(bytes)
        try writeBytes(log.snapshotPath, bytes)
        #expect((log.loadSnapshot(damage: SnapshotDamage()) != nil) == readable, "the checksum holds")
    }

    /// The action's text made to claim more bytes than its row holds: the row no longer reads.
    func damageTheAction(_ log: EventLog) throws {
        let text = Array("Train staff".utf8)
        try tamper(log, [UInt8(text.count * 2)] + text, [0x7F] + text)
    }

    @Test func aQueryOnARowThatCannotBeReadIsNoticedAndTheSnapshotRemoved() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        _ = try partnershipLog(dir, snapshotsFrom: 1).load()
        let truth = Projections.outstanding(try Ledger(store: log, policy: SnapshotPolicy(minimumEvents: nil)).load().0, today: today)
        try damageTheAction(log)
        let ledger = Ledger(store: log, policy: SnapshotPolicy(minimumEvents: 1))
        let (state, _) = try ledger.load()
        let answer = Projections.outstanding(state, today: today)
        #expect(answer != truth, "the damaged row is missing from this answer")
        #expect(ledger.snapshotWasDamaged(), "so the caller is told to answer again")
        #expect(!FileManager.default.fileExists(atPath: log.snapshotPath))
        #expect(!ledger.snapshotWasDamaged(), "told once")
        #expect(Projections.outstanding(try ledger.load().0, today: today) == truth)
        #expect(FileManager.default.fileExists(atPath: log.snapshotPath), "rebuilt from the log")
    }

    @Test func aCommandOnARowThatCannotBeReadIsDecidedAgainFromTheLog() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        _ = try partnershipLog(dir, snapshotsFrom: 1).load()
        try damageTheAction(log)
        let ledger = Ledger(store: log, policy: SnapshotPolicy(minimumEvents: 1))
        // On the snapshot the action cannot be read ("no such action"); decided again from the log, it is recorded.
        let appended = try ledger.record(.action(.markImplemented(action: "MSCP-LLR-2023-01/R1/A1", on: today, evidence: "Register")),
                                         actor: "ann", today: today, now: t0)
        #expect(appended.records.map(\.type) == ["action_implemented"])
        #expect(!ledger.snapshotWasDamaged(), "the ledger dealt with it before writing")
        #expect(try ledger.verify(against: nil).ok)
    }

    @Test func aSnapshotWrittenWhenAnEnumerationsCasesStoodOtherwiseIsIgnored() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        _ = try partnershipLog(dir, snapshotsFrom: 1).load()
        // As if the build that wrote it had another case where `llr` now stands.
        try tamper(log, "llr", "xyz", readable: false)
        let ledger = Ledger(store: log, policy: SnapshotPolicy(minimumEvents: 1))
        #expect(try ledger.load().0.reviews["MSCP-LLR-2023-01"]?.kind == .llr)
        #expect(!ledger.snapshotWasDamaged())
        #expect(log.loadSnapshot(damage: SnapshotDamage()) != nil, "rebuilt")
    }

    @Test func aSnapshotOfAnotherFormatIsIgnored() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        _ = try partnershipLog(dir, snapshotsFrom: 1).load()
        try tamper(log, "casetrail-snapshot \(EventLog.snapshotFormat)", "casetrail-snapshot \(EventLog.snapshotFormat - 1)", readable: false)
    }
}

@Suite struct CheckpointTests {
    @Test func aCheckpointReadsBackAsItWasWritten() throws {
        let c = Checkpoint(code: "MSCP", seq: 42, hash: String(repeating: "ab", count: 32))
        #expect(c.text == "casetrail-checkpoint MSCP seq=42 sha256=" + String(repeating: "ab", count: 32))
        #expect(Checkpoint(c.text) == c)
        for bad in ["casetrail-checkpoint MSCP seq=0 sha256=" + String(repeating: "ab", count: 32),
                    "casetrail-checkpoint MSCP seq=42 sha256=" + String(repeating: "AB", count: 32),
                    "casetrail-checkpoint MSCP seq=42", "checkpoint MSCP seq=42 sha256=" + String(repeating: "ab", count: 32)] {
            #expect(Checkpoint(bad) == nil, "\(bad)")
        }
    }

    @Test func aLogThatNoLongerReachesItsCheckpointIsCaught() throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir)
        let scan = try ledger.verify(against: nil).scan
        let checkpoint = Checkpoint(code: "MSCP", seq: scan.head!.seq, hash: scan.head!.hash)
        #expect(try ledger.verify(against: checkpoint).ok)
        let later = Checkpoint(code: "MSCP", seq: scan.head!.seq + 1, hash: scan.head!.hash)
        #expect(try ledger.verify(against: later).scan.problems.map(\.problem)
                == ["the checkpoint names seq 8, but the log ends at seq 7: either the checkpoint was copied wrongly, or the lines after seq 7 were cut from the log"])
        #expect(try ledger.verify(against: later).onlyTheCheckpointDiffers)
        let other = Checkpoint(code: "KSCP", seq: 3, hash: scan.head!.hash)
        #expect(try ledger.verify(against: other).scan.problems.map(\.problem) == [
            "the checkpoint is for partnership KSCP, but this log is MSCP's",
            "line 3 does not have the checkpoint's hash: either the checkpoint was copied wrongly (one character is enough), or the log up to line 3 was rewritten",
        ])
    }
}

/// Lines with correct hashes that no command could have written: `verify`, queries and writes
/// must all refuse them, naming the line and why.
@Suite struct ForgedHistoryTests {
    /// Appends `events` as one command by `actor` straight through the store, as someone who can
    /// write the file could, bypassing every rule.
    func forge(_ dir: TemporaryDirectory, _ events: [Event], by actor: String) throws -> Int {
        try EventLog(path: dir.path("p.jsonl")).appendBypassingRules(events, actor: actor, now: t0).records[0].line
    }

    func problems(_ ledger: Ledger) throws -> [LineProblem] { try ledger.verify(against: nil).scan.problems }

    @Test func aStrangerAddingThemselvesAsAdminIsNamed() throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir)
        let line = try forge(dir, [.memberAdded(user: "mallory", name: "Mallory", agency: "MSCP", roles: [.admin], partner: nil)], by: "mallory")
        #expect(try problems(ledger) == [LineProblem(line: line, problem: "this line could not have been recorded by 'mallory': 'mallory' is not on MSCP's roster, so cannot record anything. Ask an admin to run 'casetrail member add mallory …', or pass --actor with your roster name.")])
        // Queries and writes treat it as any other integrity problem; the forged admin cannot record.
        #expect(throws: StoreError.self) { try ledger.load() }
        let before = readBytes(dir.path("p.jsonl"))
        #expect(throws: StoreError.self) {
            try ledger.record(.setup(.addMember(user: "eve", name: "Eve", agency: "MSCP", roles: [.admin], partner: nil)), actor: "mallory", today: today, now: t0)
        }
        #expect(readBytes(dir.path("p.jsonl")) == before)
    }

    @Test func anAuditorsSignOffOfAnActionNeverImplementedIsNamed() throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir)
        _ = try ledger.record(.setup(.addMember(user: "ida", name: "Inspector", agency: "Ofsted", roles: [.auditor], partner: nil)),
                              actor: "ann", today: today, now: t0)
        let line = try forge(dir, [.actionSignedOff(action: "MSCP-LLR-2023-01/R1/A1", on: today, stage: .executive, complete: true)], by: "ida")
        #expect(try problems(ledger).map(\.line) == [line])
        #expect(try problems(ledger)[0].problem.contains("'ida' (auditor) may not do this; it needs a member with role admin, business-unit or executive"))
    }

    @Test func aSignOffOutOfOrderBySomeoneAllowedToGiveItIsStillNamed() throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir)
        // The admin may give sign-offs, but not of an action that was never implemented.
        let line = try forge(dir, [.actionSignedOff(action: "MSCP-LLR-2023-01/R1/A1", on: today, stage: .learningLessons, complete: false)], by: "ann")
        #expect(try problems(ledger) == [LineProblem(line: line, problem: "this line could not have been recorded by 'ann': Only an implemented action can be signed off; MSCP-LLR-2023-01/R1/A1 is in-progress. Record 'casetrail action implemented MSCP-LLR-2023-01/R1/A1' with evidence first.")])
    }

    @Test func factsNoCommandWritesTogetherAndFactsTheCommandWouldNotWriteAreNamed() throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir)
        let pair = try forge(dir, [.agencyAdded(code: "A", name: "A", aliases: []), .agencyAdded(code: "B", name: "B", aliases: [])], by: "ann")
        let altered = try forge(dir, [.actionAdded(action: "MSCP-LLR-2023-01/R1/A2", text: "Audit", owner: "Nowhere", lead: "X",
                                                  due: today, dueText: nil, success: nil, on: today)], by: "ann")
        let again = try forge(dir, [.agencyAdded(code: "KP", name: "Kent Police", aliases: [])], by: "ann")
        let found = try problems(ledger)
        #expect(found.map(\.line) == [pair + 1, altered, again])
        #expect(found[0].problem == "the command on lines \(pair)-\(pair + 1) could not have been recorded by 'ann': no command records these facts together")
        #expect(found[1].problem.hasSuffix("No agency 'Nowhere'. Use a code or name from 'casetrail agencies', or add it with 'casetrail agency add'."))
        #expect(found[2].problem.hasSuffix("Agency KP already exists. Use 'casetrail agency alias KP NAME' to give it another name."))
    }

    @Test func historyRecordedByTheRulesVerifiesIncludingSeveralLineCommandsAndDatesFixedByTheRecorder() throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir)
        let old = LocalDate("2022-12-21")!
        let commands: [(Command, LocalDate)] = [
            (.review(.recordIncident(ref: "MSCP-RR-2022-01", child: "Child Q", aware: LocalDate("2022-12-20")!, incident: nil,
                                     notified: LocalDate("2022-12-21")!, summary: nil)), old),
            (.review(.completeRapidReview(ref: "MSCP-RR-2022-01", on: LocalDate("2023-01-10")!, recommendation: .lcspr, rationale: "Learning")), LocalDate("2023-01-10")!),
            (.review(.decideReview(ref: "MSCP-RR-2022-01", on: LocalDate("2023-01-12")!, outcome: .initiate, by: "Partners", rationale: "Met",
                                   creates: "MSCP-LCSPR-2023-01", createsTitle: nil, reconvene: nil)), LocalDate("2023-01-12")!),
            (.review(.delayReview(ref: "MSCP-LCSPR-2023-01", reason: "Police investigation", expected: LocalDate("2023-09-01")!)), LocalDate("2023-02-01")!),
            (.action(.updateAction(action: "MSCP-LLR-2023-01/R1/A1", note: "Half trained", rag: .green, evidence: nil)), LocalDate("2030-01-01")!),
        ]
        for (c, day) in commands { _ = try ledger.record(c, actor: "ann", today: day, now: t0) }
        #expect(try problems(ledger) == [])
        #expect(try ledger.verify(against: nil).scan.head?.seq == 14)
    }
}
