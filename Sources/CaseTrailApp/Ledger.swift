import CaseTrailCore
import CaseTrailStore

/// Joins the pure core to a log: replays its records into `State`, and records decided commands.
/// One ledger serves one run of the program.
public final class Ledger {
    public let store: any LogStore
    public var policy: SnapshotPolicy
    /// Whether replayed states are left for the process exit to reclaim instead of being freed
    /// object by object (a large log's state takes a while to free).
    public var keepsStatesUntilExit = false
    /// This run's moment, from the machine's clock: lines recorded more than a day after it are not
    /// believed (`verify` reports them; nothing is recorded after them). Nil: not checked.
    public var now: Timestamp?
    /// This user's record of how far each log had reached (nil: not kept), to catch a log rolled back or rewritten.
    public var witness: WitnessFile?
    /// Called between deciding a command and appending it: tests use it to move the log on in between.
    var beforeAppend: (() -> Void)?
    /// How many times a command is decided again when the log moved on before it could be appended.
    static let attempts = 20

    /// Raised when a snapshot row cannot be read; whatever was worked out from it is worked out again from the log.
    private let damage = SnapshotDamage()
    private var damageHandled = false
    /// Set once the snapshot proved unreadable: the rest of the run reads the log from the start.
    private var snapshotUnreadable = false
    /// The snapshot the last load resumed from, if it did.
    private(set) var resumedFrom: Snapshot?

    public init(store: any LogStore, policy: SnapshotPolicy = SnapshotPolicy()) {
        self.store = store
        self.policy = policy
    }

    /// State after the events within `limit`, plus the scan. Integrity problems are thrown: a query
    /// must not answer from a log it cannot trust. Without `each`, a valid snapshot is resumed from.
    public func load(upTo limit: ReadLimit = .all, each: ((LogRecord, Event) -> Void)? = nil) throws -> (State, LogScan) {
        try load(upTo: limit, each: each, refreshingSnapshot: true)
    }

    /// The state as things stood on `day` by the dates the facts carry, of the events within `limit`
    /// (every line checked as `load` checks it), plus the scan; never from a snapshot, which holds
    /// every fact whatever its date.
    public func load(upTo limit: ReadLimit = .all, onDate day: LocalDate, each: ((LogRecord, Event) -> Void)? = nil) throws -> (State, LogScan) {
        resumedFrom = nil
        var (replay, scan) = try replayAll(upTo: limit, hashesOf: witnessed, onDate: day, resuming: usableSnapshot(within: limit) != nil, each: each)
        scan.problems += witnessProblems(scan)
        if !scan.problems.isEmpty { throw StoreError.integrity(path: store.location, problems: scan.problems) }
        if limit == .all { remember(scan) }
        return (replay.dated, scan)
    }

    /// As `load(upTo:each:)` for a query that needs, of the lines before a snapshot, only those
    /// `selection` names: they come from the store's index of them and the state from the snapshot.
    /// `each` then sees those lines and every later one, in order; without an index and snapshot
    /// that agree with the log, every line.
    public func load(upTo limit: ReadLimit = .all, selecting selection: LineSelection, each: @escaping (LogRecord, Event) -> Void) throws -> (State, LogScan) {
        try load(upTo: limit, each: each, refreshingSnapshot: true, selection: selection)
    }

    /// The state within `limit` (as things stood on `day`, when given) and the checkpoint of its lines
    /// (their head and Merkle root); `each` sees every event, or with `selection` those it names before
    /// the snapshot and every one after. Without `day`, and without `each` or with `selection`, from the
    /// snapshot and the tree its line index kept there, then the lines after it; else from every line.
    /// No checkpoint when nothing is within `limit`.
    public func loadPinned(upTo limit: ReadLimit = .all, onDate day: LocalDate? = nil, selecting selection: LineSelection? = nil,
                           each: ((LogRecord, Event) -> Void)? = nil) throws -> (State, LogScan, Checkpoint?) {
        var kept: Merkle.Builder?
        var tree: Merkle.Builder?
        var head: (seq: Int, hash: String)?
        let fold: (LogRecord, Event) -> Void = { record, event in
            // The kept tree counts only if these are the lines after the snapshot, not every line read again.
            if tree == nil { tree = self.resumedFrom == nil ? Merkle.Builder() : kept }
            each?(record, event)
            // Lines up to the snapshot, selected from its index, are in the kept tree already.
            if let snapshot = self.resumedFrom, record.seq <= snapshot.position.seq { return }
            // A line of several events is one leaf.
            guard record.seq != head?.seq else { return }
            if let d = record.digest { tree?.append(line: d) }
            head = (record.seq, record.hash)
        }
        let (state, scan): (State, LogScan)
        if let day {
            (state, scan) = try load(upTo: limit, onDate: day, each: fold)
        } else if each != nil, selection == nil {
            (state, scan) = try load(upTo: limit, each: fold)
        } else {
            (state, scan) = try load(upTo: limit, each: fold, refreshingSnapshot: true, selection: selection ?? LineSelection(streams: []), atSnapshot: { position in
                kept = self.store.merkleTree(through: position)
                return kept != nil
            })
        }
        if head == nil, let snapshot = resumedFrom {
            (tree, head) = (kept, (snapshot.position.seq, snapshot.position.hash))
        }
        guard let partnership = state.partnership, let head, let tree else { return (state, scan, nil) }
        return (state, scan, Checkpoint(code: partnership.code, seq: head.seq, hash: head.hash, root: tree.root?.hex))
    }

