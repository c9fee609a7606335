import Testing
@testable import CaseTrailCore

let a1 = "\(lcspr)/R1/A1"
let a2 = "\(lcspr)/R1/A2"

extension Scenario {
    /// An LCSPR with recommendation R1 and two actions: A1 for health, A2 for children's social care.
    static func plan() throws -> Scenario {
        var s = try Scenario.decided()
        try s.run(.action(.addRecommendation(ref: lcspr, rec: "R1", text: "Improve information sharing", on: d("2023-07-18"))))
        try s.run(.action(.addAction(recommendation: "\(lcspr)/R1", code: "A1", text: "Train health staff", owner: "NHS Medway", lead: "Named nurse",
                             due: d("2023-10-31"), dueText: "Autumn 2023", success: "90% trained", on: d("2023-07-20"))))
        try s.run(.action(.addAction(recommendation: "\(lcspr)/R1", code: "A2", text: "Audit referrals", owner: "MEDWAY-CSC", lead: "Head of QA",
                             due: d("2023-09-30"), dueText: nil, success: nil, on: d("2023-07-20"))))
        return s
    }

    mutating func implement(_ id: String, on day: String = "2023-11-30") throws {
        try run(.action(.markImplemented(action: id, on: d(day), evidence: "Training register")))
    }
}

