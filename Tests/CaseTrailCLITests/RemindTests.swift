import Foundation
import Testing
import CaseTrailCLI
import CaseTrailStore
import CaseTrailTestSupport

/// `remind`: one RFC 5322 message per agency, nothing recorded.
@Suite struct RemindTests {
    static let a1 = "MSCP-LCSPR-2023-01/R1/A1", a2 = "MSCP-LCSPR-2023-01/R1/A2"

    /// The reviewed log with its leads' addresses: A2 (Kent Police) overdue, A1 (NHS) sent back at sign-off.
    func remindLog() throws -> (TemporaryDirectory, String) {
        let (dir, log) = try reviewedLog()
        let steps: [([String], String, String)] = [
            (["member", "add", "pl", "--name", "DI Siân Smith", "--agency", "KP", "--role", "agency-lead", "--email", "sian.smith@kent.police.uk"], "ann", "2023-03-01"),
            (["member", "set-email", "hl", "health.lead@nhs.net"], "ann", "2023-03-01"),
            (["action", "implemented", Self.a1, "--on", "2023-03-20", "--evidence", "Training plan"], "hl", "2023-03-20"),
            (["action", "sign-off", Self.a1, "--stage", "learning-lessons", "--refuse", "--reason", "No attendance figures", "--on", "2023-03-25"], "ll", "2023-03-25"),
        ]
        for (args, actor, today) in steps {
            let out = cli(args + ["--log", log, "--actor", actor, "--today", today])
            guard out.status == 0 else { throw Refused(text: "\(args): \(out.stderr)") }
        }
        return (dir, log)
    }

    func lines(_ log: String) -> Int { readBytes(log).filter { $0 == 0x0A }.count }