    private func load(upTo limit: ReadLimit, each: ((LogRecord, Event) -> Void)?, refreshingSnapshot: Bool,
                      selection: LineSelection? = nil, atSnapshot: ((LogPosition) -> Bool)? = nil) throws -> (State, LogScan) {
        resumedFrom = nil
        if each == nil || selection != nil, let found = usableSnapshot(within: limit),
           let before = each == nil ? [] : selection.flatMap({ store.selectedLines($0, through: found.position) }),
           atSnapshot?(found.position) ?? true {
            do {
                var after: [(LogRecord, Event)] = []
                // The state is changed in place: copying it would copy every table in it.
                var replay = Replay(found.state)
                replay.decidedThrough = witnessedBefore?.seq ?? 0
                // Lines up to the snapshot's were checked against the witness when it was taken.
                let asked = witnessed.filter { $0 > found.position.seq }
                var redactedBefore = false
                var scan = try store.read(upTo: limit, after: found.position, hashesOf: asked, indexing: refreshingSnapshot && limit == .all) { record, decoded in
                    // A line the snapshot was taken after has since been redacted: the snapshot still holds its text.
                    if case let .success(.lineRedacted(seq, _, _, _, _, _, _)) = decoded, seq <= found.position.seq { redactedBefore = true }
                    if each != nil, case .success(let event) = decoded { after.append((record, event)) }
                    return replay.take(record, decoded)
                }
                replay.finish()
                if redactedBefore {
                    store.discardSnapshot()
                } else if !replay.voidsFound.isEmpty {
                    // A line voided since: the state without it is worked out from the whole log below.
                } else if !snapshotWasDamaged() {
                    if witnessedBefore.map({ $0.seq > found.position.seq }) ?? false { scan.problems += witnessProblems(scan) }
                    if !scan.problems.isEmpty { throw StoreError.integrity(path: store.location, problems: scan.problems) }
                    if limit == .all { remember(scan) }
                    resumedFrom = found
                    if refreshingSnapshot, limit == .all, policy.isStale(snapshotAt: found.position.seq, head: scan.head?.seq ?? 0) {
                        saveSnapshot(replay.state, scan)
                    }
                    if let each { for (record, event) in before + after { each(record, event) } }
                    return (replay.state, scan)
                }
            } catch StoreError.snapshotMismatch {
                // The log no longer has the snapshot's line: replay everything, and write a fresh snapshot.
            }
        }
        let snapshotting = refreshingSnapshot && each == nil && limit == .all && policy.minimumEvents != nil
        var (replay, scan) = try replayAll(upTo: limit, hashesOf: witnessed, indexing: snapshotting, each: each)
        scan.problems += witnessProblems(scan)
        if !scan.problems.isEmpty { throw StoreError.integrity(path: store.location, problems: scan.problems) }
        if limit == .all { remember(scan) }
        // Queries that walk every event (history, show) leave an existing snapshot alone, and so does recording.
        if refreshingSnapshot, each == nil, limit == .all, policy.isWorthKeeping(head: scan.head?.seq ?? 0) { saveSnapshot(replay.state, scan) }
        return (replay.state, scan)
    }

