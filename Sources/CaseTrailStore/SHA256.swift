import SHA256Extensions
#if arch(x86_64)
import _Builtin_intrinsics.intel.cpuid
#endif

/// SHA-256 (FIPS 180-4), written here because the project takes no package dependencies.
/// Incremental: `update` any number of times, then `finalize` once.
public struct SHA256: Sendable {
    private var h: State =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    public init() { pending.reserveCapacity(64) }

    /// The digest of `bytes` in one call.
    public static func hash<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var s = SHA256()
        s.update(bytes)
        return s.finalize()
    }

    /// Lower-case hex of the digest, the form the log stores.
    public static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        hexString(hash(bytes))
    }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        let copy = Array(bytes)
        copy.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ raw: UnsafeRawBufferPointer) {
        guard raw.count > 0 else { return }
        length &+= UInt64(raw.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, raw.count)
            pending.append(contentsOf: raw[0..<take])
            offset = take
            if pending.count == 64 {
                pending.withUnsafeBytes { compress(blocks: $0) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        let whole = (raw.count - offset) / 64 * 64
        if whole > 0 {
            compress(blocks: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + whole)]))
            offset += whole
        }
        if offset < raw.count { pending.append(contentsOf: raw[offset...]) }
    }

    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        tail.withUnsafeBytes { compress(blocks: $0) }
        pending.removeAll()
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7] {
            out.append(UInt8(truncatingIfNeeded: word >> 24))
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 8))
            out.append(UInt8(truncatingIfNeeded: word))
        }
        return out
    }

    /// Runs the compression function over whole 64-byte blocks.
    private mutating func compress(blocks: UnsafeRawBufferPointer) {
        SHA256.compress(&h, blocks: blocks)
    }

    /// The digest of `a` followed by `b` followed by one byte, with no heap allocation: the shape
    /// of every log line's hash (previous hash, line body, closing brace), computed once per line.
    public static func digest(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, then last: UInt8) -> Digest {
        var h: State = (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
        let total = a.count + b.count + 1
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { scratch in
            // Whole blocks straight from the inputs where they lie; the rest goes through `scratch`.
            let base = UnsafeMutableRawPointer(scratch.baseAddress!)
            var filled = 0
            // State passed in and out, not captured: a captured `var` is checked for exclusive access on every use.
            func feed(_ part: UnsafeRawBufferPointer, _ h: inout State, _ filled: inout Int) {
                guard let start = part.baseAddress, part.count > 0 else { return }
                var offset = 0
                if filled > 0 {
                    let take = min(64 - filled, part.count)
                    (base + filled).copyMemory(from: start, byteCount: take)
                    filled += take
                    offset = take
                    if filled == 64 { compress(&h, blocks: UnsafeRawBufferPointer(start: base, count: 64)); filled = 0 }
                }
                let whole = (part.count - offset) / 64 * 64
                if whole > 0 { compress(&h, blocks: UnsafeRawBufferPointer(start: start + offset, count: whole)) }
                let rest = part.count - offset - whole
                if rest > 0 {
                    (base + filled).copyMemory(from: start + offset + whole, byteCount: rest)
                    filled += rest
                }
            }
            feed(a, &h, &filled)
            feed(b, &h, &filled)
            // The last byte, the 0x80 marker, zeros, and the length in bits.
            scratch[filled] = last; filled += 1
            scratch[filled] = 0x80; filled += 1
            let end = filled <= 56 ? 64 : 128
            for i in filled..<(end - 8) { scratch[i] = 0 }
            let bits = UInt64(total) &* 8
            for i in 0..<8 { scratch[end - 1 - i] = UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8)) }
            compress(&h, blocks: UnsafeRawBufferPointer(start: base, count: end))
            return Digest(h)
        }
    }

    typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// Whether hashing uses the processor's SHA instructions: it has the SHA extensions and the
    /// SSSE3/SSE4.1 shuffles the kernel also uses. Checked here, in code compiled for any x86-64.
    public static let usesProcessorInstructions: Bool = {
        #if arch(x86_64)
        var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
        guard __get_cpuid(1, &a, &b, &c, &d) != 0 else { return false }
        let ssse3 = c & (1 << 9) != 0, sse41 = c & (1 << 19) != 0
        guard __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 else { return false }
        return ssse3 && sse41 && b & (1 << 29) != 0
        #else
        return false
        #endif
    }()

    /// Runs the compression function over whole 64-byte blocks, on the SHA instructions when the
    /// processor has them.
    static func compress(_ h: inout State, blocks: UnsafeRawBufferPointer) {
        guard usesProcessorInstructions, blocks.count >= 64 else { return compressPortably(&h, blocks: blocks) }
        compressWithProcessorInstructions(&h, blocks: blocks)
    }

    /// The compression function on the SHA instructions; only where `usesProcessorInstructions`.
    static func compressWithProcessorInstructions(_ h: inout State, blocks: UnsafeRawBufferPointer) {
        guard let base = blocks.baseAddress else { return }
        withUnsafeMutableBytes(of: &h) { words in
            k.withUnsafeBytes { constants in
                SHA256Extensions.compress(words.baseAddress!.assumingMemoryBound(to: UInt32.self), base, count: blocks.count,
                                          roundConstants: constants.baseAddress!)
            }
        }
    }

    /// The compression function in plain Swift, for any processor.
    static func compressPortably(_ h: inout State, blocks: UnsafeRawBufferPointer) {
        var (a0, b0, c0, d0, e0, f0, g0, h0) = h
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            SHA256.k.withUnsafeBufferPointer { k in
                var block = 0
                while block < blocks.count {
                    for t in 0..<16 {
                        let p = block + t * 4
                        w[t] = UInt32(blocks[p]) << 24 | UInt32(blocks[p + 1]) << 16 | UInt32(blocks[p + 2]) << 8 | UInt32(blocks[p + 3])
                    }
                    for t in 16..<64 {
                        let x = w[t - 15], y = w[t - 2]
                        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)
                        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10)
                        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                    }
                    var a = a0, b = b0, c = c0, d = d0, e = e0, f = f0, g = g0, hh = h0
                    for t in 0..<64 {
                        let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                        let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        let t2 = s0 &+ maj
                        hh = g; g = f; f = e; e = d &+ t1
                        d = c; c = b; b = a; a = t1 &+ t2
                    }
                    a0 = a0 &+ a; b0 = b0 &+ b; c0 = c0 &+ c; d0 = d0 &+ d
                    e0 = e0 &+ e; f0 = f0 &+ f; g0 = g0 &+ g; h0 = h0 &+ hh
                    block += 64
                }
            }
        }
        h = (a0, b0, c0, d0, e0, f0, g0, h0)
    }

    /// The round constants, shared with the SHA-instruction kernel.
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
}

