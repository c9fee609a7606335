import CaseTrailCore

/// The RFC 6962 (Certificate Transparency) Merkle tree over a log's lines: leaf i is
/// SHA-256(0x00 ‖ the 32 bytes of line i's hash), a node SHA-256(0x01 ‖ left ‖ right), split at the
/// largest power of two below the size (RFC 6962 section 2.1), so any CT tool can check its proofs.
public enum Merkle {
    /// The leaf hash of a line whose own hash is `line`.
    public static func leaf(_ line: Digest) -> Digest {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { block in
            block[0] = 0x00
            line.store(into: block, at: 1)
            return finish(block, length: 33)
        }
    }

    /// The hash of an inner node.
    public static func node(_ left: Digest, _ right: Digest) -> Digest {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { block in
            block[0] = 0x01
            left.store(into: block, at: 1)
            right.store(into: block, at: 33)
            return finish(block, length: 65)
        }
    }

    /// SHA-256 of the first `length` bytes of `block` (room for the padding included).
    private static func finish(_ block: UnsafeMutableBufferPointer<UInt8>, length: Int) -> Digest {
        var h: SHA256.State = (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
        let end = length + 9 <= 64 ? 64 : 128
        block[length] = 0x80
        for i in (length + 1)..<(end - 8) { block[i] = 0 }
        let bits = UInt64(length) * 8
        for i in 0..<8 { block[end - 1 - i] = UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8)) }
        SHA256.compress(&h, blocks: UnsafeRawBufferPointer(start: block.baseAddress, count: end))
        return Digest(h)
    }

    /// The largest power of two below `n` (n > 1): where RFC 6962 splits a tree of n leaves.
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// A tree's root worked out as leaves arrive, keeping only the roots of its complete subtrees
    /// (at most one of each size): what `checkpoint` and `verify` fold each line into.
    public struct Builder: Sendable {
        private var stack: [(hash: Digest, size: Int)] = []
        public private(set) var size = 0

        public init() {}

        /// A tree of `size` leaves carried on from its complete subtrees' roots, largest first (what
        /// `frontier` gave); nil unless there is one for each set bit of `size`.
        public init?(frontier: [Digest], size: Int) {
            guard size >= 0, frontier.count == size.nonzeroBitCount else { return nil }
            var bits = size
            for hash in frontier {
                let top = 1 << (Int.bitWidth - 1 - bits.leadingZeroBitCount)
                stack.append((hash, top))
                bits -= top
            }
            self.size = size
        }

        /// The roots of the complete subtrees kept, largest first: all a later append needs.
        public var frontier: [Digest] { stack.map(\.hash) }

        public mutating func append(line: Digest) { append(leaf: Merkle.leaf(line)) }

        public mutating func append(leaf: Digest) {
            var entry = (hash: leaf, size: 1)
            while let last = stack.last, last.size == entry.size {
                stack.removeLast()
                entry = (Merkle.node(last.hash, entry.hash), last.size * 2)
            }
            stack.append(entry)
            size += 1
        }

        /// The root of the tree so far; nil while it has no leaves.
        public var root: Digest? {
            guard var acc = stack.last?.hash else { return nil }
            for entry in stack.dropLast().reversed() { acc = Merkle.node(entry.hash, acc) }
            return acc
        }
    }

    /// Every complete, aligned subtree of a tree's leaves, level by level, to answer any subtree's
    /// root (and so any proof) with about log2(n) hashes beyond those kept.
    public struct Tree: Sendable {
        private var levels: [[Digest]]

        public init(lines: [Digest]) { self.init(leaves: lines.map(Merkle.leaf)) }

        public init(leaves: [Digest]) {
            levels = [leaves]
            while levels.last!.count > 1 {
                let below = levels.last!
                levels.append(stride(from: 0, to: below.count - 1, by: 2).map { Merkle.node(below[$0], below[$0 + 1]) })
            }
        }

        public var size: Int { levels[0].count }

        /// MTH of leaves lo..<hi (RFC 6962 section 2.1).
        public func root(_ lo: Int, _ hi: Int) -> Digest {
            let n = hi - lo
            if n & (n - 1) == 0, lo % n == 0 {
                let level = n.trailingZeroBitCount
                return levels[level][lo >> level]
            }
            let k = Merkle.split(n)
            return Merkle.node(root(lo, lo + k), root(lo + k, hi))
        }

        public var root: Digest { root(0, size) }

        /// PATH(m, D[lo..<hi]): the audit path of leaf `m` (RFC 6962 section 2.1.1), nearest the leaf first.
        public func inclusionProof(_ m: Int, _ lo: Int, _ hi: Int) -> [Digest] {
            let n = hi - lo
            guard n > 1 else { return [] }
            let k = Merkle.split(n)
            return m - lo < k ? inclusionProof(m, lo, lo + k) + [root(lo + k, hi)] : inclusionProof(m, lo + k, hi) + [root(lo, lo + k)]
        }

        /// PROOF(m, D[0..<n]): that the tree of the first `m` leaves is the start of the tree of the first `n` (RFC 6962 section 2.1.2).
        public func consistencyProof(_ m: Int, _ n: Int) -> [Digest] {
            func subproof(_ m: Int, _ lo: Int, _ hi: Int, _ complete: Bool) -> [Digest] {
                let n = hi - lo
                if m == n { return complete ? [] : [root(lo, hi)] }
                let k = Merkle.split(n)
                return m <= k ? subproof(m, lo, lo + k, complete) + [root(lo + k, hi)]
                              : subproof(m - k, lo + k, hi, false) + [root(lo, lo + k)]
            }
            return 0 < m && m < n ? subproof(m, 0, n, true) : []
        }
    }

    /// Whether `proof` shows the leaf with hash `leaf`, index `index` (from 0), is in the tree of
    /// `size` leaves whose root is `root`: RFC 9162 section 2.1.3.2, every count checked first.
    public static func verifyInclusion(leaf: Digest, index: Int, size: Int, proof: [Digest], root: Digest) -> Bool {
        guard index >= 0, index < size else { return false }
        var fn = index, sn = size - 1
        var r = leaf
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = node(p, r)
                if fn & 1 == 0 { while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 } }
            } else {
                r = node(r, p)
            }
            fn >>= 1; sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Whether `proof` shows the tree of `newSize` leaves with root `newRoot` begins with the tree of
    /// `oldSize` leaves with root `oldRoot`: RFC 9162 section 2.1.4.2.
    public static func verifyConsistency(oldSize: Int, newSize: Int, oldRoot: Digest, newRoot: Digest, proof: [Digest]) -> Bool {
        guard oldSize > 0, oldSize <= newSize else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        guard !proof.isEmpty else { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        guard let first = path.first else { return false }
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = first, sr = first
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = node(c, fr)
                sr = node(c, sr)
                if fn & 1 == 0 { while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 } }
            } else {
                sr = node(sr, c)
            }
            fn >>= 1; sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }
}