    /// Replays the log from its first line within `limit`, every line decided again (but those this
    /// user's casetrail saw before). A log in which single facts were voided (`void seq:N`) is read a
    /// second time once they are known, so each is taken away at its void and the lines after it are
    /// decided on the state without it, as they were recorded. `each` sees every event once.
    /// With `onDate` and `resuming`, the state lines are decided on is kept only from the snapshot's line on, where
    /// the snapshot's takes over (half the work and memory); read again keeping it throughout if that fails.
    func replayAll(upTo limit: ReadLimit, hashesOf wanted: [Int], captureAt: Int? = nil, latestBelievable: Timestamp? = nil,
                   decidingEveryLine: Bool = false, onDate: LocalDate? = nil, resuming: Bool = false, indexing: Bool = false,
                   each: ((LogRecord, Event) -> Void)?) throws(StoreError) -> (Replay, LogScan) {
        func fresh() -> Replay {
            var replay = Replay(Partnership.initialState)
            // What this user's casetrail saw before is not decided again: if the line it saw last is not
            // the same now, the witness check fails the command anyway.
            replay.decidedThrough = decidingEveryLine ? 0 : witnessedBefore?.seq ?? 0
            replay.captureAt = captureAt
            replay.latestBelievable = latestBelievable
            replay.onDate = onDate
            // Lines average some 400 bytes; room made for what a log of this size holds.
            replay.state.reserveCapacity(forEvents: store.byteCount / 400)
            return replay
        }
        var replay = fresh()
        if onDate != nil, resuming, !decidingEveryLine {
            // Not bound to a name, so the replay holds the only reference and changes the state in place.
            replay.resume = usableSnapshot(within: limit).map { ($0.position.seq, $0.position.hash, $0.state) }
        }
        let scan = try store.read(upTo: limit, after: nil, hashesOf: wanted, indexing: indexing) { record, decoded in
            if case .success(let event) = decoded { each?(record, event) }
            return replay.take(record, decoded)
        }
        replay.finish()
        if replay.lacksWholeState || (replay.resumedFromSnapshot && snapshotWasDamaged()) {
            // `each` has seen every line already; a torn line after them is still this read's to report.
            let (whole, again) = try replayAll(upTo: .seq(replay.lastSeq), hashesOf: wanted, latestBelievable: latestBelievable, onDate: onDate, each: nil)
            var rescan = again
            rescan.torn = again.torn ?? scan.torn
            return (whole, rescan)
        }
        guard !replay.voidsFound.isEmpty else { return (replay, scan) }
        var again = fresh()
        again.voidedAhead = replay.voidsFound
        // No further than the first read went, whatever was appended since.
        let seen = replay.lastSeq
        let rescan = try store.read(upTo: .seq(seen), after: nil, hashesOf: wanted, indexing: false) { record, decoded in again.take(record, decoded) }
        again.finish()
        return (again, rescan)
    }

    /// The snapshot, if policy allows one, it covers `limit`, and it can be read.
    private func usableSnapshot(within limit: ReadLimit) -> Snapshot? {
        guard !snapshotUnreadable, let minimum = policy.minimumEvents, let found = store.loadSnapshot(damage: damage),
              found.position.seq >= minimum, limit.covers(found.position) else { return nil }
        return found
    }

    /// Whether a snapshot row proved unreadable since this was last asked; if so the snapshot is
    /// removed and the rest of the run reads the log from the start. A query that used the state
    /// it loaded must be answered again when this is true.
    public func snapshotWasDamaged() -> Bool {
        guard damage.isRaised, !damageHandled else { return false }
        damageHandled = true
        snapshotUnreadable = true
        store.discardSnapshot()
        return true
    }

    /// Caches the state beside the log; a failure only costs the next query a full replay.
    private func saveSnapshot(_ state: State, _ scan: LogScan) {
        guard scan.head != nil else { return }
        try? store.saveSnapshot(state, at: scan.position)
    }

    /// Decides `command` on the log as it is and appends the result, if the log has not moved on
    /// since the decision: the versions the decision was made on are the ones the append expects.
    /// When another command got in first, this one is decided again on the log as it now is.
    public func record(_ command: Command, actor: String, login: String? = nil, today: LocalDate, now: Timestamp, again: Bool = false) throws -> Appended {
        try record([command], actor: actor, login: login, today: today, now: now, again: again)
    }

    /// As `record`, for several commands that stand or fall together (an import): each decided on the
    /// state the ones before it leave, all their events appended as one batch, or none.
    /// `again` records what looks like a slip (the same entry twice) because it is meant.
    public func record(_ commands: [Command], actor: String, login: String? = nil, today: LocalDate, now: Timestamp, again: Bool = false) throws -> Appended {
        try record(commands, actor: actor, login: login, today: today, now: now, again: again, redacting: nil)
    }

