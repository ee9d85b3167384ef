/// A rebalance as reported to the consumer, after (assign) or before (revoke) librdkafka applied it.
enum RDKafkaRebalance: Sendable {
    /// Already (incrementally) assigned.
    case assigned([KafkaTopicPartition])
    /// About to be (incrementally) unassigned.
    case revoked([KafkaTopicPartition])
    /// The rebalance failed; the whole assignment is about to be dropped.
    case failed(KafkaError)
}
