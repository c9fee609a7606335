import Testing
@testable import CaseTrailCore

/// A small row for exercising the table on its own.
private struct Note: SnapshotRow {
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
private func roundTrip<T: BinaryCodable>(_ value: T) throws -> T {
    var w = BinaryWriter()
    w.write(value)
    var r = BinaryReader(w.bytes)
    let back: T = try r.read()
    #expect(r.atEnd)
    return back
}

@Suite struct RowTableTests {
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
        fromLoaded.write(back)
        fromScratch.write(expected)
        #expect(fromLoaded.bytes == fromScratch.bytes)
        #expect(try roundTrip(back) == expected)
    }

    @Test func updatingAMissingRowChangesNothing() throws {
        var back = try roundTrip(table())
        back.update("REF-missing/R1/A1") { _ in Issue.record("no row to change") }
        #expect(back == table())
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
