import CaseTrailCore
import Dispatch

/// The snapshot's layout of `State`: a compact binary form, written by hand (not Codable) because
/// reading it is on every warm query's path. Enumerations are written by position, and the stored
/// names those positions stand for are written once beside them (`enumerationNames`), so a snapshot
/// from a build whose cases differ is ignored rather than misread. Any other change to the layout
/// changes `EventLog.snapshotFormat` (a test holds the bytes of a fixed state to it), and a
/// snapshot of another format is likewise ignored and rebuilt from the log.
enum SnapshotLayout {
    /// The state's bytes. Fails only if rows carried over from a damaged snapshot cannot be read.
    static func encode(_ state: State) throws(SnapshotError) -> [UInt8] {
        var w = BinaryWriter()
        try write(state, to: &w)
        return w.bytes
    }

    /// Reads the state from part of a larger buffer, without copying it out first. Its large tables
    /// stay in `bytes`, read row by row when asked for; a row that cannot be read raises `damage`.
    static func decode(_ bytes: SnapshotBytes, in range: Range<Int>, damage: SnapshotDamage) throws(SnapshotError) -> State {
        var r = BinaryReader(bytes, in: range)
        let state = try read(from: &r, damage: damage)
        guard r.atEnd else { throw SnapshotError("trailing bytes") }
        return state
    }

    /// The three large tables are written as sections with their byte lengths, and keep their
    /// settled rows as bytes until asked for (`SnapshotRows`).
    static func write(_ s: State, to w: inout BinaryWriter) throws(SnapshotError) {
        w.write(s.partnership.map { Pair($0.name, $0.code) })
        w.write(s.members.values.sorted { $0.user < $1.user })
        w.write(s.agencies.values.sorted { $0.code < $1.code })
        w.write(s.agencyNames.sorted { $0.key < $1.key }.map { Pair($0.key, $0.value) })
        w.write(s.boundLogins.sorted { $0.key < $1.key }.map { Pair($0.key, $0.value) })
        // The three tables are most of the snapshot: encoded side by side, then laid out in order.
        let (reviews, recommendations, actions) = (s.reviews, s.recommendations, s.actions)
        let jobs: [@Sendable () -> Result<[UInt8], SnapshotError>] = [
            { encodedTable(reviews) }, { encodedTable(recommendations) }, { encodedTable(actions) },
        ]
        for table in inParallel(jobs) {
            let bytes = try table.get()
            w.writeInt(bytes.count)
            w.bytes.append(contentsOf: bytes)
        }
        w.write(s.addedHolidays.sorted { $0.key < $1.key }.map { Pair($0.key, $0.value) })
        w.write(s.policy.sorted { $0.key < $1.key }.map { Pair($0.key, $0.value) })
        w.write(s.voided.sorted { $0.key < $1.key }.map { Pair($0.key, $0.value) })
    }

    static func read(from r: inout BinaryReader, damage: SnapshotDamage) throws(SnapshotError) -> State {
        var s = State()
        s.partnership = (try r.read() as Pair<String, String>?).map { PartnershipInfo(name: $0.a, code: $0.b) }
        for m in try r.read() as [Member] { s.members[m.user] = m }
        for a in try r.read() as [Agency] { s.agencies[a.code] = a }
        for p in try r.read() as [Pair<String, String>] { s.agencyNames[p.a] = p.b }
        for p in try r.read() as [Pair<String, String>] { s.boundLogins[p.a] = p.b }
        s.reviews = try r.readSection { r throws(SnapshotError) in try .read(from: &r, damage: damage) }
        s.recommendations = try r.readSection { r throws(SnapshotError) in try .read(from: &r, damage: damage) }
        s.actions = try r.readSection { r throws(SnapshotError) in try .read(from: &r, damage: damage) }
        for p in try r.read() as [Pair<LocalDate, String>] { s.addedHolidays[p.a] = p.b }
        for p in try r.read() as [Pair<String, String>] { s.policy[p.a] = p.b }
        for p in try r.read() as [Pair<String, Voiding>] { s.voided[p.a] = p.b }
        return s
    }

