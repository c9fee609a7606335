import Dispatch

/// A row of the state that a snapshot may leave undecoded until it is asked for.
public protocol SnapshotRow: BinaryCodable, Equatable, Sendable {
    /// The row's key in its table.
    var key: String { get }
    /// Whether the row is done with. A snapshot lists the rows that are not, so the queries about
    /// what is still open (`RowTable.unsettled`) decode only those.
    var isSettled: Bool { get }
}

/// A table of state rows by key that behaves like a dictionary, but whose rows may still be bytes
/// in a snapshot, decoded one by one when looked up. After a snapshot of a large log most actions
/// are long signed off; a warm query about open work then decodes only the open ones.
/// A row that is changed is decoded and kept in memory from then on; stored rows never change.
public struct RowTable<Row: SnapshotRow>: Sendable {
    /// Rows in memory: every row of a replayed log, or those changed since the snapshot.
    private var decoded: [String: Row] = [:]
    /// Rows still in a snapshot's bytes; a key also in `decoded` is superseded there.
    private var stored: StoredRows<Row>?

    public init() {}

    /// The rows still in snapshot bytes, for writing them across unread.
    var storedRows: StoredRows<Row>? { stored }

    public subscript(key: String) -> Row? {
        get { decoded[key] ?? stored?.row(forKey: key) }
        // In place, as a dictionary's is: replay changes a field of a row on almost every event.
        _modify {
            if let stored, decoded[key] == nil, let row = stored.row(forKey: key) { decoded[key] = row }
            yield &decoded[key]
            if let stored, decoded[key] == nil {
                precondition(stored.index(of: key) == nil, "rows are never removed from the state")
            }
        }
    }

    /// Changes a row in place with one lookup; nothing happens if there is no such row.
    public mutating func update(_ key: String, _ change: (inout Row) -> Void) {
        if let stored, decoded[key] == nil, let row = stored.row(forKey: key) { decoded[key] = row }
        if let i = decoded.index(forKey: key) { change(&decoded.values[i]) }
    }

    /// Makes room for `count` rows, so a long replay does not move every row each time the table grows.
    public mutating func reserveCapacity(_ count: Int) { decoded.reserveCapacity(count) }

    /// Whether there is a row for `key`, decoding none.
    public func contains(_ key: String) -> Bool {
        decoded[key] != nil || stored?.index(of: key) != nil
    }

    /// Every key, decoding no row.
    public var keys: [String] {
        guard let stored else { return Array(decoded.keys) }
        return Array(decoded.keys) + stored.keys().filter { decoded[$0] == nil }
    }

    /// Every row, decoding any still stored: two halves side by side, each straight into its place.
    public var values: [Row] {
        guard let stored else { return Array(decoded.values) }
        let wanted = decoded.isEmpty ? Array(0..<stored.count) : (0..<stored.count).filter { decoded[stored.key(at: $0)] == nil }
        return [Row](unsafeUninitializedCapacity: decoded.count + wanted.count) { buffer, count in
            var n = 0
            for row in decoded.values {
                (buffer.baseAddress! + n).initialize(to: row)
                n += 1
            }
            nonisolated(unsafe) let out = buffer.baseAddress! + n   // each half initialises only its own slots
            let middle = wanted.count / 2
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                for j in half == 0 ? 0..<middle : middle..<wanted.count { (out + j).initialize(to: stored.row(at: wanted[j])) }
            }
            count = n + wanted.count
        }
    }

    public var count: Int { keys.count }

    /// The rows that are not settled, decoding only those of the stored rows the snapshot lists as unsettled.
    public var unsettled: [Row] {
        // Tested in place through the index, so only the rows kept are copied (a copy retains every string in a row).
        var rows: [Row] = []
        for i in decoded.values.indices where !decoded.values[i].isSettled { rows.append(decoded.values[i]) }
        if let stored {
            for i in stored.unsettled {
                let row = stored.row(at: i)
                if decoded[row.key] == nil { rows.append(row) }
            }
        }
        return rows
    }
}

extension RowTable: Equatable {
    public static func == (a: RowTable, b: RowTable) -> Bool {
        a.count == b.count && a.keys.allSatisfy { a[$0] == b[$0] }
    }
}

extension RowTable: BinaryCodable {
    public func write(to w: inout BinaryWriter) {
        RowTable.write(fresh: Array(decoded.values), stored: stored, supersededBy: { decoded[$0] != nil }, to: &w)
    }

    /// Writes a table: every row sorted by the bytes of its key, each with its key and length,
    /// behind a table of fixed-width offsets, so a reader finds one row by binary search without
    /// reading the others; before them, the positions of the unsettled rows. `fresh` rows are
    /// encoded; stored rows not superseded by one of them are copied across as they are.
    static func write(fresh: [Row], stored: StoredRows<Row>?, supersededBy superseded: (String) -> Bool, to w: inout BinaryWriter) {
        // fresh[i] is `i`; a stored row is `-1 - its index`.
        var order: [(key: String, source: Int)] = []
        order.reserveCapacity(fresh.count + (stored?.count ?? 0))
        for i in fresh.indices { order.append((fresh[i].key, i)) }
        if let stored {
            for i in 0..<stored.count {
                let key = stored.key(at: i)
                if !superseded(key) { order.append((key, -1 - i)) }
            }
        }
        order.sortByUTF8(\.key)
        let storedUnsettled = Set(stored?.unsettled ?? [])
        let unsettled = order.indices.filter { i in
            let source = order[i].source
            return source >= 0 ? !fresh[source].isSettled : storedUnsettled.contains(-1 - source)
        }
        w.writeInt(order.count)
        w.write(unsettled)
        // The offsets and the entries' length are filled in as the entries are written after them.
        let table = w.bytes.count
        w.bytes.append(contentsOf: repeatElement(0, count: order.count * 8 + 8))
        let start = w.bytes.count
        var scratch = BinaryWriter()
        for (n, (key, source)) in order.enumerated() {
            w.setFixed64(w.bytes.count - start, at: table + n * 8)
            w.writeString(key)
            if source < 0, let bytes = stored?.rowBytes(at: -1 - source) {
                w.writeInt(bytes.count)
                w.bytes.append(contentsOf: bytes)
            } else {
                scratch.bytes.removeAll(keepingCapacity: true)
                scratch.write(fresh[source])
                w.writeInt(scratch.bytes.count)
                w.bytes.append(contentsOf: scratch.bytes)
            }
        }
        w.setFixed64(w.bytes.count - start, at: table + order.count * 8)
    }

