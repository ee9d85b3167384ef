import Kafka
import StatusRelayCore

/// The live consumer's record source: a consumer group member, whose partitions come and go with
/// rebalances, on the monotonic clock.
struct GroupRecordSource: RecordSource {
    let consumer: KafkaConsumer
    let topic: String
    private let clock = ContinuousClock()
    private let epoch: ContinuousClock.Instant

    init(consumer: KafkaConsumer, topic: String) {
        self.consumer = consumer
        self.topic = topic
        self.epoch = clock.now
    }

    var now: Int64 { (clock.now - epoch).milliseconds }

    var assignedPartitions: Set<Int32> {
        var assigned = Set<Int32>()
        for topicPartition in consumer.assignment where topicPartition.topic == topic {
            assigned.insert(topicPartition.partition)
        }
        return assigned
    }

    /// Ticks are queued behind the records read before them, so a partition whose every record up to
    /// its end reached the reorderer is live.
    func fetchedEnds(of partitions: [Int32]) -> [Int32: Int64] {
        var ends: [Int32: Int64] = [:]
        let owned = partitions.map { KafkaTopicPartition(topic: topic, partition: $0) }
        for (topicPartition, high) in consumer.fetchedHighWatermarks(owned) { ends[topicPartition.partition] = high }
        return ends
    }

    func pause(_ partitions: [Int32]) throws {
        try consumer.pause(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
    }

    func resume(_ partitions: [Int32]) throws {
        try consumer.resume(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
    }
}
