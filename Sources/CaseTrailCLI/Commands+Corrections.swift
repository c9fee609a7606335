import CaseTrailCore

extension Commands {
    static let corrections: [CommandSpec] = [
        CommandSpec(
            words: ["redact"], abstract: "Take personal data typed by mistake out of one line of the log (admins only).",
            discussion: """
            The one change casetrail makes to a line already written. The named fields of line N (every free-text
            field of it, without --field) then read [redacted]; everything else on the line stays as written,
            its hash and its link to the line before included, so every checkpoint taken before still holds. A
            line_redacted event, with who, when and why, records the line's hash and the SHA-256 of its new
            bytes; 'casetrail verify' accepts the changed line only because of it, and lists every redaction
            it relied on. Copies of the log made before (backups, 'copy-log') still hold the text: replace them.
            """,
            arguments: [ArgumentSpec(name: "line", help: "seq:N, the line holding the personal data ('casetrail history' shows each line's seq).")],
            options: [
                Opt.reason("Why, without repeating the personal data (e.g. 'child's full name typed in the note').", required: true),
                OptionSpec(name: "--field", valueName: "name", help: "A field of the line to redact (note, evidence, reason, text, title, summary, …).",
                           repeatable: true),
                Opt.on("The date of the redaction (default: today).", required: false),
            ],
            run: { inv in
                let target = inv.argument(0)!
                let seq = try inv.lineSeq(target)
                let fields = inv.values("--field")
                let (actor, login) = try inv.recorder()
                let (result, redaction) = try inv.ledger.redact(seq: seq, fields: fields.isEmpty ? nil : fields, reason: inv.required("--reason"),
                                                                on: try inv.date(option: "--on"), actor: actor, login: login, today: try inv.today(), now: inv.now)
                let at = result.records.last.map { " (seq \($0.seq))" } ?? ""
                return "Redacted \(redaction.fields.joined(separator: ", ")) of line \(seq) (\(redaction.type)); recorded line_redacted\(at). "
                    + "Copies of the log made before still hold the text: replace them.\n"
            }),
        CommandSpec(
            words: ["void"], abstract: "Void a review, incident, recommendation or action entered in error.",
            discussion: """
            A voided entry leaves every answer and count from then on (outstanding, overdue, timeliness, the
            annual report, exports), as if it had never been recorded. Nothing is removed from the log: the
            entry stays in 'history', marked void, with who voided it and why, and '--as-of' a moment before the
            void still shows it as it was. What depends on it (a review's recommendations and actions, an
            action's sign-offs) goes with it only when --with-dependents says so. Its reference is not used again.
            One line voided (seq:N) is as if that update, date, sign-off, milestone or decision had never been
            recorded; a sign-off is voided only while it is the action's latest.
            """,
            arguments: [ArgumentSpec(name: "target", help: "A review or incident (REF), a recommendation (REF/R1), an action (REF/R1/A1), or one line, seq:N: an update, revised due date, sign-off or its refusal, milestone or decision ('casetrail history' shows each line's seq).")],
            options: [
                Opt.reason("Why it was entered in error, in a sentence."),
                OptionSpec(name: "--with-dependents", valueName: nil, help: "Void what depends on it too (casetrail says what that is)."),
                Opt.on("The date it was found to be in error (default: today).", required: false),
            ],
            run: { inv in
                let target = inv.argument(0)!
                if target.hasPrefix("seq:") {
                    let seq = try inv.lineSeq(target)
                    if inv.flag("--with-dependents") { throw inv.usage("--with-dependents is for a review, recommendation or action; one line (\(target)) has none.") }
                    let (actor, login) = try inv.recorder()
                    let result = try inv.ledger.voidLine(seq: seq, reason: inv.required("--reason"), on: try inv.date(option: "--on"),
                                                         actor: actor, login: login, today: try inv.today(), now: inv.now)
                    return result.records.last.map { "Recorded event_voided (seq \($0.seq)).\n" } ?? "Nothing to record: that is already so.\n"
                }
                return try recorded(inv, .correction(.void(target: target, reason: inv.required("--reason"),
                                                          withDependents: inv.flag("--with-dependents"), on: try inv.date(option: "--on"))))
            }),
        CommandSpec(
            words: ["review", "correct"], abstract: "Correct a field of a review typed wrongly; the history keeps both values and why.",
            discussion: "An incident's child, awareness and incident dates and summary, and any review's title, kind and\nopening date. A review recorded under the wrong reference is voided ('casetrail void') and recorded again.",
            arguments: [Opt.ref],
            options: [
                OptionSpec(name: "--field", valueName: "name", help: "\(Opt.oneOf(ReviewField.self)).", required: true),
                OptionSpec(name: "--value", valueName: "value", help: "The right value (dates as YYYY-MM-DD).", required: true),
                Opt.reason(),
                Opt.on("The date of the correction (default: today).", required: false),
            ],
            run: { inv in
                try recorded(inv, .correction(.correctReview(ref: inv.argument(0)!, field: inv.required("--field"), value: inv.required("--value"),
                                                             reason: inv.required("--reason"), on: try inv.date(option: "--on"))))
            }),
        CommandSpec(
            words: ["rec", "correct"], abstract: "Correct a recommendation's text or date typed wrongly; the history keeps both values and why.",
            arguments: [ArgumentSpec(name: "recommendation", help: "REF/R<n>, e.g. MSCP-LCSPR-2023-01/R1.")],
            options: [
                OptionSpec(name: "--field", valueName: "name", help: "\(Opt.oneOf(RecommendationField.self)) (the date it was made).", required: true),
                OptionSpec(name: "--value", valueName: "value", help: "The right value (a date as YYYY-MM-DD).", required: true),
                Opt.reason(),
                Opt.on("The date of the correction (default: today).", required: false),
            ],
            run: { inv in
                try recorded(inv, .correction(.correctRecommendation(rec: inv.argument(0)!, field: inv.required("--field"), value: inv.required("--value"),
                                                                     reason: inv.required("--reason"), on: try inv.date(option: "--on"))))
            }),
    ]
}
