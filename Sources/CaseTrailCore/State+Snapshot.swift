/// A compact binary form of `State` for snapshots: derived data, cached beside the log so a query
/// need not replay every line. Written by hand (not Codable) because loading it is on every warm
/// query's path; `State.snapshotFormat` changes whenever the layout does, and an unknown format
/// is simply ignored and rebuilt from the log.
import Dispatch

extension State {
    public static let snapshotFormat = 4

    public func snapshotBytes() -> [UInt8] {
        var w = BinaryWriter()
        w.write(self)
        return w.bytes
    }

    public init(snapshotBytes bytes: [UInt8]) throws(SnapshotError) {
        try self.init(snapshotBytes: bytes, in: bytes.indices)
    }

    /// Reads the state from part of a larger buffer, without copying it out first.
    public init(snapshotBytes bytes: [UInt8], in range: Range<Int>) throws(SnapshotError) {
        var r = BinaryReader(bytes, in: range)
        self = try r.read()
        guard r.atEnd else { throw SnapshotError("trailing bytes") }
    }
}

/// Why snapshot bytes could not be read; the caller then replays the log instead.
public struct SnapshotError: Error, Equatable, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// Values that know their own binary layout.
public protocol BinaryCodable {
    func write(to w: inout BinaryWriter)
    init(from r: inout BinaryReader) throws(SnapshotError)
}

public struct BinaryWriter {
    public internal(set) var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(1 << 16) }

    public mutating func write<T: BinaryCodable>(_ v: T) { v.write(to: &self) }

    /// LEB128 varint of a zigzag-encoded integer.
    public mutating func writeInt(_ n: Int) {
        var z = UInt64(bitPattern: Int64((n << 1) ^ (n >> 63)))
        while z >= 0x80 { bytes.append(UInt8(z & 0x7F) | 0x80); z >>= 7 }
        bytes.append(UInt8(z))
    }

    public mutating func writeString(_ s: String) {
        var copy = s
        copy.withUTF8 { u in
            writeInt(u.count)
            bytes.append(contentsOf: u)
        }
    }
}

public struct BinaryReader {
    let bytes: [UInt8]
    public private(set) var index: Int
    let end: Int

    public init(_ bytes: [UInt8]) { self.init(bytes, in: bytes.indices) }

    /// Reads only `range` of `bytes`.
    public init(_ bytes: [UInt8], in range: Range<Int>) {
        self.bytes = bytes
        index = range.lowerBound
        end = range.upperBound
    }

    public var atEnd: Bool { index == end }

    /// Skips `n` bytes, returning where they start (to read them later in place).
    public mutating func skip(_ n: Int) throws(SnapshotError) -> Int {
        guard n >= 0, index + n <= end else { throw SnapshotError("truncated bytes") }
        defer { index += n }
        return index
    }

    public mutating func read<T: BinaryCodable>() throws(SnapshotError) -> T { try T(from: &self) }

    public mutating func readInt() throws(SnapshotError) -> Int {
        var z: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard index < end, shift < 64 else { throw SnapshotError("truncated number") }
            let b = bytes[index]
            index += 1
            z |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        let n = Int64(bitPattern: z)
        return Int((n >> 1) ^ -(n & 1))
    }

    public mutating func readString() throws(SnapshotError) -> String {
        let n = try readInt()
        guard n >= 0, index + n <= end else { throw SnapshotError("truncated text") }
        defer { index += n }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[index..<(index + n)]), as: UTF8.self) }
    }
}

extension String: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.writeString(self) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self = try r.readString() }
}

extension Int: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.writeInt(self) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self = try r.readInt() }
}

extension Bool: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.writeInt(self ? 1 : 0) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self = try r.readInt() != 0 }
}

extension LocalDate: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.writeInt(dayNumber) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self = LocalDate(dayNumber: try r.readInt()) }
}

extension Optional: BinaryCodable where Wrapped: BinaryCodable {
    public func write(to w: inout BinaryWriter) {
        if let v = self { w.writeInt(1); w.write(v) } else { w.writeInt(0) }
    }
    public init(from r: inout BinaryReader) throws(SnapshotError) {
        self = try r.readInt() == 0 ? nil : .some(try r.read())
    }
}

extension Array: BinaryCodable where Element: BinaryCodable {
    public func write(to w: inout BinaryWriter) {
        w.writeInt(count)
        for v in self { w.write(v) }
    }
    public init(from r: inout BinaryReader) throws(SnapshotError) {
        let n = try r.readInt()
        guard n >= 0, n <= r.end - r.index else { throw SnapshotError("bad count") }
        self = []
        reserveCapacity(n)
        for _ in 0..<n { append(try r.read()) }
    }
}

/// Enumerations are stored by their position in `allCases`.
public protocol BinaryEnum: BinaryCodable, CaseIterable, Equatable {}

