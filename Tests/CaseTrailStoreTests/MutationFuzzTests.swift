import Foundation
import CaseTrailTestSupport
import Testing
import CaseTrailCore
@testable import CaseTrailStore

/// A small seeded generator, so a failing mutation can be found again from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct MutationFuzzTests {
    /// Mutated copies of a real log, bounded in number: reading one never crashes, and each is either
    /// byte for byte the original or reported (a problem naming a line, or a torn final line).
    @Test func everyMutationOfALogIsReadWithoutCrashingAndEitherIdenticalOrReported() throws {
        let dir = try TemporaryDirectory()
        let log = EventLog(path: dir.path("p.jsonl"))
        try log.create(lines: [event(1), event(2, stream: "agency-B")], actor: "ann", now: t0)
        for n in 3...12 { try append(log, n % 4 == 0 ? [event(n, stream: "agency-C\(n)"), event(n + 100)] : [event(n)]) }
        let original = readBytes(log.path)
        let lineStarts = [0] + original.indices.filter { original[$0] == 0x0A }.map { $0 + 1 }.dropLast()
        var rng = SplitMix64(state: 20261201)
        var reported = 0, identical = 0
        for round in 0..<1500 {
            var bytes = original
            let at = Int.random(in: 0..<(bytes.count - 1), using: &rng)
            switch round % 7 {
            case 0: bytes[at] ^= UInt8.random(in: 1...255, using: &rng)                    // a byte changed
            case 1: bytes.remove(at: at)                                                    // a byte lost
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)           // a byte added
            case 3:                                                                         // a line repeated
                let i = Int.random(in: 0..<lineStarts.count, using: &rng)
                let end = i + 1 < lineStarts.count ? lineStarts[i + 1] : bytes.count
                bytes.insert(contentsOf: bytes[lineStarts[i]..<end], at: end)
            case 4:                                                                         // two lines swapped
                let i = Int.random(in: 0..<(lineStarts.count - 1), using: &rng)
                let (a, b, c) = (lineStarts[i], lineStarts[i + 1], i + 2 < lineStarts.count ? lineStarts[i + 2] : bytes.count)
                bytes.replaceSubrange(a..<c, with: Array(bytes[b..<c]) + Array(bytes[a..<b]))
            case 5:                                                                         // a line in the middle dropped
                let i = Int.random(in: 0..<(lineStarts.count - 1), using: &rng)
                bytes.removeSubrange(lineStarts[i]..<lineStarts[i + 1])
            default: bytes.removeLast(Int.random(in: 1...40, using: &rng))                 // the end cut off mid-line
            }
            try writeBytes(log.path, bytes)
            let scan = try log.read { _, decoded in decoded.problem }
            if bytes == original {
                identical += 1
                #expect(scan.problems.isEmpty && scan.torn == nil)
            } else {
                #expect(!scan.problems.isEmpty || scan.torn != nil, "round \(round): a changed log read as sound")
                if let p = scan.problems.first { #expect(p.line >= 1 && p.line <= lineStarts.count + 2, "round \(round): \(p)") }
                reported += 1
            }
        }
        #expect(reported + identical == 1500 && reported > 1400)
    }
}
