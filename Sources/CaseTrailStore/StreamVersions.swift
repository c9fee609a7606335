import CaseTrailCore

/// Each stream's latest version, which the chain check and appends consult one stream at a time.
/// After a snapshot the table (one entry per review, recommendation and action ever made) stays
/// in the snapshot's bytes and is searched there; only streams seen since are held in memory.
public struct StreamVersions: Sendable, Equatable {
    private var table = RowTable<Entry>()

    public init() {}

    public subscript(stream: String) -> Int? {
        get { table[stream]?.version }
        set { table[stream] = newValue.map { Entry(stream: stream, version: $0) } }
    }

    /// Every stream and its version, in byte order of the names.
    public var entries: [(stream: String, version: Int)] {
        table.values.sorted { utf8Less($0.stream, $1.stream) }.map { ($0.stream, $0.version) }
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
    public func write(to w: inout BinaryWriter) { w.write(table) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { table = try r.read() }
}
