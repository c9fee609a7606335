import CaseTrailCore

/// Line `seq` as a redaction would leave it: the named members of its payload read `[redacted]`, every
/// other byte as written (its `hash` and `prev` too, so the chain and earlier checkpoints still hold).
public struct RedactedLine: Equatable, Sendable {
    public var seq: Int
    public var stream: String
    public var type: String
    /// The payload members whose text is replaced, in the order they are written.
    public var fields: [String]
    /// The hash the line keeps: what it was written with.
    public var originalHash: String
    /// The SHA-256 of the line's new bytes (without its `\n`): what the `line_redacted` event vouches for.
    public var sha256: String
    /// The line as it is now, and as it will be (both without `\n`).
    public var original: [UInt8]
    public var bytes: [UInt8]
    /// The fact the line holds, read from its new bytes.
    public var event: Event
}

extension LogLine {
    /// What replaces redacted text.
    public static let redactedText = "[redacted]"

    /// The payload members a person types free text into, the only ones a redaction may replace: a
    /// name, a date of birth or an address typed by mistake lands in one of these. (A correction's old
    /// and new values are free text too when what it corrected was.)
    static func isRedactable(_ member: String, of type: String) -> Bool {
        switch member {
        case "note", "evidence", "reason", "text", "title", "summary", "meeting", "lead", "success", "rationale", "child", "due_text":
            return true
        case "value", "from":
            return type.hasSuffix("_corrected")
        default:
            return false
        }
    }

    /// Line `line` (without its `\n`) with `fields` (every free-text member holding text, when nil)
    /// replaced by `[redacted]`; refused, in words, when there is nothing such to replace. A line
    /// redacted before may be redacted again (the caller has checked the log, and so its vouches).
    public static func redacting(_ line: [UInt8], fields asked: [String]?) throws(DomainError) -> RedactedLine {
        var index = JSONObjectIndex()
        let decoded = line.withUnsafeBufferPointer { b in withUnsafeMutablePointer(to: &index) { decode(b, payloadIndex: $0) } }
        guard let record = decoded.record, decoded.problem == nil || decoded.problem == changedProblem else {
            throw DomainError("That line cannot be redacted: \(decoded.problem ?? "it cannot be read"). Run 'casetrail verify'.")
        }
        if record.type == redactionType {
            throw DomainError("Line \(record.seq) is itself a redaction; its reason was checked for personal data when it was recorded, and it cannot be redacted.")
        }
        let payload = decoded.payload
        // Each payload member's name and where its value lies in the line.
        var members: [(name: String, value: Range<Int>)] = []
        line.withUnsafeBufferPointer { b in
            for m in index.members {
                let start = payload.lowerBound + m.value
                var p = JSONParser(bytes: b)
                p.pos = start
                guard (try? p.skipValue(depth: 1)) != nil else { continue }
                members.append((String(decoding: UnsafeBufferPointer(rebasing: b[(payload.lowerBound + m.name.lowerBound)..<(payload.lowerBound + m.name.upperBound)]), as: UTF8.self),
                                start..<p.pos))
            }
        }
        let placeholder = Array("\"\(redactedText)\"".utf8)
        func isText(_ r: Range<Int>) -> Bool { line[r.lowerBound] == UInt8(ascii: "\"") }
        func isRedacted(_ r: Range<Int>) -> Bool { line[r].elementsEqual(placeholder) }
        let candidates = members.filter { isRedactable($0.name, of: record.type) && isText($0.value) }
        let chosen: [(name: String, value: Range<Int>)]
        if let asked {
            chosen = try asked.map { name throws(DomainError) in
                guard let m = members.first(where: { $0.name == name }) else {
                    throw DomainError("Line \(record.seq) (\(record.type)) has no field '\(name)'; its fields that can be redacted: \(spoken(candidates.map(\.name))).")
                }
                guard isRedactable(name, of: record.type), isText(m.value) else {
                    throw DomainError("The field '\(name)' of line \(record.seq) is not free text that a person typed, so it cannot be redacted; its fields that can be: \(spoken(candidates.map(\.name))).")
                }
                return m
            }
        } else {
            chosen = candidates
        }
        let fresh = chosen.filter { !isRedacted($0.value) }
        guard !fresh.isEmpty else {
            throw DomainError(chosen.isEmpty
                ? "Line \(record.seq) (\(record.type)) holds no free text that a person typed, so there is nothing to redact."
                : "The text of \(spoken(chosen.map(\.name))) on line \(record.seq) is already redacted.")
        }
        var bytes = line
        for m in fresh.sorted(by: { $0.value.lowerBound > $1.value.lowerBound }) { bytes.replaceSubrange(m.value, with: placeholder) }
        guard bytes.count <= maxBytes else { throw DomainError("The redacted line would be longer than a line may be.") }
        guard let event = event(of: bytes) else {
            throw DomainError("Line \(record.seq) would no longer read as a \(record.type) with \(spoken(fresh.map(\.name))) redacted, so it cannot be redacted that way.")
        }
        return RedactedLine(seq: record.seq, stream: record.stream, type: record.type, fields: fresh.map(\.name), originalHash: record.hash,
                            sha256: SHA256.hex(bytes), original: line, bytes: bytes, event: event)
    }

    private static func spoken(_ names: [String]) -> String {
        names.isEmpty ? "none" : spokenList(names.map { "'\($0)'" }, joinedBy: "and")
    }
}

extension LogLine {
    /// The fact a stored line (without its `\n`) holds, if it can be read.
    public static func event(of line: [UInt8]) -> Event? {
        var index = JSONObjectIndex()
        return line.withUnsafeBufferPointer { b in
            withUnsafeMutablePointer(to: &index) { i -> Event? in
                let d = decodeForReplay(b, index: i, transform: Event.decoded)
                guard case .success(let e)? = d.value else { return nil }
                return e
            }
        }
    }
}

extension LogStore {
    /// Line `seq` exactly as stored, without its `\n` (nil past the end of the log).
    public func line(seq: Int) throws(StoreError) -> [UInt8]? {
        guard seq >= 1 else { return nil }
        var last: [UInt8] = []
        do {
            try exportLines(count: seq) { chunk throws(StoreError) in last = chunk }
        } catch .movedOn {
            return nil
        }
        let body = last.dropLast()
        let start = body.lastIndex(of: 0x0A).map { $0 + 1 } ?? body.startIndex
        return Array(body[start...])
    }
}