    private static func encodedTable<Row: BinaryCodable>(_ table: RowTable<Row>) -> Result<[UInt8], SnapshotError> {
        var w = BinaryWriter()
        return Result { () throws(SnapshotError) in try table.write(to: &w); return w.bytes }
    }
}

/// Why snapshot bytes could not be read; the caller then replays the log instead.
struct SnapshotError: Error, Equatable, Sendable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Values that know their own binary layout.
protocol BinaryCodable {
    func write(to w: inout BinaryWriter)
    init(from r: inout BinaryReader) throws(SnapshotError)
}

struct BinaryWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    mutating func write<T: BinaryCodable>(_ v: T) { v.write(to: &self) }

    /// LEB128 varint of a zigzag-encoded integer.
    mutating func writeInt(_ n: Int) {
        var z = UInt64(bitPattern: Int64((n << 1) ^ (n >> 63)))
        while z >= 0x80 { bytes.append(UInt8(z & 0x7F) | 0x80); z >>= 7 }
        bytes.append(UInt8(z))
    }

    mutating func writeString(_ s: String) {
        var copy = s
        copy.withUTF8 { u in
            writeInt(u.count)
            bytes.append(contentsOf: u)
        }
    }
}

struct BinaryReader {
    let bytes: SnapshotBytes
    private(set) var index: Int
    let end: Int
    /// The bytes around the last ones read that are known to be sound (whole blocks of a sealed
    /// file, `SnapshotBytes.soundBlocks`); reading outside them checks their block first.
    private(set) var soundFrom = 0, soundTo = 0

    init(_ bytes: [UInt8]) { self.init(SnapshotBytes(bytes)) }

    init(_ bytes: SnapshotBytes) { self.init(bytes, in: bytes.indices) }

    /// Reads only `range` of `bytes`; `sound`, if given, are bytes already known to be sound.
    init(_ bytes: SnapshotBytes, in range: Range<Int>, sound: Range<Int> = 0..<0) {
        self.bytes = bytes
        index = range.lowerBound
        end = range.upperBound
        (soundFrom, soundTo) = (sound.lowerBound, sound.upperBound)
    }

    /// Skips `n` bytes that must be sound (to read them later in place), returning where they start.
    mutating func skipSound(_ n: Int) throws(SnapshotError) -> Int {
        guard n >= 0, n <= end - index else { throw SnapshotError("truncated bytes") }
        try checkSound(n)
        return try skip(n)
    }

    var atEnd: Bool { index == end }

    /// Skips `n` bytes, returning where they start (to read them later in place).
    mutating func skip(_ n: Int) throws(SnapshotError) -> Int {
        guard n >= 0, n <= end - index else { throw SnapshotError("truncated bytes") }
        defer { index += n }
        return index
    }

    mutating func read<T: BinaryCodable>() throws(SnapshotError) -> T { try T(from: &self) }

    /// Throws unless the `n` bytes from `index` are sound.
    @inline(__always) private mutating func checkSound(_ n: Int) throws(SnapshotError) {
        guard index < soundFrom || index + n > soundTo else { return }
        guard let sound = bytes.soundBlocks(around: index..<(index + n)) else { throw SnapshotError("a damaged block") }
        (soundFrom, soundTo) = (sound.lowerBound, sound.upperBound)
    }

    /// An integer `BinaryWriter.setFixed64` wrote.
    mutating func readFixed64() throws(SnapshotError) -> Int {
        guard end - index >= 8 else { throw SnapshotError("truncated number") }
        try checkSound(8)
        defer { index += 8 }
        return bytes.loadFixed64(at: index)
    }

    mutating func readInt() throws(SnapshotError) -> Int {
        var z: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard index < end, shift < 64 else { throw SnapshotError("truncated number") }
            try checkSound(1)
            let b = bytes[index]
            index += 1
            z |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        // Zigzag back, with unsigned shifts: a signed shift misreads numbers beyond 2^62.
        return Int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
    }

    mutating func readString() throws(SnapshotError) -> String {
        let n = try readInt()
        guard n >= 0, n <= end - index else { throw SnapshotError("truncated text") }
        try checkSound(n)
        defer { index += n }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[index..<(index + n)]), as: UTF8.self) }
    }
}

