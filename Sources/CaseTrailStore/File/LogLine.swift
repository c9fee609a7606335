import CaseTrailCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One committed line of the log, read back: its envelope. The payload is read from the line's
/// bytes while the line is being read (`DecodedEvent`), and is not kept here.
public struct LogRecord: Equatable, Sendable {
    public var line: Int
    public var seq: Int
    public var stream: String
    public var version: Int
    public var type: String
    public var schema: Int
    public var recordedAt: Timestamp
    public var actor: String
    /// The operating-system account that wrote the line, when it was recorded (older lines do not say).
    public var login: String?
    /// The chain links as digests (nil where the line's text is not 64 lower-case hex digits, which
    /// then matches nothing): compared on every line, so never made into strings there.
    var prevDigest: Digest?
    var hashDigest: Digest?
    /// On the first line of a command that wrote several: how many lines it wrote together.
    public var batch: Int? = nil

    public var prev: String { prevDigest?.hex ?? "" }
    public var hash: String { hashDigest?.hex ?? "" }
}

/// An event to be appended as the line format sees it: the store adds seq, version, time, actor and the chain.
struct NewEvent: Equatable, Sendable {
    var stream: String
    var type: String
    var schema: Int
    var data: JSONValue

    init(stream: String, type: String, schema: Int, data: JSONValue) {
        self.stream = stream
        self.type = type
        self.schema = schema
        self.data = data
    }
}

/// The hash of the line before the first: 64 zeros.
public let genesisHash = String(repeating: "0", count: 64)

/// The encoding of a line and its hash. The hash covers the previous hash and the exact bytes
/// written without the hash member, which is always last: `…,"prev":"…"` + `}`.
public enum LogLine {
    /// The seq and stream versions a line may carry: far more than any log holds, and exact in JSON readers that use doubles.
    static let counts = 1...(1 << 53)
    /// The payload schemas a line may name.
    static let schemas = 1...1_000
    /// The longest line the log may hold: a command that would write a longer one is refused, and a
    /// longer line read is a problem on its line, never parsed.
    public static let maxBytes = 1 << 20

