import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

extension Commands {
    static let meeting = CommandSpec(
        words: ["report", "meeting"], abstract: "One meeting's papers: what changed, what awaits its sign-off, what is overdue or due, clocks and unanswered recommendations.",
        discussion: """
        Every action in full: its text, review, owner and lead, the due date with the plan's own words, the latest
        update with its evidence, and what success looks like. Markdown by default, JSON, or one self-contained HTML
        file that prints on A4. It ends with the checkpoint line; with --as-of and --today it reprints a past
        meeting's paper byte for byte.
        """,
        options: [
            OptionSpec(name: "--for", valueName: "body", help: "The meeting: \(Opt.oneOf(MeetingBody.self)).", required: true),
            OptionSpec(name: "--since", valueName: "when",
                       help: "The last meeting: a date (facts dated from it) or seq:N (lines after N, the last paper's checkpoint)."),
            OptionSpec(name: "--within", valueName: "days", help: "How far ahead 'due soon' looks (default 60 days)."),
            signOption,
        ],
        formats: [.md, .html, .json], asOf: true, byBusinessDate: false,
        run: meetingPaper)

    /// Where "what changed" begins: facts dated from a day, or the lines after a seq.
    enum PaperSince {
        case date(LocalDate), after(Int)

        func includes(_ record: LogRecord, _ event: Event) -> Bool {
            switch self {
            case .date(let d): return (event.businessDate ?? LondonTime.date(at: record.recordedAt)) >= d
            case .after(let n): return record.seq > n
            }
        }

        var words: String {
            switch self {
            case .date(let d): return "since \(d.readable)"
            case .after(let n): return "since line \(n)"
            }
        }
    }

    static func meetingPaper(_ inv: Invocation) throws -> String {
        let body: MeetingBody = try inv.choice(inv.required("--for"), option: "--for")
        guard inv.value("--today") != nil || !(inv.context.environment["CASETRAIL_TODAY"] ?? "").isEmpty else {
            throw inv.usage("'report meeting' needs --today, the meeting's date (e.g. --today 2023-06-14), so that its paper can be printed again the same.")
        }
        var since: PaperSince?
        if let text = inv.value("--since") {
            if let d = LocalDate(text) { since = .date(d) } else if text.hasPrefix("seq:") { since = .after(try inv.lineSeq(text)) } else {
                throw inv.usage("'\(text)' is not a meeting for '--since'; give the last meeting's date (2023-03-15) or seq:N from its paper's checkpoint.")
            }
        }
        var within = 60
        if let text = inv.value("--within") {
            guard let n = Int(text), (0...36_500).contains(n) else {
                throw inv.usage("'\(text)' is not a number of days for '--within'; give one from 0 to 36500, such as 60.")
            }
            within = n
        }
        let today = try inv.today()
        let format = try inv.value("--format") == nil ? OutputFormat.md : inv.format()
        var names: [String: String] = [:]
        // Each line's kind of change, not its event: kept for every line since the log began, the events took a gigabyte at 1,000,000.
        var lines: [(change: MeetingPaper.Change, kind: MeetingPaper.ChangeKind)] = []
        // After a line, only the lines since it and those naming recorders are read (by the line index, when it agrees with the log).
        var needed: LineSelection?
        if case .after(let n) = since { needed = LineSelection(streams: [], types: [.memberAdded], beyond: .seq(n)) }
        let (state, pin) = try pinned(inv, selecting: needed) { record, event in
            if case let .memberAdded(user, name, _, _, _) = event { names[user] = name }
            if since?.includes(record, event) ?? true, let kind = MeetingPaper.ChangeKind.of(event) {
                lines.append((MeetingPaper.Change(seq: record.seq, on: event.businessDate, summary: event.summary(by: names[record.actor] ?? record.actor)), kind))
            }
        }
        if case .after(let n) = since, n > pin.seq {
            // A line the log has not reached is a mistyped checkpoint, not a paper with nothing in it.
            throw Refusal(message: "The log \(inv.value("--as-of") == nil ? "has" : "had by then") \(pin.seq) lines, so there is no line \(n) to begin after: "
                + "give seq:N from the checkpoint at the foot of the last meeting's paper (casetrail checkpoint shows the latest).")
        }
        let partnership = state.partnership!
        for i in lines.indices {
            if let v = state.voided["seq:\(lines[i].change.seq)"] { lines[i].change.summary += " [void since \(v.on.readable): \(v.reason)]" }
        }
        let missedFrom: LocalDate
        if case .date(let d) = since { missedFrom = d } else { missedFrom = today.adding(days: -365) }
        let paper = MeetingPaper(state, body: body, today: today, within: within, missedFrom: missedFrom, changes: lines)
        let signed = try sign(pin, inv, state)
        let checkpoint = signed.text
        let sinceWords = since?.words ?? "since the log began"
        switch format {
        case .json:
            guard case .object(var members) = MeetingJSON.render(paper, since: inv.value("--since"), checkpoint: pin.text) else { return "" }
            if let s = signed.signature { members.append(JSONMember("checkpoint_signature", .string(s))) }
            return jsonText(.object(members))
        case .html: return MeetingHTML.render(paper, partnership: partnership, since: sinceWords, checkpoint: checkpoint)
        case .table, .csv, .md: return MeetingMarkdown.render(paper, partnership: partnership, since: sinceWords, checkpoint: checkpoint)
        }
    }
}

