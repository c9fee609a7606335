/// What a user asks the partnership's log to record.
public enum Command: Equatable, Sendable {
    case initialise(name: String, code: String)
    case addMember(user: String, name: String, agency: String, roles: [Role], partner: Partner?)
    case retireMember(user: String, reason: String?)
    case addAgency(code: String, name: String, aliases: [String])
    case addAgencyAlias(agency: String, alias: String)
}

/// A command with who asked and what day it is there: the only outside facts a decider sees.
public struct Request: Equatable, Sendable {
    public var actor: String
    public var today: LocalDate
    public var command: Command

    public init(actor: String, today: LocalDate, command: Command) {
        self.actor = actor
        self.today = today
        self.command = command
    }
}
