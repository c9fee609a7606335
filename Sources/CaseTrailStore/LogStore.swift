#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaseTrailCore

/// Why the store could not do what was asked.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(String)
    case exists(String)
    case worldWritable(String)
    /// The log's folder can be written by users other than its owner and group.
    case folderOpenToOthers(String)
    /// The path names something other than a regular file (a link, a device, a pipe…).
    case notAFile(path: String, what: String)
    /// `init` found something that is not a casetrail log at the path.
    case occupied(path: String, what: String)
    /// The command would write a line longer than a line may be.
    case lineTooLong(bytes: Int)
    case integrity(path: String, problems: [LineProblem])
    /// A stream the new events belong to is not at the version the decision was made on.
    case versionConflict(stream: String, expected: Int, found: Int)
    /// Other lines were appended after the position the decision was made at.
    case movedOn(decidedAt: Int, head: Int)
    /// The position offered to read on from (a snapshot's, or a decision's) no longer matches the log; read from the start instead.
    case snapshotMismatch
    case io(IOError)
    /// The database server or its client library refused or failed; the text says what it said.
    case database(String)

    /// The log moved on after the decision was made (another command got in first): decide again.
    public var isConflict: Bool {
        switch self {
        case .versionConflict, .movedOn, .snapshotMismatch: return true
        case .missing, .exists, .worldWritable, .folderOpenToOthers, .notAFile, .occupied, .lineTooLong, .integrity, .io, .database: return false
        }
    }

    public var description: String {
        switch self {
        case .missing(let p):
            return "no log at \(p). Create one with 'casetrail init --partnership NAME --code CODE', or point --log at an existing log."
        case .exists(let p):
            return "a log already exists at \(p); it was left untouched. Use another --log path to start a new one."
        case .worldWritable(let p):
            return "the log \(p) is writable by every user, so it cannot be trusted; run 'chmod o-w \(p)' and then 'casetrail verify'."
        case .folderOpenToOthers(let d):
            return "the folder \(d) can be written by users other than its owner and group, so anyone could replace the log in it; "
                + "run 'chmod o-w \(d)', or keep the log in another folder."
        case .notAFile(let p, let what):
            return "\(p) is \(what), not a file; casetrail reads and writes only a regular file. Point --log at the log file itself."
        case .lineTooLong(let n):
            return "the command would write a line of \(n) bytes, more than the \(LogLine.maxBytes) bytes a line of the log may hold; nothing was written. Shorten its text (attach long documents elsewhere and give their reference)."
        case .occupied(let p, let what):
            return "\(p) is already taken by \(what); it was left untouched. Use another --log path to start a new log."
        case .integrity(let p, let problems):
            let first = problems[0]
            let more = problems.count > 1 ? " (and \(problems.count - 1) more problem\(problems.count == 2 ? "" : "s"))" : ""
            return "the log \(p) failed its integrity check at line \(first.line): \(first.problem)\(more). "
                + "Nothing can be recorded until it is resolved; run 'casetrail verify' for every problem."
        case .versionConflict(let s, let e, let f):
            return "stream \(s) moved on (expected version \(e), found \(f)); nothing was written. Run the command again."
        case .movedOn(let decided, let head):
            return "the log moved on from seq \(decided) to seq \(head) while the command was being decided; nothing was written. Run the command again."
        case .snapshotMismatch:
            return "the snapshot beside the log does not match it; it will be rebuilt"
        case .io(let e):
            return e.description
        case .database(let text):
            return text
        }
    }
}

/// How far into the log a query looks: everything, up to a line, or up to a recording time.
public enum ReadLimit: Equatable, Sendable {
    case all
    case seq(Int)
    case recordedBy(Timestamp)

    public func includes(_ r: LogRecord) -> Bool {
        switch self {
        case .all: return true
        case .seq(let n): return r.seq <= n
        case .recordedBy(let t): return r.recordedAt <= t
        }
    }

