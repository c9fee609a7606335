import Testing
@testable import CaseTrailCore

/// Entries recorded in error, voided: gone from every answer, kept in the log.
@Suite struct VoidTests {
    /// The year's work as it really was: an incident, its rapid review, an audit and its action.
    static func year(withSlips slips: Bool, voiding: Bool = true) throws -> (Scenario, [Event]) {
        var s = Scenario(staffed)
        s.today = d("2023-06-30")
        var voids: [Event] = []
        try s.run(.review(.recordIncident(ref: "MSCP-RR-2022-05", child: "Child R", aware: d("2022-09-01"), incident: nil, notified: d("2022-09-05"), summary: nil)))
        if slips {
            // The same incident recorded again under a wrong reference, never notified: its clocks are missed.
            try s.run(.review(.recordIncident(ref: "MSCP-RR-2022-06", child: "Child R", aware: d("2022-09-01"), incident: nil, notified: nil, summary: nil)), again: true)
        }
        try s.run(.review(.openReview(ref: "MSCP-AUD-2022-01", kind: .audit, title: "Themed audit: Neglect", from: nil, on: d("2022-06-01"))))
        try s.run(.action(.addRecommendation(ref: "MSCP-AUD-2022-01", rec: "R1", text: "Review GCP2 scores", on: d("2022-06-24"))))
        try s.run(.action(.addAction(recommendation: "MSCP-AUD-2022-01/R1", code: "A1", text: "Neglect training", owner: "KP", lead: "NSIG",
                                     due: d("2022-12-31"), dueText: nil, success: nil, on: d("2022-07-01"))))
        if slips {
            // A duplicate audit opened by mistake, given an action, then closed.
            try s.run(.review(.openReview(ref: "MSCP-AUD-2022-02", kind: .audit, title: "Themed audit: neglect", from: nil, on: d("2022-06-02"))), again: true)
            try s.run(.action(.addRecommendation(ref: "MSCP-AUD-2022-02", rec: "R1", text: "Review GCP2 scores again", on: d("2022-06-24"))))
            try s.run(.action(.addAction(recommendation: "MSCP-AUD-2022-02/R1", code: "A1", text: "Neglect training (copy)", owner: "KP", lead: "NSIG",
                                         due: d("2022-12-31"), dueText: nil, success: nil, on: d("2022-07-01"))))
            guard voiding else { return (s, []) }
            voids += try s.run(.correction(.void(target: "MSCP-RR-2022-06", reason: "Recorded twice; the incident is MSCP-RR-2022-05", withDependents: false, on: nil)))
            voids += try s.run(.correction(.void(target: "MSCP-AUD-2022-02", reason: "Opened twice", withDependents: true, on: nil)))
        }
        return (s, voids)
    }

    @Test func givenEntriesRecordedInErrorWhenTheyAreVoidedThenEveryFigureIsAsIfTheyHadNeverBeenRecorded() throws {
        let (voided, _) = try Self.year(withSlips: true)
        let (clean, _) = try Self.year(withSlips: false)
        for year in ["2021-22", "2022-23", "2023-24"] {
            let y = ReportingYear(year)!
            #expect(AnnualReport(voided.state, year: y, today: voided.today) == AnnualReport(clean.state, year: y, today: clean.today), "\(year)")
            #expect(Projections.timeliness(voided.state, today: voided.today, year: year) == Projections.timeliness(clean.state, today: clean.today, year: year))
        }
        #expect(Projections.outstanding(voided.state, today: voided.today) == Projections.outstanding(clean.state, today: clean.today))
        #expect(voided.state.sortedReviews.map(\.ref) == clean.state.sortedReviews.map(\.ref))
        #expect(voided.state.voided["MSCP-AUD-2022-02/R1/A1"] == Voiding(on: d("2023-06-30"), reason: "Opened twice", with: "MSCP-AUD-2022-02"))
    }

