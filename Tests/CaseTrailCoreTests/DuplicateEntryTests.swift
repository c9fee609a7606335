import Testing
@testable import CaseTrailCore

/// The same entry recorded twice by mistake is refused with a pointer to the first; `--again` records it on purpose.
@Suite struct DuplicateEntryTests {
    @Test func givenAReviewWhenAnotherIsOpenedWithTheSameTitleThenItIsRefusedPointingAtTheFirst() throws {
        var s = try Scenario.plan()
        try s.run(.review(.openReview(ref: "MSCP-AUD-2023-01", kind: .audit, title: "Themed audit: Neglect", from: nil, on: d("2023-06-01"))))
        let retyped = Command.review(.openReview(ref: "MSCP-AUD-2023-02", kind: .audit, title: "themed audit:  NEGLECT", from: nil, on: d("2023-06-01")))
        #expect(s.refusal(retyped) == "MSCP-AUD-2023-01 (multi-agency audit, opened 1 Jun 2023) already has the title 'Themed audit: Neglect'; use MSCP-AUD-2023-01. If it is a different one, record it with --again.")
        let events = try s.run(retyped, again: true)
        #expect(events.count == 1)
        #expect(Partnership.recheck(events, actor: "ann", recordedOn: s.today, in: try { var t = try Scenario.plan(); try t.run(.review(.openReview(ref: "MSCP-AUD-2023-01", kind: .audit, title: "Themed audit: Neglect", from: nil, on: d("2023-06-01")))); return t.state }()) == nil,
                "replay accepts a repeat recorded on purpose")
    }

    @Test func aRecommendationOrActionWithWordsAlreadyInTheReviewIsRefusedPointingAtIt() throws {
        var s = try Scenario.plan()
        #expect(s.refusal(.action(.addRecommendation(ref: lcspr, rec: "R2", text: "improve information  sharing", on: nil)))
                == "\(lcspr)/R1 already says 'Improve information sharing'; use \(lcspr)/R1. If it is a different one, record it with --again.")
        try s.run(.action(.addRecommendation(ref: lcspr, rec: "R2", text: "Audit neglect cases", on: nil)))
        #expect(s.refusal(.action(.addAction(recommendation: "\(lcspr)/R2", code: "A1", text: "Train Health Staff", owner: "KP", lead: "l", due: d("2024-03-31"),
                                             dueText: nil, success: nil, on: nil)))
                == "\(a1) already says 'Train health staff'; use \(a1). If it is a different one, record it with --again.")
        #expect(try s.run(.action(.addAction(recommendation: "\(lcspr)/R2", code: "A1", text: "Train health staff", owner: "KP", lead: "l", due: d("2024-03-31"),
                                             dueText: nil, success: nil, on: nil)), again: true).count == 1)
    }

    @Test func theSameUpdateTwiceInARowOrTheSameMilestoneTwiceIsRefused() throws {
        var s = try Scenario.plan()
        try s.run(.action(.updateAction(action: a1, note: "Training booked", rag: .amber, evidence: nil)), on: "2023-08-01")
        #expect(s.refusal(.action(.updateAction(action: a1, note: "training booked", rag: .amber, evidence: nil)))
                == "That is the update \(a1) already has, recorded for 1 Aug 2023. If it was given again, record it with --again.")
        #expect(s.refusal(.action(.updateAction(action: a1, note: "Training booked", rag: .green, evidence: nil))) == nil, "a new rating is news")
        #expect(s.refusal(.action(.updateAction(action: a1, note: "Training booked", rag: nil, evidence: "Register"))) == nil, "so is new evidence")
        try s.run(.review(.recordMilestone(ref: lcspr, what: .briefingPublished, on: d("2023-09-01"), note: nil, url: nil)))
        #expect(s.refusal(.review(.recordMilestone(ref: lcspr, what: .briefingPublished, on: d("2023-09-02"), note: nil, url: nil)))
                == "\(lcspr) already has a briefing-published milestone, recorded for 1 Sep 2023. If there was another, record it with --again.")
        #expect(try s.run(.review(.recordMilestone(ref: lcspr, what: .briefingPublished, on: d("2023-09-02"), note: "Second briefing", url: nil)), again: true).count == 1)
        try s.run(.review(.recordMilestone(ref: lcspr, what: .commissioned, on: d("2023-02-01"), note: nil, url: nil)))
        #expect(throws: DomainError.self, "other milestones happen once, --again or not") {
            try s.run(.review(.recordMilestone(ref: lcspr, what: .commissioned, on: d("2023-02-02"), note: nil, url: nil)), again: true)
        }
    }

    @Test func theSameIncidentRecordedUnderASecondReferenceIsRefused() throws {
        let s = try Scenario.incident()
        #expect(s.refusal(.review(.recordIncident(ref: "MSCP-RR-2023-09", child: "child q", aware: d("2022-12-20"), incident: nil, notified: nil, summary: nil)))?
                .hasPrefix("An incident about child q that the local authority became aware of on 20 Dec 2022 is already recorded as \(rr); use \(rr).") == true)
        #expect(s.refusal(.review(.recordIncident(ref: "MSCP-RR-2023-09", child: "Child Q", aware: d("2022-12-21"), incident: nil, notified: nil, summary: nil))) == nil)
    }
}
