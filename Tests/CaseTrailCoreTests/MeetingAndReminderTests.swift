import Testing
@testable import CaseTrailCore

/// The read models a meeting and an agency lead get: given a plan, when time passes, then what each is asked.
@Suite struct MeetingAndReminderTests {
    @Test func givenAnActionSentBackAtSignOffWhenRemindersAreDrawnThenItsAgencyIsAskedForWhatWasMissingFirst() throws {
        var s = try Scenario.plan()
        try s.run(.setup(.setEmail(user: "hl", email: "health.lead@nhs.net")))
        try s.implement(a1, on: "2023-10-20")
        try s.run(.action(.signOffAction(action: a1, stage: .learningLessons, refusal: "No attendance figures")), by: "ll", on: "2023-10-25")
        let reminders = Reminder.all(s.state, today: d("2023-11-05"), within: 30)
        #expect(reminders.map(\.agency.code) == ["KM-ICB", "MEDWAY-CSC"])
        let nhs = reminders[0]
        #expect(nhs.items.map(\.ask) == [.sentBack])
        #expect(nhs.items[0].sendBack.hasPrefix("The learning-lessons sign-off was refused on 25 Oct 2023: No attendance figures."))
        #expect(nhs.items[0].reference == "MSCP-REM-20231105-KM-ICB-01")
        #expect(nhs.leads.map(\.email) == ["health.lead@nhs.net"])
        // A2, due 30 Sep and not done, is overdue for children's social care, which has no lead to send it to.
        #expect(reminders[1].items.map(\.ask) == [.overdue] && reminders[1].leads.isEmpty)
        #expect(Reminder.all(s.state, today: d("2023-11-05"), within: 30, agency: "KM-ICB").count == 1)
    }

    @Test func givenAMeetingWhenItsPaperIsDrawnThenItAsksOnlyForItsOwnStageAndListsTheChangesSinceTheLast() throws {
        var s = try Scenario.plan()
        try s.implement(a1, on: "2023-10-20")
        let lines: [(change: MeetingPaper.Change, event: Event)] = [
            (MeetingPaper.Change(seq: 40, on: d("2023-10-20"), summary: "implemented"), .actionImplemented(action: a1, on: d("2023-10-20"), evidence: "Training register")),
            (MeetingPaper.Change(seq: 41, on: nil, summary: "policy"), .policySet(name: "board-stage", value: "no")),
        ]
        let changes = lines.compactMap { line in MeetingPaper.ChangeKind.of(line.event).map { (change: line.change, kind: $0) } }
        let ll = MeetingPaper(s.state, body: .learningLessons, today: d("2023-11-01"), within: 60, missedFrom: d("2023-01-01"), changes: changes)
        #expect(ll.awaiting.map(\.action.id) == [a1])
        #expect(ll.changes.map(\.kind) == [.implemented], "a policy is not a change the meeting is asked about")
        #expect(ll.overdue.map(\.action.id) == [a2])
        #expect(ll.noImpact.map(\.action.id) == [a1])
        let exec = MeetingPaper(s.state, body: .executive, today: d("2023-11-01"), within: 60, missedFrom: d("2023-01-01"), changes: [])
        #expect(exec.awaiting.isEmpty, "the learning-lessons stage comes first")
        #expect(!MeetingPaper(s.state, body: .board, today: d("2023-11-01"), within: 60, missedFrom: d("2023-01-01"), changes: []).signsOff)
    }

    @Test func aFactHeldOnADateOnceItsOwnDateHasComeAndWhatKeepsTheRecordAlways() {
        let update = Event.actionUpdated(action: a1, on: d("2023-05-02"), note: "n", rag: .green, evidence: nil)
        #expect(!update.held(on: d("2023-05-01")) && update.held(on: d("2023-05-02")))
        #expect(Event.actionCorrected(action: a1, on: d("2023-06-01"), field: "lead", value: "x", reason: "typo", from: nil).held(on: d("2023-01-01")))
        #expect(Event.eventVoided(seq: 9, stream: "action-\(a1)", fact: VoidableFact(kind: .update, subject: a1, happened: d("2023-05-02")), on: d("2023-06-01"), reason: "wrong").held(on: d("2023-01-01")))
        #expect(Event.memberEmailSet(user: "hl", email: "a@b.org").held(on: d("2000-01-01")))
    }
}
