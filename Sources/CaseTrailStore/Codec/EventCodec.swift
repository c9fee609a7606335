import CaseTrailCore

/// Why a stored event could not be read as a typed fact.
public enum EventDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownType(String)
    case futureSchema(type: String, schema: Int, known: Int)
    case badField(type: String, field: String, expected: String)

    public var description: String {
        switch self {
        case .unknownType(let t):
            return "unknown event type '\(t)' (written by a newer casetrail?)"
        case .futureSchema(let t, let s, let k):
            return "'\(t)' has schema \(s), newer than this casetrail reads (\(k)); upgrade casetrail"
        case .badField(let t, let f, let e):
            return "'\(t)' data field '\(f)' is missing or not \(e)"
        }
    }
}

/// The stored event types and their names, the only place the names are written.
public enum EventType: String, CaseIterable, Sendable {
    case partnershipInitialised = "partnership_initialised"
    case memberAdded = "member_added"
    case memberRetired = "member_retired"
    case memberLoginBound = "member_login_bound"
    case memberEmailSet = "member_email_set"
    case agencyAdded = "agency_added"
    case agencyAliasAdded = "agency_alias_added"
    case bankHolidayAdded = "bank_holiday_added"
    case policySet = "policy_set"
    case seriousIncidentRecorded = "serious_incident_recorded"
    case reviewOpened = "review_opened"
    case milestoneRecorded = "review_milestone_recorded"
    case rapidReviewCompleted = "rapid_review_completed"
    case panelResponded = "panel_response_recorded"
    case reviewScreened = "review_screened"
    case reviewDecided = "review_decided"
    case publicationWithheld = "publication_withheld"
    case reviewGraded = "review_graded"
    case reviewDelayed = "review_delayed"
    case reviewClosed = "review_closed"
    case reviewSignedOff = "review_signed_off"
    case recommendationAdded = "recommendation_added"
    case trackerImported = "tracker_imported"
    case recommendationResponded = "recommendation_responded"
    case auditResultsRecorded = "audit_results_recorded"
    case actionAdded = "action_added"
    case actionUpdated = "action_updated"
    case actionDueRevised = "action_due_revised"
    case actionImplemented = "action_implemented"
    case actionImpactRecorded = "action_impact_recorded"
    case actionSignedOff = "action_signed_off"
    case actionSignOffRefused = "action_sign_off_refused"
    case actionTransferred = "action_transferred"
    case actionCarriedForward = "action_carried_forward"
    case actionWithdrawn = "action_withdrawn"
    case entryVoided = "entry_voided"
    case lineRedacted = "line_redacted"
    case eventVoided = "event_voided"
    case eventRedated = "event_date_corrected"
    case reviewCorrected = "review_corrected"
    case recommendationCorrected = "recommendation_corrected"
    case actionReopened = "action_reopened"
    case actionCorrected = "action_corrected"

    /// The types by the length of their names, then their names' bytes: every replayed line names
    /// its type, and comparing a few bytes is cheaper than hashing the name.
    private static let byLength: [[(name: [UInt8], type: EventType)]] = {
        var table = [[(name: [UInt8], type: EventType)]](repeating: [], count: (allCases.map(\.rawValue.utf8.count).max() ?? 0) + 1)
        for t in allCases { table[t.rawValue.utf8.count].append((Array(t.rawValue.utf8), t)) }
        return table
    }()

    /// The payload schema this type is written with now. Raise it, with an upcaster, when a payload changes.
    /// action_corrected 2 keeps the value before (`from`); its schema-1 lines simply lack it.
    /// Schema 2 of decisions, sign-offs and updates adds on_behalf_of, meeting and (sign-offs) signer.
    var schema: Int {
        switch self {
        case .actionCorrected, .reviewDecided, .reviewSignedOff, .actionUpdated, .actionSignedOff, .actionSignOffRefused: return 2
        default: return 1
        }
    }

    public init?(rawValue: String) {
        var name = rawValue
        guard let t = name.withUTF8({ bytes -> EventType? in
            guard bytes.count < EventType.byLength.count else { return nil }
            search: for candidate in EventType.byLength[bytes.count] {
                for i in 0..<bytes.count where candidate.name[i] != bytes[i] { continue search }
                return candidate.type
            }
            return nil
        }) else { return nil }
        self = t
    }
}

extension Event {
    /// The stored type name: snake_case, past tense. Part of the log format: never change one.
    public var typeName: String { type.rawValue }

