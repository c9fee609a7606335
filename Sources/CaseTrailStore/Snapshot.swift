import CaseTrailCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which line of the log a snapshot reflects, and what the store needs to carry on checking from there.
/// Two stamps are equal when they name the same line (seq, hash, offset); the rest rides along.
public struct SnapshotStamp: Sendable {
    public var seq: Int
    public var hash: String
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
}

extension SnapshotStamp: Equatable {
    public static func == (a: SnapshotStamp, b: SnapshotStamp) -> Bool {
        a.seq == b.seq && a.hash == b.hash && a.offset == b.offset
    }
}

extension LogScan {
    /// The stamp a snapshot of the state after this scan would carry.
    public var stamp: SnapshotStamp? {
        head.map { SnapshotStamp(seq: $0.seq, hash: $0.hash, offset: headOffset, recordedAt: $0.recordedAt, streamVersions: streamVersions) }
    }
}

/// Snapshots cached beside the log (`<log>.snapshot`): derived data, checksummed, written atomically,
/// and never needed for correctness. Anything unreadable is ignored.
extension EventLog {
    static let snapshotMagic = Array("casetrail-snapshot 2\n".utf8)

    public var snapshotPath: String { path + ".snapshot" }

    /// The stamp and payload of a snapshot whose checksum holds, or nil. The payload is the range
    /// `payload` of `bytes` (the whole file), so the large state is never copied out.
    public func loadSnapshot() -> (stamp: SnapshotStamp, bytes: [UInt8], payload: Range<Int>)? {
        guard let file = try? POSIXFile.open(snapshotPath, flags: O_RDONLY), let size = try? file.size(),
              size > EventLog.snapshotMagic.count + 8 else { return nil }
        guard let bytes = try? [UInt8](unsafeUninitializedCapacity: size, initializingWith: { buffer, count in
                  count = try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: 0)
              }), bytes.count == size,
              Array(bytes.prefix(EventLog.snapshotMagic.count)) == EventLog.snapshotMagic,
              checksum(bytes[..<(size - 8)]) == Array(bytes[(size - 8)...]) else { return nil }
        var r = BinaryReader(bytes, in: EventLog.snapshotMagic.count..<(size - 8))
        do {
            let seq = try r.readInt(), hash = try r.readString(), offset = try r.readInt()
            let recordedAt = Timestamp(millisecondsSinceEpoch: Int64(try r.readInt()))
            let versions = StreamVersions(stored: try StoredVersions(bytes, &r, count: try r.readInt(), end: size - 8))
            let length = try r.readInt()
            let start = try r.skip(length)
            guard r.atEnd else { return nil }
            return (SnapshotStamp(seq: seq, hash: hash, offset: offset, recordedAt: recordedAt, streamVersions: versions), bytes, start..<(start + length))
        } catch {
            return nil
        }
    }

    /// Writes a snapshot atomically (temporary file, fsync, rename). Failure leaves any old one in place.
    public func saveSnapshot(_ stamp: SnapshotStamp, payload: [UInt8]) throws {
        var w = BinaryWriter()
        w.writeInt(stamp.seq)
        w.writeString(stamp.hash)
        w.writeInt(stamp.offset)
        w.writeInt(Int(stamp.recordedAt.millisecondsSinceEpoch))
        let versions = stamp.streamVersions.entries
        w.writeInt(versions.count)
        for (stream, version) in versions {
            w.writeString(stream)
            w.writeInt(version)
        }
        w.writeInt(payload.count)
        var bytes = EventLog.snapshotMagic + w.bytes + payload
        bytes += checksum(bytes[...])
        try writeFileAtomically(snapshotPath, bytes, mode: 0o600)
    }

    /// A fast 64-bit checksum (multiply-rotate over 8-byte words) that catches a damaged snapshot file.
    /// Not a defence against tampering: the snapshot is a cache, and `verify` never reads it.
    func checksum(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        bytes.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words {
                let w = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                h = (h ^ w) &* 0x1000_0000_01B3
                h = (h << 29) | (h >> 35)
            }
            for i in (words * 8)..<raw.count { h = (h ^ UInt64(raw[i])) &* 0x1000_0000_01B3 }
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return withUnsafeBytes(of: h.littleEndian) { Array($0) }
    }
}

