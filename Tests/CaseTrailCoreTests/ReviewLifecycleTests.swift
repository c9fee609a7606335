import Testing
@testable import CaseTrailCore

let rr = "MSCP-RR-2022-01"
let lcspr = "MSCP-LCSPR-2023-01"

extension Scenario {
    /// A rapid review for Child Q, aware 20 December 2022.
    static func incident(notified: String? = nil) throws -> Scenario {
        var s = Scenario(staffed)
        try s.run(.review(.recordIncident(ref: rr, child: "Child Q", aware: d("2022-12-20"), incident: d("2022-12-18"),
                                  notified: notified.map(d), summary: "Serious injury")))
        return s
    }

    /// A rapid review completed, decided, and its LCSPR opened on 20 January 2023.
    static func decided() throws -> Scenario {
        var s = try incident(notified: "2022-12-30")
        try s.run(.review(.completeRapidReview(ref: rr, on: d("2023-01-19"), recommendation: .lcspr, rationale: "Learning for all agencies")))
        try s.run(.review(.decideReview(ref: rr, on: d("2023-01-20"), outcome: .initiate, by: "Safeguarding partners", rationale: "Threshold met",
                                creates: lcspr, createsTitle: nil, reconvene: nil)))
        return s
    }
}

@Suite struct RapidReviewTests {
    @Test func anIncidentOpensARapidReviewAwaitingNotification() throws {
        let s = try Scenario.incident()
        #expect(s.state.reviews[rr]?.status == "open")
        #expect(s.state.reviews[rr]?.kind == .rapidReview)
        #expect(s.state.reviews[rr]?.child == "Child Q")
    }

    @Test func aNotificationGivenWithTheIncidentIsItsMilestone() throws {
        var s = Scenario(staffed)
        let events = try s.run(.review(.recordIncident(ref: rr, child: "Child Q", aware: d("2022-12-20"), incident: nil, notified: d("2022-12-22"), summary: nil)))
        #expect(events.last == .milestoneRecorded(ref: rr, what: .notified, on: d("2022-12-22"), note: nil, url: nil))
        #expect(s.state.reviews[rr]?.status == "notified")
    }

    @Test func theLifecycleRunsNotifiedCompletedDecidedClosed() throws {
        var s = try Scenario.incident()
        try s.run(.review(.recordMilestone(ref: rr, what: .notified, on: d("2022-12-30"), note: nil, url: nil)))
        #expect(s.state.reviews[rr]?.status == "notified")
        try s.run(.review(.completeRapidReview(ref: rr, on: d("2023-01-19"), recommendation: .noReview, rationale: "Single-agency learning")))
        #expect(s.state.reviews[rr]?.status == "completed")
        try s.run(.review(.recordPanelResponse(ref: rr, on: d("2023-02-01"), agrees: true, note: nil)))
        try s.run(.review(.decideReview(ref: rr, on: d("2023-02-02"), outcome: .notInitiate, by: "Safeguarding partners", rationale: "No further learning",
                                creates: nil, createsTitle: nil, reconvene: nil)))
        #expect(s.state.reviews[rr]?.status == "decided")
        try s.run(.review(.closeReview(ref: rr, on: d("2023-02-03"))))
        #expect(s.state.reviews[rr]?.status == "closed")
        #expect(s.refusal(.review(.delayReview(ref: rr, reason: "x", expected: nil))) == "\(rr) was closed on 3 Feb 2023; nothing more can be recorded on it.")
    }