    @Test func givenAReviewWithActionsWhenItIsVoidedWithoutWithDependentsThenItSaysWhatWouldGoWithIt() throws {
        var s = try Scenario.plan()
        #expect(s.refusal(.correction(.void(target: lcspr, reason: "Opened in error", withDependents: false, on: nil)))
                == "Voiding \(lcspr) also voids 1 recommendation (R1) and 2 actions (R1/A1, R1/A2). If all of it was entered in error, void it with --with-dependents.")
        try s.implement(a1)
        try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil)), by: "ll", on: "2023-12-01")
        #expect(s.refusal(.correction(.void(target: a1, reason: "Typed twice", withDependents: false, on: nil)))
                == "Voiding \(a1) also voids its 1 sign-off (learning-lessons on 1 Dec 2023). If all of it was entered in error, void it with --with-dependents.")
        let events = try s.run(.correction(.void(target: "\(lcspr)/R1", reason: "Belongs to another review", withDependents: true, on: d("2023-12-20"))))
        #expect(events == [.entryVoided(target: "\(lcspr)/R1", on: d("2023-12-20"), reason: "Belongs to another review", dependents: [a1, a2], withDependents: true)])
        #expect(s.state.reviews[lcspr]?.recommendations == [] && s.state.actions[a1] == nil && s.state.recommendations["\(lcspr)/R1"] == nil)
    }

    @Test func aVoidedEntryCannotBeVoidedAgainNorItsReferenceUsedAgain() throws {
        var s = try Scenario.plan()
        try s.run(.correction(.void(target: a2, reason: "Typed twice", withDependents: false, on: nil)))
        #expect(s.refusal(.correction(.void(target: a2, reason: "again", withDependents: false, on: nil))) == "\(a2) was already voided on 31 Dec 2023: Typed twice.")
        #expect(s.refusal(.action(.addAction(recommendation: "\(lcspr)/R1", code: "A2", text: "Audit all referrals", owner: "KP", lead: "l", due: d("2024-03-31"),
                                             dueText: nil, success: nil, on: nil))) == "\(a2) was voided on 31 Dec 2023 (Typed twice); give the action another number.")
        try s.run(.review(.openReview(ref: "MSCP-LLR-2023-09", kind: .llr, title: "Opened in error", from: nil, on: d("2023-12-01"))))
        try s.run(.correction(.void(target: "MSCP-LLR-2023-09", reason: "Wrong reference", withDependents: false, on: nil)))
        #expect(s.refusal(.review(.openReview(ref: "MSCP-LLR-2023-09", kind: .llr, title: "Another", from: nil, on: d("2023-12-01"))))?
                .hasPrefix("The reference MSCP-LLR-2023-09 was used by an entry voided on 31 Dec 2023") == true)
    }

    @Test func onlyTheBusinessUnitAndAdminMayVoidAndNeverBeforeTheEntryWasRecorded() throws {
        let s = try Scenario.plan()
        #expect(s.refusal(.correction(.void(target: a1, reason: "r", withDependents: false, on: nil)), by: "ll")?.hasPrefix("'ll' (learning-lessons) may not do this") == true)
        #expect(s.refusal(.correction(.void(target: a1, reason: "r", withDependents: false, on: nil)), by: "bu") == nil)
        #expect(s.refusal(.correction(.void(target: a1, reason: "r", withDependents: false, on: d("2023-07-01"))))
                == "\(a1) cannot be voided on 1 Jul 2023, before it was recorded as happening (20 Jul 2023).")
        #expect(s.refusal(.correction(.void(target: "\(lcspr)/R7", reason: "r", withDependents: false, on: nil)))?.hasPrefix("No recommendation") == true)
        #expect(s.refusal(.correction(.void(target: a1, reason: " ", withDependents: false, on: nil))) == "The reason is empty; give some text.")
    }

    @Test func replayAcceptsAVoidAsTheCommandThatRecordsIt() throws {
        var (s, _) = try Self.year(withSlips: true, voiding: false)
        for void in [CorrectionCommand.void(target: "MSCP-RR-2022-06", reason: "Recorded twice", withDependents: false, on: nil),
                     .void(target: "MSCP-AUD-2022-02", reason: "Opened twice", withDependents: true, on: d("2023-06-01"))] {
            let before = s.state
            let events = try s.run(.correction(void))
            #expect(Partnership.recheck(events, actor: "ann", recordedOn: s.today, in: before) == nil)
        }
    }
}

/// One fact voided (`void seq:N`): the decider says what it may void; the ledger replays without it.
@Suite struct VoidOneFactTests {
    static let a1 = "MSCP-AUD-2022-01/R1/A1"

