/// What one agency is asked for: the actions it owns that are overdue, due soon, sent back at
/// sign-off or lacking evidence of impact, each with what to send back (`casetrail remind`).
public struct Reminder: Equatable, Sendable {
    /// Why an action is in the reminder, in the order an action is placed (it appears once).
    public enum Ask: String, CaseIterable, Sendable {
        case sentBack = "sent-back", overdue, dueSoon = "due-soon", impactEvidence = "impact-evidence"

        public var title: String {
            switch self {
            case .sentBack: return "Sent back at sign-off"
            case .overdue: return "Overdue"
            case .dueSoon: return "Due soon"
            case .impactEvidence: return "Implemented: evidence of impact wanted"
            }
        }
    }

    public struct Item: Equatable, Sendable {
        public var ask: Ask
        public var action: ActionItem
        public var item: OutstandingItem
        /// What the agency is asked to send back, in a sentence.
        public var sendBack: String
        /// Quoted back when the reply is recorded ("MSCP-REM-20230614-KP-02").
        public var reference: String
    }

    public var agency: Agency
    /// The agency's active agency leads; those with an email address are who the reminder goes to.
    public var leads: [Member]
    public var items: [Item]

    /// One reminder for each agency that owns something to ask about (or only `agency`), in code order.
    public static func all(_ state: State, today: LocalDate, within days: Int, agency: String? = nil) -> [Reminder] {
        let code = state.partnership?.code ?? "CT"
        let stamp = today.description.filter { $0 != "-" }
        let overdue = Set(Projections.overdue(state, today: today).compactMap(\.action))
        let due = Set(Projections.due(state, today: today, within: days).compactMap(\.action))
        var byAgency: [String: [Item]] = [:]
        for (item, a) in Projections.actions(state, today: today, filter: ActionFilter(agency: agency)) {
            let refused = a.signOffs.last.flatMap { $0.refused && a.status == .inProgress ? $0 : nil }
            let ask: Ask, sendBack: String
            if let refused {
                ask = .sentBack
                sendBack = "The \(refused.stage.rawValue) sign-off was refused on \(refused.on.readable): \(refused.reason ?? "no reason recorded"). "
                    + "Send what was missing, and the date it was put right."
            } else if overdue.contains(a.id) {
                ask = .overdue
                sendBack = "It was due on \(a.due.readable). Send an update (progress, a red, amber or green rating and its evidence), "
                    + "the evidence that it is done, or a new date with the reason."
            } else if due.contains(a.id) {
                ask = .dueSoon
                sendBack = "It is due on \(a.due.readable). Send the evidence that it is done by then, or a new date with the reason."
            } else if (a.status == .implemented || a.status == .signedOff) && a.impactCount == 0 {
                ask = .impactEvidence
                sendBack = "It was implemented\(a.implemented.map { " on \($0.on.readable)" } ?? ""). Send evidence that it made a difference "
                    + "(an audit, a re-audit, feedback from children and families)."
            } else {
                continue
            }
            byAgency[a.owner, default: []].append(Item(ask: ask, action: a, item: item, sendBack: sendBack, reference: ""))
        }
        return byAgency.keys.sorted().compactMap { owner in
            guard let agencyInfo = state.agencies[owner] else { return nil }
            var items = byAgency[owner]!.sorted { Ask.allCases.firstIndex(of: $0.ask)! < Ask.allCases.firstIndex(of: $1.ask)! }
            for i in items.indices { items[i].reference = "\(code)-REM-\(stamp)-\(owner)-\(pad(i + 1, 2))" }
            let leads = state.members.values.filter { !$0.retired && $0.has(.agencyLead) && $0.agency == owner }.sorted { $0.user < $1.user }
            return Reminder(agency: agencyInfo, leads: leads, items: items)
        }
    }
}