    /// Which stored type this event is.
    var type: EventType {
        switch self {
        case .partnershipInitialised: return .partnershipInitialised
        case .memberAdded: return .memberAdded
        case .memberRetired: return .memberRetired
        case .memberLoginBound: return .memberLoginBound
        case .memberEmailSet: return .memberEmailSet
        case .agencyAdded: return .agencyAdded
        case .agencyAliasAdded: return .agencyAliasAdded
        case .bankHolidayAdded: return .bankHolidayAdded
        case .policySet: return .policySet
        case .seriousIncidentRecorded: return .seriousIncidentRecorded
        case .reviewOpened: return .reviewOpened
        case .milestoneRecorded: return .milestoneRecorded
        case .rapidReviewCompleted: return .rapidReviewCompleted
        case .panelResponded: return .panelResponded
        case .reviewScreened: return .reviewScreened
        case .reviewDecided: return .reviewDecided
        case .publicationWithheld: return .publicationWithheld
        case .reviewGraded: return .reviewGraded
        case .reviewDelayed: return .reviewDelayed
        case .reviewClosed: return .reviewClosed
        case .reviewSignedOff: return .reviewSignedOff
        case .recommendationAdded: return .recommendationAdded
        case .trackerImported: return .trackerImported
        case .recommendationResponded: return .recommendationResponded
        case .auditResultsRecorded: return .auditResultsRecorded
        case .actionAdded: return .actionAdded
        case .actionUpdated: return .actionUpdated
        case .actionDueRevised: return .actionDueRevised
        case .actionImplemented: return .actionImplemented
        case .actionImpactRecorded: return .actionImpactRecorded
        case .actionSignedOff: return .actionSignedOff
        case .actionSignOffRefused: return .actionSignOffRefused
        case .actionTransferred: return .actionTransferred
        case .actionCarriedForward: return .actionCarriedForward
        case .actionWithdrawn: return .actionWithdrawn
        case .entryVoided: return .entryVoided
        case .lineRedacted: return .lineRedacted
        case .eventVoided: return .eventVoided
        case .eventRedated: return .eventRedated
        case .reviewCorrected: return .reviewCorrected
        case .recommendationCorrected: return .recommendationCorrected
        case .actionReopened: return .actionReopened
        case .actionCorrected: return .actionCorrected
        }
    }

    /// The payload schema each type is written with now.
    static let currentSchema: [String: Int] = Dictionary(uniqueKeysWithValues: EventType.allCases.map { ($0.rawValue, $0.schema) })

    /// Upcasters turn a payload of (type, schema) into the next schema's form, so old lines are
    /// read as today's events and never rewritten. Empty until a schema changes.
    static let upcasters: [UpcastKey: @Sendable (JSONValue) -> JSONValue] = [:]

    public var schema: Int { type.schema }

    /// The store's view of the event: its stream, type name, schema and payload.
    var newEvent: NewEvent { NewEvent(stream: stream, type: typeName, schema: schema, data: data) }