extension String: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.writeString(self) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self = try r.readString() }
}

extension Int: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.writeInt(self) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self = try r.readInt() }
}

extension Bool: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.writeInt(self ? 1 : 0) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self = try r.readInt() != 0 }
}

extension LocalDate: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.writeInt(dayNumber) }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        let day = try r.readInt()
        guard LocalDate.dayNumbers.contains(day) else { throw SnapshotError("a date out of range") }
        self = LocalDate(dayNumber: day)
    }
}

extension Optional: BinaryCodable where Wrapped: BinaryCodable {
    func write(to w: inout BinaryWriter) {
        if let v = self { w.writeInt(1); w.write(v) } else { w.writeInt(0) }
    }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        self = try r.readInt() == 0 ? nil : .some(try r.read())
    }
}

extension Array: BinaryCodable where Element: BinaryCodable {
    func write(to w: inout BinaryWriter) {
        w.writeInt(count)
        for v in self { w.write(v) }
    }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        let n = try r.readInt()
        guard n >= 0, n <= r.end - r.index else { throw SnapshotError("bad count") }
        self = []
        reserveCapacity(n)
        for _ in 0..<n { append(try r.read()) }
    }
}

/// Enumerations are stored by their position among their cases, compactly: a snapshot holds
/// millions of them. What a position means is pinned by `SnapshotLayout.enumerationNames`, written
/// once in every snapshot and compared when it is read, so a case inserted, moved or given another
/// stored name makes old snapshots be ignored and rebuilt, never misread.
protocol BinaryEnum: BinaryCodable, CaseIterable, RawRepresentable<String>, Equatable {
    /// `allCases`, kept: reading a case calls for it millions of times, and across the module
    /// boundary `allCases` would be built anew each time.
    static var positions: [Self] { get }
}

extension BinaryEnum {
    func write(to w: inout BinaryWriter) { w.writeInt(Self.positions.firstIndex(of: self) ?? 0) }

    init(from r: inout BinaryReader) throws(SnapshotError) {
        let i = try r.readInt()
        guard i >= 0, i < Self.positions.count else { throw SnapshotError("unknown \(Self.self) at position \(i)") }
        self = Self.positions[i]
    }

    /// The stored names of the cases, in the order their positions count.
    static var storedNames: [String] { positions.map(\.rawValue) }
}

extension Role: BinaryEnum { static let positions = Array(allCases) }
extension Partner: BinaryEnum { static let positions = Array(allCases) }
extension ReviewKind: BinaryEnum { static let positions = Array(allCases) }
extension Milestone: BinaryEnum { static let positions = Array(allCases) }
extension Recommendation: BinaryEnum { static let positions = Array(allCases) }
extension DecisionOutcome: BinaryEnum { static let positions = Array(allCases) }
extension ReviewSignOffSubject: BinaryEnum { static let positions = Array(allCases) }
extension ActionStatus: BinaryEnum { static let positions = Array(allCases) }
extension RAG: BinaryEnum { static let positions = Array(allCases) }
extension SignOffStage: BinaryEnum { static let positions = Array(allCases) }

extension SnapshotLayout {
    /// Every enumeration a snapshot stores, each with its cases' stored names in position order.
    /// A new `BinaryEnum` must be added here, next to its conformance above.
    static let enumerationNames: [[String]] = [
        Role.storedNames, Partner.storedNames, ReviewKind.storedNames, Milestone.storedNames, Recommendation.storedNames,
        DecisionOutcome.storedNames, ReviewSignOffSubject.storedNames, ActionStatus.storedNames, RAG.storedNames,
        SignOffStage.storedNames,
    ]
}

/// A pair of values, for dictionaries stored as lists.
struct Pair<A: BinaryCodable, B: BinaryCodable>: BinaryCodable {
    var a: A, b: B
    init(_ a: A, _ b: B) { self.a = a; self.b = b }
    func write(to w: inout BinaryWriter) { w.write(a); w.write(b) }
    init(from r: inout BinaryReader) throws(SnapshotError) { a = try r.read(); b = try r.read() }
}

/// The bytes of one value on its own.
func encoded<T: BinaryCodable>(_ value: T) -> [UInt8] {
    var w = BinaryWriter()
    w.write(value)
    return w.bytes
}

