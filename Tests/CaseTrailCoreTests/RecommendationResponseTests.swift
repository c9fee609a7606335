import Testing
@testable import CaseTrailCore

/// A partnership's formal response to each recommendation, and what the annual report says of them.
@Suite struct RecommendationResponseTests {
    let r1 = "\(lcspr)/R1"

    @Test func givenARecommendationWhenItIsNotAcceptedWithAReasonThenTheReasonIsKept() throws {
        var s = try Scenario.plan()
        let events = try s.run(.action(.respondToRecommendation(rec: r1, accepted: false, reason: "Covered by the county threshold", on: d("2023-08-01"))))
        #expect(events == [.recommendationResponded(rec: r1, accepted: false, reason: "Covered by the county threshold", on: d("2023-08-01"))])
        #expect(s.state.recommendations[r1]?.response == RecommendationItem.Response(accepted: false, reason: "Covered by the county threshold", on: d("2023-08-01")))
    }

    @Test func notAcceptingWithoutAReasonAnsweringTwiceOrBeforeItWasMadeIsRefused() throws {
        var s = try Scenario.plan()
        #expect(s.refusal(.action(.respondToRecommendation(rec: r1, accepted: false, reason: nil, on: nil)))?.hasPrefix("Say why \(r1) is not accepted with --reason") == true)
        #expect(s.refusal(.action(.respondToRecommendation(rec: r1, accepted: true, reason: nil, on: d("2023-07-01"))))?.contains("before it was made") == true)
        #expect(s.refusal(.action(.respondToRecommendation(rec: "\(lcspr)/R9", accepted: true, reason: nil, on: nil)))?.hasPrefix("No recommendation") == true)
        try s.run(.action(.respondToRecommendation(rec: r1, accepted: true, reason: nil, on: d("2023-08-01"))))
        #expect(s.refusal(.action(.respondToRecommendation(rec: r1, accepted: false, reason: "changed our mind", on: nil))) == "\(r1) was already accepted on 1 Aug 2023; a response is given once.")
    }

    @Test func anAuditorMayNotRespondToARecommendation() throws {
        let s = try Scenario.plan()
        #expect(s.refusal(.action(.respondToRecommendation(rec: r1, accepted: true, reason: nil, on: nil)), by: "aud")?.hasPrefix("'aud' (auditor) may not do this") == true)
    }

    @Test func theAnnualReportListsRecommendationsNotAcceptedAndThoseLeftUnansweredPastThePolicysDays() throws {
        var s = try Scenario.plan()
        s.today = d("2024-04-30")
        try s.run(.action(.addRecommendation(ref: lcspr, rec: "R2", text: "Audit neglect cases", on: d("2024-02-15"))))
        try s.run(.action(.respondToRecommendation(rec: r1, accepted: false, reason: "Covered by the county threshold", on: d("2023-08-01"))))
        let year = ReportingYear("2023-24")!
        var report = AnnualReport(s.state, year: year, today: d("2024-04-30"))
        #expect(report.notAccepted.map(\.fullID) == [r1])
        #expect(report.awaitingResponse.isEmpty, "R2 was made 45 days before 31 March, within the default 60")
        try s.run(.setup(.setPolicy(name: "response-due-days", value: "30")))
        report = AnnualReport(s.state, year: year, today: d("2024-04-30"))
        #expect(report.awaitingResponse.map { "\($0.rec.fullID) \($0.days)" } == ["\(lcspr)/R2 45"])
        #expect(s.refusal(.setup(.setPolicy(name: "response-due-days", value: "0"))) == "Policy response-due-days takes a number of days from 1 to 730, not '0'.")
        #expect(s.refusal(.setup(.setPolicy(name: "response-due-days", value: "٣٠"))) != nil, "digits of another script are not a number of days here")
    }
}

/// An audit's results: case gradings for a multi-agency audit, standards met for a Section 11 audit.
@Suite struct AuditResultsTests {
    @Test func givenAMultiAgencyAuditWhenItsGradingsAreRecordedThenTheAnnualReportShowsThemInTheirYear() throws {
        var s = Scenario(staffed)
        s.today = d("2023-06-01")
        try s.run(.review(.openReview(ref: "MSCP-AUD-2022-01", kind: .audit, title: "Neglect audit", from: nil, on: d("2022-05-01"))))
        let events = try s.run(.review(.recordAuditResults(ref: "MSCP-AUD-2022-01", on: d("2022-11-30"),
                                                           counts: [AuditCount(level: .requiresImprovement, count: 4), AuditCount(level: .good, count: 1)])))
        #expect(events == [.auditResultsRecorded(ref: "MSCP-AUD-2022-01", on: d("2022-11-30"),
                                                 counts: [AuditCount(level: .good, count: 1), AuditCount(level: .requiresImprovement, count: 4)])],
                "counts are kept in the scale's order")
        #expect(AnnualReport(s.state, year: ReportingYear("2022-23")!, today: s.today).auditResults.map(\.results.total) == [5])
        #expect(AnnualReport(s.state, year: ReportingYear("2021-22")!, today: s.today).auditResults.isEmpty)
        #expect(s.refusal(.review(.recordAuditResults(ref: "MSCP-AUD-2022-01", on: d("2022-12-01"), counts: [AuditCount(level: .good, count: 2)])))
                == "MSCP-AUD-2022-01 already has results, recorded for 30 Nov 2022.")
    }

    @Test func resultsOfTheWrongScaleOrKindOrWithNothingCountedAreRefused() throws {
        var s = try Scenario.decided()
        s.today = d("2023-06-01")
        try s.run(.review(.openReview(ref: "MSCP-S11-2022", kind: .section11, title: "Section 11", from: nil, on: d("2022-05-01"))))
        #expect(s.refusal(.review(.recordAuditResults(ref: "MSCP-S11-2022", on: d("2023-01-15"), counts: [AuditCount(level: .good, count: 3)])))
                == "A Section 11 audit counts fully met, partially met or not met; 'good' is not one of them.")
        #expect(s.refusal(.review(.recordAuditResults(ref: "MSCP-S11-2022", on: d("2023-01-15"), counts: [AuditCount(level: .fullyMet, count: 0)])))?
                .hasPrefix("Give how many cases") == true)
        #expect(s.refusal(.review(.recordAuditResults(ref: "MSCP-S11-2022", on: d("2023-01-15"),
                                                      counts: [AuditCount(level: .fullyMet, count: 1), AuditCount(level: .fullyMet, count: 2)]))) == "Each level is given once.")
        #expect(s.refusal(.review(.recordAuditResults(ref: lcspr, on: d("2023-01-15"), counts: [AuditCount(level: .good, count: 1)])))?
                .hasPrefix("Only multi-agency and Section 11 audits record results") == true)
    }
}
