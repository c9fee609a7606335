import Testing
@testable import CaseTrailCore

/// A hand-built year, 2022-23, with facts either side of 31 March / 1 April. The right answers
/// are worked out in the comments beside each fact.
@Suite struct AnnualReportTests {
    static func year() throws -> Scenario {
        var s = Scenario(staffed)
        s.today = d("2023-06-01")
        // Rapid review A: aware 4 Jul 2022, notified 8 Jul (due 11 Jul: met), completed 20 Jul (due 29 Jul: met).
        try s.run(.review(.recordIncident(ref: "RR-A", child: "Child A", aware: d("2022-07-04"), incident: nil, notified: d("2022-07-08"), summary: nil)))
        try s.run(.review(.completeRapidReview(ref: "RR-A", on: d("2022-07-20"), recommendation: .lcspr, rationale: "r")))
        try s.run(.review(.decideReview(ref: "RR-A", on: d("2022-08-01"), outcome: .initiate, by: "Partners", rationale: "r", creates: "L1", createsTitle: nil, reconvene: nil)))
        // Rapid review B: notified 3 Mar 2023 (met), rapid review due 24 Mar, completed 31 Mar: in the year, but late.
        try s.run(.review(.recordIncident(ref: "RR-B", child: "Child B", aware: d("2023-03-01"), incident: nil, notified: d("2023-03-03"), summary: nil)))
        try s.run(.review(.completeRapidReview(ref: "RR-B", on: d("2023-03-31"), recommendation: .lcspr, rationale: "r")))
        try s.run(.review(.decideReview(ref: "RR-B", on: d("2023-04-01"), outcome: .initiate, by: "Partners", rationale: "r", creates: "L2", createsTitle: nil, reconvene: nil)))
        // Rapid review C: aware on 31 March (counts), notified 3 April and completed in April (next year).
        try s.run(.review(.recordIncident(ref: "RR-C", child: "Child C", aware: d("2023-03-31"), incident: nil, notified: d("2023-04-03"), summary: nil)))
        try s.run(.review(.completeRapidReview(ref: "RR-C", on: d("2023-04-20"), recommendation: .noReview, rationale: "r")))
        // LCSPR L1 (initiated 1 Aug 2022): report 10 Jan, sent to the Panel 16 Jan (due 20 Jan), published 31 Jan (due 1 Feb).
        try s.run(.review(.recordMilestone(ref: "L1", what: .reportReceived, on: d("2023-01-10"), note: nil, url: nil)))
        try s.run(.review(.recordMilestone(ref: "L1", what: .sentToPanel, on: d("2023-01-16"), note: nil, url: nil)))
        try s.run(.review(.recordMilestone(ref: "L1", what: .published, on: d("2023-01-31"), note: nil, url: nil)))
        // A learning lessons review opened on the year's first day.
        try s.run(.review(.openReview(ref: "LLR-1", kind: .llr, title: "Jack", from: nil, on: d("2022-04-01"))))

        try s.run(.action(.addRecommendation(ref: "L1", rec: "R1", text: "t", on: d("2021-06-01"))))
        func add(_ code: String, owner: String, agreed: String, due: String) throws {
            try s.run(.action(.addAction(recommendation: "L1/R1", code: code, text: "Action \(code)", owner: owner, lead: "Lead", due: d(due),
                                 dueText: nil, success: nil, on: d(agreed))))
        }
        try add("A1", owner: "KM-ICB", agreed: "2023-03-31", due: "2023-06-30")       // opened in year; outstanding, not overdue
        try add("A2", owner: "KM-ICB", agreed: "2023-04-01", due: "2023-06-30")       // next year: not counted anywhere
        try add("A3", owner: "KM-ICB", agreed: "2022-09-01", due: "2023-01-31")       // implemented 31 Mar: outstanding, not overdue
        try s.run(.action(.markImplemented(action: "L1/R1/A3", on: d("2023-03-31"), evidence: "e")))
        try add("A4", owner: "MEDWAY-CSC", agreed: "2022-09-01", due: "2023-01-31")   // revised only after year end: overdue at 31 Mar
        try s.run(.action(.reviseDue(action: "L1/R1/A4", due: d("2023-06-30"), reason: "r")), on: "2023-04-05")
        try add("A5", owner: "KM-ICB", agreed: "2022-09-01", due: "2022-12-31")       // implemented and signed off in the year
        try s.run(.action(.markImplemented(action: "L1/R1/A5", on: d("2023-01-10"), evidence: "e")))
        try s.run(.action(.signOffAction(action: "L1/R1/A5", stage: .learningLessons, refusal: nil, attribution: Attribution(onBehalfOf: "Learning Lessons sub-group"))), on: "2023-03-20")
        try s.run(.action(.signOffAction(action: "L1/R1/A5", stage: .executive, refusal: nil, attribution: Attribution(onBehalfOf: "Executive"))), on: "2023-03-31")
        try add("A6", owner: "KM-ICB", agreed: "2022-09-01", due: "2023-06-30")       // implemented in year, signed off 1 April
        try s.run(.action(.markImplemented(action: "L1/R1/A6", on: d("2023-03-01"), evidence: "e")))
        try s.run(.action(.signOffAction(action: "L1/R1/A6", stage: .learningLessons, refusal: nil, attribution: Attribution(onBehalfOf: "Learning Lessons sub-group"))), on: "2023-03-15")
        try s.run(.action(.signOffAction(action: "L1/R1/A6", stage: .executive, refusal: nil, attribution: Attribution(onBehalfOf: "Executive"))), on: "2023-04-01")
        try add("A7", owner: "KP", agreed: "2021-06-01", due: "2022-03-01")           // from 2021-22, overdue, withdrawn in May
        try s.run(.action(.withdrawAction(action: "L1/R1/A7", reason: "r")), on: "2023-05-01")
        return s
    }

