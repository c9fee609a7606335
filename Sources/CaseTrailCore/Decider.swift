/// The functional event-sourcing shape: pure decisions over state rebuilt from facts.
public protocol Decider {
    associatedtype Command
    associatedtype Event
    associatedtype State
    static var initialState: State { get }
    /// New facts for a command, `[]` when there is nothing to do, or a refusal that says why.
    static func decide(_ command: Command, _ state: State) throws(DomainError) -> [Event]
    /// Applies a fact already in the log. Total: it never fails.
    static func evolve(_ state: State, _ event: Event) -> State
}

/// The partnership's decider: roster, agencies, calendar, reviews, recommendations and actions.
public enum Partnership: Decider {
    /// A command arrives with its actor and "today" (a `Request`), never read from the clock.
    public typealias Command = Request
    public typealias Event = CaseTrailCore.Event
    public typealias State = CaseTrailCore.State

    public static var initialState: State { State() }

    public static func decide(_ request: Request, _ state: State) throws(DomainError) -> [Event] {
        if case .initialise(let name, let code, let adminName) = request.command {
            return try initialise(name: name, code: code, adminName: adminName, actor: request.actor, state)
        }
        guard let partnership = state.partnership else {
            throw DomainError("This log has no partnership yet. Create it with 'casetrail init --partnership NAME --code CODE'.")
        }
        try Authority.checkLoggedIn(request.login, as: request.actor, in: state)
        try Authority.check(request.command, by: request.actor, login: request.login, in: state, partnership: partnership)
        let events: [Event]
        switch request.command {
        case .initialise(let name, let code, let adminName):
            events = try initialise(name: name, code: code, adminName: adminName, actor: request.actor, state)
        case .setup(let command):
            events = try decideSetup(command, state)
        case .review(let command):
            events = try decideReview(command, state, actor: request.actor, today: request.today, replaying: request.replaying)
        case .action(let command):
            events = try decideAction(command, state, today: request.today, request: request)
        case .correction(let command):
            events = try decideCorrection(command, state, today: request.today)
        }
        if !events.isEmpty, !request.replaying, let personal = PersonalDataGuard.refusal(request.command) { throw DomainError(personal) }
        if !events.isEmpty, !request.again, let duplicate = Duplicates.refusal(request.command, state) { throw DomainError(duplicate) }
        return events
    }

    static func initialise(name: String, code: String, adminName: String?, actor: String, _ state: State) throws(DomainError) -> [Event] {
        if let p = state.partnership {
            throw DomainError("This log already belongs to \(p.name) (\(p.code)); a log holds one partnership.")
        }
        try Validate.text(name, what: "partnership name")
        try Validate.code(code, what: "partnership code")
        try Validate.identifier(actor, what: "actor")
        return [
            .partnershipInitialised(name: name, code: code),
            .memberAdded(user: actor, name: adminName ?? actor, agency: code, roles: [.admin], partner: nil),
        ]
    }

    /// A login is an account name of the safe alphabet, bound to one active member at most.
    static func checkLogin(_ login: String, for user: String, _ state: State) throws(DomainError) {
        try Validate.identifier(login, what: "login")
        if let other = state.boundLogins[login], other != user, state.activeMember(other) != nil {
            throw DomainError("The login '\(login)' is already bound to '\(other)'; one account records as one member.")
        }
    }

