import CaseTrailCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lines a query needs from before a snapshot: those of some streams (named exactly, or by
/// what their names begin with) and those of some types, wherever they are.
public struct LineSelection: Equatable, Sendable {
    public var streams: Set<String>
    public var streamPrefixes: [String]
    public var types: Set<EventType>

    public init(streams: Set<String>, streamPrefixes: [String] = [], types: Set<EventType> = []) {
        self.streams = streams
        self.streamPrefixes = streamPrefixes
        self.types = types
    }

    func selects(stream: String, type: String) -> Bool {
        streams.contains(stream) || streamPrefixes.contains(where: stream.hasPrefix) || EventType(rawValue: type).map(types.contains) ?? false
    }
}

/// Where each line of the log up to a position is, its hash, and which lines each stream and each
/// type has: gathered during a checked scan, kept beside the snapshot (`<log>.lines`), so a query
/// about one review reads that review's lines instead of the whole log.
struct LineIndex {
    /// The position the index reaches: every line from 1 to its seq is in it.
    var seq = 0
    var offset = 0
    var hash: Digest?
    /// Key names ("s" and a stream, or "t" and a type) and each key's lines' seqs, in order.
    private var keys: [String: Int] = [:]
    private var names: [String] = []
    private var lists: [[UInt32]] = []
    /// Stream and type to key number, so the line after line of one stream costs one lookup.
    private var streamKeys: [String: Int] = [:], typeKeys: [String: Int] = [:]
    /// Every line's place and hash, 48 bytes each, line 1 first (`Entry`).
    private(set) var entries: [UInt8] = []

    static let entrySize = 48
    static let magic = Array("casetrail-line-index 1\n".utf8)
    /// Magic, then seq, offset, hash, key count, name bytes and list length.
    static let headerSize = magic.count + 8 + 8 + 32 + 8 + 8 + 8

    init() {}

    /// An index that carries on from `position` (whose own index holds the lines before it).
    init(continuingFrom position: LogPosition, expectedLines: Int) {
        seq = position.seq
        offset = position.offset
        hash = Digest(hex: position.hash)
        entries.reserveCapacity(expectedLines * LineIndex.entrySize)
    }

    private mutating func key(_ name: String) -> Int {
        if let k = keys[name] { return k }
        keys[name] = names.count
        names.append(name)
        lists.append([])
        return names.count - 1
    }

    /// Adds the next line, which lies at `start..<end` (its `\n` included).
    mutating func add(_ record: LogRecord, start: Int, end: Int) {
        let s: Int
        if let k = streamKeys[record.stream] { s = k } else { s = key("s" + record.stream); streamKeys[record.stream] = s }
        let t: Int
        if let k = typeKeys[record.type] { t = k } else { t = key("t" + record.type); typeKeys[record.type] = t }
        lists[s].append(UInt32(record.seq))
        lists[t].append(UInt32(record.seq))
        var entry = (UInt64(start).littleEndian, UInt32(end - start - 1).littleEndian, UInt32(0), record.hashDigest?.words ?? (0, 0, 0, 0, 0, 0, 0, 0))
        withUnsafeBytes(of: &entry) { entries.append(contentsOf: $0) }
        seq = record.seq
        offset = end
        hash = record.hashDigest
    }

    /// This index followed by `tail`, which carries on from where this one ends.
    func extended(by tail: LineIndex) -> LineIndex {
        var all = self
        for (name, k) in tail.keys { all.lists[all.key(name)] += tail.lists[k] }
        all.entries += tail.entries
        (all.seq, all.offset, all.hash) = (tail.seq, tail.offset, tail.hash)
        return all
    }

    /// The file's bytes: header, key table, names, lists, the checksum of all that, then the entries.
    func encoded() -> [UInt8] {
        var out = LineIndex.magic
        func u64(_ v: Int) { withUnsafeBytes(of: UInt64(v).littleEndian) { out.append(contentsOf: $0) } }
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        let nameBytes = order.reduce(0) { $0 + names[$1].utf8.count }
        let listLength = lists.reduce(0) { $0 + $1.count }
        u64(seq)
        u64(offset)
        withUnsafeBytes(of: hash?.words ?? (0, 0, 0, 0, 0, 0, 0, 0)) { out.append(contentsOf: $0) }
        u64(names.count)
        u64(nameBytes)
        u64(listLength)
        var nameAt = 0, listAt = 0
        for k in order {
            u32(nameAt); u32(names[k].utf8.count); u32(listAt); u32(lists[k].count)
            nameAt += names[k].utf8.count
            listAt += lists[k].count
        }
        for k in order { out.append(contentsOf: names[k].utf8) }
        for k in order { for s in lists[k] { u32(Int(s)) } }
        out += SnapshotFile.checksum(out[...])
        out += entries
        return out
    }

    /// The index a file holds, entries and all (to extend it); nil if it is not one whole and intact.
    init?(file: POSIXFile) {
        guard let size = try? file.size(), let table = LineIndexTable(file: file, size: size) else { return nil }
        let count = size - table.entriesStart
        guard count == table.seq * LineIndex.entrySize,
              let bytes = try? [UInt8](unsafeUninitializedCapacity: count, initializingWith: { buffer, n in
                  n = try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: table.entriesStart)
              }), bytes.count == count else { return nil }
        (seq, offset, hash) = (table.seq, table.offset, table.hash)
        for (name, list) in table.allKeys() {
            let k = key(name)
            lists[k] = list
            if name.hasPrefix("s") { streamKeys[String(name.dropFirst())] = k } else { typeKeys[String(name.dropFirst())] = k }
        }
        entries = bytes
    }
}

