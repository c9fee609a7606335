#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaseTrailCore
import Dispatch

/// The append-only, hash-chained JSON Lines file of one partnership.
/// It knows bytes, hashes and locks; what the events mean is the caller's business.
public struct EventLog: LogStore {
    public let path: String

    public init(path: String) { self.path = path }

    /// The lines the last scan gathered for the line index, until the snapshot at their end is written.
    let gatheredLines = GatheredLines()

    /// The log's size in bytes, if it can be read: how a reader estimates what it will hold.
    public var byteCount: Int {
        guard let file = try? POSIXFile.open(path, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK) else { return 0 }
        return (try? file.size()) ?? 0
    }

    /// How files beside the log are created: readable by the log's group when the log is (`--shared-group`).
    var besideMode: mode_t {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & 0o040 != 0 ? 0o640 : 0o600
    }

    /// The most lines one command writes (an import of a large tracker); a larger batch marker is not believed.
    static let largestBatch = 50_000

    /// Bytes read per `pread` while scanning; lines never need the whole file in memory. A chunk and
    /// its decoded lines stay in the processor caches better at 1 MB than at 4 MB (cold replay of 1M
    /// events about 9% faster; 256 KB was slower again).
    static let chunkSize = 1 << 20

    /// The chunk size this log is read with: tests make it small to read a small log in many chunks.
    var readChunkSize = EventLog.chunkSize

    /// Creates the log with its first events. Fails if anything is already at the path.
    @discardableResult
    public func create(_ events: [Event], actor: String, login: String? = nil, now: Timestamp, sharedGroup: Bool = false) throws(StoreError) -> [LogRecord] {
        try create(lines: events.map(\.newEvent), actor: actor, login: login, now: now, sharedGroup: sharedGroup)
    }

    /// As `create`, at the level of lines (tests write lines of any type).
    @discardableResult
    func create(lines events: [NewEvent], actor: String, login: String? = nil, now: Timestamp, sharedGroup: Bool = false) throws(StoreError) -> [LogRecord] {
        let mode: mode_t = sharedGroup ? 0o660 : 0o600
        let dir = parentDirectory(of: path)
        if !fileExists(dir), mkdir(dir, sharedGroup ? 0o770 : 0o700) != 0, errno != EEXIST {
            throw .io(IOError(operation: "create the folder", path: dir, code: errno))
        }
        try checkFolder()
        let file: POSIXFile
        do {
            // O_EXCL with O_CREAT never opens what is already there, a link included.
            file = try POSIXFile.open(path, flags: O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW, mode: mode)
        } catch where error.code == EEXIST {
            file = try takeOverCrashedInit()
        } catch {
            throw .io(error)
        }
        let (lines, records) = try EventLog.encode(events, after: LogScan(), actor: actor, login: login, now: now)
        let bytes = Array(lines.joined())
        do {
            try file.setMode(mode)
            try file.lock(exclusive: true)
            try file.writeAll(bytes)
            try file.sync()
            try syncDirectory(of: path)
            return records
        } catch {
            throw .io(error)
        }
    }

    public var location: String { path }

    public func identity() -> LogIdentity? {
        guard let file = try? POSIXFile.open(path, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK), let size = try? file.size(), size > 0 else { return nil }
        var window = min(size, 4096)
        while true {
            var bytes = [UInt8](repeating: 0, count: window)
            guard let got = try? bytes.withUnsafeMutableBytes({ raw in try file.read(into: raw, at: 0) }) else { return nil }
            if let end = bytes[..<got].firstIndex(of: 0x0A) { return LogIdentity(firstLine: Array(bytes[..<end])) }
            guard window < size, window <= LogLine.maxBytes else { return nil }
            window = min(size, window * 4)
        }
    }

    /// Reads the log under a shared lock, checking every line; each good record within `limit` is
    /// handed to `visit` with its event, decoded on all cores beside the parsing and hashing.
    public func read(upTo limit: ReadLimit = .all, after position: LogPosition? = nil, hashesOf wanted: [Int] = [], indexing: Bool = false,
                     visit: (LogRecord, DecodedEvent) -> String?) throws(StoreError) -> LogScan {
        let file = try openLocked(flags: O_RDONLY, exclusive: false)
        return try scan(file, limit: limit, wanted: wanted, resume: position, indexing: indexing, decode: Event.decoded, visit: visit)
    }

