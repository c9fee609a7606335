#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A snapshot's bytes, shared by every reader of them: a file mapped read-only (its pages come
/// straight from the page cache, neither zeroed nor copied, which was most of a warm query's time)
/// or a copy of an array. Every byte read is bounds-checked, as an array's would be. A sealed file's
/// bytes are checked block by block, each the first time it is read (`sound(_:)`): a warm query
/// reads a few of a snapshot's thousands of blocks, and checking all of them was a quarter of its time.
struct SnapshotBytes: @unchecked Sendable {
    /// Owns the memory: unmaps or frees it when the last reader is gone.
    private final class Storage {
        let base: UnsafeMutableRawPointer
        let size: Int
        let mapped: Bool

        init(base: UnsafeMutableRawPointer, size: Int, mapped: Bool) {
            (self.base, self.size, self.mapped) = (base, size, mapped)
        }

        deinit { if mapped { munmap(base, size) } else { base.deallocate() } }
    }

    private let storage: Storage
    private let base: UnsafePointer<UInt8>
    let count: Int
    /// A sealed file's block checksums; nil for bytes that were not read from a file.
    private var blocks: Blocks?

    var indices: Range<Int> { 0..<count }
    /// The size of a sealed file's blocks, each checked whole the first time any byte of it is read.
    static var blockSize: Int { Blocks.size }

    init(_ bytes: [UInt8]) {
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { if let from = $0.baseAddress { base.copyMemory(from: from, byteCount: $0.count) } }
        storage = Storage(base: base, size: bytes.count, mapped: false)
        self.base = UnsafePointer(base.assumingMemoryBound(to: UInt8.self))
        count = bytes.count
    }

    /// The first `size` bytes of `file`, mapped private and read-only (every page at once when
    /// `populate`: for a file that will be read whole); nil if it cannot be mapped. The file must not
    /// be truncated in place while mapped: snapshots and indexes are only ever replaced by rename.
    init?(mapping file: POSIXFile, size: Int, populate: Bool = true) {
        guard size > 0 else { return nil }
        #if os(Linux)
        let flags = MAP_PRIVATE | (populate ? MAP_POPULATE : 0)
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let p = mmap(nil, size, PROT_READ, flags, file.fd, 0), p != MAP_FAILED else { return nil }
        storage = Storage(base: p, size: size, mapped: true)
        base = UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
        count = size
    }

    /// Opens a file `seal` wrote: maps it, and checks its trailer (the blocks' checksums and their
    /// own checksum), leaving each block to be checked when it is first read. Nil if the trailer
    /// does not hold. The sealed content is `0..<content`.
    static func openSealed(_ file: POSIXFile, size: Int) -> (bytes: SnapshotBytes, content: Int)? {
        guard var bytes = SnapshotBytes(mapping: file, size: size, populate: false), let content = bytes.unseal(endingAt: size) else { return nil }
        return (bytes, content)
    }

    /// Checks the trailer `seal` wrote that ends at `end` (a file may go on after it) and takes its
    /// blocks' checksums, for each block to be checked when first read; the content's length, or nil
    /// if the trailer does not hold.
    mutating func unseal(endingAt end: Int) -> Int? {
        guard end >= 16, end <= count else { return nil }
        let content = loadFixed64(at: end - 16)
        guard content >= 0, content <= end - 16, SnapshotBytes.sealedSize(of: content) == end,
              checksum(before: end - 8, from: content) == self[(end - 8)..<end] else { return nil }
        let n = Blocks.count(covering: content)
        blocks = Blocks(sums: (0..<n).map { UInt64(littleEndian: load(at: content + $0 * 8, as: UInt64.self)) }, content: content, end: end)
        return content
    }

    /// The length of `content` bytes once sealed.
    static func sealedSize(of content: Int) -> Int { content + Blocks.count(covering: content) * 8 + 16 }

    /// `content` followed by what `openSealed` checks: a checksum of each block, the content's length,
    /// and a checksum of those two.
    static func seal(_ content: inout [UInt8]) {
        let length = content.count
        var trailer: [UInt8] = []
        trailer.reserveCapacity(Blocks.count(covering: length) * 8 + 16)
        content.withUnsafeBytes { raw in
            for i in 0..<Blocks.count(covering: length) {
                let block = UnsafeRawBufferPointer(rebasing: raw[Blocks.range(i, within: length)])
                withUnsafeBytes(of: Blocks.checksum(block, at: i).littleEndian) { trailer.append(contentsOf: $0) }
            }
        }
        withUnsafeBytes(of: UInt64(length).littleEndian) { trailer.append(contentsOf: $0) }
        trailer += trailer.withUnsafeBytes { SnapshotFile.checksum($0) }
        content += trailer
    }

