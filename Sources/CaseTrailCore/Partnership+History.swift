extension Partnership {
    /// Whether the facts one command recorded could have been decided, on the state just before
    /// them, for the actor who recorded them: the command that records such facts is decided again
    /// with the same rules (roster, roles, lifecycle, sign-off order) and must give exactly these
    /// facts. nil when it does; otherwise why not. A separate check over history: `evolve` applies
    /// every fact regardless.
    ///
    /// "Today" cannot be known again (the recorder may have fixed it with `--today`), so the check
    /// takes the fact's own date where the command stamps facts with today, and otherwise the later
    /// of the day it was recorded and the latest date it carries: dates "in the future" are not
    /// re-judged here, everything else is.
    public static func recheck(_ events: [Event], actor: String, login: String? = nil, recordedOn: LocalDate, in state: State) -> String? {
        if events.count > 1, command(recording: events) == nil, events.allSatisfy(isImported) {
            // An import: each fact is what its own command records, decided on the state the ones before it leave.
            var s = state
            for e in events {
                if let problem = recheck([e], actor: actor, login: login, recordedOn: recordedOn, in: s) { return problem }
                apply(e, to: &s)
            }
            return nil
        }
        guard let command = command(recording: events) else {
            return "no command records these facts together"
        }
        let today = events.compactMap(\.stampedToday).max()
            ?? max(recordedOn, events.compactMap(\.businessDate).max() ?? recordedOn)
        do {
            var request = Request(actor: actor, login: login, today: today, command: command, again: true)
            request.replaying = true
            var decided = try decide(request, state)
            if decided == events { return nil }
            // Lines written before casetrail kept a correction's value before (action_corrected schema 1),
            // or a sign-off's signer, lack them.
            if decided.count == events.count {
                for i in decided.indices {
                    if case let .actionCorrected(a, on, field, value, reason, .some) = decided[i], case .actionCorrected(_, _, _, _, _, nil) = events[i] {
                        decided[i] = .actionCorrected(action: a, on: on, field: field, value: value, reason: reason, from: nil)
                    }
                    if case let .actionSignedOff(a, on, stage, complete, by?) = decided[i], by.onBehalfOf == nil, by.meeting == nil,
                       case .actionSignedOff(_, _, _, _, nil) = events[i] {
                        decided[i] = .actionSignedOff(action: a, on: on, stage: stage, complete: complete)
                    }
                    if case let .actionSignOffRefused(a, on, stage, reason, by?) = decided[i], by.onBehalfOf == nil, by.meeting == nil,
                       case .actionSignOffRefused(_, _, _, _, nil) = events[i] {
                        decided[i] = .actionSignOffRefused(action: a, on: on, stage: stage, reason: reason)
                    }
                }
            }
            if decided == events { return nil }
            return decided.isEmpty ? "there was nothing to record: it was already so" : "it is not what that command records"
        } catch {
            return error.message
        }
    }

    /// The command that records `events` (one command's facts, in order), or nil if none does.
    /// Three commands record two facts: `init`, `incident notify --notified`, `review decide --creates`.
    static func command(recording events: [Event]) -> CaseTrailCore.Command? {
        guard let first = events.first else { return nil }
        if events.count == 1 { return command(recording: first) }
        // A carry-forward: the objectives the plan gains, each followed by the actions carried under it.
        if let carried = events.lazy.compactMap({ e -> (String, String, LocalDate)? in
            if case let .actionCarriedForward(a, on, to) = e { return (a, to, on) } else { return nil } }).first,
           let from = parseActionID(carried.0)?.ref, let to = parseActionID(carried.1)?.ref {
            return .action(.carryForward(from: from, to: to, on: carried.2))
        }
        // A member added with a login, an email address or both.
        if case let .memberAdded(user, name, agency, roles, partner) = first {
            var login: String?, email: String?
            for e in events.dropFirst() {
                if case let .memberLoginBound(u, l) = e, u == user, login == nil, email == nil { login = l; continue }
                if case let .memberEmailSet(u, m) = e, u == user, email == nil { email = m; continue }
                return nil
            }
            return .setup(.addMember(user: user, name: name, agency: agency, roles: roles, partner: partner, login: login, email: email))
        }
        guard events.count == 2 else { return nil }
        let second = events[1]
        if case let .partnershipInitialised(name, code) = first, case let .memberAdded(_, adminName, _, _, _) = second {
            return .initialise(name: name, code: code, adminName: adminName)
        }
        if case let .seriousIncidentRecorded(ref, child, aware, incident, summary) = first,
           case let .milestoneRecorded(_, .notified, on, nil, nil) = second {
            return .review(.recordIncident(ref: ref, child: child, aware: aware, incident: incident, notified: on, summary: summary))
        }
        if case let .reviewDecided(ref, on, outcome, by, rationale, creates, reconvene, attribution) = first, case let .reviewOpened(_, _, title, _, _, _) = second {
            return .review(.decideReview(ref: ref, on: on, outcome: outcome, by: by, rationale: rationale, creates: creates,
                                         createsTitle: title, reconvene: reconvene, attribution: attribution))
        }
        return nil
    }

    /// The facts `import` records together from a tracker's rows, each also what one command records.
    static func isImported(_ e: Event) -> Bool {
        if case .recommendationAdded = e { return true }
        if case .trackerImported = e { return true }
        if case .actionAdded = e { return true }
        if case .actionUpdated = e { return true }
        if case .actionDueRevised = e { return true }
        if case .actionImplemented = e { return true }
        if case .actionSignedOff = e { return true }
        if case .actionWithdrawn = e { return true }
        if case .actionTransferred = e { return true }
        return false
    }

    /// The command that records one fact on its own.
    private static func command(recording event: Event) -> CaseTrailCore.Command? {
        switch event {
        case .partnershipInitialised:
            return nil
        case let .memberAdded(user, name, agency, roles, partner):
            return .setup(.addMember(user: user, name: name, agency: agency, roles: roles, partner: partner))
        case let .memberRetired(user, reason):
            return .setup(.retireMember(user: user, reason: reason))
        case let .memberLoginBound(user, login):
            return .setup(.bindLogin(user: user, login: login))
        case let .memberEmailSet(user, email):
            return .setup(.setEmail(user: user, email: email))
        case let .agencyAdded(code, name, aliases):
            return .setup(.addAgency(code: code, name: name, aliases: aliases))
        case let .agencyAliasAdded(code, alias):
            return .setup(.addAgencyAlias(agency: code, alias: alias))
        case let .bankHolidayAdded(on, name):
            return .setup(.addHoliday(on: on, name: name))
        case let .policySet(name, value):
            return .setup(.setPolicy(name: name, value: value))
        case let .seriousIncidentRecorded(ref, child, aware, incident, summary):
            return .review(.recordIncident(ref: ref, child: child, aware: aware, incident: incident, notified: nil, summary: summary))
        case let .reviewOpened(ref, kind, title, on, from, _):
            return .review(.openReview(ref: ref, kind: kind, title: title, from: from, on: on))
        case let .milestoneRecorded(ref, what, on, note, url):
            return .review(.recordMilestone(ref: ref, what: what, on: on, note: note, url: url))
        case let .rapidReviewCompleted(ref, on, recommendation, rationale):
            return .review(.completeRapidReview(ref: ref, on: on, recommendation: recommendation, rationale: rationale))
        case let .panelResponded(ref, on, agrees, note):
            return .review(.recordPanelResponse(ref: ref, on: on, agrees: agrees, note: note))
        case let .reviewScreened(ref, on, recommendation, note):
            return .review(.screenReview(ref: ref, on: on, recommendation: recommendation, note: note))
        case let .reviewDecided(ref, on, outcome, by, rationale, creates, reconvene, attribution):
            return .review(.decideReview(ref: ref, on: on, outcome: outcome, by: by, rationale: rationale, creates: creates,
                                         createsTitle: nil, reconvene: reconvene, attribution: attribution))
        case let .publicationWithheld(ref, on, reason):
            return .review(.withholdPublication(ref: ref, on: on, reason: reason))
        case let .reviewGraded(ref, on, by, grade):
            return .review(.gradeReview(ref: ref, on: on, by: by, grade: grade))
        case let .auditResultsRecorded(ref, on, counts):
            return .review(.recordAuditResults(ref: ref, on: on, counts: counts))
        case let .reviewDelayed(ref, on, reason, expected):
            return .review(.delayReview(ref: ref, reason: reason, expected: expected, on: on))
        case let .reviewClosed(ref, on):
            return .review(.closeReview(ref: ref, on: on))
        case let .reviewSignedOff(ref, what, on, partner, refused, reason, attribution):
            return .review(.signOffReview(ref: ref, what: what, on: on, partner: partner, refusal: refused ? reason ?? "" : nil, attribution: attribution))
        case let .recommendationAdded(ref, rec, text, on):
            return .action(.addRecommendation(ref: ref, rec: rec, text: text, on: on))
        case let .trackerImported(ref, file, sha256, rows):
            return .action(.recordImport(ref: ref, file: file, sha256: sha256, rows: rows))
        case let .recommendationResponded(rec, accepted, reason, on):
            return .action(.respondToRecommendation(rec: rec, accepted: accepted, reason: reason, on: on))
        case let .actionAdded(id, text, owner, lead, due, dueText, success, on):
            guard let parts = parseActionID(id) else { return nil }
            return .action(.addAction(recommendation: "\(parts.ref)/\(parts.rec)", code: parts.action, text: text, owner: owner, lead: lead,
                                      due: due, dueText: dueText, success: success, on: on))
        case let .actionUpdated(id, on, note, rag, evidence, attribution):
            return .action(.updateAction(action: id, note: note, rag: rag, evidence: evidence, on: on, attribution: attribution))
        case let .actionDueRevised(id, on, _, due, reason):
            return .action(.reviseDue(action: id, due: due, reason: reason, on: on))
        case let .actionImplemented(id, on, evidence):
            return .action(.markImplemented(action: id, on: on, evidence: evidence))
        case let .actionImpactRecorded(id, on, evidence, rating):
            return .action(.recordImpact(action: id, on: on, evidence: evidence, rating: rating))
        case let .actionSignedOff(id, on, stage, _, attribution):
            return .action(.signOffAction(action: id, stage: stage, refusal: nil, on: on, attribution: attribution))
        case let .actionSignOffRefused(id, on, stage, reason, attribution):
            return .action(.signOffAction(action: id, stage: stage, refusal: reason, on: on, attribution: attribution))
        case let .actionTransferred(id, on, to, reason):
            return .action(.transferAction(action: id, to: to, reason: reason, on: on))
        case let .actionCarriedForward(id, on, to):
            guard let from = parseActionID(id)?.ref, let into = parseActionID(to)?.ref else { return nil }
            return .action(.carryForward(from: from, to: into, on: on))
        case let .actionWithdrawn(id, on, reason):
            return .action(.withdrawAction(action: id, reason: reason, on: on))
        case let .entryVoided(target, on, reason, _, withDependents):
            return .correction(.void(target: target, reason: reason, withDependents: withDependents, on: on))
        case let .actionReopened(id, on, reason):
            return .action(.reopenAction(action: id, reason: reason, on: on))
        case let .actionCorrected(id, on, field, value, reason, _):
            return .action(.correctAction(action: id, field: field, value: value, reason: reason, on: on))
        case let .reviewCorrected(ref, on, field, _, value, reason):
            return .correction(.correctReview(ref: ref, field: field, value: value, reason: reason, on: on))
        case let .recommendationCorrected(rec, on, field, _, value, reason):
            return .correction(.correctRecommendation(rec: rec, field: field, value: value, reason: reason, on: on))
        case let .eventVoided(seq, stream, fact, on, reason):
            return .correction(.voidEvent(seq: seq, stream: stream, fact: fact, reason: reason, on: on))
        case let .eventRedated(seq, stream, fact, date, on, reason):
            return .correction(.redateEvent(seq: seq, stream: stream, fact: fact, date: date, reason: reason, on: on))
        case let .lineRedacted(seq, stream, fields, reason, on, originalHash, sha256):
            return .correction(.redact(seq: seq, stream: stream, fields: fields, reason: reason, on: on, originalHash: originalHash, sha256: sha256))
        }
    }
}

