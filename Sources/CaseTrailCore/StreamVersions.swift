/// Each stream's latest version, which the store's chain check and appends consult one stream at a
/// time. It lives here, beside `RowTable`, so the compiler specialises the table for it.
/// After a snapshot the table (one entry per review, recommendation and action ever made) stays
/// in the snapshot's bytes and is searched there; only streams seen since are held in memory.
public struct StreamVersions: Sendable, Equatable {
    /// Streams written since the snapshot (or all of them, for a log read from the start).
    private var changed: [String: Int] = [:]
    /// The snapshot's table, never changed; `changed` supersedes it.
    private var stored = RowTable<Entry>()

    public init() {}

    public subscript(stream: String) -> Int? {
        get { changed[stream] ?? stored[stream]?.version }
        set { changed[stream] = newValue }
    }

    /// Makes room for `count` streams written after the snapshot (all of them, for a log read from the start).
    public mutating func reserveCapacity(_ count: Int) { changed.reserveCapacity(count) }

    /// Sets a stream's version and returns the one it had (0 for a new stream), hashing the name once
    /// where it can: the chain check does this for every line of the log.
    public mutating func advance(_ stream: String, to version: Int) -> Int {
        if let i = changed.index(forKey: stream) {
            defer { changed.values[i] = version }
            return changed.values[i]
        }
        changed[stream] = version
        return stored[stream]?.version ?? 0
    }

    /// Every stream and its version, in byte order of the names.
    public var entries: [(stream: String, version: Int)] {
        var all = changed.map { (stream: $0.key, version: $0.value) }
        for entry in stored.values where changed[entry.stream] == nil { all.append((entry.stream, entry.version)) }
        all.sortByUTF8(\.stream)
        return all
    }

    public static func == (a: StreamVersions, b: StreamVersions) -> Bool {
        a.entries.elementsEqual(b.entries) { $0.stream == $1.stream && $0.version == $1.version }
    }

    struct Entry: SnapshotRow {
        var stream: String
        var version: Int
        var key: String { stream }
        var isSettled: Bool { true }
        func write(to w: inout BinaryWriter) { w.writeString(stream); w.writeInt(version) }
        init(stream: String, version: Int) { self.stream = stream; self.version = version }
        init(from r: inout BinaryReader) throws(SnapshotError) { stream = try r.readString(); version = try r.readInt() }
    }
}

extension StreamVersions: BinaryCodable {
    public func write(to w: inout BinaryWriter) {
        RowTable.write(fresh: changed.map { Entry(stream: $0.key, version: $0.value) }, stored: stored.storedRows,
                       supersededBy: { changed[$0] != nil }, to: &w)
    }
    public init(from r: inout BinaryReader) throws(SnapshotError) { stored = try r.read() }
}