/// The words a paper gives each action, shared by its Markdown and HTML forms.
enum PaperWords {
    static func title(_ p: PaperItem) -> String { "\(p.action.id): \(p.action.text)" }

    /// Label and text pairs, in the order a member reads them.
    static func facts(_ p: PaperItem, today: LocalDate) -> [(String, String)] {
        let a = p.action
        var out: [(String, String)] = [
            ("Review", "\(a.ref), \(p.reviewTitle)"),
            ("Owner", "\(p.agencyName) (\(a.owner)); lead: \(a.lead)"),
            ("Due", due(a) + (p.item.daysOverdue.map { $0 == 1 ? ", 1 day overdue" : ", \($0) days overdue" } ?? "")),
            ("Status", a.status.rawValue + (a.rag.map { " (RAG \($0.rawValue))" } ?? "")),
        ]
        if let i = a.implemented { out.append(("Implemented", "\(i.on.readable): \(i.evidence)")) }
        if let u = a.lastUpdate {
            out.append(("Latest update", "\(u.on.readable)\(u.rag.map { " (\($0.rawValue))" } ?? ""): \(u.note)" + (u.evidence.map { ". Evidence: \($0)" } ?? "")))
        } else {
            out.append(("Latest update", "none recorded"))
        }
        if let s = a.success { out.append(("Success looks like", s)) }
        if let r = a.revisions.last { out.append(("Last revised", "\(r.on.readable), from \(r.from.readable) to \(r.to.readable): \(r.reason)")) }
        if let refused = a.signOffs.last, refused.refused { out.append(("Sent back", "\(refused.on.readable) at the \(refused.stage.rawValue) stage: \(refused.reason ?? "")")) }
        return out
    }

    /// "31 Mar 2016 (March 2016)": the date with the plan's words, or the words it was revised from.
    static func due(_ a: ActionItem) -> String { Commands.dueWords(a.due, original: a.originalDue, words: a.dueText, as: \.readable) }

    /// Items in groups by owning agency, agencies in name order.
    static func byAgency(_ items: [PaperItem]) -> [(agency: String, items: [PaperItem])] {
        var groups: [String: [PaperItem]] = [:]
        for i in items { groups["\(i.agencyName) (\(i.action.owner))", default: []].append(i) }
        return groups.keys.sorted().map { ($0, groups[$0]!) }
    }

    /// How many items each review has, in review order.
    static func countsByReview(_ items: [PaperItem]) -> [[String]] {
        var counts: [String: Int] = [:]
        for i in items { counts[i.action.ref, default: 0] += 1 }
        return counts.keys.sortedNaturally(by: { $0 }).map { [$0, "\(counts[$0]!)"] }
    }

    /// What section 2 says when the body gives no sign-off stage.
    static func noStage(_ p: MeetingPaper) -> String? {
        p.signsOff ? nil : "The \(p.body.title) gives no sign-off stage of actions here ('casetrail policy set board-stage yes' adds one)."
    }

    static func sections(_ p: MeetingPaper) -> [(title: String, items: [PaperItem], grouped: Bool)] {
        [("Awaiting the \(p.body.title)'s sign-off", p.awaiting, false),
         ("Overdue", p.overdue, true),
         ("Due in the next \(p.within) days", p.dueSoon, true),
         ("Implemented with no evidence of impact", p.noImpact, false)]
    }

    static func clockRow(_ c: StatutoryClock) -> [String] {
        [c.ref, c.name, c.due.readable, c.completed?.readable ?? "-", c.standing.rawValue, c.workingDaysLeft.map { "\($0) working days left" } ?? "\(c.workingDaysUsed) working days used"]
    }
}