/// Runs `jobs` on as many threads as the machine has and returns their results in order.
func inParallel<T: Sendable>(_ jobs: [@Sendable () -> T]) -> [T] {
    let results = UnsafeMutableBufferPointer<T>.allocate(capacity: jobs.count)
    defer { results.deallocate() }
    nonisolated(unsafe) let slots = results   // each job initialises only its own slot
    DispatchQueue.concurrentPerform(iterations: jobs.count) { i in (slots.baseAddress! + i).initialize(to: jobs[i]()) }
    return (0..<jobs.count).map { (results.baseAddress! + $0).move() }
}

extension BinaryReader {
    /// A value written as a section (its length in bytes, then the value), which must fill it exactly.
    mutating func readSection<T>(_ read: (inout BinaryReader) throws(SnapshotError) -> T) throws(SnapshotError) -> T {
        let n = try readInt()
        let start = try skip(n)
        var inner = BinaryReader(bytes, in: start..<(start + n))
        let value = try read(&inner)
        guard inner.atEnd else { throw SnapshotError("a section has trailing bytes") }
        return value
    }
}

extension Member: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(user); w.write(name); w.write(agency); w.write(roles); w.write(partner); w.write(retired); w.write(login); w.write(email) }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(user: try r.read(), name: try r.read(), agency: try r.read(), roles: try r.read(), partner: try r.read(), retired: try r.read(),
                  login: try r.read(), email: try r.read())
    }
}

extension Agency: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(code); w.write(name); w.write(aliases) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(code: try r.read(), name: try r.read(), aliases: try r.read()) }
}

extension Review: BinaryCodable {
    func write(to w: inout BinaryWriter) {
        w.write(ref); w.write(kind); w.write(title); w.write(opened); w.write(from); w.write(child); w.write(aware); w.write(incident)
        w.write(summary); w.write(initiatedOn); w.write(milestones); w.write(completion); w.write(panelResponses); w.write(screenings)
        w.write(decisions); w.write(delays); w.write(grade); w.write(withheld); w.write(closedOn); w.write(signOffs); w.write(linked)
        w.write(recommendations); w.write(auditResults)
    }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(ref: try r.read(), kind: try r.read(), title: try r.read(), opened: try r.read(), from: try r.read())
        child = try r.read(); aware = try r.read(); incident = try r.read(); summary = try r.read(); initiatedOn = try r.read()
        milestones = try r.read(); completion = try r.read(); panelResponses = try r.read(); screenings = try r.read()
        decisions = try r.read(); delays = try r.read(); grade = try r.read(); withheld = try r.read(); closedOn = try r.read()
        signOffs = try r.read(); linked = try r.read(); recommendations = try r.read(); auditResults = try r.read()
    }
}

extension AuditResults: BinaryCodable {
    // Levels by name: they are few, and a name means the same to every build.
    func write(to w: inout BinaryWriter) { w.write(on); w.write(counts.map(\.level.rawValue)); w.write(counts.map(\.count)) }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        let on: LocalDate = try r.read(), names: [String] = try r.read(), numbers: [Int] = try r.read()
        guard names.count == numbers.count else { throw SnapshotError("audit counts") }
        var counts: [AuditCount] = []
        for (name, n) in zip(names, numbers) {
            guard let level = AuditLevel(rawValue: name) else { throw SnapshotError("audit level") }
            counts.append(AuditCount(level: level, count: n))
        }
        self.init(on: on, counts: counts)
    }
}

extension Review.MilestoneRecord: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(what); w.write(on); w.write(note); w.write(url) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(what: try r.read(), on: try r.read(), note: try r.read(), url: try r.read()) }
}

extension Review.Completion: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(recommendation); w.write(rationale) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), recommendation: try r.read(), rationale: try r.read()) }
}

extension Review.PanelResponse: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(agrees); w.write(note) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), agrees: try r.read(), note: try r.read()) }
}

extension Review.Screening: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(recommendation); w.write(note) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), recommendation: try r.read(), note: try r.read()) }
}