    @Test func stepsOutOfSequenceSayWhatMustHappenFirst() throws {
        let s = try Scenario.incident()
        #expect(s.refusal(.review(.recordPanelResponse(ref: rr, on: d("2023-01-05"), agrees: true, note: nil)))
            == "The National Panel responds to a completed rapid review; record 'casetrail review rapid-complete \(rr)' first.")
        #expect(s.refusal(.review(.decideReview(ref: rr, on: d("2023-01-05"), outcome: .initiate, by: "P", rationale: "r", creates: nil, createsTitle: nil, reconvene: nil)))
            == "The LCSPR decision follows the rapid review; record 'casetrail review rapid-complete \(rr)' first.")
        #expect(s.refusal(.review(.closeReview(ref: rr, on: d("2023-01-05"))))?.contains("cannot close before the partners' decision") == true)
        #expect(s.refusal(.review(.recordMilestone(ref: rr, what: .published, on: d("2023-01-05"), note: nil, url: nil))) == nil)
    }

    @Test func aRapidReviewIsCompletedOnceAndNotBeforeItBegan() throws {
        var s = try Scenario.incident()
        #expect(s.refusal(.review(.completeRapidReview(ref: rr, on: d("2022-12-01"), recommendation: .lcspr, rationale: "r")))
            == "The date of that (1 Dec 2022) is before the local authority became aware (20 Dec 2022).")
        #expect(s.refusal(.review(.completeRapidReview(ref: rr, on: d("2023-01-10"), recommendation: .thresholdMet, rationale: "r")))
            == "A rapid review recommends lcspr, no-review or other-review.")
        try s.run(.review(.completeRapidReview(ref: rr, on: d("2023-01-10"), recommendation: .lcspr, rationale: "r")))
        #expect(s.refusal(.review(.completeRapidReview(ref: rr, on: d("2023-01-11"), recommendation: .lcspr, rationale: "r")))
            == "Rapid review \(rr) was already completed on 10 Jan 2023.")
    }

    @Test func aNotificationIsRecordedOnceAndNotBeforeAwareness() throws {
        var s = try Scenario.incident()
        #expect(s.refusal(.review(.recordMilestone(ref: rr, what: .notified, on: d("2022-12-19"), note: nil, url: nil)))?
            .contains("before the local authority became aware") == true)
        try s.run(.review(.recordMilestone(ref: rr, what: .notified, on: d("2022-12-21"), note: nil, url: nil)))
        #expect(s.refusal(.review(.recordMilestone(ref: rr, what: .notified, on: d("2022-12-22"), note: nil, url: nil)))
            == "\(rr) already has 'notified' recorded (21 Dec 2022).")
    }

    @Test func theDecisionCreatesTheLinkedLCSPR() throws {
        let s = try Scenario.decided()
        let created = try #require(s.state.reviews[lcspr])
        #expect(created.kind == .lcspr)
        #expect(created.from == rr)
        #expect(created.initiatedOn == d("2023-01-20"))
        #expect(created.status == "initiated")
        #expect(s.state.reviews[rr]?.linked == [lcspr])
        #expect(s.state.reviews[rr]?.status == "decided")
    }

    @Test func aDecisionStandsOnceMade() throws {
        let s = try Scenario.decided()
        #expect(s.refusal(.review(.decideReview(ref: rr, on: d("2023-01-25"), outcome: .notInitiate, by: "P", rationale: "r", creates: nil, createsTitle: nil, reconvene: nil)))?
            .hasPrefix("\(rr) was already decided on 20 Jan 2023 (initiate).") == true)
    }

    @Test func aDecisionCannotPrecedeTheRapidReview() throws {
        var s = try Scenario.incident()
        try s.run(.review(.completeRapidReview(ref: rr, on: d("2023-01-19"), recommendation: .lcspr, rationale: "r")))
        #expect(s.refusal(.review(.decideReview(ref: rr, on: d("2023-01-18"), outcome: .initiate, by: "P", rationale: "r", creates: nil, createsTitle: nil, reconvene: nil)))?
            .contains("before the rapid review was completed") == true)
    }

    @Test func aRapidReviewReportIsSignedOffOnlyByAllThreePartners() throws {
        var s = try Scenario.decided()
        try s.run(.review(.signOffReview(ref: rr, what: .rapidReview, on: d("2023-01-19"), partner: nil, refusal: nil)), by: "la")
        try s.run(.review(.signOffReview(ref: rr, what: .rapidReview, on: d("2023-01-19"), partner: nil, refusal: nil)), by: "pol")
        #expect(s.state.reviews[rr]?.rapidReviewSignedOff == false)
        try s.run(.review(.signOffReview(ref: rr, what: .rapidReview, on: d("2023-01-20"), partner: nil, refusal: "Health chronology incomplete")), by: "icb")
        #expect(s.state.reviews[rr]?.rapidReviewSignedOff == false)
        try s.run(.review(.signOffReview(ref: rr, what: .rapidReview, on: d("2023-01-23"), partner: nil, refusal: nil)), by: "icb")
        #expect(s.state.reviews[rr]?.partnersSigned == [.localAuthority, .police, .health])
        #expect(s.state.reviews[rr]?.rapidReviewSignedOff == true)
        // Signing again is answered as a second action sign-off is.
        #expect(s.refusal(.review(.signOffReview(ref: rr, what: .rapidReview, on: d("2023-01-24"), partner: nil, refusal: nil)), by: "la")
                == "\(rr) already has the rapid-review sign-off of la, given on 19 Jan 2023.")
    }

    @Test func theBusinessUnitRecordsAPartnersSignatureOnTheirBehalf() throws {
        var s = try Scenario.decided()
        #expect(s.refusal(.review(.signOffReview(ref: rr, what: .rapidReview, on: d("2023-01-19"), partner: nil, refusal: nil)), by: "bu")
            == "A rapid review is signed by each of the three partners; say which with --partner la|police|health.")
        try s.run(.review(.signOffReview(ref: rr, what: .rapidReview, on: d("2023-01-19"), partner: .police, refusal: nil)), by: "bu")
        #expect(s.state.reviews[rr]?.partnersSigned == [.police])
        #expect(s.refusal(.review(.signOffReview(ref: rr, what: .rapidReview, on: d("2023-01-19"), partner: .health, refusal: nil)), by: "la")
            == "'la' signs for la, not health.")
        #expect(s.refusal(.review(.signOffReview(ref: rr, what: .rapidReview, on: d("2023-01-19"), partner: nil, refusal: nil)), by: "ll")?
            .contains("may not do this") == true)
    }

    @Test func referencesAreUniqueAndWellFormed() throws {
        let s = try Scenario.incident()
        #expect(s.refusal(.review(.openReview(ref: rr, kind: .llr, title: "x", from: nil, on: nil)))
            == "The reference \(rr) is already used by rapid review 'Rapid review: Child Q'. Choose another.")
        #expect(s.refusal(.review(.openReview(ref: "MSCP/LLR", kind: .llr, title: "x", from: nil, on: nil)))?.contains("is not valid") == true)
        #expect(s.refusal(.review(.completeRapidReview(ref: "NOPE", on: d("2023-01-01"), recommendation: .lcspr, rationale: "r")))
            == "No review 'NOPE'. See 'casetrail reviews' for the references.")
        #expect(s.refusal(.review(.openReview(ref: "X-1", kind: .rapidReview, title: "x", from: nil, on: nil)))?.contains("incident notify") == true)
    }

    @Test func factsFromTheFutureAreRefused() throws {
        let s = Scenario(staffed)
        #expect(s.refusal(.review(.recordIncident(ref: rr, child: "Child Q", aware: d("2024-01-05"), incident: nil, notified: nil, summary: nil)))
            == "The awareness date 5 Jan 2024 is in the future (today is 31 Dec 2023); record facts once they have happened.")
    }
}

