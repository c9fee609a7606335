/// A row of the state that may be kept outside it (in a snapshot) until it is asked for.
public protocol StateRow: Equatable, Sendable {
    /// The row's key in its table.
    var key: String { get }
    /// Whether the row is done with. A snapshot lists the rows that are not, so the queries about
    /// what is still open (`RowTable.unsettled`) read only those.
    var isSettled: Bool { get }
}

/// Rows held elsewhere (a snapshot's bytes, in the store), in key order, read one at a time.
/// A row that cannot be read is nil: the source then tells its owner, who answers from the log
/// instead, so a damaged snapshot can cost time but never change an answer.
public protocol StoredRows<Row>: AnyObject, Sendable {
    associatedtype Row: StateRow
    var count: Int { get }
    /// Positions of the rows that were not settled when they were stored.
    var unsettled: [Int] { get }
    /// The position of `key`'s row, if it is stored.
    func position(of key: String) -> Int?
    func key(at position: Int) -> String?
    func row(at position: Int) -> Row?
    /// The rows at `positions`, in that order, leaving out any that cannot be read (a source may read them side by side).
    func rows(at positions: [Int]) -> [Row]
}

/// A table of state rows by key that behaves like a dictionary, though its rows may still be
/// stored elsewhere (after a snapshot) and are read when looked up. After a snapshot of a large
/// log most actions are long signed off; a warm query about open work then reads only the open ones.
/// A row that is changed is read and kept in memory from then on; stored rows never change.
/// Reading a stored row decodes it each time it is read: look a row up once and keep the value.
public struct RowTable<Row: StateRow>: Sendable {
    /// Rows in memory: every row of a replayed log, or those changed since the snapshot.
    private var fresh: [String: Row] = [:]
    /// Rows still stored; a key also in `fresh` is superseded there.
    private var stored: (any StoredRows<Row>)?
    /// Stored rows removed since (an entry voided): read as if they had never been there.
    private var removed: Set<String> = []

    public init() {}

    /// A table whose rows are all stored (a snapshot's).
    package init(stored: any StoredRows<Row>) { self.stored = stored.count > 0 ? stored : nil }

    /// The rows in memory, for writing a snapshot.
    package var freshRows: Dictionary<String, Row>.Values { fresh.values }
    /// The stored rows, for writing them across to the next snapshot unread.
    package var storedRows: (any StoredRows<Row>)? { stored }
    /// Whether a stored row has been changed since (so its stored form is out of date).
    package func isSuperseded(_ key: String) -> Bool { fresh[key] != nil || removed.contains(key) }

    public subscript(key: String) -> Row? {
        get { fresh[key] ?? storedPosition(of: key).flatMap { stored?.row(at: $0) } }
        // In place, as a dictionary's is: replay changes a field of a row on almost every event.
        _modify {
            bringIntoMemory(key)
            yield &fresh[key]
        }
    }

    /// Changes a row in place with one lookup; nothing happens if there is no such row.
    public mutating func update(_ key: String, _ change: (inout Row) -> Void) {
        bringIntoMemory(key)
        if let i = fresh.index(forKey: key) { change(&fresh.values[i]) }
    }

    /// Reads a stored row into memory before it is changed.
    private mutating func bringIntoMemory(_ key: String) {
        if let stored, fresh[key] == nil, let p = storedPosition(of: key), let row = stored.row(at: p) { fresh[key] = row }
    }

    /// Where a stored row that has not been removed is.
    private func storedPosition(of key: String) -> Int? {
        guard let stored, removed.isEmpty || !removed.contains(key) else { return nil }
        return stored.position(of: key)
    }

    /// Takes a row out, as if it had never been added (an entry voided).
    public mutating func remove(_ key: String) {
        fresh[key] = nil
        if stored?.position(of: key) != nil { removed.insert(key) }
    }

    /// Makes room for `count` rows, so a long replay does not move every row each time the table grows.
    public mutating func reserveCapacity(_ count: Int) { fresh.reserveCapacity(count) }

    /// Whether there is a row for `key`, reading none.
    public func contains(_ key: String) -> Bool {
        fresh[key] != nil || storedPosition(of: key) != nil
    }

    /// Every key, reading no row.
    public var keys: [String] {
        guard let stored else { return Array(fresh.keys) }
        return Array(fresh.keys) + (0..<stored.count).compactMap { stored.key(at: $0) }.filter { fresh[$0] == nil && !removed.contains($0) }
    }

    /// Every row, in no particular order, reading any still stored.
    public var values: [Row] {
        guard let stored else { return Array(fresh.values) }
        let wanted = fresh.isEmpty && removed.isEmpty ? Array(0..<stored.count)
            : (0..<stored.count).filter { stored.key(at: $0).map { fresh[$0] == nil && !removed.contains($0) } ?? true }
        var rows = stored.rows(at: wanted)   // built in place; the few rows in memory are added to it
        rows.append(contentsOf: fresh.values)
        return rows
    }

    public var count: Int { keys.count }

    /// Whether reading every row once costs less than `lookups` searches of a stored table: so it
    /// does from a quarter of its rows (counted without reading any, rows in memory and stored both).
    public func isReadingWholeCheaper(than lookups: Int) -> Bool { lookups * 4 >= (stored?.count ?? 0) + fresh.count }

    /// The rows that are not settled, reading only those of the stored rows listed as unsettled.
    public var unsettled: [Row] {
        // Stored rows superseded in memory are dropped in place; rows in memory are tested through the
        // index, so only those kept are copied (a copy retains every string in a row).
        var rows = stored.map { stored in stored.rows(at: stored.unsettled) } ?? []
        if !fresh.isEmpty || !removed.isEmpty { rows.removeAll { fresh[$0.key] != nil || removed.contains($0.key) } }
        for i in fresh.values.indices where !fresh.values[i].isSettled { rows.append(fresh.values[i]) }
        return rows
    }
}

extension RowTable: Equatable {
    public static func == (a: RowTable, b: RowTable) -> Bool {
        a.count == b.count && a.keys.allSatisfy { a[$0] == b[$0] }
    }
}
