import Testing
@testable import CaseTrailCore

/// Given past events, when a command, then new events or a refusal.
func given(_ events: [Event]) -> State { events.reduce(Partnership.initialState, Partnership.evolve) }

func when(_ state: State, _ command: Command, by actor: String = "ann") throws(DomainError) -> [Event] {
    try Partnership.decide(Request(actor: actor, today: LocalDate("2023-04-03")!, command: command), state)
}

func refusal(_ state: State, _ command: Command, by actor: String = "ann") -> String? {
    do { _ = try when(state, command, by: actor); return nil } catch { return error.message }
}

let founded: [Event] = [
    .partnershipInitialised(name: "Medway Safeguarding Children Partnership", code: "MSCP"),
    .memberAdded(user: "ann", name: "Ann Admin", agency: "MSCP", roles: [.admin], partner: nil),
]

@Suite struct PartnershipDeciderTests {
    @Test func initialisingMakesTheActorTheFirstAdmin() throws {
        let events = try when(State(), .initialise(name: "Medway SCP", code: "MSCP", adminName: nil), by: "ann")
        #expect(events == [.partnershipInitialised(name: "Medway SCP", code: "MSCP"),
                           .memberAdded(user: "ann", name: "ann", agency: "MSCP", roles: [.admin], partner: nil)])
    }

    @Test func aLogHoldsOnePartnership() {
        #expect(refusal(given(founded), .initialise(name: "Kent", code: "KSCB", adminName: nil))?.contains("already belongs to") == true)
    }

    @Test func aPartnershipCodeMustBeACode() {
        #expect(refusal(State(), .initialise(name: "Medway", code: "MS CP", adminName: nil))?.contains("not valid") == true)
    }

    @Test func nothingCanBeRecordedBeforeInit() {
        #expect(refusal(State(), .setup(.addAgency(code: "KP", name: "Kent Police", aliases: [])))?.contains("casetrail init") == true)
    }

    @Test func anAdminAddsAnAgency() throws {
        let events = try when(given(founded), .setup(.addAgency(code: "KP", name: "Kent Police", aliases: ["Kent Constabulary"])))
        #expect(events == [.agencyAdded(code: "KP", name: "Kent Police", aliases: ["Kent Constabulary"])])
    }

    @Test func anUnknownActorMayNotWrite() {
        let message = refusal(given(founded), .setup(.addAgency(code: "KP", name: "Kent Police", aliases: [])), by: "mallory")
        #expect(message == "'mallory' is not on MSCP's roster, so cannot record anything. Ask an admin to run 'casetrail member add mallory …', or pass --actor with your roster name.")
    }

    @Test func anAuditorOnlyReads() {
        let state = given(founded + [.memberAdded(user: "ida", name: "Inspector", agency: "Ofsted", roles: [.auditor], partner: nil)])
        let message = refusal(state, .setup(.addAgency(code: "KP", name: "Kent Police", aliases: [])), by: "ida")
        #expect(message == "'ida' (auditor) may not do this; it needs a member with role admin or business-unit.")
    }

    @Test func theBusinessUnitAddsAgenciesButNotMembers() throws {
        let state = given(founded + [.memberAdded(user: "bu", name: "Business Manager", agency: "MSCP", roles: [.businessUnit], partner: nil)])
        #expect(try when(state, .setup(.addAgency(code: "KP", name: "Kent Police", aliases: [])), by: "bu").count == 1)
        #expect(refusal(state, .setup(.addMember(user: "x", name: "X", agency: "KP", roles: [.auditor], partner: nil)), by: "bu") != nil)
    }

    @Test func anAgencyCodeOrNameCannotBeTakenTwice() {
        let state = given(founded + [.agencyAdded(code: "KM-ICB", name: "NHS Kent and Medway", aliases: ["NHS Medway"])])
        #expect(refusal(state, .setup(.addAgency(code: "KM-ICB", name: "Other", aliases: [])))?.contains("already exists") == true)
        #expect(refusal(state, .setup(.addAgency(code: "MEDWAY-NHS", name: "nhs  medway", aliases: []))) == "The name 'nhs  medway' already belongs to agency KM-ICB.")
    }

    @Test func anAliasFindsItsAgencyIgnoringCaseAndSpacing() throws {
        let state = given(founded + [.agencyAdded(code: "KM-ICB", name: "NHS Kent and Medway", aliases: []),
                                     .agencyAliasAdded(code: "KM-ICB", alias: "NHS Medway")])
        #expect(state.agency(named: "nhs   MEDWAY")?.code == "KM-ICB")
        #expect(state.agency(named: "km-icb")?.code == "KM-ICB")
        #expect(try when(state, .setup(.addAgencyAlias(agency: "KM-ICB", alias: "NHS Medway"))) == [])
        #expect(refusal(state, .setup(.addAgencyAlias(agency: "Nobody", alias: "X")))?.contains("No agency 'Nobody'") == true)
    }

    @Test func aPartnerMustSayWhichPartnerTheyAre() {
        #expect(refusal(given(founded), .setup(.addMember(user: "pc", name: "DCI", agency: "KP", roles: [.partner], partner: nil)))?
            .contains("--partner la|police|health") == true)
        #expect(refusal(given(founded), .setup(.addMember(user: "pc", name: "DCI", agency: "KP", roles: [.executive], partner: .police))) != nil)
    }

    @Test func theLastAdminCannotBeRetired() throws {
        #expect(refusal(given(founded), .setup(.retireMember(user: "ann", reason: nil)))?.contains("last admin") == true)
        let two = given(founded + [.memberAdded(user: "bo", name: "Bo", agency: "MSCP", roles: [.admin], partner: nil)])
        #expect(try when(two, .setup(.retireMember(user: "ann", reason: "left"))) == [.memberRetired(user: "ann", reason: "left")])
    }

    @Test func aRetiredMemberCanNoLongerWrite() {
        let state = given(founded + [.memberAdded(user: "bo", name: "Bo", agency: "MSCP", roles: [.admin], partner: nil),
                                     .memberRetired(user: "bo", reason: nil)])
        #expect(refusal(state, .setup(.addAgency(code: "KP", name: "Kent Police", aliases: [])), by: "bo")?.hasPrefix("'bo' (Bo) was retired from MSCP's roster, so can no longer record.") == true)
    }

    @Test func evolveAcceptsFactsItWouldNotHaveDecided() {
        // A duplicate or dangling fact already in the log must still replay.
        let state = given(founded + [.agencyAliasAdded(code: "NOPE", alias: "Ghost"), .memberRetired(user: "nobody", reason: nil),
                                     .partnershipInitialised(name: "Other", code: "OTHER")])
        #expect(state.partnership?.code == "MSCP")
    }
}

