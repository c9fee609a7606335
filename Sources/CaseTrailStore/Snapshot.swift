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
    static let snapshotMagic = Array("casetrail-snapshot 3\n".utf8)

    public var snapshotPath: String { path + ".snapshot" }

    /// The stamp and payload of a snapshot whose checksum holds, or nil. The payload is the range
    /// `payload` of `bytes` (the whole file), so the large state is never copied out.
    public func loadSnapshot() -> (stamp: SnapshotStamp, bytes: [UInt8], payload: Range<Int>)? {
        guard let file = try? POSIXFile.open(snapshotPath, flags: O_RDONLY), let size = try? file.size(),
              size > EventLog.snapshotMagic.count + 8 else { return nil }
        guard let bytes = try? [UInt8](unsafeUninitializedCapacity: size, initializingWith: { buffer, count in
                  adviseLargePages(UnsafeMutableRawBufferPointer(buffer))
                  count = try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: 0)
              }), bytes.count == size,
              Array(bytes.prefix(EventLog.snapshotMagic.count)) == EventLog.snapshotMagic,
              checksum(bytes[..<(size - 8)]) == Array(bytes[(size - 8)...]) else { return nil }
        var r = BinaryReader(bytes, in: EventLog.snapshotMagic.count..<(size - 8))
        do {
            let seq = try r.readInt(), hash = try r.readString(), offset = try r.readInt()
            let recordedAt = Timestamp(millisecondsSinceEpoch: Int64(try r.readInt()))
            let versions: StreamVersions = try r.read()
            let length = try r.readInt()
            let start = try r.skip(length)
            guard r.atEnd else { return nil }
            return (SnapshotStamp(seq: seq, hash: hash, offset: offset, recordedAt: recordedAt, streamVersions: versions), bytes, start..<(start + length))
        } catch {
            return nil
        }
    }

    /// Writes a snapshot atomically (temporary file, fsync, rename). Failure leaves any old one in place.
    /// The stream-version table is encoded while `payload` makes the state's bytes beside it.
    public func saveSnapshot(_ stamp: SnapshotStamp, payload: @escaping @Sendable () -> [UInt8]) throws {
        let versions = stamp.streamVersions
        let jobs: [@Sendable () -> [UInt8]] = [{ encoded(versions) }, payload]
        let parts = inParallel(jobs)
        let table = parts[0], state = parts[1]
        var w = BinaryWriter()
        w.writeInt(stamp.seq)
        w.writeString(stamp.hash)
        w.writeInt(stamp.offset)
        w.writeInt(Int(stamp.recordedAt.millisecondsSinceEpoch))
        var length = BinaryWriter()
        length.writeInt(state.count)
        var bytes = EventLog.snapshotMagic
        bytes.reserveCapacity(bytes.count + w.bytes.count + table.count + length.bytes.count + state.count + 8)
        for part in [w.bytes, table, length.bytes, state] { bytes.append(contentsOf: part) }
        bytes.append(contentsOf: checksum(bytes[...]))
        try writeFileAtomically(snapshotPath, bytes, mode: 0o600)
    }

    /// A fast 64-bit checksum (four independent multiply-rotate lanes over 8-byte words, so the
    /// processor overlaps them) that catches a damaged snapshot file. Not a defence against
    /// tampering: the snapshot is a cache, and `verify` never reads it.
    func checksum(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count), 1, 2, 3)
        @inline(__always) func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
            let x = (h ^ w) &* 0x1000_0000_01B3
            return (x << 29) | (x >> 35)
        }
        var h: UInt64 = 0
        bytes.withUnsafeBytes { raw in
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

