/// One line of an action query: an action, or a recommendation that has none yet.
public struct OutstandingItem: Equatable, Sendable {
    public var action: String?
    public var review: String
    public var recommendation: String
    public var text: String
    public var owner: String?
    public var lead: String?
    public var due: LocalDate?
    /// The due date in the source's own words ("Summer 2023"), when it had any.
    public var dueText: String?
    /// The due date first agreed, before any revision.
    public var originalDue: LocalDate?
    /// What success will look like, as the action plan says.
    public var success: String?
    public var status: String
    public var rag: RAG?
    public var daysOverdue: Int?
    /// The April–March year the action was agreed (or the recommendation made) in.
    public var yearOfOrigin: String
    /// The kind of the review the action answers.
    public var kind: ReviewKind?
}

/// A group of items with how many of them are overdue.
public struct OutstandingGroup: Equatable, Sendable {
    public var key: String
    public var count: Int
    public var overdue: Int
}

public enum GroupBy: String, CaseIterable, Sendable {
    case review, agency, year, lead, kind, rag
}

/// What every action query can be narrowed to; a field left nil lets everything through.
public struct ActionFilter: Equatable, Sendable {
    /// An agency code.
    public var agency: String?
    public var review: String?
    public var kind: ReviewKind?
    /// Any part of the lead's name or title, in any case.
    public var lead: String?
    public var rag: RAG?
    /// An action status, or "no-actions" for a recommendation with no actions yet.
    public var status: String?

    public init(agency: String? = nil, review: String? = nil, kind: ReviewKind? = nil, lead: String? = nil, rag: RAG? = nil, status: String? = nil) {
        (self.agency, self.review, self.kind, self.lead, self.rag, self.status) = (agency, review, kind, lead, rag, status)
    }

    /// The statuses `status` may name.
    public static let statuses = ActionStatus.allCases.map(\.rawValue) + ["no-actions"]

    public func admits(_ i: OutstandingItem) -> Bool {
        (agency == nil || i.owner == agency) && (review == nil || i.review == review) && (kind == nil || i.kind == kind)
            && (lead == nil || (i.lead.map { $0.lowercased().contains(lead!.lowercased()) } ?? false))
            && (rag == nil || i.rag == rag) && (status == nil || i.status == status)
    }
}

/// Read models over the state: the executive's questions (PRODUCT.md "Queries").
public enum Projections {
    /// Recommendations and actions not yet done, in review, recommendation and action order.
    /// A recommendation is outstanding while any of its actions is, or while it has none.
    public static func outstanding(_ state: State, today: LocalDate, filter: ActionFilter = ActionFilter()) -> [OutstandingItem] {
        // Only unsettled actions and recommendations can be outstanding (after a snapshot, the settled
        // ones are not even decoded); order them by review, then by when each was made.
        var kinds = ReviewKinds(state: state)
        var items: [OutstandingItem] = []
        for a in state.actions.unsettled where filter.review == nil || a.ref == filter.review {
            let i = item(a, today: today, kind: kinds[a.ref])
            if filter.admits(i) { items.append(i) }
        }
        for rec in state.recommendations.unsettled where rec.actions.isEmpty && (filter.review == nil || rec.ref == filter.review) {
            let i = OutstandingItem(action: nil, review: rec.ref, recommendation: rec.id, text: rec.text, owner: nil,
                                    lead: nil, due: nil, status: "no-actions", rag: nil, daysOverdue: nil,
                                    yearOfOrigin: rec.on.financialYear, kind: kinds[rec.ref])
            if filter.admits(i) { items.append(i) }
        }
        // Each review and recommendation looked up once (after a snapshot, a lookup decodes it).
        var recommendationOrder: [String: [String]] = [:], actionOrder: [String: [String]] = [:]
        func position(_ i: OutstandingItem) -> (Int, Int) {
            let recs = recommendationOrder[i.review] ?? { let r = state.reviews[i.review]?.recommendations ?? []; recommendationOrder[i.review] = r; return r }()
            let recIndex = recs.firstIndex(of: i.recommendation) ?? Int.max
            guard let action = i.action else { return (recIndex, -1) }
            let id = "\(i.review)/\(i.recommendation)"
            let actions = actionOrder[id] ?? { let a = state.recommendations[id]?.actions ?? []; actionOrder[id] = a; return a }()
            return (recIndex, actions.firstIndex(of: action) ?? -1)
        }
        // Reviews ranked once in natural order: comparing references at every comparison was most of the sort.
        let rank = Dictionary(uniqueKeysWithValues: Set(items.map(\.review)).sortedNaturally(by: { $0 }).enumerated().map { ($1, $0) })
        let keyed = items.map { ($0, rank[$0.review]!, position($0)) }
        return keyed.sorted { x, y in x.1 != y.1 ? x.1 < y.1 : x.2 < y.2 }.map(\.0)
    }

