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
    /// Every line this limit does not take in, too: the end of the log from a moment on (`history --since`).
    public var beyond: ReadLimit?

    public init(streams: Set<String>, streamPrefixes: [String] = [], types: Set<EventType> = [], beyond: ReadLimit? = nil) {
        self.streams = streams
        self.streamPrefixes = streamPrefixes
        self.types = types
        self.beyond = beyond
    }

    func selects(stream: String, type: String) -> Bool {
        streams.contains(stream) || streamPrefixes.contains(where: stream.hasPrefix) || EventType(rawValue: type).map(types.contains) ?? false
    }

    func selects(_ record: LogRecord) -> Bool {
        selects(stream: record.stream, type: record.type) || beyond.map { !$0.includes(record) } ?? false
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
    private var names: [String] = []
    private var lists: [[UInt32]] = []
    /// Stream and type to key number, looked up by the bare name: one lookup a line, no string built.
    private var streamKeys: [String: Int] = [:], typeKeys: [String: Int] = [:]
    /// The most lines an index holds: seqs are kept in four bytes.
    static let maxLines = Int(UInt32.max)
    /// Every line's place and hash, 48 bytes each, line 1 first (`Entry`).
    private(set) var entries: [UInt8] = []
    /// The Merkle tree of the first `tree.size` lines (all of them once encoded): a checkpoint's root
    /// without hashing every line again.
    private(set) var tree = Merkle.Builder()

    static let entrySize = 48
    static let magic = Array("casetrail-line-index 3\n".utf8)
    /// Magic, then seq, offset, hash, key count, name bytes and list length; the Merkle frontier
    /// (32 bytes for each set bit of seq) follows.
    static let headerSize = magic.count + 8 + 8 + 32 + 8 + 8 + 8

    init() {}

    /// An index that carries on from `position` (whose own index holds the lines before it).
    init(continuingFrom position: LogPosition, expectedLines: Int) {
        seq = position.seq
        offset = position.offset
        hash = Digest(hex: position.hash)
        entries.reserveCapacity(expectedLines * LineIndex.entrySize)
    }

    /// The number of the key named `name` ("s…" or "t…"), made if it is new.
    private mutating func key(_ name: String) -> Int {
        let bare = String(name.dropFirst()), isStream = name.hasPrefix("s")
        if let k = isStream ? streamKeys[bare] : typeKeys[bare] { return k }
        let k = names.count
        names.append(name)
        lists.append([])
        if isStream { streamKeys[bare] = k } else { typeKeys[bare] = k }
        return k
    }

    /// Adds the next line, which lies at `start..<end` (its `\n` included); its seq is at most `maxLines`.
    mutating func add(_ record: LogRecord, start: Int, end: Int) {
        let s = streamKeys[record.stream] ?? key("s" + record.stream)
        let t = typeKeys[record.type] ?? key("t" + record.type)
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
        for (k, name) in tail.names.enumerated() { all.lists[all.key(name)] += tail.lists[k] }
        all.entries += tail.entries
        (all.seq, all.offset, all.hash) = (tail.seq, tail.offset, tail.hash)
        return all
    }

    /// The hash of line `seq` (from 1) as the index holds it.
    func hash(ofLine seq: Int) -> Digest {
        entries.withUnsafeBytes { Digest($0.loadUnaligned(fromByteOffset: (seq - 1) * LineIndex.entrySize + 16, as: Digest.Words.self)) }
    }

    /// The file's bytes: header, Merkle frontier, key table, names, lists, sealed (`SnapshotBytes.seal`:
    /// a query checks only the blocks it reads), then the entries, which each line read is checked
    /// against. Only for an index of every line from the first.
    func encoded() -> [UInt8] {
        precondition(entries.count == seq * LineIndex.entrySize, "an index is written only when it holds every line from the first")
        var tree = self.tree
        for line in stride(from: tree.size + 1, through: seq, by: 1) { tree.append(line: hash(ofLine: line)) }
        var out = LineIndex.magic
        func u64(_ v: Int) { withUnsafeBytes(of: UInt64(v).littleEndian) { out.append(contentsOf: $0) } }
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        // Keys in byte order, for a query to find one by halving; compared with memcmp, as there may be a quarter of a million.
        let bytes = names.map { Array($0.utf8) }
        let order = bytes.indices.sorted { a, b in
            bytes[a].withUnsafeBytes { x in
                bytes[b].withUnsafeBytes { y in
                    let c = memcmp(x.baseAddress!, y.baseAddress!, min(x.count, y.count))
                    return c != 0 ? c < 0 : x.count < y.count
                }
            }
        }
        let nameBytes = bytes.reduce(0) { $0 + $1.count }
        let listLength = lists.reduce(0) { $0 + $1.count }
        u64(seq)
        u64(offset)
        withUnsafeBytes(of: hash?.words ?? (0, 0, 0, 0, 0, 0, 0, 0)) { out.append(contentsOf: $0) }
        u64(names.count)
        u64(nameBytes)
        u64(listLength)
        for root in tree.frontier { withUnsafeBytes(of: root.words) { out.append(contentsOf: $0) } }
        var nameAt = 0, listAt = 0
        for k in order {
            u32(nameAt); u32(bytes[k].count); u32(listAt); u32(lists[k].count)
            nameAt += bytes[k].count
            listAt += lists[k].count
        }
        out.reserveCapacity(out.count + nameBytes + listLength * 4 + 8 + entries.count)
        for k in order { out.append(contentsOf: bytes[k]) }
        // The seqs as they are held where that is little-endian already, four bytes at a time elsewhere.
        for k in order {
            if UInt32(1).littleEndian == 1 { lists[k].withUnsafeBytes { out.append(contentsOf: $0) } } else { for s in lists[k] { u32(Int(s)) } }
        }
        SnapshotBytes.seal(&out)
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
        (seq, offset, hash, tree) = (table.seq, table.offset, table.hash, table.tree)
        guard let keys = table.allKeys() else { return nil }
        for (name, list) in keys { lists[key(name)] = list }
        entries = bytes
    }
}

