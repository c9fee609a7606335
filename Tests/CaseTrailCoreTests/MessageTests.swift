import Testing
@testable import CaseTrailCore

/// Refusals that used to mislead, each pinned word for word.
@Suite struct MessageTests {
    @Test func signingOffACompletedActionSaysItIsCompleteAndHowToReopenIt() throws {
        var s = try Scenario.plan()
        try s.implement(a1)
        try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ll", on: "2023-12-01")
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ll")
                == "\(a1) already has the learning-lessons sign-off, given on 1 Dec 2023.")
        try s.run(.action(.signOffAction(action: a1, stage: .executive, refusal: nil)), by: "ex", on: "2023-12-05")
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .executive, refusal: nil)), by: "ex")
                == "\(a1) is already signed off: complete since 5 Dec 2023 (the executive sign-off). Nothing more can be signed; if there is new work on it, reopen it with 'casetrail action reopen \(a1) --reason …'.")
    }

    @Test func aSecondReviewSignOffIsAnsweredAsASecondActionSignOffIs() throws {
        var s = try Scenario.plan()
        try s.run(.review(.recordMilestone(ref: lcspr, what: .reportReceived, on: d("2023-06-01"), note: nil, url: nil)))
        try s.run(.review(.signOffReview(ref: lcspr, what: .finalReport, on: d("2023-06-10"), partner: nil, refusal: nil)))
        #expect(s.refusal(.review(.signOffReview(ref: lcspr, what: .finalReport, on: d("2023-06-12"), partner: nil, refusal: nil)))
                == "\(lcspr) already has the final-report sign-off, given on 10 Jun 2023.")
        #expect(s.refusal(.review(.signOffReview(ref: lcspr, what: .finalReport, on: d("2023-06-12"), partner: nil, refusal: "Not yet"))) == nil,
                "a refusal after a sign-off is still recorded")
    }

    @Test func aRetiredMemberIsToldTheyAreRetiredNotThatTheyAreUnknown() throws {
        var s = try Scenario.plan()
        try s.run(.setup(.retireMember(user: "ll", reason: "Left the partnership")))
        #expect(s.refusal(.action(.updateAction(action: a1, note: "n", rag: nil, evidence: nil)), by: "ll")
                == "'ll' (LL Chair) was retired from MSCP's roster, so can no longer record. If they have come back, an admin adds them again with 'casetrail member add ll …'; otherwise pass --actor with your own roster name.")
        #expect(s.refusal(.action(.updateAction(action: a1, note: "n", rag: nil, evidence: nil)), by: "nobody")?.hasPrefix("'nobody' is not on MSCP's roster") == true)
    }

    @Test func aNameEndingInSTakesTheApostropheAlone() throws {
        var s = try Scenario.plan()
        try s.run(.setup(.addAgency(code: "SCHOOLS", name: "Medway schools", aliases: [])))
        try s.run(.action(.addAction(recommendation: "\(lcspr)/R1", code: "A3", text: "Brief designated leads", owner: "SCHOOLS", lead: "DSLs",
                                     due: d("2023-12-01"), dueText: nil, success: nil, on: nil)))
        #expect(s.refusal(.action(.updateAction(action: "\(lcspr)/R1/A3", note: "n", rag: nil, evidence: nil)), by: "hl")?
                .hasSuffix("Medway schools' agency lead or the business unit may record this.") == true)
        #expect(possessive("Kent Police") == "Kent Police's" && possessive("NHS") == "NHS's" && possessive("Medway schools") == "Medway schools'")
    }

    @Test(arguments: [("2023-02-30", "'2023-02-30' is not a real date: February 2023 has 28 days"),
                      ("2024-02-30", "'2024-02-30' is not a real date: February 2024 has 29 days"),
                      ("2023-04-31", "'2023-04-31' is not a real date: April 2023 has 30 days"),
                      ("2023-00-10", "'2023-00-10' is not a real date: there is no month 0"),
                      ("2023-05-00", "'2023-05-00' is not a real date: May 2023 has 31 days, starting at 1"),
                      ("31/03/2023", "'31/03/2023' is not a date; write it as YYYY-MM-DD, e.g. 2023-03-31"),
                      ("２０２３-01-01", "'２０２３-01-01' is not a date; write it as YYYY-MM-DD, e.g. 2023-03-31")])
    func aDateThatIsNotRealIsToldSoAndOneWrittenOtherwiseIsShownTheForm(_ text: String, _ message: String) {
        #expect(LocalDate(text) == nil)
        #expect(LocalDate.whyNot(text) == message)
    }
}
