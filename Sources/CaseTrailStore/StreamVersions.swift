import CaseTrailCore

/// Each stream's latest version, which the chain check and appends consult one stream at a time.
/// After a snapshot most of the table (one entry per review, recommendation and action ever made)
/// stays in the snapshot's bytes and is searched there; only streams seen since are kept in memory.
public struct StreamVersions: Sendable, Equatable {
    /// Streams written since the snapshot (or all of them, for a log read from the start).
    private var changed: [String: Int] = [:]
    /// The snapshot's table, in byte order of stream names; `changed` supersedes it.
    private var stored: StoredVersions?

    public init() {}

    init(stored: StoredVersions) { self.stored = stored.count > 0 ? stored : nil }

    public subscript(stream: String) -> Int? {
        get { changed[stream] ?? stored?.version(of: stream) }
        set { changed[stream] = newValue }
    }

    /// Every stream and its version, in byte order of the names (the order a snapshot stores them).
    public var entries: [(stream: String, version: Int)] {
        var all = changed.map { (stream: $0.key, version: $0.value) }
        if let stored {
            for i in 0..<stored.count {
                let (stream, version) = stored.entry(at: i)
                if changed[stream] == nil { all.append((stream, version)) }
            }
        }
        return all.sorted { utf8Less($0.stream, $1.stream) }
    }

    public static func == (a: StreamVersions, b: StreamVersions) -> Bool {
        a.entries.elementsEqual(b.entries) { $0.stream == $1.stream && $0.version == $1.version }
    }
}

/// A snapshot's stream-version table left in its bytes: entries located once, read on demand.
final class StoredVersions: Sendable {
    private let bytes: [UInt8]
    /// Where each entry (name, then version) starts, in byte order of the names.
    private let starts: [Int]
    private let end: Int

    /// Locates `count` entries from the reader's position, leaving the reader after them.
    init(_ bytes: [UInt8], _ r: inout BinaryReader, count: Int, end: Int) throws(SnapshotError) {
        guard count >= 0, count <= end - r.index else { throw SnapshotError("bad count") }
        self.bytes = bytes
        var starts: [Int] = []
        starts.reserveCapacity(count)
        for _ in 0..<count {
            starts.append(r.index)
            _ = try r.skip(try r.readInt())
            _ = try r.readInt()
        }
        self.starts = starts
        self.end = end
    }

    var count: Int { starts.count }

    /// The byte range of entry `i`'s name, and a reader at its version. Checked when located.
    private func locate(_ i: Int) -> (name: Range<Int>, reader: BinaryReader) {
        var r = BinaryReader(bytes, in: starts[i]..<end)
        let n = try! r.readInt()
        let start = try! r.skip(n)
        return (start..<(start + n), r)
    }

    func entry(at i: Int) -> (String, Int) {
        var (name, r) = locate(i)
        return (String(decoding: bytes[name], as: UTF8.self), try! r.readInt())
    }

    func version(of stream: String) -> Int? {
        var key = stream
        return key.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { all in
                var low = 0, high = starts.count
                while low < high {
                    let mid = (low + high) / 2
                    var (name, r) = locate(mid)
                    let here = UnsafeBufferPointer(rebasing: all[name])
                    if here.elementsEqual(wanted) { return try! r.readInt() }
                    if here.lexicographicallyPrecedes(wanted) { low = mid + 1 } else { high = mid }
                }
                return nil
            }
        }
    }
}
