import CaseTrailCore
import CaseTrailStore

/// What an auditor is given instead of the whole log: some lines exactly as stored, each with its
/// RFC 6962 inclusion proof against a checkpoint's Merkle root, and the checkpoint; or a proof that
/// one checkpoint's log extends another's. It holds no other line of the log.
public struct ProofBundle: Equatable, Sendable {
    public struct Line: Equatable, Sendable {
        public var seq: Int
        public var text: [UInt8]
        public var proof: [Digest]
    }

    /// What the lines were chosen by: a review, an action, or seq:N lines; nil for a consistency proof.
    public var target: String?
    public var checkpoint: Checkpoint
    /// The checkpoint's SSH signature, when the one proven against was signed (`verify-proof --allowed-signers` checks it).
    public var signature: String?
    /// The inclusion proof of the checkpoint's own line (its `sha256`) as the last leaf of its tree:
    /// what ties the checkpoint's hash, size and root together.
    public var headProof: [Digest] = []
    public var lines: [Line] = []
    /// For `prove --extends`: the earlier checkpoint, the proof that `checkpoint` extends it, and the
    /// earlier checkpoint's own head proof.
    public var extends: (checkpoint: Checkpoint, proof: [Digest], headProof: [Digest])?

    public static func == (a: ProofBundle, b: ProofBundle) -> Bool {
        a.target == b.target && a.checkpoint == b.checkpoint && a.signature == b.signature && a.headProof == b.headProof && a.lines == b.lines
            && a.extends?.checkpoint == b.extends?.checkpoint && a.extends?.proof == b.extends?.proof && a.extends?.headProof == b.extends?.headProof
    }

    public init(target: String?, checkpoint: Checkpoint, headProof: [Digest], lines: [Line] = [],
                extends: (checkpoint: Checkpoint, proof: [Digest], headProof: [Digest])? = nil) {
        self.target = target
        self.checkpoint = checkpoint
        self.headProof = headProof
        self.lines = lines
        self.extends = extends
    }

    /// The bundle as one JSON object, members in a fixed order, ending with the SHA-256 of the rest:
    /// the only form `read` accepts, so no byte of a bundle can change without it being refused.
    /// (That digest catches damage; what proves the lines is the checkpoint, trusted or signed.)
    public var bytes: [UInt8] {
        var out = unsealed
        out.removeLast()
        let seal = ",\"sha256\":\"\(SHA256.hex(out + [0x7D]))\"}"
        return out + Array(seal.utf8) + [0x0A]
    }

    private var unsealed: [UInt8] {
        func hashes(_ ds: [Digest]) -> JSONValue { .array(ds.map { .string($0.hex) }) }
        var members: [JSONMember] = [JSONMember("casetrail_proof", .int(1))]
        if let t = target { members.append(JSONMember("target", .string(t))) }
        members.append(JSONMember("checkpoint", .string(checkpoint.text)))
        if let s = signature { members.append(JSONMember("checkpoint_signature", .string(s))) }
        members.append(JSONMember("head_proof", hashes(headProof)))
        if let e = extends {
            members.append(JSONMember("extends", .string(e.checkpoint.text)))
            members.append(JSONMember("extends_head_proof", hashes(e.headProof)))
            members.append(JSONMember("consistency", hashes(e.proof)))
        }
        if target != nil {
            members.append(JSONMember("lines", .array(lines.map { l in
                .object(["seq": .int(l.seq), "line": .string(String(decoding: l.text, as: UTF8.self)), "proof": .array(l.proof.map { .string($0.hex) })])
            })))
        }
        var out: [UInt8] = []
        JSONValue.object(members).write(into: &out, escapingInvisibles: false)
        return out
    }

