import Testing
@testable import CaseTrailCore

let plan1415 = "MSCB-BP-2014-15"
let plan1516 = "MSCB-BP-2015-16"

extension Scenario {
    /// The 2014-15 business plan: objective P2 with actions A2.4 and A2.10 (the second in progress), objective 1 with 1.1.
    static func businessPlan() throws -> Scenario {
        var s = Scenario(staffed)
        s.today = d("2015-04-30")
        try s.run(.review(.openReview(ref: plan1415, kind: .plan, title: "Business plan 2014-15", from: nil, on: d("2014-04-01"))))
        try s.run(.action(.addRecommendation(ref: plan1415, rec: "P2", text: "Tackle neglect", on: d("2014-04-01"))))
        try s.run(.action(.addRecommendation(ref: plan1415, rec: "1", text: "Hear the voice of the child", on: d("2014-04-01"))))
        for (code, text) in [("A2.10", "Neglect toolkit in use"), ("A2.4", "Neglect training for all staff")] {
            try s.run(.action(.addAction(recommendation: "\(plan1415)/P2", code: code, text: text, owner: "KP", lead: "Neglect sub-group",
                                         due: d("2015-03-31"), dueText: "March 2015", success: nil, on: d("2014-04-10"))))
        }
        try s.run(.action(.addAction(recommendation: "\(plan1415)/1", code: "1.1", text: "Audit of case files", owner: "MEDWAY-CSC", lead: "QA sub-group",
                                     due: d("2014-09-30"), dueText: nil, success: "Audit reported", on: d("2014-04-10"))))
        try s.run(.action(.updateAction(action: "\(plan1415)/P2/A2.10", note: "Toolkit drafted", rag: .amber, evidence: nil)), on: "2014-11-01")
        try s.run(.review(.openReview(ref: plan1516, kind: .plan, title: "Business plan 2015-16", from: plan1415, on: d("2015-04-01"))))
        return s
    }
}

/// Plans as sources of actions: numbering as the source writes it, sorted naturally, and a year's open actions carried into the next plan.
@Suite struct PlanTests {
    @Test func givenAPlanWhenItsObjectivesAndActionsAreNumberedAsItsSourceNumbersThemThenTheyKeepThoseNumbersInNaturalOrder() throws {
        let s = try Scenario.businessPlan()
        #expect(s.state.reviews[plan1415]?.kind == .plan)
        #expect(s.state.reviews[plan1415]?.recommendations == ["1", "P2"])
        #expect(s.state.recommendations["\(plan1415)/P2"]?.actions == ["\(plan1415)/P2/A2.4", "\(plan1415)/P2/A2.10"], "A2.4 before A2.10, whatever the order they were added")
        #expect(s.state.actions["\(plan1415)/1/1.1"]?.rec == "1")
    }

