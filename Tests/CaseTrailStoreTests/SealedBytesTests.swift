import Foundation
import Testing
import CaseTrailTestSupport
@testable import CaseTrailStore

/// A sealed file (a snapshot) is checked block by block as it is read: a damaged block is never
/// read as sound, and the blocks a query does not read are not checked at all.
@Suite struct SealedBytesTests {
    static let block = 1 << 14
    /// Three and a half blocks of bytes that differ from block to block.
    static let content: [UInt8] = (0..<(block * 7 / 2)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 14) }

    func sealed(_ content: [UInt8] = SealedBytesTests.content) -> [UInt8] {
        var bytes = content
        SnapshotBytes.seal(&bytes)
        return bytes
    }

    func open(_ file: [UInt8]) throws -> (bytes: SnapshotBytes, content: Int)? {
        let dir = try TemporaryDirectory()
        let path = dir.path("sealed")
        try writeBytes(path, file)
        let handle = try POSIXFile.open(path, flags: O_RDONLY)
        return SnapshotBytes.openSealed(handle, size: file.count)
    }

    @Test func aSealedFileReadsBackWholeAndSound() throws {
        let (bytes, content) = try #require(try open(sealed()))
        #expect(content == Self.content.count)
        #expect(bytes.sound(0..<content))
        #expect(bytes[0..<content] == Self.content)
        #expect(bytes.soundBlocks(around: 10..<20) == 0..<Self.block, "the whole block read is known sound")
        #expect(bytes.soundBlocks(around: (content - 1)..<content) == (3 * Self.block)..<content)
    }

    @Test(arguments: [0, block - 1, block, 2 * block + 77, block * 7 / 2 - 1])
    func aByteChangedFailsItsOwnBlockAndNoOther(at: Int) throws {
        var file = sealed()
        file[at] ^= 0x01
        let (bytes, content) = try #require(try open(file), "the trailer still holds")
        let damaged = at / Self.block
        for b in 0..<4 {
            let range = (b * Self.block)..<min((b + 1) * Self.block, content)
            #expect(bytes.sound(range) == (b != damaged), "block \(b)")
            #expect(bytes.sound(range.lowerBound..<(range.lowerBound + 1)) == (b != damaged), "block \(b), its first byte")
        }
        #expect(!bytes.sound(0..<content), "a range across it is not sound")
        #expect(!bytes.sound(at..<(at + 1)), "and asked again, still not")
        var reader = BinaryReader(bytes, in: (damaged * Self.block)..<content)
        #expect(throws: SnapshotError.self) { try reader.readInt() }
    }

    @Test func blocksSwappedWithTheirChecksumsAreDamage() throws {
        var content = Self.content
        let first = Array(content[0..<Self.block]), second = Array(content[Self.block..<(2 * Self.block)])
        var file = sealed()
        // The sums of blocks 0 and 1 swapped in the trailer, its own checksum made to hold again.
        let sums = content.count
        var trailer = Array(file[sums..<(file.count - 8)])
        let a = Array(trailer[0..<8]), b = Array(trailer[8..<16])
        trailer.replaceSubrange(0..<8, with: b)
        trailer.replaceSubrange(8..<16, with: a)
        content.replaceSubrange(0..<Self.block, with: second)
        content.replaceSubrange(Self.block..<(2 * Self.block), with: first)
        file = content + trailer + trailer.withUnsafeBytes { SnapshotFile.checksum($0) }
        let (bytes, _) = try #require(try open(file))
        #expect(!bytes.sound(0..<1) && !bytes.sound(Self.block..<(Self.block + 1)))
        #expect(bytes.sound((2 * Self.block)..<(2 * Self.block + 1)))
    }

    @Test(arguments: ["a block's checksum", "the trailer's checksum", "the length longer", "the length shorter", "cut short", "too short to hold a trailer"])
    func aTrailerThatDoesNotHoldIsRefused(_ change: String) throws {
        var file = sealed()
        let lengthAt = file.count - 16
        switch change {
        case "a block's checksum": file[Self.content.count + 3] ^= 0x10
        case "the trailer's checksum": file[file.count - 1] ^= 0x10
        case "the length longer": file[lengthAt] &+= 1
        case "the length shorter": file[lengthAt] &-= 1
        case "cut short": file.removeLast()
        default: file = Array(file.suffix(15))
        }
        #expect(try open(file) == nil)
    }

    @Test func bytesNotReadFromAFileAreSoundThroughout() {
        let bytes = SnapshotBytes(Self.content)
        #expect(bytes.sound(0..<bytes.count))
        #expect(bytes.soundBlocks(around: 5..<6) == 0..<bytes.count)
    }
}
