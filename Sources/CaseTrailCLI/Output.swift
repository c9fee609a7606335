import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

/// How a query prints its answer.
enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv, md, html

    /// The formats of a query whose answer is a list.
    static let tabular: [OutputFormat] = [.table, .json, .csv, .md]
}

/// Rows and columns that render as an aligned table, CSV or Markdown.
struct Table {
    var columns: [String]
    var rows: [[String]]

    /// `width`: the terminal's columns, to fit by wrapping; nil (output not to a terminal, or `--wide`)
    /// keeps every cell on one line.
    func render(_ format: OutputFormat, width: Int?) -> String {
        switch format {
        case .csv: return csv()
        case .md: return markdown()
        case .table, .json, .html: return aligned(width: width)
        }
    }

    /// The cells as a terminal may show them: control characters written out, not obeyed.
    private var shownRows: [[String]] { rows.map { $0.map(Escape.terminal) } }

    /// Columns padded to line up. Given a width, the widest columns are narrowed until the table fits
    /// (none below its heading or 6 characters) and their cells wrapped onto further lines: no
    /// character is ever dropped, so a table too wide even then runs past the edge instead.
    func aligned(width: Int? = nil) -> String {
        let rows = shownRows
        // Each cell's width is counted once: a long list has many thousand cells.
        let counts = rows.map { $0.map(Table.characters) }, headings = columns.map(Table.characters)
        var widths = headings
        for row in counts { for i in row.indices where row[i] > widths[i] { widths[i] = row[i] } }
        if let width {
            // Columns of words give way first, down to 20 characters; then the widest of any.
            let gaps = 2 * (columns.count - 1)
            let words = columns.indices.map { i in rows.contains { $0[i].contains(" ") } }
            for least in [columns.indices.map { words[$0] ? max(columns[$0].count, 20) : Int.max },
                          columns.map { max($0.count, 6) }] {
                while widths.reduce(0, +) + gaps > width,
                      let widest = widths.indices.filter({ widths[$0] > least[$0] }).max(by: { widths[$0] < widths[$1] }) {
                    widths[widest] -= 1
                }
            }
        }
        var out = ""
        func lines(_ cells: [String], _ counts: [Int]) {
            // A row whose every cell fits is one line, padded; only a narrowed column's cells wrap.
            let wrapped = cells.indices.allSatisfy { counts[$0] <= widths[$0] }
                ? cells.map { [$0] } : cells.indices.map { Table.wrap(cells[$0], to: widths[$0]) }
            for n in 0..<(wrapped.map(\.count).max() ?? 1) {
                var text = ""
                for (i, cell) in wrapped.enumerated() {
                    let part = n < cell.count ? cell[n] : ""
                    text += part
                    if i < wrapped.count - 1 {
                        let used = cell.count == 1 && n == 0 ? counts[i] : Table.characters(part)
                        Table.pad(&text, max(0, widths[i] - used) + 2)
                    }
                }
                while text.last == " " { text.removeLast() }
                out += text
                out += "\n"
            }
        }
        lines(columns, headings)
        let rules = widths.map { String(repeating: "-", count: $0) }
        lines(rules, widths)
        for (r, c) in zip(rows, counts) { lines(r, c) }
        return out
    }

    private static let spaces = String(repeating: " ", count: 128)

    /// Appends `n` spaces (`String(repeating:count:)` costs over a thousand instructions a call).
    static func pad(_ text: inout String, _ n: Int) {
        var n = n
        while n > 0 {
            text += spaces.prefix(n)
            n -= 128
        }
    }

    /// How many characters `s` is: its bytes when it is ASCII without a carriage return (nearly every
    /// cell), which is quicker to find than its characters.
    static func characters(_ s: String) -> Int {
        s.utf8.contains { $0 >= 0x80 || $0 == 0x0D } ? s.count : s.utf8.count
    }

    /// A cell as lines of at most `width` characters, broken after a space where there is one;
    /// joined with single spaces at those breaks, the lines give the cell back.
    static func wrap(_ cell: String, to width: Int) -> [String] {
        guard cell.count > width, width > 0 else { return [cell] }
        var lines: [String] = []
        var rest = Substring(cell)
        while rest.count > width {
            let head = rest.prefix(width + 1)
            if head.last == " " {
                lines.append(String(head.dropLast())); rest = rest.dropFirst(width + 1); continue
            }
            if let space = head.dropLast().lastIndex(of: " "), space > rest.startIndex {
                lines.append(String(rest[..<space])); rest = rest[rest.index(after: space)...]; continue
            }
            lines.append(String(rest.prefix(width))); rest = rest.dropFirst(width)
        }
        lines.append(String(rest))
        return lines
    }