extension Digest {
    /// The digest's 32 bytes, written big-endian word by word at `offset`.
    func store(into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for i in 0..<8 {
            let w = word(i)
            for b in 0..<4 { buffer[offset + i * 4 + b] = UInt8(truncatingIfNeeded: w >> UInt32(24 - 8 * b)) }
        }
    }

    /// The digest's 32 bytes.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in store(into: buffer, at: 0); count = 32 }
    }

    /// The digest of 32 bytes given as they are; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        var w: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &w) { raw in
            for i in 0..<8 {
                let v = UInt32(bytes[i * 4]) << 24 | UInt32(bytes[i * 4 + 1]) << 16 | UInt32(bytes[i * 4 + 2]) << 8 | UInt32(bytes[i * 4 + 3])
                raw.storeBytes(of: v, toByteOffset: i * 4, as: UInt32.self)
            }
        }
        self.init(w)
    }
}

extension LogRecord {
    /// The line's hash as a digest (nil where it is not 64 hex digits): what its Merkle leaf is made of.
    public var digest: Digest? { hashDigest }
}

/// One stored line read on its own, as a proof bundle carries it: no line before it to chain to.
public enum StandaloneLine {
    /// The line's envelope and event, and nil, when its own hash is right; else what is wrong with it
    /// (`changed` when the bytes no longer give the hash they carry, as a redacted line's do).
    public static func read(_ bytes: [UInt8]) -> (record: LogRecord?, event: Event?, problem: String?, changed: Bool) {
        let (record, problem) = bytes.withUnsafeBufferPointer { LogLine.decode($0) }
        guard let record else { return (nil, nil, problem ?? "the line cannot be read", false) }
        return (record, LogLine.event(of: bytes), problem, problem == LogLine.changedProblem)
    }
}
