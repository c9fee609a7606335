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
    ]
}