    /// Takes the text of `fields` (every free-text field, when nil) out of line `seq`, by the one
    /// sanctioned change to a committed line: the line reads `[redacted]` there, keeps its hash, and a
    /// `line_redacted` event vouches for its new bytes. The snapshot, which held the text, is rebuilt.
    public func redact(seq: Int, fields: [String]?, reason: String, on: LocalDate?, actor: String, login: String? = nil,
                       today: LocalDate, now: Timestamp) throws -> (Appended, RedactedLine) {
        let redaction = try LogLine.redacting(try storedLine(seq), fields: fields)
        let command = Command.correction(.redact(seq: seq, stream: redaction.stream, fields: redaction.fields, reason: reason, on: on,
                                                 originalHash: redaction.originalHash, sha256: redaction.sha256))
        let appended = try record([command], actor: actor, login: login, today: today, now: now, again: false, redacting: redaction)
        store.discardSnapshot()
        resumedFrom = nil
        _ = try? load()
        return (appended, redaction)
    }

    /// Voids one fact, line `seq`, entered in error (`void seq:N`): an update, a revised date, a
    /// sign-off or its refusal, a milestone or a decision. From then on every answer is as if it had
    /// never been recorded; the line stays in the log and in `history`, marked.
    public func voidLine(seq: Int, reason: String, on: LocalDate?, actor: String, login: String? = nil, today: LocalDate, now: Timestamp) throws -> Appended {
        let (event, found) = try fact(at: seq)
        guard let fact = found else {
            throw DomainError("Line \(seq) is not a fact that can be voided on its own: only an update, a revised due date, a sign-off or its refusal, "
                + "a milestone or a decision can. Void the review, recommendation or action it belongs to ('casetrail void REF'), or correct it ('casetrail action correct', 'casetrail review correct').")
        }
        return try record(.correction(.voidEvent(seq: seq, stream: event.stream, fact: fact, reason: reason, on: on)), actor: actor, login: login, today: today, now: now)
    }

    /// Puts right the date of one update or sign-off of `action`, line `seq` (`action correct --line seq:N`):
    /// from then on every answer is as if it had been recorded with `date`.
    /// `stage` is the sign-off stage the line must be of, nil for an update.
    public func redateLine(seq: Int, action: String, stage: SignOffStage?, date: LocalDate, reason: String, on: LocalDate?, actor: String, login: String? = nil,
                           today: LocalDate, now: Timestamp) throws -> Appended {
        let (event, found) = try fact(at: seq)
        let what = stage.map { "\($0 == .executive ? "an" : "a") \($0.rawValue) sign-off" } ?? "an update"
        guard let fact = found, fact.subject == action,
              stage == nil ? fact.kind == .update : (fact.kind == .actionSignOff || fact.kind == .signOffRefusal) && fact.detail == stage?.rawValue else {
            throw DomainError("Line \(seq) is not \(what) of \(action); 'casetrail history \(action)' shows its lines and their seq.")
        }
        return try record(.correction(.redateEvent(seq: seq, stream: event.stream, fact: fact, date: date, reason: reason, on: on)),
                          actor: actor, login: login, today: today, now: now)
    }

    /// The fact line `seq` holds, and what voiding or redating it would concern.
    private func fact(at seq: Int) throws -> (Event, VoidableFact?) {
        guard let event = LogLine.event(of: try storedLine(seq)) else { throw DomainError("Line \(seq) cannot be read as a fact; run 'casetrail verify'.") }
        return (event, event.voidable)
    }

    /// Line `seq` exactly as stored, once the whole log has been checked.
    private func storedLine(_ seq: Int) throws -> [UInt8] {
        let (_, scan) = try load(upTo: .all, each: nil, refreshingSnapshot: false)
        let head = scan.head?.seq ?? 0
        guard (1...max(1, head)).contains(seq), let bytes = try store.line(seq: seq) else {
            throw DomainError("The log has no line \(seq): it runs from seq 1 to seq \(head). 'casetrail history' shows each line's seq.")
        }
        return bytes
    }