/// Identifiers that look alike to a reader but not to the program (or the other way round) are refused.
@Suite struct LookalikeIdentifierTests {
    @Test func userNamesTakeASafeAlphabetAndMustDifferByMoreThanCase() throws {
        var s = Scenario(staffed)
        for name in ["jsmith\u{200B}", "jsm\u{0456}th", "j smith", "jsmith/x", "-jsmith", "", String(repeating: "a", count: 65)] {
            let refusal = s.refusal(.setup(.addMember(user: name, name: "J Smith", agency: "MSCP", roles: [.auditor], partner: nil)))
            #expect(refusal?.hasPrefix("The user name '\(name)' is not valid: use letters, digits, dots, hyphens and underscores") == true, "\(name)")
        }
        #expect(s.refusal(.setup(.addMember(user: "BU", name: "X", agency: "MSCP", roles: [.auditor], partner: nil)))
                == "'BU' differs only in case from 'bu', already on the roster; user names must differ by more than that.")
        try s.run(.setup(.addMember(user: "j.smith_2-a", name: "J Smith", agency: "MSCP", roles: [.auditor], partner: nil)))
    }

    @Test func agencyCodesMayNotMatchAnotherAgencyIgnoringCase() {
        let s = Scenario(staffed)
        #expect(s.refusal(.setup(.addAgency(code: "kp", name: "Kent Police again", aliases: [])))
                == "The code kp is already agency KP's, ignoring case. Use 'casetrail agency alias KP NAME' to give it another name.")
        #expect(s.refusal(.setup(.addAgency(code: "\u{041A}P", name: "Cyrillic Ka", aliases: [])))?.hasPrefix("The agency code") == true)
    }

    @Test func referencesAreCapitalsSoTheyCannotDifferByCaseAlone() throws {
        var s = Scenario(staffed)
        try s.run(.review(.openReview(ref: "MSCP-LLR-2023-01", kind: .llr, title: "Learning", from: nil, on: nil)))
        for ref in ["mscp-llr-2023-01", "Mscp-LLR-2023-01", "MSCP-LLR-2023-01\u{200B}", "MSCP-\u{0410}UDIT-1"] {
            #expect(s.refusal(.review(.openReview(ref: ref, kind: .llr, title: "Learning", from: nil, on: nil)))?
                .hasPrefix("The reference '\(ref)' is not valid: use capital letters") == true, "\(ref)")
        }
    }

    @Test func aNumberEqualToOneAlreadyThereIsRefused() throws {
        var s = Scenario(staffed)
        try s.run(.review(.openReview(ref: "MSCP-LLR-2023-01", kind: .llr, title: "Learning", from: nil, on: nil)))
        try s.run(.action(.addRecommendation(ref: "MSCP-LLR-2023-01", rec: "R9", text: "Share", on: nil)))
        #expect(s.refusal(.action(.addRecommendation(ref: "MSCP-LLR-2023-01", rec: "R09", text: "Share again", on: nil)))
                == "MSCP-LLR-2023-01 already has R9, which is the same number as R09; use R9 or another number.")
        try s.run(.action(.addAction(recommendation: "MSCP-LLR-2023-01/R9", code: "A1", text: "Train", owner: "KP", lead: "L",
                                     due: d("2024-01-01"), dueText: nil, success: nil, on: nil)))
        #expect(s.refusal(.action(.addAction(recommendation: "MSCP-LLR-2023-01/R9", code: "A01", text: "Train", owner: "KP", lead: "L",
                                             due: d("2024-01-01"), dueText: nil, success: nil, on: nil)))
                == "MSCP-LLR-2023-01/R9 already has A1, which is the same number as A01; use A1 or another number.")
        try s.run(.action(.addRecommendation(ref: "MSCP-LLR-2023-01", rec: "R10", text: "Other", on: nil)))
    }
}

