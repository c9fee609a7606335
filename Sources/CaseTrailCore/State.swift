/// Everything the deciders and queries need to know, rebuilt by folding the log with `evolve`.
/// The store may keep it as a snapshot beside the log (its layout is the store's business).
public struct State: Equatable, Sendable {
    public var partnership: PartnershipInfo?
    public var members: [String: Member] = [:]
    public var agencies: [String: Agency] = [:]
    /// Normalised agency name or alias → agency code, so old reports' names find their owner.
    public var agencyNames: [String: String] = [:]
    /// Operating-system login → the active member bound to it (replay asks on every line that has one).
    public var boundLogins: [String: String] = [:]
    /// Reviews by reference; closed ones may stay undecoded in a snapshot until asked for.
    public var reviews = RowTable<Review>()
    /// Recommendations by full id (`REF/R1`); those with actions may stay undecoded in a snapshot.
    public var recommendations = RowTable<RecommendationItem>()
    /// Actions by full id (`REF/R1/A1`); settled ones may stay undecoded in a snapshot.
    public var actions = RowTable<ActionItem>()
    /// Bank holidays recorded in the log, beyond the built-in calendar.
    public var addedHolidays: [LocalDate: String] = [:]
    public var policy: [String: String] = [:]
    /// Entries voided as entered in error, by full reference (those that went with another too).
    public var voided: [String: Voiding] = [:]

    public init() {}

    public var calendar: WorkingCalendar { WorkingCalendar(added: addedHolidays) }

    public func policy(_ name: PolicyName) -> String { policy[name.rawValue] ?? name.defaultValue }

    /// The sign-off stages an action passes through, in order: a board stage only where policy has one.
    public var signOffStages: [SignOffStage] { policy(.boardStage) == "yes" ? [.learningLessons, .executive, .board] : [.learningLessons, .executive] }

    /// Makes room for the rows a replay of about `events` events will add, in the proportions of
    /// real action plans (an action per ten events or so); growing tables move all their rows each
    /// time, which was a sixth of the replaying thread's time at a million events. An estimate too
    /// low only means the tables grow as usual.
    public mutating func reserveCapacity(forEvents events: Int) {
        reviews.reserveCapacity(events / 32)
        recommendations.reserveCapacity(events / 16)
        actions.reserveCapacity(events / 8)
    }
}

public struct PartnershipInfo: Equatable, Sendable {
    public var name: String
    public var code: String

    package init(name: String, code: String) {
        self.name = name
        self.code = code
    }
}

/// A person on the partnership's roster and what they may do.
public struct Member: Equatable, Sendable {
    public var user: String
    public var name: String
    public var agency: String
    public var roles: [Role]
    public var partner: Partner?
    public var retired: Bool = false
    /// The operating-system account this member records from, once bound.
    public var login: String?
    /// Where reminders to this member go, once set.
    public var email: String?

    public func has(_ role: Role) -> Bool { roles.contains(role) }

    /// Whether this member may record under another roster name (on behalf of a group or a person).
    public var recordsForOthers: Bool { has(.admin) || has(.businessUnit) }

    package init(user: String, name: String, agency: String, roles: [Role], partner: Partner? = nil, retired: Bool = false, login: String? = nil,
                 email: String? = nil) {
        self.email = email
        self.user = user
        self.name = name
        self.agency = agency
        self.roles = roles
        self.partner = partner
        self.retired = retired
        self.login = login
    }
}

/// Why and when an entry was voided; `with` names the entry it went with, when it was a dependent.
public struct Voiding: Equatable, Sendable {
    public var on: LocalDate
    public var reason: String
    public var with: String?

    public init(on: LocalDate, reason: String, with: String? = nil) {
        self.on = on
        self.reason = reason
        self.with = with
    }
}

/// An organisation that can own actions, known by a code and any number of names.
public struct Agency: Equatable, Sendable {
    public var code: String
    public var name: String
    public var aliases: [String]

    package init(code: String, name: String, aliases: [String]) {
        self.code = code
        self.name = name
        self.aliases = aliases
    }
}

extension State {
    /// Finds an agency by code or by any of its names, ignoring case and spacing.
    public func agency(named text: String) -> Agency? {
        if let a = agencies[text] { return a }
        if let a = agencies[text.uppercased()] { return a }
        return agencyNames[State.normalisedName(text)].flatMap { agencies[$0] }
    }

    /// The active (not retired) roster entry for a user.
    public func activeMember(_ user: String) -> Member? {
        guard let m = members[user], !m.retired else { return nil }
        return m
    }

    /// The active member an operating-system account is: the one bound to it, else (while no one
    /// is) the one whose roster name it is.
    public func member(loggedInAs login: String) -> Member? {
        if let user = boundLogins[login] { return activeMember(user) }
        return activeMember(login).flatMap { $0.login == nil ? $0 : nil }
    }

    static func normalisedName(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

extension State {
    /// Reviews in reference order. Every row is read where it lies, rather than each found again by its key.
    public var sortedReviews: [Review] { reviews.values.sortedNaturally(by: \.ref) }

    /// An action and the actions it was carried forward from, newest first: one action's whole history.
    public func lineage(of id: String) -> [String] {
        var ids = [id]
        while ids.count <= actions.count, let from = actions[ids.last!]?.carried?.from { ids.append(from) }
        return ids
    }

    /// A review's recommendations in natural order of their numbers (R2 before R10, 2.4 before 2.10).
    public func recommendations(of review: Review) -> [RecommendationItem] {
        review.recommendations.compactMap { recommendations["\(review.ref)/\($0)"] }
    }

    /// A recommendation's actions in natural order of their numbers.
    public func actions(of rec: RecommendationItem) -> [ActionItem] { rec.actions.compactMap { actions[$0] } }
}

extension Review: StateRow {
    public var key: String { ref }
    public var isSettled: Bool { isClosed }
}

extension RecommendationItem: StateRow {
    public var key: String { fullID }
    /// A recommendation with no actions yet is itself outstanding, unless the partnership decided not
    /// to accept it (the annual report lists those with the reasons).
    public var isSettled: Bool { !actions.isEmpty || response?.accepted == false }
}

extension ActionItem: StateRow {
    public var key: String { id }
    public var isSettled: Bool { !isOutstanding }
}
