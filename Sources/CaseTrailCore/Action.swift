/// Where an action stands (PRODUCT.md "Statuses"). Overdue is derived, never stored.
public enum ActionStatus: String, CaseIterable, Sendable {
    case open
    case inProgress = "in-progress"
    case implemented
    case signedOff = "signed-off"
    case transferred, withdrawn

    /// Not yet done: still counts as outstanding.
    public var isOutstanding: Bool { self == .open || self == .inProgress || self == .implemented }
}

/// Red / amber / green progress rating.
public enum RAG: String, CaseIterable, Sendable {
    case red, amber, green
}

/// Sign-off stages, in the order they must be given.
public enum SignOffStage: String, CaseIterable, Sendable {
    case learningLessons = "learning-lessons"
    case executive
    case board
}

/// The fields `action correct` may change.
public enum CorrectableField: String, CaseIterable, Sendable {
    case text, owner, lead, success
    case dueText = "due-text"
    case agreed
}

/// A numbered recommendation of a review.
public struct RecommendationItem: Equatable, Sendable {
    public var ref: String
    public var id: String
    public var text: String
    public var on: LocalDate
    /// Action ids (full `REF/R1/A1`) in the order they were added.
    public var actions: [String] = []
    /// The partnership's formal response: accepted, or not accepted with its reason.
    public var response: Response?

    /// Whether a recommendation was accepted, when, and why not.
    public struct Response: Equatable, Sendable {
        public var accepted: Bool
        public var reason: String?
        public var on: LocalDate

        package init(accepted: Bool, reason: String?, on: LocalDate) {
            self.accepted = accepted
            self.reason = reason
            self.on = on
        }
    }

    public var fullID: String { "\(ref)/\(id)" }

    package init(ref: String, id: String, text: String, on: LocalDate, actions: [String] = []) {
        self.ref = ref
        self.id = id
        self.text = text
        self.on = on
        self.actions = actions
    }
}

/// An action-plan item with everything that has happened to it.
public struct ActionItem: Equatable, Sendable {
    public struct Update: Equatable, Sendable {
        public var on: LocalDate
        public var note: String
        public var rag: RAG?
        public var evidence: String?

        package init(on: LocalDate, note: String, rag: RAG? = nil, evidence: String? = nil) {
            self.on = on
            self.note = note
            self.rag = rag
            self.evidence = evidence
        }
    }
    public struct Revision: Equatable, Sendable {
        public var on: LocalDate
        public var from: LocalDate
        public var to: LocalDate
        public var reason: String

        package init(on: LocalDate, from: LocalDate, to: LocalDate, reason: String) {
            self.on = on
            self.from = from
            self.to = to
            self.reason = reason
        }
    }
    public struct Evidence: Equatable, Sendable {
        public var on: LocalDate
        public var evidence: String
        public var rating: String?

        package init(on: LocalDate, evidence: String, rating: String? = nil) {
            self.on = on
            self.evidence = evidence
            self.rating = rating
        }
    }
    public struct SignOff: Equatable, Sendable {
        public var on: LocalDate
        public var stage: SignOffStage
        public var refused: Bool
        public var reason: String?

        package init(on: LocalDate, stage: SignOffStage, refused: Bool, reason: String? = nil) {
            self.on = on
            self.stage = stage
            self.refused = refused
            self.reason = reason
        }
    }
    public struct Exit: Equatable, Sendable {
        public var on: LocalDate
        public var reason: String
        public var to: String?

        package init(on: LocalDate, reason: String, to: String? = nil) {
            self.on = on
            self.reason = reason
            self.to = to
        }
    }
    public var id: String
    public var ref: String
    public var rec: String
    public var text: String
    public var owner: String
    public var lead: String
    public var due: LocalDate
    public var originalDue: LocalDate
    public var dueText: String?
    public var success: String?
    public var agreed: LocalDate
    public var status: ActionStatus = .open
    public var rag: RAG?
    /// The latest progress note; earlier ones are in the log (`history`, `show`).
    public var lastUpdate: Update?
    public var revisions: [Revision] = []
    public var implemented: Evidence?
    /// How many pieces of evidence of impact, and the latest.
    public var impactCount = 0
    public var lastImpact: Evidence?
    public var signOffs: [SignOff] = []
    /// Stages signed since the action was last implemented.
    public var stagesSigned: [SignOffStage] = []
    public var exit: Exit?

