/// Group membership changes, reported on ``KafkaConsumer/events``.
public enum KafkaConsumerEvent: Sendable, Hashable {
    /// Partitions now owned by this consumer (already assigned when the event is emitted).
    case partitionsAssigned([KafkaTopicPartition])
    /// Partitions taken away. Commits for them after this will fail; records of them still buffered
    /// in ``KafkaConsumer/messages`` may still be delivered.
    case partitionsRevoked([KafkaTopicPartition])
}
