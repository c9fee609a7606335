import Testing
@testable import CaseTrailStore

/// The byte-level parts of the database store that need no server: COPY's text format both ways,
/// what a URI shows in messages, and how exported bytes are cut into whole lines.
@Suite struct PostgresCodingTests {
    @Test func aLineWrittenInCopyFormatReadsBackAsExactlyTheSameBytes() {
        let awkward: [[UInt8]] = [
            Array(#"{"a":"back\\slash \"quoted\" \n escaped"}"#.utf8),
            [0x7B, 0x09, 0x0A, 0x0D, 0x5C, 0x5C, 0x4E, 0x7D],   // a tab, a line break, a CR, two backslashes, N
            Array("Child Q – café ✓".utf8), [0x5C], [],
        ]
        for line in awkward {
            var row: [UInt8] = []
            CopyRows.escapeRow(["1", "tab\there"], line: line[...], into: &row)
            #expect(row.last == 0x0A && row.filter { $0 == 0x0A }.count == 1, "one row, one line break")
            let fields = row.dropLast().split(separator: 0x09, omittingEmptySubsequences: false)
            #expect(fields.count == 3, "a tab inside a value is escaped, so only the separators split the row")
            var back: [UInt8] = []
            Array(fields[2]).withUnsafeBufferPointer { CopyRows.unescape($0, into: &back) }
            #expect(back == line)
            var second: [UInt8] = []
            Array(fields[1]).withUnsafeBufferPointer { CopyRows.unescape($0, into: &second) }
            #expect(second == Array("tab\there".utf8))
        }
    }

    @Test func unescapingReadsEveryControlEscapeCopyWrites() {
        var out: [UInt8] = []
        Array(#"\b\f\n\r\t\v\\x\"#.utf8).withUnsafeBufferPointer { CopyRows.unescape($0, into: &out) }
        #expect(out == [0x08, 0x0C, 0x0A, 0x0D, 0x09, 0x0B, 0x5C, 0x78, 0x5C])
    }

    @Test func aURIsPasswordIsLeftOutOfWhereTheLogIsSaidToBe() {
        #expect(PostgresLog(conninfo: "postgresql://bm:s3cret@db.example.org:5432/mscp?sslmode=verify-full").location
                == "postgresql://bm@db.example.org:5432/mscp?sslmode=verify-full")
        #expect(PostgresLog(conninfo: "postgres:///mscp?host=/tmp/x&password=s3cret&user=bm").location == "postgres:///mscp?host=/tmp/x&user=bm")
        #expect(PostgresLog(conninfo: "postgresql:///mscp?PASSWORD=x").location == "postgresql:///mscp")
        #expect(PostgresLog(conninfo: "postgresql://bm@db/mscp").location == "postgresql://bm@db/mscp")
        #expect(PostgresLog.isURI("postgresql://x") && PostgresLog.isURI("postgres://x") && !PostgresLog.isURI("events/postgresql.jsonl"))
    }

    @Test func exportedBytesAreCutAfterWholeLinesOnly() {
        let bytes = Array("a\nbb\nccc\ntorn".utf8)
        bytes.withUnsafeBufferPointer { b in
            #expect(cutAfterLines(b, limit: 2) == (lines: 2, end: 5))
            #expect(cutAfterLines(b, limit: 10) == (lines: 3, end: 9))
            #expect(cutAfterLines(b, limit: 0) == (lines: 0, end: 0))
        }
    }
}
