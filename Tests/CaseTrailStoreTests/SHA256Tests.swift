import Foundation
import CaseTrailTestSupport
import Testing
@testable import CaseTrailStore

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func theNISTVectorsHash(_ message: String, _ digest: String) {
        #expect(SHA256.hex(Array(message.utf8)) == digest)
    }

    @Test func aMillionAsHash() {
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func feedingInPiecesGivesTheSameDigestAsOneCall() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for split in [0, 1, 55, 56, 63, 64, 65, 127, 999] {
            var s = SHA256()
            s.update(bytes[0..<split])
            s.update(bytes[split...])
            #expect(hexString(s.finalize()) == SHA256.hex(bytes), "split at \(split)")
        }
    }

    @Test func theOneShotLineDigestAgreesWithTheIncrementalOne() {
        let bytes = (0..<400).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }
        for aLength in [0, 1, 63, 64, 65] {
            for bLength in [0, 1, 54, 55, 56, 57, 62, 63, 64, 118, 119, 120, 200, 335] {
                let a = Array(bytes[0..<aLength]), b = Array(bytes[aLength..<(aLength + bLength)])
                let oneShot = a.withUnsafeBytes { x in b.withUnsafeBytes { y in SHA256.digest(x, y, then: 0x7D) } }
                #expect(oneShot.hex == SHA256.hex(a + b + [0x7D]), "a \(aLength), b \(bLength)")
                #expect(Digest(hex: SHA256.hex(a + b + [0x7D])) == oneShot)
                #expect(Digest(hex: SHA256.hex(a + b)) != oneShot)
            }
        }
    }

    @Test func onlySixtyFourLowerCaseHexDigitsReadAsADigest() {
        let hex = SHA256.hex(Array("abc".utf8))
        #expect(Digest(hex: hex)?.hex == hex)
        #expect(Digest(hex: hex.uppercased()) == nil)
        #expect(Digest(hex: String(hex.dropLast())) == nil)
        #expect(Digest(hex: hex + "0") == nil)
        #expect(Digest(hex: String(hex.dropLast()) + "g") == nil)
    }

    @Test func everyByteInEveryPositionOfADigestIsAcceptedOnlyIfItIsALowerCaseHexDigit() {
        // The reader tests eight digits at once, so a lane mistake would show at some position.
        let hexDigits = Array("0123456789abcdef".utf8)
        let base = Array(SHA256.hex(Array("position check".utf8)).utf8)
        for position in 0..<64 {
            for byte in 0...255 {
                var text = base
                text[position] = UInt8(byte)
                let read = text.withUnsafeBufferPointer { Digest(hex: $0) }
                if hexDigits.contains(UInt8(byte)) {
                    // Written back out (by separate code), it must be the very text that was read.
                    #expect(read.map { Array($0.hex.utf8) } == text, "byte \(byte) at position \(position)")
                } else {
                    #expect(read == nil, "byte \(byte) at position \(position)")
                }
            }
        }
    }

    @Test func randomFilesHashAsSha256sumSays() throws {
        let dir = try TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 63, 64, 65, 1000, 4096, 100_003] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let path = dir.path("random-\(size)")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let out = try runProgram("/usr/bin/env", ["sha256sum", path]).stdout
            #expect(String(out.prefix(64)) == SHA256.hex(bytes), "\(size) bytes")
        }
    }
}

@Suite struct SHA256ProcessorInstructionTests {
    /// The state after compressing `bytes` with the portable code and with the SHA instructions.
    private func bothStates(_ bytes: [UInt8]) -> (portable: [UInt32], processor: [UInt32]) {
        let start: SHA256.State = (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
        var portable = start
        bytes.withUnsafeBytes { SHA256.compressPortably(&portable, blocks: $0) }
        var processor = start
        bytes.withUnsafeBytes { SHA256.compressWithProcessorInstructions(&processor, blocks: $0) }
        let (p, q) = (portable, processor)
        return ([p.0, p.1, p.2, p.3, p.4, p.5, p.6, p.7], [q.0, q.1, q.2, q.3, q.4, q.5, q.6, q.7])
    }

    @Test(.enabled(if: SHA256.usesProcessorInstructions, "this processor has no SHA instructions"))
    func theSHAInstructionsCompressExactlyAsThePortableCodeDoes() {
        var generator = SystemRandomNumberGenerator()
        for blocks in [1, 2, 3, 7, 64] {
            for _ in 0..<20 {
                let bytes = (0..<(blocks * 64)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let states = bothStates(bytes)
                #expect(states.portable == states.processor, "\(blocks) blocks")
            }
        }
        // Patterns that catch byte-order and word-order slips: all zeros, all ones, counting bytes.
        for pattern in [[UInt8](repeating: 0, count: 128), [UInt8](repeating: 0xFF, count: 128), (0..<128).map { UInt8($0) }] {
            let states = bothStates(pattern)
            #expect(states.portable == states.processor)
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo"), "needs Linux's /proc/cpuinfo"))
    func theProcessorCheckAgreesWithTheKernel() throws {
        let flags = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ").map(String.init)) } ?? []
        #expect(SHA256.usesProcessorInstructions == (flags.contains("sha_ni") && flags.contains("sse4_1") && flags.contains("ssse3")))
    }
}