/// A meeting paper as Markdown, to send with the agenda.
enum MeetingMarkdown {
    static func render(_ p: MeetingPaper, partnership: PartnershipInfo, since: String, checkpoint: String) -> String {
        let e = Escape.markdown
        var out = "# \(p.body.title): papers for the meeting of \(p.today.readable)\n\n"
        out += "\(e(partnership.name)) (\(partnership.code)). Changes \(since); due dates within \(p.within) days.\n\n"
        out += "## 1. What changed \(since)\n\n"
        if p.changes.isEmpty { out += "Nothing about actions was recorded.\n\n" }
        for (kind, changes) in p.changes {
            out += "### \(kind.title) (\(changes.count))\n\n"
            for c in changes { out += "- \(c.on?.readable ?? "-") (line \(c.seq)): \(e(c.summary))\n" }
            out += "\n"
        }
        for (n, section) in PaperWords.sections(p).enumerated() {
            out += "## \(n + 2). \(section.title) (\(section.items.count))\n\n"
            if n == 0, let words = PaperWords.noStage(p) { out += words + "\n\n"; continue }
            if section.items.isEmpty { out += "None.\n\n"; continue }
            if section.grouped {
                out += Table(columns: ["Review", "Actions"], rows: PaperWords.countsByReview(section.items)).markdown() + "\n"
                for (agency, items) in PaperWords.byAgency(section.items) {
                    out += "### \(e(agency)) (\(items.count))\n\n"
                    for i in items { out += item(i, today: p.today, level: "####") }
                }
            } else {
                for i in section.items { out += item(i, today: p.today, level: "###") }
            }
        }
        out += "## 6. Statutory clocks running or missed (\(p.clocks.count))\n\n"
        out += p.clocks.isEmpty ? "None.\n\n" : Table(columns: ["Review", "Clock", "Due", "Completed", "Standing", "Working days"], rows: p.clocks.map(PaperWords.clockRow)).markdown() + "\n"
        out += "## 7. Recommendations with no response (\(p.unanswered.count))\n\n"
        out += p.unanswered.isEmpty ? "None.\n\n" : Table(columns: ["Recommendation", "Made", "Days waiting", "Text"],
                                                          rows: p.unanswered.map { [$0.rec.fullID, $0.rec.on.readable, "\($0.days)", $0.rec.text] }).markdown() + "\n"
        out += "---\n\n" + checkpointMarkdown(checkpoint)
        return out
    }

    static func item(_ i: PaperItem, today: LocalDate, level: String) -> String {
        var out = "\(level) \(Escape.markdown(PaperWords.title(i)))\n\n"
        for (label, text) in PaperWords.facts(i, today: today) { out += "- **\(label)**: \(Escape.markdown(text))\n" }
        return out + "\n"
    }
}

/// A meeting paper as JSON, for other tools (field names are a contract, as everywhere).
enum MeetingJSON {
    static func render(_ p: MeetingPaper, since: String?, checkpoint: String) -> JSONValue {
        func item(_ i: PaperItem) -> JSONValue {
            guard case .object(var members) = Commands.itemJSON(i.item) else { return .null }
            let a = i.action
            members += [
                JSONMember("review_title", .string(i.reviewTitle)), JSONMember("agency_name", .string(i.agencyName)),
                JSONMember("implemented", .optional(a.implemented?.on.description)), JSONMember("implemented_evidence", .optional(a.implemented?.evidence)),
                JSONMember("last_update_on", .optional(a.lastUpdate?.on.description)), JSONMember("last_update", .optional(a.lastUpdate?.note)),
                JSONMember("last_update_rag", .optional(a.lastUpdate?.rag?.rawValue)), JSONMember("last_update_evidence", .optional(a.lastUpdate?.evidence)),
            ]
            return .object(members)
        }
        return .object([
            "for": .string(p.body.rawValue), "date": .string(p.today.description), "since": .optional(since), "within": .int(p.within),
            "signs_off": .bool(p.signsOff),
            "changes": .object(p.changes.map { kind, changes in
                JSONMember(kind.rawValue, .array(changes.map { .object(["seq": .int($0.seq), "on": .optional($0.on?.description), "summary": .string($0.summary)]) }))
            }),
            "awaiting_signoff": .array(p.awaiting.map(item)), "overdue": .array(p.overdue.map(item)),
            "due_soon": .array(p.dueSoon.map(item)), "no_impact_evidence": .array(p.noImpact.map(item)),
            "clocks": .array(p.clocks.map(Commands.clockJSON)),
            "unanswered": .array(p.unanswered.map { .object(["recommendation": .string($0.rec.fullID), "text": .string($0.rec.text),
                                                             "made": .string($0.rec.on.description), "days": .int($0.days)]) }),
            "checkpoint": .string(checkpoint),
        ])
    }
}