    static func decideSetup(_ command: SetupCommand, _ state: State) throws(DomainError) -> [Event] {
        switch command {
        case let .addMember(user, name, agency, roles, partner, login, email):
            try Validate.identifier(user, what: "user name")
            try Validate.text(name, what: "name")
            try Validate.text(agency, what: "agency")
            guard !roles.isEmpty else { throw DomainError("Give the member at least one role with --role.") }
            if state.activeMember(user) != nil {
                throw DomainError("'\(user)' is already on the roster. Retire them first to change their roles.")
            }
            if let other = state.members.keys.first(where: { $0 != user && $0.lowercased() == user.lowercased() }) {
                throw DomainError("'\(user)' differs only in case from '\(other)', already on the roster; user names must differ by more than that.")
            }
            if roles.contains(.partner) && partner == nil {
                throw DomainError("A member with role 'partner' must say which partner they represent: --partner la|police|health.")
            }
            if partner != nil && !roles.contains(.partner) {
                throw DomainError("--partner is only for members with role 'partner'; add 'partner' to --role.")
            }
            if roles.contains(.agencyLead) && state.agency(named: agency) == nil {
                throw DomainError("An agency lead's --agency must be a known agency, and '\(agency)' is not. Add it first with 'casetrail agency add'.")
            }
            let agencyCode = state.agency(named: agency)?.code ?? agency
            var added: [Event] = [.memberAdded(user: user, name: name, agency: agencyCode, roles: roles, partner: partner)]
            if let login {
                try checkLogin(login, for: user, state)
                added.append(.memberLoginBound(user: user, login: login))
            }
            if let email {
                try Validate.email(email)
                added.append(.memberEmailSet(user: user, email: email))
            }
            return added
        case let .setEmail(user, email):
            guard let member = state.activeMember(user) else {
                throw DomainError("'\(user)' is not an active member. See 'casetrail members'.")
            }
            try Validate.email(email)
            return member.email == email ? [] : [.memberEmailSet(user: user, email: email)]
        case let .bindLogin(user, login):
            guard let member = state.activeMember(user) else {
                throw DomainError("'\(user)' is not an active member. See 'casetrail members'.")
            }
            if member.login == login { return [] }
            if let bound = member.login {
                throw DomainError("'\(user)' is already bound to the login '\(bound)'. Retire and add them again to record from another account.")
            }
            try checkLogin(login, for: user, state)
            return [.memberLoginBound(user: user, login: login)]
        case let .retireMember(user, reason):
            guard state.activeMember(user) != nil else {
                throw DomainError("'\(user)' is not an active member. See 'casetrail members'.")
            }
            let admins = state.members.values.filter { !$0.retired && $0.has(.admin) && $0.user != user }
            if state.members[user]?.has(.admin) == true && admins.isEmpty {
                throw DomainError("'\(user)' is the last admin. Add another admin before retiring them.")
            }
            return [.memberRetired(user: user, reason: reason)]
        case let .addAgency(code, name, aliases):
            try Validate.code(code, what: "agency code")
            try Validate.text(name, what: "agency name")
            if state.agencies[code] != nil {
                throw DomainError("Agency \(code) already exists. Use 'casetrail agency alias \(code) NAME' to give it another name.")
            }
            if let same = state.agency(named: code) {
                throw DomainError("The code \(code) is already agency \(same.code)'s, ignoring case. Use 'casetrail agency alias \(same.code) NAME' to give it another name.")
            }
            for n in [name] + aliases {
                if let owner = state.agencyNames[State.normalisedName(n)] {
                    throw DomainError("The name '\(n)' already belongs to agency \(owner).")
                }
            }
            return [.agencyAdded(code: code, name: name, aliases: aliases)]
        case let .addAgencyAlias(agency, alias):
            try Validate.text(alias, what: "alias")
            guard let a = state.agency(named: agency) else {
                throw DomainError("No agency '\(agency)'. See 'casetrail agencies' for the codes.")
            }
            if let owner = state.agencyNames[State.normalisedName(alias)] {
                if owner == a.code { return [] }
                throw DomainError("The name '\(alias)' already belongs to agency \(owner).")
            }
            return [.agencyAliasAdded(code: a.code, alias: alias)]
        case let .addHoliday(on, name):
            try Validate.text(name, what: "holiday name")
            if let existing = state.calendar.holiday(on: on) {
                if existing == name { return [] }
                throw DomainError("\(on.readable) is already a bank holiday (\(existing)).")
            }
            if on.isWeekend { throw DomainError("\(on.readable) is a weekend day; bank holidays fall on weekdays.") }
            return [.bankHolidayAdded(on: on, name: name)]
        case let .setPolicy(name, value):
            guard let policy = PolicyName(rawValue: name) else {
                throw DomainError("There is no policy '\(name)'. Policies: \(PolicyName.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard policy.accepts(value) else {
                throw DomainError("Policy \(name) takes \(policy.takes), not '\(value)'.")
            }
            if state.policy(policy) == value && state.policy[name] != nil { return [] }
            return [.policySet(name: name, value: value)]
        }
    }
}
