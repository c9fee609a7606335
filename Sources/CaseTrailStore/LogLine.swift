import CaseTrailCore
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One committed line of the log, read back: the envelope and its payload.
public struct LogRecord: Equatable, Sendable {
    public var line: Int
    public var seq: Int
    public var stream: String
    public var version: Int
    public var type: String
    public var schema: Int
    public var recordedAt: Timestamp
    public var actor: String
    public var data: JSONValue
    public var prev: String
    public var hash: String
}

/// An event the caller wants appended: the store adds seq, version, time, actor and the chain.
public struct NewEvent: Equatable, Sendable {
    public var stream: String
    public var type: String
    public var schema: Int
    public var data: JSONValue

    public init(stream: String, type: String, schema: Int, data: JSONValue) {
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
    /// `,"hash":"` + 64 hex digits + `"}`.
    static let hashSuffixLength = 75
    static let hashMarker = Array(",\"hash\":\"".utf8)

    /// Builds the bytes of one line, `\n` included, and returns its hash.
    static func encode(seq: Int, version: Int, event: NewEvent, recordedAt: Timestamp, actor: String,
                       prev: String) -> (bytes: [UInt8], hash: String) {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(contentsOf: "{\"seq\":\(seq),\"stream\":".utf8)
        JSONValue.writeString(event.stream, into: &out)
        out.append(contentsOf: ",\"version\":\(version),\"type\":".utf8)
        JSONValue.writeString(event.type, into: &out)
        out.append(contentsOf: ",\"schema\":\(event.schema),\"recorded_at\":\"\(recordedAt)\",\"actor\":".utf8)
        JSONValue.writeString(actor, into: &out)
        out.append(contentsOf: ",\"data\":".utf8)
        event.data.write(into: &out)
        out.append(contentsOf: ",\"prev\":\"\(prev)\"".utf8)
        let hash = out.withUnsafeBytes { body in digest(prev: prev, body: body) }
        out.append(contentsOf: hashMarker)
        out.append(contentsOf: hash.utf8)
        out.append(contentsOf: "\"}\n".utf8)
        return (out, hash)
    }

    /// SHA-256 over the previous hash's hex and the line's bytes before its hash member, closed with `}`.
    static func digest(prev: String, body: UnsafeRawBufferPointer) -> String {
        var sha = SHA256()
        var prevHex = prev
        prevHex.withUTF8 { sha.update(UnsafeRawBufferPointer($0)) }
        sha.update(body)
        withUnsafeBytes(of: UInt8(ascii: "}")) { sha.update($0) }
        return hexString(sha.finalize())
    }

    /// Reads one line (without its `\n`): parses the envelope and checks the line's own hash.
    /// A record whose hash does not match is still returned, with the problem, so the chain check
    /// of the next line is not thrown off. Chain links (seq, prev) are checked by the caller.
    static func decode(_ line: UnsafeBufferPointer<UInt8>) -> (record: LogRecord?, problem: String?) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(line)
        } catch {
            return (nil, line.isEmpty ? "the line is empty, not an event" : "the line is not valid JSON (\(error))")
        }
        guard case .object = json else { return (nil, "the line is not a JSON object") }
        guard let seq = json["seq"]?.intValue, let stream = json["stream"]?.stringValue,
              let version = json["version"]?.intValue, let type = json["type"]?.stringValue,
              let schema = json["schema"]?.intValue, let recorded = json["recorded_at"]?.stringValue,
              let actor = json["actor"]?.stringValue, let data = json["data"],
              let prev = json["prev"]?.stringValue, let hash = json["hash"]?.stringValue else {
            return (nil, "the line lacks an envelope field (seq, stream, version, type, schema, recorded_at, actor, data, prev, hash)")
        }
        guard let recordedAt = Timestamp(recorded) else { return (nil, "recorded_at '\(recorded)' is not a UTC timestamp") }
        let record = LogRecord(line: 0, seq: seq, stream: stream, version: version, type: type, schema: schema,
                               recordedAt: recordedAt, actor: actor, data: data, prev: prev, hash: hash)
        let n = line.count
        guard n > hashSuffixLength, line[n - 1] == UInt8(ascii: "}"), line[n - 2] == UInt8(ascii: "\""),
              hashMarker.indices.allSatisfy({ line[n - hashSuffixLength + $0] == hashMarker[$0] }),
              isHex64(hash) else {
            return (record, "the hash member is not the line's last member, as 64 hex digits")
        }
        let body = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[0..<(n - hashSuffixLength)]))
        guard digest(prev: prev, body: body) == hash else {
            return (record, "hash mismatch: the line was changed after it was written")
        }
        return (record, nil)
    }

    /// Decodes many lines of one buffer, split across the machine's cores: parsing and hashing
    /// a line needs nothing from its neighbours, so only the linking afterwards is sequential.
    static func decodeInParallel<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ ranges: [Range<Int>],
                                    then transform: @Sendable (LogRecord) -> T) -> [Decoded<T>] {
        let workers = ranges.count < 256 ? 1 : min(max(1, cores), 8)
        return withoutActuallyEscaping(transform) { transform in
            Array(unsafeUninitializedCapacity: ranges.count) { results, count in
                let shared = SharedBuffers(bytes: bytes, results: results, transform: transform)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let from = ranges.count * worker / workers, to = ranges.count * (worker + 1) / workers
                    for i in from..<to {
                        var (record, problem) = decode(UnsafeBufferPointer(rebasing: shared.bytes[ranges[i]]))
                        let value = problem == nil ? record.map(shared.transform) : nil
                        // The caller has its own decoding now; free the payload tree here, in parallel.
                        if value != nil, T.self != Void.self { record?.data = .null }
                        (shared.results.baseAddress! + i).initialize(to: (record, problem, value))
                    }
                }
                count = ranges.count
            }
        }
    }

    /// How many threads decoding may use.
    static let cores: Int = {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return Int(sysconf(_SC_NPROCESSORS_ONLN))
        #endif
    }()

    static func isHex64(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// An integrity problem on one line of the log.
public struct LineProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let problem: String
    public init(line: Int, problem: String) { self.line = line; self.problem = problem }
    public var description: String { "line \(line): \(problem)" }
}

/// The input and output of a parallel decode. Each worker reads the shared bytes and writes only
/// its own slice of results, so no two threads touch the same memory.
private struct SharedBuffers<T>: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    let results: UnsafeMutableBufferPointer<Decoded<T>>
    let transform: (LogRecord) -> T
}

/// A line as read: the record (if it parsed), its problem (if any), and the caller's decoding of it.
typealias Decoded<T> = (record: LogRecord?, problem: String?, value: T?)

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
    public var prev: String
    public var hash: String
}

extension LogLine {
    /// The fast reader's view of one line, for comparison with `LogEnvelope` (tests and tools).
    public static func read(_ line: [UInt8]) -> (record: LogRecord?, problem: String?) {
        line.withUnsafeBufferPointer { decode($0) }
    }
}