    @Test(arguments: ["R 1", "R1.", ".5", "A..1", "2/3", "Ř1", "-1", "R12345678901234567"])
    func aNumberThatCannotBeWrittenPlainlyIsRefused(_ code: String) throws {
        let s = try Scenario.businessPlan()
        #expect(s.refusal(.action(.addRecommendation(ref: plan1415, rec: code, text: "t", on: nil)))?.contains("is not a recommendation number") == true)
        #expect(s.refusal(.action(.addAction(recommendation: "\(plan1415)/P2", code: code, text: "t", owner: "KP", lead: "l", due: d("2015-03-31"),
                                             dueText: nil, success: nil, on: nil)))?.contains("is not an action number") == true)
    }

    @Test func aNumberThatReadsLikeOneAlreadyThereIsRefused() throws {
        let s = try Scenario.businessPlan()
        #expect(s.refusal(.action(.addRecommendation(ref: plan1415, rec: "p2", text: "t", on: nil))) == "\(plan1415) already has P2, which is the same number as p2; use P2 or another number.")
        #expect(s.refusal(.action(.addRecommendation(ref: plan1415, rec: "01", text: "t", on: nil)))?.hasPrefix("\(plan1415) already has 1,") == true)
        #expect(s.refusal(.action(.addAction(recommendation: "\(plan1415)/P2", code: "a2.04", text: "t", owner: "KP", lead: "l", due: d("2015-03-31"),
                                             dueText: nil, success: nil, on: nil)))?.hasPrefix("\(plan1415)/P2 already has A2.4,") == true)
    }

    @Test func givenAPlanWithOpenActionsWhenItIsCarriedForwardThenEachMovesIntoTheNextPlanKeepingAllItHolds() throws {
        var s = try Scenario.businessPlan()
        let before = s.state.actions["\(plan1415)/P2/A2.10"]!
        let events = try s.run(.action(.carryForward(from: plan1415, to: plan1516, on: d("2015-04-01"))))
        #expect(events == [
            .recommendationAdded(ref: plan1516, rec: "1", text: "Hear the voice of the child", on: d("2015-04-01")),
            .actionCarriedForward(action: "\(plan1415)/1/1.1", on: d("2015-04-01"), to: "\(plan1516)/1/1.1"),
            .recommendationAdded(ref: plan1516, rec: "P2", text: "Tackle neglect", on: d("2015-04-01")),
            .actionCarriedForward(action: "\(plan1415)/P2/A2.4", on: d("2015-04-01"), to: "\(plan1516)/P2/A2.4"),
            .actionCarriedForward(action: "\(plan1415)/P2/A2.10", on: d("2015-04-01"), to: "\(plan1516)/P2/A2.10"),
        ])
        let moved = try #require(s.state.actions["\(plan1516)/P2/A2.10"])
        #expect(moved.text == before.text && moved.lead == before.lead && moved.due == before.due && moved.dueText == "March 2015")
        #expect(moved.agreed == d("2014-04-10"), "it keeps its year of origin")
        #expect(moved.status == .inProgress && moved.rag == .amber && moved.lastUpdate?.note == "Toolkit drafted")
        #expect(moved.carried == ActionItem.Carry(from: "\(plan1415)/P2/A2.10", on: d("2015-04-01"), arrivedImplemented: false))
        let old = try #require(s.state.actions["\(plan1415)/P2/A2.10"])
        #expect(old.status == .transferred && old.exit?.to == "\(plan1516)/P2/A2.10")
        #expect(s.state.lineage(of: "\(plan1516)/P2/A2.10") == ["\(plan1516)/P2/A2.10", "\(plan1415)/P2/A2.10"])
        #expect(Projections.outstanding(s.state, today: s.today).compactMap(\.action).allSatisfy { $0.hasPrefix(plan1516) })
        #expect(Partnership.recheck(events, actor: "ann", recordedOn: d("2015-04-30"), in: try Scenario.businessPlan().state) == nil,
                "replay accepts the carry-forward as the command that records it")
    }

    @Test func anObjectiveWithTheSameWordsIsReusedAndOnlyANumberTakenByOtherWordsIsRenumbered() throws {
        var s = try Scenario.businessPlan()
        try s.run(.action(.addRecommendation(ref: plan1516, rec: "P2", text: "  tackle   NEGLECT ", on: d("2015-04-01"))))
        try s.run(.action(.addRecommendation(ref: plan1516, rec: "1", text: "Early help", on: d("2015-04-01"))))
        try s.run(.action(.addAction(recommendation: "\(plan1516)/P2", code: "A2.4", text: "Neglect strategy", owner: "KP", lead: "l",
                                     due: d("2016-03-31"), dueText: nil, success: nil, on: d("2015-04-01"))))
        let events = try s.run(.action(.carryForward(from: plan1415, to: plan1516, on: d("2015-04-01"))))
        #expect(events == [
            .recommendationAdded(ref: plan1516, rec: "R1", text: "Hear the voice of the child", on: d("2015-04-01")),
            .actionCarriedForward(action: "\(plan1415)/1/1.1", on: d("2015-04-01"), to: "\(plan1516)/R1/1.1"),
            .actionCarriedForward(action: "\(plan1415)/P2/A2.4", on: d("2015-04-01"), to: "\(plan1516)/P2/A1"),
            .actionCarriedForward(action: "\(plan1415)/P2/A2.10", on: d("2015-04-01"), to: "\(plan1516)/P2/A2.10"),
        ])
    }

    @Test func carryingForwardIsRefusedWhenThereIsNoPlanToReceiveTheActionsOrNothingToCarry() throws {
        var s = try Scenario.businessPlan()
        #expect(s.refusal(.action(.carryForward(from: plan1415, to: lcspr, on: nil))) == "No review '\(lcspr)'. See 'casetrail reviews' for the references.")
        try s.run(.review(.openReview(ref: "MSCB-AUD-2015-01", kind: .audit, title: "Neglect audit", from: nil, on: d("2015-04-01"))))
        #expect(s.refusal(.action(.carryForward(from: plan1415, to: "MSCB-AUD-2015-01", on: nil)))
                == "MSCB-AUD-2015-01 is a multi-agency audit; you can only carry actions forward on a plan.")
        #expect(s.refusal(.action(.carryForward(from: plan1415, to: plan1415, on: nil)))?.hasPrefix("\(plan1415) cannot be carried forward into itself") == true)
        #expect(s.refusal(.action(.carryForward(from: plan1415, to: plan1516, on: d("2015-03-31"))))
                == "\(plan1516) was opened on 1 Apr 2015; actions cannot be carried into it before then (31 Mar 2015).")
        #expect(s.refusal(.action(.carryForward(from: plan1415, to: plan1516, on: d("2015-05-01"))))?.contains("is in the future") == true)
        #expect(s.refusal(.action(.carryForward(from: plan1415, to: plan1516, on: nil)), by: "hl")?.hasPrefix("'hl' (agency-lead) may not do this") == true)
        try s.run(.action(.carryForward(from: plan1415, to: plan1516, on: d("2015-04-01"))))
        #expect(s.refusal(.action(.carryForward(from: plan1415, to: plan1516, on: nil)))
                == "\(plan1415) has no open actions to carry forward; 'casetrail show \(plan1415)' lists its actions.")
    }

    @Test func anActionCarriedForwardIsWorkedOnInItsNewPlanNotWhereItWas() throws {
        var s = try Scenario.businessPlan()
        try s.run(.action(.carryForward(from: plan1415, to: plan1516, on: d("2015-04-01"))))
        let old = "\(plan1415)/P2/A2.4", new = "\(plan1516)/P2/A2.4"
        #expect(s.refusal(.action(.updateAction(action: old, note: "n", rag: nil, evidence: nil)))
                == "\(old) was carried forward to \(new) on 1 Apr 2015, so you cannot update it here; do it on \(new).")
        #expect(s.refusal(.action(.reopenAction(action: old, reason: "r")))?.hasPrefix("\(old) was carried forward to \(new); reopening it") == true)
        try s.run(.action(.updateAction(action: new, note: "Training booked", rag: .green, evidence: nil)))
        #expect(s.state.actions[new]?.rag == .green)
    }

    @Test func theAnnualReportCountsACarriedForwardActionOnceWhereItWasOpenedAndWhereItWasImplemented() throws {
        var s = try Scenario.businessPlan()
        try s.implement("\(plan1415)/P2/A2.4", on: "2015-03-20")
        let year1415 = AnnualReport(s.state, year: ReportingYear("2014-15")!, today: s.today)
        try s.run(.action(.carryForward(from: plan1415, to: plan1516, on: d("2015-04-01"))))
        #expect(s.state.actions["\(plan1516)/P2/A2.4"]?.status == .implemented, "it still awaits its sign-off")
        #expect(AnnualReport(s.state, year: ReportingYear("2014-15")!, today: s.today) == year1415, "the year before is as it was")
        #expect(year1415.actionsOpened == 3 && year1415.actionsImplemented == 1 && year1415.outstandingAtYearEnd == 3)
        s.today = d("2016-04-30")
        try s.implement("\(plan1516)/P2/A2.10", on: "2015-09-30")
        let year1516 = AnnualReport(s.state, year: ReportingYear("2015-16")!, today: s.today)
        #expect(year1516.actionsOpened == 0, "all three were opened in 2014-15")
        #expect(year1516.actionsImplemented == 1, "A2.10 was implemented in 2015-16; A2.4 arrived implemented")
        #expect(year1516.outstandingAtYearEnd == 3 && year1516.monthEnds.first?.outstanding == 3, "each counted once, in its new plan")
        #expect(year1516.outstandingByOrigin.map { "\($0.year) \($0.count)" } == ["2014-15 3"])
    }
}
