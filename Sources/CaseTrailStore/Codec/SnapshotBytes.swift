#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A snapshot's bytes, shared by every reader of them: a file mapped read-only (its pages come
/// straight from the page cache, neither zeroed nor copied, which was most of a warm query's time)
/// or a copy of an array. Every byte read is bounds-checked, as an array's would be.
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

    var indices: Range<Int> { 0..<count }

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

    /// The checksum of the bytes before `end` (`SnapshotFile.checksum`).
    func checksum(before end: Int) -> [UInt8] {
        precondition(end >= 0 && end <= count, "snapshot bytes out of range")
        return withExtendedLifetime(storage) { SnapshotFile.checksum(UnsafeRawBufferPointer(start: base, count: end)) }
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
