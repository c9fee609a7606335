/// Slips caught before they reach the log: the same review, incident, recommendation, action, update
/// or milestone recorded twice. The refusal points at the entry already there; `--again`
/// (`Request.again`) records it deliberately. Replay never applies this guard: a repeat is history.
enum Duplicates {
    static func refusal(_ command: Command, _ state: State) -> String? {
        func same(_ a: String, _ b: String) -> Bool { State.normalisedName(a) == State.normalisedName(b) }
        let again = " If it is a different one, record it with --again."
        if case let .review(.openReview(ref, _, title, _, _)) = command,
           let r = state.reviews.values.first(where: { $0.ref != ref && same($0.title, title) }) {
            return "\(r.ref) (\(r.kind.title), opened \(r.opened.readable)) already has the title '\(r.title)'; use \(r.ref)." + again
        }
        if case let .review(.recordIncident(ref, child, aware, _, _, _)) = command,
           let r = state.reviews.values.first(where: { $0.ref != ref && $0.aware == aware && $0.child.map { same($0, child) } == true }) {
            return "An incident about \(child) that the local authority became aware of on \(aware.readable) is already recorded as \(r.ref); use \(r.ref)." + again
        }
        if case let .review(.recordMilestone(ref, what, _, _, _)) = command, let m = state.reviews[ref]?.milestones.first(where: { $0.what == what }) {
            // Only a briefing may be published more than once; the rest are refused outright by their rules.
            return "\(ref) already has a \(what.rawValue) milestone, recorded for \(m.on.readable). If there was another, record it with --again."
        }
        if case let .action(.addRecommendation(ref, rec, text, _)) = command, let r = state.reviews[ref],
           let other = state.recommendations(of: r).first(where: { $0.id != rec && same($0.text, text) }) {
            return "\(other.fullID) already says '\(other.text)'; use \(other.fullID)." + again
        }
        if case let .action(.addAction(recommendation, code, text, _, _, _, _, _, _)) = command,
           let r = recommendation.split(separator: "/").first.flatMap({ state.reviews[String($0)] }),
           let other = state.recommendations(of: r).lazy.flatMap({ state.actions(of: $0) }).first(where: { $0.id != "\(recommendation)/\(code)" && same($0.text, text) }) {
            return "\(other.id) already says '\(other.text)'; use \(other.id)." + again
        }
        if case let .action(.updateAction(id, note, rag, evidence, _, _)) = command, let last = state.actions[id]?.lastUpdate,
           same(last.note, note), rag == nil || rag == last.rag, (evidence ?? "") == (last.evidence ?? "") {
            return "That is the update \(id) already has, recorded for \(last.on.readable). If it was given again, record it with --again."
        }
        return nil
    }
}
