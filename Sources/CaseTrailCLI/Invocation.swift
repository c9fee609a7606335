import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

/// The options every command shares (PRODUCT.md "Command line").
enum Globals {
    static let defaultLog = "events/casetrail.jsonl"

    static let options: [OptionSpec] = [
        OptionSpec(name: "--log", valueName: "path",
                   help: "The partnership's log: a file, or a postgresql:// URI (default: $CASETRAIL_LOG, else \(defaultLog))."),
        OptionSpec(name: "--actor", valueName: "name",
                   help: "Who is recording (default: $CASETRAIL_ACTOR, else your login name)."),
        OptionSpec(name: "--today", valueName: "date",
                   help: "Take this YYYY-MM-DD as today (default: $CASETRAIL_TODAY, else today in London)."),
        OptionSpec(name: "--as-of", valueName: "when",
                   help: "Answer from the events recorded up to a UTC time (2023-04-01T09:00Z), the end of a date, or seq:N."),
        OptionSpec(name: "--on-date", valueName: "date",
                   help: "Answer as things stood on a YYYY-MM-DD by the dates the facts carry (agreed, implemented, signed off…), as far as the log knows now; today is that date."),
        OptionSpec(name: "--format", valueName: "format", help: "Output format: table (default), json, csv or md."),
        OptionSpec(name: "--wide", valueName: nil, help: "In a terminal, keep each table row on one line instead of wrapping text to its width."),
        OptionSpec(name: "--version", valueName: nil, help: "Show the version."),
    ]
}

/// One run of a command: its parsed arguments and the context, with typed accessors that turn
/// malformed values into usage errors.
struct Invocation {
    let line: ParsedLine
    let spec: CommandSpec
    let context: Context
    let notes: Notes
    /// The run's ledger over the log named by `--log`, `CASETRAIL_LOG` or the default; snapshots from
    /// 20,000 events unless `CASETRAIL_SNAPSHOT_MIN_EVENTS` says otherwise ("off": never).
    let ledger: Ledger

    init(line: ParsedLine, spec: CommandSpec, context: Context, notes: Notes, snapshots: Bool = true) {
        self.line = line
        self.spec = spec
        self.context = context
        self.notes = notes
        let path = line.values["--log"]?.last ?? context.environment["CASETRAIL_LOG"] ?? Globals.defaultLog
        ledger = Ledger(store: Invocation.store(at: path, context.environment),
                        policy: snapshots ? SnapshotPolicy(environment: context.environment["CASETRAIL_SNAPSHOT_MIN_EVENTS"]) : SnapshotPolicy(minimumEvents: nil))
        ledger.keepsStatesUntilExit = context.exitsAfterRun
        ledger.now = context.now()
        ledger.witness = Invocation.witnessPath(context.environment).map(WitnessFile.init)
        ledger.witnessLocation = PostgresLog.isURI(path) ? ledger.store.location
            : path.hasPrefix("/") ? path : (context.environment["PWD"].map { $0 + "/" } ?? "./") + path
    }

    /// The store a `--log` value names: a PostgreSQL database for a `postgresql://` URI, else a file.
    static func store(at log: String, _ environment: [String: String]) -> any LogStore {
        guard PostgresLog.isURI(log) else { return EventLog(path: log) }
        return PostgresLog(conninfo: log, snapshotFolder: cachePath(environment))
    }

