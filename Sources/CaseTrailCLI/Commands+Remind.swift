import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

extension Commands {
    static let remind = CommandSpec(
        words: ["remind"], abstract: "Write one reminder message per agency, to its agency leads, of what it owns that is overdue, due soon, sent back or lacking evidence.",
        discussion: """
        Each message (AGENCY.eml in --out, RFC 5322, UTF-8) lists what the agency owns that is overdue or due within
        the days given, sent back at sign-off, or implemented with no evidence of impact: each with what to send back
        and a reference to quote in the reply, for 'action update ... --note'. It goes to the agency's active agency
        leads with an email address ('member set-email'). Nothing is recorded in the log; --send hands the messages to
        the system's sendmail.
        """,
        options: [
            OptionSpec(name: "--within", valueName: "days", help: "How far ahead 'due soon' looks, e.g. 30.", required: true),
            OptionSpec(name: "--agency", valueName: "agency", help: "Only this agency (a code or any of its names)."),
            OptionSpec(name: "--out", valueName: "folder", help: "Where to write the messages (made if it is not there); needed unless --format json only lists them."),
            OptionSpec(name: "--from", valueName: "address", help: "The sender (default: your own member email, else casetrail@localhost)."),
            OptionSpec(name: "--send", valueName: nil, help: "Also hand each message with a recipient to sendmail."),
        ],
        formats: [.table, .json], asOf: true, byBusinessDate: false,
        run: remindRun)

    static func remindRun(_ inv: Invocation) throws -> String {
        let days = try withinDays(inv)
        let format = try inv.format()
        let out = inv.value("--out")
        if out == nil && (format != .json || inv.flag("--send")) {
            throw inv.usage("'remind' needs --out, the folder to write the messages in (e.g. --out reminders/2023-06).")
        }
        if let from = inv.value("--from") {
            do { try Validate.email(from) } catch { throw inv.usage("--from: \(error.message)") }
        }
        let today = try inv.today()
        let (state, pin) = try pinned(inv)
        let partnership = state.partnership!
        let reminders = Reminder.all(state, today: today, within: days, agency: try agencyFilter(inv, state))
        let from = inv.value("--from") ?? state.members[inv.actor]?.email ?? "casetrail@localhost"
        let checkpoint = pin.text
        var written: [(Reminder, String?, [UInt8])] = []
        for r in reminders {
            let message = ReminderMail.message(r, partnership: partnership, from: from, today: today, within: days, now: inv.now, checkpoint: checkpoint)
            let path = try out.map { folder throws(IOError) in try OutgoingMail.save(message, named: "\(r.agency.code).eml", in: folder) }
            written.append((r, path, message))
        }
        var lines: [String] = []
        var unsent = 0
        if inv.flag("--send") {
            guard let sendmail = OutgoingMail.sendmail(inv.context.environment) else {
                throw Refusal(message: "There is no sendmail on this machine (looked for /usr/sbin/sendmail and /usr/lib/sendmail); the messages are written in \(out!): send them from your mail client.")
            }
            for (r, path, message) in written where !r.recipients.isEmpty {
                let status = try OutgoingMail.send(message, with: sendmail)
                if status != 0 { unsent += 1 }
                lines.append(status == 0 ? "Sent \(path!) to \(r.recipients.map(\.email!).joined(separator: ", "))."
                                         : "Not sent: sendmail exited with status \(status) for \(path!).")
            }
        }
        if format == .json {
            return jsonText(.object(["messages": .array(written.map { r, path, _ in
                .object(["agency": .string(r.agency.code), "name": .string(r.agency.name), "file": .optional(path),
                         "to": .array(r.recipients.map { .string($0.email!) }), "subject": .string(ReminderMail.subject(r, partnership: partnership, today: today)),
                         "items": .array(r.items.map { i in
                             .object(["reference": .string(i.reference), "ask": .string(i.ask.rawValue), "action": .string(i.action.id),
                                      "text": .string(i.action.text), "due": .string(i.action.due.description), "due_text": .optional(i.action.dueText),
                                      "lead": .string(i.action.lead), "days_overdue": i.item.daysOverdue.map { .int($0) } ?? .null,
                                      "send_back": .string(i.sendBack)])
                         })])
            }), "count": .int(written.count), "sent": .array(lines.map { .string($0) })]))
        }
        var text = written.isEmpty ? "Nothing to remind anyone of: no agency owns an action overdue, due within \(days) days, sent back or lacking evidence of impact.\n" : ""
        for (r, path, _) in written {
            let to = r.recipients.isEmpty
                ? "to no one yet: \(r.agency.code) has no agency lead with an email address ('casetrail member set-email USER ADDRESS')"
                : "to " + r.recipients.map { "\($0.name) <\($0.email!)>" }.joined(separator: ", ")
            text += "Wrote \(path!) for \(r.agency.name) (\(r.agency.code)): \(r.items.count) item\(r.items.count == 1 ? "" : "s"), \(to).\n"
        }
        text += lines.map { $0 + "\n" }.joined() + (written.isEmpty ? "" : "Nothing was recorded in the log; record each reply with its reference.\n")
        if unsent > 0 {
            throw RefusalWithReport(stdout: text, message: "sendmail did not take \(unsent) message\(unsent == 1 ? "" : "s"); they are written in \(out!): send \(unsent == 1 ? "it" : "them") from your mail client, or ask IT why sendmail failed.")
        }
        return text
    }
}

extension Reminder {
    /// The leads a reminder goes to: those with an address, checked again before it goes in a header.
    var recipients: [Member] { leads.filter { m in m.email.map { (try? Validate.email($0)) != nil } ?? false } }
}

