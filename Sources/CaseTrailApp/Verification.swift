import CaseTrailCore
import CaseTrailStore

/// What `verify` found: every line checked, and how the log stands against a checkpoint.
public struct Verification: Sendable {
    /// The full scan, its problems including any against the checkpoint.
    public var scan: LogScan
    public var checkpoint: Checkpoint?
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
        var scan = try store.read(upTo: .all, after: nil, hashOf: checkpoint?.seq) { record, decoded in replay.take(record, decoded) }
        if let c = checkpoint { scan.problems += c.problems(against: scan, code: replay.state.partnership?.code) }
        return Verification(scan: scan, checkpoint: checkpoint)
    }
}
