import Testing
@testable import CaseTrailStore

/// Trackers as Excel and LibreOffice save them, byte for byte.
@Suite struct SpreadsheetCSVTests {
    @Test func aUTF8FileWithAByteOrderMarkReadsWithoutTheMark() {
        let csv = SpreadsheetCSV(bytes: [0xEF, 0xBB, 0xBF] + Array("Action,Lead\r\nTrain staff,KP\r\n".utf8))
        #expect(csv.encoding == "UTF-8" && csv.separator == ",")
        #expect(csv.rows.map(\.cells) == [["Action", "Lead"], ["Train staff", "KP"]])
    }

    @Test func bytesThatAreNotUTF8AreReadAsWindows1252() {
        // "£5 – Children’s café" as Excel saves it on English Windows.
        let csv = SpreadsheetCSV(bytes: [0xA3, 0x35, 0x20, 0x96, 0x20, 0x43, 0x68, 0x69, 0x6C, 0x64, 0x72, 0x65, 0x6E, 0x92, 0x73, 0x20, 0x63, 0x61, 0x66, 0xE9, 0x0D, 0x0A])
        #expect(csv.encoding == "Windows-1252")
        #expect(csv.rows.map(\.cells) == [["£5 – Children’s café"]])
    }

    @Test func aQuotedCellKeepsItsLineBreaksSeparatorsAndDoubledQuotes() {
        let csv = SpreadsheetCSV(bytes: Array("Action;Notes\r\n\"Line one\r\nline \"\"two\"\"; still\r\nline three\";x\r\n".utf8))
        #expect(csv.separator == ";")
        #expect(csv.rows.count == 2)
        #expect(csv.rows[1].cells == ["Line one\nline \"two\"; still\nline three", "x"])
        #expect(csv.rows[1].number == 2, "a cell's line breaks do not make rows")
    }

    @Test func titleAndBlankRowsStayAsRowsAndTrailingEmptyColumnsGo() {
        let csv = SpreadsheetCSV(bytes: Array("Business plan 2014-17,,,\n,,,\nAction,Lead,,\nA,KP,,\n".utf8))
        #expect(csv.rows.map(\.cells) == [["Business plan 2014-17"], [""], ["Action", "Lead"], ["A", "KP"]])
        #expect(csv.rows.map(\.number) == [1, 2, 3, 4])
    }

    @Test func aFileWithoutAFinalLineBreakKeepsItsLastRow() {
        #expect(SpreadsheetCSV(bytes: Array("a,b\nc,d".utf8)).rows.map(\.cells) == [["a", "b"], ["c", "d"]])
        #expect(SpreadsheetCSV(bytes: []).rows.isEmpty)
    }
}
