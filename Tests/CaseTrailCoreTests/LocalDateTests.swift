import Testing
@testable import CaseTrailCore

@Suite struct LocalDateTests {
    @Test func aDateReadsAndPrintsAsYYYYMMDD() {
        #expect(LocalDate("2022-12-20")?.description == "2022-12-20")
        #expect(LocalDate("2000-02-29")?.description == "2000-02-29")
    }

    @Test(arguments: ["2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "23-04-01", "2023/04/01", "2023-4-1", "", "2023-04-01x"])
    func impossibleOrMalformedDatesAreRejected(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test func weekdaysAreKnown() {
        #expect(LocalDate("2022-12-20")!.weekday == 2)    // a Tuesday
        #expect(LocalDate("2023-01-01")!.weekday == 7)    // a Sunday
        #expect(LocalDate("1970-01-01")!.weekday == 4)    // a Thursday
        #expect(LocalDate("2023-01-07")!.isWeekend)
    }

    @Test func addingMonthsClampsToTheEndOfShortMonths() {
        #expect(LocalDate("2023-01-20")!.adding(months: 6).description == "2023-07-20")
        #expect(LocalDate("2022-08-31")!.adding(months: 6).description == "2023-02-28")
        #expect(LocalDate("2023-08-31")!.adding(months: 6).description == "2024-02-29")
    }

    @Test func theReportingYearRunsAprilToMarch() {
        #expect(LocalDate("2023-03-31")!.financialYear == "2022-23")
        #expect(LocalDate("2023-04-01")!.financialYear == "2023-24")
        #expect(LocalDate("1999-06-01")!.financialYear == "1999-00")
    }

    @Test func dayNumbersRoundTripAcrossCenturies() {
        for n in stride(from: -719_162, through: 2_932_896, by: 997) {  // 0001-01-01 … 9999-12-31
            let d = LocalDate(dayNumber: n)
            #expect(LocalDate(d.description) == d)
        }
        #expect(LocalDate(dayNumber: -719_162).description == "0001-01-01")
        #expect(LocalDate(dayNumber: 2_932_896).description == "9999-12-31")
    }
}

@Suite struct TimestampTests {
    @Test func timestampsPrintWithMillisecondsAndParseBack() {
        let t = Timestamp("2026-11-25T14:24:31.123Z")!
        #expect(t.description == "2026-11-25T14:24:31.123Z")
        #expect(Timestamp("2026-11-25T14:24Z")!.description == "2026-11-25T14:24:00.000Z")
        #expect(Timestamp("2026-11-25T14:24:31Z")!.description == "2026-11-25T14:24:31.000Z")
    }

    @Test(arguments: ["2026-11-25", "2026-11-25T25:00Z", "2026-11-25T14:24:31.123", "2026-11-25 14:24Z", "2026-11-25T14:24:31.Z"])
    func malformedTimestampsAreRejected(_ text: String) {
        #expect(Timestamp(text) == nil)
    }

    @Test func theEndOfALondonDayFollowsSummerTime() {
        // 31 March 2023 is GMT; 1 July 2023 is BST (UTC+1).
        #expect(LondonTime.endOfDay(LocalDate("2023-03-24")!).description == "2023-03-24T23:59:59.999Z")
        #expect(LondonTime.endOfDay(LocalDate("2023-07-01")!).description == "2023-07-01T22:59:59.999Z")
    }

    @Test func theLondonDateOfAnInstantShiftsAtMidnightLocalTime() {
        #expect(LondonTime.date(at: Timestamp("2023-07-01T23:30Z")!).description == "2023-07-02")
        #expect(LondonTime.date(at: Timestamp("2023-01-01T23:30Z")!).description == "2023-01-01")
        // Clocks go forward at 01:00 UTC on 26 March 2023.
        #expect(LondonTime.date(at: Timestamp("2023-03-26T23:30Z")!).description == "2023-03-27")
        #expect(LondonTime.date(at: Timestamp("2023-03-25T23:30Z")!).description == "2023-03-25")
    }
}

@Suite struct CalendarEdgeTests {
    @Test func datesAtTheEndsOfTheCalendarGiveAnswersNotTraps() {
        let last = LocalDate("9999-12-31")!
        #expect(last.adding(months: 6) == last)
        #expect(LocalDate("9999-08-31")!.adding(months: 6) == last)
        #expect(LocalDate("0001-03-01")!.adding(months: -6) == LocalDate("0001-01-01")!)
        #expect(LondonTime.date(at: Timestamp(utcMidnightOf: last.adding(days: 2))) == last.adding(days: 2))
        #expect(LondonTime.endOfDay(last) > Timestamp(utcMidnightOf: last))
    }
}
