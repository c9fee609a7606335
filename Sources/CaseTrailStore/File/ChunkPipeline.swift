#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaseTrailCore
import Dispatch

/// Chunks read and decoded ahead of the thread that replays them, by one background thread that
/// stays at most `depth` chunks ahead (so memory stays bounded however long the log is).
final class ChunkPipeline<T>: @unchecked Sendable {
    /// The reader, used only by the background thread until the last chunk has been taken.
    private(set) var reader: ChunkReader
    private let transform: @Sendable (LogRecord, IndexedJSON) -> T
    private let depth = 3
    /// Chunks read and being (or done) decoded, oldest first; guarded by `lock`.
    private var ready: [ChunkJob<T>] = []
    private var failure: IOError?
    private let lock = DispatchQueue(label: "casetrail.pipeline")
    /// Free places ahead of the consumer, and chunks (or the end) ready to be taken.
    private let places: DispatchSemaphore
    private let available = DispatchSemaphore(value: 0)
    private let producing = DispatchGroup()

    init(reader: ChunkReader, transform: @escaping @Sendable (LogRecord, IndexedJSON) -> T) {
        self.reader = reader
        self.transform = transform
        // Counted up rather than created at `depth`: libdispatch refuses to free a semaphore below its starting value.
        places = DispatchSemaphore(value: 0)
        for _ in 0..<depth { places.signal() }
        DispatchQueue.global().async(group: producing) { self.produce() }
    }

    /// The background thread: read a chunk, offer it, decode it; until the end of the file or an error.
    private func produce() {
        while true {
            places.wait()
            let job: ChunkJob<T>?
            do throws(IOError) { job = try reader.next(transform) } catch {
                lock.sync { failure = error }
                available.signal()
                return
            }
            guard let job else { available.signal(); return }
            job.beginWork()
            lock.sync { ready.append(job) }
            available.signal()
            job.work()
            job.endWork()
        }
    }

    /// The next chunk in file order with every line decoded (this thread helps finish it), or nil
    /// after the last; throws what stopped the reading.
    func next() throws(IOError) -> ChunkJob<T>? {
        available.wait()
        guard let job = lock.sync(execute: { ready.isEmpty ? nil : ready.removeFirst() }) else {
            producing.wait()
            if let failure { throw failure }
            return nil
        }
        job.finish()
        return job
    }

    /// Frees the place of a chunk whose lines have all been taken.
    func done(with job: ChunkJob<T>) { places.signal() }
}

/// Reads the log in chunks that end on a line break, carrying a part line over to the next chunk.
struct ChunkReader {
    /// Fills a buffer with the bytes at an offset, returning how many (0 at the end): a file's
    /// `pread`, or the next rows of a database's `COPY` (which comes in order, so ignores the offset).
    let source: (UnsafeMutableRawBufferPointer, Int) throws(IOError) -> Int
    var offset: Int          // next byte to read
    let size: Int
    var carry: [UInt8] = []  // bytes after the last line break read so far
    var carryOffset: Int     // file offset of carry[0]
    let chunkSize: Int       // bytes asked for per read

    init(file: POSIXFile, offset: Int, size: Int, chunkSize: Int) {
        self.init(source: { buffer, at throws(IOError) in try file.read(into: buffer, at: at) }, offset: offset, size: size, chunkSize: chunkSize)
    }

    init(source: @escaping (UnsafeMutableRawBufferPointer, Int) throws(IOError) -> Int, offset: Int, size: Int, chunkSize: Int) {
        self.source = source
        self.offset = offset
        self.size = size
        self.chunkSize = chunkSize
        carryOffset = offset
    }

