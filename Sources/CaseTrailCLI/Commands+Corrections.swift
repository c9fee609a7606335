import CaseTrailCore

extension Commands {
    static let corrections: [CommandSpec] = [
        CommandSpec(
            words: ["void"], abstract: "Void a review, incident, recommendation or action entered in error.",
            discussion: """
            A voided entry leaves every answer and count from then on (outstanding, overdue, timeliness, the
            annual report, exports), as if it had never been recorded. Nothing is removed from the log: the
            entry stays in 'history', marked void, with who voided it and why, and '--as-of' a moment before the
            void still shows it as it was. What depends on it (a review's recommendations and actions, an
            action's sign-offs) goes with it only when --with-dependents says so. Its reference is not used again.
            """,
            arguments: [ArgumentSpec(name: "target", help: "A review or incident (REF), a recommendation (REF/R1) or an action (REF/R1/A1).")],
            options: [
                Opt.reason("Why it was entered in error, in a sentence."),
                OptionSpec(name: "--with-dependents", valueName: nil, help: "Void what depends on it too (casetrail says what that is)."),
                Opt.on("The date it was found to be in error (default: today).", required: false),
            ],
            run: { inv in
                let target = inv.argument(0)!
                if target.hasPrefix("seq:") {
                    throw Refusal(message: "Voiding a single line (\(target)) is not available yet. Void the review, recommendation or action it belongs to, "
                        + "or record what is right now (an update, 'casetrail action correct', 'casetrail action revise-due').")
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