    /// `,"hash":"` + 64 hex digits + `"}`.
    static let hashSuffixLength = 75
    static let hashMarker: [UInt8] = {
        let name = Envelope.Key.hash.asWritten
        return Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)) + [UInt8(ascii: "\"")]
    }()

    /// Builds the bytes of one line, `\n` included, and returns its hash.
    static func encode(seq: Int, version: Int, event: NewEvent, recordedAt: Timestamp, actor: String, login: String? = nil,
                       prev: String, batch: Int? = nil) -> (bytes: [UInt8], hash: String) {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        // Each name as `Envelope.parseAsWritten` expects it, so writer and reader share one spelling.
        func name(_ key: Envelope.Key) {
            out.append(contentsOf: UnsafeBufferPointer(start: key.asWritten.utf8Start, count: key.asWritten.utf8CodeUnitCount))
        }
        name(.seq); out.append(contentsOf: String(seq).utf8)
        name(.stream); JSONValue.writeString(event.stream, into: &out)
        name(.version); out.append(contentsOf: String(version).utf8)
        name(.type); JSONValue.writeString(event.type, into: &out)
        name(.schema); out.append(contentsOf: String(event.schema).utf8)
        name(.recordedAt); out.append(contentsOf: "\"\(recordedAt)\"".utf8)
        name(.actor); JSONValue.writeString(actor, into: &out)
        if let login { name(.login); JSONValue.writeString(login, into: &out) }
        name(.data); event.data.write(into: &out)
        if let n = batch { name(.batch); out.append(contentsOf: String(n).utf8) }
        name(.prev); out.append(contentsOf: "\"\(prev)\"".utf8)
        let hash = out.withUnsafeBytes { body in digest(prev: prev, body: body) }.hex
        out.append(contentsOf: hashMarker)
        out.append(contentsOf: hash.utf8)
        out.append(contentsOf: "\"}\n".utf8)
        return (out, hash)
    }

    /// SHA-256 over the previous hash's hex and the line's bytes before its hash member, closed with `}`.
    static func digest(prev: String, body: UnsafeRawBufferPointer) -> Digest {
        var prevHex = prev
        return prevHex.withUTF8 { SHA256.digest(UnsafeRawBufferPointer($0), body, then: UInt8(ascii: "}")) }
    }

    /// Reads one line (without its `\n`): parses the envelope and checks the line's own hash.
    /// A record whose hash does not match is still returned, with the problem, so the chain check
    /// of the next line is not thrown off. Chain links (seq, prev) are checked by the caller.
    static func decode(_ line: UnsafeBufferPointer<UInt8>) -> (record: LogRecord?, problem: String?) {
        var index = JSONObjectIndex()
        let (record, problem, _) = withUnsafeMutablePointer(to: &index) { decode(line, payloadIndex: $0) }
        return (record, problem)
    }

    /// As `decode(_:)`, noting the payload's members in `payloadIndex`; `payload` says where its
    /// (checked) text lies in `line`, for a caller that reads the payload from the bytes itself.
    static func decode(_ line: UnsafeBufferPointer<UInt8>,
                       payloadIndex: UnsafeMutablePointer<JSONObjectIndex>) -> (record: LogRecord?, problem: String?, payload: Range<Int>) {
        guard line.count <= maxBytes else {
            return (nil, "the line is \(line.count) bytes long, more than the \(maxBytes) bytes a line may be", 0..<0)
        }
        guard var e = Envelope.parse(line, payloadIndex: payloadIndex) else { return (nil, slowProblem(line), 0..<0) }
        // The strings are moved out of the envelope, not copied: a copy costs a retain and a release each.
        guard let seq = e.seq, let stream = e.stream.take(), let version = e.version, let type = e.type.take(), let schema = e.schema,
              let recorded = e.recordedAt, let actor = e.actor.take(), e.hasData, e.hasPrev, e.hasHash, e.loginIsText else {
            if e.recordedAtText != nil && e.recordedAt == nil {
                return (nil, "recorded_at '\(e.recordedAtText!)' is not a UTC timestamp", 0..<0)
            }
            return (nil, "the line lacks an envelope field (seq, stream, version, type, schema, recorded_at, actor, data, prev, hash)", 0..<0)
        }
        // Numbers a forger or a damaged byte could make anything: out of range, the line is not read
        // at all (its neighbours' links are then not checked against it), rather than overflowing later.
        for (name, value, range) in [("seq", seq, LogLine.counts), ("version", version, LogLine.counts), ("schema", schema, LogLine.schemas)]
        where !range.contains(value) {
            return (nil, "\(name) \(value) is out of range (\(range.lowerBound) to \(range.upperBound))", 0..<0)
        }
        let record = LogRecord(line: 0, seq: seq, stream: stream, version: version, type: type, schema: schema,
                               recordedAt: recorded, actor: actor, login: e.login.take(), prevDigest: e.prev, hashDigest: e.hash,
                               batch: e.batch.flatMap { $0 > 1 ? $0 : nil })
        let n = line.count
        guard n > hashSuffixLength, line[n - 1] == UInt8(ascii: "}"), line[n - 2] == UInt8(ascii: "\""),
              hashMarker.indices.allSatisfy({ line[n - hashSuffixLength + $0] == hashMarker[$0] }),
              let hash = e.hash else {
            return (record, "the hash member is not the line's last member, as 64 hex digits", e.dataText)
        }
        let body = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[0..<(n - hashSuffixLength)]))
        // The hash covers the previous hash's text as written on this line.
        let prevText = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[e.prevText]))
        guard SHA256.digest(prevText, body, then: UInt8(ascii: "}")) == hash else {
            return (record, changedProblem, e.dataText)
        }
        return (record, nil, e.dataText)
    }

    /// Whether `next` is the following line of the same command as the batch that began with `first`:
    /// same actor and time, the next seq, chained to the line before. Only then is a batch believed.
    static func continues(_ next: LogRecord?, batchOf first: LogRecord, after last: LogRecord) -> Bool {
        guard let r = next else { return false }
        return r.actor == first.actor && r.recordedAt == first.recordedAt && r.seq == last.seq + 1
            && r.prevDigest != nil && r.prevDigest == last.hashDigest
    }

    /// Why a line the envelope reader refused is not an event, worded by the general JSON reader.
    static func slowProblem(_ line: UnsafeBufferPointer<UInt8>) -> String {
        if line.isEmpty { return "the line is empty, not an event" }
        do {
            guard case .object = try JSONValue.parse(line) else { return "the line is not a JSON object" }
            return "the line lacks an envelope field (seq, stream, version, type, schema, recorded_at, actor, data, prev, hash)"
        } catch {
            return "the line is not valid JSON (\(error))"
        }
    }
}

