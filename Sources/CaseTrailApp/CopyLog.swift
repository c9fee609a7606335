import CaseTrailCore
import CaseTrailStore

extension Ledger {
    /// Copies this log line for line, byte for byte, into `destination`, which must hold no log yet.
    /// Every line of this log is checked first (as `verify` does), and the copy is read back and
    /// checked the same way, so it ends on the same line with the same hash: any checkpoint of this
    /// log verifies against the copy. Returns the head both share.
    public func copy(to destination: any LogStore) throws -> LogScan.Head {
        let checked = try verify(against: nil)
        guard checked.ok else { throw StoreError.integrity(path: store.location, problems: checked.scan.problems) }
        guard let head = checked.scan.head else { throw StoreError.missing(store.location) }
        try destination.importLines { send throws(StoreError) in try store.exportLines(count: head.seq, send) }
        let copy = Ledger(store: destination, policy: SnapshotPolicy(minimumEvents: nil))
        copy.now = now
        let reread = try copy.verify(against: nil)
        guard reread.ok, reread.scan.head == head else {
            let problems = reread.scan.problems.isEmpty
                ? [LineProblem(line: reread.scan.lines, problem: "the copy ends at seq \(reread.scan.head?.seq ?? 0), not at seq \(head.seq) with hash \(head.hash)")]
                : reread.scan.problems
            throw StoreError.integrity(path: destination.location, problems: problems)
        }
        return head
    }
}
