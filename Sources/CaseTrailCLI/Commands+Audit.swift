import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

extension Commands {
    static let audit: [CommandSpec] = [
        CommandSpec(
            words: ["verify"], abstract: "Check the whole log: hash chain, sequence, JSON, schemas, and that every event replays.",
            discussion: "Exits 0 when the log is sound and 3 when it is not, listing every problem by line number.\nWith --checkpoint, also proves the log still extends a checkpoint printed earlier, so a\ntruncated or rewritten log is caught.",
            options: [OptionSpec(name: "--checkpoint", valueName: "text",
                                 help: "What 'casetrail checkpoint' printed (casetrail-checkpoint CODE seq=N sha256=HEX root=HEX), with its signature if signed."),
                      allowedSignersOption],
            formats: [.table, .json],
            run: verify),
        CommandSpec(
            words: ["checkpoint"], abstract: "Print one line that pins the log as it is now, to keep in minutes.",
            discussion: "Later, 'casetrail verify --checkpoint \"<line>\"' proves nothing before it has changed.\nWith --as-of, the checkpoint the log had at that moment.",
            options: [signOption],
            formats: [.table, .json], asOf: true, byBusinessDate: false,
            run: { inv in
                let (state, checkpoint) = try pinned(inv)
                let signed = try sign(checkpoint, inv, state)
                if try inv.format() == .json {
                    return jsonText(.object(["checkpoint": .string(checkpoint.text), "code": .string(checkpoint.code), "seq": .int(checkpoint.seq),
                                             "sha256": .string(checkpoint.hash), "root": .optional(checkpoint.root), "tree_size": .int(checkpoint.seq),
                                             "signature": .optional(signed.signature)]))
                }
                return signed.text + "\n"
            }),
        CommandSpec(
            words: ["copy-log"], abstract: "Copy the log line for line to a new file or database (file to database, database to file).",
            discussion: "Every line of the log is checked first, then copied byte for byte to --to, which must hold no log yet\n(a new file path, or an empty PostgreSQL database whose owner runs this). The copy is read back and\nchecked: it ends on the same line with the same hash, so checkpoints taken before the copy verify\nagainst it. Lines keep the actors they were recorded by. The log itself is left as it was.",
            options: [OptionSpec(name: "--to", valueName: "path|uri", help: "Where the copy goes: a file path, or postgresql://… (an empty database).", required: true)],
            formats: [.table, .json],
            run: { inv in
                let to = inv.required("--to")
                let destination = Invocation.store(at: to, inv.context.environment)
                guard destination.location != inv.logLocation else { throw inv.usage("'--to' names the log itself; give a new file path or an empty database.") }
                let head = try inv.ledger.copy(to: destination)
                if let database = destination as? PostgresLog {
                    // The roster comes with the log: each active member whose database role exists may use it at once.
                    let (state, _) = try Ledger(store: database, policy: SnapshotPolicy(minimumEvents: nil)).load()
                    var missing: [String] = []
                    for m in state.members.values.sorted(by: { $0.user < $1.user }) where !m.retired {
                        if try database.roleExists(m.user) { try database.grantAccess(to: m.user, admin: m.roles.contains(.admin)) } else { missing.append(m.user) }
                    }
                    if !missing.isEmpty {
                        inv.note("Note: the server has no database role for \(missing.joined(separator: ", ")); create each (CREATE ROLE name LOGIN), then grant it the log with SELECT casetrail.grant_member('name', false).")
                    }
                }
                if try inv.format() == .json {
                    return jsonText(.object(["from": .string(inv.logLocation), "to": .string(destination.location), "lines": .int(head.seq),
                                             "head": .string(head.hash)]))
                }
                return "Copied \(head.seq) lines from \(inv.logLocation) to \(destination.location); both end at seq \(head.seq) with hash \(head.hash).\n"
                    + "Checkpoints taken before the copy verify against it. Point --log (or CASETRAIL_LOG) at \(destination.location) to use it.\n"
            }),
        CommandSpec(
            words: ["witness", "forget"], abstract: "Forget how far your casetrail saw this log reach, after restoring an older copy on purpose.",
            discussion: "Each user's casetrail remembers, outside the log's folder, the furthest line and hash it has seen of each\nlog (its witness file: $CASETRAIL_WITNESS, else $XDG_STATE_HOME/casetrail/witness or\n~/.local/state/casetrail/witness). A log that is later shorter, or different at that line, is refused as\nrolled back or rewritten. After restoring an older copy deliberately, forget it here; 'casetrail verify'\nshows what the witness holds.",
            run: { inv in
                guard inv.ledger.witness != nil else { throw Refusal(message: "No witness file is kept here (CASETRAIL_WITNESS is off, or there is no home folder).") }
                guard let seen = try inv.ledger.forgetWitness() else { return "Your casetrail had not seen \(inv.logLocation) before; nothing to forget.\n" }
                return "Forgot that your casetrail saw \(inv.logLocation) reach seq \(seen.seq) on \(seen.seenAt); it now takes the log as it is.\n"
            }),
        CommandSpec(
            words: ["history"], abstract: "List every event with its seq, time, actor, type and a one-line summary.",
            discussion: "Without an argument, the whole log. With a review reference, that review's events and those of its\nrecommendations and actions; with an action, that action's.",
            arguments: [ArgumentSpec(name: "ref-or-action", help: "A review reference or an action (REF/R<n>/A<n>).", optional: true)],
            options: [OptionSpec(name: "--since", valueName: "when", help: "Only events recorded from then: a UTC time, a date, or seq:N.")],
            formats: OutputFormat.tabular, asOf: true,
            run: history),
    ]