    /// Reads a bundle as `bytes` writes it; anything else, by even one byte, is refused with why.
    public static func read(_ bytes: [UInt8]) throws(ProofError) -> ProofBundle {
        guard bytes.count <= 256 << 20 else { throw ProofError("the file is larger than any proof bundle casetrail writes") }
        let json: JSONValue
        do { json = try JSONValue.parse(String(decoding: bytes.last == 0x0A ? Array(bytes.dropLast()) : bytes, as: UTF8.self)) } catch {
            throw ProofError("the file is not a proof bundle: it is not JSON (\(error))")
        }
        guard json["casetrail_proof"] == .int(1) else { throw ProofError("the file is not a casetrail proof bundle (version 1)") }
        guard json["sha256"] != nil else { throw ProofError("the bundle lacks its closing sha256") }
        guard let cpText = json["checkpoint"]?.stringValue, let checkpoint = Checkpoint(cpText), checkpoint.root != nil else {
            throw ProofError("the bundle's checkpoint is missing, unreadable or carries no Merkle root")
        }
        func digests(_ v: JSONValue?, _ what: String) throws(ProofError) -> [Digest] {
            guard let items = v?.arrayValue, items.count <= 64 else { throw ProofError("\(what) is not a list of at most 64 hashes") }
            var out: [Digest] = []
            for item in items {
                guard let text = item.stringValue, let d = Digest(hex: text) else { throw ProofError("\(what) holds something that is not a SHA-256 hash in hex") }
                out.append(d)
            }
            return out
        }
        var bundle = ProofBundle(target: json["target"]?.stringValue, checkpoint: checkpoint, headProof: try digests(json["head_proof"], "the checkpoint's head proof"))
        if let s = json["checkpoint_signature"] {
            guard let text = s.stringValue, SignedCheckpoint(checkpoint.text + "\n" + text) != nil else { throw ProofError("the checkpoint's signature is not an SSH signature block") }
            bundle.signature = text
        }
        if let old = json["extends"] {
            guard let text = old.stringValue, let c = Checkpoint(text), c.root != nil else { throw ProofError("the earlier checkpoint ('extends') is unreadable or carries no Merkle root") }
            bundle.extends = (c, try digests(json["consistency"], "the consistency proof"), try digests(json["extends_head_proof"], "the earlier checkpoint's head proof"))
        }
        if bundle.target != nil {
            guard let lines = json["lines"]?.arrayValue, !lines.isEmpty else { throw ProofError("the bundle holds no lines") }
            for l in lines {
                guard let seq = l["seq"]?.intValue, let text = l["line"]?.stringValue else { throw ProofError("a line of the bundle lacks its seq or its text") }
                bundle.lines.append(Line(seq: seq, text: Array(text.utf8), proof: try digests(l["proof"], "the proof of line \(seq)")))
            }
        } else if bundle.extends == nil {
            throw ProofError("the bundle proves nothing: it has neither lines nor an earlier checkpoint")
        }
        guard bundle.bytes == bytes else {
            throw ProofError("the bundle is not exactly as casetrail wrote it (a byte was changed, added or taken away: its closing sha256 no longer matches)")
        }
        return bundle
    }
}

/// Why a proof bundle was refused, in words.
public struct ProofError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// What `verify-proof` established: the lines proven, with their events, against which checkpoint.
public struct ProvenLines: Sendable {
    public var checkpoint: Checkpoint
    public var lines: [(record: LogRecord, event: Event?, redacted: Bool)]
    /// Set when the bundle proved its checkpoint extends the trusted one given.
    public var extends: Checkpoint?
}

