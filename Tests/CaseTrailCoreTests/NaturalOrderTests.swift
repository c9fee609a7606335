import Testing
@testable import CaseTrailCore

/// References sort as people number them (R2 before R10), and a list sorted by them comes out the
/// same whatever order it was gathered in, even where two references read alike (R9 and R09).
@Suite struct NaturalOrderTests {
    static let sorted = ["REF-2/R1", "REF-2/R09", "REF-2/R9", "REF-2/R10", "REF-10/R1", "REF-10/R2.4", "REF-10/R2.10"]

    @Test func numbersInReferencesSortAsNumbers() {
        #expect(naturalOrder("R2", "R10") && !naturalOrder("R10", "R2"))
        #expect(naturalOrder("A2.4", "A2.10"))
        #expect(naturalLess("R9", "R10"))
    }

    @Test func referencesThatReadAlikeStillHaveOneOrder() {
        // naturalLess takes R9 and R09 as one number (as a plan would say them), so it cannot order them.
        #expect(!naturalLess("R9", "R09") && !naturalLess("R09", "R9"))
        #expect(naturalOrder("R09", "R9") && !naturalOrder("R9", "R09"))
        #expect(!naturalOrder("R9", "R9"))
    }

    /// Every rotation of the list and of its reverse: R9 and R09 arrive in both orders.
    static let arrivals: [[String]] = [sorted, Array(sorted.reversed())].flatMap { list in
        list.indices.map { Array(list[$0...] + list[..<$0]) }
    }

    @Test(arguments: arrivals)
    func aListSortsTheSameWhateverOrderItArrivedIn(_ arrived: [String]) {
        #expect(arrived.sorted(by: naturalOrder) == Self.sorted)
    }

    /// References at every edge of the order: digits beside '/' and ':' (the bytes either side of
    /// them), leading zeros, runs too long for a number, letters of either case, text beyond ASCII.
    static let awkward = ["", "9", "09", "R", "r", "R0", "R00", "R9", "R09", "R9a", "R9.1", "R9/", "R9:", "R/9", "R:9", "R 9",
                          "R-9", "R~", "Ré9", "R99999999999999999999", "R18446744073709551616", "R9223372036854775808",
                          "BENCH-1/R2", "BENCH-1/R10", "BENCH-10/R2", "bench-1", "A2.4", "A2.10", "A2.4.1"]

    @Test func aReferenceKeyOrdersEveryPairExactlyAsNaturalOrderDoes() {
        for a in Self.awkward {
            for b in Self.awkward {
                #expect((NaturalKey(a) < NaturalKey(b)) == naturalOrder(a, b), "\(a) against \(b)")
            }
        }
    }

    @Test(arguments: arrivals + [awkward, awkward.reversed()])
    func sortingByKeysGivesTheListNaturalOrderGives(_ arrived: [String]) {
        #expect(arrived.sortedNaturally(by: { $0 }) == arrived.sorted(by: naturalOrder))
    }
}