    static func verify(_ inv: Invocation) throws -> String {
        let format = try inv.format()
        var checkpoint: Checkpoint?
        var signer: String?
        if let text = inv.value("--checkpoint") {
            guard let c = SignedCheckpoint(text) else {
                throw inv.usage("'\(text)' is not a checkpoint; it looks like: casetrail-checkpoint MSCP seq=42 sha256=<64 hex digits> root=<64 hex digits>, with its signature below it if signed.")
            }
            checkpoint = c.checkpoint
            signer = try checkSignature(c, inv)
        }
        let verification = try inv.ledger.verify(against: checkpoint)
        let scan = verification.scan
        let ok = verification.ok
        let report: String
        if format == .json {
            var members: [JSONMember] = [
                JSONMember("ok", .bool(ok)), JSONMember("events", .int(scan.head?.seq ?? 0)),
                JSONMember("head", .string(scan.head?.hash ?? genesisHash)),
                JSONMember("problems", .array(scan.problems.map { .object(["line": .int($0.line), "problem": .string($0.problem)]) })),
            ]
            if let t = scan.torn {
                members.append(JSONMember("torn_tail", .object(["line": .int(t.line), "bytes": .int(t.bytes.count)])))
            }
            if let c = checkpoint { members.append(JSONMember("checkpoint", .string(c.text))) }
            if let s = signer { members.append(JSONMember("signed_by", .string(s))) }
            members.append(JSONMember("redactions", .array(verification.redactions.map { r in
                .object(["seq": .int(r.seq), "fields": .array(r.fields.map { .string($0) }), "by": .string(r.actor), "on": .string(r.on.description),
                         "reason": .string(r.reason), "vouched_by_seq": .int(r.by)])
            })))
            members.append(JSONMember("snapshot", verification.snapshot.map { .object(["seq": .int($0.seq), "matches": .bool($0.matches)]) } ?? .null))
            members.append(JSONMember("witness", verification.witnessed.map { w in
                .object(["seq": .int(w.seq), "hash": .string(w.hash), "seen_at": .string(w.seenAt.description)])
            } ?? .null))
            report = jsonText(.object(members))
        } else {
            var out = "Log:     \(inv.logLocation)\nEvents:  \(scan.head?.seq ?? 0)\nHead:    \(scan.head?.hash ?? genesisHash)\n"
            if let t = scan.torn {
                out += "Note:    line \(t.line) is a torn write (\(t.bytes.count) bytes, never acknowledged); the next recorded command moves it aside.\n"
            }
            if let w = verification.witnessed {
                out += "Witness: this user's casetrail saw it reach seq \(w.seq) on \(w.seenAt) (hash \(w.hash.prefix(16))…)\n"
            } else if inv.ledger.witness != nil {
                out += "Witness: this user's casetrail had not read this log before\n"
            }
            if let s = verification.snapshot, s.matches { out += "Snapshot: at seq \(s.seq), matches the log\n" }
            if let s = signer { out += Escape.terminal("Signed:  the checkpoint was signed by \(s) (a key in \(inv.value("--allowed-signers")!))") + "\n" }
            // Each changed line believed, and on whose word: an auditor should find each in the minutes.
            for r in verification.redactions {
                out += Escape.terminal("Redacted: line \(r.seq) (\(r.fields.joined(separator: ", "))), by \(r.actor) on \(r.on.readable), vouched for by seq \(r.by): \(r.reason)") + "\n"
            }
            for p in scan.problems { out += p.line == 0 ? "database: \(p.problem)\n" : "line \(p.line): \(p.problem)\n" }
            if ok {
                out += checkpoint == nil ? "OK: the hash chain is intact and every event replays.\n"
                    : "OK: the hash chain is intact, every event replays, and the log extends the checkpoint.\n"
            } else if verification.onlyTheCheckpointDiffers {
                out += "FAILED: the log's own hash chain is intact and every event replays, but it does not match this checkpoint. "
                    + "First compare the checkpoint with where it was kept (the minutes, the paper); if it was copied rightly, the log was rewritten or cut since, and must be restored from a good copy.\n"
            } else {
                out += scan.problems.allSatisfy({ $0.line == 0 })
                    ? "FAILED: the log itself is intact, but the database's safeguards are not as casetrail made them (above); put them back, then verify again.\n"
                    : "FAILED: \(scan.problems.count) problem\(scan.problems.count == 1 ? "" : "s"). Nothing can be recorded until the log is restored from a good copy.\n"
            }
            report = out
        }
        if !ok { throw IntegrityFailure(stdout: report) }
        return report
    }

