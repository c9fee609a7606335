import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

extension Commands {
    static let reports: [CommandSpec] = [
        CommandSpec(
            words: ["report", "annual"], abstract: "The learning-and-improvement section of the annual report for an April–March year.",
            discussion: "Markdown by default, or one self-contained HTML file (inline CSS and SVG charts, no network).\nIt ends with the checkpoint line, so any later change to the log can be detected against the printed report.",
            options: [OptionSpec(name: "--year", valueName: "year", help: "The reporting year, e.g. 2022-23.", required: true), signOption],
            formats: [.md, .html, .json], asOf: true, byBusinessDate: false,
            run: annualReport),
        meeting,
        remind,
        CommandSpec(
            words: ["export"], abstract: "Every action with its review, owner, dates, status and sign-offs, for a spreadsheet.",
            discussion: "CSV follows RFC 4180 (UTF-8, CRLF line ends, quoted where needed). The raw log is already JSON Lines.",
            options: actionFilterOptions, formats: [.csv, .json], asOf: true,
            run: export),
    ]

    static func annualReport(_ inv: Invocation) throws -> String {
        guard let year = try reportingYear(inv) else { throw inv.usage("'report annual' needs --year, e.g. 2022-23.") }
        let format = try inv.value("--format") == nil ? OutputFormat.md : inv.format()
        // A year's figures depend only on what was true within it: the state as things stood at its end.
        let (state, pin) = try pinned(inv, onDate: year.last)
        let partnership = state.partnership!
        let report = AnnualReport(state, year: year, today: try inv.today())
        let signed = try sign(pin, inv, state)
        let checkpoint = signed.text
        switch format {
        case .html: return ReportHTML.render(report, partnership: partnership, checkpoint: checkpoint)
        case .json:
            guard case .object(var members) = reportJSON(report, checkpoint: pin.text) else { return "" }
            if let s = signed.signature { members.append(JSONMember("checkpoint_signature", .string(s))) }
            return jsonText(.object(members))
        default: return ReportMarkdown.render(report, partnership: partnership, checkpoint: checkpoint)
        }
    }

    static func reportJSON(_ r: AnnualReport, checkpoint: String) -> JSONValue {
        .object([
            "year": .string(r.year.description), "incidents": .int(r.incidents), "notifications": .int(r.notifications),
            "rapid_reviews_completed": .int(r.rapidReviewsCompleted), "rapid_reviews_on_time": .int(r.rapidReviewsOnTime),
            "reviews": .array(r.reviews.map { .object(["kind": .string($0.kind.rawValue), "initiated": .int($0.initiated), "published": .int($0.published)]) }),
            "actions_opened": .int(r.actionsOpened), "actions_implemented": .int(r.actionsImplemented), "actions_signed_off": .int(r.actionsSignedOff),
            "outstanding_at_year_end": .int(r.outstandingAtYearEnd), "overdue_at_year_end": .int(r.overdueAtYearEnd),
            "outstanding_by_origin": .array(r.outstandingByOrigin.map { .object(["year": .string($0.year), "count": .int($0.count)]) }),
            "outstanding_by_agency": .array(r.outstandingByAgency.map { .object(["agency": .string($0.agency), "name": .string($0.name), "outstanding": .int($0.outstanding), "overdue": .int($0.overdue)]) }),
            "clocks": .array(r.clocks.map { .object(["name": .string($0.name), "met": .int($0.met), "missed": .int($0.missed), "open": .int($0.open)]) }),
            "month_ends": .array(r.monthEnds.map { .object(["date": .string($0.date.description), "outstanding": .int($0.outstanding)]) }),
            "audit_results": .array(r.auditResults.map { a in .object(["review": .string(a.review.ref), "title": .string(a.review.title), "kind": .string(a.review.kind.rawValue),
                                                                        "on": .string(a.results.on.description),
                                                                        "counts": .object(a.results.counts.map { JSONMember($0.level.rawValue, .int($0.count)) })]) }),
            "not_accepted": .array(r.notAccepted.map { .object(["recommendation": .string($0.fullID), "text": .string($0.text),
                                                                 "on": .string($0.response!.on.description), "reason": .string($0.response!.reason ?? "")]) }),
            "awaiting_response": .array(r.awaitingResponse.map { .object(["recommendation": .string($0.rec.fullID), "text": .string($0.rec.text),
                                                                          "made": .string($0.rec.on.description), "days": .int($0.days)]) }),
            "checkpoint": .string(checkpoint),
        ])
    }

