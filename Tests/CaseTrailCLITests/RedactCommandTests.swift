import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
import CaseTrailTestSupport
@testable import CaseTrailStore

/// `redact` through the real binary: personal data taken out of one line, the log still verifying
/// because the redaction vouches for it, and a redaction no admin made caught.
@Suite struct RedactCommandTests {
    /// A founded log with an action whose update (the last line, returned) names a child in full.
    private func logWithANameInAnUpdate() throws -> (TemporaryDirectory, String, Int, [String: String]) {
        let (dir, log) = try foundedLog()
        let env = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "1", "CASETRAIL_TODAY": "2023-06-01"]
        for args in [["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Learning review", "--on", "2023-01-10"],
                     ["rec", "add", "MSCP-LLR-2023-01", "R1", "--text", "Share information", "--on", "2023-01-10"],
                     ["action", "add", "MSCP-LLR-2023-01/R1", "A1", "--text", "Train staff", "--owner", "KP", "--lead", "L&D", "--due", "2023-09-30", "--on", "2023-01-20"],
                     ["action", "update", "MSCP-LLR-2023-01/R1/A1", "--note", "Discussed with Jordan Examplename's school", "--rag", "green", "--on", "2023-05-02"]] {
            let out = try exec(args + ["--log", log, "--actor", "bu"], env: env)
            #expect(out.status == 0, "\(args): \(out.stderr)")
        }
        let lines = readBytes(log).split(separator: 0x0A)
        return (dir, log, lines.count, env)
    }

    @Test func anAdminTakesAChildsNameOutOfANoteAndVerifyHistoryAndShowSayWhoWhenAndWhy() throws {
        let (dir, log, seq, env) = try logWithANameInAnUpdate()
        defer { withExtendedLifetime(dir) {} }
        func run(_ args: [String], as actor: String = "ann") throws -> Outcome { try exec(args + ["--log", log, "--actor", actor], env: env) }
        let checkpoint = try run(["checkpoint"]).stdout.trimmingCharacters(in: .newlines)
        #expect(try run(["outstanding"]).status == 0)
        #expect(String(decoding: readBytes(log + ".snapshot"), as: UTF8.self).contains("Examplename"), "the snapshot held the text")
        let before = readBytes(log)

        let notAdmin = try run(["redact", "seq:\(seq)", "--reason", "A child's name"], as: "bu")
        #expect(notAdmin.status == 1 && notAdmin.stderr == "Error: 'bu' (business-unit) may not do this; it needs a member with role admin.\n")
        let noSeq = try run(["redact", "\(seq)", "--reason", "A child's name"])
        #expect(noSeq.status == 64 && noSeq.stderr.contains("give seq:N"))
        let notText = try run(["redact", "seq:\(seq)", "--field", "rag", "--reason", "A child's name"])
        #expect(notText.status == 1 && notText.stderr.contains("'rag' of line \(seq) is not free text"))
        let personal = try run(["redact", "seq:\(seq)", "--reason", "Jordan's mother rang on 07700 900123"])
        #expect(personal.status == 1 && personal.stderr.contains("phone number"))
        #expect(readBytes(log) == before, "nothing changed when refused")

        let done = try run(["redact", "seq:\(seq)", "--field", "note", "--reason", "A child's full name typed into the note"])
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.hasPrefix("Redacted note of line \(seq) (action_updated); recorded line_redacted (seq \(seq + 1))."))
        #expect(!String(decoding: readBytes(log), as: UTF8.self).contains("Examplename"))
        #expect(!String(decoding: readBytes(log + ".snapshot"), as: UTF8.self).contains("Examplename"), "the snapshot was rebuilt without the text")

        let verify = try run(["verify"])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("Redacted: line \(seq) (note), by ann on 1 Jun 2023, vouched for by seq \(seq + 1): A child's full name typed into the note\n"))
        let json = try JSONValue.parse(try run(["verify", "--format", "json"]).stdout)
        #expect(json["redactions"] == .array([.object(["seq": .int(seq), "fields": .array([.string("note")]), "by": .string("ann"), "on": .string("2023-06-01"),
                                                       "reason": .string("A child's full name typed into the note"), "vouched_by_seq": .int(seq + 1)])]))
        #expect(try run(["verify", "--checkpoint", checkpoint]).status == 0, "a checkpoint taken before still holds")

        let history = try run(["history", "MSCP-LLR-2023-01/R1/A1", "--format", "json"]).stdout
        #expect(history.contains("[redacted]") && history.contains("redacted the note of line \(seq) on 1 Jun 2023, as personal data"))
        let shown = try run(["show", "MSCP-LLR-2023-01/R1/A1", "--format", "json"]).stdout
        #expect(shown.contains("[redacted]") && !shown.contains("Examplename"))
        let again = try run(["redact", "seq:\(seq)", "--field", "note", "--reason", "Again"])
        #expect(again.status == 1 && again.stderr == "Error: The text of 'note' on line \(seq) is already redacted.\n")
    }

    @Test func aRedactionNoAdminMadeWellHashedButForgedIsCaughtByVerify() throws {
        let (dir, log, seq, env) = try logWithANameInAnUpdate()
        defer { withExtendedLifetime(dir) {} }
        // What anyone who can write the file could do: change the line and vouch for it as the business unit.
        let store = EventLog(path: log)
        let scan = try store.read { _, _ in nil }
        let r = try LogLine.redacting(try #require(try store.line(seq: seq)), fields: ["note"])
        _ = try store.redact(r, events: [.lineRedacted(seq: seq, stream: r.stream, fields: r.fields, reason: "tidying", on: LocalDate("2023-06-01")!,
                                                       originalHash: r.originalHash, sha256: r.sha256)],
                             actor: "bu", login: nil, now: t0.adding(milliseconds: 1), after: scan.position, expected: [r.stream: scan.streamVersions[r.stream] ?? 0])
        let verify = try exec(["verify", "--log", log], env: env)
        #expect(verify.status == 3)
        #expect(verify.stdout.contains("line \(seq + 1): ") && verify.stdout.contains("needs a member with role admin"), "\(verify.stdout)")
    }

    @Test func aRedactionsReasonCannotWriteLinesOfItsOwnIntoVerifysReport() throws {
        let (dir, log, seq, env) = try logWithANameInAnUpdate()
        defer { withExtendedLifetime(dir) {} }
        let store = EventLog(path: log)
        let scan = try store.read { _, _ in nil }
        let r = try LogLine.redacting(try #require(try store.line(seq: seq)), fields: ["note"])
        _ = try store.redact(r, events: [.lineRedacted(seq: seq, stream: r.stream, fields: r.fields, reason: "tidying\nOK: every line is as written", on: LocalDate("2023-06-01")!,
                                                       originalHash: r.originalHash, sha256: r.sha256)],
                             actor: "ann", login: nil, now: t0.adding(milliseconds: 1), after: scan.position, expected: [r.stream: scan.streamVersions[r.stream] ?? 0])
        let verify = try exec(["verify", "--log", log], env: env).stdout
        #expect(verify.contains("tidying\\u{A}OK: every line is as written"), "\(verify)")
        #expect(!verify.split(separator: "\n").contains { $0.hasPrefix("OK: every line") })
    }
}
