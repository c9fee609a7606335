import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

extension Commands {
    static let reviews: [CommandSpec] = [
        CommandSpec(
            words: ["incident", "notify"], abstract: "Record a serious incident; this opens its rapid review.",
            discussion: "The child is named by pseudonym only (\"Child Q\"); text that looks like a date of birth, an NHS\nnumber or a postcode is refused. A notification sent to the National Panel later is recorded with\n'casetrail review milestone REF --what notified'.",
            arguments: [ArgumentSpec(name: "ref", help: "A reference for the rapid review, e.g. MSCP-RR-2023-01.")],
            options: [
                OptionSpec(name: "--child", valueName: "pseudonym", help: "The child's pseudonym, e.g. \"Child Q\".", required: true),
                OptionSpec(name: "--aware", valueName: "date", help: "When the local authority became aware of the incident.", required: true),
                OptionSpec(name: "--incident", valueName: "date", help: "When the incident happened, if known."),
                OptionSpec(name: "--notified", valueName: "date", help: "When the notification was sent to the National Panel, if it has been."),
                OptionSpec(name: "--summary", valueName: "text", help: "A short description (no identifying details)."),
                Opt.again,
            ],
            run: { inv in
                try recorded(inv, .review(.recordIncident(ref: inv.argument(0)!, child: inv.required("--child"), aware: try inv.requiredDate("--aware"),
                                                  incident: try inv.date(option: "--incident"), notified: try inv.date(option: "--notified"),
                                                  summary: inv.value("--summary"))))
            }),
        CommandSpec(
            words: ["review", "open"], abstract: "Open a review of any kind other than a rapid review.",
            arguments: [Opt.ref],
            options: [
                OptionSpec(name: "--kind", valueName: "kind", help: "lcspr, scr, llr, audit, section11, inspection, peer-review, external, national or plan (a business, strategic or work plan).", required: true),
                OptionSpec(name: "--title", valueName: "text", help: "What it is called, e.g. \"Learning Review Andy\".", required: true),
                OptionSpec(name: "--from", valueName: "ref", help: "The review it arises from."),
                Opt.on("The date it was opened (default: today).", required: false),
                Opt.again,
            ],
            run: { inv in
                guard let kind: ReviewKind = try inv.choice("--kind") else { return "" }
                return try recorded(inv, .review(.openReview(ref: inv.argument(0)!, kind: kind, title: inv.required("--title"),
                                                     from: inv.value("--from"), on: try inv.date(option: "--on"))))
            }),
        CommandSpec(
            words: ["review", "rapid-complete"], abstract: "Record that a rapid review was completed, and what it recommends.",
            arguments: [Opt.ref],
            options: [
                Opt.on("The date the partners completed it."),
                OptionSpec(name: "--recommend", valueName: "next", help: "lcspr, no-review or other-review.", required: true),
                OptionSpec(name: "--rationale", valueName: "text", help: "Why.", required: true),
            ],
            run: { inv in
                guard let next: Recommendation = try inv.choice("--recommend") else { return "" }
                return try recorded(inv, .review(.completeRapidReview(ref: inv.argument(0)!, on: try inv.requiredDate("--on"), recommendation: next,
                                                              rationale: inv.required("--rationale"))))
            }),
        CommandSpec(
            words: ["review", "panel-response"], abstract: "Record the National Panel's response to a rapid review.",
            arguments: [Opt.ref],
            options: [
                Opt.on("The date of the Panel's response."),
                OptionSpec(name: "--agrees", valueName: nil, help: "The Panel agrees with the rapid review's recommendation."),
                OptionSpec(name: "--disagrees", valueName: nil, help: "The Panel disagrees."),
                Opt.note(),
            ],
            run: { inv in
                guard inv.flag("--agrees") != inv.flag("--disagrees") else { throw inv.usage("Give exactly one of '--agrees' or '--disagrees'.") }
                return try recorded(inv, .review(.recordPanelResponse(ref: inv.argument(0)!, on: try inv.requiredDate("--on"),
                                                              agrees: inv.flag("--agrees"), note: inv.value("--note"))))
            }),
        CommandSpec(
            words: ["review", "screen"], abstract: "Record an SCR screening panel's recommendation to the chair.",
            arguments: [Opt.ref],
            options: [
                Opt.on("The date the screening panel met."),
                OptionSpec(name: "--recommend", valueName: "finding", help: "threshold-met, threshold-not-met, defer or other-review.", required: true),
                Opt.note(),
            ],
            run: { inv in
                guard let finding: Recommendation = try inv.choice("--recommend") else { return "" }
                return try recorded(inv, .review(.screenReview(ref: inv.argument(0)!, on: try inv.requiredDate("--on"), recommendation: finding,
                                                       note: inv.value("--note"))))
            }),
        CommandSpec(
            words: ["review", "decide"], abstract: "Record the decision on whether to hold a review (LCSPR decision, SCR chair's decision).",
            discussion: "On a rapid review, --creates opens the LCSPR (outcome initiate) or learning review (other-review)\nthat the decision starts. A deferred decision keeps the review open until it reconvenes.",
            arguments: [Opt.ref],
            options: [
                Opt.on("The date of the decision."),
                OptionSpec(name: "--outcome", valueName: "outcome", help: "initiate, not-initiate, defer or other-review.", required: true),
                OptionSpec(name: "--by", valueName: "body", help: "Who decided, e.g. \"Safeguarding partners\" or \"Independent Chair\".", required: true),
                OptionSpec(name: "--rationale", valueName: "text", help: "Why.", required: true),
                OptionSpec(name: "--creates", valueName: "ref", help: "Open the review this decision starts, with this reference."),
                OptionSpec(name: "--title", valueName: "text", help: "With --creates: the new review's title."),
                OptionSpec(name: "--reconvene", valueName: "date", help: "With --outcome defer: when the panel meets again."),
            ] + Opt.behalf,
            run: { inv in
                guard let outcome: DecisionOutcome = try inv.choice("--outcome") else { return "" }
                return try recorded(inv, .review(.decideReview(ref: inv.argument(0)!, on: try inv.requiredDate("--on"), outcome: outcome,
                                                       by: inv.required("--by"), rationale: inv.required("--rationale"),
                                                       creates: inv.value("--creates"), createsTitle: inv.value("--title"),
                                                       reconvene: try inv.date(option: "--reconvene"), attribution: inv.attribution())))
            }),
        CommandSpec(
            words: ["review", "milestone"], abstract: "Record a step in a review's life.",
            arguments: [Opt.ref],
            options: [
                Opt.on(),
                OptionSpec(name: "--what", valueName: "milestone", help: "\(Opt.oneOf(Milestone.self)).", required: true),
                Opt.note(),
                OptionSpec(name: "--url", valueName: "url", help: "Where the published report or briefing is."),
                Opt.again,
            ],
            run: { inv in
                guard let what: Milestone = try inv.choice("--what") else { return "" }
                return try recorded(inv, .review(.recordMilestone(ref: inv.argument(0)!, what: what, on: try inv.requiredDate("--on"),
                                                          note: inv.value("--note"), url: inv.value("--url"))))
            }),
        CommandSpec(
            words: ["review", "withhold"], abstract: "Record that publication of a review's report is withheld.",
            arguments: [Opt.ref],
            options: [Opt.on(), Opt.reason()],
            run: { inv in
                try recorded(inv, .review(.withholdPublication(ref: inv.argument(0)!, on: try inv.requiredDate("--on"), reason: inv.required("--reason"))))
            }),
        CommandSpec(
            words: ["review", "grade"], abstract: "Record the grade Ofsted gave a serious case review.",
            arguments: [Opt.ref],
            options: [
                OptionSpec(name: "--by", valueName: "body", help: "Who graded it, e.g. Ofsted.", required: true),
                OptionSpec(name: "--grade", valueName: "grade", help: "e.g. outstanding, good, adequate, inadequate.", required: true),
                Opt.on(),
            ],
            run: { inv in
                try recorded(inv, .review(.gradeReview(ref: inv.argument(0)!, on: try inv.requiredDate("--on"), by: inv.required("--by"),
                                               grade: inv.required("--grade"))))
            }),
        CommandSpec(
            words: ["review", "results"], abstract: "Record an audit's results: case gradings (multi-agency audit) or standards met (Section 11).",
            discussion: "A multi-agency audit counts its cases by grading (--outstanding, --good, --requires-improvement, --inadequate);\na Section 11 audit counts its standards (--fully-met, --partially-met, --not-met). 'report annual' shows them.",
            arguments: [Opt.ref],
            options: AuditLevel.allCases.map { OptionSpec(name: "--\($0.rawValue)", valueName: "n", help: "How many \($0.words).") } + [Opt.on()],
            run: { inv in
                var counts: [AuditCount] = []
                for level in AuditLevel.allCases {
                    guard let text = inv.value("--\(level.rawValue)") else { continue }
                    guard text.utf8.allSatisfy({ (48...57).contains($0) }), text.count <= 6, let n = Int(text), n <= 100_000 else {
                        throw inv.usage("'\(text)' is not a count for '--\(level.rawValue)'; give a whole number, e.g. 4.")
                    }
                    counts.append(AuditCount(level: level, count: n))
                }
                guard !counts.isEmpty else { throw inv.usage("Give the counts, e.g. --good 1 --requires-improvement 4, or --fully-met 83 --partially-met 13 --not-met 4.") }
                return try recorded(inv, .review(.recordAuditResults(ref: inv.argument(0)!, on: try inv.requiredDate("--on"), counts: counts)))
            }),
        CommandSpec(
            words: ["review", "delay"], abstract: "Record that a review is delayed, why, and when it is now expected.",
            arguments: [Opt.ref],
            options: [Opt.reason(), OptionSpec(name: "--expected", valueName: "date", help: "When it is now expected."),
                      Opt.on("The date the delay was known (default: today).", required: false)],
            run: { inv in
                try recorded(inv, .review(.delayReview(ref: inv.argument(0)!, reason: inv.required("--reason"), expected: try inv.date(option: "--expected"),
                                                       on: try inv.date(option: "--on"))))
            }),
        CommandSpec(
            words: ["review", "close"], abstract: "Close a review once its work and actions are done.",
            arguments: [Opt.ref],
            options: [Opt.on()],
            run: { inv in try recorded(inv, .review(.closeReview(ref: inv.argument(0)!, on: try inv.requiredDate("--on")))) }),
        CommandSpec(
            words: ["review", "carry-forward"], abstract: "Move every open action of a plan (or review) into next year's plan.",
            discussion: "Each open action (open, in progress, or implemented and awaiting sign-off) moves into the plan given\nwith --to, keeping everything recorded on it (lead, dates, RAG, updates, sign-offs, year of origin); the\nold one is shown as carried forward to the new, the new as carried from the old. Each goes under an\nobjective of the same number and words, added to the plan if it has none; an objective of the plan\nthat already uses the number for other words gives the next free R<n>.",
            arguments: [ArgumentSpec(name: "old", help: "The plan or review the actions are in, e.g. MSCP-BP-2014-15.")],
            options: [
                OptionSpec(name: "--to", valueName: "plan", help: "Next year's plan (a review of kind plan, opened first).", required: true),
                Opt.on("The date they were carried forward (default: today).", required: false),
            ],
            run: { inv in
                let result = try record(inv, .action(.carryForward(from: inv.argument(0)!, to: inv.required("--to"), on: try inv.date(option: "--on"))))
                var out = result.text
                for case let .actionCarriedForward(action, _, to) in result.events { out += "  \(action) -> \(to)\n" }
                return out
            }),
        CommandSpec(
            words: ["review", "sign-off"], abstract: "Record a sign-off (or a refusal) of a review's report, action plan or closure.",
            discussion: "A rapid review report counts as signed off only when all three safeguarding partners (la, police,\nhealth) have signed. A partner signs for themselves; the business unit records with --partner.",
            arguments: [Opt.ref],
            options: [
                OptionSpec(name: "--what", valueName: "subject", help: "\(Opt.oneOf(ReviewSignOffSubject.self)).", required: true),
                Opt.on(),
                OptionSpec(name: "--partner", valueName: "partner", help: "For a rapid review: la, police or health."),
                Opt.refuse,
                Opt.reason("With --refuse: why it is sent back.", required: false),
            ] + Opt.behalf,
            run: { inv in
                guard let what: ReviewSignOffSubject = try inv.choice("--what") else { return "" }
                return try recorded(inv, .review(.signOffReview(ref: inv.argument(0)!, what: what, on: try inv.requiredDate("--on"),
                                                        partner: try inv.choice("--partner"), refusal: try refusal(inv), attribution: inv.attribution())))
            }),
        CommandSpec(
            words: ["calendar", "add-holiday"], abstract: "Add a bank holiday the built-in calendar does not know.",
            arguments: [ArgumentSpec(name: "date", help: "The holiday (YYYY-MM-DD)."), ArgumentSpec(name: "name", help: "Its name.")],
            run: { inv in
                try recorded(inv, .setup(.addHoliday(on: try inv.date(inv.argument(0)!, option: "<date>"), name: inv.argument(1)!)))
            }),
        CommandSpec(
            words: ["calendar", "show"], abstract: "List a year's bank holidays (England and Wales).",
            arguments: [ArgumentSpec(name: "year", help: "e.g. 2023.")],
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                guard let year = Int(inv.argument(0)!), (1900...2100).contains(year) else {
                    throw inv.usage("'\(inv.argument(0)!)' is not a year; give one such as 2023.")
                }
                let (state, _) = try load(inv)
                let days = state.calendar.holidays(in: year)
                let json: JSONValue = .object(["year": .int(year), "holidays": .array(days.map { d in
                    .object(["date": .string(d.date.description), "name": .string(d.name), "added": .bool(state.addedHolidays[d.date] != nil)])
                })])
                let table = Table(columns: ["DATE", "DAY", "NAME"], rows: days.map { [$0.date.description, weekdayName($0.date), $0.name] })
                return try render(inv, table: table, json: json)
            }),
        CommandSpec(
            words: ["policy", "set"], abstract: "Record one of the partnership's own policies.",
            discussion: PolicyName.allCases.map { "\($0.rawValue): \($0.takes) (default \($0.defaultValue))" }.joined(separator: "\n"),
            arguments: [ArgumentSpec(name: "name", help: "The policy."), ArgumentSpec(name: "value", help: "Its value.")],
            run: { inv in try recorded(inv, .setup(.setPolicy(name: inv.argument(0)!, value: inv.argument(1)!))) }),
        CommandSpec(
            words: ["policy", "show"], abstract: "List the partnership's policies and their values.",
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let (state, _) = try load(inv)
                let rows = PolicyName.allCases.map { [$0.rawValue, state.policy($0), state.policy[$0.rawValue] == nil ? "default" : "recorded"] }
                let json: JSONValue = .object(["policies": .array(rows.map { .object(["name": .string($0[0]), "value": .string($0[1]), "source": .string($0[2])]) })])
                return try render(inv, table: Table(columns: ["POLICY", "VALUE", "SOURCE"], rows: rows), json: json)
            }),
    ]

    /// `--refuse --reason TEXT`: the reason when refusing, nil when signing.
    static func refusal(_ inv: Invocation) throws(UsageError) -> String? {
        if inv.flag("--refuse") {
            guard let reason = inv.value("--reason") else { throw inv.usage("A refusal needs '--reason <text>' saying why it is sent back.") }
            return reason
        }
        if inv.value("--reason") != nil { throw inv.usage("'--reason' goes with '--refuse'; leave it out to sign off.") }
        return nil
    }

    static func weekdayName(_ d: LocalDate) -> String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][d.weekday - 1]
    }
}
