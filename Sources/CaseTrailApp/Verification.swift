import CaseTrailCore
import CaseTrailStore

/// What `verify` found: every line checked, and how the log stands against a checkpoint.
public struct Verification: Sendable {
    /// The full scan, its problems including any against the checkpoint.
    public var scan: LogScan
    public var checkpoint: Checkpoint?
    /// What this user's casetrail had seen of the log before this check, if it had.
    public var witnessed: Witnessed?
    /// The seq of the snapshot beside the log, if there is one this casetrail would use, and whether it matched.
    public var snapshot: (seq: Int, matches: Bool)?
    /// How many of the problems are the checkpoint's (the log not matching it), which may be a checkpoint copied wrongly.
    public var checkpointProblems = 0
    /// Each changed line accepted because a redaction vouches for it, with what that redaction says.
    public var redactions: [Redaction] = []
    public var ok: Bool { scan.problems.isEmpty }

    /// A redaction `verify` relied on: line `seq` reads [redacted] in `fields`, vouched for at seq `by`.
    public struct Redaction: Sendable {
        public var seq: Int
        public var by: Int
        public var actor: String
        public var fields: [String]
        public var on: LocalDate
        public var reason: String
    }
    /// The log is sound in itself and only the checkpoint does not match it.
    public var onlyTheCheckpointDiffers: Bool { checkpointProblems > 0 && checkpointProblems == scan.problems.count }
}

extension Ledger {
    /// Checks every line of the log (never the snapshot): its hash and links, that its event decodes
    /// into a typed fact, that the command which wrote it could have been decided then, and with a
    /// checkpoint that the log still extends it.
    public func verify(against checkpoint: Checkpoint?) throws(StoreError) -> Verification {
        let seen = witnessedBefore
        // The Merkle root of the lines the checkpoint covers, when it names one.
        var tree = Merkle.Builder()
        var vouches: [Int: Verification.Redaction] = [:]
        // A snapshot is checked too: the state the log gives at its line must be the state it holds.
        let snapshot = store.loadSnapshot(damage: SnapshotDamage())
        var (replay, scan) = try replayAll(upTo: .all, hashesOf: (checkpoint.map { [$0.seq] } ?? []) + witnessed + (snapshot.map { [$0.position.seq] } ?? []),
                                           captureAt: snapshot?.position.seq, latestBelievable: latestBelievable, decidingEveryLine: true) { record, event in
            if let c = checkpoint, c.root != nil, record.seq <= c.seq, let d = record.digest { tree.append(line: d) }
            if case let .lineRedacted(seq, _, fields, reason, on, _, _) = event {
                vouches[record.seq] = Verification.Redaction(seq: seq, by: record.seq, actor: record.actor, fields: fields, on: on, reason: reason)
            }
        }
        var snapshotCheck: (seq: Int, matches: Bool)?
        if let snapshot {
            let s = snapshot.position
            let matches = scan.requestedHashes[s.seq] == s.hash && replay.captured.map(snapshot.holds) == true
            snapshotCheck = (s.seq, matches)
            if !matches {
                scan.problems.append(LineProblem(line: s.seq, problem: "the snapshot beside the log, taken at this line, does not hold the state the log gives here: it was changed or damaged. Delete \(store.snapshotLocation) (it is rebuilt from the log); if others can write this folder, find out who changed it."))
            }
        }
        var againstCheckpoint = checkpoint.map { $0.problems(against: scan, code: replay.state.partnership?.code) } ?? []
        if let c = checkpoint, let root = c.root, againstCheckpoint.isEmpty, tree.size == c.seq, tree.root?.hex != root {
            againstCheckpoint.append(LineProblem(line: c.seq, problem: "the Merkle root of lines 1 to \(c.seq) is \(tree.root?.hex ?? "-"), not the checkpoint's \(root): the checkpoint was copied wrongly, or made up"))
        }
        scan.problems += againstCheckpoint
        // Line 0: the medium, not a line of the log.
        scan.problems += store.safeguardProblems().map { LineProblem(line: 0, problem: $0) }
        scan.problems += witnessProblems(scan)
        if scan.problems.isEmpty { remember(scan) }
        var verification = Verification(scan: scan, checkpoint: checkpoint, witnessed: seen, snapshot: snapshotCheck)
        verification.checkpointProblems = againstCheckpoint.count
        verification.redactions = scan.redactions.compactMap { vouches[$0.vouchedBy] }
        return verification
    }
}
