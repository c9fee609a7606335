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

extension Event {
    /// The stored type name: snake_case, past tense. Part of the log format: never change one.
    public var typeName: String {
        switch self {
        case .partnershipInitialised: return "partnership_initialised"
        case .memberAdded: return "member_added"
        case .memberRetired: return "member_retired"
        case .agencyAdded: return "agency_added"
        case .agencyAliasAdded: return "agency_alias_added"
        }
    }

    /// The payload schema each type is written with now.
    public static let currentSchema: [String: Int] = [
        "partnership_initialised": 1,
        "member_added": 1,
        "member_retired": 1,
        "agency_added": 1,
        "agency_alias_added": 1,
    ]

    /// Upcasters turn a payload of (type, schema) into the next schema's form, so old lines are
    /// read as today's events and never rewritten. Empty until a schema changes.
    public static let upcasters: [UpcastKey: @Sendable (JSONValue) -> JSONValue] = [:]

    public var schema: Int { Event.currentSchema[typeName] ?? 1 }

    /// The `data` member written for this event, fields in a fixed order.
    public var data: JSONValue {
        switch self {
        case let .partnershipInitialised(name, code):
            return .object(["name": .string(name), "code": .string(code)])
        case let .memberAdded(user, name, agency, roles, partner):
            return .object(["user": .string(user), "name": .string(name), "agency": .string(agency),
                            "roles": .array(roles.map { .string($0.rawValue) }),
                            "partner": partner.map { .string($0.rawValue) }])
        case let .memberRetired(user, reason):
            return .object(["user": .string(user), "reason": reason.map { .string($0) }])
        case let .agencyAdded(code, name, aliases):
            return .object(["code": .string(code), "name": .string(name), "aliases": .array(aliases.map { .string($0) })])
        case let .agencyAliasAdded(code, alias):
            return .object(["code": .string(code), "alias": .string(alias)])
        }
    }

    /// Reads a stored event, upcasting older schemas first.
    public static func decode(type: String, schema: Int, data: JSONValue) throws(EventDecodingError) -> Event {
        guard let current = currentSchema[type] else { throw .unknownType(type) }
        guard schema <= current else { throw .futureSchema(type: type, schema: schema, known: current) }
        var payload = data
        var version = schema
        while version < current {
            if let up = upcasters[UpcastKey(type: type, schema: version)] { payload = up(payload) }
            version += 1
        }
        let f = Fields(type: type, data: payload)
        switch type {
        case "partnership_initialised":
            return .partnershipInitialised(name: try f.string("name"), code: try f.string("code"))
        case "member_added":
            return .memberAdded(user: try f.string("user"), name: try f.string("name"), agency: try f.string("agency"),
                                roles: try f.strings("roles").compactMap(Role.init(rawValue:)),
                                partner: try f.optionalString("partner").flatMap(Partner.init(rawValue:)))
        case "member_retired":
            return .memberRetired(user: try f.string("user"), reason: try f.optionalString("reason"))
        case "agency_added":
            return .agencyAdded(code: try f.string("code"), name: try f.string("name"), aliases: try f.strings("aliases"))
        case "agency_alias_added":
            return .agencyAliasAdded(code: try f.string("code"), alias: try f.string("alias"))
        default:
            throw .unknownType(type)
        }
    }
}

/// Identifies the upcaster for one stored (type, schema) pair.
public struct UpcastKey: Hashable, Sendable {
    public let type: String
    public let schema: Int
    public init(type: String, schema: Int) { self.type = type; self.schema = schema }
}

/// Typed access to a payload's members, failing with the field's name.
struct Fields {
    let type: String
    let data: JSONValue

    func string(_ key: String) throws(EventDecodingError) -> String {
        guard let s = data[key]?.stringValue else { throw .badField(type: type, field: key, expected: "a string") }
        return s
    }

    func optionalString(_ key: String) throws(EventDecodingError) -> String? {
        guard let v = data[key], !v.isNull else { return nil }
        guard let s = v.stringValue else { throw .badField(type: type, field: key, expected: "a string") }
        return s
    }

    func strings(_ key: String) throws(EventDecodingError) -> [String] {
        guard let v = data[key], !v.isNull else { return [] }
        guard let items = v.arrayValue else { throw .badField(type: type, field: key, expected: "a list of strings") }
        var out: [String] = []
        for item in items {
            guard let s = item.stringValue else { throw .badField(type: type, field: key, expected: "a list of strings") }
            out.append(s)
        }
        return out
    }

    func date(_ key: String) throws(EventDecodingError) -> LocalDate {
        guard let s = data[key]?.stringValue, let d = LocalDate(s) else {
            throw .badField(type: type, field: key, expected: "a YYYY-MM-DD date")
        }
        return d
    }

    func optionalDate(_ key: String) throws(EventDecodingError) -> LocalDate? {
        guard let v = data[key], !v.isNull else { return nil }
        return try date(key)
    }
}