    /// Whether everything up to a position lies within this limit, so a snapshot there can stand in for it.
    public func covers(_ position: LogPosition) -> Bool {
        switch self {
        case .all: return true
        case .seq(let n): return n >= position.seq
        case .recordedBy(let t): return t >= position.recordedAt
        }
    }
}

/// What a full read of the log found: its head, every problem, and any torn final line.
public struct LogScan: Equatable, Sendable {
    public struct Head: Equatable, Sendable {
        public var seq: Int
        var hashDigest: Digest?
        public var recordedAt: Timestamp

        public var hash: String { hashDigest?.hex ?? "" }

        init(seq: Int, hash: Digest?, recordedAt: Timestamp) {
            self.seq = seq
            self.hashDigest = hash
            self.recordedAt = recordedAt
        }

        init(seq: Int, hash: String, recordedAt: Timestamp) {
            self.init(seq: seq, hash: Digest(hex: hash), recordedAt: recordedAt)
        }
    }

    /// A final line with no `\n`: a write that was never acknowledged.
    public struct TornTail: Equatable, Sendable {
        public var line: Int
        public var offset: Int
        public var bytes: [UInt8]
    }

    public var lines = 0
    public var head: Head?
    public var problems: [LineProblem] = []
    public var torn: TornTail?
    public var streamVersions = StreamVersions()
    /// The hashes of the lines asked for with `hashesOf` (a checkpoint's, a witness's), where the log has them.
    public var requestedHashes: [Int: String] = [:]

    /// The file offset just past the last complete line: where a snapshot of this scan would end.
    public var headOffset = 0
    /// The seq of the position the scan resumed after, when it did not start from line 1.
    public var resumedAfter: Int?
    /// The changed lines accepted because a redaction later in the log vouches for their bytes.
    public var redactions: [RedactionRelied] = []
}

/// What names a log wherever a copy of it is kept: its partnership's code and its first line's hash.
public struct LogIdentity: Equatable, Sendable {
    public var code: String
    public var genesis: String
    public init(code: String, genesis: String) { self.code = code; self.genesis = genesis }
}

/// The result of an append: what was written and any torn tail moved aside first.
public struct Appended: Sendable {
    public var records: [LogRecord]
    public var quarantined: String?
    /// The facts the lines hold, in order (set by the ledger, which decided them).
    public var events: [Event] = []

    public init(records: [LogRecord], quarantined: String?) {
        self.records = records
        self.quarantined = quarantined
    }

    /// What an append of no events leaves: nothing written.
    public static let nothing = Appended(records: [], quarantined: nil)
}

/// What the application needs from a partnership's log, whatever holds it. The JSON Lines file
/// (`EventLog`) is the first implementation. Every line is checked as it is read; integrity
/// problems are reported in the scan, never skipped.
public protocol LogStore: Sendable {
    /// Where the log is, as the user named it (for messages).
    var location: String { get }
    /// About how many bytes the log holds (0 if unknown): how a reader sizes its tables.
    var byteCount: Int { get }

    /// Creates the log with its first events; refuses if anything is already there. `login`, the
    /// account that asked, is recorded on each line beside the actor, as it is by `append`.
    func create(_ events: [Event], actor: String, login: String?, now: Timestamp, sharedGroup: Bool) throws(StoreError) -> [LogRecord]

    /// Reads the lines within `limit` under a shared lock, checking each, and hands every good one
    /// to `visit` with its event (or why it cannot be decoded); `visit` returns a problem if it cannot
    /// replay it. With `position`, reading starts after that line once it is confirmed unchanged
    /// (else `.snapshotMismatch`, having visited nothing). `hashesOf` asks for lines' hashes (checkpoints, the witness).
    /// With `indexing`, a store that keeps an index of lines beside its snapshot gathers one from the
    /// lines read, for the snapshot saved next: only worth its cost when one will be.
    func read(upTo limit: ReadLimit, after position: LogPosition?, hashesOf wanted: [Int], indexing: Bool,
              visit: (LogRecord, DecodedEvent) -> String?) throws(StoreError) -> LogScan