    /// This user's cache folder for casetrail (`$XDG_CACHE_HOME/casetrail`, else `~/.cache/casetrail`),
    /// where a database log's snapshot is kept; nil without either.
    static func cachePath(_ environment: [String: String]) -> String? {
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/casetrail" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/casetrail" }
        return nil
    }

    func value(_ name: String) -> String? { line.values[name]?.last }

    /// The seq a user wrote as `seq:N` to name one line of the log, range-checked, or a usage error.
    func lineSeq(_ text: String) throws(UsageError) -> Int {
        guard text.hasPrefix("seq:"), let seq = Int(text.dropFirst(4)), (1...(1 << 53)).contains(seq) else {
            throw usage("'\(text)' is not a line of the log; give seq:N, e.g. seq:57 ('casetrail history' shows each line's seq).")
        }
        return seq
    }
    func values(_ name: String) -> [String] { line.values[name] ?? [] }
    func flag(_ name: String) -> Bool { line.flags.contains(name) }
    func argument(_ index: Int) -> String? { index < line.positionals.count ? line.positionals[index] : nil }

    /// Turns malformed global values, and text no record should hold, into usage errors before
    /// anything is read or written.
    func checkGlobals() throws(UsageError) {
        _ = try today()
        _ = try format()
        _ = try limit()
        try checkText()
    }

    /// Refuses control characters (other than line breaks, Windows' CR LF included, and tabs) in any
    /// value: they would act on whoever later reads the record on a terminal. Named by the option.
    func checkText() throws(UsageError) {
        let named = line.values.sorted { $0.key < $1.key }.flatMap { name, values in values.map { (name, $0) } }
            + line.positionals.enumerated().map { i, value in (i < spec.arguments.count ? "<\(spec.arguments[i].name)>" : "argument \(i + 1)", value) }
        for (name, value) in named {
            let scalars = value.replacingAll("\r\n", with: "\n").unicodeScalars
            if let c = scalars.first(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }) {
                let what = name.hasPrefix("--") ? "'\(name)'" : name
                throw usage("The value of \(what) holds a control character (U+\(String(c.value, radix: 16, uppercase: true).leftPadded(4))); type the text without it.")
            }
        }
    }

    /// A required option's value (the parser has already checked it is present).
    func required(_ name: String) -> String { value(name) ?? "" }

    /// The width tables fit by wrapping: the terminal's, unless `--wide`; nil when not to a terminal.
    var tableWidth: Int? { flag("--wide") ? nil : context.terminalWidth }

    func note(_ text: String) { notes.lines.append(text) }

    func usage(_ message: String) -> UsageError { UsageError(message: message, command: spec.words) }

    /// This user's witness file: `CASETRAIL_WITNESS` (a path, or `off`), else the XDG state directory
    /// (`$XDG_STATE_HOME`, else `~/.local/state`), `casetrail/witness`; nil without any of them.
    static func witnessPath(_ environment: [String: String]) -> String? {
        if let set = environment["CASETRAIL_WITNESS"], !set.isEmpty { return set == "off" ? nil : set }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/casetrail/witness" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.local/state/casetrail/witness" }
        return nil
    }

    /// Where the log is, for messages.
    var logLocation: String { ledger.store.location }

    var actor: String {
        if let a = value("--actor") ?? context.environment["CASETRAIL_ACTOR"], !a.isEmpty { return a }
        return context.loginName
    }

    /// Who records, and from which account. On a database log both are the role the server signed
    /// in: a `--actor` naming anyone else is refused, never recorded.
    func recorder() throws -> (actor: String, login: String) {
        guard let database = ledger.store as? PostgresLog else { return (actor, context.loginName) }
        let role = try database.signedInRole()
        if let claimed = value("--actor") ?? context.environment["CASETRAIL_ACTOR"], !claimed.isEmpty, claimed != role {
            let source = value("--actor") != nil ? "--actor" : "CASETRAIL_ACTOR"
            throw Refusal(message: "On a database log you record as the role the server signed you in as, '\(role)', so \(source) '\(claimed)' cannot be used; "
                + "nothing was recorded. Sign in as \(claimed) (their own database account, e.g. 'user=\(claimed)' in the connection), or leave out \(source).")
        }
        return (role, role)
    }

    var now: Timestamp { context.now() }

    func today() throws(UsageError) -> LocalDate {
        if let day = try onDate() {
            if let text = value("--today"), try date(text, option: "--today") != day {
                throw usage("--on-date \(day) answers as things stood on that day, so that day is 'today' for it; leave out --today \(text).")
            }
            return day
        }
        if let text = value("--today") { return try date(text, option: "--today") }
        if let text = context.environment["CASETRAIL_TODAY"], !text.isEmpty {
            guard let d = LocalDate(text) else {
                throw usage("CASETRAIL_TODAY: \(LocalDate.whyNot(text)).")
            }
            return d
        }
        return LondonTime.date(at: now)
    }

    /// `--on-date`: answer by the business dates the facts carry, as things stood on that day.
    func onDate() throws(UsageError) -> LocalDate? { try date(option: "--on-date") }

    func format() throws(UsageError) -> OutputFormat {
        guard let text = value("--format") else { return .table }
        guard let f = OutputFormat(rawValue: text), spec.formats.contains(f) else {
            throw usage("'\(text)' is not a format of '\(spec.path)'; use one of: \(spec.formats.map(\.rawValue).joined(separator: ", ")).")
        }
        return f
    }

    /// An option whose value is one of a fixed set (`--kind lcspr`), or nil when absent.
    func choice<T: RawRepresentable & CaseIterable>(_ option: String) throws(UsageError) -> T? where T.RawValue == String {
        guard let text = value(option) else { return nil }
        return try choice(text, option: option)
    }

    func choice<T: RawRepresentable & CaseIterable>(_ text: String, option: String) throws(UsageError) -> T where T.RawValue == String {
        guard let v = T(rawValue: text) else {
            let all = T.allCases.map(\.rawValue)
            throw usage("'\(text)' is not a value for '\(option)'; use one of: \(all.joined(separator: ", ")).\(suggestion(for: text, among: all))")
        }
        return v
    }

    /// A required option's date (the parser has checked it is present).
    func requiredDate(_ option: String) throws(UsageError) -> LocalDate { try date(required(option), option: option) }

    /// A date option's value, or nil when absent.
    func date(option: String) throws(UsageError) -> LocalDate? {
        guard let text = value(option) else { return nil }
        return try date(text, option: option)
    }

    func date(_ text: String, option: String) throws(UsageError) -> LocalDate {
        guard let d = LocalDate(text) else {
            throw usage("\(LocalDate.whyNot(text)) (for '\(option)').")
        }
        return d
    }

    /// `--on-behalf-of` and `--meeting`, when given.
    func attribution() -> Attribution? {
        let body = value("--on-behalf-of"), meeting = value("--meeting")
        return body == nil && meeting == nil ? nil : Attribution(onBehalfOf: body, meeting: meeting)
    }

    /// `--as-of`: how much of the log a query may see.
    func limit() throws(UsageError) -> ReadLimit {
        guard let text = value("--as-of") else { return .all }
        guard let when = When(text) else {
            throw usage("'\(text)' is not a time for '--as-of'; use 2023-04-01T09:00Z (UTC), a date such as 2023-03-31 (its end, in London), or seq:N.")
        }
        return when.limit
    }
}