    /// Whether the bytes in `range` are sound: for a sealed file, every block they lie in has been
    /// checked against its checksum (now, if not before). Bytes past the content are the trailer,
    /// checked when the file was opened; any after the trailer are not sound.
    func sound(_ range: Range<Int>) -> Bool { soundBlocks(around: range) != nil }

    /// The bytes of every block `range` lies in, once they are known to be sound; nil if one is not.
    func soundBlocks(around range: Range<Int>) -> Range<Int>? {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "snapshot bytes out of range")
        guard let blocks else { return 0..<count }
        // Past the trailer, a file may go on with bytes the seal does not cover.
        guard range.upperBound <= blocks.end else { return nil }
        guard range.lowerBound < blocks.content else { return blocks.content..<blocks.end }
        let first = range.lowerBound / Blocks.size
        let last = min((max(range.upperBound, range.lowerBound + 1) - 1) / Blocks.size, blocks.sums.count - 1)
        // Nearly always every block is known sound already: nothing is allocated to find that out.
        if !blocks.sound.withLock({ sound in (first...last).allSatisfy { sound[$0] } }) {
            let unchecked = blocks.sound.withLock { sound in (first...last).filter { !sound[$0] } }
            // Checked outside the lock, so both cores can check blocks at once; a block checked twice is only time lost.
            let held = withExtendedLifetime(storage) {
                unchecked.allSatisfy { i in
                    let r = Blocks.range(i, within: blocks.content)
                    return Blocks.checksum(UnsafeRawBufferPointer(start: base + r.lowerBound, count: r.count), at: i) == blocks.sums[i]
                }
            }
            guard held else { return nil }
            blocks.sound.withLock { sound in for i in unchecked { sound[i] = true } }
        }
        let start = Blocks.range(first, within: blocks.content).lowerBound
        return start..<(range.upperBound > blocks.content ? blocks.end : Blocks.range(last, within: blocks.content).upperBound)
    }

    /// These bytes without their blocks' checksums, for a reader kept to ranges already found sound
    /// (`sound(_:)`): it then reads them without checking again.
    func assumingSound() -> SnapshotBytes {
        var copy = self
        copy.blocks = nil
        return copy
    }

    subscript(i: Int) -> UInt8 {
        precondition(i >= 0 && i < count, "a snapshot byte out of range")
        return base[i]
    }

    /// A copy of the bytes in `range`.
    subscript(range: Range<Int>) -> [UInt8] {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "snapshot bytes out of range")
        return Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(storage) { () throws(E) -> R in try body(UnsafeBufferPointer(start: base, count: count)) }
    }

    /// The checksum of the bytes from `start` to before `end` (`SnapshotFile.checksum`).
    func checksum(before end: Int, from start: Int = 0) -> [UInt8] {
        precondition(start >= 0 && start <= end && end <= count, "snapshot bytes out of range")
        return withExtendedLifetime(storage) { SnapshotFile.checksum(UnsafeRawBufferPointer(start: base + start, count: end - start)) }
    }

    /// The value of type `T` whose bytes are at `offset`, as this machine lays it out.
    func load<T>(at offset: Int, as: T.Type) -> T {
        precondition(offset >= 0 && offset <= count - MemoryLayout<T>.size, "a snapshot offset out of range")
        return withExtendedLifetime(storage) { UnsafeRawPointer(base).loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    /// The integer `BinaryWriter.setFixed64` wrote at `offset`.
    func loadFixed64(at offset: Int) -> Int {
        precondition(offset >= 0 && offset <= count - 8, "a snapshot offset out of range")
        return Int(truncatingIfNeeded: UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
    }
}

/// A sealed file's blocks: their checksums, and which have been checked (from any thread).
private final class Blocks: Sendable {
    /// 16 KiB: a warm query checks little more than the rows it reads, and the checksums of a
    /// 70 MB snapshot take 35 KB.
    static let size = 1 << 14
    let sums: [UInt64]
    /// The bytes the blocks cover, from the start of the file, and where their trailer ends.
    let content: Int, end: Int
    /// Which blocks have been checked and found sound (a damaged one is checked again if read again).
    let sound: Locked<[Bool]>

    init(sums: [UInt64], content: Int, end: Int) {
        (self.sums, self.content, self.end) = (sums, content, end)
        sound = Locked([Bool](repeating: false, count: sums.count))
    }

    static func count(covering length: Int) -> Int { (length + size - 1) / size }
    static func range(_ i: Int, within length: Int) -> Range<Int> { (i * size)..<min((i + 1) * size, length) }

    /// A block's checksum, which also depends on where it is (a block moved is damage too).
    static func checksum(_ block: UnsafeRawBufferPointer, at i: Int) -> UInt64 {
        SnapshotFile.checksum(block, seed: UInt64(i)).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }
}
