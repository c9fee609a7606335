/// A target date as a plan writes it ("31/03/2016", "March 2016", "Summer 2015", "Q3 2015-16",
/// "ongoing") and the due date casetrail takes it to mean. The rule, documented in `import --help`:
/// an exact date is itself (day first, as in England); a month, "end of" a month, a season or a
/// quarter is its last day (seasons: spring March-May, summer June-August, autumn September-November,
/// winter December-February, ending in the February after the year named; quarters of the April-March
/// year: Q1 ends 30 June, Q4 31 March); "ongoing" is the end of the April-March year it is read in.
public struct LooseDate: Equatable, Sendable {
    public var due: LocalDate
    /// Whether the words named a day exactly (then they need not be kept beside the date).
    public var exact: Bool

    public init(due: LocalDate, exact: Bool) {
        self.due = due
        self.exact = exact
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    /// Reads `text`; nil when it cannot be read (never a guess). `today` places "ongoing".
    public init?(_ text: String, today: LocalDate) {
        let words = LooseDate.words(text)
        guard !words.isEmpty else { return nil }
        if words == ["ongoing"] || words == ["on", "going"] {
            let c = today.components
            due = LocalDate(year: c.month >= 4 ? c.year + 1 : c.year, month: 3, day: 31)!
            exact = false
            return
        }
        if let d = LooseDate.exactDate(words) { due = d; exact = true; return }
        var rest = words[...]
        if rest.starts(with: ["end", "of"]) { rest = rest.dropFirst(2) } else if rest.first == "end" { rest = rest.dropFirst() }
        guard let found = LooseDate.period(Array(rest)) else { return nil }
        due = found
        exact = false
    }

    /// Lower-case words and numbers; "/", ".", "-" and spaces separate them, and ordinal endings go.
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var word = ""
        for c in text.lowercased() {
            if c.isLetter || c.isNumber { word.append(c) } else {
                if !word.isEmpty { out.append(word) }
                word = ""
            }
        }
        if !word.isEmpty { out.append(word) }
        return out.map { w in
            for suffix in ["st", "nd", "rd", "th"] where w.count > 2 && w.hasSuffix(suffix) && w.dropLast(2).allSatisfy(\.isNumber) { return String(w.dropLast(2)) }
            return w
        }
    }

    static func month(_ word: String) -> Int? {
        guard word.count >= 3 else { return nil }
        return months.firstIndex { $0 == word || ($0.hasPrefix(word) && word.count >= 3 && (word != "may" || $0 == "may")) }.map { $0 + 1 }
    }

    static func number(_ word: String, in range: ClosedRange<Int>) -> Int? {
        guard word.count <= 4, word.allSatisfy(\.isASCII), let n = Int(word), range.contains(n) else { return nil }
        return n
    }

    static func year(_ word: String) -> Int? { word.count == 4 ? number(word, in: 1900...2199) : nil }

    /// 31/03/2016, 31.03.2016, 2016-03-31, 31 March 2016, March 31 2016.
    static func exactDate(_ w: [String]) -> LocalDate? {
        guard w.count == 3 else { return nil }
        if let y = year(w[0]), let m = number(w[1], in: 1...12), let d = number(w[2], in: 1...31) { return LocalDate(year: y, month: m, day: d) }
        if let d = number(w[0], in: 1...31), let y = year(w[2]) {
            if let m = number(w[1], in: 1...12) ?? month(w[1]) { return LocalDate(year: y, month: m, day: d) }
        }
        if let m = month(w[0]), let d = number(w[1], in: 1...31), let y = year(w[2]) { return LocalDate(year: y, month: m, day: d) }
        return nil
    }

    /// March 2016, 03/2016, Summer 2015, Q3 2015-16 (or Q3 2015/16, Q3 2015): the period's last day.
    static func period(_ w: [String]) -> LocalDate? {
        func lastDay(_ y: Int, _ m: Int) -> LocalDate? { LocalDate(year: y, month: m, day: LocalDate.daysIn(month: m, year: y)) }
        if w.count == 2, let y = year(w[1]), let m = month(w[0]) ?? number(w[0], in: 1...12) { return lastDay(y, m) }
        if w.count == 2, let y = year(w[1]) {
            switch w[0] {
            case "spring": return lastDay(y, 5)
            case "summer": return lastDay(y, 8)
            case "autumn", "fall": return lastDay(y, 11)
            case "winter": return lastDay(y + 1, 2)
            default: break
            }
        }
        if (2...3).contains(w.count), w[0].count == 2, w[0].hasPrefix("q"), let q = number(String(w[0].dropFirst()), in: 1...4), let start = year(w[1]) {
            if w.count == 3 {
                // The second year, written 16 or 2016, must follow the first.
                guard let end = number(w[2], in: 0...9999), end == (start + 1) % 100 || end == start + 1 else { return nil }
            }
            return q == 4 ? lastDay(start + 1, 3) : lastDay(start, 3 + 3 * q)
        }
        return nil
    }
}
