import CaseTrailCore
import CaseTrailStore

/// Joins the pure core to the log: replays records into `State`, and records a decided command.
struct Ledger {
    let log: EventLog

    /// The typed event of a stored record, or why it cannot be replayed.
    static func event(of record: LogRecord) -> Result<Event, EventDecodingError> {
        Result { () throws(EventDecodingError) in try Event.decode(type: record.type, schema: record.schema, data: record.data) }
    }

    /// State after the events within `limit`, plus the scan. Integrity problems are thrown: a query
    /// must not answer from a log it cannot trust.
    func load(upTo limit: ReadLimit = .all, each: ((LogRecord, Event) -> Void)? = nil) throws -> (State, LogScan) {
        var state = Partnership.initialState
        let scan = try log.read(upTo: limit, decode: Ledger.event(of:)) { record, decoded in
            switch decoded {
            case .success(let event):
                Partnership.apply(event, to: &state)
                each?(record, event)
                return nil
            case .failure(let error):
                return error.description
            }
        }
        if !scan.problems.isEmpty { throw StoreError.integrity(path: log.path, problems: scan.problems) }
        return (state, scan)
    }

    /// Decides `command` on the state rebuilt under the write lock and appends the result.
    func record(_ command: Command, actor: String, today: LocalDate, now: Timestamp) throws -> EventLog.Appended {
        var state = Partnership.initialState
        var versionsSeen: [String: Int] = [:]
        return try log.append(actor: actor, now: now, decode: Ledger.event(of:), visit: { record, decoded in
            switch decoded {
            case .success(let event):
                Partnership.apply(event, to: &state)
                versionsSeen[record.stream] = record.version
                return nil
            case .failure(let error):
                return error.description
            }
        }, decide: { _ in
            let events = try Partnership.decide(Request(actor: actor, today: today, command: command), state)
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
