import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

extension Commands {
    static let proofs: [CommandSpec] = [
        CommandSpec(
            words: ["prove"], abstract: "Write a proof bundle: one review's, one action's or some lines of the log, each proven to be in a checkpoint's log.",
            discussion: """
            The bundle holds those lines exactly as stored, each with its RFC 6962 inclusion proof (about log2(n) hashes)
            against the checkpoint's Merkle root, and the checkpoint: no other line of the log, so no other child's record.
            With --extends OLD (and no target), it proves instead that the log at --checkpoint extends the log at OLD.
            'casetrail verify-proof FILE' checks a bundle with no log at all.
            """,
            arguments: [ArgumentSpec(name: "target", help: "A review (REF), an action (REF/R1/A1), or lines as seq:N[,seq:M...].", optional: true)],
            options: [
                OptionSpec(name: "--checkpoint", valueName: "line", help: "The checkpoint to prove against, as 'casetrail checkpoint' printed it (with its root).", required: true),
                OptionSpec(name: "--out", valueName: "file", help: "The bundle to write (a new file).", required: true),
                OptionSpec(name: "--extends", valueName: "line", help: "An earlier checkpoint: prove the log at --checkpoint extends it."),
            ],
            run: prove),
        CommandSpec(
            words: ["verify-proof"], abstract: "Check a proof bundle without the log, and print the history it proves.",
            discussion: """
            Checks each line's own hash, that it is about the bundle's target, its inclusion proof against the checkpoint's
            root, and, given --checkpoint (one you trust, e.g. from the minutes), that the bundle's checkpoint is it or is
            proven to extend it. Any changed byte fails, with what failed (exit status 3).
            """,
            arguments: [ArgumentSpec(name: "file", help: "The bundle 'casetrail prove' wrote.")],
            options: [OptionSpec(name: "--checkpoint", valueName: "line", help: "A checkpoint you trust; the bundle must be against it or prove it extends it."),
                      allowedSignersOption],
            formats: [.table, .json],
            run: verifyProof),
    ]

    /// A checkpoint option's value (its signature too, if signed), or a usage error saying what one looks like.
    static func signedCheckpointOption(_ inv: Invocation, _ name: String) throws(UsageError) -> SignedCheckpoint? {
        guard let text = inv.value(name) else { return nil }
        guard let c = SignedCheckpoint(text) else {
            throw inv.usage("'\(text)' is not a checkpoint for '\(name)'; it looks like: casetrail-checkpoint MSCP seq=42 sha256=<64 hex digits> root=<64 hex digits>, with its signature below it if signed.")
        }
        return c
    }

    static func checkpointOption(_ inv: Invocation, _ name: String) throws(UsageError) -> Checkpoint? { try signedCheckpointOption(inv, name)?.checkpoint }

    static let signOption = OptionSpec(name: "--sign", valueName: "key",
                                       help: "Sign the checkpoint with this SSH private key, through ssh-keygen (default: policy checkpoint-key).")
    static let allowedSignersOption = OptionSpec(name: "--allowed-signers", valueName: "file",
                                                 help: "OpenSSH allowed signers (as for git): the checkpoint must be signed by a key in it.")

    /// The checkpoint signed with `--sign KEY`, else the key policy checkpoint-key names, else unsigned.
    static func sign(_ checkpoint: Checkpoint, _ inv: Invocation, _ state: State) throws -> SignedCheckpoint {
        let policyKey = state.policy(.checkpointKey)
        guard let key = inv.value("--sign") ?? (policyKey == "none" ? nil : policyKey) else { return SignedCheckpoint(checkpoint) }
        guard let program = SSHSignature.program(inv.context.environment) else {
            throw Refusal(message: "Signing a checkpoint needs OpenSSH's ssh-keygen, which is not installed here (apt-get install openssh-client).")
        }
        let unsigned = SignedCheckpoint(checkpoint)
        return SignedCheckpoint(checkpoint, signature: try SSHSignature.sign(unsigned.message, key: key, program: program))
    }

    /// With `--allowed-signers`, who signed the checkpoint; an integrity failure when no one listed did.
    static func checkSignature(_ signed: SignedCheckpoint, _ inv: Invocation) throws -> String? {
        guard let allowed = inv.value("--allowed-signers") else { return nil }
        guard let signature = signed.signature else {
            throw IntegrityFailure(stdout: "FAILED: the checkpoint is not signed, and --allowed-signers asks for a signed one ('casetrail checkpoint --sign KEY').\n")
        }
        guard let program = SSHSignature.program(inv.context.environment) else {
            throw Refusal(message: "Checking a checkpoint's signature needs OpenSSH's ssh-keygen, which is not installed here (apt-get install openssh-client).")
        }
        guard let signer = try SSHSignature.signer(of: signed.message, signature: signature, allowedSigners: allowed, program: program) else {
            throw IntegrityFailure(stdout: "FAILED: the checkpoint's signature is not by a key in \(allowed), or the checkpoint was changed after it was signed.\n")
        }
        return signer
    }

