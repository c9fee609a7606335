extension Partnership {
    /// Review lifecycles: each kind's milestones in their legal order, refusing what comes too early.
    /// `replaying`: decided again over history, where rules added since a line was written do not judge it.
    static func decideReview(_ command: ReviewCommand, _ state: State, actor: String, today: LocalDate, replaying: Bool = false) throws(DomainError) -> [Event] {
        switch command {
        case let .recordIncident(ref, child, aware, incident, notified, summary):
            try Validate.reference(ref)
            try unused(ref, state)
            try Validate.pseudonym(child)
            if let s = summary { try Validate.noPersonalData(s, what: "summary") }
            try Validate.notAfterToday(aware, today, what: "awareness date")
            if let i = incident, i > aware {
                throw DomainError("The incident (\(i.readable)) cannot be after the local authority became aware of it (\(aware.readable)).")
            }
            var events: [Event] = [.seriousIncidentRecorded(ref: ref, child: child, aware: aware, incident: incident, summary: summary)]
            if let n = notified {
                try Validate.notAfterToday(n, today, what: "notification date")
                try notBefore(n, aware, "the notification", "the local authority became aware")
                events.append(.milestoneRecorded(ref: ref, what: .notified, on: n, note: nil, url: nil))
            }
            return events

        case let .openReview(ref, kind, title, from, on):
            try Validate.reference(ref)
            try unused(ref, state)
            try Validate.text(title, what: "title")
            if kind == .rapidReview {
                throw DomainError("A rapid review is opened by its serious incident: use 'casetrail incident notify \(ref) …'.")
            }
            let opened = on ?? today
            try Validate.notAfterToday(opened, today, what: "opening date")
            if let f = from { _ = try review(f, state) }
            return [.reviewOpened(ref: ref, kind: kind, title: title, on: opened, from: from, initiatedOn: nil)]

        case let .completeRapidReview(ref, on, recommendation, rationale):
            let r = try openReview(ref, state, kind: [.rapidReview], doing: "complete a rapid review")
            guard [.lcspr, .noReview, .otherReview].contains(recommendation) else {
                throw DomainError("A rapid review recommends lcspr, no-review or other-review.")
            }
            if let c = r.completion { throw DomainError("Rapid review \(ref) was already completed on \(c.on.readable).") }
            try Validate.text(rationale, what: "rationale")
            try dated(on, r, today)
            return [.rapidReviewCompleted(ref: ref, on: on, recommendation: recommendation, rationale: rationale)]

        case let .recordPanelResponse(ref, on, agrees, note):
            let r = try openReview(ref, state, kind: [.rapidReview], doing: "record the National Panel's response")
            guard let c = r.completion else {
                throw DomainError("The National Panel responds to a completed rapid review; record 'casetrail review rapid-complete \(ref)' first.")
            }
            try dated(on, r, today)
            try notBefore(on, c.on, "the Panel's response", "the rapid review was completed")
            return [.panelResponded(ref: ref, on: on, agrees: agrees, note: note)]

        case let .screenReview(ref, on, recommendation, note):
            let r = try openReview(ref, state, kind: [.scr], doing: "record a screening panel's recommendation")
            guard [.thresholdMet, .thresholdNotMet, .defer, .otherReview].contains(recommendation) else {
                throw DomainError("A screening panel recommends threshold-met, threshold-not-met, defer or other-review.")
            }
            if let d = r.decisions.last, d.outcome != .defer {
                throw DomainError("The chair already decided on \(ref) (\(d.outcome.rawValue), \(d.on.readable)); screening comes before the decision.")
            }
            try dated(on, r, today)
            return [.reviewScreened(ref: ref, on: on, recommendation: recommendation, note: note)]

        case let .decideReview(ref, on, outcome, by, rationale, creates, createsTitle, reconvene, attribution):
            let r = try openReview(ref, state, kind: [.rapidReview, .lcspr, .scr], doing: "record a decision")
            try Validate.text(by, what: "deciding body (--by)")
            try Validate.text(rationale, what: "rationale")
            try dated(on, r, today)
            if let last = r.decisions.last, last.outcome != .defer {
                throw DomainError("\(ref) was already decided on \(last.on.readable) (\(last.outcome.rawValue)). A decision is recorded once; if the partners later chose differently, open the review that follows with 'casetrail review open'.")
            }
            if r.kind == .lcspr && r.initiatedOn != nil {
                throw DomainError("\(ref) was initiated on \(r.initiatedOn!.readable) by the decision that created it.")
            }
            if r.kind == .rapidReview {
                guard let c = r.completion else {
                    throw DomainError("The LCSPR decision follows the rapid review; record 'casetrail review rapid-complete \(ref)' first.")
                }
                try notBefore(on, c.on, "the decision", "the rapid review was completed")
            }
            if let last = r.decisions.last { try notBefore(on, last.on, "the decision", "the deferred decision") }
            if outcome == .defer {
                guard let back = reconvene else {
                    throw DomainError("A deferred decision needs the date the panel reconvenes: add --reconvene YYYY-MM-DD.")
                }
                if back <= on { throw DomainError("The reconvene date must be after the decision date.") }
            } else if reconvene != nil {
                throw DomainError("--reconvene goes only with --outcome defer.")
            }
            var events: [Event] = [.reviewDecided(ref: ref, on: on, outcome: outcome, by: by, rationale: rationale,
                                                  creates: creates, reconvene: reconvene, attribution: try attributed(attribution))]
            if let newRef = creates {
                guard r.kind == .rapidReview, outcome == .initiate || outcome == .otherReview else {
                    throw DomainError("--creates opens the LCSPR (or other review) that a rapid review's decision starts; use it with a rapid review and --outcome initiate or other-review.")
                }
                try Validate.reference(newRef)
                try unused(newRef, state)
                let kind: ReviewKind = outcome == .initiate ? .lcspr : .llr
                let title = createsTitle ?? "\(kind == .lcspr ? "LCSPR" : "Learning review") following rapid review \(ref)"
                events.append(.reviewOpened(ref: newRef, kind: kind, title: title, on: on, from: ref,
                                            initiatedOn: kind == .lcspr ? on : nil))
            }
            return events

        case let .recordMilestone(ref, what, on, note, url):
            let r = try openReview(ref, state, kind: nil, doing: "record a milestone")
            try dated(on, r, today)
            try milestoneAllowed(what, r, on: on)
            return [.milestoneRecorded(ref: ref, what: what, on: on, note: note, url: url)]

        case let .withholdPublication(ref, on, reason):
            let r = try openReview(ref, state, kind: [.lcspr, .scr], doing: "withhold publication")
            try Validate.text(reason, what: "reason")
            try dated(on, r, today)
            if let p = r.date(of: .published) { throw DomainError("\(ref) was already published on \(p.readable).") }
            if r.withheld != nil { throw DomainError("Publication of \(ref) is already withheld.") }
            try requireInitiated(r, doing: "withhold its publication")
            return [.publicationWithheld(ref: ref, on: on, reason: reason)]

        case let .gradeReview(ref, on, by, grade):
            let r = try review(ref, state)
            guard r.kind == .scr else { throw DomainError("Only serious case reviews were graded (by Ofsted); \(ref) is a \(r.kind.title).") }
            try Validate.text(by, what: "grading body (--by)")
            try Validate.text(grade, what: "grade")
            try dated(on, r, today)
            guard r.date(of: .submittedToOfsted) != nil || r.date(of: .reportReceived) != nil else {
                throw DomainError("\(ref) can be graded once its report is done; record 'casetrail review milestone \(ref) --what submitted-to-ofsted' first.")
            }
            if let g = r.grade { throw DomainError("\(ref) was already graded '\(g.grade)' by \(g.by) on \(g.on.readable).") }
            return [.reviewGraded(ref: ref, on: on, by: by, grade: grade)]

        case let .recordAuditResults(ref, on, counts):
            let r = try review(ref, state)
            let levels = AuditLevel.levels(for: r.kind)
            guard !levels.isEmpty else { throw DomainError("Only multi-agency and Section 11 audits record results; \(ref) is a \(r.kind.title).") }
            if let wrong = counts.first(where: { !levels.contains($0.level) }) {
                throw DomainError("A \(r.kind.title) counts \(spokenList(levels.map(\.words))); '\(wrong.level.words)' is not one of them.")
            }
            guard counts.allSatisfy({ (0...100_000).contains($0.count) }), counts.reduce(0, { $0 + $1.count }) > 0 else {
                throw DomainError("Give how many cases (or standards) at each level: whole numbers, at least one of them more than 0.")
            }
            guard Set(counts.map(\.level)).count == counts.count else { throw DomainError("Each level is given once.") }
            try dated(on, r, today)
            if let earlier = r.auditResults { throw DomainError("\(ref) already has results, recorded for \(earlier.on.readable).") }
            let ordered = levels.compactMap { level in counts.first { $0.level == level } }
            return [.auditResultsRecorded(ref: ref, on: on, counts: ordered)]

        case let .delayReview(ref, reason, expected, on):
            let r = try openReview(ref, state, kind: nil, doing: "record a delay")
            try Validate.text(reason, what: "reason")
            let when = on ?? today
            try dated(when, r, today)
            if let e = expected, e < when {
                throw DomainError("The expected date \(e.readable) is before the delay (\(when.readable)); give the date it is now expected, from then on.")
            }
            return [.reviewDelayed(ref: r.ref, on: when, reason: reason, expected: expected)]

        case let .closeReview(ref, on):
            let r = try openReview(ref, state, kind: nil, doing: "close it")
            try dated(on, r, today)
            switch r.kind {
            case .rapidReview:
                if r.decisions.last.map({ $0.outcome == .defer }) ?? true {
                    throw DomainError("Rapid review \(ref) cannot close before the partners' decision; record 'casetrail review decide \(ref)' first.")
                }
            case .lcspr, .scr:
                let stopped = r.decisions.last.map { $0.outcome == .notInitiate || $0.outcome == .otherReview } ?? false
                if !stopped && r.date(of: .published) == nil && r.withheld == nil {
                    throw DomainError("\(ref) cannot close until it is published or publication is withheld.")
                }
            case .llr, .audit, .section11, .inspection, .peerReview, .external, .national, .plan:
                break
            }
            let open = state.recommendations(of: r).flatMap { state.actions(of: $0) }.filter(\.isOutstanding)
            if !open.isEmpty {
                throw DomainError("\(ref) still has \(open.count) outstanding action\(open.count == 1 ? "" : "s") (\(open.prefix(3).map(\.id).joined(separator: ", "))); sign them off, transfer or withdraw them first.")
            }
            return [.reviewClosed(ref: ref, on: on)]

        case let .signOffReview(ref, what, on, partner, refusal, attribution):
            let r = try openReview(ref, state, kind: nil, doing: "record a sign-off")
            try dated(on, r, today)
            if let reason = refusal { try Validate.text(reason, what: "reason for refusing") }
            var signer: Partner?
            if what == .rapidReview {
                guard r.kind == .rapidReview else { throw DomainError("\(ref) is a \(r.kind.title), not a rapid review.") }
                let member = state.activeMember(actor)
                signer = member?.partner ?? partner
                guard let p = signer else {
                    throw DomainError("A rapid review is signed by each of the three partners; say which with --partner la|police|health.")
                }
                if let own = member?.partner, let asked = partner, own != asked {
                    throw DomainError("'\(actor)' signs for \(own.rawValue), not \(asked.rawValue).")
                }
                if refusal == nil, r.partnersSigned.contains(p), let given = r.signOffs.last(where: { $0.what == .rapidReview && $0.partner == p && !$0.refused }) {
                    throw DomainError("\(ref) already has the rapid-review sign-off of \(p.rawValue), given on \(given.on.readable).")
                }
            }
            // Each sign-off once, as an action's stages are (older logs may hold repeats, so replay lets them be).
            if what != .rapidReview, refusal == nil, !replaying, let given = r.signOffs.last(where: { $0.what == what && !$0.refused }) {
                throw DomainError("\(ref) already has the \(what.rawValue) sign-off, given on \(given.on.readable).")
            }
            if what == .finalReport, r.date(of: .reportReceived) == nil {
                throw DomainError("The final report of \(ref) can be signed off once received; record 'casetrail review milestone \(ref) --what report-received' first.")
            }
            return [.reviewSignedOff(ref: ref, what: what, on: on, partner: signer, refused: refusal != nil, reason: refusal, attribution: try attributed(attribution))]

        }
    }

    /// Which milestones may be recorded now, given the review's kind and history.
    static func milestoneAllowed(_ what: Milestone, _ r: Review, on: LocalDate) throws(DomainError) {
        if r.milestones.contains(where: { $0.what == what }) && what != .briefingPublished {
            throw DomainError("\(r.ref) already has '\(what.rawValue)' recorded (\(r.date(of: what)!.readable)).")
        }
        switch what {
        case .notified:
            guard r.kind == .rapidReview else { throw DomainError("'notified' is the serious incident notification of a rapid review; \(r.ref) is a \(r.kind.title).") }
            if let aware = r.aware { try notBefore(on, aware, "the notification", "the local authority became aware") }
        case .commissioned, .termsAgreed:
            try requireInitiated(r, doing: "record '\(what.rawValue)'")
        case .reportReceived:
            try requireInitiated(r, doing: "record its report")
        case .sentToPanel:
            guard r.kind == .lcspr || r.kind == .scr else { throw DomainError("Final reports are sent to the National Panel for LCSPRs; \(r.ref) is a \(r.kind.title).") }
            guard let received = r.date(of: .reportReceived) else {
                throw DomainError("\(r.ref)'s final report must be received before it is sent to the Panel; record 'report-received' first.")
            }
            try notBefore(on, received, "sending to the Panel", "the report was received")
        case .published:
            if r.withheld != nil { throw DomainError("Publication of \(r.ref) was withheld on \(r.withheld!.on.readable).") }
            if r.kind.isStatutory || r.kind == .llr {
                guard let received = r.date(of: .reportReceived) else {
                    throw DomainError("\(r.ref) can be published once its report is received; record 'report-received' first.")
                }
                try notBefore(on, received, "publication", "the report was received")
            }
            try requireInitiated(r, doing: "publish it")
        case .briefingPublished:
            try requireInitiated(r, doing: "publish a briefing")
        case .submittedToOfsted:
            guard r.kind == .scr else { throw DomainError("Only serious case reviews were submitted to Ofsted; \(r.ref) is a \(r.kind.title).") }
            try requireInitiated(r, doing: "submit it to Ofsted")
        }
    }

    /// LCSPRs and SCRs need a decision to initiate before any work on them.
    static func requireInitiated(_ r: Review, doing: String) throws(DomainError) {
        guard r.kind.isStatutory else { return }
        if let d = r.decisions.last, d.outcome == .defer {
            throw DomainError("The decision on \(r.ref) was deferred until \(d.reconvene!.readable); record the decision before you \(doing).")
        }
        guard r.initiatedOn != nil else {
            throw DomainError("\(r.ref) has no decision to initiate yet; record 'casetrail review decide \(r.ref) --outcome initiate' before you \(doing).")
        }
    }

    static func review(_ ref: String, _ state: State) throws(DomainError) -> Review {
        guard let r = state.reviews[ref] else {
            throw DomainError("No review '\(ref)'. See 'casetrail reviews' for the references.")
        }
        return r
    }

    /// The review, refusing a closed one or one of another kind.
    static func openReview(_ ref: String, _ state: State, kind: [ReviewKind]?, doing: String) throws(DomainError) -> Review {
        let r = try review(ref, state)
        if let kinds = kind, !kinds.contains(r.kind) {
            throw DomainError("\(ref) is a \(r.kind.title); you can only \(doing) on a \(kinds.map(\.title).joined(separator: " or ")).")
        }
        if let closed = r.closedOn { throw DomainError("\(ref) was closed on \(closed.readable); nothing more can be recorded on it.") }
        return r
    }

    static func unused(_ ref: String, _ state: State) throws(DomainError) {
        if let r = state.reviews[ref] { throw DomainError("The reference \(ref) is already used by \(r.kind.title) '\(r.title)'. Choose another.") }
        if let v = state.voided[ref] {
            throw DomainError("The reference \(ref) was used by an entry voided on \(v.on.readable) (\(v.reason)); choose another, so that its history stays its own.")
        }
    }

    /// A fact's date must not be in the future, nor before the review began.
    static func dated(_ on: LocalDate, _ r: Review, _ today: LocalDate) throws(DomainError) {
        try Validate.notAfterToday(on, today, what: "date")
        try notBefore(on, r.aware ?? r.opened, "that", r.aware != nil ? "the local authority became aware" : "\(r.ref) was opened")
    }

    static func notBefore(_ d: LocalDate, _ earliest: LocalDate, _ what: String, _ since: String) throws(DomainError) {
        if d < earliest {
            throw DomainError("The date of \(what) (\(d.readable)) is before \(since) (\(earliest.readable)).")
        }
    }
}
