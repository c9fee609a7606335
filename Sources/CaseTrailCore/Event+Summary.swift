extension Event {
    /// One line a person can read in the history, e.g. "DI Smith revised the due date of
    /// MSCP-LLR-2023-01/R1/A1 from 31 Mar 2023 to 31 May 2023: trainer unavailable".
    public func summary(by who: String) -> String {
        func because(_ s: String?) -> String { s.map { ": \($0)" } ?? "" }
        switch self {
        case let .partnershipInitialised(name, code):
            return "\(who) created the log for \(name) (\(code))"
        case let .memberAdded(user, name, agency, roles, partner):
            let p = partner.map { ", partner for \($0.rawValue)" } ?? ""
            return "\(who) added \(user) (\(name), \(agency)) to the roster as \(roles.map(\.rawValue).joined(separator: ", "))\(p)"
        case let .memberEmailSet(user, email):
            return "\(who) set the email address of \(user) to \(email), for reminders"
        case let .memberLoginBound(user, login):
            return "\(who) bound \(user) to the login \(login): only that account may record as \(user)"
        case let .memberRetired(user, reason):
            return "\(who) retired \(user) from the roster" + because(reason)
        case let .agencyAdded(code, name, aliases):
            return "\(who) added agency \(code) (\(name))" + (aliases.isEmpty ? "" : ", also known as \(aliases.joined(separator: "; "))")
        case let .agencyAliasAdded(code, alias):
            return "\(who) recorded that agency \(code) is also known as \(alias)"
        case let .bankHolidayAdded(on, name):
            return "\(who) added the bank holiday \(name) on \(on.readable)"
        case let .policySet(name, value):
            return "\(who) set the partnership's policy \(name) to \(value)"
        case let .seriousIncidentRecorded(ref, child, aware, _, _):
            return "\(who) recorded a serious incident concerning \(child) (aware \(aware.readable)), opening rapid review \(ref)"
        case let .reviewOpened(ref, kind, title, on, from, _):
            return "\(who) opened \(kind.title) \(ref) '\(title)' on \(on.readable)" + (from.map { " from \($0)" } ?? "")
        case let .milestoneRecorded(ref, what, on, note, _):
            return "\(who) recorded \(ref) \(what.rawValue) on \(on.readable)" + because(note)
        case let .rapidReviewCompleted(ref, on, recommendation, _):
            return "\(who) recorded rapid review \(ref) completed on \(on.readable), recommending \(recommendation.rawValue)"
        case let .panelResponded(ref, on, agrees, note):
            return "\(who) recorded that the National Panel \(agrees ? "agreed" : "disagreed") with \(ref) on \(on.readable)" + because(note)
        case let .reviewScreened(ref, on, recommendation, _):
            return "\(who) recorded the screening panel's recommendation on \(ref) (\(on.readable)): \(recommendation.rawValue)"
        case let .reviewDecided(ref, on, outcome, by, _, creates, reconvene, attribution):
            var s = "\(who)\(attribution?.words ?? "") recorded the decision on \(ref) by \(by) on \(on.readable): \(outcome.rawValue)"
            if let r = reconvene { s += ", reconvening \(r.readable)" }
            if let c = creates { s += ", opening \(c)" }
            return s
        case let .publicationWithheld(ref, on, reason):
            return "\(who) recorded publication of \(ref) withheld on \(on.readable): \(reason)"
        case let .reviewGraded(ref, on, by, grade):
            return "\(who) recorded \(ref) graded \(grade) by \(by) on \(on.readable)"
        case let .reviewDelayed(ref, _, reason, expected):
            return "\(who) recorded a delay to \(ref)" + (expected.map { ", now expected \($0.readable)" } ?? "") + ": \(reason)"
        case let .reviewClosed(ref, on):
            return "\(who) closed \(ref) on \(on.readable)"
        case let .reviewSignedOff(ref, what, on, partner, refused, reason, attribution):
            let forWhom = partner.map { " for \($0.rawValue)" } ?? ""
            let by = "\(who)\(attribution?.words ?? "")"
            return refused ? "\(by) refused the \(what.rawValue) sign-off of \(ref)\(forWhom) on \(on.readable)" + because(reason)
                : "\(by) signed off the \(what.rawValue) of \(ref)\(forWhom) on \(on.readable)"
        case let .recommendationAdded(ref, rec, text, _):
            return "\(who) added recommendation \(ref)/\(rec): \(text)"
        case let .auditResultsRecorded(ref, on, counts):
            return "\(who) recorded the results of \(ref) for \(on.readable): " + counts.map { "\($0.count) \($0.level.words)" }.joined(separator: ", ")
        case let .recommendationResponded(rec, accepted, reason, on):
            return accepted ? "\(who) recorded that \(rec) was accepted on \(on.readable)" + (reason.map { ": \($0)" } ?? "")
                : "\(who) recorded that \(rec) was not accepted on \(on.readable): \(reason ?? "")"
        case let .trackerImported(ref, file, sha256, rows):
            return "\(who) imported \(file) into \(ref) (sha256 \(sha256.prefix(12))…, \(Set(rows.map { $0.prefix { $0 != " " } }).count) rows)"
        case let .actionAdded(action, text, owner, _, due, _, _, _):
            return "\(who) added action \(action) for \(owner), due \(due.readable): \(text)"
        case let .actionUpdated(action, _, note, rag, _, by):
            return "\(who)\(by?.words ?? "") updated \(action)" + (rag.map { " (\($0.rawValue))" } ?? "") + ": \(note)"
        case let .actionDueRevised(action, _, from, due, reason):
            return "\(who) revised the due date of \(action) from \(from.readable) to \(due.readable): \(reason)"
        case let .actionImplemented(action, on, evidence):
            return "\(who) marked \(action) implemented on \(on.readable): \(evidence)"
        case let .actionImpactRecorded(action, on, evidence, _):
            return "\(who) recorded evidence of impact for \(action) on \(on.readable): \(evidence)"
        case let .actionSignedOff(action, _, stage, complete, by):
            return "\(who)\(by?.words ?? "") gave the \(stage.rawValue) sign-off of \(action)" + (complete ? "; it is complete" : "")
        case let .actionSignOffRefused(action, _, stage, reason, by):
            return "\(who)\(by?.words ?? "") refused the \(stage.rawValue) sign-off of \(action), returning it to in-progress: \(reason)"
        case let .actionTransferred(action, _, to, reason):
            return "\(who) transferred \(action) to \(to): \(reason)"
        case let .eventRedated(seq, _, fact, date, _, reason):
            return "\(who) corrected the date of line \(seq), \(fact.words), to \(date.readable): \(reason)"
        case let .eventVoided(seq, _, fact, on, reason):
            return "\(who) voided line \(seq), \(fact.words), as entered in error on \(on.readable): \(reason)"
        case let .lineRedacted(seq, _, fields, reason, on, _, _):
            return "\(who) redacted the \(spokenList(fields, joinedBy: "and")) of line \(seq) on \(on.readable), as personal data: \(reason)"
        case let .entryVoided(target, on, reason, dependents, _):
            return "\(who) voided \(target) as entered in error on \(on.readable)" + (dependents.isEmpty ? "" : dependents.count == 1 ? ", with \(dependents[0]), which depends on it" : ", with the \(dependents.count) entries that depend on it") + ": \(reason)"
        case let .actionCarriedForward(action, on, to):
            return "\(who) carried \(action) forward to \(to) on \(on.readable)"
        case let .actionWithdrawn(action, _, reason):
            return "\(who) withdrew \(action): \(reason)"
        case let .actionReopened(action, _, reason):
            return "\(who) reopened \(action): \(reason)"
        case let .actionCorrected(action, _, field, value, reason, from):
            return "\(who) corrected the \(field) of \(action)" + (from.map { " from '\($0)'" } ?? "") + " to '\(value)': \(reason)"
        case let .reviewCorrected(ref, _, field, from, value, reason):
            return "\(who) corrected the \(field) of \(ref) from '\(from)' to '\(value)': \(reason)"
        case let .recommendationCorrected(rec, _, field, from, value, reason):
            return "\(who) corrected the \(field) of \(rec) from '\(from)' to '\(value)': \(reason)"
        }
    }
}
