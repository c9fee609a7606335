#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaseTrailCore
import Dispatch

/// Raised when a snapshot row cannot be read: whoever loaded the snapshot then answers from the
/// log instead. Shared by every table read from one snapshot; set from any thread.
public final class SnapshotDamage: @unchecked Sendable {
    private let lock = Locked(false)
    public init() {}
    public var isRaised: Bool { lock.value }
    func raise() { lock.value = true }
}

/// A value behind a mutex (Synchronization's `Mutex` needs macOS 15).
final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(_ value: Value) {
        stored = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: (inout Value) -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&stored)
    }

    var value: Value {
        get { withLock { $0 } }
        set { withLock { $0 = newValue } }
    }
}

/// A state table's rows as a snapshot lays them out: every row sorted by the bytes of its key,
/// each with its key and length, behind a table of fixed-width offsets, so one row is found by
/// binary search without reading the others; before them, the positions of the unsettled rows.
/// Rows are decoded each time they are asked for (a cache of looked-up rows cost more than it saved:
/// 4% more instructions for a whole-table query, and queries look each row up about once).
final class SnapshotRows<Row: StateRow & BinaryCodable>: StoredRows, @unchecked Sendable {
    private let bytes: SnapshotBytes
    let count: Int
    let unsettled: [Int]
    /// Where the offset table starts, and the entries it points into.
    private let table: Int
    private let entries: Range<Int>
    private let damage: SnapshotDamage
    /// Whether the offset table was checked whole when opened: a small one is (a lookup then takes no
    /// lock for its offset); a large one's offsets are checked as they are read, since checking all of
    /// them (1.6 MB of actions at 1,000,000 events) would cost a warm query more than its lookups do.
    private let offsetsChecked: Bool
    /// Lookups so far, and whether the whole table has been found sound: after enough of them (see
    /// `lookupBytes`) its blocks are checked once, and searches stop taking a lock at every step.
    private let lookups = Locked((count: 0, wholeSound: false))

    /// Reads the table's counts and locates its parts, leaving the reader just after it.
    init(_ r: inout BinaryReader, damage: SnapshotDamage) throws(SnapshotError) {
        bytes = r.bytes
        self.damage = damage
        let n = try r.readInt()
        count = n
        unsettled = try r.read()
        guard n >= 0, n <= (r.end - r.index) / 8, unsettled.allSatisfy({ $0 >= 0 && $0 < n }) else {
            throw SnapshotError("bad count")
        }
        table = try r.skip(n * 8)
        let length = try r.readFixed64()
        let start = try r.skip(length)
        entries = start..<(start + length)
        offsetsChecked = n * 8 <= 4 * SnapshotBytes.blockSize
        guard !offsetsChecked || bytes.sound(table..<(table + n * 8)) else { throw SnapshotError("a damaged block") }
    }

    /// The byte ranges of entry `i`'s key and row; nil (and the damage raised) if they do not read.
    /// `bytes` are this table's, or (`rows(at:)`) the same bytes once known sound throughout.
    /// The key is known to be sound, and so are the bytes `sound` (around the row's start).
    private func locate(_ i: Int, in bytes: SnapshotBytes) -> (key: Range<Int>, row: Range<Int>, sound: Range<Int>)? {
        guard i >= 0, i < count else { return nil }
        // Each entry must start within the section.
        let at = table + i * 8
        let offset = offsetsChecked || bytes.sound(at..<(at + 8)) ? bytes.loadFixed64(at: at) : -1
        guard offset >= 0, offset < entries.count else {
            damage.raise()
            return nil
        }
        var r = BinaryReader(bytes, in: (entries.lowerBound + offset)..<entries.upperBound)
        do {
            let n = try r.readInt()
            let key = try r.skipSound(n)
            let m = try r.readInt()
            let row = try r.skip(m)
            return (key..<(key + n), row..<(row + m), r.soundFrom..<r.soundTo)
        } catch {
            damage.raise()
            return nil
        }
    }

