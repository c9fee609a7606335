import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

/// The command table: every command's words, help and handler, in the order help lists them.
enum Commands {
    static let all: [CommandSpec] = setup + reviews + actions + corrections + importing + queries + reports + audit + proofs

    static let setup: [CommandSpec] = [
        CommandSpec(
            words: ["init"], abstract: "Create a partnership's log; you become its first admin.",
            discussion: "The log is a JSON Lines file created with mode 0600 (0660 with --shared-group). Nothing is\nwritten if a file already exists at the path.",
            options: [
                OptionSpec(name: "--partnership", valueName: "name", help: "The partnership's name, e.g. \"Medway Safeguarding Children Partnership\".", required: true),
                OptionSpec(name: "--code", valueName: "code", help: "Its short code, used in references, e.g. MSCP.", required: true),
                OptionSpec(name: "--name", valueName: "name", help: "Your full name or role, as the history shows it (default: your actor name)."),
                OptionSpec(name: "--shared-group", valueName: nil, help: "Let the file's group read and write the log (mode 0660)."),
            ],
            run: { inv in
                if inv.flag("--shared-group"), inv.ledger.store is PostgresLog {
                    throw inv.usage("'--shared-group' sets a log file's mode; on a database, who may use the log is granted by 'casetrail member add'.")
                }
                let (actor, login) = try inv.recorder()
                let records = try inv.ledger.create(name: inv.required("--partnership"), code: inv.required("--code"), adminName: inv.value("--name"),
                                                    actor: actor, login: login, today: try inv.today(), now: inv.now,
                                                    sharedGroup: inv.flag("--shared-group"))
                return "Created \(inv.logLocation) for \(inv.required("--partnership")) (\(inv.required("--code"))); "
                    + "\(actor) is its first admin. \(records.count) events recorded.\n"
            }),
        CommandSpec(
            words: ["member", "add"], abstract: "Add a person to the roster with their roles.",
            discussion: "Roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")). Only an admin may change the roster.",
            arguments: [ArgumentSpec(name: "user", help: "The name they record under (their --actor), e.g. jsmith.")],
            options: [
                OptionSpec(name: "--name", valueName: "name", help: "Their full name or role title, e.g. \"DI Smith\".", required: true),
                OptionSpec(name: "--agency", valueName: "agency", help: "The agency they work for.", required: true),
                OptionSpec(name: "--role", valueName: "roles", help: "One or more roles, comma-separated.", required: true),
                OptionSpec(name: "--partner", valueName: "partner", help: "For role partner: la, police or health."),
                OptionSpec(name: "--login", valueName: "account", help: "The operating-system account they record from; once bound, only it may record as them."),
                OptionSpec(name: "--email", valueName: "address", help: "Where reminders to them go ('casetrail remind'), e.g. j.smith@medway.gov.uk."),
            ],
            run: { inv in
                var roles: [Role] = []
                for text in inv.required("--role").split(separator: ",").map({ String($0).trimmedSpaces }) {
                    guard let role = Role(rawValue: text) else {
                        throw inv.usage("'\(text)' is not a role; use: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).\(suggestion(for: text, among: Role.allCases.map(\.rawValue)))")
                    }
                    roles.append(role)
                }
                var partner: Partner?
                if let text = inv.value("--partner") {
                    guard let p = Partner(rawValue: text) else { throw inv.usage("'\(text)' is not a partner; use la, police or health.") }
                    partner = p
                }
                let user = inv.argument(0)!
                let database = inv.ledger.store as? PostgresLog
                if database != nil, let login = inv.value("--login"), login != user {
                    throw Refusal(message: "On a database log a member records as their own database role, '\(user)', so '--login \(login)' would stop them recording at all; leave it out. Nothing was recorded.")
                }
                if let database, try !database.roleExists(user) {
                    throw Refusal(message: "On a database log a member's user name is their database role, and the server has no role '\(user)'; nothing was recorded. "
                        + "Ask the database administrator to create it (CREATE ROLE \(user) LOGIN), then add the member again.")
                }
                let said = try recorded(inv, .setup(.addMember(user: user, name: inv.required("--name"), agency: inv.required("--agency"),
                                                    roles: roles, partner: partner, login: inv.value("--login"),
                                                    email: inv.value("--email"))))
                try database?.grantAccess(to: user, admin: roles.contains(.admin))
                return said + (database == nil ? "" : "The role \(user) may now read the log and record in it.\n")
            }),
        CommandSpec(
            words: ["member", "bind"], abstract: "Bind a member to the operating-system account they record from.",
            discussion: "Once bound, lines recorded as the member must come from that account, and the account may record only\nas them (unless they are business unit or admin, who record for others; the line then names both).\nOn a file log anyone who can write the file can still claim any name; see README \"Security model\".",
            arguments: [ArgumentSpec(name: "user", help: "The roster name to bind.")],
            options: [OptionSpec(name: "--login", valueName: "account", help: "Their operating-system account, e.g. asmith.", required: true)],
            run: { inv in
                if inv.ledger.store is PostgresLog {
                    throw Refusal(message: "On a database log each member already records only as their own database role, which the server signs in; 'member bind' is for file logs. Nothing was recorded.")
                }
                return try recorded(inv, .setup(.bindLogin(user: inv.argument(0)!, login: inv.required("--login"))))
            }),
        CommandSpec(
            words: ["member", "set-email"], abstract: "Set the address reminders to a member go to ('casetrail remind').",
            arguments: [ArgumentSpec(name: "user", help: "The roster name."), ArgumentSpec(name: "email", help: "Their address, e.g. j.smith@medway.gov.uk.")],
            run: { inv in try recorded(inv, .setup(.setEmail(user: inv.argument(0)!, email: inv.argument(1)!))) }),
        CommandSpec(
            words: ["member", "retire"], abstract: "Take a person off the roster; their past entries stay.",
            arguments: [ArgumentSpec(name: "user", help: "The roster name to retire.")],
            options: [OptionSpec(name: "--reason", valueName: "text", help: "Why, for the history.")],
            run: { inv in
                let said = try recorded(inv, .setup(.retireMember(user: inv.argument(0)!, reason: inv.value("--reason"))))
                guard let database = inv.ledger.store as? PostgresLog else { return said }
                try database.revokeAccess(from: inv.argument(0)!)
                return said + "The role \(inv.argument(0)!) may no longer read the log or record in it.\n"
            }),
        CommandSpec(
            words: ["members"], abstract: "List the roster.", formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let (state, _) = try load(inv)
                let members = state.members.values.sorted { $0.user < $1.user }
                let json: JSONValue = .object(["members": .array(members.map { m in
                    .object(["user": .string(m.user), "name": .string(m.name), "agency": .string(m.agency),
                             "roles": .array(m.roles.map { .string($0.rawValue) }), "partner": .optional(m.partner?.rawValue),
                             "active": .bool(!m.retired), "login": .optional(m.login), "email": .optional(m.email)])
                })])
                let table = Table(columns: ["USER", "NAME", "AGENCY", "ROLES", "STATUS"], rows: members.map { m in
                    [m.user, m.name, m.agency, m.roles.map(\.rawValue).joined(separator: ",") + (m.partner.map { " (\($0.rawValue))" } ?? ""),
                     m.retired ? "retired" : "active"]
                })
                return try render(inv, table: table, json: json)
            }),
        CommandSpec(
            words: ["agency", "add"], abstract: "Add an agency that can own actions.",
            arguments: [ArgumentSpec(name: "code", help: "A short code, e.g. MEDWAY-CSC.")],
            options: [
                OptionSpec(name: "--name", valueName: "name", help: "The agency's name.", required: true),
                OptionSpec(name: "--alias", valueName: "name", help: "Another name it goes by in older reports.", repeatable: true),
            ],
            run: { inv in
                try recorded(inv, .setup(.addAgency(code: inv.argument(0)!, name: inv.required("--name"), aliases: inv.values("--alias"))))
            }),
        CommandSpec(
            words: ["agency", "alias"], abstract: "Give an agency another name, so actions owned under it count as one.",
            arguments: [ArgumentSpec(name: "agency", help: "The agency's code or a name it already has."),
                        ArgumentSpec(name: "alias", help: "The other name, e.g. \"NHS Medway\".")],
            run: { inv in try recorded(inv, .setup(.addAgencyAlias(agency: inv.argument(0)!, alias: inv.argument(1)!))) }),
        CommandSpec(
            words: ["agencies"], abstract: "List the agencies and their aliases.", formats: OutputFormat.tabular, asOf: true,
            run: { inv in
                let (state, _) = try load(inv)
                let agencies = state.agencies.values.sorted { $0.code < $1.code }
                let json: JSONValue = .object(["agencies": .array(agencies.map { a in
                    .object(["code": .string(a.code), "name": .string(a.name), "aliases": .array(a.aliases.map { .string($0) })])
                })])
                let table = Table(columns: ["CODE", "NAME", "ALIASES"],
                                  rows: agencies.map { [$0.code, $0.name, $0.aliases.joined(separator: "; ")] })
                return try render(inv, table: table, json: json)
            }),
    ]

    /// Records a command and says what was written (and any torn tail moved aside first).
    static func recorded(_ inv: Invocation, _ command: Command) throws -> String {
        try record(inv, command).text
    }

    /// Records a command, giving the line that reports it and the facts it recorded.
    static func record(_ inv: Invocation, _ command: Command) throws -> (text: String, events: [Event]) {
        let (actor, login) = try inv.recorder()
        let result = try inv.ledger.record(command, actor: actor, login: login, today: try inv.today(), now: inv.now, again: inv.flag("--again"))
        if let q = result.quarantined {
            inv.note("Note: the log ended in a torn, never-acknowledged write; its bytes were moved to \(q).")
        }
        guard let first = result.records.first, let last = result.records.last else {
            return ("Nothing to record: that is already so.\n", [])
        }
        // Repeated types counted: a carry-forward of thirty actions is one line, not thirty.
        var counts: [(type: String, count: Int)] = []
        for r in result.records {
            if let i = counts.firstIndex(where: { $0.type == r.type }) { counts[i].count += 1 } else { counts.append((r.type, 1)) }
        }
        let types = counts.map { $0.count == 1 ? $0.type : "\($0.count) \($0.type)" }.joined(separator: ", ")
        let seqs = first.seq == last.seq ? "seq \(first.seq)" : "seq \(first.seq)-\(last.seq)"
        return ("Recorded \(types) (\(seqs)).\n", result.events)
    }

    /// Loads state for a query within `--as-of`, noting a torn tail on stderr.
    /// The state the query answers from: the log within `--as-of`, as things stood on `onDate` (else
    /// `--on-date`) when a day is given.
    /// With `selecting`, `each` needs only those lines (and any after a snapshot): see `Ledger.load(selecting:)`.
    static func load(_ inv: Invocation, onDate: LocalDate? = nil, selecting: LineSelection? = nil, each: ((LogRecord, Event) -> Void)? = nil) throws -> (State, LogScan) {
        let limit = try inv.limit()
        let day = try onDate ?? inv.onDate()
        return try checked(inv, limit) {
            if let day { return try inv.ledger.load(upTo: limit, onDate: day, each: each) }
            if let selecting, let each { return try inv.ledger.load(upTo: limit, selecting: selecting, each: each) }
            return try inv.ledger.load(upTo: limit, each: each)
        }
    }

    /// What `loading` gives, refused when nothing within `limit` had been recorded yet, a torn tail noted.
    private static func checked(_ inv: Invocation, _ limit: ReadLimit, _ loading: () throws -> (State, LogScan)) throws -> (State, LogScan) {
        let result = try loading()
        if case .recordedBy = limit, result.0.partnership == nil, result.1.lines > 0 {
            // Not even the partnership's first line is within the limit. An empty answer would read as
            // "nothing was outstanding then", when nothing had been recorded yet.
            var first: LogRecord?
            _ = try inv.ledger.load(upTo: .seq(1)) { record, _ in first = first ?? record }
            guard let first else { return result }
            throw Refusal(message: "--as-of \(inv.value("--as-of") ?? "") is before this log began: its first line was recorded at \(first.recordedAt) "
                + "(\(LondonTime.date(at: first.recordedAt).readable), London). Give a later time, or seq:N for the log as it stood after its first N lines; "
                + "facts entered afterwards keep their own dates (see 'casetrail history').")
        }
        if inv.context.exitsAfterRun { KeptUntilExit.keep(result.0) }
        if let torn = result.1.torn {
            inv.note("Note: line \(torn.line) is a torn write (\(torn.bytes.count) bytes, never acknowledged); it is ignored, and the next recorded command moves it aside.")
        }
        return result
    }

    /// The lines a timeline of `refs` (reviews or actions) needs: theirs (with their recommendations'
    /// and actions' when `within`), and every line that names recorders, imports, voids, corrects dates or carries actions.
    static func timelineLines(of refs: some Collection<String>, within: Bool) -> LineSelection {
        LineSelection(streams: Set(refs.flatMap { Event.streams(about: $0) }),
                      streamPrefixes: within ? refs.flatMap { Event.streams(about: $0).map { $0 + "/" } } : [],
                      types: [.memberAdded, .trackerImported, .entryVoided, .eventRedated, .actionCarriedForward])
    }

    /// The state with the checkpoint of the lines it was read from (their head and Merkle root): what
    /// reports end with. `each` sees every event too, or, with `selecting`, those it names before the snapshot and every later one.
    static func pinned(_ inv: Invocation, onDate: LocalDate? = nil, selecting: LineSelection? = nil,
                       each: ((LogRecord, Event) -> Void)? = nil) throws -> (State, Checkpoint) {
        let limit = try inv.limit()
        let day = try onDate ?? inv.onDate()
        var checkpoint: Checkpoint?
        let (state, _) = try checked(inv, limit) {
            let (state, scan, pin) = try inv.ledger.loadPinned(upTo: limit, onDate: day, selecting: selecting, each: each)
            checkpoint = pin
            return (state, scan)
        }
        guard let checkpoint else {
            throw Refusal(message: "Nothing had been recorded by that point (\(inv.value("--as-of").map { "--as-of " + $0 } ?? "the log is empty")): "
                + "give a later --as-of, such as seq:1, or leave it out for the log as it is now.")
        }
        return (state, checkpoint)
    }

    /// Renders a query's answer in the requested format.
    static func render(_ inv: Invocation, table: @autoclosure () -> Table, json: @autoclosure () -> JSONValue) throws(UsageError) -> String {
        let format = try inv.format()
        return format == .json ? jsonText(json()) : table().render(format, width: inv.tableWidth)
    }
}


