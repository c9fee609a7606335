import Testing
@testable import CaseTrailCore

/// Who decided, and who typed it: the business unit records for the bodies that decided.
@Suite struct OnBehalfOfTests {
    let executive = Attribution(onBehalfOf: "Executive", meeting: "Executive, 14 June 2023, minute 5")

    @Test func givenTheBusinessUnitWhenItRecordsAStageItDoesNotSitForThenItMustNameTheBody() throws {
        var s = try Scenario.plan()
        try s.implement(a1)
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "bu")
                == "'bu' records the learning-lessons sign-off of \(a1) for the body that gave it: say which with --on-behalf-of (e.g. \"Learning Lessons sub-group\") and, if you can, --meeting (e.g. \"Learning Lessons sub-group, 14 June 2023, minute 5\").")
        try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil, attribution: Attribution(onBehalfOf: "Learning Lessons sub-group"))), by: "bu")
        let before = s.state
        let events = try s.run(.action(.signOffAction(action: a1, stage: .executive, refusal: nil, attribution: executive)), by: "bu")
        #expect(events == [.actionSignedOff(action: a1, on: d("2023-12-31"), stage: .executive, complete: true,
                                            attribution: Attribution(onBehalfOf: "Executive", meeting: "Executive, 14 June 2023, minute 5", signer: "bu"))])
        #expect(events[0].summary(by: "Business Manager") == "Business Manager, for Executive (Executive, 14 June 2023, minute 5), gave the executive sign-off of \(a1); it is complete")
        #expect(Partnership.recheck(events, actor: "bu", recordedOn: s.today, in: before) == nil)
        #expect(Partnership.recheck(events, actor: "ann", recordedOn: s.today, in: before) != nil, "a line naming another signer than the one who wrote it is caught")
    }

    @Test func withSeparateSignOffOneMemberDoesNotGiveBothStagesOnTheirOwnBehalf() throws {
        var s = Scenario(staffed + [.memberAdded(user: "both", name: "Chair of both", agency: "MSCP", roles: [.learningLessons, .executive], partner: nil)])
        s.today = d("2023-12-31")
        try s.run(.review(.openReview(ref: "MSCP-AUD-2023-01", kind: .audit, title: "Neglect audit", from: nil, on: d("2023-01-10"))))
        try s.run(.action(.addRecommendation(ref: "MSCP-AUD-2023-01", rec: "R1", text: "Train", on: d("2023-01-10"))))
        let id = "MSCP-AUD-2023-01/R1/A1"
        try s.run(.action(.addAction(recommendation: "MSCP-AUD-2023-01/R1", code: "A1", text: "Training", owner: "KP", lead: "L&D", due: d("2023-06-30"),
                                     dueText: nil, success: nil, on: d("2023-01-20"))))
        try s.implement(id)
        try s.run(.action(.signOffAction(action: id, stage: .learningLessons, refusal: nil)), by: "both")
        #expect(s.refusal(.action(.signOffAction(action: id, stage: .executive, refusal: nil)), by: "both") == nil, "allowed while the policy is off")
        try s.run(.setup(.setPolicy(name: "separate-sign-off", value: "yes")))
        #expect(s.refusal(.action(.signOffAction(action: id, stage: .executive, refusal: nil)), by: "both")
                == "'both' gave the learning-lessons sign-off of \(id) on their own behalf; the partnership's policy (separate-sign-off) has another member give the executive one, or record it for the body that gave it with --on-behalf-of.")
        #expect(s.refusal(.action(.signOffAction(action: id, stage: .executive, refusal: nil)), by: "ex") == nil)
        #expect(s.refusal(.action(.signOffAction(action: id, stage: .executive, refusal: nil, attribution: executive)), by: "both") == nil)
    }

    @Test func aSignOffWrittenBeforeAttributionsStillReplays() throws {
        var s = try Scenario.plan()
        try s.implement(a1)
        let before = s.state
        let old: [Event] = [.actionSignedOff(action: a1, on: d("2023-12-31"), stage: .learningLessons, complete: false)]
        #expect(Partnership.recheck(old, actor: "bu", recordedOn: s.today, in: before) == nil, "no signer, no body: as lines were written before")
    }

    @Test func decisionsAndUpdatesCarryWhoTheyWereRecordedForAndWhere() throws {
        var s = try Scenario.plan()
        let update = try s.run(.action(.updateAction(action: a1, note: "Training booked", rag: .green, evidence: nil,
                                                     attribution: Attribution(onBehalfOf: "NHS Medway", meeting: "Learning Lessons, 3 July 2023"))))
        #expect(update[0].summary(by: "Business Manager") == "Business Manager, for NHS Medway (Learning Lessons, 3 July 2023), updated \(a1) (green): Training booked")
        #expect(s.refusal(.action(.updateAction(action: a1, note: "n2", rag: nil, evidence: nil, attribution: Attribution(onBehalfOf: " ")))) == "The body or member (--on-behalf-of) is empty; give some text.")
    }
}