extension Event {
    /// The date a command stamps on this fact from "today" (the recording day), if it does.
    var stampedToday: LocalDate? {
        switch self {
        case let .reviewDelayed(_, on, _, _):
            return on
        // The rest carry the date given with --on (default: today), which their commands take back.
        case .partnershipInitialised, .memberAdded, .memberRetired, .memberLoginBound, .memberEmailSet, .agencyAdded, .agencyAliasAdded, .bankHolidayAdded,
             .policySet, .seriousIncidentRecorded, .reviewOpened, .milestoneRecorded, .rapidReviewCompleted, .panelResponded, .reviewScreened,
             .reviewDecided, .publicationWithheld, .reviewGraded, .reviewClosed, .reviewSignedOff, .recommendationAdded, .actionAdded,
             .actionImplemented, .actionImpactRecorded, .trackerImported, .recommendationResponded, .auditResultsRecorded, .actionCarriedForward,
             .entryVoided, .actionUpdated, .actionDueRevised, .actionSignedOff, .actionSignOffRefused, .actionTransferred, .actionWithdrawn,
             .actionReopened, .actionCorrected, .reviewCorrected, .recommendationCorrected, .lineRedacted, .eventVoided, .eventRedated:
            return nil
        }
    }

    /// The business date the fact carries (when it happened), if it has one.
    public var businessDate: LocalDate? {
        switch self {
        case .partnershipInitialised, .memberAdded, .memberRetired, .memberLoginBound, .memberEmailSet, .agencyAdded, .agencyAliasAdded, .policySet, .trackerImported:
            return nil
        case let .seriousIncidentRecorded(_, _, aware, _, _):
            return aware
        case let .bankHolidayAdded(on, _), let .reviewOpened(_, _, _, on, _, _), let .milestoneRecorded(_, _, on, _, _),
             let .rapidReviewCompleted(_, on, _, _), let .panelResponded(_, on, _, _), let .reviewScreened(_, on, _, _),
             let .reviewDecided(_, on, _, _, _, _, _, _), let .publicationWithheld(_, on, _), let .reviewGraded(_, on, _, _), let .auditResultsRecorded(_, on, _),
             let .reviewDelayed(_, on, _, _), let .reviewClosed(_, on), let .reviewSignedOff(_, _, on, _, _, _, _),
             let .recommendationAdded(_, _, _, on), let .recommendationResponded(_, _, _, on), let .actionAdded(_, _, _, _, _, _, _, on), let .actionUpdated(_, on, _, _, _, _),
             let .actionDueRevised(_, on, _, _, _), let .actionImplemented(_, on, _), let .actionImpactRecorded(_, on, _, _),
             let .actionSignedOff(_, on, _, _, _), let .actionSignOffRefused(_, on, _, _, _), let .actionTransferred(_, on, _, _),
             let .actionCarriedForward(_, on, _), let .actionWithdrawn(_, on, _), let .actionReopened(_, on, _), let .actionCorrected(_, on, _, _, _, _),
             let .reviewCorrected(_, on, _, _, _, _), let .recommendationCorrected(_, on, _, _, _, _),
             let .entryVoided(_, on, _, _, _), let .lineRedacted(_, _, _, _, on, _, _), let .eventVoided(_, _, _, on, _), let .eventRedated(_, _, _, _, on, _):
            return on
        }
    }
}

