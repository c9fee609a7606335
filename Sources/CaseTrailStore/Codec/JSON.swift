#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON value with object members kept in their written order, so output is deterministic.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The member named `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for m in members where m.key == key { return m.value }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var intValue: Int? { if case .int(let i) = self { return i } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var isNull: Bool { self == .null }
}

/// One `"key": value` pair of an object.
public struct JSONMember: Hashable, Sendable {
    public var key: String
    public var value: JSONValue
    public init(_ key: String, _ value: JSONValue) { self.key = key; self.value = value }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// Builds an object from ordered pairs, leaving out members whose value is nil.
    public static func object(_ pairs: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        .object(pairs.compactMap { k, v in v.map { JSONMember(k, $0) } })
    }

    /// A string, or null when absent.
    public static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}

// MARK: - Writing

extension JSONValue {
    /// Compact JSON text with members in order and only the escapes JSON requires.
    public var compactText: String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends compact JSON bytes (UTF-8) to `out`, with only the escapes JSON requires (the log's form),
    /// or, `escapingInvisibles`, also DEL, C1 controls and direction controls as `\u` escapes (for
    /// output a person may read on a terminal; the same text to any JSON reader).
    public func write(into out: inout [UInt8], escapingInvisibles: Bool = false) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: (d.isFinite ? String(d) : "null").utf8)
        case .string(let s): escapingInvisibles ? JSONValue.writeStringEscapingInvisibles(s, into: &out) : JSONValue.writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out, escapingInvisibles: escapingInvisibles)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                escapingInvisibles ? JSONValue.writeStringEscapingInvisibles(m.key, into: &out) : JSONValue.writeString(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                m.value.write(into: &out, escapingInvisibles: escapingInvisibles)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// As `writeString`, with DEL, C1 controls and direction controls also written as `\u` escapes.
    static func writeStringEscapingInvisibles(_ s: String, into out: inout [UInt8]) {
        let invisible: (Unicode.Scalar) -> Bool = { c in
            switch c.value {
            case 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
        // The required escapes first; then the invisible ones, which are never among them. Every invisible
        // character is DEL or beyond ASCII: text without those bytes (most text) is done in one pass.
        let start = out.count
        guard writeQuoted(s, into: &out), s.unicodeScalars.contains(where: invisible) else { return }
        let text = Array(out[start...])
        out.removeSubrange(start...)
        let literal = String(decoding: text, as: UTF8.self).unicodeScalars.map { c -> String in
            invisible(c) ? "\\u" + String(c.value, radix: 16).leftPadded(to: 4) : String(c)
        }.joined()
        out.append(contentsOf: literal.utf8)
    }

    /// Writes a JSON string literal, escaping quotes, backslashes and control characters.
    public static func writeString(_ s: String, into out: inout [UInt8]) { writeQuoted(s, into: &out) }

    /// `writeString`, saying whether the text holds DEL or a byte beyond ASCII.
    @discardableResult
    private static func writeQuoted(_ s: String, into out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "\""))
        var s = s
        let highest = s.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied whole.
            var start = 0, highest: UInt8 = 0
            for i in bytes.indices {
                let b = bytes[i]
                highest = max(highest, b)
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                start = i + 1
                switch b {
                case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
                case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
                case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            return highest
        }
        out.append(UInt8(ascii: "\""))
        return highest >= 0x7F
    }
}

// MARK: - Reading

/// Why bytes are not JSON, with the byte offset where reading stopped.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "\(reason) at byte \(offset + 1)" }
    init(offset: Int, reason: String) { self.offset = offset; self.reason = reason }
}

extension JSONValue {
    /// Parses one complete JSON text; trailing non-space bytes are an error.
    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { b in Result { () throws(JSONError) in try parse(b) } }.get()
    }

    /// Parses one complete JSON text from UTF-8 bytes without copying them.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.pos == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }
}

/// A JSON object's members, noted while the object is checked: where each name and value lie, so
/// a reader can pick out fields without reading the object again (replay reads every payload).
struct JSONObjectIndex: Sendable {
    /// Each member's name (the bytes between its quotes), where its value starts and, for a string of
    /// plain ASCII without escapes (most are), where its text lies; in written order.
    fileprivate(set) var members: [(name: Range<Int>, value: Int, plainText: Range<Int>?)] = []
    /// Whether a name is written with escapes or non-ASCII bytes: its bytes may then differ from the name they spell.
    fileprivate(set) var hasEscapedNames = false

    init() { members.reserveCapacity(16) }
}

/// JSON text, valid only while it is being read, with the index of its top-level members.
struct IndexedJSON {
    let bytes: UnsafeBufferPointer<UInt8>
    let index: JSONObjectIndex