extension ProofBundle {
    /// Checks everything without any log: each line's own hash (or, for a redacted line, the vouch for
    /// it in the bundle), that each is the line its seq says and belongs to the target, each inclusion
    /// proof against the checkpoint's root for its size, and, given a `trusted` checkpoint, that the
    /// bundle's is that one or is proven to extend it.
    public func verify(trusted: Checkpoint?) throws(ProofError) -> ProvenLines {
        let size = checkpoint.seq
        guard let root = checkpoint.root.flatMap(Digest.init(hex:)) else { throw ProofError("the bundle's checkpoint carries no Merkle root") }
        func headHolds(_ c: Checkpoint, _ proof: [Digest]) -> Bool {
            guard let head = Digest(hex: c.hash), let r = c.root.flatMap(Digest.init(hex:)) else { return false }
            return Merkle.verifyInclusion(leaf: Merkle.leaf(head), index: c.seq - 1, size: c.seq, proof: proof, root: r)
        }
        guard headHolds(checkpoint, headProof) else {
            throw ProofError("the checkpoint's hash is not the last line of the tree its root and size describe: the checkpoint or its head proof was changed")
        }
        var extended: Checkpoint?
        if let e = extends {
            guard headHolds(e.checkpoint, e.headProof) else {
                throw ProofError("the earlier checkpoint's hash is not the last line of the tree its root and size describe: it or its head proof was changed")
            }
            guard let oldRoot = e.checkpoint.root.flatMap(Digest.init(hex:)), e.checkpoint.code == checkpoint.code,
                  Merkle.verifyConsistency(oldSize: e.checkpoint.seq, newSize: size, oldRoot: oldRoot, newRoot: root, proof: e.proof) else {
                throw ProofError("the consistency proof does not show that the log at seq \(size) extends the log at seq \(e.checkpoint.seq): one of the two checkpoints, or the proof, was changed")
            }
            extended = e.checkpoint
        }
        if let trusted {
            if trusted == checkpoint {
            } else if let e = extends, trusted == e.checkpoint {
            } else {
                throw ProofError("the bundle is against \(checkpoint.text), not the trusted checkpoint \(trusted.text); ask for a bundle against the trusted one (prove --checkpoint), or one that proves it extends it (prove --extends)")
            }
        }
        var proven: [(record: LogRecord, event: Event?, redacted: Bool)] = []
        var redactions: [Int: (hash: String, sha256: String)] = [:]
        var read: [(Line, LogRecord, Event?, Bool)] = []
        var previous = 0
        for line in lines {
            guard line.seq > previous, line.seq <= size else {
                throw ProofError("line \(line.seq) is out of order or beyond the checkpoint's \(size) lines")
            }
            previous = line.seq
            let (record, event, problem, changed) = StandaloneLine.read(line.text)
            guard let record else { throw ProofError("line \(line.seq) cannot be read: \(problem ?? "")") }
            guard record.seq == line.seq else { throw ProofError("the bundle says line \(line.seq), but the line itself says seq \(record.seq)") }
            if let problem, !changed { throw ProofError("line \(line.seq): \(problem)") }
            if case let .lineRedacted(seq, _, _, _, _, originalHash, sha256)? = event { redactions[seq] = (originalHash, sha256) }
            read.append((line, record, event, changed))
        }
        for (line, record, event, changed) in read {
            if changed {
                // A redacted line no longer gives its hash; a later line of the bundle vouches for its new bytes.
                guard let vouch = redactions[line.seq], vouch.hash == record.hash, vouch.sha256 == SHA256.hex(line.text) else {
                    throw ProofError("line \(line.seq) does not give the hash it carries: it was changed after it was written, and no redaction in the bundle vouches for it")
                }
            }
            if let target, !ProofBundle.concerns(record.stream, target: target, seq: line.seq) {
                throw ProofError("line \(line.seq) (stream \(record.stream)) is not about \(target)")
            }
            guard let digest = record.digest,
                  Merkle.verifyInclusion(leaf: Merkle.leaf(digest), index: line.seq - 1, size: size, proof: line.proof, root: root) else {
                throw ProofError("the inclusion proof of line \(line.seq) does not lead to the checkpoint's root: the line, its proof or the checkpoint was changed")
            }
            proven.append((record, event, changed))
        }
        return ProvenLines(checkpoint: checkpoint, lines: proven, extends: extended)
    }

    /// Whether a line of `stream` belongs in a bundle for `target` (a review, an action, or seq:N lines).
    public static func concerns(_ stream: String, target: String, seq: Int) -> Bool {
        if target.hasPrefix("seq:") { return target.split(separator: ",").contains { $0 == "seq:\(seq)" } }
        return stream == "action-\(target)" || stream == "review-\(target)" || stream.hasPrefix("action-\(target)/")
    }
}