extension BinaryEnum {
    public func write(to w: inout BinaryWriter) { w.writeInt(Self.allCases.firstIndex(of: self).map { Self.allCases.distance(from: Self.allCases.startIndex, to: $0) } ?? 0) }
    public init(from r: inout BinaryReader) throws(SnapshotError) {
        let i = try r.readInt()
        guard i >= 0, i < Self.allCases.count else { throw SnapshotError("unknown case") }
        self = Self.allCases[Self.allCases.index(Self.allCases.startIndex, offsetBy: i)]
    }
}

extension Role: BinaryEnum {}
extension Partner: BinaryEnum {}
extension ReviewKind: BinaryEnum {}
extension Milestone: BinaryEnum {}
extension Recommendation: BinaryEnum {}
extension DecisionOutcome: BinaryEnum {}
extension ReviewSignOffSubject: BinaryEnum {}
extension ActionStatus: BinaryEnum {}
extension RAG: BinaryEnum {}
extension SignOffStage: BinaryEnum {}

/// A pair of values, for dictionaries stored as lists.
struct Pair<A: BinaryCodable, B: BinaryCodable>: BinaryCodable {
    var a: A, b: B
    init(_ a: A, _ b: B) { self.a = a; self.b = b }
    func write(to w: inout BinaryWriter) { w.write(a); w.write(b) }
    init(from r: inout BinaryReader) throws(SnapshotError) { a = try r.read(); b = try r.read() }
}

extension State: BinaryCodable {
    /// The three large tables are written as sections with their byte lengths, and keep their
    /// settled rows as bytes until asked for (`RowTable`).
    public func write(to w: inout BinaryWriter) {
        w.writeInt(State.snapshotFormat)
        w.write(partnership.map { Pair($0.name, $0.code) })
        w.write(members.values.sorted { $0.user < $1.user })
        w.write(agencies.values.sorted { $0.code < $1.code })
        w.write(agencyNames.sorted { $0.key < $1.key }.map { Pair($0.key, $0.value) })
        // The three tables are most of the snapshot: encoded side by side, then laid out in order.
        let (reviews, recommendations, actions) = (self.reviews, self.recommendations, self.actions)
        let jobs: [@Sendable () -> [UInt8]] = [{ encoded(reviews) }, { encoded(recommendations) }, { encoded(actions) }]
        let tables = inParallel(jobs)
        for table in tables {
            w.writeInt(table.count)
            w.bytes.append(contentsOf: table)
        }
        w.write(addedHolidays.sorted { $0.key < $1.key }.map { Pair($0.key, $0.value) })
        w.write(policy.sorted { $0.key < $1.key }.map { Pair($0.key, $0.value) })
    }

    public init(from r: inout BinaryReader) throws(SnapshotError) {
        guard try r.readInt() == State.snapshotFormat else { throw SnapshotError("another snapshot format") }
        self.init()
        partnership = (try r.read() as Pair<String, String>?).map { PartnershipInfo(name: $0.a, code: $0.b) }
        for m in try r.read() as [Member] { members[m.user] = m }
        for a in try r.read() as [Agency] { agencies[a.code] = a }
        for p in try r.read() as [Pair<String, String>] { agencyNames[p.a] = p.b }
        reviews = try r.readSection()
        recommendations = try r.readSection()
        actions = try r.readSection()
        for p in try r.read() as [Pair<LocalDate, String>] { addedHolidays[p.a] = p.b }
        for p in try r.read() as [Pair<String, String>] { policy[p.a] = p.b }
    }
}

/// The bytes of one value on its own.
public func encoded<T: BinaryCodable>(_ value: T) -> [UInt8] {
    var w = BinaryWriter()
    w.write(value)
    return w.bytes
}

/// Runs `jobs` on as many threads as the machine has and returns their results in order.
public func inParallel<T: Sendable>(_ jobs: [@Sendable () -> T]) -> [T] {
    let results = UnsafeMutableBufferPointer<T>.allocate(capacity: jobs.count)
    defer { results.deallocate() }
    nonisolated(unsafe) let slots = results   // each job initialises only its own slot
    DispatchQueue.concurrentPerform(iterations: jobs.count) { i in (slots.baseAddress! + i).initialize(to: jobs[i]()) }
    return (0..<jobs.count).map { (results.baseAddress! + $0).move() }
}

extension BinaryReader {
    /// A value written as a section (its length in bytes, then the value), which must fill it exactly.
    mutating func readSection<T: BinaryCodable>() throws(SnapshotError) -> T {
        let n = try readInt()
        let start = try skip(n)
        var inner = BinaryReader(bytes, in: start..<(start + n))
        let value: T = try inner.read()
        guard inner.atEnd else { throw SnapshotError("a section has trailing bytes") }
        return value
    }
}

extension Member: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(user); w.write(name); w.write(agency); w.write(roles); w.write(partner); w.write(retired) }
    public init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(user: try r.read(), name: try r.read(), agency: try r.read(), roles: try r.read(), partner: try r.read(), retired: try r.read())
    }
}