extension Review.Decision: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(outcome); w.write(by); w.write(rationale); w.write(creates); w.write(reconvene) }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(on: try r.read(), outcome: try r.read(), by: try r.read(), rationale: try r.read(), creates: try r.read(), reconvene: try r.read())
    }
}

extension Review.Delay: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(reason); w.write(expected) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), reason: try r.read(), expected: try r.read()) }
}

extension Review.Grade: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(by); w.write(grade) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), by: try r.read(), grade: try r.read()) }
}

extension Review.Withholding: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(reason) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), reason: try r.read()) }
}

extension Review.SignOff: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(what); w.write(on); w.write(partner); w.write(refused); w.write(reason) }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(what: try r.read(), on: try r.read(), partner: try r.read(), refused: try r.read(), reason: try r.read())
    }
}

extension RecommendationItem: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(ref); w.write(id); w.write(text); w.write(on); w.write(actions); w.write(response) }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(ref: try r.read(), id: try r.read(), text: try r.read(), on: try r.read(), actions: try r.read())
        response = try r.read()
    }
}

extension RecommendationItem.Response: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(accepted); w.write(reason); w.write(on) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(accepted: try r.read(), reason: try r.read(), on: try r.read()) }
}

extension ActionItem: BinaryCodable {
    func write(to w: inout BinaryWriter) {
        w.write(id); w.write(ref); w.write(rec); w.write(text); w.write(owner); w.write(lead); w.write(due); w.write(originalDue)
        w.write(dueText); w.write(success); w.write(agreed); w.write(status); w.write(rag); w.write(lastUpdate); w.write(revisions)
        w.write(implemented); w.write(impactCount); w.write(lastImpact); w.write(signOffs); w.write(stagesSigned); w.write(exit)
        w.write(carried); w.write(standings)
    }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(id: try r.read(), ref: try r.read(), rec: try r.read(), text: try r.read(), owner: try r.read(), lead: try r.read(),
                  due: try r.read(), originalDue: try r.read(), dueText: try r.read(), success: try r.read(), agreed: try r.read())
        status = try r.read(); rag = try r.read(); lastUpdate = try r.read(); revisions = try r.read(); implemented = try r.read()
        impactCount = try r.read(); lastImpact = try r.read(); signOffs = try r.read(); stagesSigned = try r.read(); exit = try r.read()
        carried = try r.read(); standings = try r.read()
    }
}

extension ActionItem.StandingChange: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(Int(standing.rawValue)) }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        let on: LocalDate = try r.read()
        let raw: Int = try r.read()
        guard let standing = ActionItem.Standing(rawValue: UInt8(truncatingIfNeeded: raw)), (0...2).contains(raw) else { throw SnapshotError("an action's standing out of range") }
        self.init(on: on, standing: standing)
    }
}

extension ActionItem.Update: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(note); w.write(rag); w.write(evidence) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), note: try r.read(), rag: try r.read(), evidence: try r.read()) }
}

extension ActionItem.Revision: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(from); w.write(to); w.write(reason) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), from: try r.read(), to: try r.read(), reason: try r.read()) }
}

extension ActionItem.Evidence: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(evidence); w.write(rating) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), evidence: try r.read(), rating: try r.read()) }
}

extension ActionItem.SignOff: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(stage); w.write(refused); w.write(reason); w.write(by) }
    init(from r: inout BinaryReader) throws(SnapshotError) {
        self.init(on: try r.read(), stage: try r.read(), refused: try r.read(), reason: try r.read(), by: try r.read())
    }
}

extension Attribution: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(onBehalfOf); w.write(meeting); w.write(signer) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(onBehalfOf: try r.read(), meeting: try r.read(), signer: try r.read()) }
}

extension Voiding: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(reason); w.write(with) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), reason: try r.read(), with: try r.read()) }
}

extension ActionItem.Carry: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(from); w.write(on); w.write(arrivedImplemented) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(from: try r.read(), on: try r.read(), arrivedImplemented: try r.read()) }
}

extension ActionItem.Exit: BinaryCodable {
    func write(to w: inout BinaryWriter) { w.write(on); w.write(reason); w.write(to) }
    init(from r: inout BinaryReader) throws(SnapshotError) { self.init(on: try r.read(), reason: try r.read(), to: try r.read()) }
}