/// An integrity problem on one line of the log.
public struct LineProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let problem: String
    public init(line: Int, problem: String) { self.line = line; self.problem = problem }
    public var description: String { "line \(line): \(problem)" }
}

/// A line as read: the record (if it parsed), its problem (if any), the caller's decoding of it, and
/// what it says about a redaction (nil on almost every line).
typealias Decoded<T> = (record: LogRecord?, problem: String?, value: T?, redaction: RedactionFact?)

/// What one line says about a redaction: that its bytes are no longer those its hash covers (with
/// the SHA-256 of the bytes it has now), or, on a `line_redacted` line, which line's new bytes it vouches for.
final class RedactionFact: Sendable {
    enum Kind: Sendable {
        case changed(now: Digest)
        case vouches(seq: Int, original: Digest, now: Digest)
    }
    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }
}

extension LogLine {
    /// The problem of a line whose bytes do not give its hash.
    static let changedProblem = "hash mismatch: the line was changed after it was written"
    /// The type of the line that vouches for a redacted line's new bytes: the store's one exception to "never changed".
    static let redactionType = "line_redacted"

    /// Reads one line for replay: its record, problem and the caller's decoding of it. A line whose
    /// only fault is that it was changed is still decoded (a redaction later in the log may vouch for
    /// it), with the digest of its bytes; a redaction's line says what it vouches for.
    @inline(__always)
    static func decodeForReplay<T>(_ line: UnsafeBufferPointer<UInt8>, index: UnsafeMutablePointer<JSONObjectIndex>,
                                   transform: (LogRecord, IndexedJSON) -> T) -> Decoded<T> {
        let (record, problem, payload) = decode(line, payloadIndex: index)
        guard let record else { return (nil, problem, nil, nil) }
        let json = IndexedJSON(bytes: UnsafeBufferPointer(rebasing: line[payload]), index: index.pointee)
        if problem == nil {
            // The length first: a line of every other type is turned away without comparing text.
            let vouches = record.type.utf8.count == redactionType.utf8.count && record.type == redactionType
            return (record, nil, transform(record, json), vouches ? vouch(in: json) : nil)
        }
        guard problem == changedProblem else { return (record, problem, nil, nil) }
        let now = Digest(hex: SHA256.hex(UnsafeRawBufferPointer(line)))
        return (record, problem, transform(record, json), now.map { RedactionFact(.changed(now: $0)) })
    }

    /// What a `line_redacted` payload vouches for, if it says it in full.
    private static func vouch(in json: IndexedJSON) -> RedactionFact? {
        let f = Fields(type: redactionType, json: json)
        guard let seq = try? f.seq("seq"), let original = try? Digest(hex: f.string("original_hash")),
              let now = try? Digest(hex: f.string("sha256")) else { return nil }
        return RedactionFact(.vouches(seq: seq, original: original, now: now))
    }
}

