#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaseTrailCore

/// A partnership's log in a PostgreSQL database: the same lines, byte for byte, as the file holds,
/// one row each, read through the same checks. The server says who is signed in, and the database
/// refuses any line whose actor is someone else (`PostgresSchema`).
public final class PostgresLog: LogStore, @unchecked Sendable {
    /// The connection URI or keyword string, as given (libpq reads its environment and `.pgpass` too).
    public let conninfo: String
    /// Where this user keeps the snapshot of this database's log (nil: none), outside the database,
    /// so a reader needs no write rights on it.
    public let snapshotFolder: String?
    private var opened: PGConnection?
    /// The chunk size lines are handed to the pipeline in.
    static let chunkSize = 1 << 20

    public init(conninfo: String, snapshotFolder: String? = nil) {
        self.conninfo = conninfo
        self.snapshotFolder = snapshotFolder
    }

    /// Whether `text` names a PostgreSQL database rather than a file.
    public static func isURI(_ text: String) -> Bool { text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") }

    /// The URI without any password, for messages.
    public var location: String {
        let scheme = conninfo.hasPrefix("postgresql://") ? "postgresql://" : conninfo.hasPrefix("postgres://") ? "postgres://" : ""
        let rest = conninfo.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard !scheme.isEmpty, let at = authority.lastIndex(of: "@") else { return stripPasswordParameter(conninfo) }
        let user = authority[..<at].prefix { $0 != ":" }
        return stripPasswordParameter(scheme + user + String(rest[at...]))
    }

    private func stripPasswordParameter(_ text: String) -> String {
        guard let q = text.firstIndex(of: "?") else { return text }
        let kept = text[text.index(after: q)...].split(separator: "&").filter { !$0.lowercased().hasPrefix("password=") }
        return String(text[..<q]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }

    func connection() throws(StoreError) -> PGConnection {
        if let opened { return opened }
        let c = try PGConnection(conninfo)
        do {
            // Acknowledged only once durable, whatever the server's default.
            try c.query("SET synchronous_commit = on; SET client_encoding = 'UTF8'")
        } catch { throw describe(error) }
        opened = c
        return c
    }

    /// The role the server signed this session in as: the only name it lets this user record under.
    public func signedInRole() throws(StoreError) -> String {
        let c = try connection()
        do { return try c.query("SELECT session_user::text")[0][0] ?? "" } catch { throw describe(error) }
    }

    /// Whether a database role of this name exists on the server.
    public func roleExists(_ role: String) throws(StoreError) -> Bool {
        let c = try connection()
        do { return try !c.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]).isEmpty } catch { throw describe(error) }
    }

    /// Gives a member's role what it needs to read the log and add lines (and, for an admin, to do the same for others).
    public func grantAccess(to role: String, admin: Bool) throws(StoreError) {
        let c = try connection()
        do { try c.query("SELECT casetrail.grant_member($1, $2)", [role, admin ? "true" : "false"]) } catch { throw describe(error) }
    }

    /// Takes those rights away again (the owner keeps its own).
    public func revokeAccess(from role: String) throws(StoreError) {
        let c = try connection()
        do { try c.query("SELECT casetrail.revoke_member($1)", [role]) } catch { throw describe(error) }
    }

    /// A server's refusal in words a user can act on.
    func describe(_ error: SQLError) -> StoreError {
        if error.state == "casetrail-exists" { return .exists(location) }
        if error.state == "casetrail-encoding" { return .database(error.message + ".") }
        let said = error.message.hasPrefix("ERROR:  ") ? String(error.message.dropFirst(8)) : error.message
        switch error.state {
        case "42501":
            return .database("the database refused: \(said). Ask the partnership's admin to add you as a member ('casetrail member add'), or sign in as yourself.")
        case "3F000", "42P01":
            return .database("there is no casetrail log in the database \(location) (\(said)). Create one with 'casetrail init --log URI', or check the database name.")
        default:
            return .database("the database refused: \(said)")
        }
    }

    public var byteCount: Int {
        guard let c = try? connection(), let rows = try? c.query("SELECT pg_relation_size('casetrail.events')::text"),
              let text = rows.first?[0], let n = Int(text) else { return 0 }
        return n
    }

