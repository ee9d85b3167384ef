package import Kafka

/// What a checkpoint does with work every sink accepted. The live consumer writes the message states
/// to its changelog, then commits the offsets; a replay reads a fixed range, starts from empty states
/// and keeps nothing.
package protocol Checkpointer: Sendable {
    /// The message states a newly owned partition starts with.
    func restore(partitions: [Int32]) async throws -> [Int32: [String: MessageState]]
    /// Makes the states durable (`deleting`: messages whose retention ran out). Retried until it succeeds.
    func write(_ states: [Int32: [String: MessageState]], deleting evictions: [Int32: [String]]) async throws
    /// Commits the offsets. A failure is logged; the next checkpoint commits again.
    func commit(_ offsets: [KafkaTopicPartitionOffset]) async throws
}
