import CaseTrailCore
import CaseTrailStore

/// What `verify` found: every line checked, and how the log stands against a checkpoint.
public struct Verification: Sendable {
    /// The full scan, its problems including any against the checkpoint.
    public var scan: LogScan
    public var checkpoint: Checkpoint?
    /// What this user's casetrail had seen of the log before this check, if it had.
    public var witnessed: Witnessed?
    public var ok: Bool { scan.problems.isEmpty }
}

extension Ledger {
    /// Checks every line of the log (never the snapshot): its hash and links, that its event decodes
    /// into a typed fact, that the command which wrote it could have been decided then, and with a
    /// checkpoint that the log still extends it.
    public func verify(against checkpoint: Checkpoint?) throws(StoreError) -> Verification {
        var replay = Replay(Partnership.initialState)
        replay.latestBelievable = latestBelievable
        replay.state.reserveCapacity(forEvents: store.byteCount / 400)
        let seen = witnessedBefore
        var scan = try store.read(upTo: .all, after: nil, hashesOf: (checkpoint.map { [$0.seq] } ?? []) + witnessed) { record, decoded in replay.take(record, decoded) }
        if let c = checkpoint { scan.problems += c.problems(against: scan, code: replay.state.partnership?.code) }
        scan.problems += witnessProblems(scan)
        if scan.problems.isEmpty { remember(scan) }
        return Verification(scan: scan, checkpoint: checkpoint, witnessed: seen)
    }
}
