import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

extension Commands {
    static let importing: [CommandSpec] = [
        CommandSpec(
            words: ["import"], abstract: "Record a spreadsheet tracker (saved as CSV) as recommendations, actions and their state, all rows or none.",
            discussion: """
            Reads the CSV as Excel or LibreOffice save it (UTF-8 with or without a byte-order mark, else Windows-1252;
            commas or semicolons; quoted cells with line breaks), finds the row of headers below any title rows, and
            records each row into the review --into: its recommendation (numbered as the plan numbers it, else R1, R2…
            in order), its action (A1, A2… within each recommendation), the owning agency named in the lead cell, the
            target date, any revised date, the RAG rating and the latest progress. A blank recommendation cell belongs
            to the recommendation above (a merged cell). Blank rows and repeated headings are skipped and counted.

            Columns, recognised by their header (case and spacing ignored; --column FIELD=HEADER names any other):
            \(TrackerField.allCases.map { "  \($0.rawValue.padding(14))\($0.help): \($0.headers.map { "\"\($0)\"" }.joined(separator: ", "))" }.joined(separator: "\n"))

            Target dates: 31/03/2016 and 31.03.2016 (day first), 2016-03-31, 31 March 2016, March 2016, end of March
            2016, Summer 2015, Q3 2015-16, ongoing. A loose date is due on the last day of its month, season (spring
            March-May, summer June-August, autumn September-November, winter December-February) or quarter of the
            April-March year; "ongoing" on 31 March ending this April-March year. The plan's words are kept beside it.
            A date that cannot be read is reported, never guessed. A row shown as complete is recorded as implemented
            today, with its progress as the evidence.

            A file made by 'casetrail export --format csv' is read by its own columns: each action keeps its reference,
            agreed date, original and current due date, RAG, latest update and status, into the reviews it names
            (which must be in the log; --into takes only one of them).

            Every row is checked by the rules a command meets. With any problem nothing is recorded, and every
            problem is listed with its row number; --dry-run lists what would be recorded and never writes.
            """,
            arguments: [ArgumentSpec(name: "file", help: "The tracker, saved as CSV.")],
            options: [
                OptionSpec(name: "--into", valueName: "ref", help: "The review (or plan) the rows belong to, e.g. MSCP-LCSPR-2023-01 (for a casetrail export: only its rows)."),
                OptionSpec(name: "--column", valueName: "field=header", help: "Read FIELD from the column headed HEADER (fields: \(TrackerField.allCases.map(\.rawValue).joined(separator: ", "))).", repeatable: true),
                OptionSpec(name: "--dry-run", valueName: nil, help: "Show what would be recorded, row by row, and every problem; write nothing."),
                Opt.again,
            ],
            formats: [.table, .json],
            run: importTracker),
    ]

