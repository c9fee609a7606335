import CaseTrailCore
import CaseTrailStore

/// `casetrail-checkpoint <code> seq=<n> sha256=<hex>`: the head of a log at a moment, to keep in
/// minutes; `verify --checkpoint` later proves the log still extends it.
public struct Checkpoint: Equatable, Sendable {
    public var code: String
    public var seq: Int
    public var hash: String

    public init(code: String, seq: Int, hash: String) {
        self.code = code
        self.seq = seq
        self.hash = hash
    }

    /// The checkpoint of a partnership's log whose last line (within what was read) is `head`.
    public init(_ partnership: PartnershipInfo, head: LogRecord) {
        self.init(code: partnership.code, seq: head.seq, hash: head.hash)
    }

    public var text: String { "casetrail-checkpoint \(code) seq=\(seq) sha256=\(hash)" }

    /// Reads a checkpoint line as `text` writes it; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: " ").map(String.init)
        guard parts.count == 4, parts[0] == "casetrail-checkpoint", parts[2].hasPrefix("seq="), parts[3].hasPrefix("sha256="),
              let n = Int(parts[2].dropFirst(4)), n > 0 else { return nil }
        let hex = String(parts[3].dropFirst(7))
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        self.init(code: parts[1], seq: n, hash: hex)
    }

    /// What stops a log (scanned with `hashesOf: [seq]`) from proving it extends this checkpoint.
    public func problems(against scan: LogScan, code logCode: String?) -> [LineProblem] {
        var out: [LineProblem] = []
        if let c = logCode, c != code {
            out.append(LineProblem(line: 1, problem: "the checkpoint is for partnership \(code), but this log is \(possessive(c))"))
        }
        let last = scan.head?.seq ?? 0
        if last < seq {
            out.append(LineProblem(line: last + 1, problem: "the checkpoint names seq \(seq), but the log ends at seq \(last): either the checkpoint was copied wrongly, or the lines after seq \(last) were cut from the log"))
        } else if scan.requestedHashes[seq] != hash {
            out.append(LineProblem(line: seq, problem: "line \(seq) does not have the checkpoint's hash: either the checkpoint was copied wrongly (one character is enough), or the log up to line \(seq) was rewritten"))
        }
        return out
    }
}