    static func prove(_ inv: Invocation) throws -> String {
        let signed = try signedCheckpointOption(inv, "--checkpoint")!
        let checkpoint = signed.checkpoint
        let out = inv.required("--out")
        var bundle: ProofBundle
        if let old = try checkpointOption(inv, "--extends") {
            if let t = inv.argument(0) { throw inv.usage("'prove --extends' proves one checkpoint extends another; leave out '\(t)', or --extends.") }
            bundle = try inv.ledger.proveConsistency(from: old, to: checkpoint)
        } else {
            guard let target = inv.argument(0) else { throw inv.usage("'prove' needs what to prove: a review, an action or seq:N lines (or --extends OLD).") }
            if target.hasPrefix("seq:") {
                for part in target.split(separator: ",") { _ = try inv.lineSeq(String(part)) }
            }
            bundle = try inv.ledger.prove(target, against: checkpoint)
        }
        bundle.signature = signed.signature
        try UserFile.create(out, bundle.bytes)
        if let e = bundle.extends {
            return "Wrote \(out): a proof that the log at seq \(checkpoint.seq) extends the log at seq \(e.checkpoint.seq) (\(e.proof.count) hashes).\n"
        }
        return "Wrote \(out): \(bundle.lines.count) line\(bundle.lines.count == 1 ? "" : "s") about \(bundle.target!), each with its inclusion proof against seq \(checkpoint.seq); no other line of the log.\n"
    }

    static func verifyProof(_ inv: Invocation) throws -> String {
        let trusted = try checkpointOption(inv, "--checkpoint")
        let format = try inv.format()
        let bytes = try UserFile.read(inv.argument(0)!, maxBytes: 256 << 20)
        let proven: ProvenLines
        let bundle: ProofBundle
        do {
            bundle = try ProofBundle.read(bytes)
            proven = try bundle.verify(trusted: trusted)
        } catch {
            let message = "The proof does not hold: \(error.message)."
            throw IntegrityFailure(stdout: format == .json ? jsonText(.object(["ok": .bool(false), "problem": .string(error.message)])) : message + "\n")
        }
        let signer = try checkSignature(SignedCheckpoint(bundle.checkpoint, signature: bundle.signature), inv)
        let cp = proven.checkpoint
        let against = signer.map { "the checkpoint signed by \($0)" }
            ?? (trusted == nil ? "the bundle's own checkpoint (give --checkpoint with one you trust, or --allowed-signers, to check it is that one)" : "the trusted checkpoint")
        if format == .json {
            return jsonText(.object([
                "ok": .bool(true), "checkpoint": .string(cp.text), "trusted": .bool(trusted != nil), "signed_by": .optional(signer),
                "extends": .optional(proven.extends?.text),
                "events": .array(proven.lines.map { l in
                    .object(["seq": .int(l.record.seq), "recorded_at": .string(l.record.recordedAt.description), "on": .optional(l.event?.businessDate?.description),
                             "actor": .string(l.record.actor), "type": .string(l.record.type), "stream": .string(l.record.stream),
                             "summary": .string(l.event.map { $0.summary(by: l.record.actor) } ?? ""), "redacted": .bool(l.redacted)])
                }),
            ]))
        }
        var text = ""
        if let old = proven.extends {
            text += "Proven: the log at seq \(cp.seq) (root \(cp.root!.prefix(16))…) extends the log at seq \(old.seq) (root \(old.root!.prefix(16))…), checked against \(against).\n"
        }
        guard !proven.lines.isEmpty else { return text }
        text += "Proven: \(proven.lines.count) line\(proven.lines.count == 1 ? "" : "s") of the log pinned by \(cp.text), checked against \(against).\n\n"
        let table = Table(columns: ["SEQ", "RECORDED", "ON", "ACTOR", "TYPE", "SUMMARY"], rows: proven.lines.map { l in
            [String(l.record.seq), String(l.record.recordedAt.description.prefix(16)).replacingAll("T", with: " "), l.event?.businessDate?.description ?? "-",
             l.record.actor, l.record.type, (l.event.map { $0.summary(by: l.record.actor) } ?? "") + (l.redacted ? " [redacted since, vouched for in the bundle]" : "")]
        })
        return text + table.render(.table, width: inv.tableWidth)
    }
}
