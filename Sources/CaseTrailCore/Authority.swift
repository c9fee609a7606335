/// Who may do what (PRODUCT.md "Who may do what"), decided from the roster in the log.
enum Authority {
    static func check(_ command: Command, by actor: String, in state: State, partnership: PartnershipInfo) throws(DomainError) {
        guard let member = state.activeMember(actor) else {
            throw DomainError("'\(actor)' is not on \(partnership.code)'s roster, so cannot record anything. "
                + "Ask an admin to run 'casetrail member add \(actor) …', or pass --actor with your roster name.")
        }
        let allowed: [Role]
        switch command {
        case .initialise: return
        case .addMember, .retireMember: allowed = [.admin]
        case .addAgency, .addAgencyAlias: allowed = [.admin, .businessUnit]
        }
        if !allowed.contains(where: member.has) {
            let who = allowed.map(\.rawValue).joined(separator: " or ")
            throw DomainError("'\(actor)' (\(member.roles.map(\.rawValue).joined(separator: ", "))) may not do this; "
                + "it needs a member with role \(who).")
        }
    }
}
