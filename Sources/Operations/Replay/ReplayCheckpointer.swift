import Consumer
import Kafka

/// A replay's checkpoint: nothing. A replay starts every message from empty state (sequences restart
/// at 1 for the range), joins no group and commits nothing, so it can run beside the live consumer.
struct ReplayCheckpointer: Checkpointer {
    func restore(partitions: [Int32]) async throws -> [Int32: [String: MessageState]] { [:] }
    func write(_ states: [Int32: [String: MessageState]], deleting evictions: [Int32: [String]]) async throws {}
    func commit(_ offsets: [KafkaTopicPartitionOffset]) async throws {}
}
