extension Partnership {
    /// Recommendations and action plans: progress, due-date revisions, implementation, impact and staged sign-off.
    static func decideAction(_ command: ActionCommand, _ state: State, today: LocalDate, request: Request? = nil) throws(DomainError) -> [Event] {
        switch command {
        case let .addRecommendation(ref, rec, text, on):
            let r = try review(ref, state)
            if let closed = r.closedOn { throw DomainError("\(ref) was closed on \(closed.readable); reopen work on it as a new review.") }
            guard isItemCode(rec) else {
                throw DomainError("'\(rec)' is not a recommendation number; use up to 16 letters and digits with dots or hyphens between them, as the source numbers it (e.g. R1, P2, 2.4), and no '/'.")
            }
            if state.recommendations["\(ref)/\(rec)"] != nil { throw DomainError("\(ref)/\(rec) already exists.") }
            if let v = state.voided["\(ref)/\(rec)"] { throw DomainError("\(ref)/\(rec) was voided on \(v.on.readable) (\(v.reason)); give the recommendation another number.") }
            try Validate.distinctNumber(rec, among: r.recommendations, in: ref)
            try Validate.text(text, what: "recommendation text")
            let made = on ?? today
            try Validate.notAfterToday(made, today, what: "date")
            return [.recommendationAdded(ref: ref, rec: rec, text: text, on: made)]

        case let .respondToRecommendation(id, accepted, reason, on):
            guard let rec = state.recommendations[id] else {
                throw DomainError("No recommendation '\(id)'. Give it as REF/R<n>, e.g. MSCP-LCSPR-2023-01/R1 ('casetrail show REF' lists them).")
            }
            if let earlier = rec.response {
                throw DomainError("\(id) was already \(earlier.accepted ? "accepted" : "not accepted") on \(earlier.on.readable); a response is given once.")
            }
            if !accepted {
                guard let reason else { throw DomainError("Say why \(id) is not accepted with --reason: an annual report must give the reason a recommendation was not acted on.") }
                try Validate.text(reason, what: "reason")
            } else if let reason {
                try Validate.text(reason, what: "reason")
            }
            let when = on ?? today
            try Validate.notAfterToday(when, today, what: "date")
            if when < rec.on { throw DomainError("\(id) cannot be answered (\(when.readable)) before it was made (\(rec.on.readable)).") }
            return [.recommendationResponded(rec: id, accepted: accepted, reason: reason, on: when)]

        case let .recordImport(ref, file, sha256, rows):
            _ = try review(ref, state)
            try Validate.text(file, what: "file name")
            guard sha256.count == 64, sha256.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
                throw DomainError("'\(sha256)' is not a file's SHA-256 (64 lower-case hexadecimal digits).")
            }
            return [.trackerImported(ref: ref, file: file, sha256: sha256, rows: rows)]

        case let .addAction(recommendation, code, text, owner, lead, due, dueText, success, on):
            guard let rec = state.recommendations[recommendation] else {
                throw DomainError("No recommendation '\(recommendation)'. Add it first with 'casetrail rec add REF R<n> --text …'.")
            }
            guard isItemCode(code) else {
                throw DomainError("'\(code)' is not an action number; use up to 16 letters and digits with dots or hyphens between them, as the source numbers it (e.g. A1, A2.10, 2.4.1), and no '/'.")
            }
            let id = "\(rec.fullID)/\(code)"
            if state.actions[id] != nil { throw DomainError("\(id) already exists.") }
            if let v = state.voided[id] { throw DomainError("\(id) was voided on \(v.on.readable) (\(v.reason)); give the action another number.") }
            try Validate.distinctNumber(code, among: rec.actions.compactMap { parseActionID($0)?.action }, in: rec.fullID)
            if let closed = state.reviews[rec.ref]?.closedOn {
                throw DomainError("\(rec.ref) was closed on \(closed.readable); record new work on it as a new review.")
            }
            try Validate.text(text, what: "action text")
            try Validate.text(lead, what: "lead")
            guard let agency = state.agency(named: owner) else {
                throw DomainError("No agency '\(owner)'. Use a code or name from 'casetrail agencies', or add it with 'casetrail agency add'.")
            }
            let agreed = on ?? today
            try Validate.notAfterToday(agreed, today, what: "date agreed")
            return [.actionAdded(action: id, text: text, owner: agency.code, lead: lead, due: due, dueText: dueText,
                                 success: success, on: agreed)]

        case let .updateAction(id, note, rag, evidence, on, attribution):
            let a = try liveAction(id, state, doing: "update it")
            try Validate.text(note, what: "note")
            let when = try dated(on, today, "An update of \(id)", notBefore: a.agreed, "it was agreed")
            return [.actionUpdated(action: a.id, on: when, note: note, rag: rag, evidence: evidence, attribution: try attributed(attribution))]

        case let .reviseDue(id, due, reason, on):
            let a = try liveAction(id, state, doing: "revise its due date")
            try Validate.text(reason, what: "reason")
            if a.status == .implemented { throw DomainError("\(id) is already implemented; its due date no longer matters.") }
            let when = try dated(on, today, "A revision of \(id)", notBefore: a.agreed, "it was agreed")
            if due == a.due { return [] }
            return [.actionDueRevised(action: a.id, on: when, from: a.due, due: due, reason: reason)]

        case let .markImplemented(id, on, evidence):
            let a = try liveAction(id, state, doing: "mark it implemented")
            try Validate.text(evidence, what: "evidence")
            try Validate.notAfterToday(on, today, what: "date")
            if a.status == .implemented { throw DomainError("\(id) is already implemented (\(a.implemented!.on.readable)).") }
            if on < a.agreed { throw DomainError("\(id) cannot be implemented (\(on.readable)) before it was agreed (\(a.agreed.readable)).") }
            return [.actionImplemented(action: a.id, on: on, evidence: evidence)]

        case let .recordImpact(id, on, evidence, rating):
            let a = try action(id, state)
            try Validate.text(evidence, what: "evidence of impact")
            try Validate.notAfterToday(on, today, what: "date")
            guard a.status == .implemented || a.status == .signedOff else {
                throw DomainError("Evidence of impact follows implementation; \(id) is \(a.status.rawValue). Record 'casetrail action implemented \(id)' first.")
            }
            return [.actionImpactRecorded(action: a.id, on: on, evidence: evidence, rating: rating)]

        case let .signOffAction(id, stage, refusal, on, attribution):
            let a = try action(id, state)
            let stages = state.signOffStages
            guard stages.contains(stage) else {
                throw DomainError("This partnership's policy has no board sign-off stage; actions are signed off by learning-lessons, then executive.")
            }
            if a.status == .signedOff, let last = a.signOffs.last(where: { !$0.refused }) {
                throw DomainError("\(id) is already signed off: complete since \(last.on.readable) (the \(last.stage.rawValue) sign-off). "
                    + "Nothing more can be signed; if there is new work on it, reopen it with 'casetrail action reopen \(id) --reason …'.")
            }
            guard a.status == .implemented else {
                throw DomainError("Only an implemented action can be signed off; \(id) is \(a.status.rawValue). Record 'casetrail action implemented \(id)' with evidence first.")
            }
            let next = stages[a.stagesSigned.count]
            guard stage == next else {
                if a.stagesSigned.contains(stage), let given = a.signOffs.last(where: { $0.stage == stage && !$0.refused }) {
                    throw DomainError("\(id) already has the \(stage.rawValue) sign-off, given on \(given.on.readable).")
                }
                throw DomainError("\(id) needs the \(next.rawValue) sign-off before the \(stage.rawValue) one.")
            }
            // A stage follows the implementation and the stage before it.
            var floor = a.implemented?.on ?? a.agreed, afterStage: SignOffStage?
            if let before = a.stagesSigned.last, let given = a.signOffs.last(where: { $0.stage == before && !$0.refused }), given.on > floor {
                (floor, afterStage) = (given.on, before)
            }
            let when = try dated(on, today, "The \(stage.rawValue) sign-off of \(id)", notBefore: floor,
                                 afterStage.map { "its \($0.rawValue) sign-off" } ?? "it was implemented")
            var by = try attributed(attribution) ?? Attribution()
            if let request {
                by.signer = request.actor
                try checkSigner(a, stage: stage, by: by, request: request, state)
            }
            if let reason = refusal {
                try Validate.text(reason, what: "reason for refusing")
                return [.actionSignOffRefused(action: a.id, on: when, stage: stage, reason: reason, attribution: by)]
            }
            return [.actionSignedOff(action: a.id, on: when, stage: stage, complete: stage == stages.last, attribution: by)]

        case let .transferAction(id, to, reason, on):
            let a = try liveAction(id, state, doing: "transfer it")
            try Validate.text(to, what: "destination (--to)")
            try Validate.text(reason, what: "reason")
            let when = try dated(on, today, "The transfer of \(id)", notBefore: a.agreed, "it was agreed")
            return [.actionTransferred(action: a.id, on: when, to: to, reason: reason)]

        case let .carryForward(from, to, on):
            return try carryForward(from: from, to: to, on: on ?? today, state, today: today)

        case let .withdrawAction(id, reason, on):
            let a = try liveAction(id, state, doing: "withdraw it")
            try Validate.text(reason, what: "reason")
            let when = try dated(on, today, "The withdrawal of \(id)", notBefore: a.agreed, "it was agreed")
            return [.actionWithdrawn(action: a.id, on: when, reason: reason)]

        case let .reopenAction(id, reason, on):
            let a = try action(id, state)
            try Validate.text(reason, what: "reason")
            if let to = a.carriedForwardTo(state) {
                throw DomainError("\(id) was carried forward to \(to); reopening it would leave the action in two plans. Record its progress on \(to).")
            }
            guard !a.isOutstanding || a.status == .implemented else {
                throw DomainError("\(id) is \(a.status.rawValue) and still open; there is nothing to reopen.")
            }
            let closed = a.closedOn ?? a.implemented?.on ?? a.agreed
            let when = try dated(on, today, "Reopening \(id)", notBefore: closed, a.status == .implemented ? "it was implemented" : "it was \(a.status.rawValue)")
            return [.actionReopened(action: a.id, on: when, reason: reason)]

        case let .correctAction(id, field, value, reason, on):
            let a = try action(id, state)
            try Validate.text(reason, what: "reason")
            let when = try dated(on, today, "A correction of \(id)", notBefore: a.agreed, "it was agreed")
            guard let f = CorrectableField(rawValue: field) else {
                throw DomainError("'\(field)' cannot be corrected; correctable fields: \(CorrectableField.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            var stored = value
            switch f {
            case .owner:
                guard let agency = state.agency(named: value) else { throw DomainError("No agency '\(value)'. See 'casetrail agencies'.") }
                stored = agency.code
            case .agreed:
                guard let d = LocalDate(value) else { throw DomainError(LocalDate.whyNot(value) + ".") }
                try Validate.notAfterToday(d, today, what: "date agreed")
            case .text, .lead:
                try Validate.text(value, what: field)
            case .success, .dueText:
                break
            case .due:
                guard let d = LocalDate(value) else { throw DomainError(LocalDate.whyNot(value) + ".") }
                stored = d.description
            case .rag:
                guard RAG(rawValue: value) != nil else { throw DomainError("'\(value)' is not a RAG rating; use red, amber or green.") }
            case .implementedOn:
                guard a.implemented != nil else { throw DomainError("\(id) has no implementation to correct the date of; record it with 'casetrail action implemented'.") }
                stored = try correctedDate(value, today, "The implementation of \(id)", notBefore: a.agreed, "it was agreed")
            case .updateOn:
                guard a.lastUpdate != nil else { throw DomainError("\(id) has no update to correct the date of.") }
                stored = try correctedDate(value, today, "The latest update of \(id)", notBefore: a.agreed, "it was agreed")
            case .learningLessonsOn, .executiveOn, .boardOn:
                let stage = f.stage!
                guard a.signOffs.contains(where: { $0.stage == stage && !$0.refused }) else { throw DomainError("\(id) has no \(stage.rawValue) sign-off to correct the date of.") }
                stored = try correctedDate(value, today, "The \(stage.rawValue) sign-off of \(id)", notBefore: a.implemented?.on ?? a.agreed, "it was implemented")
            }
            let from = a.currentValue(of: f)
            if from == stored { return [] }
            return [.actionCorrected(action: a.id, on: when, field: field, value: stored, reason: reason, from: from)]

        }
    }

    static func action(_ id: String, _ state: State) throws(DomainError) -> ActionItem {
        guard let a = state.actions[id] else {
            if parseActionID(id) == nil {
                throw DomainError("'\(id)' is not an action reference; they look like MSCP-LCSPR-2023-01/R1/A1.")
            }
            throw DomainError("No action '\(id)'. See 'casetrail outstanding' for the actions.")
        }
        return a
    }

    /// An action still in the plan (not signed off, transferred or withdrawn).
    /// The business date of a fact: `on`, else today; never in the future, nor before what it follows
    /// (`floor`, described as `after`), each refusal giving both dates.
    /// The words are worked out only for a refusal: replay decides every update and sign-off again.
    static func dated(_ on: LocalDate?, _ today: LocalDate, _ fact: @autoclosure () -> String, notBefore floor: LocalDate,
                      _ after: @autoclosure () -> String) throws(DomainError) -> LocalDate {
        let when = on ?? today
        try Validate.notAfterToday(when, today, what: "date")
        if when < floor { throw DomainError("\(fact()) cannot be dated \(when.readable), before \(after()) (\(floor.readable)).") }
        return when
    }

    /// The attribution given with a command, its words checked; nil when it says nothing.
    static func attributed(_ given: Attribution?) throws(DomainError) -> Attribution? {
        guard var a = given, a.onBehalfOf != nil || a.meeting != nil else { return nil }
        if let body = a.onBehalfOf { try Validate.text(body, what: "body or member (--on-behalf-of)"); try Validate.noPersonalData(body, what: "--on-behalf-of") }
        if let meeting = a.meeting { try Validate.text(meeting, what: "meeting (--meeting)") }
        a.signer = nil
        return a
    }

    /// A stage is given by its own body: the business unit recording it says for whom; and where
    /// policy separate-sign-off is yes, one member does not give two stages on their own behalf.
    /// New rules, so history written before them is not judged by them (`Request.replaying`).
    static func checkSigner(_ a: ActionItem, stage: SignOffStage, by: Attribution, request: Request, _ state: State) throws(DomainError) {
        guard !request.replaying, let member = state.activeMember(request.actor) else { return }
        let own: Role = stage == .learningLessons ? .learningLessons : .executive
        let body = stage == .learningLessons ? "Learning Lessons sub-group" : stage == .executive ? "Executive" : "Board"
        if !member.has(own), by.onBehalfOf == nil {
            throw DomainError("'\(request.actor)' records the \(stage.rawValue) sign-off of \(a.id) for the body that gave it: say which with --on-behalf-of "
                + "(e.g. \"\(body)\") and, if you can, --meeting (e.g. \"\(body), 14 June 2023, minute 5\").")
        }
        if state.policy(.separateSignOff) == "yes", by.onBehalfOf == nil, let i = state.signOffStages.firstIndex(of: stage), i > 0 {
            let before = state.signOffStages[i - 1]
            if let earlier = a.signOffs.last(where: { $0.stage == before && !$0.refused }), earlier.by?.signer == request.actor, earlier.by?.onBehalfOf == nil {
                throw DomainError("'\(request.actor)' gave the \(before.rawValue) sign-off of \(a.id) on their own behalf; the partnership's policy (separate-sign-off) "
                    + "has another member give the \(stage.rawValue) one, or record it for the body that gave it with --on-behalf-of.")
            }
        }
    }

    /// A corrected date read from `value`, held to the same bounds a fact of that date is.
    static func correctedDate(_ value: String, _ today: LocalDate, _ fact: String, notBefore floor: LocalDate, _ after: String) throws(DomainError) -> String {
        guard let d = LocalDate(value) else { throw DomainError(LocalDate.whyNot(value) + ".") }
        return try dated(d, today, fact, notBefore: floor, after).description
    }

    static func liveAction(_ id: String, _ state: State, doing: String) throws(DomainError) -> ActionItem {
        let a = try action(id, state)
        if let to = a.carriedForwardTo(state) {
            throw DomainError("\(id) was carried forward to \(to) on \(a.exit!.on.readable), so you cannot \(doing) here; do it on \(to).")
        }
        guard a.isOutstanding else {
            throw DomainError("\(id) is \(a.status.rawValue), so you cannot \(doing). Reopen it first with 'casetrail action reopen \(id) --reason …'.")
        }
        return a
    }
}

extension Partnership {
    /// Every open action of `from` moves into the plan `to`, under a recommendation of the same
    /// number (added if the plan lacks it; a different objective already holding that number gives
    /// the next free R<n>) and its own action number where free (else the next free A<n>).
    static func carryForward(from: String, to: String, on: LocalDate, _ state: State, today: LocalDate) throws(DomainError) -> [Event] {
        let old = try review(from, state)
        let plan = try openReview(to, state, kind: [.plan], doing: "carry actions forward")
        if from == to { throw DomainError("\(from) cannot be carried forward into itself; give next year's plan with --to.") }
        try Validate.notAfterToday(on, today, what: "date")
        if on < plan.opened { throw DomainError("\(to) was opened on \(plan.opened.readable); actions cannot be carried into it before then (\(on.readable)).") }
        let open = state.recommendations(of: old).flatMap { state.actions(of: $0) }.filter(\.isOutstanding)
        guard !open.isEmpty else { throw DomainError("\(from) has no open actions to carry forward; 'casetrail show \(from)' lists its actions.") }
        if let early = open.first(where: { on < $0.agreed }) {
            throw DomainError("\(early.id) was agreed on \(early.agreed.readable), after \(on.readable); carry it forward on or after that date.")
        }
        var events: [Event] = []
        var codes = plan.recommendations                  // the plan's recommendation numbers, growing as objectives arrive
        var texts: [String: String] = [:]                 // the plan's objectives by their words → number
        var actionCodes: [String: [String]] = [:]         // number → its action numbers
        for code in codes {
            guard let rec = state.recommendations["\(to)/\(code)"] else { continue }
            texts[State.normalisedName(rec.text)] = texts[State.normalisedName(rec.text)] ?? code
            actionCodes[code] = rec.actions.compactMap { parseActionID($0)?.action }
        }
        var target: [String: String] = [:]                // old recommendation → number in the plan
        for a in open {
            let oldRec = state.recommendations["\(a.ref)/\(a.rec)"]!
            let words = State.normalisedName(oldRec.text)
            if target[a.rec] == nil {
                if let same = texts[words] {
                    target[a.rec] = same
                } else {
                    var code = a.rec
                    if codes.contains(where: { sameNumber($0, code) }) {
                        var n = 1
                        while codes.contains(where: { sameNumber($0, "R\(n)") }) { n += 1 }
                        code = "R\(n)"
                    }
                    codes.append(code)
                    texts[words] = code
                    target[a.rec] = code
                    events.append(.recommendationAdded(ref: to, rec: code, text: oldRec.text, on: on))
                }
            }
            let rec = target[a.rec]!
            var code = parseActionID(a.id)?.action ?? "A1"
            let taken = actionCodes[rec, default: []]
            if taken.contains(where: { sameNumber($0, code) }) {
                var n = 1
                while taken.contains(where: { sameNumber($0, "A\(n)") }) { n += 1 }
                code = "A\(n)"
            }
            actionCodes[rec, default: []].append(code)
            events.append(.actionCarriedForward(action: a.id, on: on, to: "\(to)/\(rec)/\(code)"))
        }
        return events
    }

    /// Two numbers that read alike (`R9` and `r09`).
    static func sameNumber(_ a: String, _ b: String) -> Bool {
        let x = a.uppercased(), y = b.uppercased()
        return !naturalLess(x, y) && !naturalLess(y, x)
    }
}

extension ActionItem {
    /// The action this one became when it was carried forward into another plan, if it was.
    func carriedForwardTo(_ state: State) -> String? {
        guard status == .transferred, let to = exit?.to, state.actions[to]?.carried?.from == id else { return nil }
        return to
    }

    /// The present value of a correctable field, as text.
    public func currentValue(of field: CorrectableField) -> String? {
        switch field {
        case .text: return text
        case .owner: return owner
        case .lead: return lead
        case .success: return success
        case .dueText: return dueText
        case .agreed: return agreed.description
        case .due: return originalDue.description
        case .rag: return rag?.rawValue
        case .implementedOn: return implemented?.on.description
        case .updateOn: return lastUpdate?.on.description
        case .learningLessonsOn, .executiveOn, .boardOn: return signOffs.last { $0.stage == field.stage && !$0.refused }?.on.description
        }
    }
}