    /// The `data` member written for this event, fields in a fixed order; absent optionals are left out.
    var data: JSONValue {
        switch self {
        case let .partnershipInitialised(name, code):
            return .object(["name": .string(name), "code": .string(code)])
        case let .memberAdded(user, name, agency, roles, partner):
            return .object(["user": .string(user), "name": .string(name), "agency": .string(agency),
                            "roles": .array(roles.map { .string($0.rawValue) }), "partner": .raw(partner)])
        case let .memberRetired(user, reason):
            return .object(["user": .string(user), "reason": .text(reason)])
        case let .memberLoginBound(user, login):
            return .object(["user": .string(user), "login": .string(login)])
        case let .memberEmailSet(user, email):
            return .object(["user": .string(user), "email": .string(email)])
        case let .agencyAdded(code, name, aliases):
            return .object(["code": .string(code), "name": .string(name), "aliases": .array(aliases.map { .string($0) })])
        case let .agencyAliasAdded(code, alias):
            return .object(["code": .string(code), "alias": .string(alias)])
        case let .bankHolidayAdded(on, name):
            return .object(["on": .date(on), "name": .string(name)])
        case let .policySet(name, value):
            return .object(["name": .string(name), "value": .string(value)])
        case let .seriousIncidentRecorded(ref, child, aware, incident, summary):
            return .object(["ref": .string(ref), "child": .string(child), "aware": .date(aware),
                            "incident": .date(incident), "summary": .text(summary)])
        case let .reviewOpened(ref, kind, title, on, from, initiatedOn):
            return .object(["ref": .string(ref), "kind": .string(kind.rawValue), "title": .string(title), "on": .date(on),
                            "from": .text(from), "initiated_on": .date(initiatedOn)])
        case let .milestoneRecorded(ref, what, on, note, url):
            return .object(["ref": .string(ref), "what": .string(what.rawValue), "on": .date(on), "note": .text(note), "url": .text(url)])
        case let .rapidReviewCompleted(ref, on, recommendation, rationale):
            return .object(["ref": .string(ref), "on": .date(on), "recommendation": .string(recommendation.rawValue),
                            "rationale": .string(rationale)])
        case let .panelResponded(ref, on, agrees, note):
            return .object(["ref": .string(ref), "on": .date(on), "agrees": .bool(agrees), "note": .text(note)])
        case let .reviewScreened(ref, on, recommendation, note):
            return .object(["ref": .string(ref), "on": .date(on), "recommendation": .string(recommendation.rawValue), "note": .text(note)])
        case let .reviewDecided(ref, on, outcome, by, rationale, creates, reconvene, attribution):
            return .object(["ref": .string(ref), "on": .date(on), "outcome": .string(outcome.rawValue), "by": .string(by),
                            "rationale": .string(rationale), "creates": .text(creates), "reconvene": .date(reconvene)]).with(attribution)
        case let .publicationWithheld(ref, on, reason):
            return .object(["ref": .string(ref), "on": .date(on), "reason": .string(reason)])
        case let .reviewGraded(ref, on, by, grade):
            return .object(["ref": .string(ref), "on": .date(on), "by": .string(by), "grade": .string(grade)])
        case let .reviewDelayed(ref, on, reason, expected):
            return .object(["ref": .string(ref), "on": .date(on), "reason": .string(reason), "expected": .date(expected)])
        case let .reviewClosed(ref, on):
            return .object(["ref": .string(ref), "on": .date(on)])
        case let .reviewSignedOff(ref, what, on, partner, refused, reason, attribution):
            return .object(["ref": .string(ref), "what": .string(what.rawValue), "on": .date(on), "partner": .raw(partner),
                            "refused": .bool(refused), "reason": .text(reason)]).with(attribution)
        case let .auditResultsRecorded(ref, on, counts):
            return .object(["ref": .string(ref), "on": .date(on), "counts": .object(counts.map { JSONMember($0.level.rawValue, .int($0.count)) })])
        case let .recommendationResponded(rec, accepted, reason, on):
            return .object(["rec": .string(rec), "accepted": .bool(accepted), "reason": .text(reason), "on": .date(on)])
        case let .trackerImported(ref, file, sha256, rows):
            return .object(["ref": .string(ref), "file": .string(file), "sha256": .string(sha256), "rows": .array(rows.map { .string($0) })])
        case let .recommendationAdded(ref, rec, text, on):
            return .object(["ref": .string(ref), "rec": .string(rec), "text": .string(text), "on": .date(on)])
        case let .actionAdded(action, text, owner, lead, due, dueText, success, on):
            return .object(["action": .string(action), "text": .string(text), "owner": .string(owner), "lead": .string(lead),
                            "due": .date(due), "due_text": .text(dueText), "success": .text(success), "on": .date(on)])
        case let .actionUpdated(action, on, note, rag, evidence, attribution):
            return .object(["action": .string(action), "on": .date(on), "note": .string(note), "rag": .raw(rag),
                            "evidence": .text(evidence)]).with(attribution)
        case let .actionDueRevised(action, on, from, due, reason):
            return .object(["action": .string(action), "on": .date(on), "from": .date(from), "due": .date(due),
                            "reason": .string(reason)])
        case let .actionImplemented(action, on, evidence):
            return .object(["action": .string(action), "on": .date(on), "evidence": .string(evidence)])
        case let .actionImpactRecorded(action, on, evidence, rating):
            return .object(["action": .string(action), "on": .date(on), "evidence": .string(evidence), "rating": .text(rating)])
        case let .actionSignedOff(action, on, stage, complete, attribution):
            return .object(["action": .string(action), "on": .date(on), "stage": .string(stage.rawValue), "complete": .bool(complete)]).with(attribution)
        case let .actionSignOffRefused(action, on, stage, reason, attribution):
            return .object(["action": .string(action), "on": .date(on), "stage": .string(stage.rawValue), "reason": .string(reason)]).with(attribution)
        case let .actionTransferred(action, on, to, reason):
            return .object(["action": .string(action), "on": .date(on), "to": .string(to), "reason": .string(reason)])
        case let .actionCarriedForward(action, on, to):
            return .object(["action": .string(action), "on": .date(on), "to": .string(to)])
        case let .eventRedated(seq, stream, fact, date, on, reason):
            return .object(["seq": .int(seq), "stream": .string(stream), "fact": .string(fact.kind.rawValue), "subject": .string(fact.subject),
                            "detail": .optional(fact.detail), "happened": .date(fact.happened), "date": .date(date), "on": .date(on), "reason": .string(reason)])
        case let .eventVoided(seq, stream, fact, on, reason):
            return .object(["seq": .int(seq), "stream": .string(stream), "fact": .string(fact.kind.rawValue), "subject": .string(fact.subject),
                            "detail": .optional(fact.detail), "happened": .date(fact.happened), "on": .date(on), "reason": .string(reason)])
        case let .lineRedacted(seq, stream, fields, reason, on, originalHash, sha256):
            return .object(["seq": .int(seq), "stream": .string(stream), "fields": .array(fields.map { .string($0) }), "reason": .string(reason),
                            "on": .date(on), "original_hash": .string(originalHash), "sha256": .string(sha256)])
        case let .entryVoided(target, on, reason, dependents, withDependents):
            return .object(["target": .string(target), "on": .date(on), "reason": .string(reason), "dependents": .array(dependents.map { .string($0) }),
                            "with_dependents": .bool(withDependents)])
        case let .actionWithdrawn(action, on, reason):
            return .object(["action": .string(action), "on": .date(on), "reason": .string(reason)])
        case let .actionReopened(action, on, reason):
            return .object(["action": .string(action), "on": .date(on), "reason": .string(reason)])
        case let .actionCorrected(action, on, field, value, reason, from):
            return .object(["action": .string(action), "on": .date(on), "field": .string(field), "value": .string(value),
                            "reason": .string(reason), "from": .text(from)])
        case let .reviewCorrected(ref, on, field, from, value, reason):
            return .object(["ref": .string(ref), "on": .date(on), "field": .string(field), "from": .string(from), "value": .string(value), "reason": .string(reason)])
        case let .recommendationCorrected(rec, on, field, from, value, reason):
            return .object(["rec": .string(rec), "on": .date(on), "field": .string(field), "from": .string(from), "value": .string(value), "reason": .string(reason)])
        }
    }

