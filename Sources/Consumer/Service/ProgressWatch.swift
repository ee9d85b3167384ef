/// Whether the consumer makes progress, for `/readyz`: a partition with records read past its
/// committed offset whose committed offset has not moved for the stall timeout is stalled (a sink or
/// the dead-letter topic retrying forever, a writer that stopped). A partition that is caught up is
/// never stalled, however long it stays idle. Pure; times are milliseconds of a monotonic clock.
struct ProgressWatch: Sendable, Hashable {
    struct Partition: Sendable, Hashable {
        /// Next offset to read.
        var read: Int64
        /// Last offset committed by this process (nil before its first commit).
        var committed: Int64?
        /// When the partition last went behind or its committed offset last moved.
        var since: Int64

        var isBehind: Bool { committed.map { read > $0 } ?? true }
    }

    private(set) var partitions: [Int32: Partition] = [:]

    /// Records were read up to `next` (exclusive).
    mutating func read(_ partition: Int32, next: Int64, now: Int64) {
        guard var state = partitions[partition] else {
            partitions[partition] = Partition(read: next, committed: nil, since: now)
            return
        }
        if !state.isBehind { state.since = now }
        state.read = max(state.read, next)
        partitions[partition] = state
    }

    mutating func committed(_ partition: Int32, offset: Int64, now: Int64) {
        guard var state = partitions[partition] else { return }
        if state.committed.map({ offset > $0 }) ?? true { state.since = now }
        state.committed = max(state.committed ?? offset, offset)
        partitions[partition] = state
    }

    mutating func forget(_ partition: Int32) {
        partitions[partition] = nil
    }

    /// Partitions behind their reads whose commit has not moved for `timeout` ms.
    func stalled(now: Int64, timeout: Int64) -> [Int32] {
        partitions.filter { $0.value.isBehind && now - $0.value.since >= timeout }.keys.sorted()
    }
}
