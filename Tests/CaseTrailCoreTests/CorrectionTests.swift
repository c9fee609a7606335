import Testing
@testable import CaseTrailCore

/// Every field a person types can be put right, keeping what it said and why.
@Suite struct CorrectionTests {
    @Test func givenAnIncidentWhenItsAwarenessDateIsCorrectedThenItsClocksCountFromTheRightDay() throws {
        var s = try Scenario.incident()
        let before = Clocks.of(s.state.reviews[rr]!, calendar: s.state.calendar, policy: s.state.policy, today: s.today).first { $0.name == "notification" }
        let state = s.state
        let events = try s.run(.correction(.correctReview(ref: rr, field: "aware", value: "2022-12-19", reason: "The referral was logged a day earlier", on: nil)))
        #expect(events == [.reviewCorrected(ref: rr, on: d("2023-12-31"), field: "aware", from: "2022-12-20", value: "2022-12-19", reason: "The referral was logged a day earlier")])
        let after = Clocks.of(s.state.reviews[rr]!, calendar: s.state.calendar, policy: s.state.policy, today: s.today).first { $0.name == "notification" }
        #expect(before?.start == d("2022-12-20") && after?.start == d("2022-12-19"))
        #expect(Partnership.recheck(events, actor: "ann", recordedOn: s.today, in: state) == nil)
        #expect(events[0].summary(by: "Ann") == "Ann corrected the aware of \(rr) from '2022-12-20' to '2022-12-19': The referral was logged a day earlier")
    }

    @Test func aReviewsFieldsAreCheckedAsWhenTheyWereFirstTyped() throws {
        var s = try Scenario.plan()
        try s.run(.correction(.correctReview(ref: lcspr, field: "title", value: "LCSPR: Child Q", reason: "Typo", on: nil)))
        #expect(s.state.reviews[lcspr]?.title == "LCSPR: Child Q")
        #expect(s.refusal(.correction(.correctReview(ref: rr, field: "child", value: "Jane Smith 12/03/2015", reason: "r", on: nil)))?.contains("looks like it contains a date") == true)
        #expect(s.refusal(.correction(.correctReview(ref: rr, field: "kind", value: "lcspr", reason: "r", on: nil)))?.hasPrefix("A rapid review is opened by its incident") == true)
        #expect(s.refusal(.correction(.correctReview(ref: lcspr, field: "kind", value: "llr", reason: "r", on: nil)))?.contains("different lifecycles") == true)
        #expect(s.refusal(.correction(.correctReview(ref: lcspr, field: "child", value: "Child Q", reason: "r", on: nil))) == "\(lcspr) is a LCSPR; only an incident names its child.")
        #expect(s.refusal(.correction(.correctReview(ref: lcspr, field: "colour", value: "x", reason: "r", on: nil)))
                == "'colour' cannot be corrected on a review; correctable fields: title, kind, opened, child, aware, incident, summary.")
        #expect(try s.run(.correction(.correctReview(ref: lcspr, field: "title", value: "LCSPR: Child Q", reason: "again", on: nil))) == [], "already so")
    }

    @Test func aRecommendationsTextAndDateArePutRight() throws {
        var s = try Scenario.plan()
        let r1 = "\(lcspr)/R1"
        let events = try s.run(.correction(.correctRecommendation(rec: r1, field: "text", value: "Improve information sharing between agencies", reason: "Copied in part", on: nil)))
        #expect(events == [.recommendationCorrected(rec: r1, on: d("2023-12-31"), field: "text", from: "Improve information sharing", value: "Improve information sharing between agencies", reason: "Copied in part")])
        #expect(s.state.recommendations[r1]?.text == "Improve information sharing between agencies")
        try s.run(.correction(.correctRecommendation(rec: r1, field: "on", value: "2023-07-10", reason: "The report's date", on: nil)))
        #expect(s.state.recommendations[r1]?.on == d("2023-07-10"))
        #expect(s.refusal(.correction(.correctRecommendation(rec: r1, field: "on", value: "2023-08-01", reason: "r", on: nil)))
                == "\(r1) cannot have been made on 1 Aug 2023, after its first action was agreed (20 Jul 2023).")
    }

    @Test func anActionsRatingAndTheDatesOfItsImplementationUpdateAndSignOffsArePutRight() throws {
        var s = try Scenario.plan()
        try s.run(.action(.updateAction(action: a1, note: "Booked", rag: .red, evidence: nil, on: d("2023-09-01"))))
        try s.run(.action(.correctAction(action: a1, field: "rag", value: "amber", reason: "Amber was reported")))
        try s.run(.action(.correctAction(action: a1, field: "update-on", value: "2023-09-02", reason: "Reported on the 2nd")))
        #expect(s.state.actions[a1]?.rag == .amber && s.state.actions[a1]?.lastUpdate?.on == d("2023-09-02"))
        try s.implement(a1, on: "2023-11-30")
        try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil, on: d("2023-12-06"))), by: "ll")
        try s.run(.action(.correctAction(action: a1, field: "implemented-on", value: "2023-11-28", reason: "The register's date")))
        let before = s.state
        let events = try s.run(.action(.correctAction(action: a1, field: "learning-lessons-on", value: "2023-12-05", reason: "The meeting was on the 5th")))
        #expect(events.first?.summary(by: "Ann") == "Ann corrected the learning-lessons-on of \(a1) from '2023-12-06' to '2023-12-05': The meeting was on the 5th")
        #expect(s.state.actions[a1]?.implemented?.on == d("2023-11-28") && s.state.actions[a1]?.signOffs.last?.on == d("2023-12-05"))
        #expect(Partnership.recheck(events, actor: "ann", recordedOn: s.today, in: before) == nil)
        #expect(s.refusal(.action(.correctAction(action: a1, field: "learning-lessons-on", value: "2023-11-01", reason: "r")))
                == "The learning-lessons sign-off of \(a1) cannot be dated 1 Nov 2023, before it was implemented (28 Nov 2023).")
        #expect(s.refusal(.action(.correctAction(action: a1, field: "executive-on", value: "2023-12-10", reason: "r"))) == "\(a1) has no executive sign-off to correct the date of.")
    }
}
