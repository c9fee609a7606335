/// An April–March reporting year such as "2022-23".
public struct ReportingYear: Equatable, Sendable, CustomStringConvertible {
    public let startYear: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let start = Int(parts[0]), (1...9998).contains(start),
              Int(parts[1]) == (start + 1) % 100 else { return nil }
        startYear = start
    }

    public var first: LocalDate { LocalDate(year: startYear, month: 4, day: 1)! }
    public var last: LocalDate { LocalDate(year: startYear + 1, month: 3, day: 31)! }
    public func contains(_ d: LocalDate?) -> Bool { d.map { $0 >= first && $0 <= last } ?? false }
    public var description: String { "\(startYear)-" + pad((startYear + 1) % 100, 2) }

    /// The last day of each month, April to March.
    public var monthEnds: [LocalDate] {
        (0..<12).map { i in
            let m = (3 + i) % 12 + 1, y = i < 9 ? startYear : startYear + 1
            return LocalDate(year: y, month: m, day: LocalDate.daysIn(month: m, year: y))!
        }
    }
}

/// The learning-and-improvement figures of a partnership's annual report, by business date.
public struct AnnualReport: Equatable, Sendable {
    public struct KindCount: Equatable, Sendable {
        public var kind: ReviewKind
        public var initiated: Int
        public var published: Int
    }
    public struct AgencyCount: Equatable, Sendable {
        public var agency: String
        public var name: String
        public var outstanding: Int
        public var overdue: Int
    }
    public struct ClockCount: Equatable, Sendable {
        public var name: String
        public var met: Int
        public var missed: Int
        public var open: Int
    }

    public var year: ReportingYear
    /// Serious incidents the local authority became aware of in the year.
    public var incidents = 0
    /// Serious incident notifications sent to the National Panel in the year.
    public var notifications = 0
    public var rapidReviewsCompleted = 0
    /// Of those, completed within their 15 working days.
    public var rapidReviewsOnTime = 0
    public var reviews: [KindCount] = []
    public var actionsOpened = 0
    public var actionsImplemented = 0
    public var actionsSignedOff = 0
    public var outstandingAtYearEnd = 0
    public var overdueAtYearEnd = 0
    /// Outstanding at 31 March, by the April–March year the action was agreed in.
    public var outstandingByOrigin: [(year: String, count: Int)] = []
    public var outstandingByAgency: [AgencyCount] = []
    /// Statutory clocks due in the year.
    public var clocks: [ClockCount] = []
    /// Actions outstanding at the end of each month, April to March.
    public var monthEnds: [(date: LocalDate, outstanding: Int)] = []
    /// Audits whose results were recorded for a date in the year.
    public var auditResults: [(review: Review, results: AuditResults)] = []
    /// Recommendations the partnership did not accept in the year, with its reasons.
    public var notAccepted: [RecommendationItem] = []
    /// Recommendations still without a response at 31 March, made more than the policy's days before it.
    public var awaitingResponse: [(rec: RecommendationItem, days: Int)] = []

    public static func == (a: AnnualReport, b: AnnualReport) -> Bool {
        a.year == b.year && a.incidents == b.incidents && a.notifications == b.notifications
            && a.rapidReviewsCompleted == b.rapidReviewsCompleted && a.rapidReviewsOnTime == b.rapidReviewsOnTime
            && a.reviews == b.reviews && a.actionsOpened == b.actionsOpened && a.actionsImplemented == b.actionsImplemented
            && a.actionsSignedOff == b.actionsSignedOff && a.outstandingAtYearEnd == b.outstandingAtYearEnd
            && a.overdueAtYearEnd == b.overdueAtYearEnd && a.outstandingByOrigin.elementsEqual(b.outstandingByOrigin, by: ==)
            && a.outstandingByAgency == b.outstandingByAgency && a.clocks == b.clocks
            && a.monthEnds.elementsEqual(b.monthEnds, by: ==) && a.notAccepted == b.notAccepted
            && a.awaitingResponse.elementsEqual(b.awaitingResponse, by: ==)
            && a.auditResults.elementsEqual(b.auditResults, by: { $0.review.ref == $1.review.ref && $0.results == $1.results })
    }

