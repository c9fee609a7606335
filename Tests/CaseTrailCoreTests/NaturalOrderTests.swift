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
}
