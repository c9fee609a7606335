import Foundation
import Testing
import CaseTrailApp
import CaseTrailCLI
import CaseTrailStore
import CaseTrailTestSupport

/// `checkpoint --sign` and `--allowed-signers`, through OpenSSH's ssh-keygen when it is installed.
@Suite(.enabled(if: SSHSignature.program(ProcessInfo.processInfo.environment) != nil)) struct SignedCheckpointTests {
    /// A copy of the demo log, a signing key listed in `allowed`, and a key that is not.
    func setUp() throws -> (dir: TemporaryDirectory, log: String, key: String, allowed: String, other: String) {
        let dir = try TemporaryDirectory()
        let log = dir.path("demo.jsonl")
        try FileManager.default.copyItem(atPath: DemoLogTests.demo, toPath: log)
        let keygen = SSHSignature.program(ProcessInfo.processInfo.environment)!
        for name in ["key", "other"] {
            #expect(try runProgram(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", dir.path(name)]).status == 0)
        }
        func listing(_ who: String, _ key: String) throws -> String { "\(who) " + String(decoding: readBytes(dir.path(key + ".pub")), as: UTF8.self) }
        try listing("business.manager@mscp", "key").write(toFile: dir.path("allowed"), atomically: true, encoding: .utf8)
        try listing("someone@elsewhere", "other").write(toFile: dir.path("other-allowed"), atomically: true, encoding: .utf8)
        return (dir, log, dir.path("key"), dir.path("allowed"), dir.path("other-allowed"))
    }

    @Test func aSignedCheckpointVerifiesOnlyWithItsSignersKeyAndUnchanged() throws {
        let s = try setUp()
        let signed = cli(["checkpoint", "--sign", s.key, "--log", s.log], now: realNow).stdout
        #expect(signed.contains("\n-----BEGIN SSH SIGNATURE-----\n") && signed.hasSuffix("-----END SSH SIGNATURE-----\n"))
        let good = cli(["verify", "--checkpoint", signed, "--allowed-signers", s.allowed, "--log", s.log], now: realNow)
        #expect(good.status == 0 && good.stdout.contains("Signed:  the checkpoint was signed by business.manager@mscp"))
        let stranger = cli(["verify", "--checkpoint", signed, "--allowed-signers", s.other, "--log", s.log], now: realNow)
        #expect(stranger.status == 3 && stranger.stdout.contains("not by a key in"))
        // An earlier, true checkpoint of the same log under that signature: the log matches it, the signature does not.
        let earlier = cli(["checkpoint", "--as-of", "seq:250", "--log", s.log], now: realNow).stdout.trimmingCharacters(in: .newlines)
        let moved = earlier + "\n" + signed.components(separatedBy: "\n").dropFirst().joined(separator: "\n")
        #expect(cli(["verify", "--checkpoint", moved, "--log", s.log], now: realNow).status == 0)
        #expect(cli(["verify", "--checkpoint", moved, "--allowed-signers", s.allowed, "--log", s.log], now: realNow).status == 3)
        // Asked for a signature, an unsigned checkpoint fails.
        let unsigned = signed.components(separatedBy: "\n")[0]
        #expect(cli(["verify", "--checkpoint", unsigned, "--allowed-signers", s.allowed, "--log", s.log], now: realNow).stdout.hasPrefix("FAILED: the checkpoint is not signed"))
    }

    @Test func aBundleAgainstASignedCheckpointCarriesItsSignature() throws {
        let s = try setUp()
        let signed = cli(["checkpoint", "--sign", s.key, "--log", s.log], now: realNow).stdout
        let file = s.dir.path("a.proof")
        #expect(cli(["prove", "MSCP-AUD-2022-02/R1/A1", "--checkpoint", signed, "--out", file, "--log", s.log], now: realNow).status == 0)
        let checked = cli(["verify-proof", file, "--allowed-signers", s.allowed])
        #expect(checked.status == 0 && checked.stdout.contains("checked against the checkpoint signed by business.manager@mscp"))
        #expect(cli(["verify-proof", file, "--allowed-signers", s.other]).status == 3)
    }

    @Test func papersEndWithTheCheckpointSignedByThePolicysKey() throws {
        let s = try setUp()
        #expect(cli(["policy", "set", "checkpoint-key", s.key, "--log", s.log, "--actor", "bm"], now: realNow).status == 0)
        let paper = cli(["report", "meeting", "--for", "executive", "--today", "2023-06-14", "--log", s.log], now: realNow).stdout
        #expect(paper.hasSuffix("-----END SSH SIGNATURE-----\n```\n"))
        let annual = try JSONValue.parse(cli(["report", "annual", "--year", "2022-23", "--format", "json", "--log", s.log], now: realNow).stdout)
        let text = annual["checkpoint"]!.stringValue! + "\n" + annual["checkpoint_signature"]!.stringValue!
        #expect(cli(["verify", "--checkpoint", text, "--allowed-signers", s.allowed, "--log", s.log], now: realNow).status == 0)
    }
}

@Suite struct SSHAvailabilityTests {
    /// CI installs OpenSSH's client and sets CASETRAIL_REQUIRE_COMPONENTS=1: there, skipped signing checks are a failure.
    @Test func theSigningChecksRunWhereverComponentsAreRequired() {
        let required = ProcessInfo.processInfo.environment["CASETRAIL_REQUIRE_COMPONENTS"] == "1"
        #expect(!required || SSHSignature.program(ProcessInfo.processInfo.environment) != nil, "CASETRAIL_REQUIRE_COMPONENTS=1 but ssh-keygen is not installed (apt-get install openssh-client)")
    }
}