    public var isOutstanding: Bool { status.isOutstanding }

    /// Past its current due date and not yet implemented, as of `today`.
    public func daysOverdue(today: LocalDate) -> Int? {
        guard status == .open || status == .inProgress, today > due else { return nil }
        return due.days(until: today)
    }

    package init(id: String, ref: String, rec: String, text: String, owner: String, lead: String, due: LocalDate, originalDue: LocalDate, dueText: String? = nil, success: String? = nil, agreed: LocalDate, status: ActionStatus = .open, rag: RAG? = nil, lastUpdate: Update? = nil, revisions: [Revision] = [], implemented: Evidence? = nil, lastImpact: Evidence? = nil, signOffs: [SignOff] = [], stagesSigned: [SignOffStage] = [], exit: Exit? = nil) {
        self.id = id
        self.ref = ref
        self.rec = rec
        self.text = text
        self.owner = owner
        self.lead = lead
        self.due = due
        self.originalDue = originalDue
        self.dueText = dueText
        self.success = success
        self.agreed = agreed
        self.status = status
        self.rag = rag
        self.lastUpdate = lastUpdate
        self.revisions = revisions
        self.implemented = implemented
        self.lastImpact = lastImpact
        self.signOffs = signOffs
        self.stagesSigned = stagesSigned
        self.exit = exit
    }
}

/// Splits `REF/R1/A1` into its review, recommendation and action parts.
public func parseActionID(_ id: String) -> (ref: String, rec: String, action: String)? {
    let parts = splitASCII(id, at: UInt8(ascii: "/")) ?? id.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3, !parts[0].isEmpty, isItemCode(parts[1], prefix: "R"), isItemCode(parts[2], prefix: "A") else { return nil }
    return (parts[0], parts[1], parts[2])
}

/// `text` split at every `separator` byte, if the text is all ASCII (then bytes and characters split
/// alike; elsewhere a separator can begin a character with a combining mark). Replay splits every
/// new action's id, and splitting by characters cost about 12,000 instructions a time.
func splitASCII(_ text: String, at separator: UInt8) -> [String]? {
    let bytes = text.utf8
    var parts: [String] = []
    var start = bytes.startIndex
    for i in bytes.indices {
        let b = bytes[i]
        if b >= 0x80 { return nil }
        if b == separator {
            parts.append(String(text[start..<i]))
            start = bytes.index(after: i)
        }
    }
    parts.append(String(text[start...]))
    return parts
}

/// `R1`, `A2.4`: a letter then digits, with single dots between groups. Byte-level: it runs on every replayed action.
public func isItemCode(_ s: String, prefix: Character) -> Bool {
    guard let p = prefix.asciiValue else { return false }
    var utf8 = s.utf8.makeIterator()
    guard utf8.next() == p else { return false }
    var previousWasDigit = false, count = 0
    while let b = utf8.next() {
        count += 1
        if b >= 48 && b <= 57 { previousWasDigit = true; continue }
        guard b == UInt8(ascii: "."), previousWasDigit else { return false }
        previousWasDigit = false
    }
    return count > 0 && previousWasDigit
}

/// Orders `R2` before `R10` and `A2.4` before `A2.10`: digit runs compare as numbers.
public func naturalLess(_ a: String, _ b: String) -> Bool {
    var x = a.utf8.makeIterator(), y = b.utf8.makeIterator()
    var p = x.next(), q = y.next()
    func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 48 && $0 <= 57 } ?? false }
    while let c = p, let d = q {
        if isDigit(c) && isDigit(d) {
            var m = 0, n = 0
            while isDigit(p) { m = m &* 10 &+ Int(p! - 48); p = x.next() }
            while isDigit(q) { n = n &* 10 &+ Int(q! - 48); q = y.next() }
            if m != n { return m < n }
            continue
        }
        if c != d { return c < d }
        p = x.next(); q = y.next()
    }
    return p == nil && q != nil
}