    /// Reads a stored event, upcasting older schemas first.
    static func decode(type: String, schema: Int, data: JSONValue) throws(EventDecodingError) -> Event {
        try decode(type: type, schema: schema, data: data, upcasters: upcasters, currentSchema: currentSchema)
    }

    /// The decoding itself, with the upcasters and schema table as parameters so the mechanism can be tested.
    static func decode(type: String, schema: Int, data: JSONValue, upcasters: [UpcastKey: @Sendable (JSONValue) -> JSONValue],
                       currentSchema: [String: Int]) throws(EventDecodingError) -> Event {
        guard let current = currentSchema[type] else { throw .unknownType(type) }
        guard schema <= current else { throw .futureSchema(type: type, schema: schema, known: current) }
        var payload = data
        var version = schema
        while version < current {
            if let up = upcasters[UpcastKey(type: type, schema: version)] { payload = up(payload) }
            version += 1
        }
        guard let kind = EventType(rawValue: type) else { throw .unknownType(type) }
        // Written out again, names carry escapes only where JSON requires them, so none can hide a field's name.
        var text: [UInt8] = []
        payload.write(into: &text)
        return try text.withUnsafeBufferPointer { json in
            Result { () throws(EventDecodingError) in try decode(kind, Fields(type: type, json: IndexedJSON(checking: json)!)) }
        }.get()
    }

    /// Reads a stored event from its payload's JSON text as the log holds it, picking the fields out
    /// of the bytes: the replay path, so no `JSONValue` tree is built. An older schema (to upcast)
    /// or a member name written with escapes goes through the tree instead.
    static func decode(type: String, schema: Int, json: IndexedJSON) throws(EventDecodingError) -> Event {
        // An older schema with nothing to upcast (the newer one only added optional members) reads as it is.
        if let kind = EventType(rawValue: type), schema == kind.schema || (schema >= 1 && schema < kind.schema && !upcastsBetween(type, schema, kind.schema)),
           !json.index.hasEscapedNames {
            return try decode(kind, Fields(type: type, json: json))
        }
        return try decode(type: type, schema: schema, data: (try? JSONValue.parse(json.bytes)) ?? .null)
    }