extension Agency: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(code); w.write(name); w.write(aliases) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(code: try r.read(), name: try r.read(), aliases: try r.read()) }
}

extension Review: BinaryCodable {
    public func write(to w: inout BinaryWriter) {
        w.write(ref); w.write(kind); w.write(title); w.write(opened); w.write(from); w.write(child); w.write(aware); w.write(incident)
        w.write(summary); w.write(initiatedOn); w.write(milestones); w.write(completion); w.write(panelResponses); w.write(screenings)
        w.write(decisions); w.write(delays); w.write(grade); w.write(withheld); w.write(closedOn); w.write(signOffs); w.write(linked)
        w.write(recommendations)
    }
    public init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(ref: try r.read(), kind: try r.read(), title: try r.read(), opened: try r.read(), from: try r.read())
        child = try r.read(); aware = try r.read(); incident = try r.read(); summary = try r.read(); initiatedOn = try r.read()
        milestones = try r.read(); completion = try r.read(); panelResponses = try r.read(); screenings = try r.read()
        decisions = try r.read(); delays = try r.read(); grade = try r.read(); withheld = try r.read(); closedOn = try r.read()
        signOffs = try r.read(); linked = try r.read(); recommendations = try r.read()
    }
}

extension Review.MilestoneRecord: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(what); w.write(on); w.write(note); w.write(url) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(what: try r.read(), on: try r.read(), note: try r.read(), url: try r.read()) }
}

extension Review.Completion: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(recommendation); w.write(rationale) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), recommendation: try r.read(), rationale: try r.read()) }
}

extension Review.PanelResponse: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(agrees); w.write(note) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), agrees: try r.read(), note: try r.read()) }
}

extension Review.Screening: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(recommendation); w.write(note) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), recommendation: try r.read(), note: try r.read()) }
}

extension Review.Decision: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(outcome); w.write(by); w.write(rationale); w.write(creates); w.write(reconvene) }
    public init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(on: try r.read(), outcome: try r.read(), by: try r.read(), rationale: try r.read(), creates: try r.read(), reconvene: try r.read())
    }
}

extension Review.Delay: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(reason); w.write(expected) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), reason: try r.read(), expected: try r.read()) }
}

extension Review.Grade: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(by); w.write(grade) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), by: try r.read(), grade: try r.read()) }
}

extension Review.Withholding: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(reason) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), reason: try r.read()) }
}

extension Review.SignOff: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(what); w.write(on); w.write(partner); w.write(refused); w.write(reason) }
    public init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(what: try r.read(), on: try r.read(), partner: try r.read(), refused: try r.read(), reason: try r.read())
    }
}

extension RecommendationItem: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(ref); w.write(id); w.write(text); w.write(on); w.write(actions) }
    public init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(ref: try r.read(), id: try r.read(), text: try r.read(), on: try r.read(), actions: try r.read())
    }
}

extension ActionItem: BinaryCodable {
    public func write(to w: inout BinaryWriter) {
        w.write(id); w.write(ref); w.write(rec); w.write(text); w.write(owner); w.write(lead); w.write(due); w.write(originalDue)
        w.write(dueText); w.write(success); w.write(agreed); w.write(status); w.write(rag); w.write(lastUpdate); w.write(revisions)
        w.write(implemented); w.write(impactCount); w.write(lastImpact); w.write(signOffs); w.write(stagesSigned); w.write(exit)
    }
    public init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(id: try r.read(), ref: try r.read(), rec: try r.read(), text: try r.read(), owner: try r.read(), lead: try r.read(),
                  due: try r.read(), originalDue: try r.read(), dueText: try r.read(), success: try r.read(), agreed: try r.read())
        status = try r.read(); rag = try r.read(); lastUpdate = try r.read(); revisions = try r.read(); implemented = try r.read()
        impactCount = try r.read(); lastImpact = try r.read(); signOffs = try r.read(); stagesSigned = try r.read(); exit = try r.read()
    }
}

extension ActionItem.Update: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(note); w.write(rag); w.write(evidence) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), note: try r.read(), rag: try r.read(), evidence: try r.read()) }
}

extension ActionItem.Revision: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(from); w.write(to); w.write(reason) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), from: try r.read(), to: try r.read(), reason: try r.read()) }
}

extension ActionItem.Evidence: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(evidence); w.write(rating) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), evidence: try r.read(), rating: try r.read()) }
}

extension ActionItem.SignOff: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(stage); w.write(refused); w.write(reason) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), stage: try r.read(), refused: try r.read(), reason: try r.read()) }
}

extension ActionItem.Exit: BinaryCodable {
    public func write(to w: inout BinaryWriter) { w.write(on); w.write(reason); w.write(to) }
    public init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), reason: try r.read(), to: try r.read()) }
}
