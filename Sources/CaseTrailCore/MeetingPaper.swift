/// The bodies that meet to hold the partnership's actions to account, each giving one sign-off stage.
public enum MeetingBody: String, CaseIterable, Sendable {
    case executive
    case learningLessons = "learning-lessons"
    case board

    public var stage: SignOffStage {
        switch self {
        case .executive: return .executive
        case .learningLessons: return .learningLessons
        case .board: return .board
        }
    }

    public var title: String {
        switch self {
        case .executive: return "Executive"
        case .learningLessons: return "Learning Lessons sub-group"
        case .board: return "Board"
        }
    }
}

/// One action as a meeting paper shows it: everything a member needs without looking it up.
public struct PaperItem: Equatable, Sendable {
    public var action: ActionItem
    public var item: OutstandingItem
    public var reviewTitle: String
    public var agencyName: String
}

/// What one meeting reads: what changed since the last, what awaits its sign-off, what is overdue or
/// falling due, what lacks evidence of impact, the statutory clocks and the unanswered recommendations.
public struct MeetingPaper: Sendable {
    /// What kind of change a line made, in the order the paper lists them.
    public enum ChangeKind: String, CaseIterable, Sendable {
        case newActions = "new_actions", updates, implemented, impact, signOffs = "sign_offs", revisedDates = "revised_dates"
        case closedOrReopened = "closed_or_reopened", voids

        public var title: String {
            switch self {
            case .newActions: return "New actions"
            case .updates: return "Updates"
            case .implemented: return "Implemented"
            case .impact: return "Evidence of impact"
            case .signOffs: return "Signed off or sent back"
            case .revisedDates: return "Revised due dates"
            case .closedOrReopened: return "Transferred, withdrawn, carried forward or reopened"
            case .voids: return "Voided as entered in error"
            }
        }

        /// The kind of change a fact is, for the papers; nil for what a meeting is not asked about.
        public static func of(_ event: Event) -> ChangeKind? {
            switch event {
            case .actionAdded: return .newActions
            case .actionUpdated: return .updates
            case .actionImplemented: return .implemented
            case .actionImpactRecorded: return .impact
            case .actionSignedOff, .actionSignOffRefused: return .signOffs
            case .actionDueRevised: return .revisedDates
            case .actionTransferred, .actionWithdrawn, .actionCarriedForward, .actionReopened: return .closedOrReopened
            case .entryVoided, .eventVoided: return .voids
            case .partnershipInitialised, .memberAdded, .memberRetired, .memberLoginBound, .memberEmailSet, .agencyAdded, .agencyAliasAdded, .bankHolidayAdded,
                 .policySet, .seriousIncidentRecorded, .reviewOpened, .milestoneRecorded, .rapidReviewCompleted, .panelResponded, .reviewScreened,
                 .reviewDecided, .publicationWithheld, .reviewGraded, .auditResultsRecorded, .reviewDelayed, .reviewClosed, .reviewSignedOff,
                 .recommendationAdded, .recommendationResponded, .trackerImported, .actionCorrected, .reviewCorrected,
                 .recommendationCorrected, .lineRedacted, .eventRedated:
                return nil
            }
        }
    }

    /// One line of the log that changed something since the last meeting.
    public struct Change: Equatable, Sendable {
        public var seq: Int
        public var on: LocalDate?
        public var summary: String

        public init(seq: Int, on: LocalDate?, summary: String) {
            (self.seq, self.on, self.summary) = (seq, on, summary)
        }
    }

    public var body: MeetingBody
    public var today: LocalDate
    /// How many days ahead "due soon" looks.
    public var within: Int
    public var changes: [(kind: ChangeKind, changes: [Change])] = []
    /// Whether this body gives a sign-off stage of actions (the Board only with `policy set board-stage yes`).
    public var signsOff: Bool
    public var awaiting: [PaperItem] = []
    public var overdue: [PaperItem] = []
    public var dueSoon: [PaperItem] = []
    public var noImpact: [PaperItem] = []
    /// Clocks still running or overdue, and those missed since `missedFrom`.
    public var clocks: [StatutoryClock] = []
    /// Recommendations (of reviews, not plans) with no response yet, with how many days they have waited.
    public var unanswered: [(rec: RecommendationItem, days: Int)] = []

    /// The paper for `body` on `today`; `changes` are the lines since the last meeting (each with the
    /// kind of change it recorded: `ChangeKind.of` its event), and clocks missed from `missedFrom` on are listed.
    public init(_ state: State, body: MeetingBody, today: LocalDate, within: Int, missedFrom: LocalDate,
                changes lines: [(change: Change, kind: ChangeKind)]) {
        self.body = body
        self.today = today
        self.within = within
        signsOff = state.signOffStages.contains(body.stage)
        var byKind: [ChangeKind: [Change]] = [:]
        for line in lines { byKind[line.kind, default: []].append(line.change) }
        changes = ChangeKind.allCases.compactMap { kind in byKind[kind].map { (kind, $0) } }
        func paper(_ item: OutstandingItem, _ action: ActionItem) -> PaperItem {
            PaperItem(action: action, item: item, reviewTitle: state.reviews[action.ref]?.title ?? "",
                      agencyName: state.agencies[action.owner]?.name ?? action.owner)
        }
        func papers(_ items: [OutstandingItem]) -> [PaperItem] {
            items.compactMap { i in i.action.flatMap { state.actions[$0] }.map { paper(i, $0) } }
        }
        awaiting = Projections.awaitingSignOff(state, today: today, stage: body.stage).map { paper($0.item, $0.action) }
        overdue = papers(Projections.overdue(state, today: today))
        dueSoon = papers(Projections.due(state, today: today, within: within))
        noImpact = Projections.noImpactEvidence(state, today: today).map { paper($0.item, $0.action) }
        clocks = Projections.clocks(state, today: today).filter { c in
            switch c.standing {
            case .running, .overdue: return true
            case .missed: return c.due >= missedFrom
            case .met: return false
            }
        }
        for review in state.sortedReviews where review.kind != .plan && !review.isClosed {
            for rec in state.recommendations(of: review) where rec.response == nil && rec.on <= today {
                unanswered.append((rec, today.dayNumber - rec.on.dayNumber))
            }
        }
    }
}
