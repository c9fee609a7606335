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
    /// into a typed fact, and with a checkpoint that the log still extends it. Applying a decoded
    /// event cannot fail (`evolve` is total), so the state itself is not rebuilt; only the code is kept.
    public func verify(against checkpoint: Checkpoint?) throws(StoreError) -> Verification {
        var code: String?
        var scan = try store.read(upTo: .all, after: nil, hashOf: checkpoint?.seq) { _, decoded in
            if code == nil, case .success(.partnershipInitialised(_, let c)) = decoded { code = c }
            return decoded.problem
        }
        if let c = checkpoint { scan.problems += c.problems(against: scan, code: code) }
        return Verification(scan: scan, checkpoint: checkpoint)
    }
}
