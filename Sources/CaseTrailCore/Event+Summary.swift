extension Event {
    /// One line a person can read in the history: "DI Smith added agency KENT-POLICE (Kent Police)".
    public func summary(by who: String) -> String {
        switch self {
        case let .partnershipInitialised(name, code):
            return "\(who) created the log for \(name) (\(code))"
        case let .memberAdded(user, name, agency, roles, partner):
            let p = partner.map { ", partner for \($0.rawValue)" } ?? ""
            return "\(who) added \(user) (\(name), \(agency)) to the roster as \(roles.map(\.rawValue).joined(separator: ", "))\(p)"
        case let .memberRetired(user, reason):
            return "\(who) retired \(user) from the roster" + (reason.map { ": \($0)" } ?? "")
        case let .agencyAdded(code, name, aliases):
            return "\(who) added agency \(code) (\(name))" + (aliases.isEmpty ? "" : ", also known as \(aliases.joined(separator: "; "))")
        case let .agencyAliasAdded(code, alias):
            return "\(who) recorded that agency \(code) is also known as \(alias)"
        }
    }
}