@Suite struct ActionPlanTests {
    @Test func anActionIsOwnedThroughAnyOfItsAgencysNames() throws {
        let s = try Scenario.plan()
        #expect(s.state.actions[a1]?.owner == "KM-ICB")
        #expect(s.state.actions[a1]?.status == .open)
        #expect(s.state.recommendations["\(lcspr)/R1"]?.actions == [a1, a2])
        #expect(s.refusal(.action(.addAction(recommendation: "\(lcspr)/R1", code: "A3", text: "t", owner: "Nobody", lead: "l", due: d("2023-12-01"),
                                     dueText: nil, success: nil, on: nil)))?.hasPrefix("No agency 'Nobody'.") == true)
    }

    @Test func duplicatesAndUnknownsAreRefused() throws {
        let s = try Scenario.plan()
        #expect(s.refusal(.action(.addRecommendation(ref: lcspr, rec: "R1", text: "t", on: nil))) == "\(lcspr)/R1 already exists.")
        #expect(s.refusal(.action(.addRecommendation(ref: lcspr, rec: "R 1", text: "t", on: nil)))?.contains("not a recommendation number") == true)
        #expect(s.refusal(.action(.addAction(recommendation: "\(lcspr)/R9", code: "A1", text: "t", owner: "KP", lead: "l", due: d("2023-12-01"),
                                     dueText: nil, success: nil, on: nil)))?.hasPrefix("No recommendation") == true)
        #expect(s.refusal(.action(.addAction(recommendation: "\(lcspr)/R1", code: "A1", text: "t", owner: "KP", lead: "l", due: d("2023-12-01"),
                                     dueText: nil, success: nil, on: nil))) == "\(a1) already exists.")
        #expect(s.refusal(.action(.updateAction(action: "\(lcspr)/R1/A9", note: "n", rag: nil, evidence: nil))) == "No action '\(lcspr)/R1/A9'. See 'casetrail outstanding' for the actions.")
        #expect(s.refusal(.action(.updateAction(action: "garbage", note: "n", rag: nil, evidence: nil)))?.contains("not an action reference") == true)
    }

    @Test func anUpdateMovesAnActionInProgressWithItsRAG() throws {
        var s = try Scenario.plan()
        try s.run(.action(.updateAction(action: a1, note: "Training booked", rag: .amber, evidence: nil)), by: "hl")
        #expect(s.state.actions[a1]?.status == .inProgress)
        #expect(s.state.actions[a1]?.rag == .amber)
    }

    @Test func everyDueDateRevisionIsKept() throws {
        var s = try Scenario.plan()
        try s.run(.action(.reviseDue(action: a1, due: d("2023-12-31"), reason: "Trainer unavailable")), by: "hl", on: "2023-10-01")
        try s.run(.action(.reviseDue(action: a1, due: d("2024-03-31"), reason: "Second cohort")), by: "bu", on: "2023-12-01")
        let a = s.state.actions[a1]!
        #expect(a.due == d("2024-03-31") && a.originalDue == d("2023-10-31"))
        #expect(a.revisions.map(\.reason) == ["Trainer unavailable", "Second cohort"])
        #expect(a.revisions.map(\.from) == [d("2023-10-31"), d("2023-12-31")])
        #expect(try s.run(.action(.reviseDue(action: a1, due: d("2024-03-31"), reason: "same"))) == [])
    }

    @Test func overdueCountsCalendarDaysFromTheRevisedDueDate() throws {
        var s = try Scenario.plan()
        try s.run(.action(.reviseDue(action: a1, due: d("2023-12-31"), reason: "Trainer unavailable")))
        #expect(s.state.actions[a1]?.daysOverdue(today: d("2024-01-15")) == 15)
        #expect(s.state.actions[a1]?.daysOverdue(today: d("2023-12-31")) == nil)
        try s.implement(a1)
        #expect(s.state.actions[a1]?.daysOverdue(today: d("2024-01-15")) == nil)   // implemented is not overdue
    }

    @Test func stagedSignOffCompletesAnAction() throws {
        var s = try Scenario.plan()
        try s.implement(a1)
        try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ll")
        #expect(s.state.actions[a1]?.status == .implemented)
        try s.run(.action(.signOffAction(action: a1, stage: .executive, refusal: nil)), by: "ex")
        #expect(s.state.actions[a1]?.status == .signedOff)
        #expect(!Projections.outstanding(s.state, today: d("2024-01-01")).contains { $0.action == a1 })
    }

    @Test func aRefusedExecutiveSignOffReturnsTheActionToInProgress() throws {
        var s = try Scenario.plan()
        try s.implement(a1)
        try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ll")
        try s.run(.action(.signOffAction(action: a1, stage: .executive, refusal: "No evidence from the audit")), by: "ex")
        #expect(s.state.actions[a1]?.status == .inProgress)
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ll")?.hasPrefix("Only an implemented action can be signed off") == true)
        try s.implement(a1, on: "2023-12-15")
        try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ll")
        try s.run(.action(.signOffAction(action: a1, stage: .executive, refusal: nil)), by: "ex")
        #expect(s.state.actions[a1]?.status == .signedOff)
        #expect(s.state.actions[a1]?.signOffs.map(\.refused) == [false, true, false, false])
    }

    @Test func signOffStagesComeInOrderAndOnlyAfterImplementation() throws {
        var s = try Scenario.plan()
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ll")
            == "Only an implemented action can be signed off; \(a1) is open. Record 'casetrail action implemented \(a1)' with evidence first.")
        try s.implement(a1)
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .executive, refusal: nil)), by: "ex")
            == "\(a1) needs the learning-lessons sign-off before the executive one.")
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .board, refusal: nil)), by: "ex")?.contains("no board sign-off stage") == true)
    }

    @Test func aBoardStageIsNeededWhereThePolicyHasOne() throws {
        var s = try Scenario.plan()
        try s.run(.setup(.setPolicy(name: "board-stage", value: "yes")))
        try s.implement(a1)
        try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ll")
        try s.run(.action(.signOffAction(action: a1, stage: .executive, refusal: nil)), by: "ex")
        #expect(s.state.actions[a1]?.status == .implemented)
        #expect(Projections.awaitingSignOff(s.state, today: s.today).map(\.stage) == [.board])
        try s.run(.action(.signOffAction(action: a1, stage: .board, refusal: nil, attribution: Attribution(onBehalfOf: "Board"))), by: "bu")
        #expect(s.state.actions[a1]?.status == .signedOff)
    }

    @Test func impactIsKeptApartFromImplementation() throws {
        var s = try Scenario.plan()
        #expect(s.refusal(.action(.recordImpact(action: a1, on: d("2023-11-01"), evidence: "Audit", rating: nil)))?.hasPrefix("Evidence of impact follows implementation") == true)
        try s.implement(a1)
        #expect(Projections.noImpactEvidence(s.state, today: s.today).map(\.action.id) == [a1])
        try s.run(.action(.recordImpact(action: a1, on: d("2023-12-20"), evidence: "Re-audit: referrals now complete", rating: "good")))
        #expect(Projections.noImpactEvidence(s.state, today: s.today).isEmpty)
    }

    @Test func withdrawnAndTransferredActionsLeaveOutstandingWithTheirReasons() throws {
        var s = try Scenario.plan()
        try s.run(.action(.withdrawAction(action: a1, reason: "Superseded by the national training programme")))
        try s.run(.action(.transferAction(action: a2, to: "Business plan 2024-25", reason: "Carried forward")))
        #expect(s.state.actions[a1]?.status == .withdrawn)
        #expect(s.state.actions[a1]?.exit?.reason == "Superseded by the national training programme")
        #expect(s.state.actions[a2]?.exit?.to == "Business plan 2024-25")
        #expect(Projections.outstanding(s.state, today: d("2024-01-01")).isEmpty)
        #expect(s.refusal(.action(.updateAction(action: a1, note: "n", rag: nil, evidence: nil)))?.contains("Reopen it first") == true)
        try s.run(.action(.reopenAction(action: a1, reason: "The national programme was cancelled")))
        #expect(s.state.actions[a1]?.status == .inProgress)
        #expect(Projections.outstanding(s.state, today: d("2024-01-01")).map(\.action) == [a1])
    }

    @Test func aCorrectionChangesTheFieldAndKeepsTheOldValueInHistory() throws {
        var s = try Scenario.plan()
        try s.run(.action(.correctAction(action: a1, field: "owner", value: "Kent Police", reason: "Wrong agency entered")))
        #expect(s.state.actions[a1]?.owner == "KP")
        #expect(s.state.actions[a1]?.text == "Train health staff")
        let slip = try s.run(.action(.correctAction(action: a1, field: "due", value: "2023-10-30", reason: "Typed the 31st for the 30th")))
        #expect(slip == [.actionCorrected(action: a1, on: d("2023-12-31"), field: "due", value: "2023-10-30", reason: "Typed the 31st for the 30th", from: "2023-10-31")])
        #expect(s.state.actions[a1]?.originalDue == d("2023-10-30") && s.state.actions[a1]?.due == d("2023-10-30") && s.state.actions[a1]?.revisions == [],
                "a typing slip is not a revision: nothing reads as slippage")
        #expect(s.refusal(.action(.correctAction(action: a1, field: "rag", value: "purple", reason: "r"))) == "'purple' is not a RAG rating; use red, amber or green.")
        #expect(s.refusal(.action(.correctAction(action: a1, field: "implemented-on", value: "2023-11-01", reason: "r")))?.hasPrefix("\(a1) has no implementation") == true)
        #expect(s.refusal(.action(.correctAction(action: a1, field: "agreed", value: "soon", reason: "r"))) == "'soon' is not a date; write it as YYYY-MM-DD, e.g. 2023-03-31.")
        #expect(s.refusal(.action(.correctAction(action: a1, field: "agreed", value: "2024-02-30", reason: "r"))) == "'2024-02-30' is not a real date: February 2024 has 29 days.")
        #expect(try s.run(.action(.correctAction(action: a1, field: "owner", value: "KP", reason: "again"))) == [])
    }

    @Test func aRecommendationIsOutstandingWhileItHasNoActions() throws {
        var s = try Scenario.plan()
        try s.run(.action(.addRecommendation(ref: lcspr, rec: "R2", text: "Review the neglect strategy", on: d("2023-07-18"))))
        let items = Projections.outstanding(s.state, today: d("2023-08-01"))
        #expect(items.map { $0.action ?? "\($0.review)/\($0.recommendation)" } == [a1, a2, "\(lcspr)/R2"])
        #expect(items.last?.status == "no-actions")
    }

    @Test func aClosedReviewTakesNoNewRecommendationsOrActions() throws {
        var s = try Scenario.plan()
        try s.run(.action(.withdrawAction(action: a1, reason: "r")))
        try s.run(.action(.withdrawAction(action: a2, reason: "r")))
        try s.run(.review(.recordMilestone(ref: lcspr, what: .reportReceived, on: d("2023-06-30"), note: nil, url: nil)))
        try s.run(.review(.recordMilestone(ref: lcspr, what: .published, on: d("2023-07-18"), note: nil, url: nil)))
        try s.run(.review(.closeReview(ref: lcspr, on: d("2023-08-01"))))
        #expect(s.refusal(.action(.addRecommendation(ref: lcspr, rec: "R2", text: "t", on: nil)))?.contains("was closed on 1 Aug 2023") == true)
        #expect(s.refusal(.action(.addAction(recommendation: "\(lcspr)/R1", code: "A3", text: "t", owner: "KP", lead: "l", due: d("2024-01-01"),
                                     dueText: nil, success: nil, on: nil)))?.contains("was closed on 1 Aug 2023") == true)
    }

    @Test func aReviewWithOutstandingActionsCannotClose() throws {
        var s = try Scenario.plan()
        try s.run(.review(.recordMilestone(ref: lcspr, what: .reportReceived, on: d("2023-06-30"), note: nil, url: nil)))
        try s.run(.review(.recordMilestone(ref: lcspr, what: .published, on: d("2023-07-18"), note: nil, url: nil)))
        #expect(s.refusal(.review(.closeReview(ref: lcspr, on: d("2023-08-01"))))?.contains("still has 2 outstanding actions") == true)
    }
}