    @Test func theFiguresAreThoseWorkedOutByHand() throws {
        let s = try Self.year()
        let r = AnnualReport(s.state, year: ReportingYear("2022-23")!, today: d("2023-06-01"))
        #expect(r.incidents == 3)
        #expect(r.notifications == 2)
        #expect(r.rapidReviewsCompleted == 2)
        #expect(r.rapidReviewsOnTime == 1)
        #expect(r.reviews == [.init(kind: .lcspr, initiated: 1, published: 1), .init(kind: .llr, initiated: 1, published: 0)])
        #expect(r.actionsOpened == 5)
        #expect(r.actionsImplemented == 3)
        #expect(r.actionsSignedOff == 1)
        #expect(r.outstandingAtYearEnd == 5)
        #expect(r.overdueAtYearEnd == 2)
        #expect(r.outstandingByOrigin.map { "\($0.year)=\($0.count)" } == ["2021-22=1", "2022-23=4"])
        #expect(r.outstandingByAgency.map { "\($0.agency) \($0.outstanding)/\($0.overdue)" } == ["KM-ICB 3/0", "KP 1/1", "MEDWAY-CSC 1/1"])
        #expect(r.clocks == [.init(name: "notification", met: 2, missed: 0, open: 0), .init(name: "rapid-review", met: 1, missed: 1, open: 0),
                             .init(name: "lcspr-publication", met: 1, missed: 0, open: 0), .init(name: "panel-notice", met: 1, missed: 0, open: 0)])
        #expect(r.monthEnds.count == 12)
        #expect(r.monthEnds.first.map { "\($0.date) \($0.outstanding)" } == "2022-04-30 1")
        #expect(r.monthEnds[5].outstanding == 5)   // 30 September: A3–A7
        #expect(r.monthEnds.last.map { "\($0.date) \($0.outstanding)" } == "2023-03-31 5")
    }

    @Test func theNextYearPicksUpWhatCrossedTheBoundary() throws {
        let s = try Self.year()
        let r = AnnualReport(s.state, year: ReportingYear("2023-24")!, today: d("2023-06-01"))
        #expect(r.notifications == 1)            // RR-C, notified 3 April
        #expect(r.rapidReviewsCompleted == 1)
        #expect(r.actionsOpened == 1)            // A2
        #expect(r.actionsSignedOff == 1)         // A6, signed off 1 April
        #expect(r.reviews == [.init(kind: .lcspr, initiated: 1, published: 0)])   // L2
    }

    @Test func aReportingYearIsAprilToMarch() {
        #expect(ReportingYear("2022-23")?.first == d("2022-04-01"))
        #expect(ReportingYear("2022-23")?.last == d("2023-03-31"))
        #expect(ReportingYear("1999-00")?.last == d("2000-03-31"))
        #expect(ReportingYear("2022-24") == nil)
        #expect(ReportingYear("22-23") == nil)
    }
}
