#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaseTrailCore

/// What one user's casetrail has seen of a log: the furthest line, its hash, when, and where the log was.
public struct Witnessed: Equatable, Sendable {
    public var seq: Int
    public var hash: String
    public var seenAt: Timestamp
    public var location: String

    public init(seq: Int, hash: String, seenAt: Timestamp, location: String) {
        self.seq = seq
        self.hash = hash
        self.seenAt = seenAt
        self.location = location
    }
}

/// One user's record, kept outside every log's folder (in their state directory), of how far each
/// log it has read had reached, like SSH's known hosts: a log that is later shorter, or different
/// at that line, has been rolled back or rewritten; and a log at a place where another was seen
/// (emptied, or replaced by a log with another first line) is not the log seen there. A text file,
/// a line per log: `CODE GENESIS SEQ HASH SEEN-AT LOCATION`, after a first line naming the format.
public struct WitnessFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    static let header = "casetrail-witness 1"

    /// What was seen of the log named by `identity`, if it was.
    public func entry(for identity: LogIdentity) -> Witnessed? { entries()[Key(identity)] }

    /// The log last seen at `location` and what was seen of it, if any was.
    public func entry(at location: String) -> (LogIdentity, Witnessed)? {
        entries().first { $0.value.location == location }.map { (LogIdentity(code: $0.key.code, genesis: $0.key.genesis), $0.value) }
    }

    /// Remembers `seen` for the log, unless as far or further was seen before at the same place;
    /// a location holds one log, the one seen there last.
    public func record(_ seen: Witnessed, for identity: LogIdentity) throws {
        try update { entries in
            let key = Key(identity)
            var seen = seen
            if let before = entries[key], before.seq >= seen.seq {
                guard before.location != seen.location else { return false }
                // The same log, seen at another place now: how far it had reached still holds.
                seen = Witnessed(seq: before.seq, hash: before.hash, seenAt: before.seenAt, location: seen.location)
            }
            entries = entries.filter { $0.value.location != seen.location || $0.key == key }
            entries[key] = seen
            return true
        }
    }

    /// Forgets the log, and any other seen at its location: for a log restored from an older copy,
    /// or replaced, on purpose.
    public func forget(_ identity: LogIdentity?, at location: String) throws {
        try update { entries in
            let before = entries.count
            if let identity { entries.removeValue(forKey: Key(identity)) }
            entries = entries.filter { $0.value.location != location }
            return entries.count != before
        }
    }

    private struct Key: Hashable {
        var code: String
        var genesis: String
        init(_ identity: LogIdentity) { code = identity.code; genesis = identity.genesis }
        init(code: String, genesis: String) { self.code = code; self.genesis = genesis }
    }

    /// The entries as the file holds them; lines that do not read are passed over.
    private func entries() -> [Key: Witnessed] {
        guard let file = try? POSIXFile.open(path, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK), let st = try? file.status(),
              nonRegularKind(st) == nil, st.st_uid == geteuid(), let size = try? file.size(), size <= 16 << 20 else { return [:] }
        var bytes = [UInt8](repeating: 0, count: size)
        guard (try? bytes.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }) == size else { return [:] }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        guard lines.first == Substring(WitnessFile.header) else { return [:] }
        var out: [Key: Witnessed] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: " ", maxSplits: 5).map(String.init)
            guard f.count == 6, let seq = Int(f[2]), LogLine.counts.contains(seq), let ms = Int64(f[4]), (0...(1 << 50)).contains(ms),
                  f[1].utf8.count == 64, f[3].utf8.count == 64 else { continue }
            out[Key(code: f[0], genesis: f[1])] = Witnessed(seq: seq, hash: f[3], seenAt: Timestamp(millisecondsSinceEpoch: ms), location: f[5])
        }
        return out
    }

    /// Reads, changes and writes the file back whole (atomically), one process at a time.
    private func update(_ change: (inout [Key: Witnessed]) -> Bool) throws {
        try makeDirectories(parentDirectory(of: path))
        let lock = try POSIXFile.open(path + ".lock", flags: O_RDWR | O_CREAT | O_NOFOLLOW, mode: 0o600)
        try lock.lock(exclusive: true)
        removeStaleTemporaries(beside: path)
        var entries = self.entries()
        guard change(&entries) else { return }
        var text = WitnessFile.header + "\n"
        for (key, seen) in entries.sorted(by: { ($0.key.code, $0.key.genesis) < ($1.key.code, $1.key.genesis) }) {
            text += "\(key.code) \(key.genesis) \(seen.seq) \(seen.hash) \(seen.seenAt.millisecondsSinceEpoch) \(seen.location)\n"
        }
        try writeFileAtomically(path, Array(text.utf8), mode: 0o600)
    }
}

/// Creates a folder and any missing folders above it, private to this user.
func makeDirectories(_ path: String) throws(IOError) {
    guard !path.isEmpty, !fileExists(path) else { return }
    try makeDirectories(parentDirectory(of: path))
    if mkdir(path, 0o700) != 0, errno != EEXIST { throw IOError(operation: "create the folder", path: path, code: errno) }
}
