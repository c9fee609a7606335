import Testing
@testable import CaseTrailCore

/// Target dates as plans write them, and the due date each is taken to mean.
@Suite struct LooseDateTests {
    let today = LocalDate("2023-06-01")!

    @Test(arguments: [
        ("31/03/2016", "2016-03-31", true), ("31.03.2016", "2016-03-31", true), ("2016-03-31", "2016-03-31", true),
        ("31 March 2016", "2016-03-31", true), ("March 31st 2016", "2016-03-31", true), ("1st Sept 2015", "2015-09-01", true),
        ("March 2016", "2016-03-31", false), ("end of February 2016", "2016-02-29", false), ("End March 2017", "2017-03-31", false),
        ("Spring 2016", "2016-05-31", false), ("Summer 2015", "2015-08-31", false), ("Autumn 2015", "2015-11-30", false),
        ("Winter 2015", "2016-02-29", false), ("Q1 2015-16", "2015-06-30", false), ("Q3 2015-16", "2015-12-31", false),
        ("Q4 2015/16", "2016-03-31", false), ("q2 2015", "2015-09-30", false), ("Ongoing", "2024-03-31", false), ("06/2016", "2016-06-30", false),
    ])
    func aTargetDateAsAPlanWritesItIsDueOnTheDayTheRuleGives(text: String, due: String, exact: Bool) {
        let read = LooseDate(text, today: today)
        #expect(read == LooseDate(due: LocalDate(due)!, exact: exact), "\(text)")
    }

    @Test(arguments: ["", "whenever", "31/02/2016", "13/13/2016", "Q5 2015-16", "Q3 2015-17", "March", "2016", "TBC", "32 March 2016"])
    func aDateThatCannotBeReadIsNotGuessed(text: String) {
        #expect(LooseDate(text, today: today) == nil, "\(text)")
    }

    @Test func ongoingIsTheEndOfTheAprilToMarchYearItIsReadIn() {
        #expect(LooseDate("ongoing", today: LocalDate("2024-03-31")!)?.due == LocalDate("2024-03-31"))
        #expect(LooseDate("ongoing", today: LocalDate("2024-04-01")!)?.due == LocalDate("2025-03-31"))
    }
}