/// Who is at the keyboard: a member bound to an operating-system login is recorded only from it, and
/// a login that is a member records as someone else only if that member records for others.
@Suite struct LoginIdentityTests {
    let note = Command.action(.addRecommendation(ref: "MSCP-LLR-2023-01", rec: "R1", text: "Share", on: nil))

    func scenario() throws -> Scenario {
        var s = Scenario(staffed)
        try s.run(.review(.openReview(ref: "MSCP-LLR-2023-01", kind: .llr, title: "Learning", from: nil, on: nil)))
        return s
    }

    @Test func addingAMemberWithALoginBindsThemInTheSameCommand() throws {
        var s = try scenario()
        let events = try s.run(.setup(.addMember(user: "asmith", name: "A Smith", agency: "MSCP", roles: [.businessUnit], partner: nil, login: "alice")))
        #expect(events == [.memberAdded(user: "asmith", name: "A Smith", agency: "MSCP", roles: [.businessUnit], partner: nil),
                           .memberLoginBound(user: "asmith", login: "alice")])
        #expect(s.state.members["asmith"]?.login == "alice")
        #expect(s.refusal(.setup(.addMember(user: "bsmith", name: "B", agency: "MSCP", roles: [.auditor], partner: nil, login: "alice")))
                == "The login 'alice' is already bound to 'asmith'; one account records as one member.")
        #expect(s.refusal(.setup(.addMember(user: "csmith", name: "C", agency: "MSCP", roles: [.auditor], partner: nil, login: "al ice")))?
            .hasPrefix("The login 'al ice' is not valid") == true)
    }

    @Test func aBoundMemberIsRecordedOnlyFromTheirLogin() throws {
        var s = try scenario()
        try s.run(.setup(.bindLogin(user: "bu", login: "bmanager")))
        #expect(s.refusal(note, by: "bu", login: "mallory")
                == "'bu' records only from the login 'bmanager', and this is 'mallory'. Record under your own roster name.")
        try s.run(note, by: "bu", login: "bmanager")
        #expect(s.refusal(.setup(.bindLogin(user: "bu", login: "other")))
                == "'bu' is already bound to the login 'bmanager'. Retire and add them again to record from another account.")
        #expect(try s.run(.setup(.bindLogin(user: "bu", login: "bmanager"))).isEmpty, "already so")
    }

    @Test func aLoginThatIsAMemberRecordsForOthersOnlyIfThatMemberMay() throws {
        let s = try scenario()
        // The auditor's own account cannot record as the business manager...
        #expect(s.refusal(note, by: "bu", login: "aud")
                == "The login 'aud' is aud on the roster, who may not record as 'bu'; record under your own name, or ask the business unit to record it for them.")
        // ...while the business manager may record for a group's member, and the line says both.
        #expect(s.refusal(.action(.addRecommendation(ref: "MSCP-LLR-2023-01", rec: "R2", text: "x", on: nil)), by: "ann", login: "bu") == nil)
        // An account that is no member, on an unbound member's name: a file log cannot tell (README).
        #expect(s.refusal(note, by: "bu", login: "root") == nil)
        #expect(s.refusal(note, by: "bu", login: nil) == nil, "a line written before logins were recorded")
    }

    @Test func historyRecordedFromTheWrongAccountDoesNotVerify() throws {
        var s = try scenario()
        try s.run(.setup(.bindLogin(user: "bu", login: "bmanager")))
        let forged: [Event] = [.recommendationAdded(ref: "MSCP-LLR-2023-01", rec: "R1", text: "Share", on: s.today)]
        #expect(Partnership.recheck(forged, actor: "bu", login: "mallory", recordedOn: s.today, in: s.state)?.contains("records only from the login 'bmanager'") == true)
        #expect(Partnership.recheck(forged, actor: "bu", login: "bmanager", recordedOn: s.today, in: s.state) == nil)
    }
}
