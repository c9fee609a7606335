import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

extension Commands {
    static let actions: [CommandSpec] = [
        CommandSpec(
            words: ["rec", "add"], abstract: "Add a numbered recommendation to a review.",
            arguments: [Opt.ref, ArgumentSpec(name: "rec", help: "Its number as the source numbers it, e.g. R1, R2.4, P2 or 2.4 (no '/').")],
            options: [
                OptionSpec(name: "--text", valueName: "text", help: "The recommendation as the review words it.", required: true),
                Opt.on("The date it was made (default: today).", required: false),
                Opt.again,
            ],
            run: { inv in
                try recorded(inv, .action(.addRecommendation(ref: inv.argument(0)!, rec: inv.argument(1)!, text: inv.required("--text"),
                                                     on: try inv.date(option: "--on"))))
            }),
        CommandSpec(
            words: ["rec", "respond"], abstract: "Record the partnership's formal response to a recommendation: accepted, or not and why.",
            discussion: "Give --accepted or --not-accepted (with --reason: an annual report must say why a recommendation was not acted on).\nA recommendation is answered once. 'report annual' lists those not accepted, and those still unanswered\nafter 'policy set response-due-days N' days (default 60).",
            arguments: [ArgumentSpec(name: "recommendation", help: "REF/R<n>, e.g. MSCP-LCSPR-2023-01/R1.")],
            options: [
                OptionSpec(name: "--accepted", valueName: nil, help: "The partnership accepts it."),
                OptionSpec(name: "--not-accepted", valueName: nil, help: "The partnership does not accept it (give --reason)."),
                OptionSpec(name: "--reason", valueName: "text", help: "Why not (or any note on accepting it)."),
                Opt.on("The date of the decision (default: today).", required: false),
            ],
            run: { inv in
                guard inv.flag("--accepted") != inv.flag("--not-accepted") else {
                    throw inv.usage("Give one of --accepted or --not-accepted.")
                }
                return try recorded(inv, .action(.respondToRecommendation(rec: inv.argument(0)!, accepted: inv.flag("--accepted"),
                                                                          reason: inv.value("--reason"), on: try inv.date(option: "--on"))))
            }),
        CommandSpec(
            words: ["action", "add"], abstract: "Add an action that answers a recommendation.",
            arguments: [ArgumentSpec(name: "recommendation", help: "REF/R<n>, e.g. MSCP-LCSPR-2023-01/R1."),
                        ArgumentSpec(name: "action", help: "Its number as the source numbers it, e.g. A1, A2.10 or 2.4.1 (no '/').")],
            options: [
                OptionSpec(name: "--text", valueName: "text", help: "What will be done.", required: true),
                OptionSpec(name: "--owner", valueName: "agency", help: "The owning agency: a code or any of its names.", required: true),
                OptionSpec(name: "--lead", valueName: "who", help: "The lead: a person, role or sub-group.", required: true),
                OptionSpec(name: "--due", valueName: "date", help: "The target date (YYYY-MM-DD).", required: true),
                OptionSpec(name: "--due-text", valueName: "text", help: "The target as the plan words it, e.g. \"Summer 2011\"."),
                OptionSpec(name: "--success", valueName: "text", help: "Success indicators."),
                Opt.on("The date it was agreed, which fixes its year of origin (default: today).", required: false),
                Opt.again,
            ],
            run: { inv in
                try recorded(inv, .action(.addAction(recommendation: inv.argument(0)!, code: inv.argument(1)!, text: inv.required("--text"),
                                             owner: inv.required("--owner"), lead: inv.required("--lead"), due: try inv.requiredDate("--due"),
                                             dueText: inv.value("--due-text"), success: inv.value("--success"), on: try inv.date(option: "--on"))))
            }),
        CommandSpec(
            words: ["action", "update"], abstract: "Record progress on an action, with a RAG rating and evidence.",
            arguments: [Opt.action],
            options: [
                OptionSpec(name: "--note", valueName: "text", help: "What has happened.", required: true),
                OptionSpec(name: "--rag", valueName: "rating", help: "red, amber or green."),
                OptionSpec(name: "--evidence", valueName: "text", help: "Evidence of progress."),
                Opt.happened,
                Opt.again,
            ] + Opt.behalf,
            run: { inv in
                try recorded(inv, .action(.updateAction(action: inv.argument(0)!, note: inv.required("--note"), rag: try inv.choice("--rag"),
                                                evidence: inv.value("--evidence"), on: try inv.date(option: "--on"), attribution: inv.attribution())))
            }),
        CommandSpec(
            words: ["action", "revise-due"], abstract: "Move an action's target date, with the reason; every revision is kept.",
            arguments: [Opt.action],
            options: [OptionSpec(name: "--due", valueName: "date", help: "The new target date.", required: true), Opt.reason(),
                      Opt.on("The date it was revised (default: today).", required: false)],
            run: { inv in
                try recorded(inv, .action(.reviseDue(action: inv.argument(0)!, due: try inv.requiredDate("--due"), reason: inv.required("--reason"),
                                                     on: try inv.date(option: "--on"))))
            }),
        CommandSpec(
            words: ["action", "implemented"], abstract: "Record that an action has been implemented, with evidence.",
            arguments: [Opt.action],
            options: [Opt.on(), OptionSpec(name: "--evidence", valueName: "text", help: "Evidence of implementation.", required: true)],
            run: { inv in
                try recorded(inv, .action(.markImplemented(action: inv.argument(0)!, on: try inv.requiredDate("--on"), evidence: inv.required("--evidence"))))
            }),
        CommandSpec(
            words: ["action", "impact"], abstract: "Record evidence that an implemented action made a difference.",
            discussion: "Implemented is not effective: impact is kept apart from implementation.",
            arguments: [Opt.action],
            options: [
                Opt.on(),
                OptionSpec(name: "--evidence", valueName: "text", help: "Evidence of impact, e.g. an audit's findings.", required: true),
                OptionSpec(name: "--rating", valueName: "text", help: "A rating, e.g. good or requires improvement."),
            ],
            run: { inv in
                try recorded(inv, .action(.recordImpact(action: inv.argument(0)!, on: try inv.requiredDate("--on"), evidence: inv.required("--evidence"),
                                                rating: inv.value("--rating"))))
            }),
        CommandSpec(
            words: ["action", "sign-off"], abstract: "Sign off an implemented action at a stage, or refuse and send it back.",
            discussion: "Stages in order: learning-lessons, then executive, then board where the partnership's policy has\none ('casetrail policy set board-stage yes'). A refusal returns the action to in-progress.\nA member who does not sit for the stage (the business unit) records it for the body that gave it:\n--on-behalf-of \"Executive\" --meeting \"Executive, 14 June 2023, minute 5\". With 'policy set\nseparate-sign-off yes', one member does not give two stages of an action on their own behalf.",
            arguments: [Opt.action],
            options: [
                OptionSpec(name: "--stage", valueName: "stage", help: "\(Opt.oneOf(SignOffStage.self)).", required: true),
                Opt.refuse,
                Opt.reason("With --refuse: why it is sent back.", required: false),
                Opt.on("The date it was signed off, e.g. of the meeting (default: today).", required: false),
            ] + Opt.behalf,
            run: { inv in
                guard let stage: SignOffStage = try inv.choice("--stage") else { return "" }
                return try recorded(inv, .action(.signOffAction(action: inv.argument(0)!, stage: stage, refusal: try refusal(inv), on: try inv.date(option: "--on"),
                                                                attribution: inv.attribution())))
            }),
        CommandSpec(
            words: ["action", "transfer"], abstract: "Move an action out of this plan (into another plan or to a national body).",
            arguments: [Opt.action],
            options: [OptionSpec(name: "--to", valueName: "text", help: "Where it goes, e.g. \"Business plan 2016-17\".", required: true), Opt.reason(), Opt.happened],
            run: { inv in
                try recorded(inv, .action(.transferAction(action: inv.argument(0)!, to: inv.required("--to"), reason: inv.required("--reason"), on: try inv.date(option: "--on"))))
            }),
        CommandSpec(
            words: ["action", "withdraw"], abstract: "Withdraw an action that will not be done.",
            arguments: [Opt.action], options: [Opt.reason(), Opt.happened],
            run: { inv in try recorded(inv, .action(.withdrawAction(action: inv.argument(0)!, reason: inv.required("--reason"), on: try inv.date(option: "--on")))) }),
        CommandSpec(
            words: ["action", "reopen"], abstract: "Return a closed or implemented action to in-progress.",
            arguments: [Opt.action], options: [Opt.reason(), Opt.happened],
            run: { inv in try recorded(inv, .action(.reopenAction(action: inv.argument(0)!, reason: inv.required("--reason"), on: try inv.date(option: "--on")))) }),
        CommandSpec(
            words: ["action", "correct"], abstract: "Correct a mistaken field of an action; the history keeps both values.",
            discussion: "due corrects a target date typed wrongly (the original date: not a revision, which is 'action revise-due');\nimplemented-on, update-on and learning-lessons-on, executive-on, board-on correct the date of the\nimplementation, the latest update, or a stage's sign-off. With --line seq:N, update-on and the sign-off\nfields correct the date of that update or sign-off, however long ago ('casetrail history ACTION' shows each seq).",
            arguments: [Opt.action],
            options: [
                OptionSpec(name: "--field", valueName: "name", help: "\(Opt.oneOf(CorrectableField.self)).", required: true),
                OptionSpec(name: "--value", valueName: "value", help: "The right value.", required: true),
                OptionSpec(name: "--line", valueName: "seq:N", help: "The update or sign-off whose date is corrected (default: the latest)."),
                Opt.reason(),
                Opt.on("The date of the correction (default: today).", required: false),
            ],
            run: { inv in
                if let line = inv.value("--line") {
                    let field = inv.required("--field")
                    guard let f = CorrectableField(rawValue: field), f == .updateOn || f.stage != nil else {
                        throw inv.usage("--line names an update or a sign-off, so --field must be update-on, learning-lessons-on, executive-on or board-on.")
                    }
                    let seq = try inv.lineSeq(line)
                    let value = inv.required("--value")
                    guard let date = LocalDate(value) else { throw Refusal(message: LocalDate.whyNot(value) + ".") }
                    let (actor, login) = try inv.recorder()
                    let result = try inv.ledger.redateLine(seq: seq, action: inv.argument(0)!, stage: f.stage, date: date, reason: inv.required("--reason"), on: try inv.date(option: "--on"),
                                                           actor: actor, login: login, today: try inv.today(), now: inv.now)
                    return result.records.last.map { "Recorded event_date_corrected (seq \($0.seq)).\n" } ?? "Nothing to record: that is already so.\n"
                }
                return try recorded(inv, .action(.correctAction(action: inv.argument(0)!, field: inv.required("--field"), value: inv.required("--value"),
                                                 reason: inv.required("--reason"), on: try inv.date(option: "--on"))))
            }),
    ]
}