/// The envelope as a `Codable` value, for tools and for checking the fast reader against Foundation's
/// decoder. The log is never written through it: `LogLine.encode` fixes the bytes.
public struct LogEnvelope: Codable, Equatable, Sendable {
    public var seq: Int
    public var stream: String
    public var version: Int
    public var type: String
    public var schema: Int
    public var recorded_at: String
    public var actor: String
    public var data: JSONValue
    public var batch: Int?
    public var prev: String
    public var hash: String
}

extension LogLine {
    /// The fast reader's view of one line with its payload as a tree, for comparison with `LogEnvelope` (tests and tools).
    static func read(_ line: [UInt8]) -> (record: LogRecord?, payload: JSONValue?, problem: String?) {
        line.withUnsafeBufferPointer { bytes in
            var index = JSONObjectIndex()
            let (record, problem, payload) = withUnsafeMutablePointer(to: &index) { decode(bytes, payloadIndex: $0) }
            let tree = record == nil ? nil : try? JSONValue.parse(UnsafeBufferPointer(rebasing: bytes[payload]))
            return (record, tree, problem)
        }
    }
}

/// The envelope read straight from a line's bytes: the members are picked out by name as they are
/// met, without building a tree for the envelope itself; the payload is checked and indexed, not built.
/// Fields of the wrong JSON type stay nil; a repeated member makes the line unreadable.
struct Envelope {
    var seq: Int?, version: Int?, schema: Int?, batch: Int?
    var stream: String?, type: String?, actor: String?, login: String?
    /// False when a `login` member is there but is not text (then the line lacks a field it needs).
    var loginIsText = true
    /// The chain links: present or not, and their digests when they are 64 lower-case hex digits.
    var hasPrev = false, hasHash = false
    var prev: Digest?, hash: Digest?
    /// Where the text of `prev` lies in the line (the hash covers it as written).
    var prevText = 0..<0
    var recordedAt: Timestamp?, recordedAtText: String?
    /// Whether the payload is there, and where its text (checked, and indexed by `parse`) lies.
    var hasData = false
    var dataText = 0..<0

    /// nil when the bytes are not one JSON object (the caller then asks the general reader why).
    /// The payload is checked and its members noted in `payloadIndex`; no tree of it is built.
    static func parse(_ line: UnsafeBufferPointer<UInt8>, payloadIndex: UnsafeMutablePointer<JSONObjectIndex>) -> Envelope? {
        parseAsWritten(line, payloadIndex: payloadIndex) ?? parseAnyLayout(line, payloadIndex: payloadIndex)
    }

    /// The envelope in the one layout `LogLine.encode` writes (every line casetrail wrote): each name
    /// is checked where it must be rather than looked up, and no spaces are skipped. Nil for any other
    /// layout, which `parseAnyLayout` then reads; both read the values alike.
    static func parseAsWritten(_ line: UnsafeBufferPointer<UInt8>, payloadIndex: UnsafeMutablePointer<JSONObjectIndex>) -> Envelope? {
        var p = JSONParser(bytes: line)
        var e = Envelope()
        /// Whether `text` is at the parser's position, moving past it if so.
        func expect(_ text: StaticString) -> Bool {
            let n = text.utf8CodeUnitCount
            guard p.pos + n <= line.count, memcmp(line.baseAddress! + p.pos, text.utf8Start, n) == 0 else { return false }
            p.pos += n
            return true
        }
        do {
            for key in Key.writtenOrder {
                if key == .data, expect(Key.login.asWritten) { try e.read(.login, from: &p, payloadIndex: payloadIndex) }
                guard expect(key.asWritten) else { return nil }
                try e.read(key, from: &p, payloadIndex: payloadIndex)
            }
            if expect(Key.batch.asWritten) { try e.read(.batch, from: &p, payloadIndex: payloadIndex) }
            guard expect(Key.prev.asWritten) else { return nil }
            try e.read(.prev, from: &p, payloadIndex: payloadIndex)
            guard expect(Key.hash.asWritten) else { return nil }
            try e.read(.hash, from: &p, payloadIndex: payloadIndex)
            guard expect("}"), p.pos == line.count else { return nil }
            return e
        } catch {
            return nil
        }
    }

