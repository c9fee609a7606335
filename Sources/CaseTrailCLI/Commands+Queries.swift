import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

extension Commands {
    static let queries: [CommandSpec] = [
        CommandSpec(
            words: ["reviews"], abstract: "List the reviews with their kind, status and when they opened.",
            options: [
                OptionSpec(name: "--kind", valueName: "kind", help: "Only this kind: \(Opt.oneOf(ReviewKind.self))."),
                OptionSpec(name: "--open", valueName: nil, help: "Only reviews not yet closed."),
            ],
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let kind: ReviewKind? = try inv.choice("--kind")
                let (state, _) = try load(inv)
                let list = state.sortedReviews.filter { (kind == nil || $0.kind == kind) && (!inv.flag("--open") || !$0.isClosed) }
                let json: JSONValue = .object(["reviews": .array(list.map { r in
                    .object(["ref": .string(r.ref), "kind": .string(r.kind.rawValue), "title": .string(r.title),
                             "status": .string(r.status), "opened": .string(r.opened.description)])
                })])
                let table = Table(columns: ["REF", "KIND", "STATUS", "OPENED", "TITLE"],
                                  rows: list.map { [$0.ref, $0.kind.rawValue, $0.status, $0.opened.description, $0.title] })
                return try render(inv, table: table, json: json)
            }),
        CommandSpec(
            words: ["show"], abstract: "Show one review (status, milestones, decisions, clocks, recommendations) or one action's timeline.",
            arguments: [ArgumentSpec(name: "ref-or-action", help: "A review reference, or an action as REF/R<n>/A<n>.")],
            formats: [.table, .json, .md], asOf: true,
            run: show),
        CommandSpec(
            words: ["timeliness"], abstract: "Every statutory clock, met, missed or running; by April–March year if asked.",
            options: [OptionSpec(name: "--year", valueName: "year", help: "A reporting year such as 2022-23: clocks due in it.")],
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let year = try reportingYear(inv)
                let (state, _) = try load(inv)
                let clocks = Projections.timeliness(state, today: try inv.today(), year: year?.description)
                let json: JSONValue = .object(["clocks": .array(clocks.map(clockJSON))])
                let table = Table(columns: ["REF", "CLOCK", "DUE", "COMPLETED", "STANDING", "USED"],
                                  rows: clocks.map { [$0.ref, $0.name, $0.due.description, $0.completed?.description ?? "-",
                                                      $0.standing.rawValue, "\($0.workingDaysUsed)"] })
                return try render(inv, table: table, json: json)
            }),
        CommandSpec(
            words: ["outstanding"], abstract: "Recommendations and actions not yet signed off, transferred or withdrawn.",
            options: [
                OptionSpec(name: "--agency", valueName: "agency", help: "Only actions this agency owns (a code or any of its names)."),
                OptionSpec(name: "--review", valueName: "ref", help: "Only this review's."),
                OptionSpec(name: "--group-by", valueName: "key", help: "Count by review, agency or year (April–March year of origin)."),
            ],
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let groupBy: GroupBy? = try inv.choice("--group-by")
                let (state, _) = try load(inv)
                let items = Projections.outstanding(state, today: try inv.today(), agency: try agencyFilter(inv, state),
                                                    review: try reviewFilter(inv, state))
                if let by = groupBy {
                    let groups = Projections.grouped(items, by: by)
                    let json: JSONValue = .object(["groups": .array(groups.map { .object(["key": .string($0.key), "count": .int($0.count), "overdue": .int($0.overdue)]) }),
                                                   "count": .int(items.count)])
                    let table = Table(columns: [by.rawValue.uppercased(), "OUTSTANDING", "OVERDUE"],
                                      rows: groups.map { [$0.key, "\($0.count)", "\($0.overdue)"] } + [["Total", "\(items.count)", "\(groups.map(\.overdue).reduce(0, +))"]])
                    return try render(inv, table: table, json: json)
                }
                return try itemList(inv, items)
            }),
        CommandSpec(
            words: ["overdue"], abstract: "Actions past their current due date and not implemented, with days overdue.",
            options: [
                OptionSpec(name: "--agency", valueName: "agency", help: "Only actions this agency owns."),
                OptionSpec(name: "--review", valueName: "ref", help: "Only this review's."),
            ],
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let (state, _) = try load(inv)
                return try itemList(inv, Projections.overdue(state, today: try inv.today(), agency: try agencyFilter(inv, state),
                                                             review: try reviewFilter(inv, state)))
            }),
        CommandSpec(
            words: ["due"], abstract: "Open actions falling due within a number of days.",
            options: [OptionSpec(name: "--within", valueName: "days", help: "How many days ahead to look.", required: true)],
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                guard let days = Int(inv.required("--within")), (0...36_500).contains(days) else {
                    throw inv.usage("'\(inv.required("--within"))' is not a number of days for '--within'; give one from 0 to 36500, such as 30.")
                }
                let (state, _) = try load(inv)
                return try itemList(inv, Projections.due(state, today: try inv.today(), within: days))
            }),
        CommandSpec(
            words: ["awaiting-signoff"], abstract: "Implemented actions waiting for a sign-off, and which stage they wait for.",
            options: [OptionSpec(name: "--stage", valueName: "stage", help: "Only those waiting for this stage: \(Opt.oneOf(SignOffStage.self)).")],
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let stage: SignOffStage? = try inv.choice("--stage")
                let (state, _) = try load(inv)
                let list = Projections.awaitingSignOff(state, stage: stage)
                let json: JSONValue = .object(["items": .array(list.map { a, s in
                    .object(["action": .string(a.id), "review": .string(a.ref), "owner": .string(a.owner),
                             "implemented": .optional(a.implemented?.on.description), "stage": .string(s.rawValue)])
                }), "count": .int(list.count)])
                let table = Table(columns: ["ACTION", "OWNER", "IMPLEMENTED", "AWAITS", "TEXT"],
                                  rows: list.map { a, s in [a.id, a.owner, a.implemented?.on.description ?? "-", s.rawValue, a.text] })
                return try render(inv, table: table, json: json)
            }),
        CommandSpec(
            words: ["no-impact-evidence"], abstract: "Implemented actions with no evidence yet that they made a difference.",
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let (state, _) = try load(inv)
                let list = Projections.noImpactEvidence(state)
                let json: JSONValue = .object(["items": .array(list.map { a in
                    .object(["action": .string(a.id), "review": .string(a.ref), "owner": .string(a.owner), "status": .string(a.status.rawValue),
                             "implemented": .optional(a.implemented?.on.description)])
                }), "count": .int(list.count)])
                let table = Table(columns: ["ACTION", "OWNER", "STATUS", "IMPLEMENTED", "TEXT"],
                                  rows: list.map { [$0.id, $0.owner, $0.status.rawValue, $0.implemented?.on.description ?? "-", $0.text] })
                return try render(inv, table: table, json: json)
            }),
    ]

    /// The item list shared by `outstanding`, `overdue` and `due`, in the JSON contract's shape.
    static func itemList(_ inv: Invocation, _ items: [OutstandingItem]) throws -> String {
        let json: JSONValue = .object(["items": .array(items.map(itemJSON)), "count": .int(items.count)])
        let table = Table(columns: ["ACTION", "OWNER", "DUE", "STATUS", "RAG", "OVERDUE", "TEXT"], rows: items.map { i in
            [i.action ?? "\(i.review)/\(i.recommendation)", i.owner ?? "-", i.due?.description ?? "-", i.status, i.rag?.rawValue ?? "-",
             i.daysOverdue.map { $0 == 1 ? "1 day" : "\($0) days" } ?? "-", i.text]
        })
        return try render(inv, table: table, json: json)
    }

    static func itemJSON(_ i: OutstandingItem) -> JSONValue {
        .object(["action": .optional(i.action), "review": .string(i.review), "recommendation": .string(i.recommendation),
                 "owner": .optional(i.owner), "lead": .optional(i.lead), "due": .optional(i.due?.description),
                 "status": .string(i.status), "rag": .optional(i.rag?.rawValue), "days_overdue": i.daysOverdue.map { .int($0) } ?? .null,
                 "text": .string(i.text), "year_of_origin": .string(i.yearOfOrigin)])
    }

    static func clockJSON(_ c: StatutoryClock) -> JSONValue {
        .object(["ref": .string(c.ref), "name": .string(c.name), "start": .string(c.start.description), "due": .string(c.due.description),
                 "completed": .optional(c.completed?.description), "met": c.met.map { .bool($0) } ?? .null,
                 "standing": .string(c.standing.rawValue), "working_days_used": .int(c.workingDaysUsed),
                 "working_days_left": c.workingDaysLeft.map { .int($0) } ?? .null, "basis": .optional(c.basis)])
    }

    /// `--agency` as an agency code, accepting any of its names.
    static func agencyFilter(_ inv: Invocation, _ state: State) throws -> String? {
        guard let text = inv.value("--agency") else { return nil }
        guard let a = state.agency(named: text) else { throw Refusal(message: "No agency '\(text)'. See 'casetrail agencies'.") }
        return a.code
    }

    static func reviewFilter(_ inv: Invocation, _ state: State) throws -> String? {
        guard let ref = inv.value("--review") else { return nil }
        guard state.reviews[ref] != nil else { throw Refusal(message: "No review '\(ref)'. See 'casetrail reviews' for the references.") }
        return ref
    }

    /// `--year 2022-23`, checked for shape.
    static func reportingYear(_ inv: Invocation) throws(UsageError) -> ReportingYear? {
        guard let y = inv.value("--year") else { return nil }
        guard let year = ReportingYear(y) else {
            throw inv.usage("'\(y)' is not a reporting year; use the April–March form, e.g. 2022-23.")
        }
        return year
    }
}