/// A reminder as an RFC 5322 message: UTF-8 text, quoted-printable, CRLF lines; every header value
/// made of checked addresses or RFC 2047 encoded words, so no name can add a header or a recipient.
enum ReminderMail {
    static func subject(_ r: Reminder, partnership: PartnershipInfo, today: LocalDate) -> String {
        "\(partnership.code): \(r.items.count) action\(r.items.count == 1 ? "" : "s") for \(r.agency.name) to report on (reminder of \(today.readable))"
    }

    static func message(_ r: Reminder, partnership: PartnershipInfo, from: String, today: LocalDate, within: Int, now: Timestamp, checkpoint: String) -> [UInt8] {
        var headers = [
            "Date: \(rfc5322Date(now))",
            "From: \(mailbox(partnership.name, from))",
        ]
        if !r.recipients.isEmpty { headers.append("To: " + r.recipients.map { mailbox($0.name, $0.email!) }.joined(separator: ",\r\n ")) }
        headers += [
            "Subject: \(encodedWords(subject(r, partnership: partnership, today: today)))",
            "Message-ID: <\(partnership.code)-REM-\(today.description.filter { $0 != "-" })-\(r.agency.code)@casetrail.invalid>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        return Array((headers.joined(separator: "\r\n") + "\r\n\r\n").utf8) + quotedPrintable(body(r, partnership: partnership, today: today, within: within, checkpoint: checkpoint))
    }

    static func body(_ r: Reminder, partnership: PartnershipInfo, today: LocalDate, within: Int, checkpoint: String) -> String {
        let t = Escape.terminal
        let names = r.recipients.isEmpty ? "\(r.agency.name) agency lead" : spokenList(r.recipients.map(\.name), joinedBy: "and")
        var out = "Dear \(t(names)),\n\n"
        out += "This is a reminder from \(t(partnership.name)) of the actions \(t(r.agency.name)) owns in its learning and improvement plans, "
            + "as they stand on \(today.readable): overdue, due within \(within) days, sent back at sign-off, or implemented with no evidence yet of "
            + "the difference they made. Please reply with what each asks for, quoting its reference.\n"
        for (n, i) in r.items.enumerated() {
            out += "\n\(n + 1). \(i.ask.title): \(i.action.id)\n"
            var facts: [(String, String)] = [("Action", i.action.text), ("Lead", i.action.lead), ("Due", PaperWords.due(i.action)
                + (i.item.daysOverdue.map { $0 == 1 ? ", 1 day overdue" : ", \($0) days overdue" } ?? ""))]
            if let u = i.action.lastUpdate { facts.append(("Last update", "\(u.on.readable): \(u.note)")) }
            facts += [("Send back", i.sendBack), ("Reference", i.reference)]
            for (label, value) in facts { out += "   \(label): \(t(value))\n" }
        }
        out += "\nThis message was written by casetrail from the partnership's log at \(checkpoint).\n"
        return out
    }

    /// "Wed, 14 Jun 2023 09:00:00 +0000".
    static func rfc5322Date(_ t: Timestamp) -> String {
        let ms = t.millisecondsSinceEpoch
        let days = Int(ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000)
        let seconds = Int((ms - Int64(days) * 86_400_000) / 1000)
        let d = LocalDate(dayNumber: days)
        let weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d.weekday - 1]
        return "\(weekday), \(d.day) \(LocalDate.monthAbbreviations[d.month - 1]) \(d.year) \(pad2(seconds / 3600)):\(pad2(seconds / 60 % 60)):\(pad2(seconds % 60)) +0000"
    }

    private static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// "Name <address>", the address on a line of its own when the two would not fit on one.
    static func mailbox(_ name: String, _ address: String) -> String {
        let words = encodedWords(name)
        let lastLine = words.utf8.split(separator: 0x0A).last.map(\.count) ?? 0
        return lastLine + address.utf8.count + 13 > 78 ? "\(words)\r\n <\(address)>" : "\(words) <\(address)>"
    }

    /// Text for a header as RFC 2047 encoded words (UTF-8, base64, each at most 64 characters, folded
    /// onto continuation lines), unless it is plain printable ASCII with nothing a header reads specially.
    static func encodedWords(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || " .-'".utf8.contains($0) }
        if plain && text.utf8.count <= 60 { return text }
        var words: [String] = [], chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 39 { words.append("=?UTF-8?B?\(base64(chunk))?="); chunk = [] }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?\(base64(chunk))?=") }
        return words.joined(separator: "\r\n ")
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            let b0 = Int(bytes[i]), b1 = n > 1 ? Int(bytes[i + 1]) : 0, b2 = n > 2 ? Int(bytes[i + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[(b0 & 3) << 4 | b1 >> 4])
            out.append(n > 1 ? alphabet[(b1 & 15) << 2 | b2 >> 6] : "=")
            out.append(n > 2 ? alphabet[b2 & 63] : "=")
            i += 3
        }
        return out
    }

    /// RFC 2045 quoted-printable with CRLF line ends: lines of at most 76 characters, soft breaks
    /// ("=" at the end) where longer, and "=XX" for "=", non-ASCII bytes, and a space or tab before a break.
    static func quotedPrintable(_ text: String) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
            var width = 0
            let bytes = Array(line.utf8)
            for (k, b) in bytes.enumerated() {
                let last = k == bytes.count - 1
                let literal = (b >= 33 && b <= 126 && b != 0x3D) || ((b == 0x20 || b == 0x09) && !last)
                let piece: [UInt8] = literal ? [b] : [0x3D, hex[Int(b >> 4)], hex[Int(b & 15)]]
                if width + piece.count > 75 { out += [0x3D, 0x0D, 0x0A]; width = 0 }
                out += piece
                width += piece.count
            }
            out += [0x0D, 0x0A]
        }
        return out
    }
}
