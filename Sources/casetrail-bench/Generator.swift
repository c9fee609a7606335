import CaseTrailCore
import CaseTrailStore

/// A small, seedable random number generator, so a seed always gives the same log.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes a realistic partnership log: reviews of every kind moving through their lifecycles,
/// recommendations, actions with updates, revisions, implementation, impact and sign-offs.
/// Every command goes through the real decider, so the log is one the tool itself could write.
struct Generator {
    let target: Int
    var rng: SplitMix64
    var state = Partnership.initialState
    let writer: BulkWriter
    let actor = "bench-admin"
    var day = LocalDate("2009-04-01")!
    var clock = Timestamp("2019-01-01T09:00:00.000Z")!
    var agencies: [String] = []
    var reviewsInFlight: [(ref: String, step: Int)] = []
    var actionsInFlight: [(id: String, step: Int)] = []
    var serial = 0

    init(target: Int, seed: UInt64, writer: BulkWriter) {
        self.target = target
        self.rng = SplitMix64(state: seed)
        self.writer = writer
    }

    mutating func run() throws {
        try record(.initialise(name: "Benchmark Safeguarding Children Partnership", code: "BENCH", adminName: "Benchmark administrator"))
        let names = ["Children's Social Care", "Police", "Integrated Care Board", "Acute Hospital Trust", "Mental Health Trust",
                     "Community Health", "Probation Service", "Youth Offending Service", "Education", "Early Help",
                     "Housing", "Ambulance Service", "CAFCASS", "NSPCC", "Public Health", "Adult Social Care"]
        for (i, name) in names.enumerated() {
            let code = "AG\(i + 1)"
            try record(.setup(.addAgency(code: code, name: name, aliases: ["\(name) (former name)"])))
            agencies.append(code)
        }
        while writer.lines < target {
            // Like a real partnership, the open plan stays at a few hundred actions: new reviews start
            // while it is small, and work on open actions keeps pace with the reviews that add them.
            if reviewsInFlight.count < 12 && actionsInFlight.count < 400 { try startReview() }
            for _ in 0..<2 where !reviewsInFlight.isEmpty { try advanceReview(Int.random(in: 0..<reviewsInFlight.count, using: &rng)) }
            for _ in 0..<max(6, actionsInFlight.count / 8) where !actionsInFlight.isEmpty {
                try advanceAction(Int.random(in: 0..<actionsInFlight.count, using: &rng))
            }
            if chance(0.3) { day = day.adding(days: 1) }
        }
        try writer.finish()
    }

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    /// Decides a command as the admin on the simulated day and writes its events.
    mutating func record(_ command: Command) throws {
        let events = try Partnership.decide(Request(actor: actor, today: day, command: command, again: true), state)
        guard !events.isEmpty else { return }
        for e in events { Partnership.apply(e, to: &state) }
        // Up to 20 s between commands: even 10,000,000 events stay in the past (recorded_at may not be in the future).
        clock = clock.adding(milliseconds: Int64.random(in: 1_000...20_000, using: &rng))
        try writer.append(events, actor: actor, at: clock)
    }

    mutating func startReview() throws {
        serial += 1
        let kinds: [ReviewKind] = [.rapidReview, .rapidReview, .rapidReview, .scr, .llr, .audit, .audit, .section11, .inspection,
                                   .peerReview, .external, .national]
        let kind = kinds[Int.random(in: 0..<kinds.count, using: &rng)]
        let ref = "BENCH-\(kind.rawValue.uppercased())-\(serial)"
        if kind == .rapidReview {
            try record(.review(.recordIncident(ref: ref, child: "Child \(serial)", aware: day, incident: day.adding(days: -2), notified: nil,
                                       summary: "Serious incident \(serial)")))
        } else {
            try record(.review(.openReview(ref: ref, kind: kind, title: "\(kind.title) \(serial)", from: nil, on: day)))
        }
        reviewsInFlight.append((ref, 0))
    }