@Suite struct AuthorityTests {
    @Test func anAgencyLeadWorksOnlyOnTheirAgencysActions() throws {
        var s = try Scenario.plan()
        try s.run(.action(.updateAction(action: a1, note: "Booked", rag: .green, evidence: nil)), by: "hl")
        try s.run(.action(.reviseDue(action: a1, due: d("2023-12-31"), reason: "Trainer unavailable")), by: "hl")
        try s.implement(a1)
        #expect(s.refusal(.action(.updateAction(action: a2, note: "n", rag: nil, evidence: nil)), by: "hl")
            == "'hl' is agency lead for KM-ICB, but \(a2) is owned by Medway Children's Social Care (MEDWAY-CSC); Medway Children's Social Care's agency lead or the business unit may record this.")
        #expect(s.refusal(.action(.withdrawAction(action: a2, reason: "r")), by: "hl") == "'hl' (agency-lead) may not do this; it needs a member with role admin or business-unit.")
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "hl")?.contains("admin, business-unit or learning-lessons") == true)
    }

    @Test func auditorsOnlyRead() throws {
        let s = try Scenario.plan()
        for command: Command in [.action(.updateAction(action: a1, note: "n", rag: nil, evidence: nil)), .action(.addRecommendation(ref: lcspr, rec: "R5", text: "t", on: nil)),
                                 .review(.recordMilestone(ref: lcspr, what: .commissioned, on: d("2023-02-01"), note: nil, url: nil))] {
            #expect(s.refusal(command, by: "aud")?.hasPrefix("'aud' (auditor) may not do this") == true)
        }
    }

    @Test func anUnknownActorCannotWrite() throws {
        let s = try Scenario.plan()
        #expect(s.refusal(.action(.updateAction(action: a1, note: "n", rag: nil, evidence: nil)), by: "stranger")?.hasPrefix("'stranger' is not on MSCP's roster") == true)
    }

    @Test func anExecutiveCannotSignBeforeTheLearningLessonsStage() throws {
        var s = try Scenario.plan()
        try s.implement(a1)
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .executive, refusal: nil)), by: "ex") == "\(a1) needs the learning-lessons sign-off before the executive one.")
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ex")?.contains("needs a member with role admin, business-unit or learning-lessons") == true)
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ll") == nil)
    }

    @Test func theExecutiveAndPartnersDecideButDoNotRecordMilestones() throws {
        var s = try Scenario.incident()
        try s.run(.review(.completeRapidReview(ref: rr, on: d("2023-01-10"), recommendation: .lcspr, rationale: "r")))
        #expect(s.refusal(.review(.decideReview(ref: rr, on: d("2023-01-12"), outcome: .initiate, by: "Partners", rationale: "r", creates: nil, createsTitle: nil, reconvene: nil)), by: "ex") == nil)
        #expect(s.refusal(.review(.decideReview(ref: rr, on: d("2023-01-12"), outcome: .initiate, by: "Partners", rationale: "r", creates: nil, createsTitle: nil, reconvene: nil)), by: "pol") == nil)
        #expect(s.refusal(.review(.decideReview(ref: rr, on: d("2023-01-12"), outcome: .initiate, by: "Partners", rationale: "r", creates: nil, createsTitle: nil, reconvene: nil)), by: "ll") != nil)
        #expect(s.refusal(.review(.recordMilestone(ref: rr, what: .notified, on: d("2022-12-21"), note: nil, url: nil)), by: "ex")?.contains("admin or business-unit") == true)
    }
}

