/// Durable per-message state (see `MessageState`), keyed by source partition.
///
/// The consumer restores a partition's states before it processes the partition's first event, and
/// writes changed states after every sink accepted the batch that changed them and before it commits
/// the batch's offsets. So after a crash, the restored state is never ahead of the committed offsets
/// by more than events the sinks already hold (re-reads of those are dropped as duplicates), and never
/// behind what was committed.
package protocol StateStore: Sendable {
    /// Prepares the store (creates the changelog topic, ...). Called once before `restore`.
    func start(sourcePartitions: [Int32]) async throws
    /// Loads every message state of the given source partitions.
    func restore(partitions: [Int32]) async throws -> [Int32: [String: MessageState]]
    /// Durably stores changed states and removes the states of `deleting` (MessageSids per source
    /// partition, whose retention ran out); returns once both are durable.
    func write(_ states: [Int32: [String: MessageState]], deleting: [Int32: [String]]) async throws
}
