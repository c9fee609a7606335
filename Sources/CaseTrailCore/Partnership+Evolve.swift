extension Partnership {
    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        apply(event, to: &s)
        return s
    }

    /// In-place form of `evolve`, used by replay so the state is not copied per event.
    /// Total: a fact about something unknown is kept where it can be and otherwise passed over.
    public static func apply(_ event: Event, to s: inout State) {
        switch event {
        case let .partnershipInitialised(name, code):
            if s.partnership == nil { s.partnership = PartnershipInfo(name: name, code: code) }
        case let .memberAdded(user, name, agency, roles, partner):
            s.members[user] = Member(user: user, name: name, agency: agency, roles: roles, partner: partner)
        case let .memberRetired(user, _):
            s.members[user]?.retired = true
            if let login = s.members[user]?.login, s.boundLogins[login] == user { s.boundLogins[login] = nil }
        case let .memberEmailSet(user, email):
            s.members[user]?.email = email
        case let .memberLoginBound(user, login):
            s.members[user]?.login = login
            if s.members[user] != nil { s.boundLogins[login] = user }
        case let .agencyAdded(code, name, aliases):
            s.agencies[code] = Agency(code: code, name: name, aliases: aliases)
            for n in [code, name] + aliases where s.agencyNames[State.normalisedName(n)] == nil {
                s.agencyNames[State.normalisedName(n)] = code
            }
        case let .agencyAliasAdded(code, alias):
            s.agencies[code]?.aliases.append(alias)
            if s.agencyNames[State.normalisedName(alias)] == nil { s.agencyNames[State.normalisedName(alias)] = code }
        case let .bankHolidayAdded(on, name):
            s.addedHolidays[on] = name
        case let .policySet(name, value):
            s.policy[name] = value

        case let .seriousIncidentRecorded(ref, child, aware, incident, summary):
            var r = Review(ref: ref, kind: .rapidReview, title: "Rapid review: \(child)", opened: aware)
            r.child = child
            r.aware = aware
            r.incident = incident
            r.summary = summary
            s.reviews[ref] = r
        case let .reviewOpened(ref, kind, title, on, from, initiatedOn):
            var r = Review(ref: ref, kind: kind, title: title, opened: on, from: from)
            r.initiatedOn = initiatedOn
            s.reviews[ref] = r
            if let f = from { s.reviews.update(f) { if !$0.linked.contains(ref) { $0.linked.append(ref) } } }
        case let .milestoneRecorded(ref, what, on, note, url):
            s.reviews.update(ref) { $0.milestones.append(Review.MilestoneRecord(what: what, on: on, note: note, url: url)) }
        case let .rapidReviewCompleted(ref, on, recommendation, rationale):
            s.reviews.update(ref) { $0.completion = Review.Completion(on: on, recommendation: recommendation, rationale: rationale) }
        case let .panelResponded(ref, on, agrees, note):
            s.reviews.update(ref) { $0.panelResponses.append(Review.PanelResponse(on: on, agrees: agrees, note: note)) }
        case let .reviewScreened(ref, on, recommendation, note):
            s.reviews.update(ref) { $0.screenings.append(Review.Screening(on: on, recommendation: recommendation, note: note)) }
        case let .reviewDecided(ref, on, outcome, by, rationale, creates, reconvene, _):
            s.reviews.update(ref) { r in
                r.decisions.append(Review.Decision(on: on, outcome: outcome, by: by, rationale: rationale, creates: creates, reconvene: reconvene))
                if outcome == .initiate, r.kind.isStatutory, r.initiatedOn == nil { r.initiatedOn = on }
            }
        case let .publicationWithheld(ref, on, reason):
            s.reviews.update(ref) { $0.withheld = Review.Withholding(on: on, reason: reason) }
        case let .reviewGraded(ref, on, by, grade):
            s.reviews.update(ref) { $0.grade = Review.Grade(on: on, by: by, grade: grade) }
        case let .reviewDelayed(ref, on, reason, expected):
            s.reviews.update(ref) { $0.delays.append(Review.Delay(on: on, reason: reason, expected: expected)) }
        case let .reviewClosed(ref, on):
            s.reviews.update(ref) { $0.closedOn = on }
        case let .reviewSignedOff(ref, what, on, partner, refused, reason, _):
            s.reviews.update(ref) { $0.signOffs.append(Review.SignOff(what: what, on: on, partner: partner, refused: refused, reason: reason)) }

        case let .recommendationResponded(rec, accepted, reason, on):
            s.recommendations.update(rec) { $0.response = RecommendationItem.Response(accepted: accepted, reason: reason, on: on) }
        case let .auditResultsRecorded(ref, on, counts):
            s.reviews.update(ref) { $0.auditResults = AuditResults(on: on, counts: counts) }
        case .trackerImported:
            // Provenance only: the facts it introduces follow it.
            break
        case let .recommendationAdded(ref, rec, text, on):
            let item = RecommendationItem(ref: ref, id: rec, text: text, on: on)
            if !s.recommendations.contains(item.fullID) { s.reviews.update(ref) { $0.recommendations.insertInNaturalOrder(rec) } }
            s.recommendations[item.fullID] = item
        case let .actionAdded(id, text, owner, lead, due, dueText, success, on):
            guard let parts = parseActionID(id) else { return }
            let recID = "\(parts.ref)/\(parts.rec)"
            if !s.actions.contains(id) { s.recommendations.update(recID) { $0.actions.insertInNaturalOrder(id) } }
            s.actions[id] = ActionItem(id: id, ref: parts.ref, rec: parts.rec, text: text, owner: owner, lead: lead, due: due,
                                       originalDue: due, dueText: dueText, success: success, agreed: on)
        case let .actionUpdated(id, on, note, rag, evidence, _):
            s.actions.update(id) { a in
                a.lastUpdate = ActionItem.Update(on: on, note: note, rag: rag, evidence: evidence)
                if let rag { a.rag = rag }
                if a.status == .open { a.status = .inProgress }
            }
        case let .actionDueRevised(id, on, from, due, reason):
            s.actions.update(id) { a in
                a.revisions.append(ActionItem.Revision(on: on, from: from, to: due, reason: reason))
                a.due = due
            }
        case let .actionImplemented(id, on, evidence):
            s.actions.update(id) { a in
                a.implemented = ActionItem.Evidence(on: on, evidence: evidence, rating: nil)
                a.carried?.arrivedImplemented = false
                a.status = .implemented
                a.standings.append(.init(on: on, standing: .implemented))
                a.stagesSigned = []
            }
        case let .actionImpactRecorded(id, on, evidence, rating):
            s.actions.update(id) { a in
                a.impactCount += 1
                a.lastImpact = ActionItem.Evidence(on: on, evidence: evidence, rating: rating)
            }
        case let .actionSignedOff(id, on, stage, complete, by):
            s.actions.update(id) { a in
                a.signOffs.append(ActionItem.SignOff(on: on, stage: stage, refused: false, reason: nil, by: by))
                a.stagesSigned.append(stage)
                if complete {
                    a.status = .signedOff
                    a.standings.append(.init(on: on, standing: .closed))
                }
            }
        case let .actionSignOffRefused(id, on, stage, reason, by):
            s.actions.update(id) { a in
                a.signOffs.append(ActionItem.SignOff(on: on, stage: stage, refused: true, reason: reason, by: by))
                a.stagesSigned = []
                a.implemented = nil
                a.status = .inProgress
                a.standings.append(.init(on: on, standing: .open))
            }
        case let .actionTransferred(id, on, to, reason):
            s.actions.update(id) { a in
                a.exit = ActionItem.Exit(on: on, reason: reason, to: to)
                a.status = .transferred
                a.standings.append(.init(on: on, standing: .closed))
            }
        case let .eventRedated(seq, _, _, _, on, reason):
            // As for a void: the ledger replays the log with the line's date put right; here it is noted.
            s.voided["dated:\(seq)"] = Voiding(on: on, reason: reason)
        case let .eventVoided(seq, _, _, on, reason):
            // The ledger replays the log without line `seq`; here it is only noted (no second void, and `history` marks it).
            s.voided["seq:\(seq)"] = Voiding(on: on, reason: reason)
        case .lineRedacted:
            // The redacted line itself now reads `[redacted]` where the text was: a replay from it has nothing else to change.
            return
        case let .entryVoided(target, on, reason, dependents, _):
            for id in [target] + dependents { remove(id, from: &s) }
            s.voided[target] = Voiding(on: on, reason: reason)
            for id in dependents { s.voided[id] = Voiding(on: on, reason: reason, with: target) }
        case let .actionCarriedForward(id, on, to):
            guard var moved = s.actions[id], let parts = parseActionID(to) else { return }
            moved.id = to
            moved.ref = parts.ref
            moved.rec = parts.rec
            moved.carried = ActionItem.Carry(from: id, on: on, arrivedImplemented: moved.status == .implemented)
            if !s.actions.contains(to) { s.recommendations.update("\(parts.ref)/\(parts.rec)") { $0.actions.insertInNaturalOrder(to) } }
            s.actions[to] = moved
            s.actions.update(id) { a in
                a.exit = ActionItem.Exit(on: on, reason: "Carried forward into \(parts.ref)", to: to)
                a.status = .transferred
                a.standings.append(.init(on: on, standing: .closed))
            }
        case let .actionWithdrawn(id, on, reason):
            s.actions.update(id) { a in
                a.exit = ActionItem.Exit(on: on, reason: reason, to: nil)
                a.status = .withdrawn
                a.standings.append(.init(on: on, standing: .closed))
            }
        case .actionReopened(let id, let on, _):
            s.actions.update(id) { a in
                a.standings.append(.init(on: on, standing: .open))
                a.status = .inProgress
                a.stagesSigned = []
                a.implemented = nil
                a.exit = nil
            }
        case let .actionCorrected(id, _, field, value, _, _):
            switch CorrectableField(rawValue: field) {
            case .text: s.actions.update(id) { $0.text = value }
            case .owner: s.actions.update(id) { $0.owner = value }
            case .lead: s.actions.update(id) { $0.lead = value }
            case .success: s.actions.update(id) { $0.success = value }
            case .dueText: s.actions.update(id) { $0.dueText = value }
            case .agreed: if let d = LocalDate(value) { s.actions.update(id) { $0.agreed = d } }
            case .due:
                // The original date was typed wrongly: put right, and the current one with it unless revised since.
                if let d = LocalDate(value) { s.actions.update(id) { a in if a.revisions.isEmpty { a.due = d }; a.originalDue = d } }
            case .rag: if let r = RAG(rawValue: value) { s.actions.update(id) { $0.rag = r } }
            case .implementedOn: if let d = LocalDate(value) { s.actions.update(id) { $0.implemented?.on = d } }
            case .updateOn: if let d = LocalDate(value) { s.actions.update(id) { $0.lastUpdate?.on = d } }
            case .learningLessonsOn, .executiveOn, .boardOn:
                let stage = CorrectableField(rawValue: field)?.stage
                if let d = LocalDate(value) {
                    s.actions.update(id) { a in
                        if let i = a.signOffs.lastIndex(where: { $0.stage == stage && !$0.refused }) { a.signOffs[i].on = d }
                    }
                }
            case nil: break
            }
        case let .reviewCorrected(ref, _, field, _, value, _):
            s.reviews.update(ref) { r in
                switch ReviewField(rawValue: field) {
                case .title: r.title = value
                case .kind: if let k = ReviewKind(rawValue: value) { r.kind = k }
                case .opened: if let d = LocalDate(value) { r.opened = d }
                case .child: r.child = value
                case .aware: if let d = LocalDate(value) { r.aware = d }
                case .incident: r.incident = LocalDate(value)
                case .summary: r.summary = value
                case nil: break
                }
            }
        case let .recommendationCorrected(rec, _, field, _, value, _):
            s.recommendations.update(rec) { item in
                switch RecommendationField(rawValue: field) {
                case .text: item.text = value
                case .on: if let d = LocalDate(value) { item.on = d }
                case nil: break
                }
            }
        }
    }
}
