/// A row of the state that a snapshot may leave undecoded until it is asked for.
public protocol SnapshotRow: BinaryCodable, Equatable, Sendable {
    /// The row's key in its table.
    var key: String { get }
    /// Whether the row is done with: a snapshot keeps settled rows as bytes, and the queries about
    /// what is still open (`RowTable.unsettled`) never decode them.
    var isSettled: Bool { get }
}

/// A table of state rows by key that behaves like a dictionary, but whose settled rows may still
/// be bytes in a snapshot, decoded one by one when looked up. After a snapshot of a large log most
/// actions are long signed off; a warm query about open work then decodes only the open ones.
/// A row that is changed is decoded and kept in memory from then on, so stored rows never change.
public struct RowTable<Row: SnapshotRow>: Sendable {
    /// Rows in memory: every row of a replayed log, or those changed or unsettled since the snapshot.
    private var decoded: [String: Row] = [:]
    /// Settled rows still in a snapshot's bytes; a key also in `decoded` is superseded there.
    private var stored: StoredRows<Row>?

    public init() {}

    public subscript(key: String) -> Row? {
        get { decoded[key] ?? stored?.row(forKey: key) }
        set {
            precondition(newValue != nil || stored?.index(of: key) == nil, "rows are never removed from the state")
            decoded[key] = newValue
        }
    }

    /// Every key, decoding no row.
    public var keys: [String] {
        guard let stored else { return Array(decoded.keys) }
        return Array(decoded.keys) + stored.keys().filter { decoded[$0] == nil }
    }

    /// Every row, decoding any still stored.
    public var values: [Row] {
        guard let stored else { return Array(decoded.values) }
        return Array(decoded.values) + stored.rows(where: { decoded[$0] == nil })
    }

    public var count: Int { keys.count }

    /// The rows that are not settled, without decoding a stored row (stored rows are all settled).
    public var unsettled: [Row] { decoded.values.filter { !$0.isSettled } }
}

extension RowTable: Equatable {
    public static func == (a: RowTable, b: RowTable) -> Bool {
        a.count == b.count && a.keys.allSatisfy { a[$0] == b[$0] }
    }
}

extension RowTable: BinaryCodable {
    /// Unsettled rows as a plain list; settled rows sorted by key, each with its key and length so
    /// a reader can find one without decoding the others. Stored rows are copied as they are.
    public func write(to w: inout BinaryWriter) {
        w.write(decoded.values.filter { !$0.isSettled }.sorted { utf8Less($0.key, $1.key) })
        // Settled rows in byte order of their keys (the order `StoredRows.index(of:)` searches), each
        // either encoded now or, if still stored and unchanged, copied across as it is.
        let fresh = decoded.values.filter(\.isSettled)
        var order: [(key: String, fresh: Int)] = fresh.indices.map { (fresh[$0].key, $0) }
        if let stored {
            for i in 0..<stored.count {
                let key = stored.key(at: i)
                if decoded[key] == nil { order.append((key, -1 - i)) }
            }
        }
        order.sort { utf8Less($0.key, $1.key) }
        w.writeInt(order.count)
        var scratch = BinaryWriter()
        for (key, i) in order {
            w.writeString(key)
            if i < 0, let bytes = stored?.rowBytes(at: -1 - i) {
                w.writeInt(bytes.count)
                w.bytes.append(contentsOf: bytes)
            } else {
                scratch.bytes.removeAll(keepingCapacity: true)
                scratch.write(fresh[i])
                w.writeInt(scratch.bytes.count)
                w.bytes.append(contentsOf: scratch.bytes)
            }
        }
    }

    public init(from r: inout BinaryReader) throws(SnapshotError) {
        let unsettled: [Row] = try r.read()
        decoded.reserveCapacity(unsettled.count)
        for row in unsettled { decoded[row.key] = row }
        let rows = try StoredRows<Row>(&r)
        stored = rows.count > 0 ? rows : nil
    }
}

/// Settled rows left in a snapshot's bytes: located once (key and row offsets), decoded on demand.
final class StoredRows<Row: SnapshotRow>: Sendable {
    private let bytes: [UInt8]
    /// Where each entry's key string starts, in key order.
    private let starts: [Int]
    private let end: Int

    init(_ r: inout BinaryReader) throws(SnapshotError) {
        bytes = r.bytes
        let n = try r.readInt()
        guard n >= 0, n <= r.end - r.index else { throw SnapshotError("bad count") }
        var starts: [Int] = []
        starts.reserveCapacity(n)
        for _ in 0..<n {
            starts.append(r.index)
            _ = try r.skip(try r.readInt())
            _ = try r.skip(try r.readInt())
        }
        self.starts = starts
        end = r.index
    }

    var count: Int { starts.count }

    /// The key of entry `i`, and the reader positioned at its row's length.
    private func reader(at i: Int) -> (key: Range<Int>, reader: BinaryReader) {
        var r = BinaryReader(bytes, in: starts[i]..<end)
        // Lengths were checked when the entries were located.
        let n = try! r.readInt()
        let key = try! r.skip(n)
        return (key..<(key + n), r)
    }

    func key(at i: Int) -> String {
        let range = reader(at: i).key
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    func keys() -> [String] { (0..<count).map(key(at:)) }

    /// The encoded row of entry `i`.
    func rowBytes(at i: Int) -> ArraySlice<UInt8> {
        var r = reader(at: i).reader
        let n = try! r.readInt()
        let start = try! r.skip(n)
        return bytes[start..<(start + n)]
    }

    /// Entry `i` decoded. The snapshot's checksum held and its format is ours, so a row that does
    /// not decode is a defect in this program, not damage: stop rather than answer without it.
    func row(at i: Int) -> Row {
        var r = reader(at: i).reader
        do {
            let n = try r.readInt()
            let start = try r.skip(n)
            var rr = BinaryReader(bytes, in: start..<(start + n))
            return try rr.read()
        } catch {
            preconditionFailure("a snapshot row could not be read (\(error.reason)); delete the .snapshot file beside the log")
        }
    }

    /// The entry holding `key`, by binary search over the stored keys.
    func index(of key: String) -> Int? {
        var k = key
        return k.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { all in
                var low = 0, high = starts.count
                while low < high {
                    let mid = (low + high) / 2
                    let range = reader(at: mid).key
                    let here = UnsafeBufferPointer(rebasing: all[range])
                    if here.elementsEqual(wanted) { return mid }
                    if bytesLess(here, wanted) { low = mid + 1 } else { high = mid }
                }
                return nil
            }
        }
    }

    func row(forKey key: String) -> Row? { index(of: key).map(row(at:)) }

    /// The rows whose keys pass `include`, decoded.
    func rows(where include: (String) -> Bool) -> [Row] {
        (0..<count).compactMap { include(key(at: $0)) ? row(at: $0) : nil }
    }
}

/// Byte order of UTF-8, the order stored keys are kept in (String's own `<` normalises first).
public func utf8Less(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { x in b.withUTF8 { y in bytesLess(x, y) } }
}

func bytesLess(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = min(x.count, y.count)
    var i = 0
    while i < n {
        if x[i] != y[i] { return x[i] < y[i] }
        i += 1
    }
    return x.count < y.count
}