    /// RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line
    /// break; a field a spreadsheet would take for a formula is neutralised first (`Escape.readsAsFormula`).
    func csv() -> String {
        var out: [UInt8] = []
        Table.appendCSV(columns, to: &out)
        for r in rows { Table.appendCSV(r, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// One CSV record of `fields`, with its CRLF, appended to `out` as UTF-8: an export writes its rows
    /// this way one at a time rather than holding every cell of every row first (and bytes append
    /// several times faster than strings).
    static func appendCSV(_ fields: [String], to out: inout [UInt8]) {
        for i in fields.indices {
            if i > 0 { out.append(0x2C) }
            var text = fields[i]
            text.withUTF8 { bytes in
                // Bytes, not characters: "\r\n" is one Character, and exports run to many thousand cells.
                let quoted = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
                if quoted { out.append(0x22) }
                if Escape.readsAsFormula(first: bytes.first) { out.append(0x27) }
                if quoted {
                    for b in bytes {
                        out.append(b)
                        if b == 0x22 { out.append(0x22) }
                    }
                    out.append(0x22)
                } else {
                    out.append(contentsOf: bytes)
                }
            }
        }
        out.append(contentsOf: [0x0D, 0x0A])
    }

    func markdown() -> String {
        let cell = Escape.markdown
        var out = "| " + columns.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + columns.map { _ in " --- |" }.joined() + "\n"
        for r in rows { out += "| " + r.map(cell).joined(separator: " | ") + " |\n" }
        return out
    }
}

extension String {
    /// Replaces every occurrence of `target` (Foundation-free, for the CLI's small strings).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        let t = Array(target)
        var i = startIndex
        while i < endIndex {
            var j = i, k = 0
            while k < t.count, j < endIndex, self[j] == t[k] { j = index(after: j); k += 1 }
            if k == t.count { return i..<j }
            i = index(after: i)
        }
        return nil
    }
}

/// Pretty-enough JSON for people and exact JSON for scripts: compact, one value, newline-terminated,
/// with invisible and direction-changing characters escaped so the text is safe on a terminal too.
func jsonText(_ value: JSONValue) -> String {
    var out: [UInt8] = []
    value.write(into: &out, escapingInvisibles: true)
    return String(decoding: out, as: UTF8.self) + "\n"
}

/// Text made safe for where it is shown: a terminal, a spreadsheet, a Markdown page.
enum Escape {
    /// Whether a character would act on a terminal, or change the order text appears in, instead of being shown.
    static func acts(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Control characters (newline aside) and direction controls written out as `\u{1B}`, so stored
    /// text cannot clear a screen, retitle a window or hide lines.
    static func terminal(_ s: String) -> String { escaping(s, keepNewlines: false) }

    /// As `terminal`, keeping line breaks: for whole outputs and error lines.
    static func terminalKeepingLines(_ s: String) -> String { escaping(s, keepNewlines: true) }

    private static func escaping(_ s: String, keepNewlines: Bool) -> String {
        guard s.unicodeScalars.contains(where: { acts($0) && !(keepNewlines && $0 == "\n") }) else { return s }
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            if acts(c) && !(keepNewlines && c == "\n") {
                out.append(contentsOf: "\\u{\(String(c.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    /// Whether a spreadsheet would read a cell starting with this byte as a formula (=, +, -, @, tab or
    /// carriage return): CSV puts such a cell behind a leading apostrophe, as OWASP recommends.
    static func readsAsFormula(first: UInt8?) -> Bool {
        switch first {
        case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: true
        default: false
        }
    }

    /// Text for a Markdown line or table cell: what would become HTML, emphasis, links, code or
    /// table structure is backslash-escaped, line breaks become spaces, control characters are written out.
    /// Works on Unicode scalars, not characters: a `<` or `*` carrying a combining mark is escaped too,
    /// and a meeting paper's 100 MB is written in seconds.
    static func markdown(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F || isMarkdownSyntax($0) }) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        var afterReturn = false
        for c in s.unicodeScalars {
            defer { afterReturn = c == "\r" }
            if c == "\n" && afterReturn { continue }  // CR LF is one line break, so one space
            if c == "\r" || c == "\n" {
                out.append(0x20)
            } else if acts(c) {
                out += "\\\\u{\(String(c.value, radix: 16, uppercase: true))}".utf8  // the written-out form's backslash escaped too
            } else {
                if c.isASCII && isMarkdownSyntax(UInt8(c.value)) { out.append(0x5C) }
                UTF8.encode(c) { out.append($0) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The ASCII bytes Markdown reads as syntax: backslash ` * _ [ ] < > | & ~ # !
    private static func isMarkdownSyntax(_ b: UInt8) -> Bool {
        switch b {
        case 0x5C, 0x60, 0x2A, 0x5F, 0x5B, 0x5D, 0x3C, 0x3E, 0x7C, 0x26, 0x7E, 0x23, 0x21: true
        default: false
        }
    }
}

extension LogRecord {
    /// Who recorded a line, as history and show name them: the actor, and the account it came from when that differs.
    var recordedBy: String { login.map { $0 == actor ? actor : "\(actor) (login \($0))" } ?? actor }
}
