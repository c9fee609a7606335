import CaseTrailCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in the log just after a complete line, with what a reader needs to carry on checking
/// from there (the line's seq, hash and time, every stream's version): where a snapshot was taken,
/// and where a decision was made, so an append can tell whether the log has moved on since.
/// Two positions are equal when they name the same line (seq, hash, offset); the rest rides along.
public struct LogPosition: Sendable {
    public var seq: Int
    public var hash: String
    /// The file offset just past the line (0 before the first).
    public var offset: Int
    public var recordedAt: Timestamp
    public var streamVersions: StreamVersions

    public init(seq: Int, hash: String, offset: Int, recordedAt: Timestamp, streamVersions: StreamVersions) {
        self.seq = seq
        self.hash = hash
        self.offset = offset
        self.recordedAt = recordedAt
        self.streamVersions = streamVersions
    }

    /// Before the first line of a log.
    public static let start = LogPosition(seq: 0, hash: genesisHash, offset: 0, recordedAt: Timestamp(millisecondsSinceEpoch: 0),
                                          streamVersions: StreamVersions())
}

extension LogPosition: Equatable {
    public static func == (a: LogPosition, b: LogPosition) -> Bool {
        a.seq == b.seq && a.hash == b.hash && a.offset == b.offset
    }
}

extension LogScan {
    /// Where this scan ended: just after its last complete line.
    public var position: LogPosition {
        guard let head else { return .start }
        return LogPosition(seq: head.seq, hash: head.hash, offset: headOffset, recordedAt: head.recordedAt, streamVersions: streamVersions)
    }
}

/// The state kept beside a log at a position in it, so a query need not replay the lines before.
public struct Snapshot: Sendable {
    public var position: LogPosition
    public var state: State
    /// SHA-256 of the log's bytes before the snapshot's position, when others could write the log as
    /// it was taken: a write can then tell that no earlier line changed without reading them line by line.
    public var prefixDigest: String?
    /// The state's bytes as the file holds them (the state's stored rows point into the same buffer).
    let bytes: SnapshotBytes
    let payload: Range<Int>

    /// Whether this snapshot holds exactly `state` (the layout is the same bytes for the same state).
    public func holds(_ state: State) -> Bool {
        guard let encoded = try? SnapshotLayout.encode(state), encoded.count == payload.count, bytes.sound(payload) else { return false }
        return bytes.withUnsafeBufferPointer { all in
            encoded.withUnsafeBufferPointer { memcmp(all.baseAddress! + payload.lowerBound, $0.baseAddress!, payload.count) == 0 }
        }
    }
}

/// Snapshots cached beside the log (`<log>.snapshot`): derived data, checksummed, written atomically,
/// and never needed for correctness. Anything unreadable is ignored.
extension EventLog {
    /// The snapshot file's format: its one version number, in its first line. Any change to the
    /// layout (`SnapshotLayout`, `SnapshotRows`, the header below) must change it; a change to an
    /// enumeration's cases need not, as the header carries their names.
    static let snapshotFormat = 15
    static let snapshotMagic = Array("casetrail-snapshot \(snapshotFormat)\n".utf8)

    public var snapshotPath: String { path + ".snapshot" }
    public var snapshotLocation: String { snapshotPath }

    /// The snapshot file, trusted only if the log's owner owns it.
    private var snapshotFile: SnapshotFile? {
        var log = stat()
        guard stat(path, &log) == 0 else { return nil }
        return SnapshotFile(path: snapshotPath, ownerUID: log.st_uid, mode: besideMode)
    }

    /// The snapshot, if one exists in this format and its checksum holds. Its rows stay in the file's
    /// bytes, read when asked for; a row that cannot be read raises `damage`.
    public func loadSnapshot(damage: SnapshotDamage) -> Snapshot? { snapshotFile?.load(damage: damage) }

    /// Writes a snapshot of `state` at `position` atomically; on a log others can write it carries the digest of the bytes before it.
    public func saveSnapshot(_ state: State, at position: LogPosition) throws {
        guard let file = snapshotFile else { return }
        try file.save(state, at: position, prefixDigest: othersCanWrite ? prefixDigest(length: position.offset) : nil)
        saveLineIndex(at: position)
    }

    /// Whether users other than this one can write the log: its group may, or it is another's.
    public var othersCanWrite: Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_uid != geteuid() || st.st_mode & 0o022 != 0)
    }

    /// The SHA-256 of the log's first `length` bytes, read afresh (1 MB at a time), as hex.
    public func prefixDigest(length: Int) -> String? {
        guard let file = try? POSIXFile.open(path, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK), let size = try? file.size(), size >= length else { return nil }
        var sha = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var done = 0
        while done < length {
            let want = min(buffer.count, length - done)
            guard let got = try? buffer.withUnsafeMutableBytes({ try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<want]), at: done) }),
                  got == want else { return nil }
            buffer.withUnsafeBytes { sha.update(UnsafeRawBufferPointer(rebasing: $0[..<want])) }
            done += want
        }
        return hexString(sha.finalize())
    }

    /// Removes the snapshot (it is only a cache), e.g. when one of its rows could not be read.
    public func discardSnapshot() {
        unlink(snapshotPath)
        unlink(lineIndexPath)
    }

    /// A snapshot file's bytes with their seal made to hold again (for tests that damage a row, not the seal).
    public func resealedSnapshot(_ file: [UInt8]) -> [UInt8] {
        guard file.count >= 16 else { return file }
        let content = file.withUnsafeBytes { Int(truncatingIfNeeded: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: file.count - 16, as: UInt64.self))) }
        guard (0...(file.count - 16)).contains(content) else { return file }
        var bytes = Array(file[..<content])
        SnapshotBytes.seal(&bytes)
        return bytes
    }
}

