import Testing
@testable import CaseTrailStore

/// The Merkle tree against RFC 6962's published vectors and a reference written straight from the
/// RFC's recursive definitions, for every tree size from 1 to 64 and every leaf.
@Suite struct MerkleTests {
    static func d(_ hex: String) -> Digest { Digest(hex: hex)! }

    /// The Certificate Transparency reference leaves (their published proofs number leaves from 1; here from 0) (their data, not yet leaf-hashed) and roots.
    static let vectorData: [[UInt8]] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map { h in
        stride(from: 0, to: h.count, by: 2).map { i in UInt8(h.dropFirst(i).prefix(2), radix: 16)! }
    }
    static let vectorRoots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4", "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c", "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    // The reference: RFC 6962 section 2.1 as written, on byte arrays and the plain SHA-256.
    static func refLeaf(_ data: [UInt8]) -> [UInt8] { SHA256.hash([0x00] + data) }
    static func refNode(_ l: [UInt8], _ r: [UInt8]) -> [UInt8] { SHA256.hash([0x01] + l + r) }
    static func refSplit(_ n: Int) -> Int { var k = 1; while 2 * k < n { k *= 2 }; return k }
    static func refMTH(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.count == 1 { return leaves.first! }
        let k = refSplit(leaves.count)
        return refNode(refMTH(leaves.prefix(k)), refMTH(leaves.dropFirst(k)))
    }
    static func refPath(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        if leaves.count == 1 { return [] }
        let k = refSplit(leaves.count)
        return m < k ? refPath(m, leaves.prefix(k)) + [refMTH(leaves.dropFirst(k))]
                     : refPath(m - k, leaves.dropFirst(k)) + [refMTH(leaves.prefix(k))]
    }
    static func refSubproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, _ b: Bool) -> [[UInt8]] {
        let n = leaves.count
        if m == n { return b ? [] : [refMTH(leaves)] }
        let k = refSplit(n)
        return m <= k ? refSubproof(m, leaves.prefix(k), b) + [refMTH(leaves.dropFirst(k))]
                      : refSubproof(m - k, leaves.dropFirst(k), false) + [refMTH(leaves.prefix(k))]
    }

    /// 64 line hashes, as a log's lines would give them.
    static let lines: [Digest] = (0..<64).map { i in Digest(bytes: SHA256.hash(Array("line \(i)".utf8)))! }

    @Test func theRootsAreThePublishedOnesForEveryVectorSize() {
        let leaves = Self.vectorData.map { Digest(bytes: Self.refLeaf($0))! }
        for n in 1...8 {
            #expect(Merkle.Tree(leaves: Array(leaves.prefix(n))).root.hex == Self.vectorRoots[n - 1], "size \(n)")
            var builder = Merkle.Builder()
            for leaf in leaves.prefix(n) { builder.append(leaf: leaf) }
            #expect(builder.root?.hex == Self.vectorRoots[n - 1], "size \(n), built leaf by leaf")
        }
        // A line's leaf is SHA-256(0x00 ‖ its hash's 32 bytes), and a node SHA-256(0x01 ‖ left ‖ right).
        #expect(Merkle.leaf(Self.lines[0]).bytes == Self.refLeaf(Self.lines[0].bytes))
        #expect(Merkle.node(Self.lines[0], Self.lines[1]).bytes == Self.refNode(Self.lines[0].bytes, Self.lines[1].bytes))
    }

    @Test func thePublishedInclusionAndConsistencyProofsAreGivenAndVerify() {
        let leaves = Self.vectorData.map { Digest(bytes: Self.refLeaf($0))! }
        let tree = Merkle.Tree(leaves: leaves)
        let inclusion: [(Int, Int, [String])] = [
            (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
            (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        ]
        for (m, n, proof) in inclusion {
            #expect(tree.inclusionProof(m, 0, n).map(\.hex) == proof, "leaf \(m) of \(n)")
            #expect(Merkle.verifyInclusion(leaf: leaves[m], index: m, size: n, proof: proof.map(Self.d), root: Self.d(Self.vectorRoots[n - 1])))
        }
        let consistency: [(Int, Int, [String])] = [
            (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
            (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        ]
        for (m, n, proof) in consistency {
            #expect(tree.consistencyProof(m, n).map(\.hex) == proof, "\(m) to \(n)")
            #expect(Merkle.verifyConsistency(oldSize: m, newSize: n, oldRoot: Self.d(Self.vectorRoots[m - 1]), newRoot: Self.d(Self.vectorRoots[n - 1]),
                                             proof: proof.map(Self.d)))
        }
    }

    @Test func everyLeafOfEveryTreeUpTo64HasTheReferencesProofAndOnlyItVerifies() {
        let refLeaves = Self.lines.map { Self.refLeaf($0.bytes) }
        for n in 1...64 {
            let tree = Merkle.Tree(lines: Array(Self.lines.prefix(n)))
            let root = tree.root
            #expect(root.bytes == Self.refMTH(refLeaves.prefix(n)[...]), "root of \(n)")
            for m in 0..<n {
                let proof = tree.inclusionProof(m, 0, n)
                #expect(proof.map(\.bytes) == Self.refPath(m, refLeaves.prefix(n)[...]), "leaf \(m) of \(n)")
                let leaf = Merkle.leaf(Self.lines[m])
                #expect(Merkle.verifyInclusion(leaf: leaf, index: m, size: n, proof: proof, root: root))
                // The wrong index, a changed hash, a hash too few or too many: refused. (The size is the
                // checkpoint's, never the proof's: a path's shape cannot always tell two sizes apart.)
                if n > 1 { #expect(!Merkle.verifyInclusion(leaf: leaf, index: (m + 1) % n, size: n, proof: proof, root: root)) }
                #expect(!Merkle.verifyInclusion(leaf: leaf, index: n, size: n, proof: proof, root: root))
                #expect(!Merkle.verifyInclusion(leaf: leaf, index: m, size: n, proof: proof + [root], root: root))
                if !proof.isEmpty {
                    #expect(!Merkle.verifyInclusion(leaf: leaf, index: m, size: n, proof: Array(proof.dropLast()), root: root))
                    var bent = proof
                    bent[0] = Merkle.leaf(bent[0])
                    #expect(!Merkle.verifyInclusion(leaf: leaf, index: m, size: n, proof: bent, root: root))
                }
                #expect(!Merkle.verifyInclusion(leaf: leaf, index: m, size: n, proof: proof, root: Merkle.leaf(root)))
                #expect(!Merkle.verifyInclusion(leaf: leaf, index: -1, size: n, proof: proof, root: root))
            }
        }
    }

    @Test func everyPairOfTreeSizesUpTo64HasTheReferencesConsistencyProofAndOnlyItVerifies() {
        let refLeaves = Self.lines.map { Self.refLeaf($0.bytes) }
        let tree = Merkle.Tree(lines: Self.lines)
        for n in 1...64 {
            let newRoot = tree.root(0, n)
            for m in 1...n {
                let oldRoot = tree.root(0, m)
                let proof = tree.consistencyProof(m, n)
                #expect(proof.map(\.bytes) == (m < n ? Self.refSubproof(m, refLeaves.prefix(n)[...], true) : []), "\(m) to \(n)")
                #expect(Merkle.verifyConsistency(oldSize: m, newSize: n, oldRoot: oldRoot, newRoot: newRoot, proof: proof), "\(m) to \(n)")
                #expect(!Merkle.verifyConsistency(oldSize: m, newSize: n, oldRoot: Merkle.leaf(oldRoot), newRoot: newRoot, proof: proof))
                #expect(!Merkle.verifyConsistency(oldSize: m, newSize: n, oldRoot: oldRoot, newRoot: Merkle.leaf(newRoot), proof: proof))
                if m < n {
                    #expect(!Merkle.verifyConsistency(oldSize: m, newSize: n, oldRoot: oldRoot, newRoot: newRoot, proof: Array(proof.dropLast())))
                    #expect(!Merkle.verifyConsistency(oldSize: m, newSize: n, oldRoot: oldRoot, newRoot: newRoot, proof: []))
                }
                #expect(!Merkle.verifyConsistency(oldSize: n + 1, newSize: n, oldRoot: oldRoot, newRoot: newRoot, proof: proof))
                #expect(!Merkle.verifyConsistency(oldSize: 0, newSize: n, oldRoot: oldRoot, newRoot: newRoot, proof: proof))
            }
        }
    }
}
