import CRdKafka

/// Owns an `rd_kafka_topic_partition_list_t`.
///
/// Not Sendable: created, used and destroyed within one call.
final class RDKafkaTopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int = 1) {
        pointer = rd_kafka_topic_partition_list_new(Int32(clamping: max(1, capacity)))
    }

    convenience init(_ partitions: [KafkaTopicPartition]) {
        self.init(capacity: partitions.count)
        for partition in partitions { add(topic: partition.topic, partition: partition.partition) }
    }

    convenience init(_ offsets: [KafkaTopicPartitionOffset]) {
        self.init(capacity: offsets.count)
        for entry in offsets { add(topic: entry.topic, partition: entry.partition, offset: entry.offset) }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    func add(topic: String, partition: Int32, offset: Int64? = nil) {
        let element = rd_kafka_topic_partition_list_add(pointer, topic, partition)
        if let offset, let element { element.pointee.offset = offset }
    }

    /// Copies the entries of a list librdkafka owns (e.g. in a rebalance callback).
    static func entries(
        of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    ) -> [(partition: KafkaTopicPartitionOffset, error: rd_kafka_resp_err_t)] {
        guard let list, let elements = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map { index in
            let element = elements[index]
            return (
                KafkaTopicPartitionOffset(
                    topic: String(cString: element.topic), partition: element.partition, offset: element.offset
                ),
                element.err
            )
        }
    }

    var entries: [(partition: KafkaTopicPartitionOffset, error: rd_kafka_resp_err_t)] {
        Self.entries(of: pointer)
    }
}