    public init(from r: inout BinaryReader) throws(SnapshotError) {
        let rows = try StoredRows<Row>(&r)
        stored = rows.count > 0 ? rows : nil
    }
}

/// Rows left in a snapshot's bytes, found through the offset table and decoded on demand.
final class StoredRows<Row: SnapshotRow>: Sendable {
    private let bytes: [UInt8]
    let count: Int
    /// Positions (in key order) of the rows that were unsettled when the snapshot was taken.
    let unsettled: [Int]
    /// Where the offset table starts, and the entries it points into.
    private let table: Int
    private let entries: Range<Int>

    /// Reads the table's counts and locates its parts, leaving the reader just after it.
    init(_ r: inout BinaryReader) throws(SnapshotError) {
        bytes = r.bytes
        let n = try r.readInt()
        count = n
        unsettled = try r.read()
        guard n >= 0, n <= (r.end - r.index) / 8, unsettled.allSatisfy({ $0 >= 0 && $0 < n }) else {
            throw SnapshotError("bad count")
        }
        table = try r.skip(n * 8)
        let length = bytes.loadFixed64(at: try r.skip(8))
        let start = try r.skip(length)
        entries = start..<(start + length)
        // Every entry must lie within the section; checked here once so lookups need not.
        for i in 0..<count {
            let offset = bytes.loadFixed64(at: table + i * 8)
            guard offset >= 0, offset < entries.count else { throw SnapshotError("bad offset") }
        }
    }

    /// A reader at entry `i`'s key.
    private func reader(at i: Int) -> BinaryReader {
        BinaryReader(bytes, in: (entries.lowerBound + bytes.loadFixed64(at: table + i * 8))..<entries.upperBound)
    }

    /// The byte range of entry `i`'s key, and of its row.
    private func locate(_ i: Int) -> (key: Range<Int>, row: Range<Int>) {
        var r = reader(at: i)
        do {
            let n = try r.readInt()
            let key = try r.skip(n)
            let m = try r.readInt()
            let row = try r.skip(m)
            return (key..<(key + n), row..<(row + m))
        } catch {
            damaged(error)
        }
    }

    /// The snapshot's checksum held and its format is ours, so an entry that does not read is a
    /// defect in this program, not damage: stop rather than answer without the row.
    private func damaged(_ error: SnapshotError) -> Never {
        preconditionFailure("a snapshot row could not be read (\(error.reason)); delete the .snapshot file beside the log")
    }

    func key(at i: Int) -> String {
        let range = locate(i).key
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    func keys() -> [String] { (0..<count).map(key(at:)) }

    /// The encoded row of entry `i`.
    func rowBytes(at i: Int) -> ArraySlice<UInt8> { bytes[locate(i).row] }

    /// Entry `i` decoded.
    func row(at i: Int) -> Row {
        var r = BinaryReader(bytes, in: locate(i).row)
        do throws(SnapshotError) {
            let row: Row = try r.read()
            guard r.atEnd else { throw SnapshotError("trailing bytes in a row") }
            return row
        } catch {
            damaged(error)
        }
    }

    /// The entry holding `key`, by binary search over the stored keys.
    func index(of key: String) -> Int? {
        var k = key
        return k.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { all in
                var low = 0, high = count
                while low < high {
                    let mid = (low + high) / 2
                    let here = UnsafeBufferPointer(rebasing: all[locate(mid).key])
                    if here.elementsEqual(wanted) { return mid }
                    if bytesLess(here, wanted) { low = mid + 1 } else { high = mid }
                }
                return nil
            }
        }
    }

    func row(forKey key: String) -> Row? { index(of: key).map(row(at:)) }
}

extension BinaryWriter {
    /// Overwrites eight bytes already written (a placeholder) with `n`, little-endian: table
    /// entries a reader can index directly.
    mutating func setFixed64(_ n: Int, at offset: Int) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(n).littleEndian, toByteOffset: offset, as: UInt64.self) }
    }
}

extension Array where Element == UInt8 {
    /// The integer `setFixed64` wrote at `offset`; the caller has checked the eight bytes are there.
    public func loadFixed64(at offset: Int) -> Int {
        withUnsafeBytes { Int(truncatingIfNeeded: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) }
    }
}

extension Array {
    /// Sorts by the UTF-8 bytes of a string key. String's own `<` is much faster and agrees with
    /// byte order on normalised text, which keys nearly always are; checked, and redone if not.
    public mutating func sortByUTF8(_ key: (Element) -> String) {
        sort { key($0) < key($1) }
        if indices.dropFirst().contains(where: { utf8Less(key(self[$0]), key(self[$0 - 1])) }) {
            sort { utf8Less(key($0), key($1)) }
        }
    }
}

/// Byte order of UTF-8, the order stored keys are kept in (String's own `<` normalises first).
func utf8Less(_ a: String, _ b: String) -> Bool {
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
