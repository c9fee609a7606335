import CaseTrailCore
import CaseTrailStore

/// The columns `import` reads from a tracker, each recognised by its header.
public enum TrackerField: String, CaseIterable, Sendable {
    case recommendation, action, number, actionNumber = "action-number", lead, success, due, revisedDue = "revised-due", rag, progress

    /// The headers that name this column, case and spacing ignored. "Action" alone names the
    /// recommendation (objective) when the sheet also has a column of specific actions, else the action.
    public var headers: [String] {
        switch self {
        case .recommendation: return ["recommendation", "recommendations", "objective", "objectives", "priority", "priority objective", "priority area", "area", "action"]
        case .action: return ["specific action", "specific actions", "action agreed", "actions agreed", "actions", "action"]
        case .number: return ["ref", "ref.", "no.", "no", "number", "rec no.", "rec no", "recommendation number", "objective number", "priority number"]
        case .actionNumber: return ["action number", "action no.", "action no", "action ref", "action ref."]
        case .lead: return ["lead", "responsible lead", "owner", "lead agency", "agency", "lead officer", "responsible"]
        case .success: return ["success indicators", "success criteria", "outcome measure", "outcome measures", "desired outcome", "desired outcomes"]
        case .due: return ["timescales", "timescale", "target date", "by when", "due", "due date", "deadline"]
        case .revisedDue: return ["revised date", "revised deadline", "revised target date", "revised timescale"]
        case .rag: return ["rag", "risk rag rating", "rag rating", "rag status", "status", "risk rag"]
        case .progress: return ["progress", "update", "impact and evidence", "evidence", "comments", "progress update"]
        }
    }

    public var help: String {
        switch self {
        case .recommendation: return "the recommendation or objective the action answers"
        case .action: return "what will be done"
        case .number: return "the plan's numbering of the recommendation or objective (1, 2.4, R3, P2): kept as written in a plan, a bare number read as R1, R2.4 in a review"
        case .actionNumber: return "the plan's numbering of the action (2.4, A2.10), kept as written; without it actions are A1, A2, …"
        case .lead: return "the owning agency (code, name or alias) and who leads"
        case .success: return "success indicators"
        case .due: return "the target date, in the plan's own words"
        case .revisedDue: return "a revised target date"
        case .rag: return "red, amber or green; complete"
        case .progress: return "the latest progress, with its evidence"
        }
    }

    static func normalised(_ header: String) -> String {
        header.lowercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r\n" }).joined(separator: " ")
    }
}

/// What an import of a tracker would record, row by row, and every problem found; worked out on a
/// copy of the state, each row decided by the same rules a command is.
public struct TrackerPlan: Sendable {
    public struct Row: Sendable {
        public var number: Int
        /// What the row records, in words ("R1 added; R1/A1 added, due 2016-03-31 (March 2016); …").
        public var summary: [String]
    }

    public var rows: [Row] = []
    public var problems: [(row: Int, problem: String)] = []
    public var blankRows = 0
    public var headingRows = 0
    public var headerRow = 0
    public var columns: [(field: TrackerField, header: String)] = []
    public var commands: [Command] = []
    /// Which rows gave which recommendations and actions ("4 R1", "4 R1/A1"), for the import's record of itself.
    public var provenance: [String] = []
    /// Rows that repeat an entry already there are recorded (`import --again`).
    public var again = false
}