    init(bytes: UnsafeBufferPointer<UInt8>, index: JSONObjectIndex) {
        self.bytes = bytes
        self.index = index
    }

    /// Checks and indexes `bytes`; nil if they are not one JSON value.
    init?(checking bytes: UnsafeBufferPointer<UInt8>) {
        var p = JSONParser(bytes: bytes)
        var index = JSONObjectIndex()
        p.skipSpace()
        let start = p.pos
        guard (try? p.skipValue(indexingInto: &index)) != nil else { return nil }
        let end = p.pos
        p.skipSpace()
        guard p.pos == bytes.count else { return nil }
        self.init(bytes: UnsafeBufferPointer(rebasing: bytes[start..<end]), index: index)
    }
}

/// A strict RFC 8259 reader over raw bytes: the hot path of every replay, so it avoids Foundation.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ reason: String) -> JSONError { JSONError(offset: pos, reason: reason) }

    // Inlined: the envelope reader calls these on every member of every line.
    @inline(__always) mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        guard depth < 64 else { throw error("JSON nested too deeply") }
        guard pos < bytes.count else { throw error("unexpected end of JSON") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), 48...57: return try number()
        default: throw error("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { throw error("unexpected end of JSON") }
        let w = word.utf8Start
        for i in 0..<n where bytes[pos + i] != w[i] { throw error("unexpected character") }
        pos += n
    }

    /// Moves past the opening `{` or `[` and any space; whether the container is empty (its close is passed too).
    @inline(__always)
    mutating func open(closing close: UInt8) -> Bool {
        pos += 1
        skipSpace()
        guard pos < bytes.count, bytes[pos] == close else { return false }
        pos += 1
        return true
    }

    /// Expects a member name's opening quote, after any space.
    @inline(__always)
    mutating func expectName() throws(JSONError) {
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a member name") }
    }

    /// Moves past the `:` after a member's name, and the space around it.
    @inline(__always)
    mutating func expectColon() throws(JSONError) {
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
        pos += 1
        skipSpace()
    }

    /// After an item of an object or array: true if a `,` says another follows, false if `close` ends the container.
    @inline(__always)
    mutating func anotherItem(closing close: UInt8) throws(JSONError) -> Bool {
        skipSpace()
        guard pos < bytes.count else { throw error("unexpected end of JSON") }
        if bytes[pos] == UInt8(ascii: ",") { pos += 1; return true }
        if bytes[pos] == close { pos += 1; return false }
        throw error(close == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
    }

    mutating func object(depth: Int) throws(JSONError) -> JSONValue {
        var members: [JSONMember] = []
        if open(closing: UInt8(ascii: "}")) { return .object(members) }
        members.reserveCapacity(8)
        repeat {
            try expectName()
            let start = pos
            let key = try string()
            if members.contains(where: { $0.key == key }) { throw JSONParser.repeated(key, at: start) }
            try expectColon()
            members.append(JSONMember(key, try value(depth: depth + 1)))
        } while try anotherItem(closing: UInt8(ascii: "}"))
        return .object(members)
    }

    /// A member name given twice in one object: JSON readers then disagree on which value holds
    /// (casetrail read the first, jq and Python the last), so casetrail reads neither.
    static func repeated(_ name: String, at offset: Int) -> JSONError {
        JSONError(offset: offset, reason: "the member name '\(name)' appears twice in one object")
    }

    mutating func array(depth: Int) throws(JSONError) -> JSONValue {
        var items: [JSONValue] = []
        if open(closing: UInt8(ascii: "]")) { return .array(items) }
        repeat {
            skipSpace()
            items.append(try value(depth: depth + 1))
        } while try anotherItem(closing: UInt8(ascii: "]"))
        return .array(items)
    }

    mutating func number() throws(JSONError) -> JSONValue {
        let start = pos
        let isInteger = try skipNumber()
        let digits = UnsafeBufferPointer(rebasing: bytes[start..<pos])
        if isInteger, let i = JSONParser.integer(digits) { return .int(i) }
        let text = String(decoding: digits, as: UTF8.self)
        guard let d = Double(text) else { throw JSONError(offset: start, reason: "malformed number") }
        return .double(d)
    }

    /// The value if it is an integer that fits an Int, else nil (having moved past the value, checked):
    /// how the envelope's numbers are read, without a `JSONValue` in between.
    mutating func integerValue() throws(JSONError) -> Int? {
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "-") || (48...57).contains(bytes[pos]) else { return try value(depth: 1).intValue }
        let start = pos
        return try skipNumber() ? JSONParser.integer(UnsafeBufferPointer(rebasing: bytes[start..<pos])) : nil
    }

    /// The value if it is a string, else nil (having moved past the value, checked).
    mutating func stringValue() throws(JSONError) -> String? {
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { return try value(depth: 1).stringValue }
        return try string()
    }

    /// Moves past a number, checking its grammar; whether it is written as an integer (no fraction or exponent).
    mutating func skipNumber() throws(JSONError) -> Bool {
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, (48...57).contains(bytes[pos]) else { throw error("malformed number") }
        if bytes[pos] == 48 {
            pos += 1
        } else {
            while pos < bytes.count, (48...57).contains(bytes[pos]) { pos += 1 }
        }
        var isInteger = true
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard pos < bytes.count, (48...57).contains(bytes[pos]) else { throw error("malformed number") }
            while pos < bytes.count, (48...57).contains(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count, (48...57).contains(bytes[pos]) else { throw error("malformed number") }
            while pos < bytes.count, (48...57).contains(bytes[pos]) { pos += 1 }
        }
        return isInteger
    }

    /// The value of `-?[0-9]+` without building a string (every line has several); nil when it does not fit an Int.
    static func integer(_ digits: UnsafeBufferPointer<UInt8>) -> Int? {
        let negative = digits.first == UInt8(ascii: "-")
        var value = 0
        for b in digits.dropFirst(negative ? 1 : 0) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(Int(b - 48)) : times10.addingReportingOverflow(Int(b - 48))
            guard !o1, !o2 else { return nil }
            value = next
        }
        return value
    }

    /// Moves past any value, checking it exactly as `value(depth:)` would, without building it:
    /// how a payload is validated when its reader will pick the fields out of the bytes itself.
    mutating func skipValue(depth: Int) throws(JSONError) {
        guard depth < 64 else { throw error("JSON nested too deeply") }
        guard pos < bytes.count else { throw error("unexpected end of JSON") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            if open(closing: UInt8(ascii: "}")) { return }
            var names: [String] = []   // nested objects are rare: no payload casetrail writes has one
            repeat {
                try expectName()
                let start = pos
                let name = try string()
                if names.contains(name) { throw JSONParser.repeated(name, at: start) }
                names.append(name)
                try expectColon()
                try skipValue(depth: depth + 1)
            } while try anotherItem(closing: UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            if open(closing: UInt8(ascii: "]")) { return }
            repeat {
                skipSpace()
                try skipValue(depth: depth + 1)
            } while try anotherItem(closing: UInt8(ascii: "]"))
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), 48...57: _ = try skipNumber()
        default: throw error("unexpected character")
        }
    }

    /// As `skipValue(depth: 1)`, noting in `index` (emptied first) the members of the value if it is
    /// an object: the one pass over a payload both checks it and finds its fields. Positions in the
    /// index count from the value's first byte.
    mutating func skipValue(indexingInto index: inout JSONObjectIndex) throws(JSONError) {
        index.members.removeAll(keepingCapacity: true)
        index.hasEscapedNames = false
        let origin = pos
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "{") else { return try skipValue(depth: 1) }
        if open(closing: UInt8(ascii: "}")) { return }
        var shapes: UInt64 = 0
        repeat {
            try expectName()
            let name: Range<Int>
            if let plain = try plainString() {
                name = plain
                // A repeated name, compared by its bytes (escaped names, below, by the text they spell);
                // only names of a length and first letter already seen are compared at all.
                let shape = UInt64(1) << ((UInt64(plain.count) &* 7 &+ UInt64(plain.isEmpty ? 0 : bytes[plain.lowerBound])) & 63)
                if shapes & shape != 0 {
                    for m in index.members where m.name.count == plain.count
                        && memcmp(bytes.baseAddress! + origin + m.name.lowerBound, bytes.baseAddress! + plain.lowerBound, plain.count) == 0 {
                        throw JSONParser.repeated(String(decoding: UnsafeBufferPointer(rebasing: bytes[plain]), as: UTF8.self), at: plain.lowerBound - 1)
                    }
                }
                shapes |= shape
            } else {
                index.hasEscapedNames = true
                let start = pos + 1
                _ = try string()
                name = start..<(pos - 1)
            }
            try expectColon()
            let value = pos
            guard pos < bytes.count else { throw error("unexpected end of JSON") }
            let plain = bytes[pos] == UInt8(ascii: "\"") ? try plainString() : nil
            if plain == nil { try skipValue(depth: 2) }
            index.members.append((name.lowerBound - origin..<name.upperBound - origin, value - origin,
                                  plain.map { $0.lowerBound - origin..<$0.upperBound - origin }))
        } while try anotherItem(closing: UInt8(ascii: "}"))
        if index.hasEscapedNames {
            // Names written with escapes may spell a name written plainly: read the object as a tree, which compares the text.
            var again = JSONParser(bytes: bytes)
            again.pos = origin
            _ = try again.value(depth: 1)
        }
    }

    /// Moves past a string literal, checking it as `string()` would; allocates only for escapes or non-ASCII text.
    mutating func skipString() throws(JSONError) {
        if try plainString() == nil { _ = try string() }
    }

    /// The bytes of a string literal with no escapes and only ASCII text, moving past it; nil, with
    /// the position unchanged, for any other string (read it with `string()`).
    @inline(__always)
    mutating func plainString() throws(JSONError) -> Range<Int>? {
        let start = pos + 1
        let end = JSONParser.firstSpecialByte(in: bytes, from: start)
        guard end < bytes.count else { pos = end; throw error("unterminated string") }
        switch bytes[end] {
        case UInt8(ascii: "\""):
            pos = end + 1
            return start..<end
        case 0..<0x20:
            pos = end
            throw error("control character in a string")
        default:
            return nil
        }
    }

    /// The first byte from `from` on that ends or complicates a string literal: a quote, a backslash,
    /// a control character or a non-ASCII byte; `bytes.count` if none. Eight bytes are tested at once
    /// with word arithmetic (Swift's SIMD types compile to a loop per lane here): each test sets the
    /// high bit of a lane that holds such a byte, and can wrongly set it only in lanes after one that
    /// rightly has it, so the lowest lane marked is the answer.
    @inline(__always)
    static func firstSpecialByte(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard let base = bytes.baseAddress else { return bytes.count }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = from
        while i + 8 <= bytes.count {
            // Little-endian, so the first byte is the lowest lane.
            let w = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
            let below0x20 = (w &- ones &* 0x20) & ~w
            let special = (below0x20 | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | w) & highs
            if special != 0 { return i + special.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < bytes.count {
            let b = base[i]
            if b == 0x22 || b == 0x5C || b < 0x20 || b >= 0x80 { return i }
            i += 1
        }
        return i
    }

    /// Reads a string literal; the common case (no escapes) is one validated copy of the bytes.
    mutating func string() throws(JSONError) -> String {
        if let plain = try plainString() { return String(decoding: UnsafeBufferPointer(rebasing: bytes[plain]), as: UTF8.self) }
        pos += 1
        let start = pos
        var ascii = true
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                if ascii { return String(decoding: raw, as: UTF8.self) }
                guard let s = String(validating: raw, as: UTF8.self) else {
                    throw JSONError(offset: start, reason: "invalid UTF-8 in a string")
                }
                return s
            }
            if b == UInt8(ascii: "\\") { pos = start; return try escapedString() }
            if b < 0x20 { throw error("control character in a string") }
            if b >= 0x80 { ascii = false }
            pos += 1
        }
        throw error("unterminated string")
    }

    /// The slow path for strings with escapes.
    mutating func escapedString() throws(JSONError) -> String {
        var out: [UInt8] = []
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                return s
            }
            if b < 0x20 { throw error("control character in a string") }
            if b != UInt8(ascii: "\\") { out.append(b); pos += 1; continue }
            pos += 1
            guard pos < bytes.count else { break }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(34)
            case UInt8(ascii: "\\"): out.append(92)
            case UInt8(ascii: "/"): out.append(47)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard pos + 1 < bytes.count, bytes[pos] == 92, bytes[pos + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate in a string")
                    }
                    pos += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in a string") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("unpaired surrogate in a string")
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default: throw error("invalid escape in a string")
            }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("malformed \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw error("malformed \\u escape")
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }
}

