import Foundation
import Testing
import CaseTrailApp
import CaseTrailCLI
import CaseTrailStore
import CaseTrailTestSupport

/// `checkpoint` with its Merkle root, `prove` and `verify-proof`, on a copy of the demo log.
@Suite struct ProofCommandTests {
    static let action = "MSCP-AUD-2022-02/R1/A1"

    func demo() throws -> (TemporaryDirectory, String, String) {
        let dir = try TemporaryDirectory()
        let log = dir.path("demo.jsonl")
        try FileManager.default.copyItem(atPath: DemoLogTests.demo, toPath: log)
        let checkpoint = cli(["checkpoint", "--log", log], now: realNow).stdout.trimmingCharacters(in: .newlines)
        return (dir, log, checkpoint)
    }

    @Test func aBundleForOneActionHoldsOnlyItsLinesAndVerifiesWithoutTheLog() throws {
        let (dir, log, checkpoint) = try demo()
        #expect(checkpoint.contains(" root="))
        let file = dir.path("action.proof")
        let made = cli(["prove", Self.action, "--checkpoint", checkpoint, "--out", file, "--log", log], now: realNow)
        #expect(made.status == 0, "\(made.stderr)")
        let bundle = try ProofBundle.read(readBytes(file))
        #expect(bundle.lines.allSatisfy { StandaloneLine.read($0.text).record?.stream == "action-\(Self.action)" })
        // Every line of the action's history is there, and nothing else: no child's pseudonym, no other stream.
        let history = try JSONValue.parse(cli(["history", Self.action, "--format", "json", "--log", log], now: realNow).stdout)["events"]!.arrayValue!
        #expect(bundle.lines.map(\.seq) == history.map { $0["seq"]!.intValue! })
        let text = String(decoding: readBytes(file), as: UTF8.self)
        for pseudonym in ["Andy", "Child A", "Child F", "Callum", "Jack"] { #expect(!text.contains(pseudonym), "\(pseudonym) is in the bundle") }
        // Moved to where the log is not, it verifies and prints the action's history.
        try FileManager.default.removeItem(atPath: log)
        let checked = cli(["verify-proof", file, "--checkpoint", checkpoint])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.hasPrefix("Proven: 4 lines of the log pinned by \(checkpoint), checked against the trusted checkpoint.\n"))
        #expect(checked.stdout.contains("action_reopened     bm reopened \(Self.action)"))
        let json = try JSONValue.parse(cli(["verify-proof", file, "--format", "json"]).stdout)
        #expect(json["ok"] == true && json["trusted"] == false && json["events"]!.arrayValue!.count == 4)
    }

    @Test func anyChangedByteOfABundleIsRefused() throws {
        let (dir, log, checkpoint) = try demo()
        let file = dir.path("action.proof")
        _ = cli(["prove", Self.action, "--checkpoint", checkpoint, "--out", file, "--log", log], now: realNow)
        let bytes = readBytes(file)
        let trusted = Checkpoint(checkpoint)!
        #expect(throws: Never.self) { try ProofBundle.read(bytes).verify(trusted: trusted) }
        var accepted: [Int] = []
        for i in bytes.indices {
            var bent = bytes
            bent[i] ^= 0x01
            if (try? ProofBundle.read(bent).verify(trusted: nil)) != nil { accepted.append(i) }
        }
        #expect(accepted.isEmpty, "a bundle changed at byte \(accepted.first ?? -1) of \(bytes.count) still verified")
        // Through the command: a changed byte fails with what failed, exit status 3.
        var bent = bytes
        bent[bytes.count / 2] ^= 0x01
        try writeBytes(dir.path("bent.proof"), bent)
        let out = cli(["verify-proof", dir.path("bent.proof")])
        #expect(out.status == 3 && out.stdout.hasPrefix("The proof does not hold: "))
    }