    /// Appends the events as one command if nothing was appended since `position` and each of their
    /// streams is at its `expected` version. The lines since `position` (none, usually) are checked
    /// under the exclusive lock first; nothing is written if the log has any problem.
    public func append(_ events: [Event], actor: String, login: String? = nil, now: Timestamp, after position: LogPosition,
                       expected: [String: Int]) throws(StoreError) -> Appended {
        try append(lines: events.map(\.newEvent), actor: actor, login: login, now: now, after: position, expected: expected)
    }

    /// As `append`, at the level of lines.
    func append(lines newEvents: [NewEvent], actor: String, login: String? = nil, now: Timestamp, after position: LogPosition,
                expected: [String: Int]) throws(StoreError) -> Appended {
        guard !newEvents.isEmpty else { return .nothing }
        let file = try openLocked(flags: O_RDWR | O_APPEND, exclusive: true)
        let scan = try scan(file, limit: .all, wanted: [], resume: position.seq == 0 ? nil : position,
                            decode: Event.decoded, visit: { _, decoded in decoded.problem })
        guard scan.problems.isEmpty else { throw .integrity(path: path, problems: scan.problems) }
        for stream in Set(newEvents.map(\.stream)).sorted() where (scan.streamVersions[stream] ?? 0) != (expected[stream] ?? 0) {
            throw .versionConflict(stream: stream, expected: expected[stream] ?? 0, found: scan.streamVersions[stream] ?? 0)
        }
        let head = scan.head?.seq ?? 0
        guard head == position.seq else { throw .movedOn(decidedAt: position.seq, head: head) }
        let (lines, records) = try EventLog.encode(newEvents, after: scan, actor: actor, login: login, now: now)
        let bytes = Array(lines.joined())
        do {
            var quarantined: String?
            if let torn = scan.torn {
                quarantined = try quarantine(torn, seq: head + 1)
                try file.truncate(to: torn.offset)
            }
            try file.writeAll(bytes)
            try file.sync()
            return Appended(records: records, quarantined: quarantined)
        } catch {
            throw .io(error)
        }
    }

    /// Writes the whole log again beside itself, line `redaction.seq` redacted and the new lines after
    /// the last, and renames it into place under the log's lock: a crash leaves the log as it was or as
    /// it is after, never between. Readers waiting for the lock open the new file (`openLocked`).
    public func redact(_ redaction: RedactedLine, events: [Event], actor: String, login: String?, now: Timestamp, after position: LogPosition,
                       expected: [String: Int]) throws(StoreError) -> Appended {
        let file = try openLocked(flags: O_RDWR, exclusive: true)
        let scan = try scan(file, limit: .all, wanted: [], resume: nil, decode: Event.decoded, visit: { _, decoded in decoded.problem })
        guard scan.problems.isEmpty else { throw .integrity(path: path, problems: scan.problems) }
        for stream in Set(events.map(\.stream)).sorted() where (scan.streamVersions[stream] ?? 0) != (expected[stream] ?? 0) {
            throw .versionConflict(stream: stream, expected: expected[stream] ?? 0, found: scan.streamVersions[stream] ?? 0)
        }
        let head = scan.head?.seq ?? 0
        guard head == position.seq, redaction.seq <= head else { throw .movedOn(decidedAt: position.seq, head: head) }
        let (lines, records) = try EventLog.encode(events.map(\.newEvent), after: scan, actor: actor, login: login, now: now)
        do throws(IOError) {
            let st = try file.status()
            // Where line `seq` lies: found by counting line breaks, as `exportLines` does.
            let (start, end) = try lineBounds(seq: redaction.seq, in: file)
            var current = [UInt8](repeating: 0, count: end - start)
            _ = try current.withUnsafeMutableBytes { raw in Result { () throws(IOError) in try file.read(into: raw, at: start) } }.get()
            guard current == redaction.original else { throw IOError(operation: "find line \(redaction.seq) unchanged in", path: path, code: ESTALE) }
            var quarantined: String?
            if let torn = scan.torn { quarantined = try quarantine(torn, seq: head + 1) }
            let temp = try writeTemporary(beside: path, mode: st.st_mode & 0o777) { out throws(IOError) in
                if fchown(out.fd, uid_t.max, st.st_gid) != 0, errno != EPERM { throw IOError(operation: "keep the group of", path: path, code: errno) }
                try copy(file, from: 0, to: start, into: out)
                try out.writeAll(redaction.bytes)
                try copy(file, from: end, to: scan.headOffset, into: out)
                try out.writeAll(Array(lines.joined()))
            }
            guard rename(temp, path) == 0 else {
                let code = errno
                unlink(temp)
                throw IOError(operation: "put the redacted log in place of", path: path, code: code)
            }
            try syncDirectory(of: path)
            return Appended(records: records, quarantined: quarantined)
        } catch where error.code == ESTALE {
            throw .movedOn(decidedAt: position.seq, head: head)
        } catch {
            throw .io(error)
        }
    }