/// An index file's header and key table, read and checked, without its entries: what a query reads.
struct LineIndexTable {
    let seq: Int, offset: Int
    let hash: Digest
    let entriesStart: Int
    private let table: [UInt8]
    private let keyCount: Int, namesStart: Int, listsStart: Int

    init?(file: POSIXFile, size: Int) {
        var header = [UInt8](repeating: 0, count: LineIndex.headerSize)
        guard size > LineIndex.headerSize, (try? header.withUnsafeMutableBytes({ try file.read(into: $0, at: 0) })) == header.count,
              Array(header.prefix(LineIndex.magic.count)) == LineIndex.magic else { return nil }
        let at = LineIndex.magic.count
        // Every count is smaller than the index file; the log offset, than any file could be.
        func u64(_ i: Int, below limit: Int = size) -> Int? {
            let v = header.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }
            return v < UInt64(limit) ? Int(v) : nil
        }
        guard let seq = u64(at), let offset = u64(at + 8, below: 1 << 56), let keys = u64(at + 48), let nameBytes = u64(at + 56), let listLength = u64(at + 64),
              LogLine.counts.contains(seq) else { return nil }
        let tableSize = keys * 16 + nameBytes + listLength * 4
        guard LineIndex.headerSize + tableSize + 8 <= size else { return nil }
        var table = [UInt8](repeating: 0, count: tableSize + 8)
        guard (try? table.withUnsafeMutableBytes({ try file.read(into: $0, at: LineIndex.headerSize) })) == table.count,
              SnapshotFile.checksum((header + table.prefix(tableSize))[...]) == Array(table.suffix(8)) else { return nil }
        self.seq = seq
        self.offset = offset
        hash = header.withUnsafeBytes { Digest($0.loadUnaligned(fromByteOffset: at + 16, as: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32).self)) }
        self.table = table
        keyCount = keys
        namesStart = keys * 16
        listsStart = keys * 16 + nameBytes
        entriesStart = LineIndex.headerSize + tableSize + 8
        // Each key's name and list must lie within their parts of the table.
        for k in 0..<keys {
            let (n, nl, l, ll) = key(k)
            guard n + nl <= nameBytes, l + ll <= listLength else { return nil }
        }
    }

    private func u32(_ i: Int) -> Int { table.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: i, as: UInt32.self))) } }
    private func key(_ k: Int) -> (name: Int, nameLength: Int, list: Int, listLength: Int) {
        (u32(k * 16), u32(k * 16 + 4), u32(k * 16 + 8), u32(k * 16 + 12))
    }
    private func name(_ k: Int) -> ArraySlice<UInt8> {
        let (n, nl, _, _) = key(k)
        return table[(namesStart + n)..<(namesStart + n + nl)]
    }
    private func list(_ k: Int) -> [UInt32] {
        let (_, _, l, ll) = key(k)
        return (0..<ll).map { UInt32(u32(listsStart + (l + $0) * 4)) }
    }

    /// The first key whose name is not before `bytes`.
    private func lowerBound(_ bytes: [UInt8]) -> Int {
        var (lo, hi) = (0, keyCount)
        while lo < hi {
            let mid = (lo + hi) / 2
            if name(mid).lexicographicallyPrecedes(bytes) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The seqs of the lines `selection` asks for, in order.
    func seqs(_ selection: LineSelection) -> [Int] {
        var found: [UInt32] = []
        for wanted in selection.streams.map({ "s" + $0 }) + selection.types.map({ "t" + $0.rawValue }) {
            let bytes = Array(wanted.utf8), k = lowerBound(bytes)
            if k < keyCount, name(k).elementsEqual(bytes) { found += list(k) }
        }
        for prefix in selection.streamPrefixes {
            let bytes = Array(("s" + prefix).utf8)
            var k = lowerBound(bytes)
            while k < keyCount, name(k).starts(with: bytes) { found += list(k); k += 1 }
        }
        return Set(found).map { Int($0) }.sorted()
    }

    /// Every key's name and list.
    func allKeys() -> [(String, [UInt32])] {
        (0..<keyCount).map { (String(decoding: name($0), as: UTF8.self), list($0)) }
    }
}

extension EventLog {
    public var lineIndexPath: String { path + ".lines" }

    /// The index file, if the log's owner owns it and no one else can write it.
    private func openLineIndex() -> POSIXFile? {
        var log = stat()
        guard stat(path, &log) == 0, let file = try? POSIXFile.open(lineIndexPath, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK),
              let st = try? file.status(), nonRegularKind(st) == nil, st.st_uid == log.st_uid, st.st_mode & 0o022 == 0 else { return nil }
        return file
    }

    /// Keeps the index of the lines the last scan gathered, up to `position` (a snapshot's): written
    /// afresh after a scan of the whole log, or the index there extended by a scan that resumed
    /// from its end. Otherwise any index there is removed, as it no longer reaches the snapshot.
    func saveLineIndex(at position: LogPosition) {
        guard let (from, gathered) = gatheredLines.take(), gathered.seq == position.seq, gathered.offset == position.offset,
              gathered.hash == Digest(hex: position.hash) else {
            unlink(lineIndexPath)
            return
        }
        var index = gathered
        if from.seq > 0 {
            guard let file = openLineIndex(), let earlier = LineIndex(file: file),
                  earlier.seq == from.seq, earlier.offset == from.offset, earlier.hash == Digest(hex: from.hash) else {
                unlink(lineIndexPath)
                return
            }
            index = earlier.extended(by: gathered)
        }
        do throws(IOError) { try writeFileAtomically(lineIndexPath, index.encoded(), mode: besideMode) } catch { unlink(lineIndexPath) }
    }

    /// The lines `selection` asks for up to `position`, each read from the log and checked against the
    /// hash the index took from a checked scan; nil when there is no index at `position` or any line
    /// read disagrees with it (the caller then reads the whole log).
    public func selectedLines(_ selection: LineSelection, through position: LogPosition) -> [(LogRecord, Event)]? {
        guard let indexFile = openLineIndex(), let size = try? indexFile.size(), let table = LineIndexTable(file: indexFile, size: size),
              table.seq == position.seq, table.offset == position.offset, Digest(hex: position.hash) == table.hash,
              size == table.entriesStart + table.seq * LineIndex.entrySize,
              let log = try? openLocked(flags: O_RDONLY, exclusive: false) else { return nil }
        var out: [(LogRecord, Event)] = []
        var entry = [UInt8](repeating: 0, count: LineIndex.entrySize)
        var index = JSONObjectIndex()
        for seq in table.seqs(selection) {
            guard (1...table.seq).contains(seq),
                  (try? entry.withUnsafeMutableBytes({ try indexFile.read(into: $0, at: table.entriesStart + (seq - 1) * LineIndex.entrySize) })) == entry.count
            else { return nil }
            let (start, length, digest) = entry.withUnsafeBytes { raw in
                (Int(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))), Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))),
                 Digest(raw.loadUnaligned(fromByteOffset: 16, as: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32).self)))
            }
            guard length <= LogLine.maxBytes, start + length < position.offset else { return nil }
            var line = [UInt8](repeating: 0, count: length)
            guard (try? line.withUnsafeMutableBytes({ try log.read(into: $0, at: start) })) == length else { return nil }
            let read: (LogRecord, Event)? = line.withUnsafeBufferPointer { b in
                let (found, problem, payload) = withUnsafeMutablePointer(to: &index) { LogLine.decode(b, payloadIndex: $0) }
                guard var record = found, problem == nil, record.seq == seq, record.hashDigest == digest,
                      selection.selects(stream: record.stream, type: record.type),
                      case .success(let event) = Event.decoded(record, IndexedJSON(bytes: UnsafeBufferPointer(rebasing: b[payload]), index: index))
                else { return nil }
                record.line = seq
                return (record, event)
            }
            guard let read else { return nil }
            out.append(read)
        }
        return out
    }
}

/// The lines the latest scan of a whole log (or of all after a snapshot) gathered for the index, kept
/// until the snapshot at their end is written. One ledger, on one thread, uses a store at a time.
final class GatheredLines: @unchecked Sendable {
    private var gathered: (from: LogPosition, index: LineIndex)?

    func keep(_ index: LineIndex, from: LogPosition) { gathered = (from, index) }
    func forget() { gathered = nil }
    func take() -> (LogPosition, LineIndex)? {
        defer { gathered = nil }
        return gathered
    }
}