@Suite struct ProjectionTests {
    @Test func outstandingGroupsByAgencyMergeAliases() throws {
        var s = try Scenario.plan()
        try s.run(.action(.addRecommendation(ref: lcspr, rec: "R2", text: "t", on: d("2023-07-18"))))
        try s.run(.action(.addAction(recommendation: "\(lcspr)/R2", code: "A1", text: "t", owner: "nhs  medway", lead: "l", due: d("2023-08-01"),
                             dueText: nil, success: nil, on: d("2023-07-20"))))
        let groups = Projections.grouped(Projections.outstanding(s.state, today: d("2023-10-01")), by: .agency)
        #expect(groups == [OutstandingGroup(key: "KM-ICB", count: 2, overdue: 1), OutstandingGroup(key: "MEDWAY-CSC", count: 1, overdue: 1)])
    }

    @Test func outstandingGroupsByYearOfOriginSplitOnThe31stOfMarch() throws {
        var s = try Scenario.plan()
        try s.run(.action(.addRecommendation(ref: lcspr, rec: "R2", text: "t", on: d("2023-03-01"))))
        try s.run(.action(.addAction(recommendation: "\(lcspr)/R2", code: "A1", text: "t", owner: "KP", lead: "l", due: d("2024-08-01"),
                             dueText: nil, success: nil, on: d("2023-03-31"))))
        try s.run(.action(.addAction(recommendation: "\(lcspr)/R2", code: "A2", text: "t2", owner: "KP", lead: "l", due: d("2024-08-01"),
                             dueText: nil, success: nil, on: d("2023-04-01"))))
        let groups = Projections.grouped(Projections.outstanding(s.state, today: d("2023-10-01")), by: .year)
        #expect(groups.map(\.key) == ["2022-23", "2023-24"])
        #expect(groups.map(\.count) == [1, 3])
    }

    @Test func dueWithinLooksAheadFromToday() throws {
        let s = try Scenario.plan()
        #expect(Projections.due(s.state, today: d("2023-09-01"), within: 30).map(\.action) == [a2])
        #expect(Projections.due(s.state, today: d("2023-09-01"), within: 60).map(\.action) == [a1, a2])
        #expect(Projections.due(s.state, today: d("2023-10-01"), within: 60).map(\.action) == [a1])
    }
}