@Suite struct StatutoryReviewTests {
    @Test func anLCSPRRunsToPublicationThenCloses() throws {
        var s = try Scenario.decided()
        try s.run(.review(.recordMilestone(ref: lcspr, what: .commissioned, on: d("2023-02-10"), note: "Independent reviewer", url: nil)))
        #expect(s.state.reviews[lcspr]?.status == "in-progress")
        #expect(s.refusal(.review(.recordMilestone(ref: lcspr, what: .sentToPanel, on: d("2023-06-01"), note: nil, url: nil)))?
            .contains("must be received before it is sent to the Panel") == true)
        #expect(s.refusal(.review(.recordMilestone(ref: lcspr, what: .published, on: d("2023-06-01"), note: nil, url: nil)))?
            .contains("once its report is received") == true)
        try s.run(.review(.recordMilestone(ref: lcspr, what: .reportReceived, on: d("2023-06-30"), note: nil, url: nil)))
        #expect(s.state.reviews[lcspr]?.status == "report-received")
        try s.run(.review(.signOffReview(ref: lcspr, what: .finalReport, on: d("2023-07-03"), partner: nil, refusal: nil)), by: "ex")
        try s.run(.review(.recordMilestone(ref: lcspr, what: .sentToPanel, on: d("2023-07-10"), note: nil, url: nil)))
        #expect(s.refusal(.review(.closeReview(ref: lcspr, on: d("2023-07-11")))) == "\(lcspr) cannot close until it is published or publication is withheld.")
        try s.run(.review(.recordMilestone(ref: lcspr, what: .published, on: d("2023-07-18"), note: nil, url: "https://example.org/report")))
        #expect(s.state.reviews[lcspr]?.status == "published")
        try s.run(.review(.closeReview(ref: lcspr, on: d("2023-09-01"))))
        #expect(s.state.reviews[lcspr]?.status == "closed")
    }

    @Test func publicationCanBeWithheldWithReasonsButNotAfterPublishing() throws {
        var s = try Scenario.decided()
        #expect(s.refusal(.review(.withholdPublication(ref: lcspr, on: d("2023-05-01"), reason: "Criminal trial"))) == nil)
        try s.run(.review(.recordMilestone(ref: lcspr, what: .reportReceived, on: d("2023-06-30"), note: nil, url: nil)))
        try s.run(.review(.withholdPublication(ref: lcspr, on: d("2023-07-01"), reason: "Criminal proceedings")))
        #expect(s.state.reviews[lcspr]?.status == "withheld")
        #expect(s.refusal(.review(.recordMilestone(ref: lcspr, what: .published, on: d("2023-07-18"), note: nil, url: nil))) == "Publication of \(lcspr) was withheld on 1 Jul 2023.")
        #expect(s.refusal(.review(.closeReview(ref: lcspr, on: d("2023-07-18")))) == nil)
    }

    @Test func anLCSPROpenedByItselfNeedsItsDecisionBeforeWork() throws {
        var s = Scenario(staffed)
        try s.run(.review(.openReview(ref: "MSCP-LCSPR-2023-02", kind: .lcspr, title: "Child R", from: nil, on: d("2023-03-01"))))
        #expect(s.state.reviews["MSCP-LCSPR-2023-02"]?.status == "open")
        #expect(s.refusal(.review(.recordMilestone(ref: "MSCP-LCSPR-2023-02", what: .commissioned, on: d("2023-03-02"), note: nil, url: nil)))
            == "MSCP-LCSPR-2023-02 has no decision to initiate yet; record 'casetrail review decide MSCP-LCSPR-2023-02 --outcome initiate' before you record 'commissioned'.")
        try s.run(.review(.decideReview(ref: "MSCP-LCSPR-2023-02", on: d("2023-03-03"), outcome: .initiate, by: "Safeguarding partners",
                                rationale: "r", creates: nil, createsTitle: nil, reconvene: nil)), by: "ex")
        #expect(s.state.reviews["MSCP-LCSPR-2023-02"]?.initiatedOn == d("2023-03-03"))
    }

    @Test func aDeferredSCRDecisionWaitsForItsReconveneDateThenResumes() throws {
        var s = Scenario(staffed)
        let scr = "MSCB-SCR-2010-02"
        try s.run(.review(.openReview(ref: scr, kind: .scr, title: "Referral B", from: nil, on: d("2010-06-01"))))
        try s.run(.review(.screenReview(ref: scr, on: d("2010-06-10"), recommendation: .defer, note: "Too early to rule out")))
        #expect(s.refusal(.review(.decideReview(ref: scr, on: d("2010-06-11"), outcome: .defer, by: "Independent Chair", rationale: "Too early",
                                        creates: nil, createsTitle: nil, reconvene: nil)))
            == "A deferred decision needs the date the panel reconvenes: add --reconvene YYYY-MM-DD.")
        try s.run(.review(.decideReview(ref: scr, on: d("2010-06-11"), outcome: .defer, by: "Independent Chair", rationale: "Too early to rule out",
                                creates: nil, createsTitle: nil, reconvene: d("2010-07-15"))))
        #expect(s.state.reviews[scr]?.status == "deferred")
        #expect(s.state.reviews[scr]?.decisions.last?.reconvene == d("2010-07-15"))
        #expect(s.refusal(.review(.recordMilestone(ref: scr, what: .commissioned, on: d("2010-06-20"), note: nil, url: nil)))?
            .contains("was deferred until 15 Jul 2010") == true)
        try s.run(.review(.screenReview(ref: scr, on: d("2010-07-15"), recommendation: .thresholdMet, note: nil)))
        try s.run(.review(.decideReview(ref: scr, on: d("2010-07-16"), outcome: .initiate, by: "Independent Chair", rationale: "Threshold met",
                                creates: nil, createsTitle: nil, reconvene: nil)))
        #expect(s.state.reviews[scr]?.status == "initiated")
        #expect(s.state.reviews[scr]?.initiatedOn == d("2010-07-16"))
        #expect(s.refusal(.review(.screenReview(ref: scr, on: d("2010-07-17"), recommendation: .thresholdMet, note: nil)))?.contains("screening comes before the decision") == true)
    }

    @Test func anSCRIsSubmittedToOfstedThenGradedOnce() throws {
        var s = Scenario(staffed)
        let scr = "MSCB-SCR-2009-01"
        try s.run(.review(.openReview(ref: scr, kind: .scr, title: "SCR 2009", from: nil, on: d("2009-02-01"))))
        try s.run(.review(.decideReview(ref: scr, on: d("2009-02-10"), outcome: .initiate, by: "Independent Chair", rationale: "Criteria met",
                                creates: nil, createsTitle: nil, reconvene: nil)))
        #expect(s.refusal(.review(.gradeReview(ref: scr, on: d("2009-10-01"), by: "Ofsted", grade: "good")))?.contains("submitted-to-ofsted") == true)
        try s.run(.review(.recordMilestone(ref: scr, what: .submittedToOfsted, on: d("2009-08-01"), note: nil, url: nil)))
        try s.run(.review(.gradeReview(ref: scr, on: d("2009-10-01"), by: "Ofsted", grade: "good")))
        #expect(s.state.reviews[scr]?.grade?.grade == "good")
        #expect(s.refusal(.review(.gradeReview(ref: scr, on: d("2009-10-02"), by: "Ofsted", grade: "outstanding")))?.contains("already graded 'good'") == true)
        #expect(s.refusal(.review(.gradeReview(ref: lcspr, on: d("2023-10-02"), by: "Ofsted", grade: "good"))) != nil)
    }

    @Test func aDelayKeepsItsReasonAndExpectedDate() throws {
        var s = Scenario(staffed)
        try s.run(.review(.openReview(ref: "MSCB-SCR-2011-01", kind: .scr, title: "Second SCR", from: nil, on: d("2010-11-01"))))
        try s.run(.review(.delayReview(ref: "MSCB-SCR-2011-01", reason: "Criminal proceedings beyond the board's control", expected: d("2024-06-30"))))
        #expect(s.state.reviews["MSCB-SCR-2011-01"]?.delays.first?.reason == "Criminal proceedings beyond the board's control")
        #expect(s.refusal(.review(.delayReview(ref: "MSCB-SCR-2011-01", reason: "x", expected: d("2023-01-01"))))
                == "The expected date 1 Jan 2023 is before the delay (31 Dec 2023); give the date it is now expected, from then on.")
        let known = try s.run(.review(.delayReview(ref: "MSCB-SCR-2011-01", reason: "Inquest adjourned", expected: d("2023-01-01"), on: d("2022-06-01"))))
        #expect(known == [.reviewDelayed(ref: "MSCB-SCR-2011-01", on: d("2022-06-01"), reason: "Inquest adjourned", expected: d("2023-01-01"))], "a delay known earlier, entered now")
    }

    @Test func decisionsAreOnlyForReviewsThatHaveThem() throws {
        var s = Scenario(staffed)
        try s.run(.review(.openReview(ref: "MSCP-AUD-2022-01", kind: .audit, title: "Neglect audit", from: nil, on: d("2022-09-01"))))
        #expect(s.refusal(.review(.decideReview(ref: "MSCP-AUD-2022-01", on: d("2022-09-02"), outcome: .initiate, by: "x", rationale: "y",
                                        creates: nil, createsTitle: nil, reconvene: nil)))
            == "MSCP-AUD-2022-01 is a multi-agency audit; you can only record a decision on a rapid review or LCSPR or serious case review.")
    }

    @Test(arguments: [ReviewKind.llr, .audit, .section11, .inspection, .peerReview, .external, .national])
    func otherReviewsGoFromOpenThroughProgressToClosed(_ kind: ReviewKind) throws {
        var s = Scenario(staffed)
        try s.run(.review(.openReview(ref: "X-1", kind: kind, title: "A \(kind.title)", from: nil, on: d("2022-09-01"))))
        #expect(s.state.reviews["X-1"]?.status == "open")
        try s.run(.review(.recordMilestone(ref: "X-1", what: .commissioned, on: d("2022-09-02"), note: nil, url: nil)))
        #expect(s.state.reviews["X-1"]?.status == "in-progress")
        try s.run(.review(.recordMilestone(ref: "X-1", what: .reportReceived, on: d("2022-10-02"), note: nil, url: nil)))
        #expect(s.state.reviews["X-1"]?.status == "report-received")
        #expect(s.refusal(.review(.recordMilestone(ref: "X-1", what: .submittedToOfsted, on: d("2022-10-03"), note: nil, url: nil))) != nil)
        #expect(s.refusal(.review(.recordMilestone(ref: "X-1", what: .notified, on: d("2022-10-03"), note: nil, url: nil))) != nil)
        try s.run(.review(.recordMilestone(ref: "X-1", what: .briefingPublished, on: d("2022-11-01"), note: nil, url: nil)))
        try s.run(.review(.closeReview(ref: "X-1", on: d("2022-12-01"))))
        #expect(s.state.reviews["X-1"]?.status == "closed")
    }
}