/// An index file's header and key table, read and checked, without its entries: what a query reads.
/// Every part is checked (block by block, `SnapshotBytes.sound`) before it is believed; a part that
/// does not hold makes the index unusable, and the caller reads the whole log instead.
struct LineIndexTable {
    let seq: Int, offset: Int
    let hash: Digest
    /// The Merkle tree of lines 1 to seq, as its frontier.
    let tree: Merkle.Builder
    let entriesStart: Int
    /// The whole file, mapped: a query reads its header and key table, and a few entries.
    private let bytes: SnapshotBytes
    private let tableStart: Int, tableEnd: Int
    private let keyCount: Int, namesStart: Int, listsStart: Int
    private let nameBytes: Int, listLength: Int

    init?(file: POSIXFile, size: Int) {
        guard size > LineIndex.headerSize, var bytes = SnapshotBytes(mapping: file, size: size, populate: false) else { return nil }
        let at = LineIndex.magic.count
        // Every count is smaller than the index file; the log offset, than any file could be. Read
        // before the header is known to be sound, they only say where the seal is, which then checks them.
        func u64(_ i: Int, below limit: Int = size) -> Int? {
            let v = UInt64(littleEndian: bytes.load(at: i, as: UInt64.self))
            return v < UInt64(limit) ? Int(v) : nil
        }
        guard let seq = u64(at), let offset = u64(at + 8, below: 1 << 56), let keys = u64(at + 48), let nameBytes = u64(at + 56), let listLength = u64(at + 64),
              LogLine.counts.contains(seq) else { return nil }
        let frontierSize = seq.nonzeroBitCount * 32, tableSize = keys * 16 + nameBytes + listLength * 4
        let sealed = LineIndex.headerSize + frontierSize + tableSize
        guard sealed < size, SnapshotBytes.sealedSize(of: sealed) <= size, bytes.unseal(endingAt: SnapshotBytes.sealedSize(of: sealed)) == sealed,
              bytes.sound(0..<(LineIndex.headerSize + frontierSize)), bytes[0..<LineIndex.magic.count] == LineIndex.magic,
              let tree = Merkle.Builder(frontier: (0..<seq.nonzeroBitCount).map { Digest(bytes.load(at: LineIndex.headerSize + $0 * 32, as: Digest.Words.self)) },
                                        size: seq) else { return nil }
        self.tree = tree
        self.seq = seq
        self.offset = offset
        hash = Digest(bytes.load(at: at + 16, as: Digest.Words.self))
        self.bytes = bytes
        tableStart = LineIndex.headerSize + frontierSize
        tableEnd = sealed
        keyCount = keys
        namesStart = keys * 16
        listsStart = keys * 16 + nameBytes
        (self.nameBytes, self.listLength) = (nameBytes, listLength)
        entriesStart = SnapshotBytes.sealedSize(of: sealed)
    }

