/// The kinds of review a partnership runs (DOMAIN.md "The review kinds and their lifecycles").
/// The levels an audit's results count: case gradings (multi-agency audits, as CFAG reports them)
/// or standards met (Section 11 audits).
public enum AuditLevel: String, CaseIterable, Sendable {
    case outstanding, good, requiresImprovement = "requires-improvement", inadequate
    case fullyMet = "fully-met", partiallyMet = "partially-met", notMet = "not-met"

    /// The levels an audit of this kind counts (none for other kinds).
    public static func levels(for kind: ReviewKind) -> [AuditLevel] {
        switch kind {
        case .audit: return [.outstanding, .good, .requiresImprovement, .inadequate]
        case .section11: return [.fullyMet, .partiallyMet, .notMet]
        case .rapidReview, .lcspr, .scr, .llr, .inspection, .peerReview, .external, .national, .plan: return []
        }
    }

    public var words: String { String(rawValue.map { $0 == "-" ? " " : $0 }) }
}

/// An audit's results: how many cases (or standards) at each level.
public struct AuditResults: Equatable, Sendable {
    public var on: LocalDate
    public var counts: [AuditCount]

    public init(on: LocalDate, counts: [AuditCount]) {
        self.on = on
        self.counts = counts
    }

    public var total: Int { counts.reduce(0) { $0 + $1.count } }
}

public struct AuditCount: Equatable, Sendable {
    public var level: AuditLevel
    public var count: Int

    public init(level: AuditLevel, count: Int) {
        self.level = level
        self.count = count
    }
}

public enum ReviewKind: String, CaseIterable, Sendable {
    case rapidReview = "rapid-review"
    case lcspr, scr, llr, audit, section11, inspection
    case peerReview = "peer-review"
    case external, national
    /// A business, strategic or work plan: its objectives are recommendations, its actions the plan's rows.
    case plan

    /// How the kind reads in a sentence.
    public var title: String {
        switch self {
        case .rapidReview: return "rapid review"
        case .lcspr: return "LCSPR"
        case .scr: return "serious case review"
        case .llr: return "learning lessons review"
        case .audit: return "multi-agency audit"
        case .section11: return "Section 11 audit"
        case .inspection: return "inspection"
        case .peerReview: return "peer review"
        case .external: return "external review"
        case .national: return "national review"
        case .plan: return "plan"
        }
    }

    /// Statutory reviews whose decision to initiate starts a six-month clock.
    public var isStatutory: Bool { self == .lcspr || self == .scr }
}

/// Steps a review passes through, recorded with `review milestone`.
public enum Milestone: String, CaseIterable, Sendable {
    case notified, commissioned
    case termsAgreed = "terms-agreed"
    case reportReceived = "report-received"
    case sentToPanel = "sent-to-panel"
    case published
    case briefingPublished = "briefing-published"
    case submittedToOfsted = "submitted-to-ofsted"
}

/// What a rapid review (or an SCR screening panel) recommends.
public enum Recommendation: String, CaseIterable, Sendable {
    case lcspr
    case noReview = "no-review"
    case otherReview = "other-review"
    case thresholdMet = "threshold-met"
    case thresholdNotMet = "threshold-not-met"
    case `defer`
}

/// The outcome of a decision on whether to hold a review.
public enum DecisionOutcome: String, CaseIterable, Sendable {
    case initiate
    case notInitiate = "not-initiate"
    case `defer`
    case otherReview = "other-review"
}

/// What a review-level sign-off is for.
public enum ReviewSignOffSubject: String, CaseIterable, Sendable {
    case rapidReview = "rapid-review"
    case finalReport = "final-report"
    case actionPlan = "action-plan"
    case closure
}

/// A review's state, rebuilt from its events. Its status is derived from these facts.
public struct Review: Equatable, Sendable {
    public struct MilestoneRecord: Equatable, Sendable {
        public var what: Milestone
        public var on: LocalDate
        public var note: String?
        public var url: String?

        package init(what: Milestone, on: LocalDate, note: String? = nil, url: String? = nil) {
            self.what = what
            self.on = on
            self.note = note
            self.url = url
        }
    }
    public struct Completion: Equatable, Sendable {
        public var on: LocalDate
        public var recommendation: Recommendation
        public var rationale: String

        package init(on: LocalDate, recommendation: Recommendation, rationale: String) {
            self.on = on
            self.recommendation = recommendation
            self.rationale = rationale
        }
    }
    public struct PanelResponse: Equatable, Sendable {
        public var on: LocalDate
        public var agrees: Bool
        public var note: String?

        package init(on: LocalDate, agrees: Bool, note: String? = nil) {
            self.on = on
            self.agrees = agrees
            self.note = note
        }
    }
    public struct Screening: Equatable, Sendable {
        public var on: LocalDate
        public var recommendation: Recommendation
        public var note: String?

        package init(on: LocalDate, recommendation: Recommendation, note: String? = nil) {
            self.on = on
            self.recommendation = recommendation
            self.note = note
        }
    }
    public struct Decision: Equatable, Sendable {
        public var on: LocalDate
        public var outcome: DecisionOutcome
        public var by: String
        public var rationale: String
        public var creates: String?
        public var reconvene: LocalDate?