    /// Each review's kind looked up once (after a snapshot, a lookup decodes the review).
    struct ReviewKinds {
        let state: State
        var known: [String: ReviewKind] = [:]
        /// `readingWhole`: every review read at once, cheaper than searching for a quarter of them or more.
        init(state: State, readingWhole: Bool = false) {
            self.state = state
            if readingWhole { known = Dictionary(state.reviews.values.map { ($0.ref, $0.kind) }, uniquingKeysWith: { first, _ in first }) }
        }
        subscript(ref: String) -> ReviewKind? {
            mutating get {
                if let k = known[ref] { return k }
                let k = state.reviews[ref]?.kind
                known[ref] = k
                return k
            }
        }
    }

    /// An action as a query lists it.
    public static func item(_ a: ActionItem, today: LocalDate, kind: ReviewKind?) -> OutstandingItem {
        OutstandingItem(action: a.id, review: a.ref, recommendation: a.rec, text: a.text, owner: a.owner, lead: a.lead,
                        due: a.due, dueText: a.dueText, originalDue: a.originalDue, success: a.success, status: a.status.rawValue, rag: a.rag,
                        daysOverdue: a.daysOverdue(today: today), yearOfOrigin: a.agreed.financialYear, kind: kind)
    }

    /// Outstanding actions past their current due date and not implemented.
    public static func overdue(_ state: State, today: LocalDate, filter: ActionFilter = ActionFilter()) -> [OutstandingItem] {
        outstanding(state, today: today, filter: filter).filter { $0.daysOverdue != nil }
    }

    /// Counts by review, owning agency, financial year of origin, lead, review kind or RAG, in key order.
    public static func grouped(_ items: [OutstandingItem], by: GroupBy) -> [OutstandingGroup] {
        var groups: [String: OutstandingGroup] = [:]
        for i in items {
            let key: String
            switch by {
            case .review: key = i.review
            case .agency: key = i.owner ?? "(no actions yet)"
            case .year: key = i.yearOfOrigin
            case .lead: key = i.lead ?? "(no actions yet)"
            case .kind: key = i.kind?.rawValue ?? "(unknown)"
            case .rag: key = i.rag?.rawValue ?? "(no rating)"
            }
            groups[key, default: OutstandingGroup(key: key, count: 0, overdue: 0)].count += 1
            if i.daysOverdue != nil { groups[key]!.overdue += 1 }
        }
        return groups.values.sortedNaturally(by: \.key)
    }

    /// Open or in-progress actions due from today up to `days` days ahead.
    public static func due(_ state: State, today: LocalDate, within days: Int, filter: ActionFilter = ActionFilter()) -> [OutstandingItem] {
        let horizon = today.adding(days: days)
        return outstanding(state, today: today, filter: filter).filter { i in
            guard let d = i.due, i.status == ActionStatus.open.rawValue || i.status == ActionStatus.inProgress.rawValue else { return false }
            return d >= today && d <= horizon
        }
    }

    /// Implemented actions waiting for a sign-off, with the stage each waits for.
    public static func awaitingSignOff(_ state: State, today: LocalDate, stage: SignOffStage? = nil,
                                       filter: ActionFilter = ActionFilter()) -> [(item: OutstandingItem, action: ActionItem, stage: SignOffStage)] {
        let stages = state.signOffStages
        var kinds = ReviewKinds(state: state)
        return sortedActions(state, among: state.actions.unsettled, where: { $0.status == .implemented }).compactMap { a in
            guard a.stagesSigned.count < stages.count else { return nil }
            let next = stages[a.stagesSigned.count]
            let i = item(a, today: today, kind: kinds[a.ref])
            return (stage == nil || stage == next) && filter.admits(i) ? (i, a, next) : nil
        }
    }