    /// Whether any upcaster changes a payload of `type` on its way from `schema` to `current`.
    static func upcastsBetween(_ type: String, _ schema: Int, _ current: Int) -> Bool {
        !upcasters.isEmpty && (schema..<current).contains { upcasters[UpcastKey(type: type, schema: $0)] != nil }
    }

    /// As `decode(type:schema:json:)` for JSON text not yet checked and indexed.
    static func decode(type: String, schema: Int, json: UnsafeBufferPointer<UInt8>) throws(EventDecodingError) -> Event {
        guard let indexed = IndexedJSON(checking: json) else { return try decode(type: type, schema: schema, data: .null) }
        return try decode(type: type, schema: schema, json: indexed)
    }

    /// Builds the event of one type from its payload's fields.
    private static func decode(_ kind: EventType, _ f: Fields) throws(EventDecodingError) -> Event {
        switch kind {
        case .partnershipInitialised:
            return .partnershipInitialised(name: try f.string("name"), code: try f.string("code"))
        case .memberAdded:
            return .memberAdded(user: try f.string("user"), name: try f.string("name"), agency: try f.string("agency"),
                                roles: try f.strings("roles").compactMap(Role.init(rawValue:)), partner: try f.optionalRaw("partner"))
        case .memberRetired:
            return .memberRetired(user: try f.string("user"), reason: try f.optionalString("reason"))
        case .memberLoginBound:
            return .memberLoginBound(user: try f.string("user"), login: try f.string("login"))
        case .memberEmailSet:
            return .memberEmailSet(user: try f.string("user"), email: try f.string("email"))
        case .agencyAdded:
            return .agencyAdded(code: try f.string("code"), name: try f.string("name"), aliases: try f.strings("aliases"))
        case .agencyAliasAdded:
            return .agencyAliasAdded(code: try f.string("code"), alias: try f.string("alias"))
        case .bankHolidayAdded:
            return .bankHolidayAdded(on: try f.date("on"), name: try f.string("name"))
        case .policySet:
            return .policySet(name: try f.string("name"), value: try f.string("value"))
        case .seriousIncidentRecorded:
            return .seriousIncidentRecorded(ref: try f.string("ref"), child: try f.string("child"), aware: try f.date("aware"),
                                            incident: try f.optionalDate("incident"), summary: try f.optionalString("summary"))
        case .reviewOpened:
            return .reviewOpened(ref: try f.string("ref"), kind: try f.raw("kind"), title: try f.string("title"), on: try f.date("on"),
                                 from: try f.optionalString("from"), initiatedOn: try f.optionalDate("initiated_on"))
        case .milestoneRecorded:
            return .milestoneRecorded(ref: try f.string("ref"), what: try f.raw("what"), on: try f.date("on"),
                                      note: try f.optionalString("note"), url: try f.optionalString("url"))
        case .rapidReviewCompleted:
            return .rapidReviewCompleted(ref: try f.string("ref"), on: try f.date("on"), recommendation: try f.raw("recommendation"),
                                         rationale: try f.string("rationale"))
        case .panelResponded:
            return .panelResponded(ref: try f.string("ref"), on: try f.date("on"), agrees: try f.bool("agrees"),
                                   note: try f.optionalString("note"))
        case .reviewScreened:
            return .reviewScreened(ref: try f.string("ref"), on: try f.date("on"), recommendation: try f.raw("recommendation"),
                                   note: try f.optionalString("note"))
        case .reviewDecided:
            return .reviewDecided(ref: try f.string("ref"), on: try f.date("on"), outcome: try f.raw("outcome"), by: try f.string("by"),
                                  rationale: try f.string("rationale"), creates: try f.optionalString("creates"),
                                  reconvene: try f.optionalDate("reconvene"), attribution: try f.attribution())
        case .publicationWithheld:
            return .publicationWithheld(ref: try f.string("ref"), on: try f.date("on"), reason: try f.string("reason"))
        case .reviewGraded:
            return .reviewGraded(ref: try f.string("ref"), on: try f.date("on"), by: try f.string("by"), grade: try f.string("grade"))
        case .reviewDelayed:
            return .reviewDelayed(ref: try f.string("ref"), on: try f.date("on"), reason: try f.string("reason"),
                                  expected: try f.optionalDate("expected"))
        case .reviewClosed:
            return .reviewClosed(ref: try f.string("ref"), on: try f.date("on"))
        case .reviewSignedOff:
            return .reviewSignedOff(ref: try f.string("ref"), what: try f.raw("what"), on: try f.date("on"),
                                    partner: try f.optionalRaw("partner"), refused: try f.bool("refused"),
                                    reason: try f.optionalString("reason"), attribution: try f.attribution())
        case .recommendationAdded:
            return .recommendationAdded(ref: try f.string("ref"), rec: try f.string("rec"), text: try f.string("text"), on: try f.date("on"))
        case .auditResultsRecorded:
            return .auditResultsRecorded(ref: try f.string("ref"), on: try f.date("on"), counts: try f.auditCounts("counts"))
        case .recommendationResponded:
            return .recommendationResponded(rec: try f.string("rec"), accepted: try f.bool("accepted"), reason: try f.optionalString("reason"), on: try f.date("on"))
        case .trackerImported:
            return .trackerImported(ref: try f.string("ref"), file: try f.string("file"), sha256: try f.string("sha256"), rows: try f.strings("rows"))
        case .actionAdded:
            return .actionAdded(action: try f.string("action"), text: try f.string("text"), owner: try f.string("owner"),
                                lead: try f.string("lead"), due: try f.date("due"), dueText: try f.optionalString("due_text"),
                                success: try f.optionalString("success"), on: try f.date("on"))
        case .actionUpdated:
            return .actionUpdated(action: try f.string("action"), on: try f.date("on"), note: try f.string("note"),
                                  rag: try f.optionalRaw("rag"), evidence: try f.optionalString("evidence"), attribution: try f.attribution())
        case .actionDueRevised:
            return .actionDueRevised(action: try f.string("action"), on: try f.date("on"), from: try f.date("from"),
                                     due: try f.date("due"), reason: try f.string("reason"))
        case .actionImplemented:
            return .actionImplemented(action: try f.string("action"), on: try f.date("on"), evidence: try f.string("evidence"))
        case .actionImpactRecorded:
            return .actionImpactRecorded(action: try f.string("action"), on: try f.date("on"), evidence: try f.string("evidence"),
                                         rating: try f.optionalString("rating"))
        case .actionSignedOff:
            return .actionSignedOff(action: try f.string("action"), on: try f.date("on"), stage: try f.raw("stage"),
                                    complete: try f.bool("complete"), attribution: try f.attribution())
        case .actionSignOffRefused:
            return .actionSignOffRefused(action: try f.string("action"), on: try f.date("on"), stage: try f.raw("stage"),
                                         reason: try f.string("reason"), attribution: try f.attribution())
        case .actionTransferred:
            return .actionTransferred(action: try f.string("action"), on: try f.date("on"), to: try f.string("to"),
                                      reason: try f.string("reason"))
        case .actionCarriedForward:
            return .actionCarriedForward(action: try f.string("action"), on: try f.date("on"), to: try f.string("to"))
        case .eventVoided:
            return .eventVoided(seq: try f.seq("seq"), stream: try f.string("stream"), fact: try f.voidableFact(), on: try f.date("on"), reason: try f.string("reason"))
        case .eventRedated:
            return .eventRedated(seq: try f.seq("seq"), stream: try f.string("stream"), fact: try f.voidableFact(), date: try f.date("date"),
                                 on: try f.date("on"), reason: try f.string("reason"))
        case .lineRedacted:
            return .lineRedacted(seq: try f.seq("seq"), stream: try f.string("stream"), fields: try f.strings("fields"), reason: try f.string("reason"),
                                 on: try f.date("on"), originalHash: try f.string("original_hash"), sha256: try f.string("sha256"))
        case .entryVoided:
            return .entryVoided(target: try f.string("target"), on: try f.date("on"), reason: try f.string("reason"), dependents: try f.strings("dependents"),
                                withDependents: try f.bool("with_dependents"))
        case .actionWithdrawn:
            return .actionWithdrawn(action: try f.string("action"), on: try f.date("on"), reason: try f.string("reason"))
        case .actionReopened:
            return .actionReopened(action: try f.string("action"), on: try f.date("on"), reason: try f.string("reason"))
        case .actionCorrected:
            return .actionCorrected(action: try f.string("action"), on: try f.date("on"), field: try f.string("field"),
                                    value: try f.string("value"), reason: try f.string("reason"), from: try f.optionalString("from"))
        case .reviewCorrected:
            return .reviewCorrected(ref: try f.string("ref"), on: try f.date("on"), field: try f.string("field"), from: try f.string("from"),
                                    value: try f.string("value"), reason: try f.string("reason"))
        case .recommendationCorrected:
            return .recommendationCorrected(rec: try f.string("rec"), on: try f.date("on"), field: try f.string("field"), from: try f.string("from"),
                                            value: try f.string("value"), reason: try f.string("reason"))
        }
    }
}