@Suite struct PrivacyTests {
    @Test(arguments: ["Child born 12/03/2015", "DOB 2015-03-12", "born 12 March 2015", "NHS 943 476 5919", "9434765919",
                      "Lives at ME4 4TR", "me44tr", "SW1A 1AA"])
    func identifyingDetailsAreRefused(_ text: String) {
        var s = Scenario(staffed)
        let message = s.refusal(.review(.recordIncident(ref: rr, child: text, aware: d("2022-12-20"), incident: nil, notified: nil, summary: nil)))
        #expect(message?.contains("The log records pseudonyms only") == true, "\(text)")
        #expect((try? s.run(.review(.recordIncident(ref: rr, child: "Child Q", aware: d("2022-12-20"), incident: nil, notified: nil, summary: text)))) == nil)
    }

    @Test(arguments: ["Child Q", "Jack", "Callum", "Child F", "Andy", "Baby M (2021)", "Sibling 2"])
    func pseudonymsAreAccepted(_ text: String) {
        #expect(Scenario(staffed).refusal(.review(.recordIncident(ref: rr, child: text, aware: d("2022-12-20"), incident: nil, notified: nil, summary: nil))) == nil)
    }
}

/// Personal details kept out of every field a person types, not only the incident's.
@Suite struct PersonalDataEverywhereTests {
    @Test(arguments: [
        ("Spoke to mum, born 12/03/1990, about the plan", "a date of birth", "born 12/03/1990"),
        ("DOB March 12th 2015 confirmed", "a date of birth", "DOB March 12th 2015"),
        ("Child's NHS number 943 476 5919 checked", "an NHS number", "943 476 5919"),
        ("NHS ٩٤٣٤٧٦٥٩١٩ on file", "an NHS number", "٩٤٣٤٧٦٥٩١٩"),
        ("Call the family on 07700 900123", "a phone number", "07700 900123"),
        ("or +44 7700 900123", "a phone number", "+44 7700 900123"),
        ("Emailed jane.smith@example.org", "an email address", "jane.smith@example.org"),
        ("NI QQ 12 34 56 C recorded", "a National Insurance number", "QQ123456C"),
        ("Visited the home at ME4 4TR", "a postcode", "ME4 4TR"),
    ])
    func personalDetailsInANoteAreRefusedNamingTheWords(_ note: String, _ kind: String, _ words: String) throws {
        let s = try Scenario.plan()
        #expect(s.refusal(.action(.updateAction(action: a1, note: note, rag: nil, evidence: nil)))
                == "The note contains \(kind) ('\(words)'). The log keeps no one's personal details: write the fact without them (\"Child Q's GP\", not a name, date of birth, NHS number, address or contact details).")
    }

    @Test(arguments: ["Training held on 12 March 2023", "Launch event held 13 November 2015", "Audit of 10 cases, 4 requires improvement",
                      "Dataset redesign due June 2016 (001:312)", "Responses rose from 5% to 10%", "Reference 1234567890 in the minutes"])
    func everydayDatesAndNumbersInANoteAreAccepted(_ note: String) throws {
        let s = try Scenario.plan()
        #expect(s.refusal(.action(.updateAction(action: a1, note: note, rag: nil, evidence: nil))) == nil, "\(note)")
    }

    @Test func everyFreeTextFieldIsGuardedAndAFullNameIsNotAPseudonym() throws {
        let s = try Scenario.plan()
        #expect(s.refusal(.action(.addRecommendation(ref: lcspr, rec: "R2", text: "Contact the GP on 01634 331234", on: nil)))?.hasPrefix("The recommendation text contains a phone number") == true)
        #expect(s.refusal(.action(.withdrawAction(action: a1, reason: "Family moved to SW1A 1AA")))?.hasPrefix("The reason contains a postcode") == true)
        #expect(s.refusal(.review(.openReview(ref: "MSCP-LLR-2023-09", kind: .llr, title: "Review for jane@example.org", from: nil, on: nil)))?.hasPrefix("The title contains an email address") == true)
        #expect(s.refusal(.review(.recordIncident(ref: "MSCP-RR-2023-09", child: "Jane Smith", aware: d("2023-12-01"), incident: nil, notified: nil, summary: nil)))
                == "'Jane Smith' looks like a full name. The log names a child by pseudonym only: \"Child Q\", a single given name, or a letter.")
        let before = s.state
        // History written before the guard is not refused when decided again: it is redacted, not rejected.
        let old: [Event] = [.actionUpdated(action: a1, on: d("2023-12-31"), note: "Call 07700 900123", rag: nil, evidence: nil)]
        #expect(Partnership.recheck(old, actor: "ann", recordedOn: d("2023-12-31"), in: before) == nil)
    }
}