/// A moment in the log's history as a user writes it: a UTC timestamp, a date, or `seq:N`.
enum When {
    case seq(Int)
    case instant(Timestamp)
    case date(LocalDate)

    init?(_ text: String) {
        if text.hasPrefix("seq:") {
            guard let n = Int(text.dropFirst(4)), n >= 0 else { return nil }
            self = .seq(n)
        } else if let d = LocalDate(text) {
            self = .date(d)
        } else if let t = Timestamp(text) {
            self = .instant(t)
        } else {
            return nil
        }
    }

    /// The log prefix up to and including this moment.
    var limit: ReadLimit {
        switch self {
        case .seq(let n): return .seq(n)
        case .instant(let t): return .recordedBy(t)
        case .date(let d): return .recordedBy(LondonTime.endOfDay(d))
        }
    }

    /// The log before this moment: the lines `isReached` is false for.
    var before: ReadLimit {
        switch self {
        case .seq(let n): return .seq(n - 1)
        case .instant(let t): return .recordedBy(Timestamp(millisecondsSinceEpoch: t.millisecondsSinceEpoch - 1))
        case .date(let d): return .recordedBy(LondonTime.endOfDay(d.adding(days: -1)))
        }
    }

    /// Whether this moment has been reached by the time `r` was recorded (`--since`): a date means from its start.
    func isReached(by r: LogRecord) -> Bool {
        switch self {
        case .seq(let n): return r.seq >= n
        case .instant(let t): return r.recordedAt >= t
        case .date(let d): return r.recordedAt > LondonTime.endOfDay(d.adding(days: -1))
        }
    }
}

extension String {
    /// Zero-padded on the left to `width` characters.
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
