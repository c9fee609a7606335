/// Who may do what (PRODUCT.md "Who may do what"), decided from the roster in the log. Written
/// per command with no fallback, so a new command does not compile until its authority is decided.
enum Authority {
    /// Business unit and admin may record anything except roster changes, which are the admin's.
    static let recorders: [Role] = [.admin, .businessUnit]

    static func check(_ command: Command, by actor: String, login: String?, in state: State, partnership: PartnershipInfo) throws(DomainError) {
        guard let member = state.activeMember(actor) else {
            if let retired = state.members[actor] {
                throw DomainError("'\(actor)' (\(retired.name)) was retired from \(possessive(partnership.code)) roster, so can no longer record. "
                    + "If they have come back, an admin adds them again with 'casetrail member add \(actor) …'; otherwise pass --actor with your own roster name.")
            }
            throw DomainError("'\(actor)' is not on \(possessive(partnership.code)) roster, so cannot record anything. "
                + "Ask an admin to run 'casetrail member add \(actor) …', or pass --actor with your roster name.")
        }
        try checkIdentity(of: member, login: login)
        let allowed: [Role]
        switch command {
        case .initialise: return
        case .setup(let c): allowed = roles(for: c)
        case .review(let c): allowed = roles(for: c)
        case .action(let c):
            if let owned = ownedAction(c), member.has(.agencyLead), !recorders.contains(where: member.has), let action = state.actions[owned] {
                // An agency lead records progress on their own agency's actions only.
                guard action.owner == member.agency else {
                    let owner = state.agencies[action.owner]?.name ?? action.owner
                    throw DomainError("'\(actor)' is agency lead for \(member.agency), but \(owned) is owned by \(owner) (\(action.owner)); "
                        + "\(possessive(owner)) agency lead or the business unit may record this.")
                }
                return
            }
            allowed = roles(for: c)
        case .correction(let c):
            switch c {
            case .void, .voidEvent, .redateEvent, .correctReview, .correctRecommendation: allowed = recorders
            // Changing a committed line is the admin's alone, as the roster is.
            case .redact: allowed = [.admin]
            }
        }
        if !allowed.contains(where: member.has) {
            let who = spokenList(allowed.map(\.rawValue))
            throw DomainError("'\(actor)' (\(member.roles.map(\.rawValue).joined(separator: ", "))) may not do this; "
                + "it needs a member with role \(who).")
        }
    }

    /// Who is at the keyboard may limit whom they record as: a member bound to a login is recorded
    /// only from that login, and a login that is itself a member records as someone else only if
    /// that member may record for others (admin, business unit). A line that names no login (one
    /// written before casetrail recorded them) satisfies only the second rule.
    static func checkIdentity(of member: Member, login: String?) throws(DomainError) {
        guard let bound = member.login, bound != login else { return }
        guard let login else {
            throw DomainError("'\(member.user)' records only from the login '\(bound)', and this line does not say which account wrote it.")
        }
        throw DomainError("'\(member.user)' records only from the login '\(bound)', and this is '\(login)'. Record under your own roster name.")
    }

    static func checkLoggedIn(_ login: String?, as actor: String, in state: State) throws(DomainError) {
        guard let login, let me = state.member(loggedInAs: login), me.user != actor, !me.recordsForOthers else { return }
        throw DomainError("The login '\(login)' is \(me.user) on the roster, who may not record as '\(actor)'; "
            + "record under your own name, or ask the business unit to record it for them.")
    }

    static func roles(for command: SetupCommand) -> [Role] {
        switch command {
        case .addMember, .retireMember, .setPolicy, .bindLogin, .setEmail: return [.admin]
        case .addAgency, .addAgencyAlias, .addHoliday: return recorders
        }
    }

    static func roles(for command: ReviewCommand) -> [Role] {
        switch command {
        case .decideReview: return recorders + [.executive, .partner]
        case .signOffReview(_, let what, _, _, _, _):
            switch what {
            case .rapidReview: return recorders + [.partner]
            case .finalReport, .actionPlan, .closure: return recorders + [.executive, .partner]
            }
        case .recordIncident, .openReview, .completeRapidReview, .recordPanelResponse, .screenReview, .recordMilestone,
             .withholdPublication, .gradeReview, .recordAuditResults, .delayReview, .closeReview:
            return recorders
        }
    }

    static func roles(for command: ActionCommand) -> [Role] {
        switch command {
        case .signOffAction(_, let stage, _, _, _):
            switch stage {
            case .learningLessons: return recorders + [.learningLessons]
            case .executive, .board: return recorders + [.executive]
            }
        case .updateAction, .reviseDue, .markImplemented: return recorders + [.agencyLead]
        case .addRecommendation, .respondToRecommendation, .recordImport, .addAction, .recordImpact, .transferAction, .carryForward, .withdrawAction,
             .reopenAction, .correctAction:
            return recorders
        }
    }

    /// The action a command records progress on, where an agency lead may give it for their own agency's actions.
    static func ownedAction(_ command: ActionCommand) -> String? {
        switch command {
        case .updateAction(let id, _, _, _, _, _), .reviseDue(let id, _, _, _), .markImplemented(let id, _, _): return id
        case .addRecommendation, .respondToRecommendation, .recordImport, .addAction, .recordImpact, .signOffAction, .transferAction, .carryForward,
             .withdrawAction, .reopenAction, .correctAction:
            return nil
        }
    }
}

/// "Kent Police's", "Medway schools'", "NHS's": a name's possessive (a plural's takes the apostrophe alone).
public func possessive(_ name: String) -> String {
    name.last == "s" ? name + "'" : name + "'s"
}

/// "a, b or c" (or "a, b and c"): a list as a sentence says it.
public func spokenList(_ words: [String], joinedBy conjunction: String = "or") -> String {
    guard let last = words.last else { return "" }
    return words.count == 1 ? last : words.dropLast().joined(separator: ", ") + " \(conjunction) " + last
}