    @_specialize(where Row == ActionItem)
    @_specialize(where Row == Review)
    @_specialize(where Row == RecommendationItem)
    func key(at i: Int) -> String? {
        guard let range = locate(i, in: bytes)?.key else { return nil }
        guard let key = bytes.withUnsafeBufferPointer({ String(validating: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }) else {
            damage.raise()
            return nil
        }
        return key
    }

    /// The encoded row of entry `i`, for copying it into the next snapshot unread.
    func rowBytes(at i: Int) -> [UInt8]? {
        guard let range = locate(i, in: bytes)?.row else { return nil }
        guard bytes.sound(range) else {
            damage.raise()
            return nil
        }
        return bytes[range]
    }

    @_specialize(where Row == ActionItem)
    @_specialize(where Row == Review)
    @_specialize(where Row == RecommendationItem)
    func row(at i: Int) -> Row? { row(at: i, in: lookupBytes()) }

    /// The bytes a lookup reads: once there have been enough lookups to pay for checking the whole
    /// table (a checksum runs at gigabytes a second; a search step's lock costs about a microsecond
    /// a lookup), the table is checked once and read as sound from then on.
    private func lookupBytes() -> SnapshotBytes {
        let (n, wholeSound) = lookups.withLock { state in
            state.count += 1
            return (state.count, state.wholeSound)
        }
        if wholeSound { return bytes.assumingSound() }
        guard n == max(256, entries.count / 4_096) else { return bytes }
        guard (offsetsChecked || bytes.sound(table..<(table + count * 8))) && bytes.sound(entries) else { return bytes }
        lookups.withLock { $0.wholeSound = true }
        return bytes.assumingSound()
    }

    private func row(at i: Int, in bytes: SnapshotBytes) -> Row? {
        guard let (_, range, sound) = locate(i, in: bytes) else { return nil }
        var r = BinaryReader(bytes, in: range, sound: sound)
        do throws(SnapshotError) {
            let row: Row = try r.read()
            guard r.atEnd else { throw SnapshotError("trailing bytes in a row") }
            return row
        } catch {
            damage.raise()
            return nil
        }
    }

    /// Decoded on both cores, each half straight into its own slots. A row that cannot be read
    /// (the damage is raised) ends its half: the answer will be worked out again anyway.
    @_specialize(where Row == ActionItem)
    @_specialize(where Row == Review)
    @_specialize(where Row == RecommendationItem)
    func rows(at positions: [Int]) -> [Row] {
        if positions.count < 64 { return positions.compactMap(row(at:)) }
        // A quarter of the table or more: its offsets and entries are checked once, here, instead of
        // block by block as each row is read (which takes a lock each time).
        let whole = positions.count * 4 >= count && (offsetsChecked || bytes.sound(table..<(table + count * 8))) && bytes.sound(entries)
        let bytes = whole ? self.bytes.assumingSound() : self.bytes
        return [Row](unsafeUninitializedCapacity: positions.count) { buffer, count in
            nonisolated(unsafe) let out = buffer.baseAddress!   // each half initialises only its own slots
            let middle = positions.count / 2
            let halves = [0..<middle, middle..<positions.count]
            nonisolated(unsafe) var done = [0, 0]   // each half writes only its own count
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                var n = 0
                for j in halves[half] {
                    guard let row = self.row(at: positions[j], in: bytes) else { break }
                    (out + j).initialize(to: row)
                    n += 1
                }
                done[half] = n
            }
            // Close the gap a failed first half left, so the rows read are contiguous.
            if done[0] < middle { (out + done[0]).moveInitialize(from: out + middle, count: done[1]) }
            count = done[0] + done[1]
        }
    }

    /// The entry holding `key`, by binary search over the stored keys.
    @_specialize(where Row == ActionItem)
    @_specialize(where Row == Review)
    @_specialize(where Row == RecommendationItem)
    func position(of key: String) -> Int? {
        var k = key
        let bytes = lookupBytes()
        return k.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { all in
                var low = 0, high = count
                while low < high {
                    let mid = (low + high) / 2
                    guard let range = locate(mid, in: bytes)?.key else { return nil }
                    // One memcmp a step: the generic elementsEqual and a byte loop cost more than the rest of the search.
                    let shared = min(range.count, wanted.count)
                    let c = shared == 0 ? 0 : memcmp(all.baseAddress! + range.lowerBound, wanted.baseAddress!, shared)
                    if c == 0 && range.count == wanted.count { return mid }
                    if c < 0 || (c == 0 && range.count < wanted.count) { low = mid + 1 } else { high = mid }
                }
                return nil
            }
        }
    }
}

extension RowTable where Row: BinaryCodable {
    /// Writes the table as `SnapshotRows` reads it: rows in memory are encoded, stored rows not
    /// superseded by one of them are copied across as they are.
    /// Fails if a stored row cannot be read to copy it (the snapshot it came from is damaged).
    func write(to w: inout BinaryWriter) throws(SnapshotError) {
        try RowTable.write(fresh: Array(freshRows), stored: storedRows as? SnapshotRows<Row>, supersededBy: isSuperseded, to: &w)
    }

    static func write(fresh: [Row], stored: SnapshotRows<Row>?, supersededBy superseded: (String) -> Bool,
                      to w: inout BinaryWriter) throws(SnapshotError) {
        // fresh[i] is `i`; a stored row is `-1 - its index`.
        var order: [(key: String, source: Int)] = []
        order.reserveCapacity(fresh.count + (stored?.count ?? 0))
        for i in fresh.indices { order.append((fresh[i].key, i)) }
        if let stored {
            for i in 0..<stored.count {
                guard let key = stored.key(at: i) else { throw SnapshotError("a stored key could not be read") }
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
            if source < 0 {
                guard let bytes = stored?.rowBytes(at: -1 - source) else { throw SnapshotError("a stored row could not be read") }
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

    /// A table whose rows stay in `r`'s bytes until asked for.
    static func read(from r: inout BinaryReader, damage: SnapshotDamage) throws(SnapshotError) -> RowTable {
        RowTable(stored: try SnapshotRows<Row>(&r, damage: damage))
    }
}

extension BinaryWriter {
    /// Overwrites eight bytes already written (a placeholder) with `n`, little-endian: table
    /// entries a reader can index directly.
    mutating func setFixed64(_ n: Int, at offset: Int) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(n).littleEndian, toByteOffset: offset, as: UInt64.self) }
    }
}

extension Array {
    /// Sorts by the UTF-8 bytes of a string key. String's own `<` is much faster and agrees with
    /// byte order on normalised text, which keys nearly always are; checked, and redone if not.
    mutating func sortByUTF8(_ key: (Element) -> String) {
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
