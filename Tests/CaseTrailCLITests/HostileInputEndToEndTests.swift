import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
@testable import CaseTrailStore

/// The hostile-input classes once more through the real binary, each with its exit status.
@Suite struct HostileInputEndToEndTests {
    @Test func linksPipesAndOpenFoldersAreRefusedByTheBinary() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        try FileManager.default.createSymbolicLink(atPath: dir.path("events/link.jsonl"), withDestinationPath: log)
        mkfifo(dir.path("events/pipe.jsonl"), 0o600)
        #expect(try exec(["members", "--log", dir.path("events/link.jsonl")]).stderr.contains("is a symbolic link, not a file"))
        #expect(try exec(["members", "--log", dir.path("events/pipe.jsonl")]).stderr.contains("is a named pipe, not a file"))
        #expect(try exec(["init", "--partnership", "P", "--code", "P", "--log", dir.path("events/link.jsonl")]).stderr.contains("already taken by a symbolic link"))
        chmod(dir.path("events"), 0o777)
        #expect(try exec(["members", "--log", log]).status == 3)
        chmod(dir.path("events"), 0o700)
    }

    @Test func storedTextIsShownNotObeyedAndFormulasAreNeutralisedByTheBinary() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        try EventLog(path: log).appendBypassingRules([.agencyAdded(code: "EVIL", name: "=HYPERLINK(\"x\")\u{1B}[2J", aliases: [])], actor: "ann", now: t0)
        let table = try exec(["agencies", "--log", log])
        #expect(table.status == 0 && !table.stdout.contains("\u{1B}") && table.stdout.contains("\\u{1B}[2J"))
        #expect(try exec(["agencies", "--format", "csv", "--log", log]).stdout.contains("'=HYPERLINK"))
        #expect(try exec(["agency", "add", "X", "--name", "a\u{7}b", "--log", log]).status == 64)
    }

    @Test func repeatedMembersAndHugeNumbersAreNamedByTheBinary() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        var lines = String(decoding: readBytes(log), as: UTF8.self).split(separator: "\n").map(String.init)
        lines[5] = lines[5].replacingOccurrences(of: "\"data\":{", with: "\"data\":{\"code\":\"ZZ\",")
        try writeBytes(log, Array((lines.joined(separator: "\n") + "\n").utf8))
        let verify = try exec(["verify", "--log", log])
        #expect(verify.status == 3 && verify.stdout.contains("line 6: the line is not valid JSON (the member name 'code' appears twice in one object"))
        #expect(try exec(["report", "annual", "--year", "9999-00", "--log", log]).status == 64)
    }

    @Test func aRollbackIsCaughtByTheBinaryThroughItsWitness() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let env = ["CASETRAIL_WITNESS": dir.path("witness")]
        let older = readBytes(log)
        #expect(try exec(["agency", "add", "W", "--name", "W", "--log", log, "--actor", "ann"], env: env).status == 0)
        try writeBytes(log, older)
        let out = try exec(["agencies", "--log", log], env: env)
        #expect(out.status == 3 && out.stderr.contains("this user's casetrail saw it reach seq 7"))
        #expect(try exec(["witness", "forget", "--log", log], env: env).status == 0)
        #expect(try exec(["agencies", "--log", log], env: env).status == 0)
    }

    @Test func aBoundMemberCannotBeClaimedFromAnotherAccountThroughTheBinary() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        #expect(try exec(["member", "bind", "bu", "--login", "somebody-else", "--log", log, "--actor", "ann"]).status == 0)
        let out = try exec(["agency", "add", "X", "--name", "X", "--log", log, "--actor", "bu"])
        #expect(out.status == 1 && out.stderr.contains("'bu' records only from the login 'somebody-else'"))
    }
}
