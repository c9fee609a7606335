import Foundation
import Testing
@testable import CaseTrailApp
import CaseTrailCore
@testable import CaseTrailStore
import CaseTrailTestSupport

/// The line index beside a snapshot (`<log>.lines`): a timeline's lines read from their offsets must
/// be exactly those a full read selects, and an index or log line that disagrees is never used.
@Suite struct LineIndexTests {
    let action = "MSCP-LLR-2023-01/R1/A1"
    var selection: LineSelection {
        LineSelection(streams: Set(Event.streams(about: action)), types: [.memberAdded])
    }

    /// A log with a snapshot and its index, the store, and the snapshot's position.
    func indexedLog(_ dir: TemporaryDirectory) throws -> (EventLog, LogPosition) {
        let ledger = try partnershipLog(dir, snapshotsFrom: 1)
        _ = try ledger.record(.action(.updateAction(action: action, note: "Half the staff trained", rag: .green, evidence: nil)), actor: "ann", today: today, now: t0)
        _ = try ledger.load()   // a full checked scan: writes the snapshot and the index
        let store = EventLog(path: dir.path("p.jsonl"))
        let position = try #require(store.loadSnapshot(damage: SnapshotDamage())?.position)
        #expect(FileManager.default.fileExists(atPath: store.lineIndexPath))
        return (store, position)
    }

    /// What a full read gives of the lines `selection` names.
    func selectedByFullRead(_ store: EventLog) throws -> [(Int, Event)] {
        var lines: [(Int, Event)] = []
        _ = try store.read { record, decoded in
            if selection.selects(stream: record.stream, type: record.type) { lines.append((record.seq, try! decoded.get())) }
            return nil
        }
        return lines
    }

    @Test func theIndexGivesTheSameLinesAsAFullReadSelects() throws {
        let dir = try TemporaryDirectory()
        let (store, position) = try indexedLog(dir)
        let indexed = try #require(store.selectedLines(selection, through: position))
        let truth = try selectedByFullRead(store)
        #expect(truth.count == 4, "the admin's membership, the action, and its two updates")
        #expect(indexed.map(\.0.seq) == truth.map(\.0))
        #expect(indexed.map(\.1) == truth.map(\.1))
        #expect(indexed.allSatisfy { $0.0.line == $0.0.seq && $0.0.digest != nil })
    }

    @Test func aLedgerLoadOfSelectedLinesHandsOverTheIndexedLinesAndTheTail() throws {
        let dir = try TemporaryDirectory()
        let (store, _) = try indexedLog(dir)
        let ledger = Ledger(store: store, policy: SnapshotPolicy(minimumEvents: 1))
        _ = try ledger.record(.action(.updateAction(action: action, note: "All trained", rag: .green, evidence: "Register")), actor: "ann", today: today, now: t0)
        var seen: [Int] = []
        let (state, _) = try ledger.load(selecting: selection) { record, event in
            if selection.selects(stream: record.stream, type: event.type.rawValue) { seen.append(record.seq) }
        }
        #expect(ledger.resumedFrom != nil, "answered from the snapshot")
        #expect(seen == (try selectedByFullRead(store)).map(\.0))
        #expect(seen.count == 5)
        #expect(state == (try ledger.load(upTo: .all) { _, _ in }).0)
    }

