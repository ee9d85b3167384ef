/// A partition with an offset. For commits the offset is the NEXT offset to read (last processed + 1).
/// For manual assignments it is where reading starts, and may be ``beginning`` or ``end``.
public struct KafkaTopicPartitionOffset: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    /// Logical offset: the partition's first available record.
    public static let beginning: Int64 = -2
    /// Logical offset: the partition's end (only records produced from now on).
    public static let end: Int64 = -1

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    public init(_ topicPartition: KafkaTopicPartition, offset: Int64) {
        self.init(topic: topicPartition.topic, partition: topicPartition.partition, offset: offset)
    }

    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    public var description: String { "\(topic)[\(partition)]@\(offset)" }
}