public enum TrackerImport {
    /// Plans the import of `csv` into the review `ref`. `overrides` name the header of any column
    /// (`--column FIELD=HEADER`); `again` accepts rows that repeat an entry already there. Nothing here writes.
    public static func plan(_ csv: SpreadsheetCSV, into ref: String, overrides: [TrackerField: String], state initial: State,
                            actor: String, login: String?, today: LocalDate, source: String, sha256: String, again: Bool = false) -> TrackerPlan {
        var plan = TrackerPlan()
        plan.again = again
        if let header = csv.rows.first, Set(header.cells.map(TrackerField.normalised)).isSuperset(of: exportHeaders) {
            return planExport(csv, into: ref, state: initial, actor: actor, login: login, today: today, source: source, sha256: sha256, again: again)
        }
        guard !ref.isEmpty else {
            plan.problems.append((0, "say which review the rows belong to with --into REF (only a casetrail export names its reviews itself)."))
            return plan
        }
        guard initial.reviews[ref] != nil else {
            plan.problems.append((0, "there is no review \(ref); open it first ('casetrail review open'), or check the reference with 'casetrail reviews'."))
            return plan
        }
        guard let (headerIndex, columns) = findHeader(csv, overrides: overrides, problems: &plan.problems) else { return plan }
        plan.headerRow = csv.rows[headerIndex].number
        plan.columns = TrackerField.allCases.compactMap { f in columns[f].map { (f, csv.rows[headerIndex].cells[$0]) } }
        let headerCells = csv.rows[headerIndex].cells.map(TrackerField.normalised)
        var state = initial
        var recByKey: [String: String] = [:]      // the plan's numbering or text → R-code
        var usedCodes = Set(initial.reviews[ref]?.recommendations ?? [])
        var previousRecommendation: (key: String, text: String, number: String)?

        func cell(_ row: SpreadsheetCSV.Row, _ f: TrackerField) -> String {
            guard let i = columns[f], i < row.cells.count else { return "" }
            return row.cells[i].trimmedSpaces
        }
        for row in csv.rows[(headerIndex + 1)...] {
            if row.cells.allSatisfy({ $0.trimmedSpaces.isEmpty }) { plan.blankRows += 1; continue }
            if row.cells.map(TrackerField.normalised) == headerCells { plan.headingRows += 1; continue }
            var problems: [String] = []
            var summary: [String] = []
            if let bad = row.cells.flatMap(\.unicodeScalars).first(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r") || (0x7F...0x9F).contains($0.value) }) {
                plan.problems.append((row.number, "a cell holds a control character (U+\(String(bad.value, radix: 16, uppercase: true))); retype the cell without it."))
                continue
            }
            var commands: [Command] = []
            var recText = cell(row, .recommendation), number = cell(row, .number)
            let actionText = cell(row, .action)
            // A merged cell is saved once, above the rows it spans: a blank recommendation is the one above.
            if recText.isEmpty, number.isEmpty, let previous = previousRecommendation { recText = previous.text; number = previous.number }
            guard !recText.isEmpty || !number.isEmpty else {
                plan.problems.append((row.number, "the row has no recommendation or objective text (column '\(header(columns, .recommendation, csv, headerIndex))'); fill it in, or delete the row."))
                continue
            }
            let key = number.isEmpty ? "text:" + TrackerField.normalised(recText) : "number:" + TrackerField.normalised(number)
            var recCode = recByKey[key]
            if recCode == nil, let existing = existingRecommendation(ref, number: number, text: recText, state: state) {
                // Already in the log (an earlier import of this tracker, or typed in): the same, or not.
                switch existing {
                case .same(let code):
                    recByKey[key] = code
                    recCode = code
                case .differs(let code, let text):
                    plan.problems.append((row.number, "\(ref)/\(code) is already in the log with other text ('\(text)'); correct one of them ('casetrail rec correct' comes with corrections), or number this row differently."))
                    continue
                }
            }
            if recCode == nil {
                guard !recText.isEmpty else {
                    plan.problems.append((row.number, "recommendation \(number) has no text; fill in its column '\(header(columns, .recommendation, csv, headerIndex))'."))
                    continue
                }
                let code = recommendationCode(number, inPlan: initial.reviews[ref]?.kind == .plan, used: usedCodes)
                usedCodes.insert(code)
                recByKey[key] = code
                recCode = code
                commands.append(.action(.addRecommendation(ref: ref, rec: code, text: recText, on: nil)))
                summary.append("\(code) added: \(recText)")
            }
            previousRecommendation = (key, recText, number)
            let rec = recCode!
            if !actionText.isEmpty, let already = state.recommendations["\(ref)/\(rec)"]?.actions.first(where: {
                state.actions[$0].map { TrackerField.normalised($0.text) == TrackerField.normalised(actionText) } ?? false }) {
                summary.append("\(already) is already in the log; left as it is")
                if let recorded = state.actions[already] {
                    // A later version of the tracker: say what differs, and leave what was recorded since.
                    var differs: [String] = []
                    let dueText = cell(row, .due), leadText = cell(row, .lead)
                    if !dueText.isEmpty, let due = LooseDate(dueText, today: today), due.due != recorded.originalDue, due.due != recorded.due {
                        differs.append("target date \(due.due) here, \(recorded.due) in the log")
                    }
                    if !leadText.isEmpty, TrackerField.normalised(leadText) != TrackerField.normalised(recorded.lead) {
                        differs.append("lead '\(leadText)' here, '\(recorded.lead)' in the log")
                    }
                    let ragText = TrackerField.normalised(cell(row, .rag))
                    if let rag = RAG(rawValue: ragText), rag != recorded.rag { differs.append("RAG \(rag.rawValue) here, \(recorded.rag?.rawValue ?? "none") in the log") }
                    if !differs.isEmpty { summary.append("the row differs: " + differs.joined(separator: "; ") + " (record a change with 'casetrail action update' or 'revise-due')") }
                }
            } else if !actionText.isEmpty {
                // The plan's own number for the action, else the next free A<n>.
                let given = cell(row, .actionNumber)
                let taken = state.recommendations["\(ref)/\(rec)"]?.actions.compactMap { parseActionID($0)?.action } ?? []
                var code = given.hasSuffix(".") ? String(given.dropLast()) : given
                if given.isEmpty {
                    var n = 1
                    while taken.contains("A\(n)") { n += 1 }
                    code = "A\(n)"
                } else if !isItemCode(code) {
                    problems.append("the action number '\(given)' cannot be used: write it with letters and digits, dots or hyphens between them (2.4, A2.10), and no '/'.")
                }
                let id = "\(ref)/\(rec)/\(code)"
                let leadText = cell(row, .lead)
                let owner = agency(in: leadText, state: state)
                if leadText.isEmpty {
                    problems.append("no lead: fill in the column '\(header(columns, .lead, csv, headerIndex))' with the owning agency and who leads.")
                } else if owner == nil {
                    let known = state.agencies.values.map { $0.code }.sorted().joined(separator: ", ")
                    problems.append("no agency casetrail knows is named in '\(leadText)' (known: \(known.isEmpty ? "none yet" : known)); "
                        + "add it with 'casetrail agency add CODE --name \"\(leadText)\"', or give an existing one another name with 'casetrail agency alias CODE \"\(leadText)\"'.")
                }
                let dueText = cell(row, .due)
                let due = dueText.isEmpty ? nil : LooseDate(dueText, today: today)
                if dueText.isEmpty { problems.append("no target date in the column '\(header(columns, .due, csv, headerIndex))'.") }
                else if due == nil { problems.append("the target date '\(dueText)' cannot be read; write it as 31/03/2016, March 2016, Summer 2015, Q3 2015-16 or ongoing.") }
                let ragText = TrackerField.normalised(cell(row, .rag)), progress = cell(row, .progress)
                var rag: RAG?
                var complete = false
                switch ragText {
                case "": break
                case "red", "r": rag = .red
                case "amber", "a": rag = .amber
                case "green", "g": rag = .green
                case "complete", "completed", "implemented", "done", "blue", "achieved": complete = true
                default: problems.append("the RAG rating '\(cell(row, .rag))' is not red, amber, green or complete.")
                }
                if let owner, let due, problems.isEmpty {
                    let success = cell(row, .success)
                    commands.append(.action(.addAction(recommendation: "\(ref)/\(rec)", code: code, text: actionText, owner: owner.code, lead: leadText,
                                                       due: due.due, dueText: due.exact ? nil : dueText, success: success.isEmpty ? nil : success, on: nil)))
                    summary.append("\(id) added for \(owner.code), due \(due.due)\(due.exact ? "" : " (\(dueText))")")
                    let revisedText = cell(row, .revisedDue)
                    if !revisedText.isEmpty {
                        if let revised = LooseDate(revisedText, today: today) {
                            if revised.due != due.due {
                                commands.append(.action(.reviseDue(action: id, due: revised.due, reason: "Revised date in \(source) row \(row.number): \(revisedText)")))
                                summary.append("due revised to \(revised.due)")
                            }
                        } else {
                            problems.append("the revised date '\(revisedText)' cannot be read; write it as 31/03/2016, March 2016, Summer 2015 or Q3 2015-16.")
                        }
                    }
                    if complete {
                        commands.append(.action(.markImplemented(action: id, on: today, evidence: progress.isEmpty ? "Shown as \(ragText) in \(source) row \(row.number)" : progress)))
                        summary.append("implemented (as shown at this import)")
                    } else if rag != nil || !progress.isEmpty {
                        commands.append(.action(.updateAction(action: id, note: progress.isEmpty ? "RAG rating in \(source) row \(row.number)" : progress, rag: rag, evidence: nil)))
                        summary.append("update\(rag.map { " (\($0.rawValue))" } ?? "")")
                    }
                }
            }
            decide(commands, row: row.number, summary: summary, problems: problems, state: &state, plan: &plan, actor: actor, login: login, today: today)
        }
        // The import's record of itself comes first, so every fact after it in the command is traced to its row.
        if !plan.commands.isEmpty {
            let rows = plan.provenance.map { entry -> String in
                let parts = entry.split(separator: " ", maxSplits: 1)
                return "\(parts[0]) \(parts[1].dropFirst(ref.count + 1))"
            }
            plan.commands.insert(.action(.recordImport(ref: ref, file: source, sha256: sha256, rows: rows)), at: 0)
        }
        return plan
    }