extension Event {
    /// Whether the fact held on `day` by the date it carries, as far as the log knows now (`--on-date`,
    /// and the annual report's year end): what keeps the record (the roster, agencies, policies, the
    /// calendar, corrections, voids, redactions) always does; what happened in the world once its date has come.
    public func held(on day: LocalDate) -> Bool {
        switch self {
        case .partnershipInitialised, .memberAdded, .memberRetired, .memberLoginBound, .memberEmailSet, .agencyAdded, .agencyAliasAdded, .bankHolidayAdded,
             .policySet, .trackerImported, .actionCorrected, .reviewCorrected, .recommendationCorrected, .entryVoided, .lineRedacted,
             .eventVoided, .eventRedated:
            return true
        case .seriousIncidentRecorded, .reviewOpened, .milestoneRecorded, .rapidReviewCompleted, .panelResponded, .reviewScreened,
             .reviewDecided, .publicationWithheld, .reviewGraded, .auditResultsRecorded, .reviewDelayed, .reviewClosed, .reviewSignedOff,
             .recommendationAdded, .recommendationResponded, .actionAdded, .actionUpdated, .actionDueRevised, .actionImplemented,
             .actionImpactRecorded, .actionSignedOff, .actionSignOffRefused, .actionTransferred, .actionCarriedForward, .actionWithdrawn,
             .actionReopened:
            return businessDate.map { $0 <= day } ?? true
        }
    }
}