extension JSONValue {
    /// A business date as the log writes it, or nil (left out) when absent.
    static func date(_ d: LocalDate?) -> JSONValue? { d.map { .string($0.description) } }
    static func date(_ d: LocalDate) -> JSONValue { .string(d.description) }
    /// Optional text, left out when absent.
    static func text(_ s: String?) -> JSONValue? { s.map { .string($0) } }
    /// An optional enumeration's stored value, left out when absent.
    static func raw<T: RawRepresentable>(_ v: T?) -> JSONValue? where T.RawValue == String { v.map { .string($0.rawValue) } }
}

/// A stored payload read as a typed fact, or why it cannot be: what replay and verification apply.
public typealias DecodedEvent = Result<Event, EventDecodingError>

extension Result where Failure == EventDecodingError {
    /// Why the payload could not be read, if it could not: an integrity problem on its line.
    public var problem: String? {
        if case .failure(let error) = self { return error.description }
        return nil
    }
}

extension Event {
    /// The typed event of a stored record, read from its payload's bytes.
    static func decoded(_ record: LogRecord, _ payload: IndexedJSON) -> DecodedEvent {
        Result { () throws(EventDecodingError) in try Event.decode(type: record.type, schema: record.schema, json: payload) }
    }
}

/// Identifies the upcaster for one stored (type, schema) pair.
struct UpcastKey: Hashable, Sendable {
    let type: String
    let schema: Int
    init(type: String, schema: Int) { self.type = type; self.schema = schema }
}