    /// The table's bytes at `range` (from its start), once they are known to be sound.
    private func sound(_ range: Range<Int>) -> Bool { bytes.sound((tableStart + range.lowerBound)..<(tableStart + range.upperBound)) }
    private func u32(_ i: Int) -> Int { Int(UInt32(littleEndian: bytes.load(at: tableStart + i, as: UInt32.self))) }

    /// Where key `k`'s name and list are; nil if its entry is damaged or points outside their parts of the table.
    private func key(_ k: Int) -> (name: Int, nameLength: Int, list: Int, listLength: Int)? {
        guard k >= 0, k < keyCount, sound((k * 16)..<(k * 16 + 16)) else { return nil }
        let (n, nl, l, ll) = (u32(k * 16), u32(k * 16 + 4), u32(k * 16 + 8), u32(k * 16 + 12))
        guard n + nl <= nameBytes, l + ll <= listLength else { return nil }
        return (n, nl, l, ll)
    }
    private func name(_ k: Int) -> [UInt8]? {
        guard let (n, nl, _, _) = key(k), sound((namesStart + n)..<(namesStart + n + nl)) else { return nil }
        return bytes[(tableStart + namesStart + n)..<(tableStart + namesStart + n + nl)]
    }
    private func list(_ k: Int) -> [UInt32]? {
        guard let (_, _, l, ll) = key(k), sound((listsStart + l * 4)..<(listsStart + (l + ll) * 4)) else { return nil }
        return (0..<ll).map { UInt32(u32(listsStart + (l + $0) * 4)) }
    }

