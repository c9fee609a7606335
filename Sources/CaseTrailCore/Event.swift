/// Every fact the log can hold. The stored `type` names are written out by hand in `Event+Coding`,
/// so renaming a Swift case never changes a byte on disk.
public enum Event: Equatable, Sendable {
    case partnershipInitialised(name: String, code: String)
    case memberAdded(user: String, name: String, agency: String, roles: [Role], partner: Partner?)
    case memberRetired(user: String, reason: String?)
    case agencyAdded(code: String, name: String, aliases: [String])
    case agencyAliasAdded(code: String, alias: String)
}

/// The roles a roster member may hold (PRODUCT.md "Setup and roster").
public enum Role: String, CaseIterable, Codable, Sendable {
    case admin
    case businessUnit = "business-unit"
    case learningLessons = "learning-lessons"
    case executive
    case partner
    case agencyLead = "agency-lead"
    case auditor
}

/// The three statutory safeguarding partners.
public enum Partner: String, CaseIterable, Codable, Sendable {
    case localAuthority = "la"
    case police
    case health
}

extension Event {
    /// The stream an event belongs to; versions count within it.
    public var stream: String {
        switch self {
        case .partnershipInitialised: return "partnership"
        case .memberAdded(let user, _, _, _, _), .memberRetired(let user, _): return "member-\(user)"
        case .agencyAdded(let code, _, _), .agencyAliasAdded(let code, _): return "agency-\(code)"
        }
    }
}
