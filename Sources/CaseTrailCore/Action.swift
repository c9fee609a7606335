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
    /// A typing slip in the target date: the original date, not a revision (that is `revise-due`).
    case due
    case rag
    case implementedOn = "implemented-on"
    /// The date of the latest update.
    case updateOn = "update-on"
    /// The date of a stage's sign-off (its latest, since the action was implemented).
    case learningLessonsOn = "learning-lessons-on"
    case executiveOn = "executive-on"
    case boardOn = "board-on"

    /// The sign-off stage whose date this field is, if it is one.
    public var stage: SignOffStage? {
        switch self {
        case .learningLessonsOn: return .learningLessons
        case .executiveOn: return .executive
        case .boardOn: return .board
        case .text, .owner, .lead, .success, .dueText, .agreed, .due, .rag, .implementedOn, .updateOn: return nil
        }
    }
}

/// The fields `review correct` may change.
public enum ReviewField: String, CaseIterable, Sendable {
    case title, kind, opened, child, aware, incident, summary
}

/// The fields `rec correct` may change.
public enum RecommendationField: String, CaseIterable, Sendable {
    case text, on
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
        /// Who recorded it, and for whom (nil on lines written before casetrail kept it).
        public var by: Attribution?

        package init(on: LocalDate, stage: SignOffStage, refused: Bool, reason: String? = nil, by: Attribution? = nil) {
            self.on = on
            self.stage = stage
            self.refused = refused
            self.reason = reason
            self.by = by
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
    /// Where an action carried forward from another plan came from, and when it arrived.
    public struct Carry: Equatable, Sendable {
        public var from: String
        public var on: LocalDate
        /// It arrived implemented, so that implementation counts in the plan it came from, not here.
        public var arrivedImplemented: Bool

        package init(from: String, on: LocalDate, arrivedImplemented: Bool) {
            self.from = from
            self.on = on
            self.arrivedImplemented = arrivedImplemented
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
    /// Set when the action was carried forward into this plan from another (`review carry-forward`).
    public var carried: Carry?
    /// Where it stood from each date its facts give on: implemented, sent back or reopened, closed;
    /// what a past month end's figures are read from.
    public var standings: [StandingChange] = []

    /// Open (or in progress), implemented, or closed (signed off, withdrawn, transferred).
    public enum Standing: UInt8, Sendable { case open = 0, implemented = 1, closed = 2 }

    public struct StandingChange: Equatable, Sendable {
        public var on: LocalDate
        public var standing: Standing
        package init(on: LocalDate, standing: Standing) { (self.on, self.standing) = (on, standing) }
    }

    /// Where the action stood on `day` by the dates of its facts (the latest on or before it; of two
    /// on one day, the one recorded later).
    public func standing(at day: LocalDate) -> Standing {
        var best: StandingChange?
        for c in standings where c.on <= day && c.on >= (best?.on ?? c.on) { best = c }
        return best?.standing ?? .open
    }

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
    guard parts.count == 3, !parts[0].isEmpty, isItemCode(parts[1]), isItemCode(parts[2]) else { return nil }
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

/// A recommendation's or action's number as its source writes it (`R1`, `P2`, `2.4`, `A2.10`): up to 16
/// ASCII letters and digits, with single dots or hyphens between them, and never a `/` (which separates
/// the parts of an action's reference). Byte-level: it runs on every replayed action.
public func isItemCode(_ s: String) -> Bool {
    var count = 0, previousWasAlphanumeric = false
    for b in s.utf8 {
        count += 1
        if (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) { previousWasAlphanumeric = true; continue }
        guard b == UInt8(ascii: ".") || b == UInt8(ascii: "-"), previousWasAlphanumeric else { return false }
        previousWasAlphanumeric = false
    }
    return count > 0 && count <= 16 && previousWasAlphanumeric
}

extension Array where Element == String {
    /// Keeps numbers in their natural order (`R2` before `R10`, `2.4` before `2.10`) whatever order they
    /// were added in; appending is the usual case and costs one comparison.
    mutating func insertInNaturalOrder(_ code: String) {
        guard let last, naturalLess(code, last) else { append(code); return }
        insert(code, at: firstIndex { naturalLess(code, $0) } ?? endIndex)
    }
}

/// `naturalLess`, with references that read alike (`R9` and `R09`) in string order: a total order,
/// so a list sorted by it comes out the same whatever order its items arrived in (a dictionary's
/// keys, or a snapshot's rows before those changed since).
public func naturalOrder(_ a: String, _ b: String) -> Bool {
    naturalLess(a, b) || (!naturalLess(b, a) && a < b)
}

/// A reference's place in `naturalOrder`, worked out once: sorting a long list by these reads each
/// reference once instead of at every comparison (25,000 reviews took 370,000 comparisons).
public struct NaturalKey: Comparable, Sendable {
    /// The reference's tokens, compared byte by byte as `naturalLess` compares them: a byte that is
    /// not a digit stands for itself; a digit run is 48 (so it orders against other bytes as any digit
    /// would) and then its number in 8 bytes, high first, sign bit flipped (so they order as numbers).
    private var tokens: [UInt8] = []
    private let text: String

    public init(_ text: String) {
        self.text = text
        tokens.reserveCapacity(text.utf8.count + 9)
        var number: Int?
        func appendNumber(_ n: Int) {
            tokens.append(48)
            let bits = UInt64(bitPattern: Int64(n)) ^ (1 << 63)
            for shift in stride(from: 56, through: 0, by: -8) { tokens.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        }
        for c in text.utf8 {
            if c >= 48 && c <= 57 {
                number = (number ?? 0) &* 10 &+ Int(c - 48)
                continue
            }
            if let n = number { appendNumber(n); number = nil }
            tokens.append(c)
        }
        if let n = number { appendNumber(n) }
    }

    public static func < (a: NaturalKey, b: NaturalKey) -> Bool {
        a.tokens != b.tokens ? a.tokens.lexicographicallyPrecedes(b.tokens) : a.text < b.text
    }

    public static func == (a: NaturalKey, b: NaturalKey) -> Bool { a.text == b.text }
}

extension Sequence {
    /// The elements in `naturalOrder` of their references, each reference read once.
    public func sortedNaturally(by reference: (Element) -> String) -> [Element] {
        let items = Array(self)
        let keys = items.map { NaturalKey(reference($0)) }
        return keys.indices.sorted { keys[$0] < keys[$1] }.map { items[$0] }
    }
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
