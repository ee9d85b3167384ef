import Kafka

/// Work the pipeline hands its writer: released events for the sinks, then (when `checkpoint` is set)
/// the message states and offsets they make durable. Jobs run strictly in order, so a checkpoint
/// covers exactly the events of its own and every earlier job.
struct WriteJob: Sendable {
    struct Checkpoint: Sendable {
        var states: [Int32: [String: MessageState]]
        /// Messages whose state retention ran out: tombstoned in the changelog.
        var evictions: [Int32: [String]]
        var offsets: [KafkaTopicPartitionOffset]
    }

    var batch: [ReleasedEvent]
    var checkpoint: Checkpoint?
    /// Resumed once this job (and so every earlier one) is done; lets the pipeline wait for an idle
    /// writer before a rebalance or shutdown.
    var completion: AsyncStream<Void>.Continuation?
    /// Partitions whose remembered last commit no longer holds (revoked or newly assigned).
    var forgetCommitted: Set<Int32> = []
}