    /// The headers of casetrail's own `export --format csv`: such a file is read by them, review by review.
    static let exportHeaders: Set<String> = ["action", "review", "recommendation", "text", "owner", "lead", "agreed", "original_due", "due", "due_text", "status"]

    /// Plans the import of a casetrail export: every action keeps its reference, agreed date, original
    /// and current due date, status, RAG and latest update. Its reviews must already be in the log.
    /// `only`, when given, is the one review whose rows are imported.
    static func planExport(_ csv: SpreadsheetCSV, into only: String, state initial: State, actor: String, login: String?, today: LocalDate,
                           source: String, sha256: String, again: Bool) -> TrackerPlan {
        var plan = TrackerPlan()
        plan.again = again
        let header = csv.rows[0].cells.map(TrackerField.normalised)
        plan.headerRow = csv.rows[0].number
        plan.columns = [(.action, "text"), (.number, "recommendation"), (.recommendation, "recommendation_text"), (.lead, "lead"), (.due, "due")]
        guard header.contains("recommendation_text") else {
            plan.problems.append((1, "this export has no recommendation_text column (it was made by an earlier casetrail); export it again, then import that file."))
            return plan
        }
        var state = initial
        var refs: [String] = []
        for row in csv.rows.dropFirst() {
            if row.cells.allSatisfy({ $0.trimmedSpaces.isEmpty }) { plan.blankRows += 1; continue }
            func cell(_ name: String) -> String {
                guard let i = header.firstIndex(of: name), i < row.cells.count else { return "" }
                return unneutralised(row.cells[i]).trimmedSpaces
            }
            let ref = cell("review"), id = cell("action"), rec = cell("recommendation")
            guard only.isEmpty || ref == only else { continue }
            var problems: [String] = []
            var commands: [Command] = []
            var summary: [String] = []
            guard state.reviews[ref] != nil else {
                plan.problems.append((row.number, "there is no review \(ref) in this log; open it first with 'casetrail review open \(ref) --kind KIND --title TITLE --on DATE'."))
                continue
            }
            if !refs.contains(ref) { refs.append(ref) }
            let code = String(id.split(separator: "/").last ?? "")
            guard id == "\(ref)/\(rec)/\(code)" else {
                plan.problems.append((row.number, "the action '\(id)' does not belong to \(ref)/\(rec)."))
                continue
            }
            if state.actions[id] != nil { plan.rows.append(TrackerPlan.Row(number: row.number, summary: ["\(id) is already in the log; left as it is"])); continue }
            let agreed = LocalDate(cell("agreed")), original = LocalDate(cell("original_due")), due = LocalDate(cell("due"))
            for (name, value) in [("agreed", agreed), ("original_due", original), ("due", due)] where value == nil {
                problems.append("the \(name) date: \(LocalDate.whyNot(cell(name))).")
            }
            if state.recommendations["\(ref)/\(rec)"] == nil, !commands.contains(where: { if case .action(.addRecommendation(ref, rec, _, _)) = $0 { return true }; return false }) {
                commands.append(.action(.addRecommendation(ref: ref, rec: rec, text: cell("recommendation_text"), on: agreed)))
                summary.append("\(ref)/\(rec) added")
            }
            if let agreed, let original, let due {
                let success = cell("success"), dueText = cell("due_text")
                commands.append(.action(.addAction(recommendation: "\(ref)/\(rec)", code: code, text: cell("text"), owner: cell("owner"), lead: cell("lead"),
                                                   due: original, dueText: dueText.isEmpty ? nil : dueText, success: success.isEmpty ? nil : success, on: agreed)))
                summary.append("\(id) added for \(cell("owner")), due \(due)")
                if due != original {
                    let revisions = cell("revisions")
                    commands.append(.action(.reviseDue(action: id, due: due, reason: revisions.isEmpty ? "Revised before the export \(source)" : "As exported: \(revisions)")))
                }
                let rag = RAG(rawValue: cell("rag")), note = cell("last_update"), evidence = cell("last_update_evidence")
                if rag != nil || !note.isEmpty {
                    commands.append(.action(.updateAction(action: id, note: note.isEmpty ? "RAG rating as exported in \(source)" : note, rag: rag,
                                                          evidence: evidence.isEmpty ? nil : evidence)))
                }
                switch ActionStatus(rawValue: cell("status")) {
                case .open?, .inProgress?:
                    break
                case .implemented?, .signedOff?:
                    guard let on = LocalDate(cell("implemented")) else { problems.append("an implemented action needs its implemented date (YYYY-MM-DD)."); break }
                    let proof = cell("implemented_evidence")
                    commands.append(.action(.markImplemented(action: id, on: on, evidence: proof.isEmpty ? "Implemented, as exported in \(source)" : proof)))
                    do {
                        // The sign-offs given since (refusals sent the action back; only the later ones stand).
                        for entry in cell("sign_offs").split(separator: ";") where !entry.contains("refused") {
                            if let stage = SignOffStage(rawValue: String(String(entry).trimmedSpaces.prefix { $0 != " " })) {
                                commands.append(.action(.signOffAction(action: id, stage: stage, refusal: nil, attribution: Attribution(onBehalfOf: "the \(stage.rawValue) stage, as exported in \(source)"))))
                            }
                        }
                    }
                case .withdrawn?:
                    let why = cell("exit_reason")
                    commands.append(.action(.withdrawAction(action: id, reason: why.isEmpty ? "Withdrawn, as exported in \(source)" : why)))
                case .transferred?:
                    // Carried forward or transferred: where to (another row of the export, for a carry-forward) and why, as exported.
                    let to = cell("exit_to"), why = cell("exit_reason")
                    commands.append(.action(.transferAction(action: id, to: to.isEmpty ? "(not named in \(source))" : to,
                                                            reason: why.isEmpty ? "Transferred, as exported in \(source)" : why)))
                case nil:
                    problems.append("the status '\(cell("status"))' is not one casetrail exports (open, in-progress, implemented, signed-off, transferred or withdrawn).")
                }
            }
            decide(commands, row: row.number, summary: summary, problems: problems, state: &state, plan: &plan, actor: actor, login: login, today: today)
        }
        for (i, r) in refs.enumerated() {
            // One record of the import for each review it touched.
            let rows = plan.provenance.filter { $0.split(separator: " ", maxSplits: 1).last?.hasPrefix(r + "/") ?? false }
                .map { entry -> String in let parts = entry.split(separator: " ", maxSplits: 1); return "\(parts[0]) \(parts[1].dropFirst(r.count + 1))" }
            if !plan.commands.isEmpty { plan.commands.insert(.action(.recordImport(ref: r, file: source, sha256: sha256, rows: rows)), at: i) }
        }
        return plan
    }