extension Ledger {
    /// A proof bundle for the lines about `target` (or the seqs it lists) in the log as `checkpoint`
    /// pins it, after checking the log reaches the checkpoint, has its hash there and its root.
    public func prove(_ target: String, against checkpoint: Checkpoint) throws -> ProofBundle {
        let (tree, _) = try tree(upTo: checkpoint)
        var lines: [ProofBundle.Line] = []
        try eachStoredLine(upTo: checkpoint.seq) { seq, bytes in
            guard let record = StandaloneLine.read(bytes).record, ProofBundle.concerns(record.stream, target: target, seq: seq) else { return }
            lines.append(ProofBundle.Line(seq: seq, text: bytes, proof: tree.inclusionProof(seq - 1, 0, checkpoint.seq)))
        }
        guard !lines.isEmpty else {
            throw ProofError("no line up to seq \(checkpoint.seq) is about \(target); give a review (REF) or an action (REF/R1/A1) as 'casetrail reviews' and 'casetrail history' show them, or seq:N lines")
        }
        return ProofBundle(target: target, checkpoint: checkpoint, headProof: tree.inclusionProof(checkpoint.seq - 1, 0, checkpoint.seq), lines: lines)
    }

    /// A bundle proving the log at `new` extends the log at `old`.
    public func proveConsistency(from old: Checkpoint, to new: Checkpoint) throws -> ProofBundle {
        guard old.root != nil else {
            throw ProofError("the earlier checkpoint carries no Merkle root (it was taken before casetrail kept one), so nothing without the log can show the log extends it; 'casetrail verify --checkpoint' with the whole log still does")
        }
        guard old.seq <= new.seq else { throw ProofError("the earlier checkpoint (seq \(old.seq)) comes after the later one (seq \(new.seq)); give them the other way round") }
        let (tree, lines) = try tree(upTo: new)
        guard old.hash == lines[old.seq - 1].hex, old.root == tree.root(0, old.seq).hex else {
            throw ProofError("the log at seq \(old.seq) is not the earlier checkpoint's: its hash or Merkle root differs, so the log does not extend it")
        }
        return ProofBundle(target: nil, checkpoint: new, headProof: tree.inclusionProof(new.seq - 1, 0, new.seq),
                           extends: (old, tree.consistencyProof(old.seq, new.seq), tree.inclusionProof(old.seq - 1, 0, old.seq)))
    }

    /// The Merkle tree of the log's first `checkpoint.seq` lines, every line checked as `verify` checks
    /// it, after making sure the log has the checkpoint's hash and root there.
    private func tree(upTo checkpoint: Checkpoint) throws -> (tree: Merkle.Tree, lines: [Digest]) {
        guard checkpoint.root != nil else {
            throw ProofError("that checkpoint carries no Merkle root (it was taken before casetrail kept one): take a new one with 'casetrail checkpoint', and prove against that")
        }
        var digests: [Digest] = []
        let (state, scan) = try load(upTo: .seq(checkpoint.seq)) { record, _ in if let d = record.digest, record.seq == digests.count + 1 { digests.append(d) } }
        let tree = Merkle.Tree(lines: digests)
        var problems: [LineProblem] = []
        if let code = state.partnership?.code, code != checkpoint.code {
            problems.append(LineProblem(line: 1, problem: "the checkpoint is for partnership \(checkpoint.code), but this log is \(code)'s"))
        } else if (scan.head?.seq ?? 0) < checkpoint.seq || tree.size != checkpoint.seq {
            problems.append(LineProblem(line: (scan.head?.seq ?? 0) + 1, problem: "the checkpoint names seq \(checkpoint.seq), but the log ends at seq \(scan.head?.seq ?? 0)"))
        } else if digests[checkpoint.seq - 1].hex != checkpoint.hash {
            problems.append(LineProblem(line: checkpoint.seq, problem: "line \(checkpoint.seq) does not have the checkpoint's hash: the checkpoint was copied wrongly, or the log was rewritten"))
        } else if tree.root(0, tree.size).hex != checkpoint.root {
            problems.append(LineProblem(line: checkpoint.seq, problem: "the log's Merkle root at line \(checkpoint.seq) is not the checkpoint's"))
        }
        if !problems.isEmpty { throw StoreError.integrity(path: store.location, problems: problems) }
        return (tree, digests)
    }

    /// Each stored line up to `count`, with its seq, exactly as the store holds it.
    private func eachStoredLine(upTo count: Int, _ body: (Int, [UInt8]) -> Void) throws {
        var seq = 0
        try store.exportLines(count: count) { chunk throws(StoreError) in
            var start = 0
            for i in chunk.indices where chunk[i] == 0x0A {
                seq += 1
                body(seq, Array(chunk[start..<i]))
                start = i + 1
            }
        }
    }
}