/// Typed access to a payload's members, read from its JSON text by way of the index made when the
/// text was checked, failing with the field's name. A payload that is not an object has no members.
/// A payload never repeats a member: the reader that indexed it refuses one that does.
struct Fields {
    let type: String
    let json: UnsafeBufferPointer<UInt8>
    private let members: [(name: Range<Int>, value: Int, plainText: Range<Int>?)]

    init(type: String, json indexed: IndexedJSON) {
        self.type = type
        json = indexed.bytes
        members = indexed.index.members
    }

    /// Where a member's value starts and, for plain text, where the text lies.
    private typealias Member = (value: Int, plainText: Range<Int>?)

    /// The first member called `key`, if there is one.
    private func member(_ key: StaticString) -> Member? {
        let name = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        // Length and first letter turn away almost every other member before its bytes are compared.
        search: for m in members where m.name.count == name.count && json[m.name.lowerBound] == name[0] {
            for i in 1..<name.count where json[m.name.lowerBound + i] != name[i] { continue search }
            return (m.value, m.plainText)
        }
        return nil
    }

    /// The member `key`, when it is present and not null.
    private func present(_ key: StaticString) -> Member? {
        guard let m = member(key), json[m.value] != UInt8(ascii: "n") else { return nil }
        return m
    }

    /// The member's value as a string, or nil when it is not one.
    private func text(_ m: Member) -> String? {
        if let plain = m.plainText { return String(decoding: UnsafeBufferPointer(rebasing: json[plain]), as: UTF8.self) }
        guard json[m.value] == UInt8(ascii: "\"") else { return nil }
        var p = JSONParser(bytes: json)
        p.pos = m.value
        return try? p.string()
    }

    /// The member's value as a date, read straight from the bytes when plainly written (every event has a date or two).
    private func date(_ m: Member) -> LocalDate? {
        if let plain = m.plainText { return LocalDate(utf8: UnsafeBufferPointer(rebasing: json[plain])) }
        return text(m).flatMap(LocalDate.init)
    }

    private func raw<T: RawRepresentable>(_ m: Member, _ key: StaticString) throws(EventDecodingError) -> T where T.RawValue == String {
        guard let s = text(m), let v = T(rawValue: s) else { throw .badField(type: type, field: "\(key)", expected: "a known \(key)") }
        return v
    }

    func string(_ key: StaticString) throws(EventDecodingError) -> String {
        guard let m = member(key), let s = text(m) else { throw .badField(type: type, field: "\(key)", expected: "a string") }
        return s
    }

