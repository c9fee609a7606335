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
    /// Lines a later line voids (`void seq:N`), each with the seq of its void, known before reading:
    /// from each such line to its void, the state without it is kept beside the state with it (on
    /// which the lines between were decided), and at the void it becomes the state.
    var voidedAhead: [Int: LineChange] = [:]
    /// The state without each set of lines that are voided later but not yet, for every such set
    /// (one line's void may come while another's is still to come); at a void the state becomes the
    /// one without that line, and the sets holding it lose it.
    private var without: [Set<Int>: State] = [:]
    /// The most lines voided later that may be awaiting their voids at once (each doubles the states kept).
    static let mostPendingVoids = 10
    /// Set when a line voided later met more than that: the state after its void cannot be worked out.
    private var overwhelmed: Int?
    /// Set when a line voided or redated later is not the fact its void or correction says it is.
    private var misnamed: (Int, LineChange)?
    /// Voids met that were not known before reading (voided line → its void). Once one is met, the
    /// lines after it are not replayed: the log must be read again with them known (`voidedAhead`).
    private(set) var voidsFound: [Int: LineChange] = [:]
    /// When set (`--on-date`), a second state is kept beside the first: only the facts that held on
    /// this day by their own dates, each voided line left out and each redated one given its right date.
    var onDate: LocalDate?
    /// That state; the first stays the one each line is decided on.
    var dated = Partnership.initialState
    /// With `onDate`, a snapshot's line and state: until that line only the dated state is kept, and
    /// there the snapshot's state takes over as the one later lines are decided on (the lines up to it
    /// were decided when it was taken, as every warm query trusts). Never with voids known ahead.
    var resume: (seq: Int, hash: String, state: State)? {
        didSet { if let r = resume { resumeSeq = r.seq } }
    }
    /// Set when the snapshot could not take over after all (its line is not the one read, or a later
    /// line redacts one before it): the log must be read again keeping the whole state from the start.
    private(set) var needsWholeState = false
    private var resumeSeq = 0
    /// The last seq replayed or passed over.
    private(set) var lastSeq = 0
    /// The facts of a several-line command, held until its last line is read.
    private var held: [Event] = []
    private var heldFor = 0, heldFrom = 0

    init(_ state: State) { self.state = state }

    /// Whether the state each line is decided on was not kept throughout (see `resume`).
    var lacksWholeState: Bool { needsWholeState || resume != nil }
    /// Whether a snapshot's state took over as `resume` says.
    var resumedFromSnapshot: Bool { resumeSeq > 0 && !lacksWholeState }

    mutating func take(_ record: LogRecord, _ decoded: DecodedEvent) -> String? {
        lastSeq = record.seq
        guard !needsWholeState else { return nil }
        // The snapshot's state still holds the text of a line redacted since.
        if case let .success(.lineRedacted(seq, _, _, _, _, _, _)) = decoded, seq <= resumeSeq {
            needsWholeState = true
            return nil
        }
        guard case .success(let event) = decoded else {
            finish()
            return decoded.problem
        }
        if let (seq, change) = LineChange.made(by: event, at: record.seq) {
            // A forged void or correction could name its own line, or one after it: it changes nothing then.
            guard seq < record.seq else { return "it changes line \(seq), which does not come before it" }
            if voidedAhead[seq] == nil { voidsFound[seq] = change }
        }
        // The state from here would still hold a voided line: nothing more is worth replaying.
        guard voidsFound.isEmpty else { return nil }
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
        if let r = resume {
            apply(events, endingAt: record.seq)
            if record.seq >= r.seq {
                resume = nil
                if record.seq == r.seq && record.hash == r.hash { state = r.state } else { needsWholeState = true }
            }
            return nil
        }
        let problem = record.seq <= decidedThrough ? nil
            : Partnership.recheck(events, actor: record.actor, login: record.login, recordedOn: LondonTime.date(at: record.recordedAt), in: state)
        apply(events, endingAt: record.seq)
        if record.seq == captureAt { captured = state }
        if let (line, change) = misnamed {
            misnamed = nil
            return "line \(change.by) says line \(line) recorded \(change.fact.words) (stream \(change.stream)), but it does not; a void or correction names the line it changes exactly"
        }
        if let n = overwhelmed {
            overwhelmed = nil
            return "line \(n) is one of more than \(Replay.mostPendingVoids) lines awaiting their voids at once, too many to work out the state without them; ask for help before recording more voids"
        }
        return problem.map { "\(lines) could not have been recorded by '\(record.actor)': \($0)" }
    }

    /// Applies a command's facts, the last of them line `last`, keeping the states without the lines voided later.
    private mutating func apply(_ events: [Event], endingAt last: Int) {
        if let day = onDate {
            for (i, event) in events.enumerated() {
                let seq = last - events.count + 1 + i
                // Voided, the line never held; redated, it held from its right date.
                let fact = voidedAhead[seq].map { change in change.date.flatMap { event.redated(to: $0) } } ?? event
                if let fact, fact.held(on: day) { Partnership.apply(fact, to: &dated) }
            }
        }
        guard resume == nil else { return }
        guard !voidedAhead.isEmpty else {
            for event in events { Partnership.apply(event, to: &state) }
            return
        }
        for (i, event) in events.enumerated() {
            let seq = last - events.count + 1 + i
            // The states as if this line had never been recorded (with or without the others awaiting their voids).
            var forks: [Set<Int>: State] = [:]
            if let change = voidedAhead[seq] {
                if without.count >= 1 << Replay.mostPendingVoids { overwhelmed = seq }
                if event.voidable != change.fact || event.stream != change.stream { misnamed = (seq, change) }
                // Voided, the line is left out; given its right date, it is applied with that date.
                let instead: Event? = change.date.flatMap { event.redated(to: $0) }
                func changed(_ s: State) -> State {
                    var s = s
                    if let instead { Partnership.apply(instead, to: &s) }
                    return s
                }
                forks[[seq]] = changed(state)
                for (lines, s) in without where lines.count < Replay.mostPendingVoids { forks[lines.union([seq])] = changed(s) }
            }
            for lines in Array(without.keys) { Partnership.apply(event, to: &without[lines]!) }
            Partnership.apply(event, to: &state)
            without.merge(forks) { a, _ in a }
            if let (n, _) = LineChange.made(by: event, at: seq), let kept = without[[n]] {
                state = kept
                var after: [Set<Int>: State] = [:]
                for (lines, s) in without where lines.contains(n) && lines.count > 1 { after[lines.subtracting([n])] = s }
                without = after
            }
        }
    }

    /// Applies the facts of a command a read limit cut short (`--as-of seq:N` inside it).
    mutating func finish() {
        if voidsFound.isEmpty { apply(held, endingAt: lastSeq) }
        held = []
        heldFor = 0
    }
}

/// What a later line (`by`) does to an earlier one: voids it (`date` nil), or puts its date right,
/// and what it says that line recorded (checked when the line is met again).
struct LineChange: Equatable {
    var by: Int
    var fact: VoidableFact
    var stream: String
    var date: LocalDate?

    /// The line an event (line `by`) changes, and how (nil for every event but a void or a date correction of one line).
    static func made(by event: Event, at by: Int) -> (Int, LineChange)? {
        switch event {
        case let .eventVoided(seq, stream, fact, _, _): return (seq, LineChange(by: by, fact: fact, stream: stream))
        case let .eventRedated(seq, stream, fact, date, _, _): return (seq, LineChange(by: by, fact: fact, stream: stream, date: date))
        default: return nil
        }
    }
}