        package init(on: LocalDate, outcome: DecisionOutcome, by: String, rationale: String, creates: String? = nil, reconvene: LocalDate? = nil) {
            self.on = on
            self.outcome = outcome
            self.by = by
            self.rationale = rationale
            self.creates = creates
            self.reconvene = reconvene
        }
    }
    public struct Delay: Equatable, Sendable {
        public var on: LocalDate
        public var reason: String
        public var expected: LocalDate?

        package init(on: LocalDate, reason: String, expected: LocalDate? = nil) {
            self.on = on
            self.reason = reason
            self.expected = expected
        }
    }
    public struct Grade: Equatable, Sendable {
        public var on: LocalDate
        public var by: String
        public var grade: String

        package init(on: LocalDate, by: String, grade: String) {
            self.on = on
            self.by = by
            self.grade = grade
        }
    }
    public struct Withholding: Equatable, Sendable {
        public var on: LocalDate
        public var reason: String

        package init(on: LocalDate, reason: String) {
            self.on = on
            self.reason = reason
        }
    }
    public struct SignOff: Equatable, Sendable {
        public var what: ReviewSignOffSubject
        public var on: LocalDate
        public var partner: Partner?
        public var refused: Bool
        public var reason: String?

        package init(what: ReviewSignOffSubject, on: LocalDate, partner: Partner? = nil, refused: Bool, reason: String? = nil) {
            self.what = what
            self.on = on
            self.partner = partner
            self.refused = refused
            self.reason = reason
        }
    }

    public var ref: String
    public var kind: ReviewKind
    public var title: String
    public var opened: LocalDate
    public var from: String?
    public var child: String?
    public var aware: LocalDate?
    public var incident: LocalDate?
    public var summary: String?
    /// The date of the decision to initiate (an LCSPR or SCR), which starts its six-month clock.
    public var initiatedOn: LocalDate?
    public var milestones: [MilestoneRecord] = []
    public var completion: Completion?
    public var panelResponses: [PanelResponse] = []
    public var screenings: [Screening] = []
    public var decisions: [Decision] = []
    public var delays: [Delay] = []
    public var grade: Grade?
    /// A multi-agency audit's case gradings, or a Section 11 audit's standards met, and when they were recorded.
    public var auditResults: AuditResults?
    public var withheld: Withholding?
    public var closedOn: LocalDate?
    public var signOffs: [SignOff] = []
    /// Reviews opened from this one (`review decide --creates`, `review open --from`).
    public var linked: [String] = []
    /// Recommendation ids (R1, R2…) in the order they were made.
    public var recommendations: [String] = []

    /// The first date a milestone was recorded, if it was.
    public func date(of m: Milestone) -> LocalDate? { milestones.first { $0.what == m }?.on }

    public var isClosed: Bool { closedOn != nil }

    /// Partners whose latest rapid-review sign-off is a signature, not a refusal.
    public var partnersSigned: Set<Partner> {
        var latest: [Partner: Bool] = [:]
        for s in signOffs where s.what == .rapidReview { if let p = s.partner { latest[p] = !s.refused } }
        return Set(latest.filter { $0.value }.keys)
    }

    /// A rapid review report counts as signed off only when all three partners have signed.
    public var rapidReviewSignedOff: Bool { partnersSigned.count == Partner.allCases.count }

    /// The status users see, derived from the facts (PRODUCT.md "Statuses").
    public var status: String {
        if isClosed { return "closed" }
        let lastDecision = decisions.last
        switch kind {
        case .rapidReview:
            if let d = lastDecision { return d.outcome == .defer ? "deferred" : "decided" }
            if completion != nil { return "completed" }
            return date(of: .notified) != nil ? "notified" : "open"
        case .lcspr, .scr:
            if let d = lastDecision {
                switch d.outcome {
                case .defer: return "deferred"
                case .notInitiate: return "not-initiated"
                case .otherReview: return "other-review"
                case .initiate: break
                }
            } else if initiatedOn == nil {
                return "open"
            }
            return progress(started: "initiated")
        default:
            return progress(started: "open")
        }
    }

    private func progress(started: String) -> String {
        if withheld != nil { return "withheld" }
        if date(of: .published) != nil { return "published" }
        if date(of: .reportReceived) != nil || date(of: .submittedToOfsted) != nil { return "report-received" }
        if !milestones.isEmpty { return "in-progress" }
        return started
    }

    package init(ref: String, kind: ReviewKind, title: String, opened: LocalDate, from: String? = nil, child: String? = nil, aware: LocalDate? = nil, incident: LocalDate? = nil, summary: String? = nil, initiatedOn: LocalDate? = nil, milestones: [MilestoneRecord] = [], completion: Completion? = nil, panelResponses: [PanelResponse] = [], screenings: [Screening] = [], decisions: [Decision] = [], delays: [Delay] = [], grade: Grade? = nil, withheld: Withholding? = nil, closedOn: LocalDate? = nil, signOffs: [SignOff] = [], linked: [String] = [], recommendations: [String] = []) {
        self.ref = ref
        self.kind = kind
        self.title = title
        self.opened = opened
        self.from = from
        self.child = child
        self.aware = aware
        self.incident = incident
        self.summary = summary
        self.initiatedOn = initiatedOn
        self.milestones = milestones
        self.completion = completion
        self.panelResponses = panelResponses
        self.screenings = screenings
        self.decisions = decisions
        self.delays = delays
        self.grade = grade
        self.withheld = withheld
        self.closedOn = closedOn
        self.signOffs = signOffs
        self.linked = linked
        self.recommendations = recommendations
    }
}