    /// An action implemented and given both sign-offs.
    static func signedOff() throws -> (Scenario, signOffs: [Event]) {
        var s = Scenario(staffed)
        s.today = d("2023-06-30")
        try s.run(.review(.openReview(ref: "MSCP-AUD-2022-01", kind: .audit, title: "Themed audit: Neglect", from: nil, on: d("2022-06-01"))))
        try s.run(.action(.addRecommendation(ref: "MSCP-AUD-2022-01", rec: "R1", text: "Review GCP2 scores", on: d("2022-06-24"))))
        try s.run(.action(.addAction(recommendation: "MSCP-AUD-2022-01/R1", code: "A1", text: "Neglect training", owner: "KP", lead: "NSIG",
                                     due: d("2022-12-31"), dueText: nil, success: nil, on: d("2022-07-01"))))
        try s.run(.action(.markImplemented(action: a1, on: d("2022-11-30"), evidence: "Training register")))
        let ll = try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: nil, on: d("2023-01-10"))), by: "ll")
        let ex = try s.run(.action(.signOffAction(action: a1, stage: .executive, refusal: nil, on: d("2023-02-14"))), by: "ex")
        return (s, ll + ex)
    }

    static func void(_ event: Event, seq: Int, on: LocalDate? = nil) -> Command {
        .correction(.voidEvent(seq: seq, stream: event.stream, fact: event.voidable!, reason: "Recorded against the wrong action", on: on))
    }

    @Test func givenTwoSignOffsWhenTheFirstIsVoidedThenItSaysToVoidTheLatestFirst() throws {
        let (s, signOffs) = try Self.signedOff()
        #expect(s.refusal(Self.void(signOffs[0], seq: 8), by: "bu")
                == "Line 8 is not the latest sign-off of \(Self.a1) (that is the executive sign-off of 14 Feb 2023); void that first.")
        #expect(s.refusal(Self.void(signOffs[1], seq: 9), by: "bu") == nil)
    }

    @Test func givenAVoidedLineWhenVoidedAgainOrBeforeItHappenedThenTheRefusalSaysWhen() throws {
        var (s, signOffs) = try Self.signedOff()
        #expect(s.refusal(Self.void(signOffs[1], seq: 9, on: d("2023-02-01")), by: "bu")
                == "Line 9 cannot be voided on 1 Feb 2023, before the executive sign-off of \(Self.a1) on 14 Feb 2023.")
        let voided = try s.run(Self.void(signOffs[1], seq: 9), by: "bu")
        #expect(voided == [.eventVoided(seq: 9, stream: "action-\(Self.a1)", fact: VoidableFact(kind: .actionSignOff, subject: Self.a1, detail: "executive", happened: d("2023-02-14")),
                                        on: d("2023-06-30"), reason: "Recorded against the wrong action")])
        #expect(s.refusal(Self.void(signOffs[1], seq: 9), by: "bu") == "Line 9 was already voided on 30 Jun 2023: Recorded against the wrong action.")
        #expect(s.refusal(Self.void(signOffs[1], seq: 9), by: "ll")?.contains("needs a member with role admin or business-unit") == true)
        #expect(Partnership.recheck(voided, actor: "bu", recordedOn: d("2023-06-30"), in: try Self.signedOff().0.state) == nil)
    }

    @Test func onlyAnUpdateDateSignOffMilestoneOrDecisionIsVoidableAloneAndNotADecisionThatOpenedAReview() {
        #expect(Event.actionAdded(action: "R/R1/A1", text: "t", owner: "KP", lead: "l", due: d("2023-02-01"), dueText: nil, success: nil, on: d("2023-01-01")).voidable == nil)
        #expect(Event.reviewDecided(ref: "R", on: d("2023-01-01"), outcome: .initiate, by: "ex", rationale: "r", creates: "R2", reconvene: nil).voidable == nil)
        #expect(Event.reviewDecided(ref: "R", on: d("2023-01-01"), outcome: .initiate, by: "ex", rationale: "r", creates: nil, reconvene: nil).voidable
                == VoidableFact(kind: .decision, subject: "R", detail: "initiate", happened: d("2023-01-01")))
        #expect(Event.actionUpdated(action: "R/R1/A1", on: d("2023-01-05"), note: "n", rag: nil, evidence: nil).voidable?.words == "the update of R/R1/A1 on 5 Jan 2023")
    }

    @Test func givenAnEarlierSignOffWhenItsDateIsPutRightThenOnceOnlyAndNeverBeforeTheActionWasAgreed() throws {
        var (s, signOffs) = try Self.signedOff()
        let fact = try #require(signOffs[0].voidable)
        func redate(_ day: String) -> Command {
            .correction(.redateEvent(seq: 8, stream: signOffs[0].stream, fact: fact, date: d(day), reason: "The minutes say so", on: nil))
        }
        #expect(s.refusal(redate("2022-06-30"), by: "bu")
                == "The learning-lessons sign-off of \(Self.a1) on 10 Jan 2023 cannot have happened on 30 Jun 2022, before the action was agreed (1 Jul 2022).")
        #expect(try s.run(redate("2023-01-10"), by: "bu") == [], "the date it already has: nothing to record")
        let corrected = try s.run(redate("2023-01-12"), by: "bu")
        #expect(corrected == [.eventRedated(seq: 8, stream: "action-\(Self.a1)", fact: fact, date: d("2023-01-12"), on: d("2023-06-30"), reason: "The minutes say so")])
        #expect(s.refusal(redate("2023-01-13"), by: "bu") == "Line 8 was already given its right date on 30 Jun 2023: The minutes say so.")
        #expect(s.refusal(Self.void(signOffs[0], seq: 8), by: "bu")?.hasPrefix("The date of line 8 was corrected on 30 Jun 2023") == true)
    }
}