/// A SHA-256 digest as eight words, compared and printed without allocating.
public struct Digest: Equatable, Sendable {
    typealias Words = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    let words: Words

    init(_ w: Words) { words = w }

    public static func == (a: Digest, b: Digest) -> Bool {
        let (x, y) = (a.words, b.words)
        return x.0 == y.0 && x.1 == y.1 && x.2 == y.2 && x.3 == y.3 && x.4 == y.4 && x.5 == y.5 && x.6 == y.6 && x.7 == y.7
    }

    /// Word `i` (0–7) of the digest.
    @inline(__always) func word(_ i: Int) -> UInt32 {
        withUnsafeBytes(of: words) { $0.load(fromByteOffset: i * 4, as: UInt32.self) }
    }

    /// The digest that 64 lower-case hex digits spell, or nil for anything else.
    public init?(hex: UnsafeBufferPointer<UInt8>) {
        guard hex.count == 64, let base = hex.baseAddress else { return nil }
        var w: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
        var valid = true
        withUnsafeMutableBytes(of: &w) { raw in
            for i in 0..<8 {
                guard let word = Digest.word(fromHex: UInt64(littleEndian: UnsafeRawPointer(base + i * 8).loadUnaligned(as: UInt64.self))) else {
                    valid = false
                    return
                }
                raw.storeBytes(of: word, toByteOffset: i * 4, as: UInt32.self)
            }
        }
        guard valid else { return nil }
        words = w
    }

    /// Eight lower-case hex digits (the first in the lowest byte) as the word
    /// they spell, or nil if any byte is not one: every line has 128 of them, so all eight lanes are
    /// tested and converted at once with word arithmetic. No lane can carry into the next: every
    /// byte is below 0x80 before anything is added to it.
    @inline(__always)
    static func word(fromHex w: UInt64) -> UInt32? {
        let lanes: UInt64 = 0x0101_0101_0101_0101, highs = lanes &* 0x80
        guard w & highs == 0 else { return nil }
        // A lane's high bit is set after adding 0x80 - low, and clear after adding 0x80 - (high + 1), exactly when low <= byte <= high.
        let digits = (w &+ lanes &* 0x50) & ~(w &+ lanes &* 0x46) & highs     // "0"..."9"
        let letters = (w &+ lanes &* 0x1F) & ~(w &+ lanes &* 0x19) & highs    // "a"..."f"
        guard digits | letters == highs else { return nil }
        let nibbles = (w & (lanes &* 0x0F)) &+ (letters >> 7) &* 9
        // Pack the eight nibbles, first digit most significant.
        let pairs = ((nibbles << 4) | (nibbles >> 8)) & 0x00FF_00FF_00FF_00FF
        let quads = (pairs | (pairs >> 8)) & 0x0000_FFFF_0000_FFFF
        let packed = UInt32(truncatingIfNeeded: quads | (quads >> 16))
        return packed.byteSwapped
    }

    public init?(hex: String) {
        var text = hex
        guard let d = text.withUTF8({ Digest(hex: $0) }) else { return nil }
        self = d
    }

    /// Lower-case hex, as the log stores it.
    public var hex: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for i in 0..<8 { for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word(i) >> UInt32(shift))) } }
        return hexString(bytes)
    }
}

@inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

/// Lower-case hex of bytes.
public func hexString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}