    @Test func eachAgencyGetsOneMessageToItsLeadsWithWhatToSendBackAndNothingIsRecorded() throws {
        let (dir, log) = try remindLog()
        defer { withExtendedLifetime(dir) {} }
        let before = lines(log)
        let out = cli(["remind", "--within", "30", "--today", "2023-04-10", "--out", dir.path("reminders"), "--log", log])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(lines(log) == before, "a reminder run is not an event")
        #expect(out.stdout == """
        Wrote \(dir.path("reminders"))/KM-ICB.eml for NHS Kent and Medway (KM-ICB): 1 item, to Health lead <health.lead@nhs.net>.
        Wrote \(dir.path("reminders"))/KP.eml for Kent Police (KP): 1 item, to DI Siân Smith <sian.smith@kent.police.uk>.
        Nothing was recorded in the log; record each reply with its reference.

        """)
        let message = String(decoding: readBytes(dir.path("reminders/KP.eml")), as: UTF8.self)
        try MeetingPaperTests().expectGolden(message, "reminder-KP.eml")
        // Every line ends CRLF, none is longer than RFC 5322 recommends, and the header names what a mail client needs.
        #expect(!message.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(message.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        let head = message.components(separatedBy: "\r\n\r\n")[0]
        for field in ["Date: ", "From: ", "To: ", "Subject: ", "Message-ID: ", "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
                      "Content-Transfer-Encoding: quoted-printable"] {
            #expect(head.contains("\r\n" + field) || head.hasPrefix(field), "no \(field)")
        }
        // The name with a non-ASCII letter travels as an RFC 2047 word.
        #expect(head.contains("To: =?UTF-8?B?\(ReminderMailTestSupport.base64("DI Siân Smith"))?= <sian.smith@kent.police.uk>"))
        #expect(ReminderMailTestSupport.body(message).contains("   Send back: It was due on 31 Mar 2023. Send an update"))
        let nhs = ReminderMailTestSupport.body(String(decoding: readBytes(dir.path("reminders/KM-ICB.eml")), as: UTF8.self))
        #expect(nhs.contains("1. Sent back at sign-off: \(Self.a1)"))
        #expect(nhs.contains("No attendance figures"))
    }

    @Test func theJSONFormListsTheSameMessagesAndItems() throws {
        let (dir, log) = try remindLog()
        defer { withExtendedLifetime(dir) {} }
        let json = try JSONValue.parse(cli(["remind", "--within", "30", "--today", "2023-04-10", "--format", "json", "--log", log]).stdout)
        let messages = json["messages"]!.arrayValue!
        #expect(messages.map { $0["agency"]! } == ["KM-ICB", "KP"])
        #expect(messages.map { $0["file"]! } == [.null, .null], "nothing written without --out")
        let kp = messages[1]["items"]!.arrayValue![0]
        #expect(kp["reference"] == "MSCP-REM-20230410-KP-01" && kp["ask"] == "overdue" && kp["action"] == .string(Self.a2) && kp["days_overdue"] == 10)
        #expect(cli(["remind", "--within", "30", "--today", "2023-04-10", "--agency", "Kent Police", "--format", "json", "--log", log]).stdout
            .contains(#""count":1"#))
    }

    @Test func sendHandsEachMessageWithARecipientToSendmail() throws {
        let (dir, log) = try remindLog()
        defer { withExtendedLifetime(dir) {} }
        let fake = dir.path("sendmail")
        try "#!/bin/sh\necho \"$@\" >> \(dir.path("args"))\ncat >> \(dir.path("sent"))\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let out = try exec(["remind", "--within", "30", "--today", "2023-04-10", "--out", dir.path("r"), "--send", "--log", log],
                           env: ["CASETRAIL_SENDMAIL": fake])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("Sent \(dir.path("r"))/KP.eml to sian.smith@kent.police.uk."))
        #expect(String(decoding: readBytes(dir.path("args")), as: UTF8.self) == "-t -oi\n-t -oi\n")
        #expect(readBytes(dir.path("sent")) == readBytes(dir.path("r/KM-ICB.eml")) + readBytes(dir.path("r/KP.eml")))
        let none = try exec(["remind", "--within", "30", "--today", "2023-04-10", "--out", dir.path("r"), "--send", "--log", log],
                            env: ["CASETRAIL_SENDMAIL": dir.path("no-such-sendmail")])
        #expect(none.status == 1)
        // A sendmail that refuses: each message said not sent, exit status 1, the files still there.
        let failing = dir.path("failing-sendmail")
        try "#!/bin/sh\ncat >/dev/null\nexit 75\n".write(toFile: failing, atomically: true, encoding: .utf8)
        chmod(failing, 0o755)
        let refused = try exec(["remind", "--within", "30", "--today", "2023-04-10", "--out", dir.path("r"), "--send", "--log", log],
                               env: ["CASETRAIL_SENDMAIL": failing])
        #expect(refused.status == 1 && refused.stdout.contains("Not sent: sendmail exited with status 75 for \(dir.path("r"))/KP.eml."))
        #expect(refused.stderr.hasPrefix("Error: sendmail did not take 2 messages"))
    }

    @Test func aMessageIsRenamedIntoPlaceNeverWrittenThroughALinkPlantedThere() throws {
        let (dir, log) = try remindLog()
        defer { withExtendedLifetime(dir) {} }
        try FileManager.default.createDirectory(atPath: dir.path("r"), withIntermediateDirectories: false)
        try "precious".write(toFile: dir.path("precious"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir.path("r/KP.eml"), withDestinationPath: dir.path("precious"))
        #expect(cli(["remind", "--within", "30", "--today", "2023-04-10", "--out", dir.path("r"), "--log", log]).status == 0)
        #expect(String(decoding: readBytes(dir.path("precious")), as: UTF8.self) == "precious")
        #expect(String(decoding: readBytes(dir.path("r/KP.eml")), as: UTF8.self).hasPrefix("Date: "))
    }

    @Test func wrongInputIsRefusedAndNothingIsWritten() throws {
        let (dir, log) = try remindLog()
        defer { withExtendedLifetime(dir) {} }
        #expect(cli(["remind", "--within", "30", "--log", log]).stderr.hasPrefix("Error: 'remind' needs --out"))
        #expect(cli(["remind", "--within", "soon", "--out", dir.path("r"), "--log", log]).status == 64)
        #expect(cli(["remind", "--within", "30", "--from", "business unit", "--out", dir.path("r"), "--log", log]).status == 64)
        #expect(cli(["remind", "--within", "30", "--agency", "Nobody", "--out", dir.path("r"), "--log", log]).status == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.path("r")))
        #expect(cli(["member", "set-email", "hl", "health lead at nhs", "--log", log]).stderr.contains("is not an email address casetrail can send to"))
        #expect(cli(["member", "set-email", "hl", "a@b.com\r\nBcc: x@y.com", "--log", log]).status != 0)
        #expect(cli(["member", "add", "x", "--name", "X", "--agency", "KP", "--role", "agency-lead", "--email", "x@@kent.police.uk", "--log", log]).status == 1)
    }
}

/// The encoding the messages use, spelled out independently for the tests.
enum ReminderMailTestSupport {
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The body of a quoted-printable message, decoded (soft breaks joined, =XX turned back into bytes).
    static func body(_ message: String) -> String {
        let qp = Array(message.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n").replacingOccurrences(of: "=\r\n", with: "").utf8)
        var bytes: [UInt8] = [], i = 0
        while i < qp.count {
            if qp[i] == UInt8(ascii: "="), i + 2 < qp.count, let b = UInt8(String(decoding: qp[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(b); i += 3
            } else {
                bytes.append(qp[i]); i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }
}