    /// The envelope in any layout JSON allows: members in any order, spaces anywhere, unknown members passed over.
    static func parseAnyLayout(_ line: UnsafeBufferPointer<UInt8>, payloadIndex: UnsafeMutablePointer<JSONObjectIndex>) -> Envelope? {
        var p = JSONParser(bytes: line)
        var e = Envelope()
        var seen: UInt16 = 0
        var others: [String] = []
        do {
            p.skipSpace()
            guard p.pos < line.count, line[p.pos] == UInt8(ascii: "{") else { return nil }
            p.pos += 1
            p.skipSpace()
            if p.pos < line.count, line[p.pos] == UInt8(ascii: "}") { p.pos += 1 } else {
                while true {
                    p.skipSpace()
                    guard p.pos < line.count, line[p.pos] == UInt8(ascii: "\"") else { return nil }
                    let key = Key(keyAt: &p)
                    // A repeated member (known or not) is refused; the general reader then says which.
                    if key != .other && seen & key.bit != 0 { return nil }
                    seen |= key.bit
                    if key == .other {
                        let name = try p.string()
                        if others.contains(name) { return nil }
                        others.append(name)
                    }
                    p.skipSpace()
                    guard p.pos < line.count, line[p.pos] == UInt8(ascii: ":") else { return nil }
                    p.pos += 1
                    p.skipSpace()
                    try e.read(key, from: &p, payloadIndex: payloadIndex)
                    p.skipSpace()
                    guard p.pos < line.count else { return nil }
                    if line[p.pos] == UInt8(ascii: ",") { p.pos += 1; continue }
                    if line[p.pos] == UInt8(ascii: "}") { p.pos += 1; break }
                    return nil
                }
            }
            p.skipSpace()
            guard p.pos == line.count else { return nil }
            return e
        } catch {
            return nil
        }
    }

    /// Reads the value of member `key` at the parser's position (`.other`: checks it and passes over it).
    mutating func read(_ key: Key, from p: inout JSONParser, payloadIndex: UnsafeMutablePointer<JSONObjectIndex>) throws(JSONError) {
        let line = p.bytes
        switch key {
        case .seq: seq = try p.integerValue()
        case .version: version = try p.integerValue()
        case .schema: schema = try p.integerValue()
        case .batch: batch = try p.integerValue()
        case .stream: stream = try p.stringValue()
        case .type: type = try p.stringValue()
        case .actor: actor = try p.stringValue()
        case .login:
            login = try p.stringValue()
            loginIsText = login != nil
        case .prev: (hasPrev, prev, prevText) = try Envelope.hexString(&p)
        case .hash: (hasHash, hash, _) = try Envelope.hexString(&p)
        case .data:
            let start = p.pos
            try p.skipValue(indexingInto: &payloadIndex.pointee)
            hasData = true
            dataText = start..<p.pos
        case .recordedAt:
            // Read from the bytes; the text is only made into a string to report a bad one.
            if p.pos < line.count, line[p.pos] == UInt8(ascii: "\""), let raw = try p.plainString() {
                let text = UnsafeBufferPointer(rebasing: line[raw])
                recordedAt = Timestamp(utf8: text)
                if recordedAt == nil { recordedAtText = String(decoding: text, as: UTF8.self) }
            } else {
                let text = try p.value(depth: 1).stringValue
                recordedAtText = text
                recordedAt = text.flatMap(Timestamp.init)
            }
        case .other: _ = try p.value(depth: 1)
        }
    }

