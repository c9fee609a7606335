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
            options: [OptionSpec(name: "--checkpoint", valueName: "line", help: "A checkpoint you trust; the bundle must be against it or prove it extends it.")],
            formats: [.table, .json],
            run: verifyProof),
    ]

    /// A checkpoint option's value, or a usage error saying what one looks like.
    static func checkpointOption(_ inv: Invocation, _ name: String) throws(UsageError) -> Checkpoint? {
        guard let text = inv.value(name) else { return nil }
        guard let c = Checkpoint(text.trimmedSpaces) else {
            throw inv.usage("'\(text)' is not a checkpoint for '\(name)'; it looks like: casetrail-checkpoint MSCP seq=42 sha256=<64 hex digits> root=<64 hex digits>.")
        }
        return c
    }

    static func prove(_ inv: Invocation) throws -> String {
        let checkpoint = try checkpointOption(inv, "--checkpoint")!
        let out = inv.required("--out")
        let bundle: ProofBundle
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
        do {
            proven = try ProofBundle.read(bytes).verify(trusted: trusted)
        } catch {
            let message = "The proof does not hold: \(error.message)."
            throw IntegrityFailure(stdout: format == .json ? jsonText(.object(["ok": .bool(false), "problem": .string(error.message)])) : message + "\n")
        }
        let cp = proven.checkpoint
        let against = trusted == nil ? "the bundle's own checkpoint (give --checkpoint with one you trust to check it is that one)" : "the trusted checkpoint"
        if format == .json {
            return jsonText(.object([
                "ok": .bool(true), "checkpoint": .string(cp.text), "trusted": .bool(trusted != nil), "extends": .optional(proven.extends?.text),
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