    /// One step of a review's lifecycle, according to its kind; finished reviews leave the queue.
    mutating func advanceReview(_ i: Int) throws {
        let (ref, step) = reviewsInFlight[i]
        guard let review = state.reviews[ref] else { reviewsInFlight.remove(at: i); return }
        reviewsInFlight[i].step += 1
        let script: [Command]
        switch review.kind {
        case .rapidReview:
            let lcsprRef = "\(ref)-LCSPR"
            script = [
                .review(.recordMilestone(ref: ref, what: .notified, on: day, note: nil, url: nil)),
                .review(.completeRapidReview(ref: ref, on: day, recommendation: .lcspr, rationale: "Multi-agency learning identified")),
                .review(.recordPanelResponse(ref: ref, on: day, agrees: true, note: nil)),
                .review(.decideReview(ref: ref, on: day, outcome: serial % 3 == 0 ? .notInitiate : .initiate, by: "Safeguarding partners",
                              rationale: "Threshold considered", creates: serial % 3 == 0 ? nil : lcsprRef, createsTitle: nil, reconvene: nil)),
            ]
            if step == script.count - 1, serial % 3 != 0 { reviewsInFlight.append((lcsprRef, 0)) }
        case .lcspr:
            script = [.review(.recordMilestone(ref: ref, what: .commissioned, on: day, note: "Independent reviewer", url: nil)),
                      .review(.recordMilestone(ref: ref, what: .termsAgreed, on: day, note: nil, url: nil)),
                      .review(.recordMilestone(ref: ref, what: .reportReceived, on: day, note: nil, url: nil)),
                      .review(.recordMilestone(ref: ref, what: .sentToPanel, on: day, note: nil, url: nil)),
                      .review(.recordMilestone(ref: ref, what: .published, on: day, note: nil, url: "https://example.org/\(ref)"))]
        case .scr:
            script = [.review(.screenReview(ref: ref, on: day, recommendation: .thresholdMet, note: nil)),
                      .review(.decideReview(ref: ref, on: day, outcome: .initiate, by: "Independent Chair", rationale: "Criteria met",
                                    creates: nil, createsTitle: nil, reconvene: nil)),
                      .review(.recordMilestone(ref: ref, what: .commissioned, on: day, note: nil, url: nil)),
                      .review(.recordMilestone(ref: ref, what: .reportReceived, on: day, note: nil, url: nil)),
                      .review(.recordMilestone(ref: ref, what: .submittedToOfsted, on: day, note: nil, url: nil)),
                      .review(.gradeReview(ref: ref, on: day, by: "Ofsted", grade: ["good", "adequate", "outstanding"][serial % 3]))]
        default:
            script = [.review(.recordMilestone(ref: ref, what: .commissioned, on: day, note: nil, url: nil)),
                      .review(.recordMilestone(ref: ref, what: .reportReceived, on: day, note: nil, url: nil)),
                      .review(.recordMilestone(ref: ref, what: .briefingPublished, on: day, note: nil, url: nil))]
        }
        if step < script.count {
            try record(script[step])
            return
        }
        // Then its recommendations and their actions, and it leaves the queue.
        reviewsInFlight.remove(at: i)
        guard review.kind != .rapidReview else { return }
        for r in 1...Int.random(in: 1...4, using: &rng) {
            try record(.action(.addRecommendation(ref: ref, rec: "R\(r)", text: "Recommendation \(r) of \(ref): strengthen multi-agency practice", on: day)))
            for a in 1...Int.random(in: 1...3, using: &rng) {
                let owner = agencies[Int.random(in: 0..<agencies.count, using: &rng)]
                try record(.action(.addAction(recommendation: "\(ref)/R\(r)", code: "A\(a)", text: "Action \(a): deliver training and audit practice",
                                      owner: owner, lead: "Designated lead \(a)", due: day.adding(days: Int.random(in: 60...400, using: &rng)),
                                      dueText: chance(0.3) ? "By the end of the quarter" : nil, success: "Audit shows improvement", on: day)))
                actionsInFlight.append(("\(ref)/R\(r)/A\(a)", 0))
            }
        }
    }

    /// One step of an action: updates, a revised date, implementation, impact, sign-offs (sometimes refused).
    mutating func advanceAction(_ i: Int) throws {
        let (id, step) = actionsInFlight[i]
        actionsInFlight[i].step += 1
        guard let action = state.actions[id] else { actionsInFlight.remove(at: i); return }
        let rags: [RAG] = [.red, .amber, .green]
        switch step {
        case 0, 1, 2:
            try record(.action(.updateAction(action: id, note: "Progress reported to the learning-lessons sub-group (\(step + 1))",
                                     rag: rags[Int.random(in: 0..<3, using: &rng)], evidence: chance(0.5) ? "Minutes of the meeting" : nil)))
        case 3:
            if chance(0.05) {
                try record(.action(.withdrawAction(action: id, reason: "Superseded by the national programme")))
                actionsInFlight.remove(at: i)
            } else if chance(0.4) {
                try record(.action(.reviseDue(action: id, due: action.due.adding(days: 90), reason: "Trainer unavailable")))
            }
        case 4:
            try record(.action(.markImplemented(action: id, on: max(day, action.agreed), evidence: "Training register and audit sample")))
        case 5:
            if chance(0.6) { try record(.action(.recordImpact(action: id, on: day, evidence: "Re-audit shows practice improved", rating: "good"))) }
        case 6:
            try record(.action(.signOffAction(action: id, stage: .learningLessons, refusal: nil, attribution: Attribution(onBehalfOf: "Learning Lessons sub-group"))))
        case 7:
            if chance(0.1) {
                try record(.action(.signOffAction(action: id, stage: .executive, refusal: "More evidence of impact needed", attribution: Attribution(onBehalfOf: "Executive"))))
                actionsInFlight[i].step = 4
            } else {
                try record(.action(.signOffAction(action: id, stage: .executive, refusal: nil, attribution: Attribution(onBehalfOf: "Executive"))))
                actionsInFlight.remove(at: i)
            }
        default:
            actionsInFlight.remove(at: i)
        }
    }
}