    /// A cell as casetrail exported it, without the apostrophe `export` puts before text a spreadsheet
    /// would take for a formula (=, +, -, @, tab, carriage return).
    static func unneutralised(_ cell: String) -> String {
        let u = Array(cell.utf8.prefix(2))
        guard u.count == 2, u[0] == UInt8(ascii: "'"), [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(u[1]) else { return cell }
        return String(cell.dropFirst())
    }

    /// Decides a row's commands on the state the rows before it leave, by the rules a command meets;
    /// the row's commands are kept only if every one of them can be recorded.
    static func decide(_ commands: [Command], row: Int, summary: [String], problems: [String], state: inout State, plan: inout TrackerPlan,
                       actor: String, login: String?, today: LocalDate) {
        var problems = problems
        if problems.isEmpty {
            // In place, not on a copy per row (a copy of a large partnership's state per row made big
            // imports quadratic). A row refused part-way leaves its first facts behind, which only
            // colours what is said of later rows: with any problem, nothing is recorded.
            do {
                for command in commands {
                    for event in try Partnership.decide(Request(actor: actor, login: login, today: today, command: command, again: plan.again), state) {
                        Partnership.apply(event, to: &state)
                    }
                }
                plan.commands += commands
                for command in commands {
                    if case let .action(.addRecommendation(ref, code, _, _)) = command { plan.provenance.append("\(row) \(ref)/\(code)") }
                    if case let .action(.addAction(rec, code, _, _, _, _, _, _, _)) = command { plan.provenance.append("\(row) \(rec)/\(code)") }
                }
            } catch {
                problems.append(error.message)
            }
        }
        for p in problems { plan.problems.append((row, p)) }
        plan.rows.append(TrackerPlan.Row(number: row, summary: problems.isEmpty ? summary : []))
    }

    /// The header row: the first row in which two or more cells name known columns (or the overrides).
    static func findHeader(_ csv: SpreadsheetCSV, overrides: [TrackerField: String],
                           problems: inout [(row: Int, problem: String)]) -> (Int, [TrackerField: Int])? {
        for (index, row) in csv.rows.enumerated() {
            let cells = row.cells.map(TrackerField.normalised)
            var found: [TrackerField: Int] = [:]
            for (field, header) in overrides { if let i = cells.firstIndex(of: TrackerField.normalised(header)) { found[field] = i } }
            for field in TrackerField.allCases where found[field] == nil && overrides[field] == nil {
                for name in field.headers {
                    if let i = cells.firstIndex(of: name), !found.values.contains(i) { found[field] = i; break }
                }
            }
            // "Action" is the recommendation only beside a column of specific actions.
            if let i = found[.recommendation], cells[i] == "action", found[.action] == nil { found[.recommendation] = nil; found[.action] = i }
            guard found.count >= 2 else { continue }
            for (field, header) in overrides.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where found[field] == nil {
                problems.append((row.number, "there is no column headed '\(header)' for \(field.rawValue); the headers are: \(row.cells.filter { !$0.isEmpty }.joined(separator: " | "))."))
            }
            if found[.recommendation] == nil && found[.number] == nil {
                problems.append((row.number, "no column holds the recommendation or objective (headed e.g. Recommendation, Objective or Action); name it with --column recommendation=HEADER."))
            }
            return problems.isEmpty ? (index, found) : nil
        }
        problems.append((0, "no row names the columns (e.g. Recommendation | Specific action | Lead | Timescales); name them with --column FIELD=HEADER ('casetrail import --help' lists the fields)."))
        return nil
    }

    static func header(_ columns: [TrackerField: Int], _ field: TrackerField, _ csv: SpreadsheetCSV, _ headerIndex: Int) -> String {
        columns[field].map { csv.rows[headerIndex].cells[$0] } ?? field.rawValue
    }

    /// The row's number as its code (see `numberedCode`), else the next free R<n>.
    static func recommendationCode(_ number: String, inPlan: Bool, used: Set<String>) -> String {
        if let code = numberedCode(number, inPlan: inPlan), !used.contains(code) { return code }
        var n = 1
        while used.contains("R\(n)") { n += 1 }
        return "R\(n)"
    }

    /// A plan's numbers as the plan writes them (1, P2, 2.4, A2.10); a review's bare numbers (1, 2.4)
    /// as R1, R2.4, the recommendations' usual form, and any other number as written (P2). Nil when
    /// the number cannot be a code (1 (a), 2/3, or none).
    static func numberedCode(_ number: String, inPlan: Bool) -> String? {
        var code = number
        if code.hasSuffix(".") { code.removeLast() }
        guard isItemCode(code) else { return nil }
        if inPlan { return code }
        var digits = code.uppercased()
        if digits.hasPrefix("R") { digits.removeFirst() }
        let bare = !digits.isEmpty && digits.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") }
        return bare ? "R" + digits : code
    }

    enum Existing { case same(String), differs(String, String) }

    /// The recommendation a row names that the review already has: by the plan's number when it
    /// gives one (in either form, so a plan recorded before keeps matching), else by the same text
    /// (case and spacing ignored).
    static func existingRecommendation(_ ref: String, number: String, text: String, state: State) -> Existing? {
        let codes = state.reviews[ref]?.recommendations ?? []
        let wanted = TrackerField.normalised(text)
        let forms = [numberedCode(number, inPlan: state.reviews[ref]?.kind == .plan), numberedCode(number, inPlan: state.reviews[ref]?.kind != .plan)]
        if forms[0] != nil {
            guard let code = forms.compactMap({ $0 }).first(where: codes.contains), let item = state.recommendations["\(ref)/\(code)"] else { return nil }
            return text.isEmpty || TrackerField.normalised(item.text) == wanted ? .same(code) : .differs(code, item.text)
        }
        for code in codes where state.recommendations["\(ref)/\(code)"].map({ TrackerField.normalised($0.text) == wanted }) ?? false { return .same(code) }
        return nil
    }

    /// The agency a lead cell names: the cell itself, or the longest code or name of a known agency
    /// found in it as whole words ("Kent Police - DI Smith" names Kent Police).
    static func agency(in text: String, state: State) -> Agency? {
        guard !text.isEmpty else { return nil }
        if let exact = state.agency(named: text) { return exact }
        let cell = " " + words(text) + " "
        var best: (agency: Agency, length: Int)?
        for a in state.agencies.values {
            for name in [a.code, a.name] + a.aliases {
                let wanted = words(name)
                guard !wanted.isEmpty, wanted.count > (best?.length ?? 0), cell.contains(" " + wanted + " ") else { continue }
                best = (a, wanted.count)
            }
        }
        return best?.agency
    }

    /// Lower-case letters and digits, each run of anything else one space.
    static func words(_ text: String) -> String {
        TrackerField.normalised(text).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
    }
}