    private func record(_ commands: [Command], actor: String, login: String?, today: LocalDate, now: Timestamp, again: Bool,
                        redacting redaction: RedactedLine?) throws -> Appended {
        for _ in 0..<Ledger.attempts {
            let (state, scan) = try load(upTo: .all, each: nil, refreshingSnapshot: false)
            if keepsStatesUntilExit { KeptUntilExit.keep(state) }
            // Lines before a snapshot are not read again; on a log others can write, a write first makes
            // sure none of them changed since (any change to them, else, only `verify` would see). If one
            // did, the whole log is read, and its check names the line.
            if let snapshot = resumedFrom, store.othersCanWrite,
               snapshot.prefixDigest == nil || store.prefixDigest(length: snapshot.position.offset) != snapshot.prefixDigest {
                snapshotUnreadable = true
                continue
            }
            if let head = scan.head, let latest = latestBelievable, head.recordedAt > latest {
                // Every later line would be stamped no earlier than this one.
                throw StoreError.integrity(path: store.location, problems: [LineProblem(line: scan.lines, problem:
                    "recorded_at \(head.recordedAt) is more than a day after this machine's clock (\(now)), so nothing more is recorded after it; check the clock, then run 'casetrail verify'")])
            }
            var events: [Event] = []
            do {
                var decidedOn = state
                for (i, command) in commands.enumerated() {
                    let decided = try Partnership.decide(Request(actor: actor, login: login, today: today, command: command, again: again), decidedOn)
                    events += decided
                    if i < commands.count - 1 { for e in decided { Partnership.apply(e, to: &decidedOn) } }
                }
            } catch {
                if snapshotWasDamaged() { continue }
                throw error
            }
            if snapshotWasDamaged() { continue }
            if events.isEmpty { return .nothing }
            var expected: [String: Int] = [:]
            for e in events where expected[e.stream] == nil { expected[e.stream] = scan.streamVersions[e.stream] ?? 0 }
            beforeAppend?()
            let result = Result { () throws(StoreError) in
                if let redaction {
                    return try store.redact(redaction, events: events, actor: actor, login: login, now: now, after: scan.position, expected: expected)
                }
                return try store.append(events, actor: actor, login: login, now: now, after: scan.position, expected: expected)
            }
            if case .failure(let error) = result, error.isConflict { continue }
            var appended = try result.get()
            appended.events = events
            if let last = appended.records.last { remember(seq: last.seq, hash: last.hash, now: now) }
            return appended
        }
        throw LedgerError.busy(attempts: Ledger.attempts)
    }

    /// A day after `now`: the latest time a line may believably have been recorded.
    var latestBelievable: Timestamp? { now?.adding(milliseconds: 86_400_000) }

    /// Creates a new log holding the partnership's first events.
    public func create(name: String, code: String, adminName: String?, actor: String, login: String? = nil, today: LocalDate, now: Timestamp,
                       sharedGroup: Bool) throws -> [LogRecord] {
        let events = try Partnership.decide(Request(actor: actor, today: today, command: .initialise(name: name, code: code, adminName: adminName)),
                                            Partnership.initialState)
        let records = try store.create(events, actor: actor, login: login, now: now, sharedGroup: sharedGroup)
        if let first = records.first, let last = records.last {
            identity = LogIdentity(code: code, genesis: first.hash)
            remember(seq: last.seq, hash: last.hash, now: now)
        }
        return records
    }

    // MARK: - The witness

    /// Where the log is, as the witness names places (an absolute path); the store's location if not set.
    public var witnessLocation: String?
    private var place: String { witnessLocation ?? store.location }
    /// The log's name for the witness, read once a run.
    private lazy var identity: LogIdentity? = witness == nil ? nil : store.identity()
    /// What this user's casetrail had seen of the log when this run began (or since, in this run).
    public private(set) lazy var witnessedBefore: Witnessed? = identity.flatMap { witness?.entry(for: $0) }
    /// The log this user's casetrail saw at this place before, when it is not this one (or this one has no first line).
    private lazy var replacedHere: (LogIdentity, Witnessed)? = {
        guard let found = witness?.entry(at: place), found.0 != identity else { return nil }
        return found
    }()
    /// The lines whose hashes the witness wants to compare.
    var witnessed: [Int] { witnessedBefore.map { [$0.seq] } ?? [] }

