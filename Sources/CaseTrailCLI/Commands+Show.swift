import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

/// A heading, some "Label: value" facts and titled tables: how `show` prints one thing.
struct Document {
    var title: String
    var facts: [(String, String)] = []
    var sections: [(String, Table)] = []

    func render(_ format: OutputFormat, width: Int?) -> String {
        if format == .md {
            var out = "## \(Escape.markdown(title))\n\n"
            for (k, v) in facts { out += "- **\(k)**: \(Escape.markdown(v))\n" }
            for (name, table) in sections where !table.rows.isEmpty { out += "\n### \(name)\n\n" + table.markdown() }
            return out
        }
        var out = title + "\n"
        let labels = (facts.map(\.0.count).max() ?? 0) + 2
        for (k, v) in facts { out += (k + ":").padding(to: labels) + Escape.terminal(v) + "\n" }
        for (name, table) in sections where !table.rows.isEmpty { out += "\n" + name.uppercased() + "\n" + table.aligned(width: width) }
        return out
    }
}

extension String {
    func padding(to width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

extension Commands {
    static func show(_ inv: Invocation) throws -> String {
        let target = inv.argument(0)!
        let format = try inv.format()
        let today = try inv.today()
        // Each entry names its recorder as the roster named them when it was written.
        var timeline: [(LogRecord, String, LocalDate?)] = []
        var names: [String: String] = [:]
        var about: Set<String> = [target]
        var redated: [Int: String] = [:]
        var held = HeldLines(day: try inv.onDate())
        func collect(_ record: LogRecord, _ event: Event) {
            held.note(record, event)
            if case let .eventRedated(seq, _, _, date, on, reason) = event { redated[seq] = " [date corrected to \(date.readable) on \(on.readable): \(reason)]" }
            if case let .memberAdded(user, name, _, _, _) = event { names[user] = name }
            if event.subject.map(about.contains) ?? false || event.alsoAbout == target {
                timeline.append((record, event.summary(by: names[record.actor] ?? record.actor), event.businessDate))
            }
        }
        var (state, _) = try load(inv, selecting: timelineLines(of: about, within: false), each: collect)
        if let r = state.reviews[target] {
            return showReview(r, state, today: today, format: format, width: inv.tableWidth)
        }
        if state.actions[target]?.carried != nil {
            // Its earlier life is on the actions it was carried from, whose lines come first: read again for them.
            about = Set(state.lineage(of: target))
            timeline = []
            names = [:]
            (state, _) = try load(inv, selecting: timelineLines(of: about, within: false), each: collect)
        }
        if let a = state.actions[target] {
            // A line voided on its own stays in the timeline, marked; its void's own line says who and why.
            for i in timeline.indices {
                if let v = state.voided["seq:\(timeline[i].0.seq)"] { timeline[i].1 += " [void since \(v.on.readable): \(v.reason)]" }
                timeline[i].1 += redated[timeline[i].0.seq] ?? ""
            }
            timeline = timeline.filter { held.held($0.0.seq) }
            return showAction(a, state, timeline: timeline, today: today, format: format, width: inv.tableWidth)
        }
        if let v = state.voided[target] {
            throw Refusal(message: "\(target) was voided as entered in error on \(v.on.readable)" + (v.with.map { ", with \($0)" } ?? "")
                + ": \(v.reason). Its history: 'casetrail history \(target)'; as it was before: any query with --as-of a time before the void.")
        }
        if state.recommendations[target] != nil, let ref = target.split(separator: "/").first {
            throw Refusal(message: "'\(target)' is a recommendation; show its review with 'casetrail show \(ref)'.")
        }
        throw Refusal(message: "No review or action '\(target)'. See 'casetrail reviews' or 'casetrail outstanding'.")
    }

    static func showReview(_ r: Review, _ state: State, today: LocalDate, format: OutputFormat, width: Int?) -> String {
        let clocks = Clocks.of(r, calendar: state.calendar, policy: state.policy, today: today)
        let recs = state.recommendations(of: r)
        if format == .json {
            var members: [JSONMember] = [
                JSONMember("ref", .string(r.ref)), JSONMember("kind", .string(r.kind.rawValue)), JSONMember("title", .string(r.title)),
                JSONMember("status", .string(r.status)), JSONMember("opened", .string(r.opened.description)),
                JSONMember("from", .optional(r.from)), JSONMember("child", .optional(r.child)),
                JSONMember("aware", .optional(r.aware?.description)), JSONMember("initiated", .optional(r.initiatedOn?.description)),
                JSONMember("clocks", .array(clocks.map(clockJSON))),
                JSONMember("milestones", .array(r.milestones.map { .object(["what": .string($0.what.rawValue), "on": .string($0.on.description), "note": .optional($0.note), "url": .optional($0.url)]) })),
                JSONMember("decisions", .array(r.decisions.map { .object(["on": .string($0.on.description), "outcome": .string($0.outcome.rawValue), "by": .string($0.by), "rationale": .string($0.rationale), "creates": .optional($0.creates), "reconvene": .optional($0.reconvene?.description)]) })),
                JSONMember("sign_offs", .array(r.signOffs.map { .object(["what": .string($0.what.rawValue), "on": .string($0.on.description), "partner": .optional($0.partner?.rawValue), "refused": .bool($0.refused), "reason": .optional($0.reason)]) })),
                JSONMember("linked", .array(r.linked.map { .string($0) })),
                JSONMember("recommendations", .array(recs.map { rec in
                    .object(["recommendation": .string(rec.id), "text": .string(rec.text), "on": .string(rec.on.description),
                             "response": rec.response.map { .object(["accepted": .bool($0.accepted), "reason": .optional($0.reason), "on": .string($0.on.description)]) } ?? .null,
                             "actions": .array(state.actions(of: rec).map { a in
                                 .object(["action": .string(a.id), "owner": .string(a.owner), "lead": .string(a.lead), "due": .string(a.due.description),
                                          "status": .string(a.status.rawValue), "rag": .optional(a.rag?.rawValue),
                                          "days_overdue": a.daysOverdue(today: today).map { .int($0) } ?? .null, "text": .string(a.text)])
                             })])
                })),
            ]
            if let c = r.completion {
                members.append(JSONMember("completion", .object(["on": .string(c.on.description), "recommendation": .string(c.recommendation.rawValue), "rationale": .string(c.rationale)])))
            }
            if let a = r.auditResults {
                members.append(JSONMember("audit_results", .object(["on": .string(a.on.description),
                                                                    "counts": .object(a.counts.map { JSONMember($0.level.rawValue, .int($0.count)) })])))
            }
            if let g = r.grade { members.append(JSONMember("grade", .object(["grade": .string(g.grade), "by": .string(g.by), "on": .string(g.on.description)]))) }
            if let w = r.withheld { members.append(JSONMember("withheld", .object(["on": .string(w.on.description), "reason": .string(w.reason)]))) }
            if r.kind == .rapidReview {
                members.append(JSONMember("partners_signed", .array(Partner.allCases.filter(r.partnersSigned.contains).map { .string($0.rawValue) })))
            }
            return jsonText(.object(members))
        }
        var doc = Document(title: "\(r.ref): \(r.title)")
        doc.facts.append(("Kind", r.kind.title))
        doc.facts.append(("Status", r.status + (r.decisions.last.flatMap { d in d.outcome == .defer ? d.reconvene.map { " (reconvenes \($0.readable))" } : nil } ?? "")))
        doc.facts.append(("Opened", r.opened.readable))
        if let c = r.child { doc.facts.append(("Child", c)) }
        if let a = r.aware { doc.facts.append(("Aware", a.readable + (r.incident.map { " (incident \($0.readable))" } ?? ""))) }
        if let s = r.summary { doc.facts.append(("Summary", s)) }
        if let i = r.initiatedOn { doc.facts.append(("Initiated", i.readable)) }
        if let f = r.from { doc.facts.append(("From", f)) }
        if !r.linked.isEmpty { doc.facts.append(("Linked", r.linked.joined(separator: ", "))) }
        if let c = r.completion { doc.facts.append(("Completed", "\(c.on.readable), recommending \(c.recommendation.rawValue): \(c.rationale)")) }
        for p in r.panelResponses { doc.facts.append(("National Panel", "\(p.agrees ? "agreed" : "disagreed") \(p.on.readable)" + (p.note.map { ": \($0)" } ?? ""))) }
        if r.kind == .rapidReview {
            let signed = Partner.allCases.filter(r.partnersSigned.contains).map(\.rawValue)
            doc.facts.append(("Partners signed", signed.isEmpty ? "none yet" : signed.joined(separator: ", ") + (r.rapidReviewSignedOff ? " (signed off)" : " (awaiting the others)")))
        }
        if let g = r.grade { doc.facts.append(("Grade", "\(g.grade) (\(g.by), \(g.on.readable))")) }
        if let a = r.auditResults { doc.facts.append(("Results", a.counts.map { "\($0.count) \($0.level.words)" }.joined(separator: ", ") + " (\(a.on.readable))")) }
        if let w = r.withheld { doc.facts.append(("Withheld", "\(w.on.readable): \(w.reason)")) }
        for d in r.delays { doc.facts.append(("Delayed", "\(d.on.readable): \(d.reason)" + (d.expected.map { ", expected \($0.readable)" } ?? ""))) }
        if let closed = r.closedOn { doc.facts.append(("Closed", closed.readable)) }
        doc.sections.append(("Statutory clocks", Table(columns: ["CLOCK", "START", "DUE", "COMPLETED", "STANDING", "USED", "LEFT"], rows: clocks.map { c in
            [c.name, c.start.description, c.due.description, c.completed?.description ?? "-", c.standing.rawValue,
             "\(c.workingDaysUsed)", c.workingDaysLeft.map { "\($0)" } ?? "-"]
        })))
        doc.sections.append(("Screening", Table(columns: ["DATE", "RECOMMENDATION", "NOTE"], rows: r.screenings.map { [$0.on.description, $0.recommendation.rawValue, $0.note ?? ""] })))
        doc.sections.append(("Decisions", Table(columns: ["DATE", "OUTCOME", "BY", "RATIONALE"], rows: r.decisions.map { d in
            [d.on.description, d.outcome.rawValue + (d.reconvene.map { " until \($0)" } ?? "") + (d.creates.map { " → \($0)" } ?? ""), d.by, d.rationale]
        })))
        doc.sections.append(("Milestones", Table(columns: ["DATE", "MILESTONE", "NOTE"], rows: r.milestones.map { [$0.on.description, $0.what.rawValue, ($0.note ?? "") + ($0.url.map { " \($0)" } ?? "")] })))
        doc.sections.append(("Sign-offs", Table(columns: ["DATE", "WHAT", "PARTNER", "RESULT"], rows: r.signOffs.map { s in
            [s.on.description, s.what.rawValue, s.partner?.rawValue ?? "-", s.refused ? "refused: \(s.reason ?? "")" : "signed"]
        })))
        var rows: [[String]] = []
        for rec in recs {
            let response = rec.response.map { $0.accepted ? "accepted \($0.on)" : "not accepted \($0.on): \($0.reason ?? "")" } ?? ""
            rows.append(["\(rec.id)", "", "", response, rec.text])
            for a in state.actions(of: rec) {
                rows.append(["  " + (a.id.split(separator: "/").last.map(String.init) ?? a.id), a.owner, a.due.description,
                             a.status.rawValue + (a.daysOverdue(today: today).map { ", \($0)d overdue" } ?? ""), a.text])
            }
        }
        doc.sections.append(("Recommendations and actions", Table(columns: ["ITEM", "OWNER", "DUE", "STATUS", "TEXT"], rows: rows)))
        return doc.render(format, width: width)
    }

    static func showAction(_ a: ActionItem, _ state: State, timeline entries: [(LogRecord, String, LocalDate?)],
                           today: LocalDate, format: OutputFormat, width: Int?) -> String {
        if format == .json {
            return jsonText(.object([
                "action": .string(a.id), "review": .string(a.ref), "recommendation": .string(a.rec), "text": .string(a.text),
                "owner": .string(a.owner), "lead": .string(a.lead), "due": .string(a.due.description),
                "original_due": .string(a.originalDue.description), "due_text": .optional(a.dueText), "success": .optional(a.success),
                "agreed": .string(a.agreed.description), "status": .string(a.status.rawValue), "rag": .optional(a.rag?.rawValue),
                "days_overdue": a.daysOverdue(today: today).map { .int($0) } ?? .null,
                "implemented": .optional(a.implemented?.on.description),
                "stages_signed": .array(a.stagesSigned.map { .string($0.rawValue) }),
                "revisions": .array(a.revisions.map { .object(["on": .string($0.on.description), "from": .string($0.from.description), "to": .string($0.to.description), "reason": .string($0.reason)]) }),
                "exit": a.exit.map { .object(["on": .string($0.on.description), "reason": .string($0.reason), "to": .optional($0.to)]) } ?? .null,
                "carried_from": a.carried.map { .object(["action": .string($0.from), "on": .string($0.on.description)]) } ?? .null,
                "sign_offs": .array(a.signOffs.map { .object(["stage": .string($0.stage.rawValue), "on": .string($0.on.description), "refused": .bool($0.refused), "reason": .optional($0.reason),
                                                              "on_behalf_of": .optional($0.by?.onBehalfOf), "meeting": .optional($0.by?.meeting), "signer": .optional($0.by?.signer)]) }),
                "timeline": .array(entries.map { r, s, on in
                    .object(["seq": .int(r.seq), "recorded_at": .string(r.recordedAt.description), "on": .optional(on?.description), "actor": .string(r.actor),
                             "login": .optional(r.login), "type": .string(r.type), "summary": .string(s)])
                }),
            ]))
        }
        var doc = Document(title: "\(a.id): \(a.text)")
        let owner = state.agencies[a.owner].map { "\(a.owner) (\($0.name))" } ?? a.owner
        doc.facts.append(("Recommendation", "\(a.ref)/\(a.rec): \(state.recommendations["\(a.ref)/\(a.rec)"]?.text ?? "")"))
        doc.facts.append(("Owner", owner))
        doc.facts.append(("Lead", a.lead))
        doc.facts.append(("Agreed", "\(a.agreed.readable) (\(a.agreed.financialYear))"))
        if let c = a.carried { doc.facts.append(("Carried from", "\(c.from) on \(c.on.readable)")) }
        var due = a.due.readable
        if a.due != a.originalDue { due += " (originally \(a.originalDue.readable))" }
        if let t = a.dueText { due += " \"\(t)\"" }
        doc.facts.append(("Due", due))
        doc.facts.append(("Status", a.status.rawValue + (a.rag.map { ", \($0.rawValue)" } ?? "")
                          + (a.daysOverdue(today: today).map { ", \($0) days overdue" } ?? "")))
        if let s = a.success { doc.facts.append(("Success", s)) }
        if let i = a.implemented { doc.facts.append(("Implemented", "\(i.on.readable): \(i.evidence)")) }
        if !a.stagesSigned.isEmpty {
            // Each stage with the date it was given: the latest sign-off of that stage since it was implemented.
            let given = a.stagesSigned.map { stage in
                stage.rawValue + (a.signOffs.last { $0.stage == stage && !$0.refused }.map { " (\($0.on.readable)" + ($0.by?.onBehalfOf.map { ", for \($0)" } ?? "") + ")" } ?? "")
            }
            doc.facts.append(("Signed by", given.joined(separator: ", ")))
        }
        if let x = a.exit { doc.facts.append((a.status == .transferred ? "Transferred" : "Withdrawn", "\(x.on.readable)" + (x.to.map { " to \($0)" } ?? "") + ": \(x.reason)")) }
        doc.sections.append(("Timeline", Table(columns: ["SEQ", "RECORDED", "ON", "ACTOR", "WHAT"], rows: entries.map { r, s, on in
            ["\(r.seq)", String(r.recordedAt.description.prefix(10)), on?.description ?? "-", r.recordedBy, s]
        })))
        return doc.render(format, width: width)
    }
}