    @Test(arguments: ["an entry's hash", "an entry's offset", "the key table", "its Merkle frontier", "the header's position", "its length"])
    func anIndexChangedInAnyWayIsNotUsed(_ change: String) throws {
        let dir = try TemporaryDirectory()
        let (store, position) = try indexedLog(dir)
        var bytes = readBytes(store.lineIndexPath)
        let entries = bytes.count - position.seq * LineIndex.entrySize
        switch change {
        case "an entry's hash": bytes[entries + LineIndex.entrySize * (position.seq - 1) + 20] ^= 1
        case "an entry's offset": bytes[entries + LineIndex.entrySize * (position.seq - 1)] ^= 4
        case "the key table": bytes[LineIndex.headerSize + position.seq.nonzeroBitCount * 32 + 2] ^= 1
        case "its Merkle frontier": bytes[LineIndex.headerSize + 2] ^= 1
        case "the header's position": bytes[LineIndex.magic.count] ^= 1
        default: bytes.removeLast()
        }
        try writeBytes(store.lineIndexPath, bytes)
        #expect(store.selectedLines(selection, through: position) == nil)
        let truth = try checkpointOfEveryLine(store).root
        if change.hasPrefix("an entry's") {
            // The tree was worked out when the entries were sound, and is checksummed apart from them.
            #expect(store.merkleTree(through: position)?.root?.hex == truth)
        } else {
            #expect(store.merkleTree(through: position) == nil)
        }
    }

