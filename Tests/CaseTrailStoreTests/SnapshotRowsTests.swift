import Foundation
import Testing
import CaseTrailCore
import CaseTrailTestSupport
@testable import CaseTrailStore

/// A small row for exercising the table on its own.
private struct Note: StateRow, BinaryCodable {
    var id: String
    var text: String
    var done: Bool
    var key: String { id }
    var isSettled: Bool { done }

    init(_ id: String, _ text: String, done: Bool) {
        self.id = id
        self.text = text
        self.done = done
    }

    func write(to w: inout BinaryWriter) { w.write(id); w.write(text); w.write(done) }
    init(from r: inout BinaryReader) throws(SnapshotError) { id = try r.read(); text = try r.read(); done = try r.read() }
}

/// The table written out and read back, as a snapshot would.
private func roundTrip<Row: BinaryCodable>(_ table: RowTable<Row>, damage: SnapshotDamage = SnapshotDamage()) throws -> RowTable<Row> {
    var w = BinaryWriter()
    try table.write(to: &w)
    var r = BinaryReader(w.bytes)
    let back = try RowTable<Row>.read(from: &r, damage: damage)
    #expect(r.atEnd)
    return back
}

private func roundTrip(_ versions: StreamVersions) throws -> StreamVersions {
    var w = BinaryWriter()
    try versions.write(to: &w)
    var r = BinaryReader(w.bytes)
    let back = try StreamVersions(from: &r, damage: SnapshotDamage())
    #expect(r.atEnd)
    return back
}

@Suite struct SnapshotRowsTests {
    /// Keys in an order that differs between bytes and String's normalising `<`: a decomposed
    /// accent ("e" + U+0301) and a precomposed one ("é") are equal as Strings but not as bytes.
    let keys = ["REF-10/R1/A1", "REF-2/R1/A1", "REF-é/R1/A1", "REF-e\u{301}x/R1/A1", "REF-Z/R1/A1", "REF-a/R1/A1"]

    fileprivate func table() -> RowTable<Note> {
        var t = RowTable<Note>()
        for (i, k) in keys.enumerated() { t[k] = Note(k, "note \(i)", done: i % 2 == 0) }
        return t
    }