    /// The offsets of line `seq`'s first byte and of its `\n`.
    private func lineBounds(seq: Int, in file: POSIXFile) throws(IOError) -> (Int, Int) {
        var buffer = [UInt8](repeating: 0, count: EventLog.chunkSize)
        var offset = 0, breaks = 0, start = 0
        while true {
            let got = try buffer.withUnsafeMutableBytes { raw in Result { () throws(IOError) in try file.read(into: raw, at: offset) } }.get()
            guard got > 0 else { throw IOError(operation: "find line \(seq) in", path: path, code: ESTALE) }
            for i in 0..<got where buffer[i] == 0x0A {
                breaks += 1
                if breaks == seq - 1 { start = offset + i + 1 }
                if breaks == seq { return (start, offset + i) }
            }
            offset += got
        }
    }

    /// Copies bytes `from..<to` of `file` to `out`, a chunk at a time.
    private func copy(_ file: POSIXFile, from: Int, to: Int, into out: POSIXFile) throws(IOError) {
        var offset = from
        var buffer = [UInt8](repeating: 0, count: EventLog.chunkSize)
        while offset < to {
            let got = try buffer.withUnsafeMutableBytes { raw in
                Result { () throws(IOError) in try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[..<min(raw.count, to - offset)]), at: offset) }
            }.get()
            guard got > 0 else { throw IOError(operation: "copy", path: path, code: EIO) }
            try out.writeAll(Array(buffer[..<got]))
            offset += got
        }
    }

    /// A file has no protections of its own beyond its mode, which every open checks.
    public func safeguardProblems() -> [String] { [] }

    public func exportLines(count: Int, _ sink: ([UInt8]) throws(StoreError) -> Void) throws(StoreError) {
        let file = try openLocked(flags: O_RDONLY, exclusive: false)
        var buffer = [UInt8](repeating: 0, count: EventLog.chunkSize)
        var offset = 0, lines = 0
        var carry: [UInt8] = []
        while lines < count {
            let got: Int
            let read = buffer.withUnsafeMutableBytes { raw in Result { () throws(IOError) in try file.read(into: raw, at: offset) } }
            switch read {
            case .success(let n): got = n
            case .failure(let e): throw .io(e)
            }
            if got == 0 { break }
            offset += got
            var chunk = carry
            chunk.append(contentsOf: buffer[..<got])
            let (taken, end) = chunk.withUnsafeBufferPointer { cutAfterLines($0, limit: count - lines) }
            lines += taken
            if end > 0 { try sink(Array(chunk[..<end])) }
            carry = Array(chunk[end...])
        }
        guard lines == count else { throw .movedOn(decidedAt: count, head: lines) }
    }

    public func importLines(_ source: (([UInt8]) throws(StoreError) -> Void) throws(StoreError) -> Void) throws(StoreError) {
        let dir = parentDirectory(of: path)
        if !fileExists(dir), mkdir(dir, 0o700) != 0, errno != EEXIST { throw .io(IOError(operation: "create the folder", path: dir, code: errno)) }
        try checkFolder()
        guard !fileExists(path) else { throw .exists(path) }
        var failure: StoreError?
        let temp: String
        do throws(IOError) {
            temp = try writeTemporary(beside: path, mode: 0o600) { file throws(IOError) in
                do throws(StoreError) {
                    try source { chunk throws(StoreError) in
                        do throws(IOError) { try file.writeAll(chunk) } catch { throw .io(error) }
                    }
                } catch {
                    failure = error
                    throw IOError(operation: "copy the log into", path: path, code: EIO)
                }
            }
        } catch {
            throw failure ?? .io(error)
        }
        defer { unlink(temp) }
        // A hard link never replaces what another process put at the path meanwhile.
        guard link(temp, path) == 0 else { throw errno == EEXIST ? .exists(path) : .io(IOError(operation: "create", path: path, code: errno)) }
        do { try syncDirectory(of: path) } catch { throw .io(error) }
    }

    /// Appends events as one command after whatever the log holds, with correct hashes but no rule
    /// asked: what anyone who can write the file could do. For tests of what the rules then catch.
    @discardableResult
    func appendBypassingRules(_ events: [Event], actor: String, login: String? = nil, now: Timestamp) throws -> Appended {
        let scan = try read { _, _ in nil }
        var expected: [String: Int] = [:]
        for e in events { expected[e.stream] = scan.streamVersions[e.stream] ?? 0 }
        return try append(events, actor: actor, login: login, now: now, after: scan.position, expected: expected)
    }

    /// An empty file of this user's, or one holding only the torn start of a first command, is what
    /// an `init` cut short by a crash leaves behind: its bytes are moved aside and it is taken over.
    /// Anything else is left untouched, and the refusal says what is there.
    private func takeOverCrashedInit() throws(StoreError) -> POSIXFile {
        var seen = stat()
        if lstat(path, &seen) == 0, let kind = nonRegularKind(seen) { throw .occupied(path: path, what: kind) }
        let existing: POSIXFile
        do {
            existing = try POSIXFile.open(path, flags: O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK)
        } catch {
            throw error.code == ELOOP ? .occupied(path: path, what: "a symbolic link") : .occupied(path: path, what: "something casetrail cannot open (\(error))")
        }
        guard let st = try? existing.status() else { throw .occupied(path: path, what: "something casetrail cannot read") }
        if let kind = nonRegularKind(st) { throw .occupied(path: path, what: kind) }
        guard st.st_uid == geteuid(), st.st_mode & 0o022 == 0 else { throw .occupied(path: path, what: "a file another user owns or can write") }
        guard (try? existing.lock(exclusive: true)) != nil,
              let scan = try? scan(existing, limit: .all, wanted: [], resume: nil, decode: { _, _ in () }, visit: { _, _ in nil }) else {
            throw .occupied(path: path, what: "a file casetrail cannot read")
        }
        guard scan.lines == 0 else { throw .exists(path) }
        if let torn = scan.torn {
            guard torn.bytes.starts(with: Array(#"{"seq":1,"#.utf8)) else { throw .occupied(path: path, what: "a file that is not a casetrail log") }
            do {
                _ = try quarantine(torn, seq: 1)
                try existing.truncate(to: 0)
            } catch { throw .io(error) }
        }
        return existing
    }

    /// Refuses a log whose folder users other than its owner and group can write: anyone could replace the log.
    private func checkFolder() throws(StoreError) {
        let dir = parentDirectory(of: path)
        var st = stat()
        if stat(dir, &st) == 0, st.st_mode & 0o002 != 0 { throw .folderOpenToOthers(dir) }
    }

    /// Opens the log and takes its lock, refusing a missing, non-regular or world-writable file or an
    /// open folder. A link is not followed; a named pipe does not block. Once locked, the file is
    /// checked to be still the one at the path: a log replaced by a rename meanwhile is opened again,
    /// so nothing is appended to a file no longer there.
    func openLocked(flags: Int32, exclusive: Bool) throws(StoreError) -> POSIXFile {
        try checkFolder()
        for _ in 0..<10 {
            let file: POSIXFile
            let st: stat
            do {
                file = try POSIXFile.open(path, flags: flags | O_NOFOLLOW | O_NONBLOCK)
                st = try file.status()
            } catch {
                switch error.code {
                case ENOENT: throw .missing(path)
                case ELOOP: throw .notAFile(path: path, what: "a symbolic link")
                case EISDIR: throw .notAFile(path: path, what: "a folder")
                default: throw .io(error)
                }
            }
            if let kind = nonRegularKind(st) { throw .notAFile(path: path, what: kind) }
            if st.st_mode & 0o002 != 0 { throw .worldWritable(path) }
            do { try file.lock(exclusive: exclusive) } catch { throw .io(error) }
            if file.isStill(at: path) { return file }
        }
        throw .io(IOError(operation: "keep hold of", path: path, code: EAGAIN))
    }

    /// Moves a torn final line's bytes to `<log>.torn-<seq>` (durably, never over an earlier one) before it is cut off.
    private func quarantine(_ torn: LogScan.TornTail, seq: Int) throws(IOError) -> String {
        var n = 1
        while true {
            let target = n == 1 ? "\(path).torn-\(seq)" : "\(path).torn-\(seq)-\(n)"
            do {
                try writeFileNew(target, torn.bytes, mode: besideMode)
                return target
            } catch where error.code == EEXIST {
                n += 1
            }
        }
    }

    /// Lays out new lines after the scanned head: seq, stream versions, time and the hash chain.
    /// Each line's bytes end with its `\n`; every store writes exactly these.
    static func encode(_ events: [NewEvent], after scan: LogScan, actor: String, login: String?, now: Timestamp) throws(StoreError) -> ([[UInt8]], [LogRecord]) {
        var seq = scan.head?.seq ?? 0
        var prev = scan.head?.hash ?? genesisHash
        var versions = scan.streamVersions
        // Never earlier than the line before, so "recorded up to T" is always a prefix of the log.
        let recordedAt = max(now, scan.head?.recordedAt ?? now)
        var bytes: [[UInt8]] = []
        var records: [LogRecord] = []
        for event in events {
            seq += 1
            let version = (versions[event.stream] ?? 0) + 1
            versions[event.stream] = version
            // The first line of a several-line command says how many lines belong together, so a
            // write cut short part-way through is recognised as torn as a whole.
            let batch = records.isEmpty && events.count > 1 ? events.count : nil
            let (line, hash) = LogLine.encode(seq: seq, version: version, event: event, recordedAt: recordedAt,
                                              actor: actor, login: login, prev: prev, batch: batch)
            guard line.count - 1 <= LogLine.maxBytes else { throw .lineTooLong(bytes: line.count - 1) }
            bytes.append(line)
            records.append(LogRecord(line: scan.lines + records.count + 1, seq: seq, stream: event.stream,
                                     version: version, type: event.type, schema: event.schema, recordedAt: recordedAt,
                                     actor: actor, login: login, prevDigest: Digest(hex: prev), hashDigest: Digest(hex: hash),
                                     batch: batch))
            prev = hash
        }
        return (bytes, records)
    }

    /// Reads every line in chunks, checking each and the links between them.
    private func scan<T>(_ file: POSIXFile, limit: ReadLimit, wanted: [Int], resume: LogPosition?, indexing: Bool = false, decode: @Sendable (LogRecord, IndexedJSON) -> T,
                         visit: (LogRecord, T) -> String?) throws(StoreError) -> LogScan {
        var replay = InOrder<T>(limit: limit, wanted: wanted)
        let size: Int
        do { size = try file.size() } catch { throw .io(error) }
        var fileOffset = 0          // where reading starts
        // Room for the streams of a log this size (about one for every 2 KB, some five lines), so
        // the table is not rebuilt again and again as it grows.
        replay.result.streamVersions.reserveCapacity(min(size / 2048, 1 << 22))
        // A snapshot is used only when the line it ends on is still there with the hash it was taken at.
        if let stamp = resume {
            guard wanted.allSatisfy({ $0 > stamp.seq }), (try? lineEnding(at: stamp.offset, in: file, size: size)) == stamp else { throw .snapshotMismatch }
            replay.result.lines = stamp.seq
            replay.result.head = LogScan.Head(seq: stamp.seq, hash: stamp.hash, recordedAt: stamp.recordedAt)
            replay.result.streamVersions = stamp.streamVersions
            replay.result.headOffset = stamp.offset
            replay.result.resumedAfter = stamp.seq
            replay.chain = ChainCheck(expectedSeq: stamp.seq + 1, lastHash: Digest(hex: stamp.hash), lastRecordedAt: stamp.recordedAt)
            fileOffset = stamp.offset
        }
        if indexing, limit == .all { replay.index = LineIndex(continuingFrom: resume ?? .start, expectedLines: (size - fileOffset) / 400) }

        let reader: ChunkReader
        do throws(IOError) {
            reader = try replay.consumeAll(ChunkReader(file: file, offset: fileOffset, size: size, chunkSize: readChunkSize), decode: decode, visit: visit)
        } catch {
            throw .io(error)
        }
        if !replay.pending.isEmpty, replay.pending.allSatisfy({ $0.problem == nil }) {
            // A command's lines that did not all reach the disk: torn together with whatever follows.
            var bytes = [UInt8](repeating: 0, count: size - replay.pendingOffset)
            let got = bytes.withUnsafeMutableBytes { raw in Result { () throws(IOError) in try file.read(into: raw, at: replay.pendingOffset) } }
            do { _ = try got.get() } catch { throw .io(error) }
            replay.result.torn = LogScan.TornTail(line: replay.result.lines + 1, offset: replay.pendingOffset, bytes: bytes)
        } else {
            replay.takePending(visit: visit)
            if !reader.carry.isEmpty {
                replay.result.torn = LogScan.TornTail(line: replay.result.lines + 1, offset: reader.carryOffset, bytes: reader.carry)
            }
        }
        replay.redactions.settle(into: &replay.result)
        if limit == .all {
            if let index = replay.index, replay.result.problems.isEmpty { gatheredLines.keep(index, from: resume ?? .start) } else { gatheredLines.forget() }
        }
        return replay.result
    }
}

extension LogIdentity {
    /// The identity a log's first line gives (without its `\n`), if it is a valid first line.
    init?(firstLine line: [UInt8]) {
        var index = JSONObjectIndex()
        guard let found = line.withUnsafeBufferPointer({ b -> LogIdentity? in
            let (record, problem, payload) = withUnsafeMutablePointer(to: &index) { LogLine.decode(b, payloadIndex: $0) }
            guard let r = record, problem == nil, r.seq == 1,
                  case .success(.partnershipInitialised(_, let code)) = Event.decoded(r, IndexedJSON(bytes: UnsafeBufferPointer(rebasing: b[payload]), index: index))
            else { return nil }
            return LogIdentity(code: code, genesis: r.hash)
        }) else { return nil }
        self = found
    }
}

/// The in-order half of a scan: each decoded line checked against the one before and handed to
/// `visit`, the lines of a several-line command held back until the last of them is read.
/// A struct with mutating methods, not closures over local variables: those cost an exclusivity
/// check on every use, several per line.
struct InOrder<T> {
    var result = LogScan()
    var chain = ChainCheck()
    let limit: ReadLimit
    let wanted: [Int]
    /// False once a line beyond `limit` is met: later lines are still checked, not visited.
    var visiting = true
    var pending: [Decoded<T>] = []
    /// Where each held-back line ends in the file.
    var pendingEnds: [Int] = []
    var pendingNeeded = 0, pendingOffset = 0
    /// The lines taken so far, for the line index (nil when not gathering, or once a line had a problem).
    var index: LineIndex?
    var redactions = RedactionCheck()

    init(limit: ReadLimit, wanted: [Int]) {
        self.limit = limit
        self.wanted = wanted
    }

    /// Checks one line against the one before and hands it to `visit`.
    mutating func take(_ line: inout Decoded<T>, start: Int, end: Int, visit: (LogRecord, T) -> String?) {
        result.lines += 1
        // Changed in place, not copied: a copy of the problem costs a retain and a release on every line.
        if let fact = line.redaction, let record = line.record { line.problem = redactions.note(fact, on: record, line: result.lines, into: &result) }
        chain.check(line.record, line.problem, line: result.lines, into: &result, wanted: wanted)
        if index != nil {
            if line.problem == nil, let record = line.record, record.seq <= LineIndex.maxLines { index!.add(record, start: start, end: end) } else { index = nil }
        }
        // Moved out, not copied: a copy retains and later releases every string in the record and the event.
        guard visiting, line.problem == nil, var record = line.record.take(), let value = line.value.take() else { return }
        guard limit.includes(record) else { visiting = false; return }
        record.line = result.lines
        if let replayProblem = visit(record, value) {
            result.problems.append(LineProblem(line: result.lines, problem: replayProblem))
        }
    }

    /// Reads every chunk `reader` yields, parsed and hashed ahead on a background thread while the
    /// lines of earlier chunks are checked and replayed in order here; whenever this thread would
    /// wait for a chunk, it helps decode it instead. Returns the reader as it ended (its carry is a torn tail).
    mutating func consumeAll(_ reader: ChunkReader, decode: @Sendable (LogRecord, IndexedJSON) -> T,
                             visit: (LogRecord, T) -> String?) throws(IOError) -> ChunkReader {
        try withoutActuallyEscaping(decode) { decode throws(IOError) in
            let pipeline = ChunkPipeline(reader: reader, transform: decode)
            while let job = try pipeline.next() {
                for i in job.ranges.indices {
                    var line = job.takeLine(i)
                    consume(&line, at: job.base + job.ranges[i].lowerBound, end: job.base + job.ranges[i].upperBound + 1, visit: visit)
                }
                pipeline.done(with: job)
            }
            return pipeline.reader
        }
    }

    /// Takes every held-back line.
    mutating func takePending(visit: (LogRecord, T) -> String?) {
        var held = pending
        let ends = pendingEnds
        pending.removeAll()
        pendingEnds.removeAll()
        var start = pendingOffset
        for i in held.indices {
            take(&held[i], start: start, end: ends[i], visit: visit)
            start = ends[i]
        }
    }

    /// Hands one decoded line, which lies at `start..<end` in the file, to the checks, holding back
    /// the lines of a several-line command until the last of them is read.
    mutating func consume(_ line: inout Decoded<T>, at start: Int, end: Int, visit: (LogRecord, T) -> String?) {
        if pending.isEmpty, let n = line.record?.batch, line.problem == nil, n <= EventLog.largestBatch {
            pendingNeeded = n
            pendingOffset = start
        }
        if pendingNeeded > 0, let first = pending.first?.record, let last = pending.last?.record,
           !LogLine.continues(line.record, batchOf: first, after: last) {
            // Not the same command after all: the marker was wrong. Say so, and read on.
            let firstLine = result.lines + 1, offending = result.lines + pending.count + 1
            takePending(visit: visit)
            result.problems.append(LineProblem(line: firstLine, problem:
                "the line says one command wrote \(pendingNeeded) lines together, but line \(offending) is not one of them"))
            pendingNeeded = 0
        }
        if pendingNeeded > 0 {
            pending.append(line)
            pendingEnds.append(end)
            if pending.count < pendingNeeded { return }
            takePending(visit: visit)
            pendingNeeded = 0
        } else {
            take(&line, start: start, end: end, visit: visit)
        }
        result.headOffset = end
    }
}

extension EventLog {
    /// The seq, hash and time of the complete line that ends just before `offset`, read from the file
    /// and checked against its own hash; nil when there is no such valid line.
    fileprivate func lineEnding(at offset: Int, in file: POSIXFile, size: Int) throws -> LogPosition? {
        guard offset > 0, offset <= size else { return nil }
        var window = 4096
        while true {
            let start = max(0, offset - window)
            var bytes = [UInt8](repeating: 0, count: offset - start)
            let got = try bytes.withUnsafeMutableBytes { raw in try file.read(into: raw, at: start) }
            guard got == bytes.count, bytes.last == 0x0A else { return nil }
            let body = bytes.dropLast()
            if let nl = body.lastIndex(of: 0x0A) {
                return decodeStamp(Array(body[(nl + 1)...]), offset: offset)
            }
            if start == 0 { return decodeStamp(Array(body), offset: offset) }
            window *= 4
        }
    }

    private func decodeStamp(_ line: [UInt8], offset: Int) -> LogPosition? {
        let (record, problem) = line.withUnsafeBufferPointer { LogLine.decode($0) }
        guard let r = record, problem == nil else { return nil }
        return LogPosition(seq: r.seq, hash: r.hash, offset: offset, recordedAt: r.recordedAt, streamVersions: StreamVersions())
    }
}

/// A redaction relied on: line `line` (seq `seq`) holds bytes other than its hash covers, vouched for
/// by the `line_redacted` event at seq `vouchedBy`.
public struct RedactionRelied: Equatable, Sendable {
    public var line: Int
    public var seq: Int
    public var vouchedBy: Int
}

/// Accepts a changed line only when a later `line_redacted` line vouches for exactly the bytes it has
/// now and names the hash it keeps; every other change, and every vouch that matches nothing, is a problem.
struct RedactionCheck {
    private struct Changed {
        var line: Int
        var stream: String
        var hash: Digest?
        var now: Digest
        /// The seq of the latest vouch for this line, and whether it named these bytes.
        var lastVouch: (seq: Int, matches: Bool)?
    }
    private var changed: [Int: Changed] = [:]

    /// Notes what a line says about a redaction; returns the line's problem as far as it is known now
    /// (a changed line's waits for the vouches after it).
    mutating func note(_ fact: RedactionFact, on record: LogRecord, line: Int, into result: inout LogScan) -> String? {
        switch fact.kind {
        case .changed(let now):
            changed[record.seq] = Changed(line: line, stream: record.stream, hash: record.hashDigest, now: now)
            return nil
        case let .vouches(seq, original, now):
            guard var target = changed[seq] else {
                // A line before the snapshot this read began after is not read again here; `verify` reads it.
                if let resumed = result.resumedAfter, seq <= resumed { return nil }
                result.problems.append(LineProblem(line: line, problem: seq < record.seq
                    ? "it vouches for a redaction of seq \(seq), but that line is as it was written, or has other problems"
                    : "it vouches for a redaction of seq \(seq), which does not come before it"))
                return nil
            }
            // The redaction joins the stream of the line it redacts, and names the hash that line keeps.
            guard target.hash == original, target.stream == record.stream else {
                result.problems.append(LineProblem(line: line, problem: target.hash == original
                    ? "it vouches for a redaction of seq \(seq), which is in stream \(target.stream), not \(record.stream)"
                    : "it vouches for a redaction of seq \(seq) whose hash is not the one that line keeps"))
                return nil
            }
            target.lastVouch = (record.seq, target.now == now)
            changed[seq] = target
            return nil
        }
    }

    /// After the last line: each changed line is accepted only if the latest vouch for it names its bytes.
    mutating func settle(into result: inout LogScan) {
        guard !changed.isEmpty else { return }
        for (seq, c) in changed.sorted(by: { $0.key < $1.key }) {
            if let v = c.lastVouch, v.matches {
                result.redactions.append(RedactionRelied(line: c.line, seq: seq, vouchedBy: v.seq))
            } else {
                result.problems.append(LineProblem(line: c.line, problem: LogLine.changedProblem + (c.lastVouch == nil
                    ? ", and no redaction later in the log vouches for it"
                    : ", and its bytes are not those the latest redaction of it vouches for")))
            }
        }
        changed = [:]
        result.problems.sort { $0.line < $1.line }
    }
}

/// The checks that link each line to the one before: seq, prev, stream version, time order.
struct ChainCheck {
    var expectedSeq = 1
    /// The hash of the line before (nil if it was not 64 hex digits, so nothing links to it).
    var lastHash: Digest? = Digest(hex: genesisHash)
    /// False after a line that could not be read at all: its hash is unknown, so the link is not checked.
    var lastKnown = true
    var lastRecordedAt: Timestamp?

    mutating func check(_ record: LogRecord?, _ problem: String?, line: Int, into result: inout LogScan, wanted: [Int]) {
        var problems: [String] = problem.map { [$0] } ?? []
        guard let r = record else {
            result.problems.append(LineProblem(line: line, problem: problems[0]))
            expectedSeq += 1
            lastKnown = false
            return
        }
        if r.seq != expectedSeq {
            problems.append("seq is \(r.seq) where \(expectedSeq) was expected: a line is missing, repeated or out of order")
        }
        if lastKnown, r.prevDigest == nil || r.prevDigest != lastHash {
            problems.append("prev does not match the hash of the line before: a line was removed, inserted or replaced")
        }
        let expectedVersion = result.streamVersions.advance(r.stream, to: r.version) + 1
        if r.version != expectedVersion {
            problems.append("version \(r.version) of stream \(r.stream) where \(expectedVersion) was expected")
        }
        if let t = lastRecordedAt, r.recordedAt < t {
            problems.append("recorded_at \(r.recordedAt) is earlier than the line before")
        }
        for p in problems { result.problems.append(LineProblem(line: line, problem: p)) }
        result.head = LogScan.Head(seq: r.seq, hash: r.hashDigest, recordedAt: r.recordedAt)
        if !wanted.isEmpty, wanted.contains(r.seq) { result.requestedHashes[r.seq] = r.hash }
        expectedSeq = r.seq + 1
        lastHash = r.hashDigest
        lastKnown = true
        lastRecordedAt = r.recordedAt
    }
}

/// Writes a new log from many events at once (benchmarks, imports): one lock, buffered writes,
/// one `fsync` at the end. Lines are byte-for-byte what `append` would write.
public final class BulkWriter {
    private let file: POSIXFile
    private let path: String
    private var scan = LogScan()
    private var buffer: [UInt8] = []

    /// Creates the log; fails if anything exists at the path.
    public init(creating path: String) throws {
        self.path = path
        let dir = parentDirectory(of: path)
        if !fileExists(dir) { mkdir(dir, 0o700) }
        file = try POSIXFile.open(path, flags: O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW, mode: 0o600)
        try file.setMode(0o600)
        try file.lock(exclusive: true)
        buffer.reserveCapacity(1 << 20)
    }

    public var lines: Int { scan.head?.seq ?? 0 }

    /// Adds events as one command's worth, recorded at `time` by `actor`.
    public func append(_ events: [Event], actor: String, at time: Timestamp) throws {
        try append(events.map(\.newEvent), actor: actor, at: time)
    }

    func append(_ events: [NewEvent], actor: String, at time: Timestamp) throws {
        var seq = scan.head?.seq ?? 0
        var prev = scan.head?.hash ?? genesisHash
        let recordedAt = max(time, scan.head?.recordedAt ?? time)
        for (i, event) in events.enumerated() {
            seq += 1
            let version = (scan.streamVersions[event.stream] ?? 0) + 1
            scan.streamVersions[event.stream] = version
            let (line, hash) = LogLine.encode(seq: seq, version: version, event: event, recordedAt: recordedAt, actor: actor, prev: prev,
                                              batch: i == 0 && events.count > 1 ? events.count : nil)
            buffer.append(contentsOf: line)
            prev = hash
        }
        scan.head = LogScan.Head(seq: seq, hash: prev, recordedAt: recordedAt)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try file.writeAll(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and makes it durable.
    public func finish() throws {
        try flush()
        try file.sync()
        try syncDirectory(of: path)
    }
}
