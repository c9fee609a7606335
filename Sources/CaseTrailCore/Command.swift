/// What a user asks the partnership's log to record, grouped as the deciders are: each group's
/// decider and authority switch over its own commands, so a new command does not compile until
/// both say what it does and who may give it.
public enum Command: Equatable, Sendable {
    /// `adminName` is the full name of the person creating the log (its first admin).
    case initialise(name: String, code: String, adminName: String?)
    case setup(SetupCommand)
    case review(ReviewCommand)
    case action(ActionCommand)
    case correction(CorrectionCommand)
}

/// Putting right what was recorded in error, by new facts: the log keeps what was there.
public enum CorrectionCommand: Equatable, Sendable {
    /// A review (or incident), recommendation or action entered in error: it leaves every answer and
    /// count from then on. What depends on it goes with it only when `withDependents` says so.
    case void(target: String, reason: String, withDependents: Bool, on: LocalDate?)
    /// A review's field typed wrongly (`field` one of `ReviewField`), put right.
    case correctReview(ref: String, field: String, value: String, reason: String, on: LocalDate?)
    /// A recommendation's text or date typed wrongly (`rec` is REF/R<n>), put right.
    case correctRecommendation(rec: String, field: String, value: String, reason: String, on: LocalDate?)
    /// Personal data typed into line `seq` (of `stream`), taken out of `fields`: the line as it will
    /// read hashes to `sha256`; it keeps `originalHash` (`casetrail redact`, admins only).
    /// One fact, line `seq` (of `stream`), entered in error (`void seq:N`).
    case voidEvent(seq: Int, stream: String, fact: VoidableFact, reason: String, on: LocalDate?)
    /// The date of one update or sign-off, line `seq` (of `stream`), typed wrongly (`action correct --line seq:N`).
    case redateEvent(seq: Int, stream: String, fact: VoidableFact, date: LocalDate, reason: String, on: LocalDate?)
    case redact(seq: Int, stream: String, fields: [String], reason: String, on: LocalDate?, originalHash: String, sha256: String)
}

/// The roster, agencies, calendar and policy.
public enum SetupCommand: Equatable, Sendable {
    /// `login`: the operating-system account the member records from, once bound only that one.
    case addMember(user: String, name: String, agency: String, roles: [Role], partner: Partner?, login: String? = nil, email: String? = nil)
    /// The address reminders to a member go to (`casetrail remind`).
    case setEmail(user: String, email: String)
    /// Binds an existing member to the operating-system account they record from.
    case bindLogin(user: String, login: String)
    case retireMember(user: String, reason: String?)
    case addAgency(code: String, name: String, aliases: [String])
    case addAgencyAlias(agency: String, alias: String)
    case addHoliday(on: LocalDate, name: String)
    case setPolicy(name: String, value: String)
}

/// Review lifecycles: incidents, decisions, milestones, sign-offs.
public enum ReviewCommand: Equatable, Sendable {
    case recordIncident(ref: String, child: String, aware: LocalDate, incident: LocalDate?, notified: LocalDate?, summary: String?)
    case openReview(ref: String, kind: ReviewKind, title: String, from: String?, on: LocalDate?)
    case completeRapidReview(ref: String, on: LocalDate, recommendation: Recommendation, rationale: String)
    case recordPanelResponse(ref: String, on: LocalDate, agrees: Bool, note: String?)
    case screenReview(ref: String, on: LocalDate, recommendation: Recommendation, note: String?)
    case decideReview(ref: String, on: LocalDate, outcome: DecisionOutcome, by: String, rationale: String,
                      creates: String?, createsTitle: String?, reconvene: LocalDate?, attribution: Attribution? = nil)
    case recordMilestone(ref: String, what: Milestone, on: LocalDate, note: String?, url: String?)
    case withholdPublication(ref: String, on: LocalDate, reason: String)
    case gradeReview(ref: String, on: LocalDate, by: String, grade: String)
    case recordAuditResults(ref: String, on: LocalDate, counts: [AuditCount])
    case delayReview(ref: String, reason: String, expected: LocalDate?, on: LocalDate? = nil)
    case closeReview(ref: String, on: LocalDate)
    /// `refusal` is the reason when the sign-off is refused; `partner` says for whom when someone records it on their behalf.
    case signOffReview(ref: String, what: ReviewSignOffSubject, on: LocalDate, partner: Partner?, refusal: String?, attribution: Attribution? = nil)
}

/// Recommendations and action plans.
public enum ActionCommand: Equatable, Sendable {
    case addRecommendation(ref: String, rec: String, text: String, on: LocalDate?)
    /// The partnership's formal response to a recommendation (REF/R<n>): accepted, or not with the reason.
    case respondToRecommendation(rec: String, accepted: Bool, reason: String?, on: LocalDate?)
    /// Notes where the facts that follow in the same command came from (`import`).
    case recordImport(ref: String, file: String, sha256: String, rows: [String])
    case addAction(recommendation: String, code: String, text: String, owner: String, lead: String, due: LocalDate,
                   dueText: String?, success: String?, on: LocalDate?)
    /// `on`, in these commands, is the business date it happened (default: today).
    case updateAction(action: String, note: String, rag: RAG?, evidence: String?, on: LocalDate? = nil, attribution: Attribution? = nil)
    case reviseDue(action: String, due: LocalDate, reason: String, on: LocalDate? = nil)
    case markImplemented(action: String, on: LocalDate, evidence: String)
    case recordImpact(action: String, on: LocalDate, evidence: String, rating: String?)
    case signOffAction(action: String, stage: SignOffStage, refusal: String?, on: LocalDate? = nil, attribution: Attribution? = nil)
    case transferAction(action: String, to: String, reason: String, on: LocalDate? = nil)
    /// Moves every open action of one review or plan into another plan (`review carry-forward`).
    case carryForward(from: String, to: String, on: LocalDate?)
    case withdrawAction(action: String, reason: String, on: LocalDate? = nil)
    case reopenAction(action: String, reason: String, on: LocalDate? = nil)
    case correctAction(action: String, field: String, value: String, reason: String, on: LocalDate? = nil)
}

/// A command with who asked and what day it is there: the only outside facts a decider sees.
/// `actor` is the roster name it is recorded under; `login`, when known, the operating-system
/// account that asked (which the line records beside the actor).
public struct Request: Equatable, Sendable {
    public var actor: String
    public var login: String?
    public var today: LocalDate
    public var command: Command
    /// Records what looks like a slip (the same entry twice, `Duplicates`) because it is meant (`--again`).
    public var again: Bool
    /// Decided again over history (`recheck`): rules added since a line was written do not judge it.
    public var replaying = false

    public init(actor: String, login: String? = nil, today: LocalDate, command: Command, again: Bool = false) {
        self.actor = actor
        self.login = login
        self.today = today
        self.command = command
        self.again = again
    }
}
