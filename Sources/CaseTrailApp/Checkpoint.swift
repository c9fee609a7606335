import CaseTrailCore
import CaseTrailStore

/// `casetrail-checkpoint <code> seq=<n> sha256=<hex> root=<hex>`: the head of a log at a moment, to
/// keep in minutes; `verify --checkpoint` later proves the log still extends it. `root` is the RFC 6962
/// Merkle root of its first n lines, against which `prove` gives proofs; lines without it (older
/// checkpoints) are still read.
public struct Checkpoint: Equatable, Sendable {
    public var code: String
    public var seq: Int
    public var hash: String
    public var root: String?

    public init(code: String, seq: Int, hash: String, root: String? = nil) {
        self.code = code
        self.seq = seq
        self.hash = hash
        self.root = root
    }

    /// The checkpoint of a partnership's log whose last line (within what was read) is `head`.
    public init(_ partnership: PartnershipInfo, head: LogRecord, root: Digest? = nil) {
        self.init(code: partnership.code, seq: head.seq, hash: head.hash, root: root?.hex)
    }

    public var text: String { "casetrail-checkpoint \(code) seq=\(seq) sha256=\(hash)" + (root.map { " root=\($0)" } ?? "") }

    /// Reads a checkpoint line as `text` writes it (with or without its root); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: " ").map(String.init)
        guard parts.count == 4 || parts.count == 5, parts[0] == "casetrail-checkpoint", parts[2].hasPrefix("seq="), parts[3].hasPrefix("sha256="),
              let n = Int(parts[2].dropFirst(4)), n > 0, n <= 1 << 53 else { return nil }
        func hex(_ s: Substring) -> String? {
            s.utf8.count == 64 && s.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) ? String(s) : nil
        }
        guard let head = hex(parts[3].dropFirst(7)) else { return nil }
        var root: String?
        if parts.count == 5 {
            guard parts[4].hasPrefix("root="), let r = hex(parts[4].dropFirst(5)) else { return nil }
            root = r
        }
        self.init(code: parts[1], seq: n, hash: head, root: root)
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

/// A checkpoint as kept in minutes: its line, and below it, when it was signed, the SSH signature of
/// that line (`checkpoint --sign`), which `--allowed-signers` checks.
public struct SignedCheckpoint: Equatable, Sendable {
    public var checkpoint: Checkpoint
    /// The armored `-----BEGIN SSH SIGNATURE-----` block, when signed.
    public var signature: String?

    public init(_ checkpoint: Checkpoint, signature: String? = nil) {
        self.checkpoint = checkpoint
        self.signature = signature
    }

    /// What is signed: the checkpoint's line with its line break.
    public var message: [UInt8] { Array((checkpoint.text + "\n").utf8) }

    public var text: String { checkpoint.text + (signature.map { "\n" + $0.trimmingTrailingNewlines } ?? "") }

    /// Reads a checkpoint line, with a signature block after it or not; nil for anything else.
    public init?(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        guard let first = lines.first, let c = Checkpoint(first.trimmingSpacesAround) else { return nil }
        checkpoint = c
        let rest = lines.dropFirst()
        if rest.isEmpty { signature = nil; return }
        guard rest.first == "-----BEGIN SSH SIGNATURE-----", rest.last == "-----END SSH SIGNATURE-----", rest.count <= 64,
              rest.dropFirst().dropLast().allSatisfy({ $0.utf8.allSatisfy { b in (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2F || b == 0x3D } }) else {
            return nil
        }
        signature = rest.joined(separator: "\n") + "\n"
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    var trimmingSpacesAround: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
