/// Every fact the log can hold. The stored `type` names are written out by hand in the store's `EventCodec`,
/// so renaming a Swift case never changes a byte on disk.
public enum Event: Equatable, Sendable {
    // Setup and roster
    case partnershipInitialised(name: String, code: String)
    case memberAdded(user: String, name: String, agency: String, roles: [Role], partner: Partner?)
    case memberRetired(user: String, reason: String?)
    case memberLoginBound(user: String, login: String)
    /// The address reminders to this member go to.
    case memberEmailSet(user: String, email: String)
    case agencyAdded(code: String, name: String, aliases: [String])
    case agencyAliasAdded(code: String, alias: String)
    case bankHolidayAdded(on: LocalDate, name: String)
    case policySet(name: String, value: String)

    // Reviews
    case seriousIncidentRecorded(ref: String, child: String, aware: LocalDate, incident: LocalDate?, summary: String?)
    case reviewOpened(ref: String, kind: ReviewKind, title: String, on: LocalDate, from: String?, initiatedOn: LocalDate?)
    case milestoneRecorded(ref: String, what: Milestone, on: LocalDate, note: String?, url: String?)
    case rapidReviewCompleted(ref: String, on: LocalDate, recommendation: Recommendation, rationale: String)
    case panelResponded(ref: String, on: LocalDate, agrees: Bool, note: String?)
    case reviewScreened(ref: String, on: LocalDate, recommendation: Recommendation, note: String?)
    case reviewDecided(ref: String, on: LocalDate, outcome: DecisionOutcome, by: String, rationale: String,
                       creates: String?, reconvene: LocalDate?, attribution: Attribution? = nil)
    case publicationWithheld(ref: String, on: LocalDate, reason: String)
    case reviewGraded(ref: String, on: LocalDate, by: String, grade: String)
    /// An audit's results: counts of cases at each grading, or of standards met.
    case auditResultsRecorded(ref: String, on: LocalDate, counts: [AuditCount])
    case reviewDelayed(ref: String, on: LocalDate, reason: String, expected: LocalDate?)
    case reviewClosed(ref: String, on: LocalDate)
    case reviewSignedOff(ref: String, what: ReviewSignOffSubject, on: LocalDate, partner: Partner?, refused: Bool, reason: String?,
                         attribution: Attribution? = nil)

    // Recommendations and actions
    case recommendationAdded(ref: String, rec: String, text: String, on: LocalDate)
    /// The partnership's formal response to a recommendation (`rec` is REF/R<n>).
    case recommendationResponded(rec: String, accepted: Bool, reason: String?, on: LocalDate)
    /// A tracker imported into a review: its file's name and SHA-256, and which of its rows gave
    /// which recommendations and actions ("4 R1", "4 R1/A1"); the facts follow it in the same command.
    case trackerImported(ref: String, file: String, sha256: String, rows: [String])
    case actionAdded(action: String, text: String, owner: String, lead: String, due: LocalDate, dueText: String?,
                     success: String?, on: LocalDate)
    case actionUpdated(action: String, on: LocalDate, note: String, rag: RAG?, evidence: String?, attribution: Attribution? = nil)
    case actionDueRevised(action: String, on: LocalDate, from: LocalDate, due: LocalDate, reason: String)
    case actionImplemented(action: String, on: LocalDate, evidence: String)
    case actionImpactRecorded(action: String, on: LocalDate, evidence: String, rating: String?)
    case actionSignedOff(action: String, on: LocalDate, stage: SignOffStage, complete: Bool, attribution: Attribution? = nil)
    case actionSignOffRefused(action: String, on: LocalDate, stage: SignOffStage, reason: String, attribution: Attribution? = nil)
    case actionTransferred(action: String, on: LocalDate, to: String, reason: String)
    /// An open action moved into another plan (`to` is its new reference there), keeping all it holds.
    case actionCarriedForward(action: String, on: LocalDate, to: String)
    case actionWithdrawn(action: String, on: LocalDate, reason: String)
    case actionReopened(action: String, on: LocalDate, reason: String)
    /// `from` is the value before (nil on lines written before it was kept).
    case actionCorrected(action: String, on: LocalDate, field: String, value: String, reason: String, from: String?)

    // Corrections
    /// A field of a review typed wrongly, put right (`from` is what it said).
    case reviewCorrected(ref: String, on: LocalDate, field: String, from: String, value: String, reason: String)
    /// A field of a recommendation typed wrongly, put right (`rec` is REF/R<n>).
    case recommendationCorrected(rec: String, on: LocalDate, field: String, from: String, value: String, reason: String)
    /// A review, recommendation or action entered in error, with every entry that goes with it
    /// (`dependents`, full references): from here on they are as if never recorded.
    case entryVoided(target: String, on: LocalDate, reason: String, dependents: [String], withDependents: Bool)
    /// The text of `fields` on line `seq` (of `stream`, which this event joins) replaced by `[redacted]`:
    /// personal data typed by mistake, taken out. `originalHash` is the hash that line keeps; `sha256`
    /// that of its new bytes, which this event vouches for (`verify` accepts the change only so).
    case lineRedacted(seq: Int, stream: String, fields: [String], reason: String, on: LocalDate, originalHash: String, sha256: String)
    /// One fact (line `seq`, of `stream`, which this event joins) entered in error: from here on every
    /// answer is as if that line had never been recorded (the ledger replays without it).
    case eventVoided(seq: Int, stream: String, fact: VoidableFact, on: LocalDate, reason: String)
    /// The date of one update or sign-off (line `seq`, of `stream`, which this event joins) typed
    /// wrongly: from here on every answer is as if it had been recorded with `date`.
    case eventRedated(seq: Int, stream: String, fact: VoidableFact, date: LocalDate, on: LocalDate, reason: String)
}