    /// Appends a decided batch, as one command, under an exclusive lock, only if the log is still
    /// as it was at `position` (where the decision was made) and each stream of the new events is
    /// at the version in `expected`: otherwise `.movedOn` or `.versionConflict`, and nothing is written.
    func append(_ events: [Event], actor: String, login: String?, now: Timestamp, after position: LogPosition,
                expected: [String: Int]) throws(StoreError) -> Appended

    /// The one sanctioned change to a committed line (`casetrail redact`): line `redaction.seq` takes its
    /// redacted bytes and `events` (the `line_redacted` that vouches for them) are appended, together or
    /// not at all, under the same conditions as `append`, and only while the line is still `redaction.original`.
    func redact(_ redaction: RedactedLine, events: [Event], actor: String, login: String?, now: Timestamp, after position: LogPosition,
                expected: [String: Int]) throws(StoreError) -> Appended

    /// The log's first line's hash and the partnership code it records, read on their own (nil for an
    /// empty or unreadable log): what names one partnership's log wherever a copy of it is kept.
    func identity() -> LogIdentity?

    /// A snapshot that can be read, or nil; `damage` is raised later if one of its rows cannot be.
    func loadSnapshot(damage: SnapshotDamage) -> Snapshot?
    func saveSnapshot(_ state: State, at position: LogPosition) throws
    /// Whether users other than this one can write the log (then a snapshot carries its prefix's digest).
    var othersCanWrite: Bool { get }
    /// The digest of the log's bytes before `length`, read afresh, to compare with a snapshot's.
    func prefixDigest(length: Int) -> String?
    func discardSnapshot()
    /// Where the snapshot is kept, for messages.
    var snapshotLocation: String { get }

    /// Hands over the log's first `count` lines exactly as stored, each with its `\n`, in chunks of
    /// whole lines: what `copy-log` copies. Fewer lines than that is `.movedOn`.
    func exportLines(count: Int, _ sink: ([UInt8]) throws(StoreError) -> Void) throws(StoreError)

    /// Creates the log from lines copied exactly from another (chunks of whole lines, from `source`),
    /// all or nothing; refuses if a log is already there. The lines keep their actors: the copy is
    /// vouched for by whoever runs it, and `verify` checks every line of it as of any other log.
    func importLines(_ source: (([UInt8]) throws(StoreError) -> Void) throws(StoreError) -> Void) throws(StoreError)

    /// What is wrong with the protections the medium itself gives the log (a database's triggers and
    /// privileges), for `verify`; empty when there are none to check or all are in place.
    func safeguardProblems() -> [String]

    /// The lines `selection` asks for up to a snapshot's `position`, from an index of them, each
    /// checked against the log; nil when the store keeps no such index there or it disagrees.
    func selectedLines(_ selection: LineSelection, through position: LogPosition) -> [(LogRecord, Event)]?
    /// The Merkle tree of the lines up to a snapshot's `position`, if the store keeps it; nil otherwise.
    func merkleTree(through position: LogPosition) -> Merkle.Builder?
}

extension LogStore {
    /// A store without a line index: a query reads every line.
    public func selectedLines(_ selection: LineSelection, through position: LogPosition) -> [(LogRecord, Event)]? { nil }
    public func merkleTree(through position: LogPosition) -> Merkle.Builder? { nil }
}

/// Splits a buffer of log bytes after its `limit`-th line break (or its last, if fewer): how many
/// line breaks were taken, and where the cut falls (just past the last one taken; 0 if none).
func cutAfterLines(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> (lines: Int, end: Int) {
    guard let base = bytes.baseAddress else { return (0, 0) }
    var lines = 0, end = 0
    while lines < limit, end < bytes.count, let nl = memchr(base + end, 0x0A, bytes.count - end) {
        end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
        lines += 1
    }
    return (lines, end)
}

