import Testing
@testable import CaseTrailCore

/// Facts dated when they happened (`--on`), defaulting to today, never before what they follow.
@Suite struct BusinessDateTests {
    @Test func givenAnActionWhenProgressIsRecordedAfterTheFactThenEachFactCarriesTheDateItHappened() throws {
        var s = try Scenario.plan()
        s.today = d("2024-02-01")
        #expect(try s.run(.action(.updateAction(action: a1, note: "Training booked", rag: .amber, evidence: nil, on: d("2023-08-15"))))
                == [.actionUpdated(action: a1, on: d("2023-08-15"), note: "Training booked", rag: .amber, evidence: nil)])
        #expect(try s.run(.action(.reviseDue(action: a1, due: d("2023-12-31"), reason: "Trainer ill", on: d("2023-09-01"))))
                == [.actionDueRevised(action: a1, on: d("2023-09-01"), from: d("2023-10-31"), due: d("2023-12-31"), reason: "Trainer ill")])
        try s.implement(a1, on: "2023-11-20")
        #expect(try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil, on: d("2023-12-04"))), by: "ll")
                == [.actionSignedOff(action: a1, on: d("2023-12-04"), stage: .learningLessons, complete: false, attribution: Attribution(signer: "ll"))])
        #expect(try s.run(.action(.withdrawAction(action: a2, reason: "Superseded", on: d("2023-10-02"))))
                == [.actionWithdrawn(action: a2, on: d("2023-10-02"), reason: "Superseded")])
        #expect(try s.run(.action(.reopenAction(action: a2, reason: "Needed after all", on: d("2023-11-01"))))
                == [.actionReopened(action: a2, on: d("2023-11-01"), reason: "Needed after all")])
        #expect(try s.run(.action(.transferAction(action: a2, to: "Business plan", reason: "Wider", on: d("2024-01-10"))))
                == [.actionTransferred(action: a2, on: d("2024-01-10"), to: "Business plan", reason: "Wider")])
        #expect(try s.run(.action(.updateAction(action: a1, note: "Awaiting executive", rag: nil, evidence: nil)))
                .first?.businessDate == d("2024-02-01"), "without --on, today")
    }

    @Test func aFactDatedBeforeWhatItFollowsIsRefusedWithBothDates() throws {
        var s = try Scenario.plan()
        #expect(s.refusal(.action(.updateAction(action: a1, note: "n", rag: nil, evidence: nil, on: d("2023-07-01"))))
                == "An update of \(a1) cannot be dated 1 Jul 2023, before it was agreed (20 Jul 2023).")
        #expect(s.refusal(.action(.reviseDue(action: a1, due: d("2024-01-31"), reason: "r", on: d("2023-07-19"))))
                == "A revision of \(a1) cannot be dated 19 Jul 2023, before it was agreed (20 Jul 2023).")
        #expect(s.refusal(.action(.withdrawAction(action: a1, reason: "r", on: d("2023-01-01"))))?.hasSuffix("before it was agreed (20 Jul 2023).") == true)
        #expect(s.refusal(.action(.transferAction(action: a1, to: "x", reason: "r", on: d("2023-01-01"))))?.hasSuffix("before it was agreed (20 Jul 2023).") == true)
        #expect(s.refusal(.action(.updateAction(action: a1, note: "n", rag: nil, evidence: nil, on: d("2024-01-01"))))
                == "The date 1 Jan 2024 is in the future (today is 31 Dec 2023); record facts once they have happened.")
        try s.implement(a1, on: "2023-11-30")
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil, on: d("2023-11-29"))), by: "ll")
                == "The learning-lessons sign-off of \(a1) cannot be dated 29 Nov 2023, before it was implemented (30 Nov 2023).")
        try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil, on: d("2023-12-05"))), by: "ll")
        #expect(s.refusal(.action(.signOffAction(action: a1, stage: .executive, refusal: nil, on: d("2023-12-04"))), by: "ex")
                == "The executive sign-off of \(a1) cannot be dated 4 Dec 2023, before its learning-lessons sign-off (5 Dec 2023).")
        #expect(s.refusal(.action(.reopenAction(action: a1, reason: "r", on: d("2023-11-01"))))
                == "Reopening \(a1) cannot be dated 1 Nov 2023, before it was implemented (30 Nov 2023).")
    }

    @Test func replayAcceptsAFactDatedEarlierThanTheDayItWasTyped() throws {
        var s = try Scenario.plan()
        let before = s.state
        let events = try s.run(.action(.updateAction(action: a1, note: "Training booked", rag: .amber, evidence: nil, on: d("2023-08-15"))))
        #expect(Partnership.recheck(events, actor: "ann", recordedOn: d("2023-12-31"), in: before) == nil)
        #expect(Partnership.recheck(events, actor: "ann", recordedOn: d("2026-12-02"), in: before) == nil, "typed years later")
    }
}