    /// Who a fact was recorded for and at which meeting (schema 2 of decisions, sign-offs and updates), if it says.
    func attribution() throws(EventDecodingError) -> Attribution? {
        let (body, meeting, signer) = (try optionalString("on_behalf_of"), try optionalString("meeting"), try optionalString("signer"))
        return body == nil && meeting == nil && signer == nil ? nil : Attribution(onBehalfOf: body, meeting: meeting, signer: signer)
    }

    func optionalString(_ key: StaticString) throws(EventDecodingError) -> String? {
        guard let m = present(key) else { return nil }
        guard let s = text(m) else { throw .badField(type: type, field: "\(key)", expected: "a string") }
        return s
    }

    func strings(_ key: StaticString) throws(EventDecodingError) -> [String] {
        guard let m = present(key) else { return [] }
        var p = JSONParser(bytes: json)
        p.pos = m.value
        guard let items = (try? p.value(depth: 1))?.arrayValue else {
            throw .badField(type: type, field: "\(key)", expected: "a list of strings")
        }
        var out: [String] = []
        for item in items {
            guard let s = item.stringValue else { throw .badField(type: type, field: "\(key)", expected: "a list of strings") }
            out.append(s)
        }
        return out
    }

    /// An object of audit levels and whole numbers, e.g. {"good":1,"requires-improvement":4}.
    func auditCounts(_ key: StaticString) throws(EventDecodingError) -> [AuditCount] {
        guard let m = present(key) else { return [] }
        var p = JSONParser(bytes: json)
        p.pos = m.value
        guard case .object(let members)? = try? p.value(depth: 1) else { throw .badField(type: type, field: "\(key)", expected: "an object of counts") }
        var out: [AuditCount] = []
        for member in members {
            guard let level = AuditLevel(rawValue: member.key), let n = member.value.intValue, (0...100_000).contains(n) else {
                throw .badField(type: type, field: "\(key)", expected: "audit levels with whole numbers")
            }
            out.append(AuditCount(level: level, count: n))
        }
        // In the scale's order, whatever order the object's members came in (JSON objects have none).
        let order = AuditLevel.allCases
        return out.sorted { order.firstIndex(of: $0.level)! < order.firstIndex(of: $1.level)! }
    }

    /// What a void or a date correction says the line it names recorded.
    func voidableFact() throws(EventDecodingError) -> VoidableFact {
        VoidableFact(kind: try raw("fact"), subject: try string("subject"), detail: try optionalString("detail"), happened: try date("happened"))
    }

    /// A whole number within the range a seq may be.
    func seq(_ key: StaticString) throws(EventDecodingError) -> Int {
        var p = JSONParser(bytes: json)
        guard let m = member(key) else { throw .badField(type: type, field: "\(key)", expected: "a line number") }
        p.pos = m.value
        guard let n = try? p.integerValue(), LogLine.counts.contains(n) else { throw .badField(type: type, field: "\(key)", expected: "a line number") }
        return n
    }

    func bool(_ key: StaticString) throws(EventDecodingError) -> Bool {
        switch member(key).map({ json[$0.value] }) {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw .badField(type: type, field: "\(key)", expected: "true or false")
        }
    }

    func raw<T: RawRepresentable>(_ key: StaticString) throws(EventDecodingError) -> T where T.RawValue == String {
        guard let m = member(key) else { throw .badField(type: type, field: "\(key)", expected: "a known \(key)") }
        return try raw(m, key)
    }

    func optionalRaw<T: RawRepresentable>(_ key: StaticString) throws(EventDecodingError) -> T? where T.RawValue == String {
        guard let m = present(key) else { return nil }
        return try raw(m, key) as T
    }

    func date(_ key: StaticString) throws(EventDecodingError) -> LocalDate {
        guard let m = member(key), let d = date(m) else { throw .badField(type: type, field: "\(key)", expected: "a YYYY-MM-DD date") }
        return d
    }

    func optionalDate(_ key: StaticString) throws(EventDecodingError) -> LocalDate? {
        guard let m = present(key) else { return nil }
        guard let d = date(m) else { throw .badField(type: type, field: "\(key)", expected: "a YYYY-MM-DD date") }
        return d
    }
}

extension JSONValue {
    /// This object with who the fact was recorded for, where it says (absent members left out).
    func with(_ a: Attribution?) -> JSONValue {
        guard case .object(var members) = self, let a else { return self }
        for (key, value) in [("on_behalf_of", a.onBehalfOf), ("meeting", a.meeting), ("signer", a.signer)] {
            if let value { members.append(JSONMember(key, .string(value))) }
        }
        return .object(members)
    }
}