    /// The first key whose name is not before `bytes`; nil if a name on the way is damaged.
    private func lowerBound(_ bytes: [UInt8]) -> Int? {
        var (lo, hi) = (0, keyCount)
        while lo < hi {
            let mid = (lo + hi) / 2
            guard let here = name(mid) else { return nil }
            if here.lexicographicallyPrecedes(bytes) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The seqs of the lines `selection` asks for, in order; nil if a part of the table they need is damaged.
    func seqs(_ selection: LineSelection) -> [Int]? {
        var found: [UInt32] = []
        for wanted in selection.streams.map({ "s" + $0 }) + selection.types.map({ "t" + $0.rawValue }) {
            let bytes = Array(wanted.utf8)
            guard let k = lowerBound(bytes) else { return nil }
            guard k < keyCount else { continue }
            guard let here = name(k) else { return nil }
            if here.elementsEqual(bytes) {
                guard let list = list(k) else { return nil }
                found += list
            }
        }
        for prefix in selection.streamPrefixes {
            let bytes = Array(("s" + prefix).utf8)
            guard var k = lowerBound(bytes) else { return nil }
            while k < keyCount {
                guard let here = name(k) else { return nil }
                guard here.starts(with: bytes) else { break }
                guard let list = list(k) else { return nil }
                found += list
                k += 1
            }
        }
        return Set(found).map { Int($0) }.sorted()
    }

    /// Every key's name and list; nil if any is damaged.
    func allKeys() -> [(String, [UInt32])]? {
        guard sound(0..<(tableEnd - tableStart)) else { return nil }
        var all: [(String, [UInt32])] = []
        all.reserveCapacity(keyCount)
        for k in 0..<keyCount {
            guard let name = name(k), let list = list(k) else { return nil }
            all.append((String(decoding: name, as: UTF8.self), list))
        }
        return all
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

    /// The Merkle tree of the lines up to `position`, as the index kept it; nil without an index there.
    public func merkleTree(through position: LogPosition) -> Merkle.Builder? {
        guard let file = openLineIndex(), let size = try? file.size(), let table = LineIndexTable(file: file, size: size),
              table.seq == position.seq, table.offset == position.offset, Digest(hex: position.hash) == table.hash,
              size == table.entriesStart + table.seq * LineIndex.entrySize else { return nil }
        return table.tree
    }

    /// The lines `selection` asks for up to `position`, each read from the log and checked against the
    /// hash the index took from a checked scan; nil when there is no index at `position` or any line
    /// read disagrees with it (the caller then reads the whole log).
    public func selectedLines(_ selection: LineSelection, through position: LogPosition) -> [(LogRecord, Event)]? {
        guard let indexFile = openLineIndex(), let size = try? indexFile.size(), let table = LineIndexTable(file: indexFile, size: size),
              table.seq == position.seq, table.offset == position.offset, Digest(hex: position.hash) == table.hash,
              size == table.entriesStart + table.seq * LineIndex.entrySize,
              let log = try? openLocked(flags: O_RDONLY, exclusive: false) else { return nil }
        guard var seqs = table.seqs(selection) else { return nil }
        if let limit = selection.beyond {
            guard let first = firstLine(beyond: limit, table, indexFile, log) else { return nil }
            if first <= table.seq { seqs = seqs.filter { $0 < first } + Array(first...table.seq) }
        }
        var out: [(LogRecord, Event)] = []
        var index = JSONObjectIndex()
        var at = 0
        while at < seqs.count {
            // Consecutive lines are read together.
            var end = at + 1
            while end < seqs.count, seqs[end] == seqs[end - 1] + 1, end - at < 8_192 { end += 1 }
            guard let run = readRun(seqs[at], count: end - at, table, indexFile, log) else { return nil }
            for (seq, line) in run {
                let read: (LogRecord, Event)? = line.withUnsafeBufferPointer { b in
                    let (found, problem, payload) = withUnsafeMutablePointer(to: &index) { LogLine.decode(b, payloadIndex: $0) }
                    guard var record = found, problem == nil, record.seq == seq, record.hashDigest == line.digest, selection.selects(record),
                          case .success(let event) = Event.decoded(record, IndexedJSON(bytes: UnsafeBufferPointer(rebasing: b[payload]), index: index))
                    else { return nil }
                    record.line = seq
                    return (record, event)
                }
                guard let read else { return nil }
                out.append(read)
            }
            at = end
        }
        return out
    }

    /// Lines `first` to `first + count - 1`, as the log holds them, with the hash the index gives each; nil
    /// where the index points outside the log's checked part.
    private func readRun(_ first: Int, count: Int, _ table: LineIndexTable, _ indexFile: POSIXFile, _ log: POSIXFile) -> [(Int, IndexedLine)]? {
        guard first >= 1, first + count - 1 <= table.seq else { return nil }
        var entries = [UInt8](repeating: 0, count: count * LineIndex.entrySize)
        guard (try? entries.withUnsafeMutableBytes({ try indexFile.read(into: $0, at: table.entriesStart + (first - 1) * LineIndex.entrySize) })) == entries.count
        else { return nil }
        let places = entries.withUnsafeBytes { raw in
            (0..<count).map { i in
                (start: Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * LineIndex.entrySize, as: UInt64.self))),
                 length: Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * LineIndex.entrySize + 8, as: UInt32.self))),
                 digest: Digest(raw.loadUnaligned(fromByteOffset: i * LineIndex.entrySize + 16, as: Digest.Words.self)))
            }
        }
        // Each line must lie after the one before, within the checked part of the log.
        for (i, p) in places.enumerated() {
            guard p.length <= LogLine.maxBytes, p.start + p.length < table.offset, i == 0 || p.start >= places[i - 1].start + places[i - 1].length + 1 else { return nil }
        }
        var lines: [(Int, IndexedLine)] = []
        var from = 0
        while from < count {
            // A few megabytes read at a time: the longest lines are a megabyte each.
            var to = from + 1
            while to < count, places[to].start + places[to].length - places[from].start <= 4 << 20 { to += 1 }
            let base = places[from].start, total = places[to - 1].start + places[to - 1].length - base
            var bytes = [UInt8](repeating: 0, count: total)
            guard (try? bytes.withUnsafeMutableBytes({ try log.read(into: $0, at: base) })) == total else { return nil }
            for i in from..<to {
                let p = places[i]
                lines.append((first + i, IndexedLine(bytes: Array(bytes[(p.start - base)..<(p.start - base + p.length)]), digest: p.digest)))
            }
            from = to
        }
        return lines
    }

    /// The first line `limit` does not take in (one past the last when it takes in all): found by halving, as
    /// lines are recorded in time order, which the checked scan the index came from made sure of.
    private func firstLine(beyond limit: ReadLimit, _ table: LineIndexTable, _ indexFile: POSIXFile, _ log: POSIXFile) -> Int? {
        var (lo, hi) = (1, table.seq + 1)
        while lo < hi {
            let mid = (lo + hi) / 2
            // Only the line the index took from a checked scan may steer the search: its own hash must hold and match.
            guard let (_, line) = readRun(mid, count: 1, table, indexFile, log)?.first,
                  let record = line.bytes.withUnsafeBufferPointer({ b -> LogRecord? in
                      let (found, problem) = LogLine.decode(b)
                      return problem == nil ? found : nil
                  }), record.seq == mid, record.hashDigest == line.digest else { return nil }
            if limit.includes(record) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// One line's bytes read by way of the index (without its `\n`), and the hash the index gives it.
private struct IndexedLine {
    var bytes: [UInt8]
    var digest: Digest

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { bytes.withUnsafeBufferPointer(body) }
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
