import Testing
@testable import CaseTrailCore

@Suite struct WorkingCalendarTests {
    /// The published England and Wales lists (GOV.UK bank holidays) for 2020–2026.
    static let published: [Int: [String]] = [
        2020: ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"],
        2021: ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"],
        2022: ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19",
               "2022-12-26", "2022-12-27"],
        2023: ["2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"],
        2024: ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"],
        2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"],
        2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"],
    ]

    @Test(arguments: 2020...2026)
    func theBuiltInHolidaysMatchThePublishedList(_ year: Int) {
        #expect(WorkingCalendar().holidays(in: year).map(\.date.description) == Self.published[year]!)
    }

    @Test func oneOffHolidaysOfEarlierYearsAreKnown() {
        let c = WorkingCalendar()
        #expect(c.holiday(on: LocalDate("2002-06-03")!) == "Golden Jubilee bank holiday")
        #expect(c.holiday(on: LocalDate("2002-06-04")!) == "Spring bank holiday")
        #expect(c.holiday(on: LocalDate("2002-05-27")!) == nil)
        #expect(c.holiday(on: LocalDate("2011-04-29")!) == "Royal wedding bank holiday")
        #expect(c.holiday(on: LocalDate("2012-06-05")!) == "Diamond Jubilee bank holiday")
        #expect(c.holiday(on: LocalDate("2012-05-28")!) == nil)
        #expect(c.holiday(on: LocalDate("2020-05-04")!) == nil)   // moved to VE day
    }

    @Test func everyBuiltInYearHasItsRegularHolidays() {
        for year in WorkingCalendar.builtInYears {
            let days = WorkingCalendar().holidays(in: year)
            #expect(days.count >= 8, "\(year)")
            #expect(days.allSatisfy { !$0.date.isWeekend }, "\(year) has a weekend holiday")
        }
    }

    @Test func easterFallsOnItsKnownDates() {
        #expect(WorkingCalendar.easterSunday(2000).description == "2000-04-23")
        #expect(WorkingCalendar.easterSunday(2011).description == "2011-04-24")
        #expect(WorkingCalendar.easterSunday(2019).description == "2019-04-21")
        #expect(WorkingCalendar.easterSunday(2030).description == "2030-04-21")
    }

    @Test func workingDaysSkipWeekendsAndHolidays() {
        let c = WorkingCalendar()
        let aware = LocalDate("2022-12-20")!
        #expect(c.adding(workingDays: 5, to: aware).description == "2022-12-29")
        #expect(c.adding(workingDays: 15, to: LocalDate("2022-12-30")!).description == "2023-01-23")
        #expect(c.subtracting(workingDays: 7, from: LocalDate("2023-07-18")!).description == "2023-07-07")
        #expect(c.workingDays(after: aware, through: LocalDate("2022-12-29")!) == 5)
        #expect(c.workingDays(after: aware, through: aware) == 0)
    }

    @Test func anAddedHolidayMovesADueDate() {
        let plain = WorkingCalendar()
        let withExtra = WorkingCalendar(added: [LocalDate("2031-01-02")!: "Extra day"])
        let start = LocalDate("2030-12-31")!
        #expect(plain.adding(workingDays: 2, to: start).description == "2031-01-02")   // 1 Jan 2031 is outside the built-in years
        #expect(withExtra.adding(workingDays: 2, to: start).description == "2031-01-03")
    }
}
