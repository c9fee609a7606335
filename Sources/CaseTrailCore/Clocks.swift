/// The partnership's own choices, recorded as `policy_set` events; defaults follow the guidance.
public enum PolicyName: String, CaseIterable, Sendable {
    /// `notification` (default): the 15 days run from the notification; `awareness`: from awareness.
    case rapidReviewFrom = "rapid-review-from"
    /// `no` (default) or `yes`: whether actions need a board sign-off after the executive's.
    case boardStage = "board-stage"
    /// A number of days (default 60): how long a recommendation may wait for the partnership's response.
    case responseDueDays = "response-due-days"
    /// `no` (default) or `yes`: whether one member may give two stages of an action's sign-off on their own behalf.
    case separateSignOff = "separate-sign-off"
    /// `none` (default) or the path of an SSH private key: reports and papers end with their checkpoint signed by it.
    case checkpointKey = "checkpoint-key"

    /// The values it takes, the default first (for a number of days: the default alone).
    public var allowed: [String] {
        switch self {
        case .rapidReviewFrom: return ["notification", "awareness"]
        case .boardStage, .separateSignOff: return ["no", "yes"]
        case .responseDueDays: return ["60"]
        case .checkpointKey: return ["none"]
        }
    }

    /// Whether `value` is one this policy takes.
    public func accepts(_ value: String) -> Bool {
        switch self {
        case .rapidReviewFrom, .boardStage, .separateSignOff: return allowed.contains(value)
        case .responseDueDays: return value.count <= 3 && value.utf8.allSatisfy { (48...57).contains($0) } && (Int(value).map { (1...730).contains($0) } ?? false)
        case .checkpointKey: return !value.isEmpty && value.utf8.count <= 4096 && value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
        }
    }

    /// What it takes, in words.
    public var takes: String {
        switch self {
        case .rapidReviewFrom, .boardStage, .separateSignOff: return allowed.joined(separator: " or ")
        case .responseDueDays: return "a number of days from 1 to 730"
        case .checkpointKey: return "none, or the path of an SSH private key file such as /home/bm/.ssh/id_ed25519"
        }
    }

    public var defaultValue: String { allowed[0] }
}

/// A statutory clock: when it started, when it is due, and whether it was met.
public struct StatutoryClock: Equatable, Sendable {
    public enum Standing: String, Sendable {
        case met, missed, running, overdue
    }

    public var ref: String
    public var name: String
    public var start: LocalDate
    public var due: LocalDate
    public var completed: LocalDate?
    /// true or false once decided (met or missed, or overdue and not yet done); nil while running.
    public var met: Bool?
    public var standing: Standing
    public var workingDaysUsed: Int
    /// Working days left until the due date while running; nil otherwise.
    public var workingDaysLeft: Int?
    /// Why the start date is what it is, when that needs saying ("from awareness until notified").
    public var basis: String?
}

/// Works out every statutory clock of a review (PRODUCT.md "Time"; DOMAIN.md timescales).
public enum Clocks {
    public static func of(_ review: Review, calendar: WorkingCalendar, policy: [String: String], today: LocalDate) -> [StatutoryClock] {
        func clock(_ name: String, start: LocalDate, due: LocalDate, completed: LocalDate?, basis: String? = nil) -> StatutoryClock {
            let met: Bool?, standing: StatutoryClock.Standing
            if let c = completed {
                met = c <= due
                standing = c <= due ? .met : .missed
            } else if today > due {
                met = false
                standing = .overdue
            } else {
                met = nil
                standing = .running
            }
            let end = completed ?? today
            return StatutoryClock(ref: review.ref, name: name, start: start, due: due, completed: completed, met: met,
                                  standing: standing, workingDaysUsed: calendar.workingDays(after: start, through: end),
                                  workingDaysLeft: standing == .running ? calendar.workingDays(after: today, through: due) : nil,
                                  basis: basis)
        }

        var clocks: [StatutoryClock] = []
        switch review.kind {
        case .rapidReview:
            guard let aware = review.aware else { return [] }
            let notified = review.date(of: .notified)
            clocks.append(clock("notification", start: aware, due: calendar.adding(workingDays: 5, to: aware), completed: notified))
            let fromAwareness = policy[PolicyName.rapidReviewFrom.rawValue] == "awareness"
            let start = fromAwareness ? aware : (notified ?? aware)
            let basis = fromAwareness ? "counted from awareness (partnership policy)"
                : notified == nil ? "counted from awareness until a notification is recorded" : "counted from the notification"
            clocks.append(clock("rapid-review", start: start, due: calendar.adding(workingDays: 15, to: start),
                                completed: review.completion?.on, basis: basis))
        case .lcspr:
            guard let decided = review.initiatedOn else { return [] }
            let publicationDue = decided.adding(months: 6)
            let published = review.date(of: .published)
            if review.withheld == nil {
                clocks.append(clock("lcspr-publication", start: decided, due: publicationDue, completed: published))
            }
            let publication = published ?? publicationDue
            clocks.append(clock("panel-notice", start: decided, due: calendar.subtracting(workingDays: 7, from: publication),
                                completed: review.date(of: .sentToPanel),
                                basis: published == nil ? "7 working days before the publication due date" : "7 working days before publication"))
        case .scr:
            guard let decided = review.initiatedOn else { return [] }
            let completed = review.date(of: .reportReceived) ?? review.date(of: .submittedToOfsted)
            clocks.append(clock("scr-completion", start: decided, due: decided.adding(months: 6), completed: completed))
        default:
            break
        }
        return clocks
    }
}