    public var othersCanWrite: Bool { false }
    public func prefixDigest(length: Int) -> String? { nil }

    // MARK: - Creating and appending

    public func create(_ events: [Event], actor: String, login: String?, now: Timestamp, sharedGroup: Bool) throws(StoreError) -> [LogRecord] {
        let c = try connection()
        do {
            try checkEmptyDatabase(c)
            let (lines, records) = try EventLog.encode(events.map(\.newEvent), after: LogScan(), actor: actor, login: login, now: now)
            try c.query("BEGIN")
            do {
                try c.query(PostgresSchema.create)
                try insert(lines, records, on: c)
                try c.query("COMMIT")
            } catch {
                _ = try? c.query("ROLLBACK")
                throw error
            }
            return records
        } catch let e as StoreError {
            throw e
        } catch let e as SQLError {
            throw describeCreating(e)
        } catch {
            throw .database("\(error)")
        }
    }

    private func insert(_ lines: [[UInt8]], _ records: [LogRecord], on c: PGConnection) throws(SQLError) {
        for (line, r) in zip(lines, records) {
            let text = String(decoding: line.dropLast(), as: UTF8.self)
            try c.query("INSERT INTO casetrail.events (seq, stream, version, actor, hash, line) VALUES ($1, $2, $3, $4, $5, $6)",
                        [String(r.seq), r.stream, String(r.version), r.actor, r.hash, text])
        }
    }

    /// As the file's append: in one transaction, under the log's advisory lock, only if the head is
    /// still the line the decision was made after and each stream is at its expected version (the
    /// contract of Message DB's `write_message`, for a whole command at once).
    public func append(_ events: [Event], actor: String, login: String?, now: Timestamp, after position: LogPosition,
                       expected: [String: Int]) throws(StoreError) -> Appended {
        try write(events, redacting: nil, actor: actor, login: login, now: now, after: position, expected: expected)
    }

    /// As an append of the `line_redacted` event, in the same transaction as the one change to a
    /// committed line the database allows: `casetrail.redact_line`, which checks the event vouches for it.
    public func redact(_ redaction: RedactedLine, events: [Event], actor: String, login: String?, now: Timestamp, after position: LogPosition,
                       expected: [String: Int]) throws(StoreError) -> Appended {
        try write(events, redacting: redaction, actor: actor, login: login, now: now, after: position, expected: expected)
    }

