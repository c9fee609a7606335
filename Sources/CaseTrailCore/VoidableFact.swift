/// One fact that can be voided on its own (`void seq:N`): an update, a revised date, a sign-off or
/// its refusal, a milestone, a decision. It names what it was about and when it happened, so the
/// void can be decided again from its own line.
public struct VoidableFact: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case update
        case dueRevision = "due-revision"
        case actionSignOff = "action-sign-off"
        case signOffRefusal = "sign-off-refusal"
        case milestone
        case decision
        case reviewSignOff = "review-sign-off"
    }

    public var kind: Kind
    /// The review (REF) or action (REF/R1/A1) it is about.
    public var subject: String
    /// The sign-off stage, milestone or decision it records, as the log names it.
    public var detail: String?
    public var happened: LocalDate

    public init(kind: Kind, subject: String, detail: String? = nil, happened: LocalDate) {
        self.kind = kind
        self.subject = subject
        self.detail = detail
        self.happened = happened
    }

    /// "the update of MSCP-LLR-2023-01/R1/A1 on 14 Feb 2023", for history and refusals.
    public var words: String {
        let what: String
        switch kind {
        case .update: what = "the update"
        case .dueRevision: what = "the revised due date"
        case .actionSignOff: what = "the \(detail ?? "") sign-off"
        case .signOffRefusal: what = "the refusal of the \(detail ?? "") sign-off"
        case .milestone: what = "the milestone '\(detail ?? "")'"
        case .decision: what = "the decision '\(detail ?? "")'"
        case .reviewSignOff: what = "the sign-off of the \(detail ?? "")"
        }
        return "\(what) of \(subject) on \(happened.readable)"
    }
}

extension Event {
    /// What voiding this fact alone would take away, if it is one that can be voided alone.
    /// A decision that opened another review is not: that review is voided instead.
    public var voidable: VoidableFact? {
        switch self {
        case let .actionUpdated(id, on, _, _, _, _):
            return VoidableFact(kind: .update, subject: id, happened: on)
        case let .actionDueRevised(id, on, _, _, _):
            return VoidableFact(kind: .dueRevision, subject: id, happened: on)
        case let .actionSignedOff(id, on, stage, _, _):
            return VoidableFact(kind: .actionSignOff, subject: id, detail: stage.rawValue, happened: on)
        case let .actionSignOffRefused(id, on, stage, _, _):
            return VoidableFact(kind: .signOffRefusal, subject: id, detail: stage.rawValue, happened: on)
        case let .milestoneRecorded(ref, what, on, _, _):
            return VoidableFact(kind: .milestone, subject: ref, detail: what.rawValue, happened: on)
        case let .reviewDecided(ref, on, outcome, _, _, creates, _, _):
            return creates == nil ? VoidableFact(kind: .decision, subject: ref, detail: outcome.rawValue, happened: on) : nil
        case let .reviewSignedOff(ref, what, on, _, _, _, _):
            return VoidableFact(kind: .reviewSignOff, subject: ref, detail: what.rawValue, happened: on)
        case .partnershipInitialised, .memberAdded, .memberRetired, .memberLoginBound, .memberEmailSet, .agencyAdded, .agencyAliasAdded, .bankHolidayAdded,
             .policySet, .seriousIncidentRecorded, .reviewOpened, .rapidReviewCompleted, .panelResponded, .reviewScreened, .publicationWithheld,
             .reviewGraded, .auditResultsRecorded, .reviewDelayed, .reviewClosed, .recommendationAdded, .recommendationResponded, .trackerImported,
             .actionAdded, .actionImplemented, .actionImpactRecorded, .actionTransferred, .actionCarriedForward, .actionWithdrawn, .actionReopened,
             .actionCorrected, .reviewCorrected, .recommendationCorrected, .entryVoided, .lineRedacted, .eventVoided, .eventRedated:
            return nil
        }
    }

    /// This update or sign-off as if recorded with the business date `date` (nil for any other fact).
    public func redated(to date: LocalDate) -> Event? {
        switch self {
        case let .actionUpdated(id, _, note, rag, evidence, by): return .actionUpdated(action: id, on: date, note: note, rag: rag, evidence: evidence, attribution: by)
        case let .actionSignedOff(id, _, stage, complete, by): return .actionSignedOff(action: id, on: date, stage: stage, complete: complete, attribution: by)
        case let .actionSignOffRefused(id, _, stage, reason, by): return .actionSignOffRefused(action: id, on: date, stage: stage, reason: reason, attribution: by)
        default: return nil
        }
    }
}