// MARK: - Codable, for tools and for checking the fast reader against Foundation

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            // Foundation does not promise key order; restore the written order where it can be known.
            self = .object(try object.allKeys.map { JSONMember($0.stringValue, try object.decode(JSONValue.self, forKey: $0)) })
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let b = try? single.decode(Bool.self) { self = .bool(b) }
        else if let i = try? single.decode(Int.self) { self = .int(i) }
        else if let d = try? single.decode(Double.self) { self = .double(d) }
        else { self = .string(try single.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null: var c = encoder.singleValueContainer(); try c.encodeNil()
        case .bool(let b): var c = encoder.singleValueContainer(); try c.encode(b)
        case .int(let i): var c = encoder.singleValueContainer(); try c.encode(i)
        case .double(let d): var c = encoder.singleValueContainer(); try c.encode(d)
        case .string(let s): var c = encoder.singleValueContainer(); try c.encode(s)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object(let members):
            var c = encoder.container(keyedBy: AnyKey.self)
            for m in members { try c.encode(m.value, forKey: AnyKey(m.key)) }
        }
    }

    /// Same members regardless of order: how values from Foundation's decoder are compared.
    public func sameContent(as other: JSONValue) -> Bool {
        switch (self, other) {
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { m in b.contains { $0.key == m.key && $0.value.sameContent(as: m.value) } }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.sameContent(as: $1) }
        default: return self == other
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

extension String {
    /// Zero-padded on the left to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