    private func write(_ events: [Event], redacting redaction: RedactedLine?, actor: String, login: String?, now: Timestamp, after position: LogPosition,
                       expected: [String: Int]) throws(StoreError) -> Appended {
        guard !events.isEmpty else { return .nothing }
        let c = try connection()
        do throws(SQLError) {
            try c.query("BEGIN")
            var committed = false
            defer { if !committed { _ = try? c.query("ROLLBACK") } }
            try c.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.appendLock))")
            let headLine: String? = try c.query("SELECT line FROM casetrail.events ORDER BY seq DESC LIMIT 1").first?[0] ?? nil
            let head = headLine.flatMap { stamp($0) }
            if headLine != nil, head == nil { throw SQLError(message: "", state: "casetrail-head") }
            let headSeq = head?.seq ?? 0
            guard headSeq == position.seq, (head?.hash ?? genesisHash) == position.hash else {
                throw SQLError(message: "moved on", state: "casetrail-moved:\(headSeq)")
            }
            var scan = LogScan()
            scan.lines = headSeq
            if let head { scan.head = LogScan.Head(seq: head.seq, hash: head.hash, recordedAt: head.recordedAt) }
            for stream in Set(events.map(\.stream)).sorted() {
                let found = Int(try c.query("SELECT coalesce(max(version), 0)::text FROM casetrail.events WHERE stream = $1", [stream])[0][0] ?? "0") ?? 0
                guard found == (expected[stream] ?? 0) else { throw SQLError(message: stream, state: "casetrail-version:\(found)") }
                scan.streamVersions[stream] = found
            }
            let (lines, records): ([[UInt8]], [LogRecord])
            do { (lines, records) = try EventLog.encode(events.map(\.newEvent), after: scan, actor: actor, login: login, now: now) } catch {
                throw SQLError(message: error.description, state: "casetrail-encode")
            }
            try insert(lines, records, on: c)
            if let r = redaction {
                let stored: String? = try c.query("SELECT line FROM casetrail.events WHERE seq = $1", [String(r.seq)]).first?[0] ?? nil
                guard stored.map({ Array($0.utf8) }) == r.original else { throw SQLError(message: "moved on", state: "casetrail-moved:\(headSeq)") }
                try c.query("SELECT casetrail.redact_line($1, $2)", [String(r.seq), String(decoding: r.bytes, as: UTF8.self)])
            }
            try c.query("COMMIT")
            committed = true
            return Appended(records: records, quarantined: nil)
        } catch {
            if error.state.hasPrefix("casetrail-moved:") { throw .movedOn(decidedAt: position.seq, head: Int(error.state.dropFirst(16)) ?? 0) }
            if error.state.hasPrefix("casetrail-version:") {
                throw .versionConflict(stream: error.message, expected: expected[error.message] ?? 0, found: Int(error.state.dropFirst(18)) ?? 0)
            }
            if error.state == "casetrail-encode" { throw .database(error.message) }
            if error.state == "casetrail-head" {
                throw .integrity(path: location, problems: [LineProblem(line: position.seq + 1, problem: "the last line in the database does not match its own hash: it was changed after it was written")])
            }
            // Another writer's line got in first (the rules in the database caught it): decide again.
            if error.state == "40001" || error.state == "23505" { throw .movedOn(decidedAt: position.seq, head: position.seq + 1) }
            throw describe(error)
        }
    }

    /// The seq, hash and time a stored line gives, checked against its own hash; nil if it does not hold.
    private func stamp(_ line: String) -> LogPosition? {
        var bytes = Array(line.utf8)
        let (record, problem) = bytes.withUnsafeMutableBufferPointer { LogLine.decode(UnsafeBufferPointer($0)) }
        guard let r = record, problem == nil else { return nil }
        return LogPosition(seq: r.seq, hash: r.hash, offset: r.seq, recordedAt: r.recordedAt, streamVersions: StreamVersions())
    }

    public func identity() -> LogIdentity? { named?.identity }

    /// The log's identity and the database's name, read once a run (a first line is never replaced
    /// through the rules; one changed behind them fails every read's check anyway).
    private var named: (identity: LogIdentity, database: String)? {
        if let found = namedOnce { return found }
        guard let c = try? connection(),
              let row = (try? c.query("SELECT line, current_database()::text FROM casetrail.events WHERE seq = 1"))?.first,
              let line = row[0], let database = row[1], let id = LogIdentity(firstLine: Array(line.utf8)) else { return nil }
        namedOnce = (id, database)
        return namedOnce
    }
    private var namedOnce: (identity: LogIdentity, database: String)?

    // MARK: - Reading

    /// Streams the lines in seq order out of the database (`COPY … TO STDOUT`) into the same
    /// pipeline and checks a file's lines go through. A position is a seq here (its `offset` too).
    public func read(upTo limit: ReadLimit, after position: LogPosition?, hashesOf wanted: [Int], indexing: Bool = false,
                     visit: (LogRecord, DecodedEvent) -> String?) throws(StoreError) -> LogScan {
        let c = try connection()
        var replay = InOrder<DecodedEvent>(limit: limit, wanted: wanted)
        var from = 0
        do throws(SQLError) {
            // One snapshot of the database for the whole read, whoever commits meanwhile.
            try c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            if let stamp = position {
                let line = try c.query("SELECT line FROM casetrail.events WHERE seq = $1", [String(stamp.seq)]).first?[0] ?? nil
                guard wanted.allSatisfy({ $0 > stamp.seq }), let line, self.stamp(line) == stamp else { throw SQLError(message: "", state: "casetrail-snapshot") }
                replay.result.lines = stamp.seq
                replay.result.head = LogScan.Head(seq: stamp.seq, hash: stamp.hash, recordedAt: stamp.recordedAt)
                replay.result.streamVersions = stamp.streamVersions
                replay.result.resumedAfter = stamp.seq
                replay.chain = ChainCheck(expectedSeq: stamp.seq + 1, lastHash: Digest(hex: stamp.hash), lastRecordedAt: stamp.recordedAt)
                from = stamp.seq
            }
            try c.startCopyOut("COPY (SELECT line FROM casetrail.events WHERE seq > \(from) ORDER BY seq) TO STDOUT")
        } catch {
            _ = try? c.query("ROLLBACK")
            if error.state == "casetrail-snapshot" { throw .snapshotMismatch }
            throw describe(error)
        }
        defer { _ = try? c.query("COMMIT") }
        let rows = CopyRows(connection: c)
        let reader: ChunkReader
        do throws(IOError) {
            reader = try replay.consumeAll(ChunkReader(source: { buffer, _ throws(IOError) in try rows.fill(buffer) }, offset: 0, size: Int.max,
                                                       chunkSize: PostgresLog.chunkSize), decode: Event.decoded, visit: visit)
        } catch {
            throw rows.failure.map(describe) ?? .io(error)
        }
        if let failure = rows.failure { throw describe(failure) }
        if !replay.pending.isEmpty {
            // A batch marker that claims more lines than follow it: no write is ever torn in a database.
            let first = replay.result.lines + 1
            let needed = replay.pendingNeeded
            replay.takePending(visit: visit)
            replay.result.problems.append(LineProblem(line: first, problem: "the line says one command wrote \(needed) lines together, but the log ends before them"))
        }
        if !reader.carry.isEmpty {
            replay.result.problems.append(LineProblem(line: replay.result.lines + 1, problem: "the last row does not end as a line of the log does"))
        }
        replay.redactions.settle(into: &replay.result)
        replay.result.headOffset = replay.result.head?.seq ?? 0
        return replay.result
    }

    // MARK: - The database's own safeguards

    /// Checks that the triggers which enforce the rules are there, enabled and unchanged, and that no
    /// role holds UPDATE, DELETE or TRUNCATE on the log: the owner of the tables (or a superuser) can
    /// switch them off, and lines added meanwhile would escape the server's identity check.
    public func safeguardProblems() -> [String] {
        guard let c = try? connection() else { return ["the database could not be asked about its safeguards"] }
        var problems: [String] = []
        let expected = [("casetrail.events", "check_new_line"), ("casetrail.events", "refuse_change"), ("casetrail.events", "refuse_truncate"),
                        ("casetrail.log", "refuse_change"), ("casetrail.log", "refuse_truncate")]
        let found = (try? c.query("SELECT tgrelid::regclass::text, tgname::text, tgenabled::text FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN ('casetrail.events'::regclass, 'casetrail.log'::regclass)")) ?? []
        for (table, name) in expected {
            guard let row = found.first(where: { $0[0] == table && $0[1] == name }) else {
                problems.append("the trigger \(name) on \(table) is missing, so the database no longer enforces the log's rules; restore it from the schema, then verify again")
                continue
            }
            if row[2] != "O" && row[2] != "A" {
                problems.append("the trigger \(name) on \(table) is disabled, so lines could have been added or changed behind the rules; enable it (ALTER TABLE \(table) ENABLE TRIGGER \(name))")
            }
        }
        for (name, body) in PostgresSchema.functionBodies {
            let stored = (try? c.query("SELECT encode(sha256(convert_to(prosrc, 'UTF8')), 'hex') FROM pg_proc WHERE oid = to_regprocedure($1)", [name]))?.first?[0] ?? nil
            if stored != SpreadsheetCSV.sha256(Array(body.utf8)) {
                problems.append("the function \(name) is \(stored == nil ? "missing" : "not the one casetrail created"), so the log's rules may not be enforced")
            }
        }
        // From the catalogue, which every role may read (information_schema shows a role only its own grants).
        let grants = (try? c.query("""
            SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END, a.privilege_type::text, cl.relname::text
            FROM pg_class cl, aclexplode(cl.relacl) a
            WHERE cl.relnamespace = 'casetrail'::regnamespace AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') ORDER BY 1, 3, 2
            """)) ?? []
        for g in grants {
            let role = g[0] ?? "", what = g[1] ?? "", table = g[2] ?? ""
            problems.append("the role \(role) holds \(what) on casetrail.\(table), so it may change committed lines; revoke it (REVOKE \(what) ON casetrail.\(table) FROM \(role == "PUBLIC" ? role : "\"\(role)\"")))")
        }
        return problems
    }

    // MARK: - Copying a log in and out

    public func exportLines(count: Int, _ sink: ([UInt8]) throws(StoreError) -> Void) throws(StoreError) {
        let c = try connection()
        do throws(SQLError) {
            try c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try c.startCopyOut("COPY (SELECT line FROM casetrail.events WHERE seq <= \(count) ORDER BY seq) TO STDOUT")
        } catch {
            _ = try? c.query("ROLLBACK")
            throw describe(error)
        }
        defer { _ = try? c.query("COMMIT") }
        var chunk: [UInt8] = []
        var lines = 0
        var failure: StoreError?
        do throws(SQLError) {
            while try c.nextCopyRow({ row in CopyRows.unescape(row, into: &chunk) }) {
                lines += 1
                if chunk.count >= PostgresLog.chunkSize, failure == nil {
                    do { try sink(chunk) } catch { failure = error }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
        } catch { throw describe(error) }
        if let failure { throw failure }
        if !chunk.isEmpty { try sink(chunk) }
        guard lines == count else { throw .movedOn(decidedAt: count, head: lines) }
    }

    /// Creates the schema and copies the lines in with `COPY … FROM STDIN`, in one transaction, as the
    /// owner: the rules in the database check every line's seq, links and versions; only its actor is
    /// taken as the copied log says (`casetrail.copying`, honoured for the owner alone).
    public func importLines(_ source: (([UInt8]) throws(StoreError) -> Void) throws(StoreError) -> Void) throws(StoreError) {
        let c = try connection()
        do throws(SQLError) {
            try checkEmptyDatabase(c)
            try c.query("BEGIN")
        } catch { throw describeCreating(error) }
        var committed = false
        defer { if !committed { _ = try? c.query("ROLLBACK") } }
        var failure: StoreError?
        do throws(SQLError) {
            try c.query(PostgresSchema.create)
            try c.query("SET LOCAL casetrail.copying = 'on'")
            try c.startCopyIn("COPY casetrail.events (seq, stream, version, actor, hash, line) FROM STDIN")
            do throws(StoreError) {
                try source { chunk throws(StoreError) in
                    var rows: [UInt8] = []
                    rows.reserveCapacity(chunk.count + chunk.count / 4)
                    var start = 0
                    while let end = chunk[start...].firstIndex(of: 0x0A) {
                        let line = chunk[start..<end]
                        let record = line.withUnsafeBufferPointer { LogLine.decode($0).record }
                        guard let r = record else { throw .integrity(path: location, problems: [LineProblem(line: 0, problem: "a copied line could not be read")]) }
                        CopyRows.escapeRow([String(r.seq), r.stream, String(r.version), r.actor, r.hash], line: line, into: &rows)
                        start = end + 1
                    }
                    do throws(SQLError) { try c.putCopy(rows) } catch { throw describe(error) }
                }
            } catch {
                failure = error
            }
            try c.endCopyIn(abandoning: failure != nil)
            if failure != nil { throw SQLError(message: "stopped", state: "casetrail-stopped") }
            try c.query("COMMIT")
            committed = true
        } catch {
            throw failure ?? describeCreating(error)
        }
    }

    /// A refusal while creating the log (`init`, `copy-log --to`): most often, not the database's owner.
    func describeCreating(_ e: SQLError) -> StoreError {
        guard e.state == "42501" else { return describe(e) }
        return .database("the database refused to let this role create the log (\(e.message)). Create it as the role that owns the database "
            + "(CREATE DATABASE … OWNER that role), which becomes the log's first admin.")
    }

    /// Refuses a database that is not UTF-8 or already holds a casetrail log.
    private func checkEmptyDatabase(_ c: PGConnection) throws(SQLError) {
        let encoding = try c.query("SHOW server_encoding")[0][0] ?? ""
        guard encoding == "UTF8" else {
            throw SQLError(message: "the database \(location) stores text as \(encoding), but a casetrail log needs UTF8; create the database with ENCODING 'UTF8' TEMPLATE template0", state: "casetrail-encoding")
        }
        if try c.query("SELECT to_regnamespace('casetrail')::text")[0][0] != nil { throw SQLError(message: "", state: "casetrail-exists") }
    }

    // MARK: - Snapshots, kept in this user's cache folder

    private var snapshotFile: SnapshotFile? {
        guard let snapshotFolder, let (id, database) = named else { return nil }
        // Named by the database and by what it holds (its partnership and first line); only letters, digits, - and _ in the name.
        let safe = String(database.unicodeScalars.map { $0.properties.isASCIIHexDigit || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "_" || $0 == "-" ? Character($0) : "_" })
        return SnapshotFile(path: snapshotFolder + "/\(id.code)-\(safe)-\(id.genesis.prefix(32)).snapshot", ownerUID: geteuid(), mode: 0o600)
    }

    public func loadSnapshot(damage: SnapshotDamage) -> Snapshot? { snapshotFile?.load(damage: damage) }

    public func saveSnapshot(_ state: State, at position: LogPosition) throws {
        guard let snapshotFolder, let file = snapshotFile else { return }
        try makeDirectories(snapshotFolder)
        try file.save(state, at: position, prefixDigest: nil)
    }

    public func discardSnapshot() { snapshotFile?.discard() }

    public var snapshotLocation: String { snapshotFile?.path ?? "the snapshot in this user's cache folder" }
}

/// The rows of a running `COPY … TO STDOUT`, unescaped from its text format back into the exact
/// bytes of each line, handed out as a byte stream.
final class CopyRows: @unchecked Sendable {
    private let connection: PGConnection
    private var pending: [UInt8] = []
    private var taken = 0
    private var ended = false
    /// What the server said if the copy failed part-way.
    private(set) var failure: SQLError?

    init(connection: PGConnection) { self.connection = connection }

    /// Fills `buffer` with the next bytes of the stream; 0 at its end.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        var written = 0
        while written < buffer.count {
            if taken == pending.count {
                if ended { break }
                pending.removeAll(keepingCapacity: true)
                taken = 0
                do {
                    if try !connection.nextCopyRow({ row in CopyRows.unescape(row, into: &pending) }) { ended = true }
                } catch {
                    failure = error
                    throw IOError(operation: "read the log from", path: "the database", code: EIO)
                }
                continue
            }
            let n = min(buffer.count - written, pending.count - taken)
            pending.withUnsafeBytes { src in
                buffer.baseAddress!.advanced(by: written).copyMemory(from: src.baseAddress!.advanced(by: taken), byteCount: n)
            }
            written += n
            taken += n
        }
        return written
    }

    /// One row of COPY's text format: the values, then the line, tab-separated, each escaped.
    static func escapeRow(_ values: [String], line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        func escape<C: Collection>(_ bytes: C) where C.Element == UInt8 {
            for b in bytes {
                switch b {
                case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default: out.append(b)
                }
            }
        }
        for v in values { escape(v.utf8); out.append(0x09) }
        escape(line)
        out.append(0x0A)
    }

    /// COPY's text format writes a backslash as `\\` and control characters as `\n`, `\t` and the
    /// like (never octal or hex on output); everything else is as stored.
    static func unescape(_ row: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        guard let base = row.baseAddress else { return }
        var start = 0
        while start < row.count {
            guard let found = memchr(base + start, Int32(UInt8(ascii: "\\")), row.count - start) else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: row[start...]))
                return
            }
            let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            out.append(contentsOf: UnsafeBufferPointer(rebasing: row[start..<at]))
            guard at + 1 < row.count else { out.append(row[at]); return }
            switch row[at + 1] {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case let other: out.append(other)
            }
            start = at + 2
        }
    }
}