/// Who a decision, sign-off or update was recorded for, and where it was made: the business unit
/// records most things on behalf of the groups that decided them ("for the Executive, 14 Jun 2023,
/// minute 5"). `signer` is the member who recorded it, kept so a second stage can be told apart.
public struct Attribution: Equatable, Sendable {
    public var onBehalfOf: String?
    public var meeting: String?
    public var signer: String?

    public init(onBehalfOf: String? = nil, meeting: String? = nil, signer: String? = nil) {
        self.onBehalfOf = onBehalfOf
        self.meeting = meeting
        self.signer = signer
    }

    /// ", for the Executive (Executive, 14 June 2023, minute 5)", or "" when it says nothing.
    public var words: String {
        switch (onBehalfOf, meeting) {
        case let (body?, meeting?): return ", for \(body) (\(meeting)),"
        case let (body?, nil): return ", for \(body),"
        case let (nil, meeting?): return " (\(meeting))"
        case (nil, nil): return ""
        }
    }
}

/// The roles a roster member may hold (PRODUCT.md "Setup and roster").
public enum Role: String, CaseIterable, Sendable {
    case admin
    case businessUnit = "business-unit"
    case learningLessons = "learning-lessons"
    case executive
    case partner
    case agencyLead = "agency-lead"
    case auditor
}

/// The three statutory safeguarding partners.
public enum Partner: String, CaseIterable, Sendable {
    case localAuthority = "la"
    case police
    case health
}

extension Event {
    /// The stream an event belongs to; versions count within it.
    public var stream: String {
        switch self {
        case .partnershipInitialised: return "partnership"
        case .policySet: return "policy"
        case .bankHolidayAdded: return "calendar"
        case .memberAdded(let user, _, _, _, _), .memberRetired(let user, _), .memberLoginBound(let user, _), .memberEmailSet(let user, _): return "member-\(user)"
        case .agencyAdded(let code, _, _), .agencyAliasAdded(let code, _): return "agency-\(code)"
        case .seriousIncidentRecorded(let ref, _, _, _, _), .reviewOpened(let ref, _, _, _, _, _),
             .milestoneRecorded(let ref, _, _, _, _), .rapidReviewCompleted(let ref, _, _, _),
             .panelResponded(let ref, _, _, _), .reviewScreened(let ref, _, _, _),
             .reviewDecided(let ref, _, _, _, _, _, _, _), .publicationWithheld(let ref, _, _),
             .reviewGraded(let ref, _, _, _), .auditResultsRecorded(let ref, _, _), .reviewDelayed(let ref, _, _, _), .reviewClosed(let ref, _),
             .reviewSignedOff(let ref, _, _, _, _, _, _), .recommendationAdded(let ref, _, _, _), .trackerImported(let ref, _, _, _):
            return "review-\(ref)"
        case .recommendationResponded(let rec, _, _, _):
            return "review-\(rec.split(separator: "/").first.map(String.init) ?? rec)"
        case .reviewCorrected(let ref, _, _, _, _, _):
            return "review-\(ref)"
        case .recommendationCorrected(let rec, _, _, _, _, _):
            return "review-\(rec.split(separator: "/").first.map(String.init) ?? rec)"
        case .lineRedacted(_, let stream, _, _, _, _, _), .eventVoided(_, let stream, _, _, _), .eventRedated(_, let stream, _, _, _, _):
            return stream
        case .entryVoided(let target, _, _, _, _):
            let parts = target.split(separator: "/")
            return parts.count == 3 ? "action-\(target)" : "review-\(parts.first.map(String.init) ?? target)"
        case .actionAdded(let a, _, _, _, _, _, _, _), .actionUpdated(let a, _, _, _, _, _), .actionDueRevised(let a, _, _, _, _),
             .actionImplemented(let a, _, _), .actionImpactRecorded(let a, _, _, _), .actionSignedOff(let a, _, _, _, _),
             .actionSignOffRefused(let a, _, _, _, _), .actionTransferred(let a, _, _, _), .actionCarriedForward(let a, _, _), .actionWithdrawn(let a, _, _),
             .actionReopened(let a, _, _), .actionCorrected(let a, _, _, _, _, _):
            return "action-\(a)"
        }
    }

    /// The streams whose events have `ref` (a review or an action) as their subject.
    public static func streams(about ref: String) -> [String] { ["review-\(ref)", "action-\(ref)"] }

    /// The review or action this event is about, for `history REF|ACTION`.
    public var subject: String? {
        let s = stream
        if s.hasPrefix("review-") { return String(s.dropFirst(7)) }
        if s.hasPrefix("action-") { return String(s.dropFirst(7)) }
        return nil
    }

    /// The other review or action an event is about: where a carried-forward action went.
    public var alsoAbout: String? {
        if case let .actionCarriedForward(_, _, to) = self { return to }
        return nil
    }
}