    /// The next chunk of complete lines, or nil at the end (what is left in `carry` is a torn tail).
    /// Each chunk is read straight into its own buffer, after the part line carried over.
    mutating func next<T>(_ transform: @escaping @Sendable (LogRecord, IndexedJSON) -> T) throws(IOError) -> ChunkJob<T>? {
        while offset < size {
            let want = min(chunkSize, size - offset)
            let kept = carry.count
            if kept >= chunkSize {
                // A line longer than a chunk: the carried bytes grow in place, doubling as they go,
                // so reading one very long line stays linear in its length.
                carry.append(contentsOf: repeatElement(0, count: want))
                var failure: IOError?
                let got = carry.withUnsafeMutableBytes { raw in
                    Result { () throws(IOError) in try source(UnsafeMutableRawBufferPointer(rebasing: raw[kept...]), offset) }
                }
                switch got {
                case .success(let n): carry.removeLast(want - n); offset += n; if n == 0 { failure = nil; return nil }
                case .failure(let e): failure = e
                }
                if let failure { throw failure }
                guard let lastBreak = carry[kept...].lastIndex(of: 0x0A) else { continue }
                var bytes = carry
                carry = Array(bytes[(lastBreak + 1)...])
                bytes.removeLast(bytes.count - lastBreak - 1)
                let base = carryOffset
                carryOffset += lastBreak + 1
                return ChunkJob(bytes: bytes, base: base, transform: transform)
            }
            var failure: IOError?
            var bytes = [UInt8](unsafeUninitializedCapacity: kept + want) { buffer, count in
                _ = buffer.initialize(from: carry)
                do throws(IOError) {
                    count = try kept + source(UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[kept...])), offset)
                } catch {
                    failure = error
                    count = kept
                }
            }
            if let failure { throw failure }
            let got = bytes.count - kept
            offset += got
            if got == 0 { break }
            guard let lastBreak = bytes.lastIndex(of: 0x0A) else {
                carry = bytes
                continue
            }
            carry = Array(bytes[(lastBreak + 1)...])
            bytes.removeLast(bytes.count - lastBreak - 1)
            let base = carryOffset
            carryOffset += lastBreak + 1
            return ChunkJob(bytes: bytes, base: base, transform: transform)
        }
        return nil
    }
}

/// One chunk's lines being decoded: claimed in batches by a background thread and by whoever
/// else calls `work`, each result written once into its own slot.
final class ChunkJob<T>: @unchecked Sendable {
    let bytes: [UInt8]
    let base: Int
    let ranges: [Range<Int>]
    let transform: @Sendable (LogRecord, IndexedJSON) -> T
    private let results: UnsafeMutableBufferPointer<Decoded<T>>
    private let claims = DispatchQueue(label: "casetrail.decode.claims")
    private var nextIndex = 0
    private let group = DispatchGroup()
    static var batch: Int { 256 }

    init(bytes: [UInt8], base: Int, transform: @escaping @Sendable (LogRecord, IndexedJSON) -> T) {
        self.bytes = bytes
        self.base = base
        self.transform = transform
        var ranges: [Range<Int>] = []
        var start = 0
        bytes.withUnsafeBufferPointer { all in
            while start < all.count, let nl = memchr(all.baseAddress! + start, 0x0A, all.count - start) {
                let end = all.baseAddress!.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                ranges.append(start..<end)
                start = end + 1
            }
        }
        self.ranges = ranges
        results = .allocate(capacity: ranges.count)
    }

    deinit { results.deallocate() }

    /// Marks work on the chunk as begun elsewhere, before others can see the chunk.
    func beginWork() { group.enter() }

    /// Marks that work done.
    func endWork() { group.leave() }

    /// Helps decode until no lines are left, then waits for any other thread's last batch.
    func finish() {
        work()
        group.wait()
    }

    private func claim() -> Range<Int>? {
        claims.sync {
            guard nextIndex < ranges.count else { return nil }
            let from = nextIndex
            nextIndex = min(ranges.count, from + ChunkJob.batch)
            return from..<nextIndex
        }
    }

    /// Decodes batches of lines until none are left to claim.
    func work() {
        // One index, reused line after line, so indexing a payload allocates nothing.
        var index = JSONObjectIndex()
        bytes.withUnsafeBufferPointer { all in
            while let batch = claim() {
                for i in batch {
                    let line = UnsafeBufferPointer(rebasing: all[ranges[i]])
                    let decoded = withUnsafeMutablePointer(to: &index) { LogLine.decodeForReplay(line, index: $0, transform: transform) }
                    (results.baseAddress! + i).initialize(to: decoded)
                }
            }
        }
    }

    /// Moves decoded line `i` out (once each, in any order; every line must be taken).
    func takeLine(_ i: Int) -> Decoded<T> {
        (results.baseAddress! + i).move()
    }
}
