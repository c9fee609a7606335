/// A UTC instant with millisecond precision: when a fact was recorded (`recorded_at`).
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    /// The UTC calendar date of this instant.
    public var utcDate: LocalDate { LocalDate(dayNumber: Int(floorDiv(millisecondsSinceEpoch, 86_400_000))) }

    /// `2026-11-25T14:24:31.123Z`: fixed width, so the text sorts as the instant does.
    public var description: String {
        let ms = millisecondsSinceEpoch
        let day = floorDiv(ms, 86_400_000)
        let inDay = Int(ms - day * 86_400_000)
        let date = LocalDate(dayNumber: Int(day))
        let h = inDay / 3_600_000, m = inDay / 60_000 % 60, s = inDay / 1000 % 60, milli = inDay % 1000
        return "\(date)T\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(milli, 3))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.mmm]]Z` (UTC). Returns nil for anything else.
    public init?(_ text: String) {
        guard let parsed = Timestamp(utf8: Array(text.utf8)) else { return nil }
        self = parsed
    }

    /// Reads a UTC timestamp from UTF-8 code units (the store passes a line's bytes, without copying
    /// them; inlinable so replay reads every line's time without a generic call).
    @inlinable
    public init?<Bytes: RandomAccessCollection<UInt8>>(utf8 text: Bytes) where Bytes.Index == Int {
        let u = text, o = text.startIndex, n = text.count
        guard n >= 17, u[o + n - 1] == UInt8(ascii: "Z"), u[o + 10] == UInt8(ascii: "T"),
              let date = LocalDate(utf8: u[o..<(o + 10)]) else { return nil }
        func two(_ i: Int) -> Int? {
            guard i + 1 < n, (48...57).contains(u[o + i]), (48...57).contains(u[o + i + 1]) else { return nil }
            return Int(u[o + i] - 48) * 10 + Int(u[o + i + 1] - 48)
        }
        guard let h = two(11), u[o + 13] == UInt8(ascii: ":"), let mi = two(14), h < 24, mi < 60 else { return nil }
        var s = 0, milli = 0, i = 16
        if u[o + i] == UInt8(ascii: ":") {
            guard let ss = two(17), ss < 60 else { return nil }
            s = ss; i = 19
            if u[o + i] == UInt8(ascii: ".") {
                var digits = 0
                i += 1
                while i < n - 1, (48...57).contains(u[o + i]) {
                    if digits < 3 { milli = milli * 10 + Int(u[o + i] - 48); digits += 1 }
                    i += 1
                }
                guard digits > 0 else { return nil }
                while digits < 3 { milli *= 10; digits += 1 }
            }
        }
        guard i == n - 1 else { return nil }
        self.init(millisecondsSinceEpoch: Int64(date.dayNumber) * 86_400_000 + Int64(h * 3_600_000 + mi * 60_000 + s * 1000 + milli))
    }

    /// The start of a UTC day.
    public init(utcMidnightOf date: LocalDate) {
        millisecondsSinceEpoch = Int64(date.dayNumber) * 86_400_000
    }

    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }
}

/// England's civil time: GMT in winter, BST (UTC+1) from 01:00 UTC on the last Sunday of March
/// to 01:00 UTC on the last Sunday of October. Computed, so no time-zone database is needed.
public enum LondonTime {
    /// The date in London at a UTC instant: what "today" means to a partnership.
    public static func date(at instant: Timestamp) -> LocalDate {
        instant.adding(milliseconds: offset(at: instant)).utcDate
    }

    /// The last instant of a London calendar day (what `--as-of 2023-03-31` means).
    public static func endOfDay(_ date: LocalDate) -> Timestamp {
        let nextMidnightUTC = Timestamp(utcMidnightOf: date.adding(days: 1))
        // Local midnight is UTC midnight minus the offset in force just before it.
        let offset = offset(at: nextMidnightUTC.adding(milliseconds: -3_600_000))
        return nextMidnightUTC.adding(milliseconds: -offset - 1)
    }

    /// Milliseconds London is ahead of UTC at an instant: 0 or 3,600,000.
    static func offset(at instant: Timestamp) -> Int64 {
        let year = instant.utcDate.year
        guard (1...9999).contains(year) else { return 0 }   // beyond the calendar: no summer time to find
        let start = Timestamp(utcMidnightOf: lastSunday(month: 3, year: year)).adding(milliseconds: 3_600_000)
        let end = Timestamp(utcMidnightOf: lastSunday(month: 10, year: year)).adding(milliseconds: 3_600_000)
        return instant >= start && instant < end ? 3_600_000 : 0
    }

    static func lastSunday(month: Int, year: Int) -> LocalDate {
        let last = LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))!
        return last.adding(days: -(last.weekday % 7))   // weekday 7 is Sunday
    }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