/// One snapshot file, wherever a store keeps it: beside a file log, or in this user's cache folder
/// for a database's. It is believed only if `ownerUID` owns it and no one else can write it.
struct SnapshotFile {
    let path: String
    let ownerUID: uid_t
    let mode: mode_t

    func load(damage: SnapshotDamage) -> Snapshot? {
        guard let (bytes, body) = fileBytes() else { return nil }
        var r = BinaryReader(bytes, in: body)
        do {
            // Positions of enumeration cases mean what they meant to the build that wrote them.
            guard try r.read() as [[String]] == SnapshotLayout.enumerationNames else { return nil }
            let seq = try r.readInt(), hash = try r.readString(), offset = try r.readInt()
            guard LogLine.counts.contains(seq), offset > 0 else { return nil }
            let prefix = try r.readString()
            let recordedAt = Timestamp(millisecondsSinceEpoch: Int64(try r.readInt()))
            let versions = try StreamVersions(from: &r, damage: damage)
            let length = try r.readInt()
            let start = try r.skip(length)
            guard r.atEnd else { return nil }
            let state = try SnapshotLayout.decode(bytes, in: start..<(start + length), damage: damage)
            return Snapshot(position: LogPosition(seq: seq, hash: hash, offset: offset, recordedAt: recordedAt, streamVersions: versions),
                            state: state, prefixDigest: prefix.isEmpty ? nil : prefix, bytes: bytes, payload: start..<(start + length))
        } catch {
            return nil
        }
    }

    /// The whole file and the part of it between the magic line and the seal, when both hold.
    /// Its checksums are no defence against someone who could write it, hence the owner check.
    private func fileBytes() -> (bytes: SnapshotBytes, body: Range<Int>)? {
        guard let file = try? POSIXFile.open(path, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK),
              let st = try? file.status(), nonRegularKind(st) == nil, st.st_uid == ownerUID, st.st_mode & 0o022 == 0,
              let size = try? file.size(), let (bytes, content) = SnapshotBytes.openSealed(file, size: size),
              content > EventLog.snapshotMagic.count, bytes.sound(0..<EventLog.snapshotMagic.count),
              bytes[0..<EventLog.snapshotMagic.count] == EventLog.snapshotMagic
        else { return nil }
        return (bytes, EventLog.snapshotMagic.count..<content)
    }

    /// Writes a snapshot of `state` at `position` atomically (temporary file, fsync, rename). Failure
    /// leaves any old one in place. The stream-version table is encoded beside the state's bytes.
    func save(_ state: State, at position: LogPosition, prefixDigest: String?) throws {
        let versions = position.streamVersions
        let jobs: [@Sendable () -> Result<[UInt8], SnapshotError>] = [
            { var w = BinaryWriter(); return Result { () throws(SnapshotError) in try versions.write(to: &w); return w.bytes } },
            { Result { () throws(SnapshotError) in try SnapshotLayout.encode(state) } },
        ]
        let parts = inParallel(jobs)
        let table = try parts[0].get(), body = try parts[1].get()
        var w = BinaryWriter()
        w.write(SnapshotLayout.enumerationNames)
        w.writeInt(position.seq)
        w.writeString(position.hash)
        w.writeInt(position.offset)
        w.writeString(prefixDigest ?? "")
        w.writeInt(Int(position.recordedAt.millisecondsSinceEpoch))
        var length = BinaryWriter()
        length.writeInt(body.count)
        var bytes = EventLog.snapshotMagic
        bytes.reserveCapacity(bytes.count + w.bytes.count + table.count + length.bytes.count + body.count + 8)
        for part in [w.bytes, table, length.bytes, body] { bytes.append(contentsOf: part) }
        SnapshotBytes.seal(&bytes)
        removeStaleTemporaries(beside: path)
        try writeFileAtomically(path, bytes, mode: mode)
    }

    func discard() { unlink(path) }

    /// A fast 64-bit checksum (four independent multiply-rotate lanes over 8-byte words, so the
    /// processor overlaps them) that catches a damaged snapshot file. Not a defence against
    /// tampering: the snapshot is a cache, and `verify` never reads it.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> [UInt8] { bytes.withUnsafeBytes { checksum($0) } }

    static func checksum(_ raw: UnsafeRawBufferPointer, seed: UInt64 = 0) -> [UInt8] {
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count), 1 ^ (seed &* 0xC2B2_AE3D_27D4_EB4F), 2, 3)
        @inline(__always) func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
            let x = (h ^ w) &* 0x1000_0000_01B3
            return (x << 29) | (x >> 35)
        }
        var h: UInt64 = 0
        do {
            let blocks = raw.count / 32
            for i in 0..<blocks {
                let p = i * 32
                lanes.0 = mix(lanes.0, raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))
                lanes.1 = mix(lanes.1, raw.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self))
                lanes.2 = mix(lanes.2, raw.loadUnaligned(fromByteOffset: p + 16, as: UInt64.self))
                lanes.3 = mix(lanes.3, raw.loadUnaligned(fromByteOffset: p + 24, as: UInt64.self))
            }
            h = mix(mix(mix(lanes.0, lanes.1), lanes.2), lanes.3)
            for i in (blocks * 32)..<raw.count { h = mix(h, UInt64(raw[i])) }
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return withUnsafeBytes(of: h.littleEndian) { Array($0) }
    }
}

