import CaseTrailCore

/// Each stream's latest version, which the chain check and appends consult one stream at a time.
/// After a snapshot the table (one entry per review, recommendation and action ever made) stays in
/// the snapshot's bytes and is searched there; only streams seen since are held in memory.
public struct StreamVersions: Sendable, Equatable {
    /// Streams written since the snapshot (or all of them, for a log read from the start).
    private var changed: [String: Int] = [:]
    /// The snapshot's table, never changed; `changed` supersedes it.
    private var stored: SnapshotRows<Entry>?

    public init() {}

    public subscript(stream: String) -> Int? {
        get { changed[stream] ?? storedVersion(stream) }
        set { changed[stream] = newValue }
    }

    private func storedVersion(_ stream: String) -> Int? {
        stored?.position(of: stream).flatMap { stored?.row(at: $0)?.version }
    }

    /// Makes room for `count` streams written after the snapshot (all of them, for a log read from the start).
    mutating func reserveCapacity(_ count: Int) { changed.reserveCapacity(count) }

    /// Sets a stream's version and returns the one it had (0 for a new stream), hashing the name once
    /// where it can: the chain check does this for every line of the log.
    mutating func advance(_ stream: String, to version: Int) -> Int {
        if let i = changed.index(forKey: stream) {
            defer { changed.values[i] = version }
            return changed.values[i]
        }
        changed[stream] = version
        return storedVersion(stream) ?? 0
    }

    /// Every stream and its version, in byte order of the names.
    public var entries: [(stream: String, version: Int)] {
        var all = changed.map { (stream: $0.key, version: $0.value) }
        if let stored {
            for entry in stored.rows(at: Array(0..<stored.count)) where changed[entry.stream] == nil { all.append((entry.stream, entry.version)) }
        }
        all.sortByUTF8(\.stream)
        return all
    }

    public static func == (a: StreamVersions, b: StreamVersions) -> Bool {
        a.entries.elementsEqual(b.entries) { $0.stream == $1.stream && $0.version == $1.version }
    }

    struct Entry: StateRow, BinaryCodable {
        var stream: String
        var version: Int
        var key: String { stream }
        var isSettled: Bool { true }
        func write(to w: inout BinaryWriter) { w.writeString(stream); w.writeInt(version) }
        init(stream: String, version: Int) { self.stream = stream; self.version = version }
        init(from r: inout BinaryReader) throws(SnapshotError) {
            stream = try r.readString()
            version = try r.readInt()
            guard LogLine.counts.contains(version) else { throw SnapshotError("a stream version out of range") }
        }
    }
}

extension StreamVersions {
    /// Written as a table of rows (`SnapshotRows`); stored entries not superseded are copied across unread.
    func write(to w: inout BinaryWriter) throws(SnapshotError) {
        try RowTable.write(fresh: changed.map { Entry(stream: $0.key, version: $0.value) }, stored: stored,
                           supersededBy: { changed[$0] != nil }, to: &w)
    }

    init(from r: inout BinaryReader, damage: SnapshotDamage) throws(SnapshotError) {
        let rows = try SnapshotRows<Entry>(&r, damage: damage)
        stored = rows.count > 0 ? rows : nil
    }
}
