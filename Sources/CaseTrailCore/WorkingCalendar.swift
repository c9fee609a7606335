/// England's working days: Monday to Friday except England and Wales bank holidays.
/// Built-in holidays cover 2000–2030; partnerships add announced ones as events.
public struct WorkingCalendar: Equatable, Sendable {
    public static let builtInYears = 2000...2030

    /// Holidays recorded in the log with `calendar add-holiday`.
    public var added: [LocalDate: String]

    public init(added: [LocalDate: String] = [:]) { self.added = added }

    /// The bank holiday on a date, if there is one.
    public func holiday(on d: LocalDate) -> String? {
        added[d] ?? WorkingCalendar.builtIn[d]
    }

    public func isWorkingDay(_ d: LocalDate) -> Bool { !d.isWeekend && holiday(on: d) == nil }

    /// The date `n` working days after `d` (not counting `d` itself).
    public func adding(workingDays n: Int, to d: LocalDate) -> LocalDate {
        var day = d, left = n
        while left > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// The date `n` working days before `d`.
    public func subtracting(workingDays n: Int, from d: LocalDate) -> LocalDate {
        var day = d, left = n
        while left > 0 {
            day = day.adding(days: -1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// Working days after `start` up to and including `end` (0 when `end` is not later).
    public func workingDays(after start: LocalDate, through end: LocalDate) -> Int {
        guard end > start else { return 0 }
        var n = 0
        var day = start.adding(days: 1)
        while day <= end {
            if isWorkingDay(day) { n += 1 }
            day = day.adding(days: 1)
        }
        return n
    }

    /// Every holiday of a year, built-in and added, in date order.
    public func holidays(in year: Int) -> [(date: LocalDate, name: String)] {
        var all: [LocalDate: String] = [:]
        for (d, n) in WorkingCalendar.builtIn where d.year == year { all[d] = n }
        for (d, n) in added where d.year == year { all[d] = n }
        return all.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// England and Wales bank holidays for 2000–2030, from the statutory rules and the one-off changes.
    static let builtIn: [LocalDate: String] = {
        var days: [LocalDate: String] = [:]
        for year in builtInYears {
            for (d, name) in rules(year) { days[d] = name }
        }
        return days
    }()

    static func rules(_ year: Int) -> [(LocalDate, String)] {
        func date(_ m: Int, _ d: Int) -> LocalDate { LocalDate(year: year, month: m, day: d)! }
        func firstMonday(_ m: Int) -> LocalDate {
            var d = date(m, 1)
            while d.weekday != 1 { d = d.adding(days: 1) }
            return d
        }
        func lastMonday(_ m: Int) -> LocalDate {
            var d = date(m, LocalDate.daysIn(month: m, year: year))
            while d.weekday != 1 { d = d.adding(days: -1) }
            return d
        }
        var out: [(LocalDate, String)] = []
        // New Year's Day, or the Monday after when it falls at a weekend.
        var newYear = date(1, 1)
        while newYear.isWeekend { newYear = newYear.adding(days: 1) }
        out.append((newYear, newYear == date(1, 1) ? "New Year's Day" : "New Year's Day (substitute day)"))

        let easter = easterSunday(year)
        out.append((easter.adding(days: -2), "Good Friday"))
        out.append((easter.adding(days: 1), "Easter Monday"))

        switch year {
        case 2020: out.append((date(5, 8), "Early May bank holiday (VE day)"))
        default: out.append((firstMonday(5), "Early May bank holiday"))
        }
        switch year {
        case 2002:
            out.append((date(6, 3), "Golden Jubilee bank holiday"))
            out.append((date(6, 4), "Spring bank holiday"))
        case 2012:
            out.append((date(6, 4), "Spring bank holiday"))
            out.append((date(6, 5), "Diamond Jubilee bank holiday"))
        case 2022:
            out.append((date(6, 2), "Spring bank holiday"))
            out.append((date(6, 3), "Platinum Jubilee bank holiday"))
        default:
            out.append((lastMonday(5), "Spring bank holiday"))
        }
        out.append((lastMonday(8), "Summer bank holiday"))

        // Christmas and Boxing Day, with substitutes on the next weekdays.
        let christmas = date(12, 25), boxing = date(12, 26)
        switch christmas.weekday {
        case 5:  // Friday: Boxing Day on Saturday moves to Monday 28th
            out.append((christmas, "Christmas Day"))
            out.append((date(12, 28), "Boxing Day (substitute day)"))
        case 6:  // Saturday: both move to Monday 27th and Tuesday 28th
            out.append((date(12, 27), "Christmas Day (substitute day)"))
            out.append((date(12, 28), "Boxing Day (substitute day)"))
        case 7:  // Sunday: Boxing Day Monday 26th, Christmas substitute Tuesday 27th
            out.append((boxing, "Boxing Day"))
            out.append((date(12, 27), "Christmas Day (substitute day)"))
        default:
            out.append((christmas, "Christmas Day"))
            out.append((boxing, "Boxing Day"))
        }

        switch year {
        case 2011: out.append((date(4, 29), "Royal wedding bank holiday"))
        case 2022: out.append((date(9, 19), "Bank holiday for the State Funeral of Queen Elizabeth II"))
        case 2023: out.append((date(5, 8), "Bank holiday for the coronation of King Charles III"))
        default: break
        }
        return out
    }

    /// Western Easter Sunday (the anonymous Gregorian algorithm).
    static func easterSunday(_ year: Int) -> LocalDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)!
    }
}
