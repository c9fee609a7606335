/// Who may do what (PRODUCT.md "Who may do what"), decided from the roster in the log.
enum Authority {
    static func check(_ command: Command, by actor: String, in state: State, partnership: PartnershipInfo) throws(DomainError) {
        guard let member = state.activeMember(actor) else {
            throw DomainError("'\(actor)' is not on \(partnership.code)'s roster, so cannot record anything. "
                + "Ask an admin to run 'casetrail member add \(actor) …', or pass --actor with your roster name.")
        }
        // Business unit and admin may record anything except roster changes, which are the admin's.
        let recorders: [Role] = [.admin, .businessUnit]
        let allowed: [Role]
        switch command {
        case .initialise:
            return
        case .addMember, .retireMember, .setPolicy:
            allowed = [.admin]
        case .decideReview:
            allowed = recorders + [.executive, .partner]
        case .signOffReview(_, let what, _, _, _):
            allowed = what == .rapidReview ? recorders + [.partner] : recorders + [.executive, .partner]
        case .signOffAction(_, let stage, _):
            switch stage {
            case .learningLessons: allowed = recorders + [.learningLessons]
            case .executive: allowed = recorders + [.executive]
            case .board: allowed = recorders + [.executive]
            }
        case .updateAction(let id, _, _, _), .reviseDue(let id, _, _), .markImplemented(let id, _, _):
            if member.has(.agencyLead) && !recorders.contains(where: member.has), let action = state.actions[id] {
                guard action.owner == member.agency else {
                    let owner = state.agencies[action.owner]?.name ?? action.owner
                    throw DomainError("'\(actor)' is agency lead for \(member.agency), but \(id) is owned by \(owner) (\(action.owner)); "
                        + "\(owner)'s agency lead or the business unit may record this.")
                }
                return
            }
            allowed = recorders + [.agencyLead]
        default:
            allowed = recorders
        }
        if !allowed.contains(where: member.has) {
            let who = spokenList(allowed.map(\.rawValue))
            throw DomainError("'\(actor)' (\(member.roles.map(\.rawValue).joined(separator: ", "))) may not do this; "
                + "it needs a member with role \(who).")
        }
    }
}

/// "a, b or c": a list as a sentence says it.
public func spokenList(_ words: [String]) -> String {
    guard let last = words.last else { return "" }
    return words.count == 1 ? last : words.dropLast().joined(separator: ", ") + " or " + last
}