    static func importTracker(_ inv: Invocation) throws -> String {
        var overrides: [TrackerField: String] = [:]
        for mapping in inv.values("--column") {
            let parts = mapping.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let field = TrackerField(rawValue: parts[0].trimmedSpaces), !parts[1].trimmedSpaces.isEmpty else {
                throw inv.usage("'--column \(mapping)' is not FIELD=HEADER; the fields are: \(TrackerField.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            overrides[field] = parts[1].trimmedSpaces
        }
        let path = inv.argument(0)!
        let bytes = try SpreadsheetCSV.read(path)
        let csv = SpreadsheetCSV(bytes: bytes), sha256 = SpreadsheetCSV.sha256(bytes)
        let name = String(path.split(separator: "/").last ?? Substring(path))
        let into = inv.value("--into") ?? ""
        var earlier: (LogRecord, String)?
        let (state, _) = try load(inv) { record, event in
            if case let .trackerImported(ref, file, sha, _) = event, into.isEmpty || ref == into, sha == sha256 { earlier = (record, file) }
        }
        if let (record, file) = earlier {
            return "\(name) was imported into \(into.isEmpty ? "this log" : into) on \(record.recordedAt.description.prefix(10)) by \(record.actor) (seq \(record.seq)\(file == name ? "" : ", as \(file)")): "
                + "this is the same file (sha256 \(sha256.prefix(12))…), so there is nothing to record.\n"
        }
        let (actor, login) = try inv.recorder()
        let today = try inv.today()
        let plan = TrackerImport.plan(csv, into: into, overrides: overrides, state: state, actor: actor, login: login, today: today,
                                      source: name, sha256: sha256, again: inv.flag("--again"))
        let dryRun = inv.flag("--dry-run")
        var recorded: Appended?
        if plan.problems.isEmpty, !dryRun, !plan.commands.isEmpty {
            recorded = try inv.ledger.record(plan.commands, actor: actor, login: login, today: today, now: inv.now, again: plan.again)
        }
        let report = try importReport(inv, plan: plan, csv: csv, name: name, dryRun: dryRun, recorded: recorded)
        if !plan.problems.isEmpty {
            let count = "\(plan.problems.count) problem\(plan.problems.count == 1 ? "" : "s")"
            throw RefusalWithReport(stdout: report, message: dryRun
                ? "\(name) could not be imported as it is: \(count) (listed above). Correct the rows and try again."
                : "\(name) was not imported: \(count) (listed above); nothing was recorded. Correct the rows and import again.")
        }
        return report
    }

    static func importReport(_ inv: Invocation, plan: TrackerPlan, csv: SpreadsheetCSV, name: String, dryRun: Bool, recorded: Appended?) throws -> String {
        let separator = csv.separator == ";" ? "semicolon" : "comma"
        if try inv.format() == .json {
            return jsonText(.object([
                "file": .string(name), "encoding": .string(csv.encoding), "separator": .string(separator), "header_row": .int(plan.headerRow),
                "columns": .object(plan.columns.map { JSONMember($0.field.rawValue, .string($0.header)) }),
                "rows": .array(plan.rows.map { .object(["row": .int($0.number), "records": .array($0.summary.map { .string($0) })]) }),
                "problems": .array(plan.problems.map { .object(["row": .int($0.row), "problem": .string($0.problem)]) }),
                "skipped": .object(["blank": .int(plan.blankRows), "repeated_heading": .int(plan.headingRows)]),
                "dry_run": .bool(dryRun), "recorded_events": .int(recorded?.records.count ?? 0),
            ]))
        }
        var out = "\(dryRun ? "Dry run of importing" : "Importing") \(name) (\(csv.encoding), \(separator)-separated"
        out += plan.headerRow > 0 ? "; headers on row \(plan.headerRow)) into \((inv.value("--into") ?? "the reviews it names")):\n" : ") into \((inv.value("--into") ?? "the reviews it names")):\n"
        if !plan.columns.isEmpty { out += "Columns: " + plan.columns.map { "\($0.field.rawValue) = \"\($0.header)\"" }.joined(separator: "; ") + "\n" }
        let problemsByRow = Dictionary(grouping: plan.problems, by: \.row)
        for p in problemsByRow[0] ?? [] { out += "problem: \(p.problem)\n" }
        var shown = Set<Int>()
        for row in plan.rows {
            shown.insert(row.number)
            if let problems = problemsByRow[row.number] {
                for p in problems { out += "row \(row.number): problem: \(p.problem)\n" }
            } else {
                out += "row \(row.number): \(row.summary.isEmpty ? "nothing new" : row.summary.joined(separator: "; "))\n"
            }
        }
        for (row, problems) in problemsByRow.sorted(by: { $0.key < $1.key }) where row > 0 && !shown.contains(row) {
            for p in problems { out += "row \(row): problem: \(p.problem)\n" }
        }
        out += "Skipped: \(plan.blankRows) blank row\(plan.blankRows == 1 ? "" : "s"), \(plan.headingRows) repeated heading\(plan.headingRows == 1 ? "" : "s").\n"
        if !plan.problems.isEmpty { return out }
        if dryRun { return out + "Dry run: nothing was recorded; \(plan.commands.count) command\(plan.commands.count == 1 ? "" : "s") would be.\n" }
        guard let recorded, let first = recorded.records.first, let last = recorded.records.last else { return out + "Nothing to record.\n" }
        let n = recorded.records.count
        return out + "Recorded \(n) event\(n == 1 ? "" : "s") as one command (\(first.seq == last.seq ? "seq \(first.seq)" : "seq \(first.seq)-\(last.seq)")), "
            + "the first noting the file, its SHA-256 and which row gave what.\n"
    }
}

extension String {
    /// Padded with spaces on the right to `width` characters.
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
