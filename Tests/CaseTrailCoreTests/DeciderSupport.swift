@testable import CaseTrailCore

/// A little language for given-when-then decider tests.
struct Scenario {
    var state: State
    var today = LocalDate("2023-12-31")!

    init(_ events: [Event] = founded) { state = events.reduce(Partnership.initialState, Partnership.evolve) }

    /// Decides a command and applies its events, as the log would.
    @discardableResult
    mutating func run(_ command: Command, by actor: String = "ann", login: String? = nil, on day: String? = nil, again: Bool = false) throws(DomainError) -> [Event] {
        let events = try Partnership.decide(Request(actor: actor, login: login, today: day.map { LocalDate($0)! } ?? today, command: command, again: again), state)
        for e in events { Partnership.apply(e, to: &state) }
        return events
    }

    /// The refusal message, or nil when the command was accepted (nothing is applied either way on refusal).
    func refusal(_ command: Command, by actor: String = "ann", login: String? = nil, on day: String? = nil) -> String? {
        do {
            _ = try Partnership.decide(Request(actor: actor, login: login, today: day.map { LocalDate($0)! } ?? today, command: command), state)
            return nil
        } catch { return error.message }
    }
}

func d(_ s: String) -> LocalDate { LocalDate(s)! }

/// A partnership with staff in every role and the agencies actions belong to.
let staffed: [Event] = founded + [
    .memberAdded(user: "bu", name: "Business Manager", agency: "MSCP", roles: [.businessUnit], partner: nil),
    .memberAdded(user: "ll", name: "LL Chair", agency: "MSCP", roles: [.learningLessons], partner: nil),
    .memberAdded(user: "ex", name: "Executive Chair", agency: "MSCP", roles: [.executive], partner: nil),
    .memberAdded(user: "la", name: "DCS", agency: "MEDWAY-CSC", roles: [.partner], partner: .localAuthority),
    .memberAdded(user: "pol", name: "Supt", agency: "KP", roles: [.partner], partner: .police),
    .memberAdded(user: "icb", name: "Chief Nurse", agency: "KM-ICB", roles: [.partner], partner: .health),
    .memberAdded(user: "hl", name: "Health lead", agency: "KM-ICB", roles: [.agencyLead], partner: nil),
    .memberAdded(user: "aud", name: "Inspector", agency: "Ofsted", roles: [.auditor], partner: nil),
    .agencyAdded(code: "KM-ICB", name: "NHS Kent and Medway", aliases: ["NHS Medway"]),
    .agencyAdded(code: "MEDWAY-CSC", name: "Medway Children's Social Care", aliases: []),
    .agencyAdded(code: "KP", name: "Kent Police", aliases: []),
]