    /// A member that should be 64 hex digits: whether it is a string at all (like the other fields,
    /// one of another type counts as missing), its digest if it is those digits, and where its text
    /// lies. Any other string (escapes, other text) has no digest, so it links to nothing.
    static func hexString(_ p: inout JSONParser) throws(JSONError) -> (isString: Bool, digest: Digest?, text: Range<Int>) {
        let start = p.pos + 1
        if p.pos + 65 < p.bytes.count, p.bytes[p.pos] == UInt8(ascii: "\""), p.bytes[p.pos + 65] == UInt8(ascii: "\""),
           let d = Digest(hex: UnsafeBufferPointer(rebasing: p.bytes[start..<(start + 64)])) {
            p.pos += 66
            return (true, d, start..<(start + 64))
        }
        let value = try p.value(depth: 1)
        return (value.stringValue != nil, nil, start..<max(start, p.pos - 1))
    }

    /// The envelope's member names, recognised from their bytes.
    enum Key: UInt16 {
        case seq = 1, stream = 2, version = 4, type = 8, schema = 16, recordedAt = 32, actor = 64, data = 128, prev = 256, hash = 512
        case batch = 1024, login = 2048, other = 0

        var bit: UInt16 { rawValue }

        /// The members before `data`, in the order `LogLine.encode` writes them.
        static let writtenOrder: [Key] = [.seq, .stream, .version, .type, .schema, .recordedAt, .actor, .data]

        /// How the member's name is written, with what comes before it, in the layout `LogLine.encode` writes.
        var asWritten: StaticString {
            switch self {
            case .seq: return "{\"seq\":"
            case .stream: return ",\"stream\":"
            case .version: return ",\"version\":"
            case .type: return ",\"type\":"
            case .schema: return ",\"schema\":"
            case .recordedAt: return ",\"recorded_at\":"
            case .actor: return ",\"actor\":"
            case .data: return ",\"data\":"
            case .batch: return ",\"batch\":"
            case .login: return ",\"login\":"
            case .prev: return ",\"prev\":"
            case .hash: return ",\"hash\":"
            case .other: return ""
            }
        }

        /// Reads a plain `"name"` at the parser's position and names it; anything unusual (escapes,
        /// other names) is `.other`, with the parser left at the opening quote to read it in full.
        init(keyAt p: inout JSONParser) {
            let start = p.pos + 1
            var end = start
            while end < p.bytes.count, p.bytes[end] != UInt8(ascii: "\""), p.bytes[end] != UInt8(ascii: "\\") { end += 1 }
            guard end < p.bytes.count, p.bytes[end] == UInt8(ascii: "\"") else { self = .other; return }
            let name = UnsafeBufferPointer(rebasing: p.bytes[start..<end])
            // The one candidate with this first letter and length, then its bytes compared.
            let candidate: Key
            switch (name.first ?? 0, name.count) {
            case (UInt8(ascii: "s"), 3): candidate = .seq
            case (UInt8(ascii: "s"), 6): candidate = name[1] == UInt8(ascii: "t") ? .stream : .schema
            case (UInt8(ascii: "v"), 7): candidate = .version
            case (UInt8(ascii: "t"), 4): candidate = .type
            case (UInt8(ascii: "r"), 11): candidate = .recordedAt
            case (UInt8(ascii: "a"), 5): candidate = .actor
            case (UInt8(ascii: "l"), 5): candidate = .login
            case (UInt8(ascii: "d"), 4): candidate = .data
            case (UInt8(ascii: "p"), 4): candidate = .prev
            case (UInt8(ascii: "h"), 4): candidate = .hash
            case (UInt8(ascii: "b"), 5): candidate = .batch
            default: candidate = .other
            }
            let found = candidate.spelled(by: name) ? candidate : .other
            if found != .other { p.pos = end + 1 }
            self = found
        }

        /// Whether `bytes` are this member's name: `asWritten` without the `{"` or `,"` before it and the `":` after.
        func spelled(by bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard self != .other else { return false }
            let written = asWritten
            return bytes.count == written.utf8CodeUnitCount - 4 && memcmp(written.utf8Start + 2, bytes.baseAddress!, bytes.count) == 0
        }
    }
}