    @Test func aBundleAgainstAnotherCheckpointOrForAnotherSizeIsRefused() throws {
        let (dir, log, checkpoint) = try demo()
        let file = dir.path("action.proof")
        _ = cli(["prove", Self.action, "--checkpoint", checkpoint, "--out", file, "--log", log], now: realNow)
        let earlier = cli(["checkpoint", "--as-of", "seq:250", "--log", log], now: realNow).stdout.trimmingCharacters(in: .newlines)
        let other = cli(["verify-proof", file, "--checkpoint", earlier])
        #expect(other.status == 3 && other.stdout.contains("the bundle is against \(checkpoint), not the trusted checkpoint"))
        // The same lines and proofs presented as a tree of another size, its checkpoint made up to match.
        var bundle = try ProofBundle.read(readBytes(file))
        bundle.checkpoint = Checkpoint(earlier)!
        #expect(throws: ProofError.self) { try bundle.verify(trusted: nil) }
        // A checkpoint without its root (as older ones are) cannot be proven against.
        let old = checkpoint.components(separatedBy: " root=")[0]
        let refused = cli(["prove", Self.action, "--checkpoint", old, "--out", dir.path("x.proof"), "--log", log], now: realNow)
        #expect(refused.status == 1 && refused.stderr.contains("carries no Merkle root"))
        #expect(cli(["prove", Self.action, "--checkpoint", checkpoint, "--out", file, "--log", log], now: realNow).stderr.contains("already exists"))
        #expect(cli(["prove", "seq:0", "--checkpoint", checkpoint, "--out", dir.path("y.proof"), "--log", log], now: realNow).status == 64)
        // verify --checkpoint checks the root too: one made up for the right line is caught.
        let wrongRoot = old + " root=" + String(repeating: "0", count: 64)
        let verified = cli(["verify", "--checkpoint", wrongRoot, "--log", log], now: realNow)
        #expect(verified.status == 3 && verified.stdout.contains("not the checkpoint's \(String(repeating: "0", count: 64))"))
        #expect(cli(["verify", "--checkpoint", checkpoint, "--log", log], now: realNow).status == 0)
    }

    @Test func aConsistencyProofShowsALaterCheckpointExtendsAnEarlierOne() throws {
        let (dir, log, checkpoint) = try demo()
        let earlier = cli(["checkpoint", "--as-of", "seq:139", "--log", log], now: realNow).stdout.trimmingCharacters(in: .newlines)
        let file = dir.path("extends.proof")
        let made = cli(["prove", "--extends", earlier, "--checkpoint", checkpoint, "--out", file, "--log", log], now: realNow)
        #expect(made.status == 0, "\(made.stderr)")
        let checked = cli(["verify-proof", file, "--checkpoint", earlier])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.hasPrefix("Proven: the log at seq \(Checkpoint(checkpoint)!.seq)"))
        // Given the other way round, or an earlier checkpoint the log does not have, it is refused.
        #expect(cli(["prove", "--extends", checkpoint, "--checkpoint", earlier, "--out", dir.path("b.proof"), "--log", log], now: realNow).status == 1)
        let forged = Checkpoint(earlier)!
        let madeUp = Checkpoint(code: forged.code, seq: forged.seq, hash: forged.hash, root: String(repeating: "0", count: 64)).text
        #expect(cli(["prove", "--extends", madeUp, "--checkpoint", checkpoint, "--out", dir.path("c.proof"), "--log", log], now: realNow).status == 1)
        #expect(cli(["verify-proof", file, "--checkpoint", madeUp]).status == 3)
    }

    @Test func aRedactedLineIsProvenByTheVouchBesideIt() throws {
        let (dir, log, checkpoint) = try demo()
        let file = dir.path("redacted.proof")
        #expect(cli(["prove", "MSCP-EXT-2023-01/R2/A1", "--checkpoint", checkpoint, "--out", file, "--log", log], now: realNow).status == 0)
        let checked = cli(["verify-proof", file, "--checkpoint", checkpoint])
        #expect(checked.status == 0, "\(checked.stdout)")
        #expect(checked.stdout.contains("[redacted since, vouched for in the bundle]"))
        // Without its vouch, the redacted line is refused.
        let redacted = try JSONValue.parse(cli(["history", "--format", "json", "--log", log], now: realNow).stdout)["events"]!.arrayValue!
            .first { $0["type"] == "line_redacted" }!
        let seq = Int(redacted["summary"]!.stringValue!.components(separatedBy: "line ")[1].prefix { $0.isNumber })!
        #expect(cli(["prove", "seq:\(seq)", "--checkpoint", checkpoint, "--out", dir.path("alone.proof"), "--log", log], now: realNow).status == 0)
        #expect(cli(["verify-proof", dir.path("alone.proof")]).stdout.contains("no redaction in the bundle vouches for it"))
    }
}