/// A meeting paper as one HTML file: inline CSS, no scripts, no network; on A4 every page carries the
/// paper's heading, no action is split across pages, and tables repeat their headings.
enum MeetingHTML {
    static func render(_ p: MeetingPaper, partnership: PartnershipInfo, since: String, checkpoint: String) -> String {
        let e = ReportHTML.escape
        let title = "\(p.body.title): papers for the meeting of \(p.today.readable)"
        var body = "<h1>\(e(title))</h1>\n<p class=\"sub\">\(e(partnership.name)) (\(e(partnership.code))). Changes \(e(since)); due dates within \(p.within) days.</p>\n"
        body += "<section id=\"changes\"><h2>1. What changed \(e(since))</h2>\n"
        if p.changes.isEmpty { body += "<p>Nothing about actions was recorded.</p>\n" }
        for (kind, changes) in p.changes {
            body += "<h3>\(e(kind.title)) (\(changes.count))</h3>\n<ul>" + changes.map { "<li>\(e($0.on?.readable ?? "-")) (line \($0.seq)): \(e($0.summary))</li>" }.joined() + "</ul>\n"
        }
        body += "</section>\n"
        for (n, section) in PaperWords.sections(p).enumerated() {
            body += "<section><h2>\(n + 2). \(e(section.title)) (\(section.items.count))</h2>\n"
            if n == 0, let words = PaperWords.noStage(p) { body += "<p>\(e(words))</p></section>\n"; continue }
            if section.items.isEmpty { body += "<p>None.</p></section>\n"; continue }
            if section.grouped {
                body += ReportHTML.table(["Review", "Actions"], PaperWords.countsByReview(section.items))
                for (agency, items) in PaperWords.byAgency(section.items) {
                    body += "<h3>\(e(agency)) (\(items.count))</h3>\n" + items.map { item($0, today: p.today) }.joined()
                }
            } else {
                body += section.items.map { item($0, today: p.today) }.joined()
            }
            body += "</section>\n"
        }
        body += "<section id=\"clocks\"><h2>6. Statutory clocks running or missed (\(p.clocks.count))</h2>\n"
        body += p.clocks.isEmpty ? "<p>None.</p>\n" : ReportHTML.table(["Review", "Clock", "Due", "Completed", "Standing", "Working days"], p.clocks.map(PaperWords.clockRow), text: [0, 1, 2, 3, 4, 5])
        body += "</section>\n<section id=\"unanswered\"><h2>7. Recommendations with no response (\(p.unanswered.count))</h2>\n"
        body += p.unanswered.isEmpty ? "<p>None.</p>\n" : ReportHTML.table(["Recommendation", "Made", "Days waiting", "Text"],
                                                                          p.unanswered.map { [$0.rec.fullID, $0.rec.on.readable, "\($0.days)", $0.rec.text] }, text: [0, 1, 3])
        body += "</section>\n<footer id=\"checkpoint\"><pre>\(e(checkpoint))</pre></footer>\n"
        return ReportHTML.page(title: title, css: """
        h3{font-size:1rem;margin:1.2rem 0 .4rem}
        article.item{border-left:4px solid #1d5e8c;background:#f5f8fb;padding:.4rem .8rem;margin:.6rem 0}
        article.item h4{margin:.2rem 0 .3rem;font-size:.95rem}dl{display:grid;grid-template-columns:10rem 1fr;gap:.15rem .6rem;margin:0}
        dt{font-weight:600;color:#333}dd{margin:0;overflow-wrap:anywhere}
        @page{size:A4;margin:20mm 15mm 18mm;
          @top-left{content:\(cssString("\(partnership.name) · \(title)"));font-size:8pt;color:#555}
          @bottom-right{content:"Page " counter(page) " of " counter(pages);font-size:8pt;color:#555}}
        @media print{
          body{max-width:none;margin:0;padding:0;font-size:10pt}
          article.item,tr,li{break-inside:avoid}h2,h3{break-after:avoid}thead{display:table-header-group}
          article.item{background:none}
        }
        """, body: body)
    }

    /// Text as a quoted CSS string: anything but letters, digits, spaces and plain punctuation written
    /// as a code point escape, so no name can close the string, or the style sheet it sits in.
    static func cssString(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            if c.properties.isAlphabetic || c.properties.numericType != nil || " .,;:()-'·/".unicodeScalars.contains(c) {
                out.unicodeScalars.append(c)
            } else {
                out += "\\" + String(c.value, radix: 16) + " "
            }
        }
        return out + "\""
    }

    static func item(_ i: PaperItem, today: LocalDate) -> String {
        let e = ReportHTML.escape
        return "<article class=\"item\"><h4>\(e(PaperWords.title(i)))</h4><dl>"
            + PaperWords.facts(i, today: today).map { "<dt>\(e($0.0))</dt><dd>\(e($0.1))</dd>" }.joined() + "</dl></article>\n"
    }
}
