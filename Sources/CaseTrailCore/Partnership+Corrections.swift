extension Partnership {
    /// Putting right what was recorded in error: new facts that say so, never a changed line.
    static func decideCorrection(_ command: CorrectionCommand, _ state: State, today: LocalDate) throws(DomainError) -> [Event] {
        switch command {
        case let .void(target, reason, withDependents, on):
            try Validate.text(reason, what: "reason")
            let when = on ?? today
            try Validate.notAfterToday(when, today, what: "date")
            if let earlier = state.voided[target] {
                throw DomainError("\(target) was already voided on \(earlier.on.readable)" + (earlier.with.map { " with \($0)" } ?? "") + ": \(earlier.reason).")
            }
            let (dependents, recorded, goesWith) = try voidable(target, state)
            if when < recorded {
                throw DomainError("\(target) cannot be voided on \(when.readable), before it was recorded as happening (\(recorded.readable)).")
            }
            for id in [target] + dependents {
                guard let a = state.actions[id] else { continue }
                if let to = a.carriedForwardTo(state) {
                    throw DomainError("\(id) was carried forward to \(to); void \(to) in its new plan instead, if it was entered in error there.")
                }
                if let from = a.carried?.from {
                    throw DomainError("\(id) was carried forward from \(from), so voiding it would lose that action too; record what happened to it instead (withdraw it, with the reason).")
                }
            }
            let needed = !goesWith.isEmpty
            if needed && !withDependents {
                throw DomainError("Voiding \(target) also voids \(spokenList(goesWith, joinedBy: "and")). If all of it was entered in error, void it with --with-dependents.")
            }
            return [.entryVoided(target: target, on: when, reason: reason, dependents: dependents, withDependents: needed)]

        case let .voidEvent(seq, stream, fact, reason, on):
            try Validate.text(reason, what: "reason")
            let when = on ?? today
            try Validate.notAfterToday(when, today, what: "date")
            if let earlier = state.voided["seq:\(seq)"] {
                throw DomainError("Line \(seq) was already voided on \(earlier.on.readable): \(earlier.reason).")
            }
            if let gone = state.voided[fact.subject] {
                throw DomainError("\(fact.subject) was voided as entered in error on \(gone.on.readable), and everything recorded on it with it.")
            }
            if let dated = state.voided["dated:\(seq)"] {
                throw DomainError("The date of line \(seq) was corrected on \(dated.on.readable) (\(dated.reason)); a line is put right once, so record what is right now instead.")
            }
            switch fact.kind {
            case .update, .dueRevision, .actionSignOff, .signOffRefusal:
                guard let a = state.actions[fact.subject] else { throw DomainError("No action '\(fact.subject)' to void line \(seq) of.") }
                // A sign-off or its refusal is followed by what it allowed; only the latest can be taken back.
                if fact.kind == .actionSignOff || fact.kind == .signOffRefusal, let last = a.signOffs.last,
                   last.stage.rawValue != fact.detail || last.refused != (fact.kind == .signOffRefusal) || last.on != fact.happened {
                    throw DomainError("Line \(seq) is not the latest sign-off of \(fact.subject) (that is the \(last.stage.rawValue) \(last.refused ? "refusal" : "sign-off") of \(last.on.readable)); void that first.")
                }
            case .milestone, .decision, .reviewSignOff:
                guard state.reviews[fact.subject] != nil else { throw DomainError("No review '\(fact.subject)' to void line \(seq) of.") }
            }
            if when < fact.happened {
                throw DomainError("Line \(seq) cannot be voided on \(when.readable), before \(fact.words).")
            }
            return [.eventVoided(seq: seq, stream: stream, fact: fact, on: when, reason: reason)]

        case let .redateEvent(seq, stream, fact, date, reason, on):
            try Validate.text(reason, what: "reason")
            let when = on ?? today
            try Validate.notAfterToday(when, today, what: "date")
            guard fact.kind == .update || fact.kind == .actionSignOff || fact.kind == .signOffRefusal else {
                throw DomainError("Line \(seq) is not an update or a sign-off; correct its entry with 'casetrail review correct' or 'casetrail action correct', or void it.")
            }
            for key in ["seq:\(seq)", "dated:\(seq)"] {
                if let earlier = state.voided[key] {
                    throw DomainError("Line \(seq) was already \(key.hasPrefix("seq") ? "voided" : "given its right date") on \(earlier.on.readable): \(earlier.reason).")
                }
            }
            guard let a = state.actions[fact.subject] else { throw DomainError("No action '\(fact.subject)' to correct line \(seq) of.") }
            try Validate.notAfterToday(date, today, what: "date")
            if date < a.agreed {
                throw DomainError("\(fact.words.prefix(1).uppercased() + fact.words.dropFirst()) cannot have happened on \(date.readable), before the action was agreed (\(a.agreed.readable)).")
            }
            if date == fact.happened { return [] }
            return [.eventRedated(seq: seq, stream: stream, fact: fact, date: date, on: when, reason: reason)]

        case let .redact(seq, stream, fields, reason, on, originalHash, sha256):
            try Validate.text(reason, what: "reason")
            let when = on ?? today
            try Validate.notAfterToday(when, today, what: "date")
            guard !fields.isEmpty else { throw DomainError("A redaction must name at least one field whose text it takes out.") }
            return [.lineRedacted(seq: seq, stream: stream, fields: fields, reason: reason, on: when, originalHash: originalHash, sha256: sha256)]

        case let .correctReview(ref, field, value, reason, on):
            let r = try review(ref, state)
            try Validate.text(reason, what: "reason")
            guard let f = ReviewField(rawValue: field) else {
                throw DomainError("'\(field)' cannot be corrected on a review; correctable fields: \(ReviewField.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            let when = try dated(on, today, "A correction of \(ref)", notBefore: r.aware ?? r.opened, "it was recorded as happening")
            let isIncident = r.kind == .rapidReview
            var stored = value
            switch f {
            case .title:
                try Validate.text(value, what: "title")
            case .kind:
                guard let k = ReviewKind(rawValue: value) else {
                    throw DomainError("'\(value)' is not a kind of review; use one of: \(ReviewKind.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                if isIncident || k == .rapidReview {
                    throw DomainError("A rapid review is opened by its incident and cannot become another kind, nor another kind a rapid review; void it and record it again.")
                }
                if k.isStatutory != r.kind.isStatutory, !r.decisions.isEmpty || r.initiatedOn != nil {
                    throw DomainError("\(ref) was decided on as a \(r.kind.title); a statutory review and another kind have different lifecycles, so void it and record it again.")
                }
            case .opened, .aware, .incident:
                guard let d = LocalDate(value) else { throw DomainError(LocalDate.whyNot(value) + ".") }
                try Validate.notAfterToday(d, today, what: f.rawValue + " date")
                if f != .opened && !isIncident { throw DomainError("\(ref) is a \(r.kind.title); only an incident has its \(f.rawValue) date.") }
                stored = d.description
            case .child:
                guard isIncident else { throw DomainError("\(ref) is a \(r.kind.title); only an incident names its child.") }
                try Validate.pseudonym(value)
            case .summary:
                guard isIncident else { throw DomainError("\(ref) is a \(r.kind.title); only an incident has a summary.") }
                try Validate.text(value, what: "summary")
                try Validate.noPersonalData(value, what: "summary")
            }
            let from = r.currentValue(of: f) ?? ""
            if from == stored { return [] }
            return [.reviewCorrected(ref: ref, on: when, field: field, from: from, value: stored, reason: reason)]

        case let .correctRecommendation(id, field, value, reason, on):
            guard let rec = state.recommendations[id] else {
                throw DomainError("No recommendation '\(id)'. Give it as REF/R<n>, e.g. MSCP-LCSPR-2023-01/R1 ('casetrail show REF' lists them).")
            }
            try Validate.text(reason, what: "reason")
            guard let f = RecommendationField(rawValue: field) else {
                throw DomainError("'\(field)' cannot be corrected on a recommendation; correctable fields: \(RecommendationField.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            let when = try dated(on, today, "A correction of \(id)", notBefore: rec.on, "it was made")
            var stored = value
            switch f {
            case .text:
                try Validate.text(value, what: "recommendation text")
            case .on:
                guard let d = LocalDate(value) else { throw DomainError(LocalDate.whyNot(value) + ".") }
                try Validate.notAfterToday(d, today, what: "date")
                if let first = state.actions(of: rec).map(\.agreed).min(), d > first {
                    throw DomainError("\(id) cannot have been made on \(d.readable), after its first action was agreed (\(first.readable)).")
                }
                stored = d.description
            }
            let from = f == .text ? rec.text : rec.on.description
            if from == stored { return [] }
            return [.recommendationCorrected(rec: id, on: when, field: field, from: from, value: stored, reason: reason)]
        }
    }

    /// What voiding `target` takes with it (full references), the business date it carries, and
    /// those dependents in words ("2 recommendations (R1, R2)"), sign-offs included.
    static func voidable(_ target: String, _ state: State) throws(DomainError) -> (dependents: [String], recorded: LocalDate, words: [String]) {
        let parts = target.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            guard let r = state.reviews[target] else {
                throw DomainError("No review, recommendation or action '\(target)'. See 'casetrail reviews', or 'casetrail show REF' for its recommendations and actions.")
            }
            let created = state.reviews.values.filter { $0.from == target }.sorted { naturalOrder($0.ref, $1.ref) }
            var recs: [RecommendationItem] = [], actions: [ActionItem] = []
            for review in [r] + created {
                let theirs = state.recommendations(of: review)
                recs += theirs
                actions += theirs.flatMap { state.actions(of: $0) }
            }
            var words: [String] = []
            if !recs.isEmpty { words.append(counted(recs.count, "recommendation") + " (\(recs.map { $0.ref == target ? $0.id : $0.fullID }.joined(separator: ", ")))") }
            if !actions.isEmpty { words.append(counted(actions.count, "action") + " (\(actions.map { $0.ref == target ? "\($0.rec)/\(code($0))" : $0.id }.joined(separator: ", ")))") }
            if !created.isEmpty { words.append(counted(created.count, "review") + " opened from it (\(created.map(\.ref).joined(separator: ", ")))") }
            return (recs.map(\.fullID) + actions.map(\.id) + created.map(\.ref), r.aware ?? r.opened, words)
        case 2:
            guard let rec = state.recommendations[target] else {
                throw DomainError("No recommendation '\(target)'. 'casetrail show \(parts[0])' lists its recommendations.")
            }
            let actions = state.actions(of: rec)
            return (actions.map(\.id), rec.on, actions.isEmpty ? [] : [counted(actions.count, "action") + " (\(actions.map(code).joined(separator: ", ")))"])
        case 3:
            guard let a = state.actions[target] else {
                throw DomainError("No action '\(target)'. See 'casetrail outstanding' for the actions.")
            }
            let given = a.signOffs.filter { !$0.refused }
            let words = given.isEmpty ? [] : ["its " + counted(given.count, "sign-off") + " (" + given.map { "\($0.stage.rawValue) on \($0.on.readable)" }.joined(separator: ", ") + ")"]
            return ([], a.agreed, words)
        default:
            throw DomainError("'\(target)' is not a reference; give a review (MSCP-LCSPR-2023-01), a recommendation (MSCP-LCSPR-2023-01/R1) or an action (MSCP-LCSPR-2023-01/R1/A1).")
        }
    }

    private static func code(_ a: ActionItem) -> String { parseActionID(a.id)?.action ?? a.id }

    private static func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// Takes a voided entry out of the state, as if it had never been recorded.
    static func remove(_ id: String, from s: inout State) {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 3:
            s.recommendations.update("\(parts[0])/\(parts[1])") { $0.actions.removeAll { $0 == id } }
            s.actions.remove(id)
        case 2:
            s.reviews.update(parts[0]) { $0.recommendations.removeAll { $0 == parts[1] } }
            s.recommendations.remove(id)
        default:
            if let from = s.reviews[id]?.from { s.reviews.update(from) { $0.linked.removeAll { $0 == id } } }
            s.reviews.remove(id)
        }
    }
}

extension Review {
    /// The present value of a correctable field, as text (nil where the review has none).
    public func currentValue(of field: ReviewField) -> String? {
        switch field {
        case .title: return title
        case .kind: return kind.rawValue
        case .opened: return opened.description
        case .child: return child
        case .aware: return aware?.description
        case .incident: return incident?.description
        case .summary: return summary
        }
    }
}