    /// Works the figures out from the state; `today` decides which clocks are still running.
    public init(_ state: State, year: ReportingYear, today: LocalDate) {
        self.year = year
        let reviewsList = state.sortedReviews
        for r in reviewsList where r.kind == .rapidReview {
            if year.contains(r.aware) { incidents += 1 }
            if year.contains(r.date(of: .notified)) { notifications += 1 }
            if let c = r.completion, year.contains(c.on) {
                rapidReviewsCompleted += 1
                let clock = Clocks.of(r, calendar: state.calendar, policy: state.policy, today: today).first { $0.name == "rapid-review" }
                if clock?.met == true { rapidReviewsOnTime += 1 }
            }
        }
        for kind in ReviewKind.allCases where kind != .rapidReview {
            let ofKind = reviewsList.filter { $0.kind == kind }
            let started = ofKind.filter { year.contains(kind.isStatutory ? $0.initiatedOn : $0.opened) }.count
            let published = ofKind.filter { year.contains($0.date(of: .published) ?? $0.date(of: .briefingPublished)) }.count
            if started > 0 || published > 0 { reviews.append(KindCount(kind: kind, initiated: started, published: published)) }
        }
        // Only counted, so in no order: sorting every action cost more than the counting.
        let actions = state.actions.values
        for a in actions {
            // A carried-forward action was opened, and perhaps implemented, in the plan it came from.
            if a.carried == nil, year.contains(a.agreed) { actionsOpened += 1 }
            if !(a.carried?.arrivedImplemented ?? false), year.contains(a.implemented?.on) { actionsImplemented += 1 }
            if a.status == .signedOff, year.contains(a.closedOn) { actionsSignedOff += 1 }
        }
        let end = year.last
        let open = actions.filter { $0.wasOutstanding(at: end) }
        outstandingAtYearEnd = open.count
        overdueAtYearEnd = open.count { $0.wasOverdue(at: end) }
        var byOrigin: [String: Int] = [:]
        for a in open { byOrigin[a.agreed.financialYear, default: 0] += 1 }
        outstandingByOrigin = byOrigin.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var byAgency: [String: AgencyCount] = [:]
        for a in open {
            byAgency[a.owner, default: AgencyCount(agency: a.owner, name: state.agencies[a.owner]?.name ?? a.owner, outstanding: 0, overdue: 0)].outstanding += 1
            if a.wasOverdue(at: end) { byAgency[a.owner]!.overdue += 1 }
        }
        outstandingByAgency = byAgency.values.sorted { ($0.outstanding, $1.agency) > ($1.outstanding, $0.agency) }
        let due = Projections.timeliness(state, today: today, year: year.description)
        for name in ["notification", "rapid-review", "lcspr-publication", "panel-notice", "scr-completion"] {
            let these = due.filter { $0.name == name }
            if these.isEmpty { continue }
            clocks.append(ClockCount(name: name, met: these.filter { $0.met == true }.count, missed: these.filter { $0.met == false }.count,
                                     open: these.filter { $0.met == nil }.count))
        }
        monthEnds = year.monthEnds.map { d in (d, actions.count { $0.wasOutstanding(at: d) }) }
        for r in reviewsList { if let results = r.auditResults, year.contains(results.on) { auditResults.append((r, results)) } }
        let allowed = Int(state.policy(.responseDueDays)) ?? 60
        // A plan's objectives are the partnership's own: they await no response.
        for review in reviewsList where review.kind != .plan {
            for code in review.recommendations {
                guard let rec = state.recommendations["\(review.ref)/\(code)"] else { continue }
                if let r = rec.response, !r.accepted, year.contains(r.on) { notAccepted.append(rec) }
                let waited = end.dayNumber - rec.on.dayNumber
                if rec.on <= end, rec.response.map({ $0.on > end }) ?? true, waited > allowed { awaitingResponse.append((rec, waited)) }
            }
        }
    }
}

extension ActionItem {
    /// When the action left the plan: its completing sign-off, transfer or withdrawal.
    public var closedOn: LocalDate? {
        switch status {
        case .signedOff: return signOffs.last { !$0.refused }?.on
        case .transferred, .withdrawn: return exit?.on
        default: return nil
        }
    }

    /// Agreed by `day` (in this plan: carried into it by then) and not closed on it, by the business
    /// dates recorded (closed then reopened is outstanding again from the reopening).
    public func wasOutstanding(at day: LocalDate) -> Bool {
        (carried?.on ?? agreed) <= day && standing(at: day) != .closed
    }

    /// The due date in force on `day`, after the revisions recorded by then.
    public func due(at day: LocalDate) -> LocalDate {
        revisions.last { $0.on <= day }?.to ?? originalDue
    }

    /// Outstanding on `day`, past the due date then in force, and not implemented then.
    public func wasOverdue(at day: LocalDate) -> Bool {
        wasOutstanding(at: day) && due(at: day) < day && standing(at: day) == .open
    }
}
