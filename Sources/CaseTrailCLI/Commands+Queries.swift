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
                return try render(inv, table: Table(columns: ["REF", "KIND", "STATUS", "OPENED", "TITLE"],
                                                    rows: list.map { [$0.ref, $0.kind.rawValue, $0.status, $0.opened.description, $0.title] }),
                                  json: .object(["reviews": .array(list.map { r in
                    .object(["ref": .string(r.ref), "kind": .string(r.kind.rawValue), "title": .string(r.title),
                             "status": .string(r.status), "opened": .string(r.opened.description)])
                })]))
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
                return try render(inv, table: Table(columns: ["REF", "CLOCK", "DUE", "COMPLETED", "STANDING", "USED"],
                                                    rows: clocks.map { [$0.ref, $0.name, $0.due.description, $0.completed?.description ?? "-",
                                                                        $0.standing.rawValue, "\($0.workingDaysUsed)"] }),
                                  json: .object(["clocks": .array(clocks.map(clockJSON))]))
            }),
        CommandSpec(
            words: ["outstanding"], abstract: "Recommendations and actions not yet signed off, transferred or withdrawn.",
            options: actionFilterOptions + [groupByOption], formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let (state, filter, today) = try actionQuery(inv)
                return try itemList(inv, Projections.outstanding(state, today: today, filter: filter))
            }),
        CommandSpec(
            words: ["overdue"], abstract: "Actions past their current due date and not implemented, with days overdue.",
            options: actionFilterOptions + [groupByOption], formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let (state, filter, today) = try actionQuery(inv)
                return try itemList(inv, Projections.overdue(state, today: today, filter: filter))
            }),
        CommandSpec(
            words: ["due"], abstract: "Open actions falling due within a number of days.",
            options: [OptionSpec(name: "--within", valueName: "days", help: "How many days ahead to look.", required: true)] + actionFilterOptions + [groupByOption],
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let days = try withinDays(inv)
                let (state, filter, today) = try actionQuery(inv)
                return try itemList(inv, Projections.due(state, today: today, within: days, filter: filter))
            }),
        CommandSpec(
            words: ["awaiting-signoff"], abstract: "Implemented actions waiting for a sign-off, and which stage they wait for.",
            options: [OptionSpec(name: "--stage", valueName: "stage", help: "Only those waiting for this stage: \(Opt.oneOf(SignOffStage.self)).")] + actionFilterOptions + [groupByOption],
            formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let stage: SignOffStage? = try inv.choice("--stage")
                let (state, filter, today) = try actionQuery(inv)
                let list = Projections.awaitingSignOff(state, today: today, stage: stage, filter: filter)
                return try itemList(inv, list.map(\.item), extra: ("IMPLEMENTED", "implemented", list.map { $0.action.implemented?.on.description }),
                                    ("AWAITS", "stage", list.map { $0.stage.rawValue }))
            }),
        CommandSpec(
            words: ["no-impact-evidence"], abstract: "Implemented actions with no evidence yet that they made a difference.",
            options: actionFilterOptions + [groupByOption], formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let (state, filter, today) = try actionQuery(inv)
                let list = Projections.noImpactEvidence(state, today: today, filter: filter)
                return try itemList(inv, list.map(\.item), extra: ("IMPLEMENTED", "implemented", list.map { $0.action.implemented?.on.description }))
            }),
    ]

    /// The filters every action query takes (`outstanding`, `overdue`, `due`, `awaiting-signoff`,
    /// `no-impact-evidence`, `export`); all but `export` can also count instead of list.
    static let actionFilterOptions: [OptionSpec] = [
        OptionSpec(name: "--agency", valueName: "agency", help: "Only actions this agency owns (a code or any of its names)."),
        OptionSpec(name: "--review", valueName: "ref", help: "Only this review's."),
        OptionSpec(name: "--kind", valueName: "kind", help: "Only reviews of this kind: \(Opt.oneOf(ReviewKind.self))."),
        OptionSpec(name: "--lead", valueName: "text", help: "Only actions whose lead's name or title contains this text (any case)."),
        OptionSpec(name: "--rag", valueName: "rating", help: "Only actions last rated \(Opt.oneOf(RAG.self))."),
        OptionSpec(name: "--status", valueName: "status", help: "Only this status: \(spokenList(ActionFilter.statuses))."),
    ]

    static let groupByOption = OptionSpec(name: "--group-by", valueName: "key",
                                          help: "Count instead of list, by \(Opt.oneOf(GroupBy.self)) (year: April–March year of origin).")

    /// The state, the filter the options give, and today, for an action query.
    static func actionQuery(_ inv: Invocation) throws -> (State, ActionFilter, LocalDate) {
        let kind: ReviewKind? = try inv.choice("--kind")
        let rag: RAG? = try inv.choice("--rag")
        _ = try groupBy(inv)
        if let status = inv.value("--status"), !ActionFilter.statuses.contains(status) {
            throw inv.usage("'\(status)' is not a value for '--status'; use one of: \(ActionFilter.statuses.joined(separator: ", ")).")
        }
        if let lead = inv.value("--lead"), lead.isEmpty { throw inv.usage("'--lead' needs some text of the lead's name or title.") }
        let today = try inv.today()
        let (state, _) = try load(inv)
        let filter = ActionFilter(agency: try agencyFilter(inv, state), review: try reviewFilter(inv, state), kind: kind,
                                  lead: inv.value("--lead"), rag: rag, status: inv.value("--status"))
        return (state, filter, today)
    }

    static func groupBy(_ inv: Invocation) throws(UsageError) -> GroupBy? { try inv.choice("--group-by") }

    /// `due --within DAYS`, range-checked.
    static func withinDays(_ inv: Invocation) throws(UsageError) -> Int {
        guard let days = Int(inv.required("--within")), (0...36_500).contains(days) else {
            throw inv.usage("'\(inv.required("--within"))' is not a number of days for '--within'; give one from 0 to 36500, such as 30.")
        }
        return days
    }

    /// An action query's answer in the JSON contract's shape, or its counts when `--group-by` asks;
    /// `extra` columns (a header, a JSON field and a value per item) follow the common ones.
    static func itemList(_ inv: Invocation, _ items: [OutstandingItem], extra: (header: String, field: String, values: [String?])...) throws -> String {
        if let by = try groupBy(inv) {
            let groups = Projections.grouped(items, by: by)
            let json: JSONValue = .object(["groups": .array(groups.map { .object(["key": .string($0.key), "count": .int($0.count), "overdue": .int($0.overdue)]) }),
                                           "count": .int(items.count)])
            let table = Table(columns: [by.rawValue.uppercased(), "COUNT", "OVERDUE"],
                              rows: groups.map { [$0.key, "\($0.count)", "\($0.overdue)"] } + [["Total", "\(items.count)", "\(groups.map(\.overdue).reduce(0, +))"]])
            return try render(inv, table: table, json: json)
        }
        func json() -> JSONValue { .object(["items": .array(items.indices.map { n in
            var object = itemJSON(items[n])
            if case .object(var members) = object {
                for e in extra { members.append(JSONMember(e.field, .optional(e.values[n]))) }
                object = .object(members)
            }
            return object
        }), "count": .int(items.count)]) }
        func table() -> Table {
            Table(columns: ["ACTION", "OWNER", "LEAD", "DUE", "STATUS", "RAG", "OVERDUE"] + extra.map(\.header) + ["TEXT", "SUCCESS"], rows: items.indices.map { n in
            let i = items[n]
            return [i.action ?? "\(i.review)/\(i.recommendation)", i.owner ?? "-", i.lead ?? "-", dueCell(i), i.status, i.rag?.rawValue ?? "-",
                    i.daysOverdue.map { $0 == 1 ? "1 day" : "\($0) days" } ?? "-"] + extra.map { $0.values[n] ?? "-" } + [i.text, i.success ?? "-"]
            })
        }
        // Only the form asked for is built: an action list can be thousands of rows.
        return try render(inv, table: table(), json: json())
    }

    /// The due date with the source's own words for it, when they say more than the date ("revised
    /// from" them once the date has moved).
    static func dueCell(_ i: OutstandingItem) -> String {
        i.due.map { dueWords($0, original: i.originalDue ?? $0, words: i.dueText, as: \.description) } ?? "-"
    }

    /// A due date as `as` writes it, followed by the plan's words for it (or the words it was revised from).
    static func dueWords(_ due: LocalDate, original: LocalDate, words: String?, as date: (LocalDate) -> String) -> String {
        guard let words, !words.isEmpty, words != due.description else { return date(due) }
        return original == due ? "\(date(due)) (\(words))" : "\(date(due)) (revised from \(words))"
    }

    static func itemJSON(_ i: OutstandingItem) -> JSONValue {
        .object(["action": .optional(i.action), "review": .string(i.review), "recommendation": .string(i.recommendation),
                 "owner": .optional(i.owner), "lead": .optional(i.lead), "due": .optional(i.due?.description),
                 "status": .string(i.status), "rag": .optional(i.rag?.rawValue), "days_overdue": i.daysOverdue.map { .int($0) } ?? .null,
                 "text": .string(i.text), "year_of_origin": .string(i.yearOfOrigin), "due_text": .optional(i.dueText),
                 "success": .optional(i.success), "kind": .optional(i.kind?.rawValue)])
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