    @Test func aTableReadBackFromItsBytesFindsEveryRowAndListsOnlyTheOpenOnes() throws {
        let original = table()
        let back = try roundTrip(original)
        #expect(back == original)
        for k in keys { #expect(back[k] == original[k], "\(k)") }
        #expect(back["REF-missing/R1/A1"] == nil)
        #expect(!back.contains("REF-missing/R1/A1"))
        #expect(Set(back.unsettled.map(\.id)) == Set(original.values.filter { !$0.done }.map(\.id)))
        #expect(Set(back.keys) == Set(keys))
        #expect(back.count == keys.count)
    }

    @Test func aTableLookedUpThousandsOfTimesFindsEveryKeyAndNoOther() throws {
        // Keys that are prefixes of one another, and bytes above 0x7F, where a search step's comparison could go wrong.
        let many = (0..<1500).flatMap { ["N\($0)", "N\($0)x", "N\($0)é"] } + ["N", "", "Nz\u{FF}"]
        var t = RowTable<Note>()
        for k in many { t[k] = Note(k, "text of \(k)", done: true) }
        let back = try roundTrip(t)
        for _ in 0..<2 { for k in many { #expect(back[k]?.text == "text of \(k)", "\(k)") } }
        for missing in ["M", "N1500", "N0y", "N1xx", "N1e", "Nz", "O", "N\u{FF}"] { #expect(back[missing] == nil, "\(missing)") }
    }

    @Test func aStoredRowChangedInPlaceIsSeenChangedAndWrittenOutWithTheRest() throws {
        var back = try roundTrip(table())
        back.update(keys[0]) { $0.done = false; $0.text = "reopened" }
        back[keys[1]]?.text = "edited through the subscript"
        back["REF-new/R1/A1"] = Note("REF-new/R1/A1", "added", done: true)
        #expect(back[keys[0]]?.text == "reopened")
        #expect(back.unsettled.contains { $0.id == keys[0] })
        #expect(back[keys[1]]?.text == "edited through the subscript")
        #expect(back.count == keys.count + 1)

        var expected = table()
        expected.update(keys[0]) { $0.done = false; $0.text = "reopened" }
        expected[keys[1]]?.text = "edited through the subscript"
        expected["REF-new/R1/A1"] = Note("REF-new/R1/A1", "added", done: true)
        #expect(back == expected)
        // Written again: stored rows copied across, changed ones encoded, the same bytes as from scratch.
        var fromLoaded = BinaryWriter(), fromScratch = BinaryWriter()
        try back.write(to: &fromLoaded)
        try expected.write(to: &fromScratch)
        #expect(fromLoaded.bytes == fromScratch.bytes)
        #expect(try roundTrip(back) == expected)
    }

    @Test func updatingAMissingRowChangesNothing() throws {
        var back = try roundTrip(table())
        back.update("REF-missing/R1/A1") { _ in Issue.record("no row to change") }
        #expect(back == table())
    }

    @Test func aRowThatCannotBeReadRaisesTheDamageInsteadOfStoppingTheProgram() throws {
        var w = BinaryWriter()
        try table().write(to: &w)
        // The last row's text length made larger than what follows it.
        var bytes = w.bytes
        let text = Array("note 5".utf8)
        let at = (0...(bytes.count - text.count)).last { Array(bytes[$0..<($0 + text.count)]) == text }!
        bytes[at - 1] = 0x7F
        var r = BinaryReader(bytes)
        let damage = SnapshotDamage()
        let back = try RowTable<Note>.read(from: &r, damage: damage)
        #expect(!damage.isRaised)
        #expect(back[keys[0]]?.text == "note 0")
        #expect(back[keys[5]] == nil)
        #expect(damage.isRaised)
        #expect(back.values.count == keys.count - 1, "every row that reads is still there")
    }

    @Test func aTableWithAStoredKeyThatCannotBeReadIsNotWrittenAgain() throws {
        var w = BinaryWriter()
        try table().write(to: &w)
        var bytes = w.bytes
        let key = Array("REF-Z/R1/A1".utf8)
        let at = (0...(bytes.count - key.count)).first { Array(bytes[$0..<($0 + key.count)]) == key }!
        bytes[at + 4] = 0xFF   // no longer UTF-8
        var r = BinaryReader(bytes)
        let damage = SnapshotDamage()
        let back = try RowTable<Note>.read(from: &r, damage: damage)
        // Writing it would drop or garble the row: the next snapshot is not made from this one.
        var again = BinaryWriter()
        #expect(throws: SnapshotError.self) { try back.write(to: &again) }
        #expect(damage.isRaised)
    }
}

/// A table too large to check whole when opened (its offsets span more than four sealed blocks)
/// checks each offset as it is read: a damaged block of offsets refuses the lookups that read it,
/// raising the damage, and no other.
@Suite struct LargeSealedTableTests {
    static let keys = (0..<9000).map { "K" + String(repeating: "0", count: 5 - String($0).count) + String($0) }

    /// The table written, sealed and mapped from a file, with one byte of its second block of offsets changed.
    fileprivate func damagedTable(damage: SnapshotDamage) throws -> RowTable<Note> {
        var t = RowTable<Note>()
        for k in Self.keys { t[k] = Note(k, "text of \(k)", done: true) }
        var w = BinaryWriter()
        try t.write(to: &w)
        var bytes = w.bytes
        var header = BinaryReader(bytes)
        #expect(try header.readInt() == Self.keys.count)
        let _: [Int] = try header.read()
        let offsets = header.index
        #expect(offsets + Self.keys.count * 8 > 4 * SnapshotBytes.blockSize, "the offsets span more than four blocks")
        // Offset 3,000 lies in the second block; the table's counts (first block) and rows (later) are untouched.
        let changed = offsets + 3000 * 8
        #expect(changed / SnapshotBytes.blockSize == 1)
        SnapshotBytes.seal(&bytes)
        // Under the seal, as damage on disk would be: offset 3,000 made to point at row 3,001, which
        // reads as well as any (unchecked, K03000 would seem never to have been stored).
        bytes.replaceSubrange(changed..<(changed + 8), with: Array(bytes[(changed + 8)..<(changed + 16)]))
        let dir = try TemporaryDirectory()
        let path = dir.path("table")
        try writeBytes(path, bytes)
        let (mapped, content) = try #require(SnapshotBytes.openSealed(try POSIXFile.open(path, flags: O_RDONLY), size: bytes.count))
        var r = BinaryReader(mapped, in: 0..<content)
        return try RowTable<Note>.read(from: &r, damage: damage)
    }

    @Test func aLookupThatNeverReadsTheDamagedOffsetsFindsItsRow() throws {
        let damage = SnapshotDamage()
        let table = try damagedTable(damage: damage)
        #expect(table["K08000"]?.text == "text of K08000")
        #expect(table["K08999"]?.text == "text of K08999")
        #expect(!damage.isRaised)
    }

    @Test func aLookupThatReadsTheDamagedOffsetsIsRefusedAndRaisesTheDamage() throws {
        let damage = SnapshotDamage()
        let table = try damagedTable(damage: damage)
        #expect(table["K03000"] == nil)
        #expect(damage.isRaised)
    }

    @Test func aTableLookedUpOftenEnoughToBeCheckedWholeStillRefusesTheDamagedOffsets() throws {
        let damage = SnapshotDamage()
        let table = try damagedTable(damage: damage)
        // More lookups than it takes for the table to be checked whole; the check fails, so each lookup checks its own steps.
        for k in Self.keys[8000..<8600] { #expect(table[k]?.text == "text of \(k)") }
        #expect(!damage.isRaised)
        #expect(table["K03000"] == nil)
        #expect(damage.isRaised)
    }

    @Test func readingTheWholeTableRaisesTheDamage() throws {
        let damage = SnapshotDamage()
        let table = try damagedTable(damage: damage)
        #expect(table.values.count < Self.keys.count)
        #expect(damage.isRaised)
    }
}

@Suite struct EnumerationNamesTests {
    @Test func aSnapshotNamesEveryEnumerationsCasesInTheOrderItsPositionsCount() {
        // Positions are compact; the names say what each position meant to the build that wrote it.
        #expect(SnapshotLayout.enumerationNames.count == 10)
        #expect(SnapshotLayout.enumerationNames.contains(ReviewKind.allCases.map(\.rawValue)))
        #expect(SnapshotLayout.enumerationNames.contains(ActionStatus.allCases.map(\.rawValue)))
        var w = BinaryWriter()
        w.write(ActionStatus.signedOff)
        #expect(w.bytes == [UInt8(2 * ActionStatus.allCases.firstIndex(of: .signedOff)!)])
    }
}

@Suite struct StreamVersionsTests {
    @Test func versionsCarryOnFromASnapshotWhereTheyLeftOff() throws {
        var v = StreamVersions()
        #expect(v.advance("review-A", to: 1) == 0)
        #expect(v.advance("review-A", to: 2) == 1)
        #expect(v.advance("action-A/R1/A1", to: 1) == 0)
        var back = try roundTrip(v)
        #expect(back == v)
        #expect(back["review-A"] == 2)
        #expect(back["review-B"] == nil)
        #expect(back.advance("review-A", to: 3) == 2)
        #expect(back.advance("review-B", to: 1) == 0)
        #expect(back.entries.map(\.stream) == ["action-A/R1/A1", "review-A", "review-B"])
        #expect(back.entries.map(\.version) == [1, 3, 1])
        #expect(try roundTrip(back) == back)
    }
}

@Suite struct SnapshotNumbersTests {
    @Test func everyIntegerReadsBackAsItWasWritten() throws {
        for value in [0, 1, -1, 63, -64, 1 << 40, Int.max, Int.min, Int.max - 1, Int.min + 1] {
            var w = BinaryWriter()
            w.writeInt(value)
            var r = BinaryReader(w.bytes)
            #expect(try r.readInt() == value)
            #expect(r.atEnd)
        }
    }

    @Test func lengthsAndDatesBeyondTheirRangeAreRefusedNotOverflowed() {
        for value in [Int.max, Int.min, -1, 3_000_000] {
            var w = BinaryWriter()
            w.writeInt(value)
            var r = BinaryReader(w.bytes)
            #expect(throws: SnapshotError.self) { _ = try r.readString() }
            var t = BinaryReader(w.bytes)
            #expect(throws: SnapshotError.self) { _ = try t.read() as [String] }
            var u = BinaryReader(w.bytes + [0])
            #expect(throws: SnapshotError.self) { _ = try u.skip(value) }
            if !LocalDate.dayNumbers.contains(value) {
                var s = BinaryReader(w.bytes)
                #expect(throws: SnapshotError.self) { _ = try s.read() as LocalDate }
            }
        }
    }
}
