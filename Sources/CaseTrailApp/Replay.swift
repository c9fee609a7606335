import CaseTrailCore
import CaseTrailStore

/// Folds a log's records into a state, deciding each command's facts again on the state just
/// before them first (`Partnership.recheck`): a line that could not have been decided (a forger's
/// well-hashed line) is an integrity problem on that line like any other. The facts are applied
/// either way (evolve is total), so the lines after it are checked on the state they claim.
struct Replay {
    var state: State
    /// When set, a line recorded later than this is a problem (its clock was wrong, or it was forged).
    var latestBelievable: Timestamp?
    /// Lines up to this seq are applied without being decided again: this user's casetrail decided
    /// them before, and the hash chain (checked against the witness at this seq) proves they are the same.
    var decidedThrough = 0
    /// When set, the state just after this seq is kept in `captured` (to compare a snapshot with).
    var captureAt: Int?
    private(set) var captured: State?
    /// The facts of a several-line command, held until its last line is read.
    private var held: [Event] = []
    private var heldFor = 0, heldFrom = 0

    init(_ state: State) { self.state = state }

    mutating func take(_ record: LogRecord, _ decoded: DecodedEvent) -> String? {
        guard case .success(let event) = decoded else {
            finish()
            return decoded.problem
        }
        if let latest = latestBelievable, record.recordedAt > latest {
            _ = check([event], record, lines: "this line")
            return "recorded_at \(record.recordedAt) is more than a day after this machine's clock: the clock that wrote it was wrong, or the line was forged"
        }
        if heldFor == 0, let n = record.batch, n > 1 {
            heldFor = n
            heldFrom = record.line
        }
        guard heldFor > 0 else { return check([event], record, lines: "this line") }
        held.append(event)
        guard held.count == heldFor else { return nil }
        let events = held
        held = []
        heldFor = 0
        return check(events, record, lines: "the command on lines \(heldFrom)-\(record.line)")
    }

    private mutating func check(_ events: [Event], _ record: LogRecord, lines: String) -> String? {
        if record.seq <= decidedThrough {
            for event in events { Partnership.apply(event, to: &state) }
            return nil
        }
        let problem = Partnership.recheck(events, actor: record.actor, login: record.login, recordedOn: LondonTime.date(at: record.recordedAt), in: state)
        for event in events { Partnership.apply(event, to: &state) }
        if record.seq == captureAt { captured = state }
        return problem.map { "\(lines) could not have been recorded by '\(record.actor)': \($0)" }
    }

    /// Applies the facts of a command a read limit cut short (`--as-of seq:N` inside it).
    mutating func finish() {
        for event in held { Partnership.apply(event, to: &state) }
        held = []
        heldFor = 0
    }
}