    static func history(_ inv: Invocation) throws -> String {
        var since: When?
        if let text = inv.value("--since") {
            guard let w = When(text) else {
                throw inv.usage("'\(text)' is not a time for '--since'; use 2023-04-01T09:00Z (UTC), a date such as 2023-03-31, or seq:N.")
            }
            since = w
        }
        let target = inv.argument(0)
        var seen = false
        var earlier: Set<String> = []      // the actions a carried-forward target was carried from
        /// Whether an event concerns the review or action asked about (everything when none is).
        func about(_ event: Event) -> Bool {
            guard let t = target else { return true }
            func concerns(_ s: String?) -> Bool { s.map { $0 == t || $0.hasPrefix(t + "/") || earlier.contains($0) } ?? false }
            var voids = false
            if case let .entryVoided(voided, _, _, dependents, _) = event { voids = concerns(voided) || dependents.contains(where: concerns) }
            guard voids || concerns(event.subject) || concerns(event.alsoAbout) else { return false }
            seen = true
            return true
        }
        // Each line's summary names its recorder as the roster named them then: a user name given
        // later to someone else must not take over a retired member's past entries.
        var entries: [(LogRecord, String, LocalDate?)] = []   // each line, what it says, and the date it says it happened
        var names: [String: String] = [:]
        // An import's record of itself is the first line of its command: the lines after it that it
        // lists are shown with the file and row they came from.
        var imported: (file: String, ref: String, last: Int, rows: [String: String])?
        var items: [String?] = []           // the entry each line is about, to mark those voided since
        var redated: [Int: String] = [:]    // lines whose date was put right since, with the words that say so
        var held = HeldLines(day: try inv.onDate())
        func collect(_ record: LogRecord, _ event: Event) {
            held.note(record, event)
            if case let .eventRedated(seq, _, _, date, on, reason) = event { redated[seq] = " [date corrected to \(date.readable) on \(on.readable): \(reason)]" }
            if case let .memberAdded(user, name, _, _, _) = event { names[user] = name }
            if case let .trackerImported(ref, file, _, rows) = event {
                var byItem: [String: String] = [:]
                for entry in rows { let parts = entry.split(separator: " ", maxSplits: 1); if parts.count == 2 { byItem["\(ref)/\(parts[1])"] = String(parts[0]) } }
                // An import into several reviews begins with one such line for each.
                if let i = imported, record.seq <= i.last { imported?.rows.merge(byItem) { a, _ in a } } else { imported = (file, ref, record.seq + (record.batch ?? 1) - 1, byItem) }
            }
            var source = ""
            var item = event.subject
            if case let .recommendationAdded(ref, rec, _, _) = event { item = "\(ref)/\(rec)" }
            if case let .recommendationResponded(rec, _, _, _) = event { item = rec }
            if case .entryVoided = event { item = nil }
            if let i = imported, record.seq <= i.last, let item, let row = i.rows[item] { source = " (from \(i.file) row \(row))" }
            if about(event), since?.isReached(by: record) ?? true {
                entries.append((record, event.summary(by: names[record.actor] ?? record.actor) + source, event.businessDate))
                items.append(item)
            }
        }
        /// The lines the history needs: all of them when it is of everything, from the start.
        func needed() -> LineSelection? {
            guard let t = target else {
                // Everything since a moment: the lines from then on, and those before it that name recorders or imports.
                guard let since else { return nil }
                var lines = timelineLines(of: [String](), within: false)
                lines.beyond = since.before
                return lines
            }
            var lines = timelineLines(of: [t], within: true)
            lines.streams.formUnion(timelineLines(of: earlier, within: false).streams)
            return lines
        }
        let (state, _) = try load(inv, selecting: needed(), each: collect)
        if let t = target, state.actions[t]?.carried != nil {
            // A carried-forward action's earlier life is on the actions it came from, whose lines come first: read again for them.
            earlier = Set(state.lineage(of: t).dropFirst())
            (entries, names, imported, items) = ([], [:], nil, [])
            _ = try load(inv, selecting: needed(), each: collect)
        }
        // What was voided stays in the history, marked; the void's own line says who and why.
        for (i, item) in items.enumerated() {
            guard let v = item.flatMap({ state.voided[$0] }) ?? state.voided["seq:\(entries[i].0.seq)"] else { continue }
            entries[i].1 += " [void since \(v.on.readable): \(v.reason)]"
        }
        for i in entries.indices { entries[i].1 += redated[entries[i].0.seq] ?? "" }
        entries = entries.filter { held.held($0.0.seq) }
        if let t = target, entries.isEmpty, !seen {
            throw Refusal(message: "Nothing in the log is about '\(t)'. See 'casetrail reviews' for the references.")
        }
        let json: JSONValue = .object(["events": .array(entries.map { r, summary, on in
            .object(["seq": .int(r.seq), "recorded_at": .string(r.recordedAt.description), "on": .optional(on?.description), "actor": .string(r.actor),
                     "login": .optional(r.login), "type": .string(r.type), "stream": .string(r.stream), "summary": .string(summary)])
        })])
        // The date it happened beside the time it was typed: most of a first year is entered after the fact.
        let table = Table(columns: ["SEQ", "RECORDED", "ON", "ACTOR", "TYPE", "SUMMARY"], rows: entries.map { r, summary, on in
            [String(r.seq), String(r.recordedAt.description.prefix(16)).replacingAll("T", with: " "), on?.description ?? "-", r.recordedBy, r.type, summary]
        })
        return try render(inv, table: table, json: json)
    }
}

/// Which lines held on `--on-date`'s day by the dates they carry (a redated line by its right one),
/// for the timelines `history` and `show` print; every line when no day is given.
struct HeldLines {
    let day: LocalDate?
    private var later: Set<Int> = []
    private var redatedTo: [Int: LocalDate] = [:]

    init(day: LocalDate?) { self.day = day }

    mutating func note(_ record: LogRecord, _ event: Event) {
        guard let day else { return }
        if case let .eventRedated(seq, _, _, date, _, _) = event { redatedTo[seq] = date }
        if !event.held(on: day) { later.insert(record.seq) }
    }

    func held(_ seq: Int) -> Bool {
        guard let day else { return true }
        return redatedTo[seq].map { $0 <= day } ?? !later.contains(seq)
    }
}