    /// Implemented (or signed-off) actions with no evidence that they made a difference.
    public static func noImpactEvidence(_ state: State, today: LocalDate, filter: ActionFilter = ActionFilter()) -> [(item: OutstandingItem, action: ActionItem)] {
        filtered(state, today: today, filter: filter,
                 sortedActions(state, among: state.actions.values, where: { ($0.status == .implemented || $0.status == .signedOff) && $0.impactCount == 0 }))
    }

    /// Every action that passes `filter`, in review, recommendation and action order.
    public static func actions(_ state: State, today: LocalDate, filter: ActionFilter) -> [(item: OutstandingItem, action: ActionItem)] {
        filtered(state, today: today, filter: filter, sortedActions(state))
    }

    static func filtered(_ state: State, today: LocalDate, filter: ActionFilter, _ actions: [ActionItem]) -> [(item: OutstandingItem, action: ActionItem)] {
        var kinds = ReviewKinds(state: state, readingWhole: state.actions.isReadingWholeCheaper(than: actions.count))
        return actions.compactMap { a in
            let i = item(a, today: today, kind: kinds[a.ref])
            return filter.admits(i) ? (i, a) : nil
        }
    }

    /// Every action in review, recommendation and action order.
    public static func sortedActions(_ state: State) -> [ActionItem] {
        sortedActions(state, among: state.actions.values, where: { _ in true })
    }

    /// The actions of `actions` that pass `test`, in review, recommendation and action order. Each
    /// review and recommendation involved is looked up once (after a snapshot, a lookup decodes it).
    static func sortedActions(_ state: State, among actions: [ActionItem], where test: (ActionItem) -> Bool) -> [ActionItem] {
        var byReview: [String: [Int]] = [:]
        for i in actions.indices where test(actions[i]) { byReview[actions[i].ref, default: []].append(i) }
        var sorted: [ActionItem] = []
        sorted.reserveCapacity(byReview.values.reduce(0) { $0 + $1.count })
        // Each lookup after a snapshot is a search of its table: for a quarter of the reviews or more,
        // reading them all once is cheaper. (Recommendations are still looked up: reading them all at
        // once took 14 MiB more at 1,000,000 events, for no measurable gain.)
        let recommendationsOf = state.reviews.isReadingWholeCheaper(than: byReview.count)
            ? Dictionary(state.reviews.values.map { ($0.ref, $0.recommendations) }, uniquingKeysWith: { first, _ in first }) : nil
        for ref in byReview.keys.sortedNaturally(by: { $0 }) {
            let recs = (recommendationsOf.map { $0[ref] } ?? state.reviews[ref]?.recommendations) ?? []
            var byRec: [String: [Int]] = [:]
            for i in byReview[ref]! { byRec[actions[i].rec, default: []].append(i) }
            // Recommendations in the review's order (any it does not list last), actions in theirs.
            for rec in recs.filter({ byRec[$0] != nil }) + byRec.keys.filter({ !recs.contains($0) }).sorted(by: naturalOrder) {
                let order = state.recommendations["\(ref)/\(rec)"]?.actions ?? []
                let position = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                let mine = byRec[rec]!.sorted { (position[actions[$0].id] ?? Int.max, $0) < (position[actions[$1].id] ?? Int.max, $1) }
                sorted.append(contentsOf: mine.map { actions[$0] })
            }
        }
        return sorted
    }

    /// Every statutory clock of every review.
    public static func clocks(_ state: State, today: LocalDate) -> [StatutoryClock] {
        let calendar = state.calendar
        return state.sortedReviews.flatMap { Clocks.of($0, calendar: calendar, policy: state.policy, today: today) }
    }

    /// The clocks due in an April–March year ("2022-23").
    public static func timeliness(_ state: State, today: LocalDate, year: String?) -> [StatutoryClock] {
        clocks(state, today: today).filter { year == nil || $0.due.financialYear == year }
    }
}
