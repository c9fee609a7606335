import CaseTrailCore
import CaseTrailStore

/// Joins the pure core to the log: replays records into `State`, and records a decided command.
struct Ledger {
    let log: EventLog

    /// The typed event of a stored record, read from its payload's bytes, or why it cannot be replayed.
    static func event(of record: LogRecord, payload: IndexedJSON) -> Result<Event, EventDecodingError> {
        Result { () throws(EventDecodingError) in try Event.decode(type: record.type, schema: record.schema, json: payload) }
    }

    /// Snapshots are used once the log has this many events (nil: never). Below it every command
    /// replays and re-hashes the whole log, so even a snapshot's prefix is always checked.
    var snapshotMinimum: Int? = 20_000

    /// The state a snapshot holds, if one exists, covers `limit`, and can be read.
    private func snapshot(within limit: ReadLimit) -> (stamp: SnapshotStamp, state: State)? {
        guard let minimum = snapshotMinimum, let (stamp, bytes, payload) = log.loadSnapshot(), stamp.seq >= minimum,
              limit.covers(stamp), let state = try? State(snapshotBytes: bytes, in: payload) else { return nil }
        return (stamp, state)
    }

    /// State after the events within `limit`, plus the scan. Integrity problems are thrown: a query
    /// must not answer from a log it cannot trust. Without `each`, a valid snapshot is resumed from.
    func load(upTo limit: ReadLimit = .all, each: ((LogRecord, Event) -> Void)? = nil) throws -> (State, LogScan) {
        if each == nil, var found = snapshot(within: limit) {
            do {
                // `found.state` is changed in place: copying it first would copy every table in it.
                let scan = try log.read(upTo: limit, resumingAfter: found.stamp, decode: Ledger.event(of:payload:)) { _, decoded in
                    Ledger.replay(decoded, into: &found.state)
                }
                if !scan.problems.isEmpty { throw StoreError.integrity(path: log.path, problems: scan.problems) }
                let tail = (scan.head?.seq ?? 0) - found.stamp.seq
                if limit == .all, tail > max(5_000, found.stamp.seq / 20) { saveSnapshot(found.state, scan) }
                return (found.state, scan)
            } catch StoreError.snapshotMismatch {
                // Fall through: replay everything and write a fresh snapshot.
            }
        }
        var state = Partnership.initialState
        // Lines average some 400 bytes; room made for what a log of this size holds.
        state.reserveCapacity(forEvents: (log.byteCount ?? 0) / 400)
        let scan = try log.read(upTo: limit, decode: Ledger.event(of:payload:)) { record, decoded in
            if case .success(let event) = decoded { each?(record, event) }
            return Ledger.replay(decoded, into: &state)
        }
        if !scan.problems.isEmpty { throw StoreError.integrity(path: log.path, problems: scan.problems) }
        // Queries that walk every event (history, show) leave an existing snapshot alone.
        if each == nil, limit == .all, let minimum = snapshotMinimum, (scan.head?.seq ?? 0) >= minimum { saveSnapshot(state, scan) }
        return (state, scan)
    }

    /// Applies one decoded record, or says why it cannot be replayed.
    static func replay(_ decoded: Result<Event, EventDecodingError>, into state: inout State) -> String? {
        switch decoded {
        case .success(let event):
            Partnership.apply(event, to: &state)
            return nil
        case .failure(let error):
            return error.description
        }
    }

    /// Caches the state beside the log; a failure only costs the next query a full replay.
    private func saveSnapshot(_ state: State, _ scan: LogScan) {
        guard let stamp = scan.stamp else { return }
        try? log.saveSnapshot(stamp, payload: { state.snapshotBytes() })
    }

    /// Decides `command` on the state rebuilt under the write lock and appends the result.
    func record(_ command: Command, actor: String, today: LocalDate, now: Timestamp) throws -> EventLog.Appended {
        if var found = snapshot(within: .all) {
            do {
                return try append(command, actor: actor, today: today, now: now, state: &found.state, resumingAfter: found.stamp)
            } catch StoreError.snapshotMismatch {
                // Fall through to a full replay.
            }
        }
        var state = Partnership.initialState
        return try append(command, actor: actor, today: today, now: now, state: &state, resumingAfter: nil)
    }

    /// Whether replayed states are left for the process exit to reclaim (see `Context.exitsAfterRun`).
    var keepsStatesUntilExit = false

    private func append(_ command: Command, actor: String, today: LocalDate, now: Timestamp, state: inout State,
                        resumingAfter stamp: SnapshotStamp?) throws -> EventLog.Appended {
        defer { if keepsStatesUntilExit { KeptUntilExit.keep(state) } }
        var versionsSeen: [String: Int] = [:]
        return try log.append(actor: actor, now: now, resumingAfter: stamp, decode: Ledger.event(of:payload:), visit: { record, decoded in
            versionsSeen[record.stream] = record.version
            return Ledger.replay(decoded, into: &state)
        }, decide: { scan in
            let events = try Partnership.decide(Request(actor: actor, today: today, command: command), state)
            // The versions the decision was made on: the scan's, as this state saw them.
            for stream in Set(events.map(\.stream)) where versionsSeen[stream] == nil { versionsSeen[stream] = scan.streamVersions[stream] ?? 0 }
            return events.map(\.newEvent)
        }, expectedVersions: { _ in versionsSeen })
    }

    /// Creates a new log holding the partnership's first events.
    func create(name: String, code: String, adminName: String?, actor: String, today: LocalDate, now: Timestamp, sharedGroup: Bool) throws -> [LogRecord] {
        let events = try Partnership.decide(Request(actor: actor, today: today, command: .initialise(name: name, code: code, adminName: adminName)),
                                            Partnership.initialState)
        return try log.create(events: events.map(\.newEvent), actor: actor, now: now, sharedGroup: sharedGroup)
    }
}

extension Event {
    /// The store's view of an event: a stream, a type name, a schema and a payload.
    var newEvent: NewEvent { NewEvent(stream: stream, type: typeName, schema: schema, data: data) }
}
