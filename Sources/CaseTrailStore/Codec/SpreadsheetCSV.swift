#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A spreadsheet saved as CSV, as Excel and LibreOffice write it: UTF-8 with or without a byte-order
/// mark, else Windows-1252; CRLF or LF; quoted cells holding separators, line breaks and doubled
/// quotes; commas or semicolons between cells.
public struct SpreadsheetCSV: Equatable, Sendable {
    /// One record, numbered as the spreadsheet numbers its rows (a cell's line breaks do not count).
    public struct Row: Equatable, Sendable {
        public var number: Int
        public var cells: [String]
    }

    public var rows: [Row]
    public var separator: Character
    /// "UTF-8" or "Windows-1252": how the bytes were read.
    public var encoding: String

    /// The most a tracker may hold: far more than any partnership's plan.
    public static let maxBytes = 32 << 20

    public init(bytes: [UInt8]) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let text: String
        if let utf8 = String(validating: body, as: UTF8.self) {
            text = utf8
            encoding = "UTF-8"
        } else {
            text = SpreadsheetCSV.windows1252(body)
            encoding = "Windows-1252"
        }
        separator = SpreadsheetCSV.separator(of: text)
        rows = SpreadsheetCSV.parse(text, separator: separator)
    }

    /// Comma or semicolon: whichever is more common outside quotes in the first lines.
    static func separator(of text: String) -> Character {
        var commas = 0, semicolons = 0, lines = 0
        var quoted = false
        for c in text.unicodeScalars {
            if c == "\"" { quoted.toggle() } else if !quoted {
                if c == "," { commas += 1 } else if c == ";" { semicolons += 1 } else if c == "\n" {
                    lines += 1
                    if lines == 50 { break }
                }
            }
        }
        return semicolons > commas ? ";" : ","
    }

    static func parse(_ text: String, separator: Character) -> [Row] {
        var rows: [Row] = []
        var cells: [String] = []
        var cell = ""
        var quoted = false, wasQuoted = false
        var iterator = text.makeIterator()
        var pending: Character?
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        func endRow() {
            cells.append(cell)
            cell = ""
            rows.append(Row(number: rows.count + 1, cells: cells))
            cells = []
        }
        var any = false
        while let c = next() {
            any = true
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { cell.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else {
                    cell.append(c == "\r\n" ? "\n" : c)
                }
                continue
            }
            switch c {
            case "\"" where cell.isEmpty && !wasQuoted: quoted = true; wasQuoted = true
            case separator: cells.append(cell); cell = ""; wasQuoted = false
            case "\r\n", "\n", "\r": endRow(); wasQuoted = false; any = false
            default: cell.append(c)
            }
        }
        if any || !cells.isEmpty || !cell.isEmpty { endRow() }
        // Trailing empty columns, as spreadsheets pad rows to their widest.
        for i in rows.indices {
            while let last = rows[i].cells.last, rows[i].cells.count > 1, last.isEmpty { rows[i].cells.removeLast() }
        }
        return rows
    }

    /// Windows-1252, the code page Excel saves "CSV" in on English Windows: Latin-1 but for 0x80-0x9F.
    static func windows1252(_ bytes: ArraySlice<UInt8>) -> String {
        let high: [UInt32] = [0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                              0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178]
        var out = String.UnicodeScalarView()
        for b in bytes {
            let value = (0x80...0x9F).contains(b) ? high[Int(b) - 0x80] : UInt32(b)
            out.append(Unicode.Scalar(value)!)
        }
        return String(out)
    }

    /// The SHA-256 of a file's bytes, as hex: what names one version of a tracker.
    public static func sha256(_ bytes: [UInt8]) -> String {
        var sha = SHA256()
        sha.update(bytes)
        return hexString(sha.finalize())
    }

    /// Reads a file to import (a regular file, links not followed), refusing one larger than `maxBytes`.
    public static func read(_ path: String) throws(StoreError) -> [UInt8] {
        try UserFile.read(path, maxBytes: maxBytes, words: UserFile.Words(
            missing: "there is no file \(path) to import; check the name and folder.",
            link: "the file to import, \(path), is a symbolic link; give the tracker's own file.",
            notAFile: { "the file to import, \(path), is \($0), not a file; give the tracker saved as CSV." },
            tooBig: { "\(path) is \($0 / 1_048_576) MB, more than a tracker can be (\(maxBytes >> 20) MB); split it." }))
    }
}