    static func export(_ inv: Invocation) throws -> String {
        let format = try inv.value("--format") == nil ? OutputFormat.csv : inv.format()
        let (state, filter, today) = try actionQuery(inv)
        let listed = Projections.actions(state, today: today, filter: filter)
        let actions = listed.map(\.action), kinds = listed.map { $0.item.kind?.rawValue }
        func revisions(_ a: ActionItem) -> String {
            a.revisions.map { "\($0.from) to \($0.to) on \($0.on): \($0.reason)" }.joined(separator: "; ")
        }
        func signOffs(_ a: ActionItem) -> String {
            a.signOffs.map { "\($0.stage.rawValue) \($0.on)\($0.refused ? " refused" : "")" }.joined(separator: "; ")
        }
        // A recommendation's text is read once, not once for each of its actions (each read decodes it).
        // For a quarter of the actions or more, every recommendation is read at once, cheaper than searching for each.
        let readWhole = state.actions.isReadingWholeCheaper(than: listed.count)
        var texts: [String: String?] = !readWhole ? [:]
            : Dictionary(state.recommendations.values.map { ($0.fullID, .some($0.text)) }, uniquingKeysWith: { first, _ in first })
        func recommendationText(_ a: ActionItem) -> String? {
            let key = "\(a.ref)/\(a.rec)"
            if let known = texts[key] { return known }
            if readWhole { return nil }
            let text = state.recommendations[key]?.text
            texts[key] = .some(text)
            return text
        }
        if format == .json {
            return jsonText(.object(["actions": .array(zip(actions, kinds).map { a, kind in
                .object(["action": .string(a.id), "review": .string(a.ref), "recommendation": .string(a.rec), "text": .string(a.text),
                         "owner": .string(a.owner), "lead": .string(a.lead), "agreed": .string(a.agreed.description),
                         "original_due": .string(a.originalDue.description), "due": .string(a.due.description), "due_text": .optional(a.dueText),
                         "status": .string(a.status.rawValue), "rag": .optional(a.rag?.rawValue),
                         "days_overdue": a.daysOverdue(today: today).map { .int($0) } ?? .null,
                         "implemented": .optional(a.implemented?.on.description), "last_update": .optional(a.lastUpdate?.note),
                         "last_update_on": .optional(a.lastUpdate?.on.description), "sign_offs": .string(signOffs(a)),
                         "impact_evidence": .int(a.impactCount), "recommendation_text": .optional(recommendationText(a)),
                         "success": .optional(a.success), "last_update_evidence": .optional(a.lastUpdate?.evidence),
                         "implemented_evidence": .optional(a.implemented?.evidence), "revisions": .string(revisions(a)),
                         "exit_on": .optional(a.exit?.on.description), "exit_to": .optional(a.exit?.to), "exit_reason": .optional(a.exit?.reason),
                         "carried_from": .optional(a.carried?.from), "kind": .optional(kind)])
            }), "count": .int(actions.count)]))
        }
        var out: [UInt8] = []
        Table.appendCSV(["action", "review", "recommendation", "text", "owner", "lead", "agreed", "original_due", "due",
                         "due_text", "status", "rag", "days_overdue", "implemented", "last_update_on", "last_update",
                         "sign_offs", "impact_evidence", "recommendation_text", "success", "last_update_evidence",
                         "implemented_evidence", "revisions", "exit_on", "exit_to", "exit_reason", "carried_from", "kind"], to: &out)
        for (a, kind) in zip(actions, kinds) {
            Table.appendCSV([a.id, a.ref, a.rec, a.text, a.owner, a.lead, a.agreed.description, a.originalDue.description, a.due.description,
                             a.dueText ?? "", a.status.rawValue, a.rag?.rawValue ?? "", a.daysOverdue(today: today).map(String.init) ?? "",
                             a.implemented?.on.description ?? "", a.lastUpdate?.on.description ?? "", a.lastUpdate?.note ?? "", signOffs(a), "\(a.impactCount)",
                             recommendationText(a) ?? "", a.success ?? "", a.lastUpdate?.evidence ?? "", a.implemented?.evidence ?? "", revisions(a),
                             a.exit?.on.description ?? "", a.exit?.to ?? "", a.exit?.reason ?? "", a.carried?.from ?? "", kind ?? ""], to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A checkpoint at the foot of a paper: inline, or a fenced block when a signature follows it.
func checkpointMarkdown(_ text: String) -> String {
    text.contains("\n") ? "```\n\(text)\n```\n" : "`\(text)`\n"
}

/// The annual report as Markdown, to paste into the partnership's report.
enum ReportMarkdown {
    /// "4 requires improvement, 1 good", with each level's share of the whole for standards ("83% fully met").
    static func auditSummary(_ a: AuditResults) -> String {
        let standards = a.counts.contains { [.fullyMet, .partiallyMet, .notMet].contains($0.level) }
        return a.counts.map { c in
            standards && a.total > 0 ? "\(c.count) \(c.level.words) (\((c.count * 100 + a.total / 2) / a.total)%)" : "\(c.count) \(c.level.words)"
        }.joined(separator: ", ")
    }

    static func render(_ r: AnnualReport, partnership: PartnershipInfo, checkpoint: String) -> String {
        var out = "# Learning and improvement \(r.year)\n\n\(Escape.markdown(partnership.name)) (\(partnership.code)), 1 April \(r.year.startYear) to 31 March \(r.year.startYear + 1).\n\n"
        out += "## Serious incidents and rapid reviews\n\n"
        out += Table(columns: ["Measure", "Number"], rows: [
            ["Serious incidents (local authority aware)", "\(r.incidents)"],
            ["Notifications to the National Panel", "\(r.notifications)"],
            ["Rapid reviews completed", "\(r.rapidReviewsCompleted)"],
            ["Rapid reviews completed within 15 working days", "\(r.rapidReviewsOnTime)"],
        ]).markdown()
        out += "\n## Reviews started and published\n\n"
        out += r.reviews.isEmpty ? "None in the year.\n" : Table(columns: ["Kind", "Started", "Published"],
                                                                rows: r.reviews.map { [$0.kind.title, "\($0.initiated)", "\($0.published)"] }).markdown()
        out += "\n## Actions\n\n"
        out += Table(columns: ["Measure", "Number"], rows: [
            ["Actions agreed in the year", "\(r.actionsOpened)"],
            ["Actions implemented in the year", "\(r.actionsImplemented)"],
            ["Actions signed off as complete in the year", "\(r.actionsSignedOff)"],
            ["Outstanding at 31 March \(r.year.startYear + 1)", "\(r.outstandingAtYearEnd)"],
            ["Of which overdue", "\(r.overdueAtYearEnd)"],
        ]).markdown()
        if !r.outstandingByOrigin.isEmpty {
            out += "\n### Outstanding at year end by year of origin\n\n"
            out += Table(columns: ["Year agreed", "Outstanding"], rows: r.outstandingByOrigin.map { [$0.year, "\($0.count)"] }).markdown()
            out += "\n### Outstanding at year end by agency\n\n"
            out += Table(columns: ["Agency", "Outstanding", "Overdue"], rows: r.outstandingByAgency.map { ["\($0.name) (\($0.agency))", "\($0.outstanding)", "\($0.overdue)"] }).markdown()
        }
        out += "\n## Statutory timescales\n\n"
        out += r.clocks.isEmpty ? "No statutory clocks fell due in the year.\n" : Table(columns: ["Clock", "Met", "Missed", "Not yet due or open"],
                                                                                       rows: r.clocks.map { [$0.name, "\($0.met)", "\($0.missed)", "\($0.open)"] }).markdown()
        if !r.auditResults.isEmpty {
            out += "\n## Audit results\n\n"
            out += Table(columns: ["Audit", "Results"], rows: r.auditResults.map { [$0.review.title + " (\($0.review.ref))", auditSummary($0.results)] }).markdown()
        }
        if !r.notAccepted.isEmpty {
            out += "\n## Recommendations not accepted\n\n"
            out += Table(columns: ["Recommendation", "Text", "Decided", "Why not"],
                         rows: r.notAccepted.map { [$0.fullID, $0.text, $0.response!.on.description, $0.response!.reason ?? ""] }).markdown()
        }
        if !r.awaitingResponse.isEmpty {
            out += "\n## Recommendations without a response at 31 March \(r.year.startYear + 1)\n\n"
            out += Table(columns: ["Recommendation", "Made", "Days waiting", "Text"],
                         rows: r.awaitingResponse.map { [$0.rec.fullID, $0.rec.on.description, "\($0.days)", $0.rec.text] }).markdown()
        }
        out += "\n---\n\n" + checkpointMarkdown(checkpoint)
        return out
    }
}

/// The annual report as one HTML file: inline CSS, charts as inline SVG, no scripts, no network.
enum ReportHTML {
    /// Byte by byte, so a `<` carrying a combining mark is escaped too, and a paper of 100 MB takes seconds.
    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        for b in s.utf8 {
            switch b {
            case 0x26: out += "&amp;".utf8
            case 0x3C: out += "&lt;".utf8
            case 0x3E: out += "&gt;".utf8
            case 0x22: out += "&quot;".utf8
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A table whose first column names the row and the others are numbers, unless `text` says which hold words.
    static func table(_ header: [String], _ rows: [[String]], text: Set<Int> = [0]) -> String {
        var out = "<table><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for r in rows { out += "<tr>" + r.enumerated().map { i, c in text.contains(i) ? "<td>\(escape(c))</td>" : "<td class=\"n\">\(escape(c))</td>" }.joined() + "</tr>" }
        return out + "</tbody></table>\n"
    }

    static func render(_ r: AnnualReport, partnership: PartnershipInfo, checkpoint: String) -> String {
        let title = "Learning and improvement \(r.year): \(partnership.name)"
        var body = "<h1>\(escape(title))</h1>\n<p class=\"sub\">\(escape(partnership.code)) · 1 April \(r.year.startYear) to 31 March \(r.year.startYear + 1)</p>\n"
        body += "<section class=\"tiles\">"
        for (label, value) in [("Notifications", r.notifications), ("Rapid reviews completed", r.rapidReviewsCompleted),
                               ("Rapid reviews on time", r.rapidReviewsOnTime), ("Actions agreed", r.actionsOpened),
                               ("Actions signed off", r.actionsSignedOff), ("Outstanding at 31 March", r.outstandingAtYearEnd),
                               ("Overdue at 31 March", r.overdueAtYearEnd)] {
            body += "<div class=\"tile\"><div class=\"v\">\(value)</div><div class=\"l\">\(escape(label))</div></div>"
        }
        body += "</section>\n<h2>Serious incidents and rapid reviews</h2>\n"
        body += table(["Measure", "Number"], [["Serious incidents (local authority aware)", "\(r.incidents)"],
                                              ["Notifications to the National Panel", "\(r.notifications)"],
                                              ["Rapid reviews completed", "\(r.rapidReviewsCompleted)"],
                                              ["Completed within 15 working days", "\(r.rapidReviewsOnTime)"]])
        body += "<h2>Reviews started and published</h2>\n"
        body += r.reviews.isEmpty ? "<p>None in the year.</p>\n" : table(["Kind", "Started", "Published"], r.reviews.map { [$0.kind.title, "\($0.initiated)", "\($0.published)"] })
        body += "<h2>Outstanding actions at each month end</h2>\n" + lineChart(r.monthEnds)
        body += "<h2>Outstanding at 31 March by agency</h2>\n"
        body += r.outstandingByAgency.isEmpty ? "<p>No actions outstanding.</p>\n"
            : barChart(r.outstandingByAgency) + table(["Agency", "Outstanding", "Overdue"], r.outstandingByAgency.map { ["\($0.name) (\($0.agency))", "\($0.outstanding)", "\($0.overdue)"] })
        if !r.outstandingByOrigin.isEmpty {
            body += "<h2>Outstanding at 31 March by year of origin</h2>\n" + table(["Year agreed", "Outstanding"], r.outstandingByOrigin.map { [$0.year, "\($0.count)"] })
        }
        body += "<h2>Statutory timescales</h2>\n"
        body += r.clocks.isEmpty ? "<p>No statutory clocks fell due in the year.</p>\n" : table(["Clock", "Met", "Missed", "Not yet due or open"], r.clocks.map { [$0.name, "\($0.met)", "\($0.missed)", "\($0.open)"] })
        if !r.auditResults.isEmpty {
            body += "<h2>Audit results</h2>\n" + table(["Audit", "Results"], r.auditResults.map { [$0.review.title + " (\($0.review.ref))", ReportMarkdown.auditSummary($0.results)] }, text: [0, 1])
        }
        if !r.notAccepted.isEmpty {
            body += "<h2>Recommendations not accepted</h2>\n"
                + table(["Recommendation", "Text", "Decided", "Why not"], r.notAccepted.map { [$0.fullID, $0.text, $0.response!.on.description, $0.response!.reason ?? ""] },
                        text: [0, 1, 3])
        }
        if !r.awaitingResponse.isEmpty {
            body += "<h2>Recommendations without a response at 31 March \(r.year.startYear + 1)</h2>\n"
                + table(["Recommendation", "Made", "Days waiting", "Text"], r.awaitingResponse.map { [$0.rec.fullID, $0.rec.on.description, "\($0.days)", $0.rec.text] },
                        text: [0, 3])
        }
        body += "<footer id=\"checkpoint\"><pre>\(escape(checkpoint))</pre></footer>\n"
        return page(title: title, css: """
        .tiles{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}.tile{background:#eef4f9;border-left:4px solid #1d5e8c;padding:.5rem .8rem;min-width:8rem}
        .tile .v{font-size:1.5rem;font-weight:700}.tile .l{font-size:.85rem;color:#333}
        svg text{font-size:11px;fill:#333}
        """, body: body)
    }

    /// One self-contained HTML page: the look every paper shares, then the paper's own `css`.
    static func page(title: String, css: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en-GB"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.4}
        h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:2px solid #1d5e8c;padding-bottom:.2rem}
        .sub{color:#555;margin-top:0}table{border-collapse:collapse;margin:.5rem 0;min-width:24rem}
        th,td{border-bottom:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
        footer{margin-top:2rem;color:#555;font-size:.8rem;overflow-wrap:anywhere}footer pre{white-space:pre-wrap;margin:0}
        \(css)
        </style></head><body>
        \(body)</body></html>

        """
    }

    /// Outstanding actions at each month end as a line with its points labelled.
    static func lineChart(_ points: [(date: LocalDate, outstanding: Int)]) -> String {
        let width = 640.0, height = 220.0, left = 40.0, bottom = 30.0, top = 15.0
        let top1 = max(1, points.map(\.outstanding).max() ?? 1)
        let step = (width - left - 20) / Double(max(1, points.count - 1))
        func x(_ i: Int) -> Double { left + Double(i) * step }
        func y(_ v: Int) -> Double { top + (height - top - bottom) * (1 - Double(v) / Double(top1)) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"Outstanding actions at each month end\">"
        svg += "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - 10)\" y2=\"\(y(0))\" stroke=\"#999\"/>"
        svg += "<polyline fill=\"none\" stroke=\"#1d5e8c\" stroke-width=\"2.5\" points=\"" + points.indices.map { "\(x($0)),\(y(points[$0].outstanding))" }.joined(separator: " ") + "\"/>"
        for (i, p) in points.enumerated() {
            svg += "<circle cx=\"\(x(i))\" cy=\"\(y(p.outstanding))\" r=\"3.5\" fill=\"#1d5e8c\"/>"
            svg += "<text x=\"\(x(i))\" y=\"\(y(p.outstanding) - 7)\" text-anchor=\"middle\">\(p.outstanding)</text>"
            svg += "<text x=\"\(x(i))\" y=\"\(height - 10)\" text-anchor=\"middle\">\(LocalDate.monthAbbreviations[p.date.month - 1])</text>"
        }
        return svg + "</svg>\n"
    }

    /// Outstanding (and overdue) actions by agency as horizontal bars.
    static func barChart(_ rows: [AnnualReport.AgencyCount]) -> String {
        let shown = Array(rows.prefix(12))
        let label = 200.0, barMax = 380.0, rowHeight = 24.0
        let most = Double(max(1, shown.map(\.outstanding).max() ?? 1))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(label + barMax + 130))\" height=\"\(Int(Double(shown.count + 1) * rowHeight + 10))\" role=\"img\" aria-label=\"Outstanding actions by agency\">"
        for (i, r) in shown.enumerated() {
            let yy = Double(i) * rowHeight + 4
            let w = barMax * Double(r.outstanding) / most, wo = barMax * Double(r.overdue) / most
            let name = r.name.count > 30 ? String(r.name.prefix(29)) + "…" : r.name
            svg += "<text x=\"\(label - 6)\" y=\"\(yy + 14)\" text-anchor=\"end\">\(escape(name))</text>"
            svg += "<rect x=\"\(label)\" y=\"\(yy)\" width=\"\(w)\" height=\"18\" fill=\"#7fa7c7\"/>"
            if wo > 0 { svg += "<rect x=\"\(label)\" y=\"\(yy)\" width=\"\(wo)\" height=\"18\" fill=\"#b8322a\"/>" }
            svg += "<text x=\"\(label + w + 6)\" y=\"\(yy + 14)\">\(r.outstanding)\(r.overdue > 0 ? " (\(r.overdue) overdue)" : "")</text>"
        }
        let legend = Double(shown.count) * rowHeight + 8
        svg += "<rect x=\"\(label)\" y=\"\(legend)\" width=\"12\" height=\"12\" fill=\"#7fa7c7\"/><text x=\"\(label + 16)\" y=\"\(legend + 10)\">outstanding</text>"
        svg += "<rect x=\"\(label + 110)\" y=\"\(legend)\" width=\"12\" height=\"12\" fill=\"#b8322a\"/><text x=\"\(label + 126)\" y=\"\(legend + 10)\">of which overdue</text>"
        return svg + "</svg>\n"
    }
}