    /// How the log as scanned stands against what this user saw of it before.
    func witnessProblems(_ scan: LogScan) -> [LineProblem] {
        let restoredOnPurpose = "If you restored an older copy on purpose, run 'casetrail witness forget'."
        if let (other, seen) = replacedHere, witnessedBefore == nil {
            let now = identity == nil ? "has no first line now" : "now begins with another first line"
            return [LineProblem(line: 1, problem: "this is not the log this user's casetrail saw here on \(seen.seenAt) (\(possessive(other.code)), at seq \(seen.seq)): it \(now), so it was emptied or replaced. If you replaced it on purpose, run 'casetrail witness forget'.")]
        }
        guard let seen = witnessedBefore else { return [] }
        let head = scan.head?.seq ?? 0
        if let torn = scan.torn, torn.line <= seen.seq {
            return [LineProblem(line: torn.line, problem: "line \(torn.line) was complete when this user's casetrail saw the log reach seq \(seen.seq) on \(seen.seenAt), but now lacks its final newline: the log was cut after it was written. Restore it from a good copy.")]
        }
        if head < seen.seq {
            return [LineProblem(line: head + 1, problem: "the log ends at seq \(head), but this user's casetrail saw it reach seq \(seen.seq) on \(seen.seenAt): lines were removed, or the log was replaced by an older copy. \(restoredOnPurpose)")]
        }
        if let hash = scan.requestedHashes[seen.seq], hash != seen.hash {
            return [LineProblem(line: seen.seq, problem: "line \(seen.seq) is not the line this user's casetrail saw there on \(seen.seenAt) (its hash differs): the log up to it has been rewritten. \(restoredOnPurpose)")]
        }
        return []
    }

    /// Only after a read of the whole log: lines past an `--as-of` limit are chained but not decided
    /// again, so the witness must not vouch for them.
    func remember(_ scan: LogScan) {
        guard let head = scan.head else { return }
        remember(seq: head.seq, hash: head.hash, now: now)
    }

    /// Notes how far the log has been seen to reach (best effort: the log itself is never at risk).
    private func remember(seq: Int, hash: String, now: Timestamp?) {
        guard let witness, let identity, let now, seq > (witnessedBefore?.seq ?? 0) || witnessedBefore?.location != place else { return }
        let seen = Witnessed(seq: seq, hash: hash, seenAt: now, location: place)
        try? witness.record(seen, for: identity)
        witnessedBefore = seen
    }

    /// Forgets what this user saw of the log, after restoring an older copy of it on purpose.
    public func forgetWitness() throws -> Witnessed? {
        guard let witness else { return nil }
        let before = witnessedBefore ?? replacedHere?.1
        try witness.forget(identity, at: place)
        witnessedBefore = nil
        replacedHere = nil
        return before
    }
}

/// Why the ledger could not record a command, beyond the rules and the store.
public enum LedgerError: Error, Equatable, CustomStringConvertible {
    case busy(attempts: Int)

    public var description: String {
        switch self {
        case .busy(let n):
            return "other commands kept being recorded while this one was being decided (\(n) tries); nothing was written. Run the command again."
        }
    }
}

/// When a log keeps a snapshot beside it, and when the snapshot is rewritten.
public struct SnapshotPolicy: Sendable {
    /// Snapshots are used once the log has this many events (nil: never). Below it every command
    /// replays and re-hashes the whole log, so even a snapshot's prefix is always checked.
    public var minimumEvents: Int?
    /// The fewest events a snapshot falls behind before it is rewritten (tests lower it to see every rewrite).
    public var minimumGrowth: Int

    public init(minimumEvents: Int? = 20_000, minimumGrowth: Int = 5_000) {
        self.minimumEvents = minimumEvents
        self.minimumGrowth = minimumGrowth
    }

    /// From `CASETRAIL_SNAPSHOT_MIN_EVENTS`: a number of events, or `off`; anything else keeps the default.
    public init(environment value: String?) {
        self.init()
        guard let value else { return }
        minimumEvents = value == "off" ? nil : Int(value).map { max(1, $0) } ?? minimumEvents
    }

    func isWorthKeeping(head: Int) -> Bool { minimumEvents.map { head >= $0 } ?? false }

    /// A snapshot is rewritten once the log has grown past it by a twentieth (at least `minimumGrowth` events).
    func isStale(snapshotAt seq: Int, head: Int) -> Bool { head - seq > max(minimumGrowth, seq / 20) }
}

/// States kept alive until the process exits, so they are not freed piece by piece.
public enum KeptUntilExit {
    nonisolated(unsafe) private static var kept: [State] = []
    public static func keep(_ state: State) { kept.append(state) }
}