    /// The checkpoint every line of the log gives within `limit`, worked out afresh.
    func checkpointOfEveryLine(_ store: EventLog, upTo limit: ReadLimit = .all) throws -> Checkpoint {
        let (state, _, pin) = try Ledger(store: store, policy: SnapshotPolicy(minimumEvents: nil)).loadPinned(upTo: limit)
        var tree = Merkle.Builder()
        var last: LogRecord?
        _ = try store.read { record, _ in
            if limit.includes(record), let line = record.digest { tree.append(line: line); last = record }
            return nil
        }
        #expect(tree.size == last?.seq, "every line has a hash")
        let head = try #require(last)
        let truth = Checkpoint(code: try #require(state.partnership?.code), seq: head.seq, hash: head.hash, root: tree.root?.hex)
        #expect(pin == truth, "a ledger without snapshots pins every line")
        return truth
    }

    @Test func theIndexKeepsTheMerkleTreeOfEveryLineToItsEnd() throws {
        let dir = try TemporaryDirectory()
        let (store, position) = try indexedLog(dir)
        let kept = try #require(store.merkleTree(through: position))
        #expect(kept.size == position.seq)
        #expect(kept.root?.hex == (try checkpointOfEveryLine(store)).root)
    }

    @Test func aCheckpointFromTheSnapshotAndItsIndexIsTheOneEveryLineGivesAsTheLogGrows() throws {
        let dir = try TemporaryDirectory()
        let (store, _) = try indexedLog(dir)
        let ledger = Ledger(store: store, policy: SnapshotPolicy(minimumEvents: 1, minimumGrowth: 0))
        var (_, _, pin) = try ledger.loadPinned()
        #expect(ledger.resumedFrom != nil, "answered from the snapshot")
        #expect(pin == (try checkpointOfEveryLine(store)))
        for note in ["Two thirds trained", "All trained"] {
            // The line after the snapshot is folded into the kept tree; the refreshed snapshot's index carries it on.
            _ = try ledger.record(.action(.updateAction(action: action, note: note, rag: .green, evidence: nil)), actor: "ann", today: today, now: t0)
            (_, _, pin) = try ledger.loadPinned()
            #expect(ledger.resumedFrom != nil)
            #expect(pin == (try checkpointOfEveryLine(store)), "after '\(note)'")
            let position = try #require(store.loadSnapshot(damage: SnapshotDamage())?.position)
            #expect(store.merkleTree(through: position)?.size == pin?.seq)
            #expect(store.selectedLines(selection, through: position)?.map(\.0.seq) == (try selectedByFullRead(store)).map(\.0), "the extended index")
        }
        (_, _, pin) = try ledger.loadPinned(upTo: .seq(3))
        #expect(ledger.resumedFrom == nil, "the snapshot is past seq 3")
        #expect(pin == (try checkpointOfEveryLine(store, upTo: .seq(3))))
        #expect(pin?.seq == 3)
    }

    @Test func aCheckpointIsNotTakenFromATreeOfAnotherPositionNorWithoutTheIndex() throws {
        let dir = try TemporaryDirectory()
        let (store, position) = try indexedLog(dir)
        var earlier = position
        earlier.seq -= 1
        #expect(store.merkleTree(through: earlier) == nil)
        unlink(store.lineIndexPath)
        let ledger = Ledger(store: store, policy: SnapshotPolicy(minimumEvents: 1))
        let (_, _, pin) = try ledger.loadPinned()
        #expect(ledger.resumedFrom == nil, "without the index every line is read")
        #expect(pin == (try checkpointOfEveryLine(store)))
    }

    @Test(arguments: [ReadLimit.seq(0), .seq(5), .seq(7), .seq(8), .seq(9), .recordedBy(t0), .recordedBy(t0.adding(milliseconds: 3_599_999)),
                      .recordedBy(t0.adding(milliseconds: 3_600_000)), .recordedBy(t0.adding(milliseconds: 7_200_000))])
    func theLinesBeyondAMomentAreTheEndOfTheLogFromItOnWithThoseSelectedBefore(_ limit: ReadLimit) throws {
        let dir = try TemporaryDirectory()
        let ledger = try partnershipLog(dir, snapshotsFrom: 1)
        for hour in [1, 2] {
            _ = try ledger.record(.action(.updateAction(action: action, note: "Hour \(hour)", rag: .green, evidence: nil)), actor: "ann", today: today,
                                  now: t0.adding(milliseconds: Int64(hour) * 3_600_000))
        }
        _ = try ledger.load()
        let store = EventLog(path: dir.path("p.jsonl"))
        let position = try #require(store.loadSnapshot(damage: SnapshotDamage())?.position)
        #expect(position.seq == 9, "seven lines at t0, one an hour later, one two hours later")
        var since = LineSelection(streams: [], types: [.memberAdded])
        since.beyond = limit
        var truth: [Int] = []
        _ = try store.read { record, _ in
            if since.selects(stream: record.stream, type: record.type) || !limit.includes(record) { truth.append(record.seq) }
            return nil
        }
        #expect(try #require(store.selectedLines(since, through: position)).map(\.0.seq) == truth)
        #expect(truth.contains(2), "the admin's membership, wherever it is")
    }

    @Test func anIndexOthersCouldWriteIsNotUsed() throws {
        let dir = try TemporaryDirectory()
        let (store, position) = try indexedLog(dir)
        #expect(store.selectedLines(selection, through: position) != nil)
        chmod(store.lineIndexPath, 0o666)
        #expect(store.selectedLines(selection, through: position) == nil)
    }

    @Test func anIndexOfAnotherPositionIsNotUsed() throws {
        let dir = try TemporaryDirectory()
        let (store, position) = try indexedLog(dir)
        var earlier = position
        earlier.seq -= 1
        #expect(store.selectedLines(selection, through: earlier) == nil)
        var otherHash = position
        otherHash.hash = String(repeating: "0", count: 64)
        #expect(store.selectedLines(selection, through: otherHash) == nil)
    }

    @Test func aLogLineChangedUnderTheIndexIsNotReturnedAndTheLoadStops() throws {
        let dir = try TemporaryDirectory()
        let (store, position) = try indexedLog(dir)
        var log = readBytes(store.path)
        let note = try #require(log.firstRange(of: Array("Half the staff".utf8)))
        log[note.lowerBound] = UInt8(ascii: "h")
        try writeBytes(store.path, log)
        #expect(store.selectedLines(selection, through: position) == nil)
        let ledger = Ledger(store: store, policy: SnapshotPolicy(minimumEvents: 1))
        #expect(throws: StoreError.self) { try ledger.load(selecting: selection) { _, _ in } }
    }

    @Test func aSnapshotDiscardedTakesItsIndexWithIt() throws {
        let dir = try TemporaryDirectory()
        let (store, _) = try indexedLog(dir)
        store.discardSnapshot()
        #expect(!FileManager.default.fileExists(atPath: store.lineIndexPath))
    }
}
