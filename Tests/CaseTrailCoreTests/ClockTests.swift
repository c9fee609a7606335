import Testing
@testable import CaseTrailCore

@Suite struct ClockTests {
    func clocks(_ s: Scenario, _ ref: String, today: String) -> [String: StatutoryClock] {
        let list = Clocks.of(s.state.reviews[ref]!, calendar: s.state.calendar, policy: s.state.policy, today: d(today))
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }

    @Test func christmasBankHolidaysPushTheNotificationDueDate() throws {
        var s = try Scenario.incident()
        #expect(clocks(s, rr, today: "2022-12-22")["notification"]?.due == d("2022-12-29"))
        #expect(clocks(s, rr, today: "2022-12-22")["notification"]?.standing == .running)
        #expect(clocks(s, rr, today: "2022-12-22")["notification"]?.workingDaysLeft == 3)
        try s.run(.review(.recordMilestone(ref: rr, what: .notified, on: d("2022-12-30"), note: nil, url: nil)))
        let c = clocks(s, rr, today: "2023-01-03")
        #expect(c["notification"]?.met == false)
        #expect(c["notification"]?.standing == .missed)
        #expect(c["notification"]?.completed == d("2022-12-30"))
        #expect(c["rapid-review"]?.start == d("2022-12-30"))
        #expect(c["rapid-review"]?.due == d("2023-01-23"))   // New Year bank holiday skipped
    }

    @Test func withoutANotificationTheRapidReviewRunsFromAwareness() throws {
        let s = try Scenario.incident()
        let c = clocks(s, rr, today: "2023-01-05")["rapid-review"]!
        #expect(c.start == d("2022-12-20"))
        #expect(c.due == d("2023-01-13"))
        #expect(c.met == nil)
        #expect(c.basis == "counted from awareness until a notification is recorded")
        let late = clocks(s, rr, today: "2023-01-16")["rapid-review"]!
        #expect(late.met == false && late.standing == .overdue && late.completed == nil)
    }

    @Test func completionOnTheDueDayIsMet() throws {
        var s = try Scenario.incident(notified: "2022-12-30")
        try s.run(.review(.completeRapidReview(ref: rr, on: d("2023-01-23"), recommendation: .lcspr, rationale: "r")))
        let c = clocks(s, rr, today: "2023-02-01")["rapid-review"]!
        #expect(c.met == true && c.standing == .met && c.workingDaysUsed == 15)
    }

    @Test func aPolicyCanCountTheRapidReviewFromAwareness() throws {
        var s = try Scenario.incident(notified: "2022-12-30")
        try s.run(.setup(.setPolicy(name: "rapid-review-from", value: "awareness")))
        #expect(clocks(s, rr, today: "2023-01-05")["rapid-review"]?.due == d("2023-01-13"))
        #expect(s.refusal(.setup(.setPolicy(name: "rapid-review-from", value: "whenever")))?.contains("takes notification or awareness") == true)
        #expect(s.refusal(.setup(.setPolicy(name: "rapid-review-from", value: "awareness")), by: "bu")?.contains("needs a member with role admin") == true)
    }

    @Test func anLCSPRIsDueSixMonthsFromTheDecisionWithSevenWorkingDaysNotice() throws {
        var s = try Scenario.decided()
        #expect(clocks(s, lcspr, today: "2023-03-01")["lcspr-publication"]?.due == d("2023-07-20"))
        try s.run(.review(.recordMilestone(ref: lcspr, what: .reportReceived, on: d("2023-07-03"), note: nil, url: nil)))
        try s.run(.review(.recordMilestone(ref: lcspr, what: .sentToPanel, on: d("2023-07-10"), note: nil, url: nil)))
        try s.run(.review(.recordMilestone(ref: lcspr, what: .published, on: d("2023-07-18"), note: nil, url: nil)))
        let c = clocks(s, lcspr, today: "2023-08-01")
        #expect(c["lcspr-publication"]?.met == true)
        #expect(c["panel-notice"]?.due == d("2023-07-07"))
        #expect(c["panel-notice"]?.completed == d("2023-07-10"))
        #expect(c["panel-notice"]?.met == false)
    }

    @Test func anSCRIsDueSixMonthsFromTheChairsDecision() throws {
        var s = Scenario(staffed)
        try s.run(.review(.openReview(ref: "SCR-1", kind: .scr, title: "t", from: nil, on: d("2009-02-01"))))
        #expect(Clocks.of(s.state.reviews["SCR-1"]!, calendar: s.state.calendar, policy: [:], today: d("2009-03-01")).isEmpty)
        try s.run(.review(.decideReview(ref: "SCR-1", on: d("2009-02-10"), outcome: .initiate, by: "Chair", rationale: "r", creates: nil, createsTitle: nil, reconvene: nil)))
        try s.run(.review(.recordMilestone(ref: "SCR-1", what: .reportReceived, on: d("2009-09-01"), note: nil, url: nil)))
        let c = clocks(s, "SCR-1", today: "2009-10-01")["scr-completion"]!
        #expect(c.due == d("2009-08-10") && c.met == false)
    }

    @Test func anAddedHolidayCountsInTheClocks() throws {
        var s = Scenario(staffed)
        try s.run(.setup(.addHoliday(on: d("2023-12-27"), name: "Extra day")))
        #expect(s.state.calendar.holiday(on: d("2023-12-27")) == "Extra day")
        #expect(s.refusal(.setup(.addHoliday(on: d("2023-12-25"), name: "Another"))) == "25 Dec 2023 is already a bank holiday (Christmas Day).")
        #expect(s.refusal(.setup(.addHoliday(on: d("2023-12-30"), name: "Saturday"))) != nil)
    }
}
