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

    /// Widest a table may be; long cells are cut with an ellipsis to fit.
    static let maxWidth = 100

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .csv: return csv()
        case .md: return markdown()
        case .table, .json, .html: return aligned()
        }
    }

    /// Columns padded to line up, shrinking the widest until the table fits in 100 columns.
    func aligned() -> String {
        var widths = columns.indices.map { i in ([columns[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        let gaps = 2 * (columns.count - 1)
        // The last column is free text: it gives way first, then the widest of the others.
        let last = widths.count - 1
        while widths.reduce(0, +) + gaps > Table.maxWidth {
            if widths[last] > 16 { widths[last] -= 1; continue }
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 8 else { break }
            widths[widest] -= 1
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let fitted = cell.count > widths[i] ? String(cell.prefix(widths[i] - 1)) + "…" : cell
                parts.append(i == cells.count - 1 ? fitted : fitted + String(repeating: " ", count: widths[i] - fitted.count))
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var out = line(columns) + "\n"
        out += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for r in rows { out += line(r) + "\n" }
        return out
    }

    /// RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line break.
    func csv() -> String {
        func field(_ s: String) -> String {
            // Bytes, not characters: "\r\n" is one Character, and exports run to many thousand cells.
            s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
                ? "\"" + s.replacingAll("\"", with: "\"\"") + "\"" : s
        }
        return ([columns] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    func markdown() -> String {
        func cell(_ s: String) -> String { s.replacingAll("|", with: "\\|").replacingAll("\n", with: " ") }
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

/// Pretty-enough JSON for people and exact JSON for scripts: compact, one value, newline-terminated.
func jsonText(_ value: JSONValue) -> String { value.compactText + "\n" }
