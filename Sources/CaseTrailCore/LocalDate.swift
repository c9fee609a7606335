/// A calendar date with no time or zone: the business date of a fact ("due", "on", "aware").
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it); makes arithmetic and comparison trivial.
    public let dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    /// The day numbers of the dates this type reads and writes: years 1 to 9999.
    public static let dayNumbers = -719_162...2_932_896

    /// Returns nil for impossible dates such as 2023-02-30.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        dayNumber = LocalDate.daysFromCivil(year, month, day)
    }

    /// Why `text` is not a date, in words: a date written rightly that the calendar lacks (2023-02-30)
    /// is told so, anything else is shown the form to use.
    public static func whyNot(_ text: String) -> String {
        let u = Array(text.utf8)
        let digits = u.count == 10 && u[4] == UInt8(ascii: "-") && u[7] == UInt8(ascii: "-")
            && u.indices.allSatisfy { $0 == 4 || $0 == 7 || (48...57).contains(u[$0]) }
        guard digits, let y = Int(text.prefix(4)), let m = Int(text.dropFirst(5).prefix(2)), let d = Int(text.suffix(2)) else {
            return "'\(text)' is not a date; write it as YYYY-MM-DD, e.g. 2023-03-31"
        }
        if y == 0 { return "'\(text)' is not a real date: there is no year 0" }
        if !(1...12).contains(m) { return "'\(text)' is not a real date: there is no month \(m)" }
        return "'\(text)' is not a real date: \(LocalDate.monthNames[m - 1]) \(y) has \(daysIn(month: m, year: y)) days" + (d == 0 ? ", starting at 1" : "")
    }

    /// Parses exactly `YYYY-MM-DD`; anything else, or an impossible date, is nil.
    public init?(_ text: String) {
        guard let parsed = LocalDate(utf8: text.utf8) else { return nil }
        self = parsed
    }

    /// Reads `YYYY-MM-DD` from UTF-8 code units (a String's, or the store's bytes; inlinable so the
    /// store's replay reads its bytes without a generic call).
    @inlinable
    public init?<Bytes: Collection<UInt8>>(utf8 u: Bytes) {
        guard u.count == 10 else { return nil }
        var fields = (0, 0, 0)
        for (i, b) in u.enumerated() {
            if i == 4 || i == 7 {
                guard b == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard b >= 48, b <= 57 else { return nil }
            let digit = Int(b - 48)
            if i < 4 { fields.0 = fields.0 * 10 + digit } else if i < 7 { fields.1 = fields.1 * 10 + digit } else { fields.2 = fields.2 * 10 + digit }
        }
        self.init(year: fields.0, month: fields.1, day: fields.2)
    }

    public var components: (year: Int, month: Int, day: Int) { LocalDate.civilFromDays(dayNumber) }
    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 + 1 }
    public var isWeekend: Bool { weekday >= 6 }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// Adds calendar months, clamping to the month's last day (31 Aug + 6 months = 28/29 Feb), and
    /// to the first and last days of the calendar (1 Jan 1, 31 Dec 9999).
    public func adding(months: Int) -> LocalDate {
        let c = components
        let total = c.year * 12 + (c.month - 1) + months
        if total >= 10_000 * 12 { return LocalDate(year: 9999, month: 12, day: 31)! }
        if total < 12 { return LocalDate(year: 1, month: 1, day: 1)! }
        let y = total / 12, m = total % 12 + 1
        return LocalDate(year: y, month: m, day: min(c.day, LocalDate.daysIn(month: m, year: y)))!
    }

    public func days(until other: LocalDate) -> Int { other.dayNumber - dayNumber }

    /// `YYYY-MM-DD`, the only form business dates take in the log.
    public var description: String {
        let c = components
        guard (0...9999).contains(c.year) else { return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2) }
        // Ten ASCII digits and dashes written in place: a small string, no allocation (exports print many).
        return String(unsafeUninitializedCapacity: 10) { b in
            let y = c.year, m = c.month, d = c.day
            b[0] = UInt8(48 + y / 1000); b[1] = UInt8(48 + y / 100 % 10); b[2] = UInt8(48 + y / 10 % 10); b[3] = UInt8(48 + y % 10)
            b[4] = 45; b[5] = UInt8(48 + m / 10); b[6] = UInt8(48 + m % 10)
            b[7] = 45; b[8] = UInt8(48 + d / 10); b[9] = UInt8(48 + d % 10)
            return 10
        }
    }

    /// The April–March reporting year this date falls in, e.g. "2022-23".
    public var financialYear: String {
        let c = components
        let start = c.month >= 4 ? c.year : c.year - 1
        return "\(start)-" + pad((start + 1) % 100, 2)
    }

    /// "20 Dec 2022": how dates read in summaries and reports.
    public var readable: String {
        let c = components
        return "\(c.day) \(LocalDate.monthAbbreviations[c.month - 1]) \(c.year)"
    }

    /// "Jan" … "Dec": how months are shortened in summaries, reports and charts.
    public static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    public static let monthAbbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.dayNumber < b.dayNumber }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's civil-date algorithms: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// Zero-pads a non-negative number to `width` digits.
@inline(__always)
func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

