/// A record read by ``KafkaConsumer``.
public struct KafkaConsumerMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    /// Decoded from a compact copy on each read: read it once and keep the array if you need it often.
    public var headers: [KafkaHeader] {
        get { packedHeaders.headers }
        set { packedHeaders = PackedKafkaHeaders(newValue) }
    }
    private var packedHeaders: PackedKafkaHeaders
    /// Record timestamp in ms since the epoch (create or log-append time), nil when the broker gave none.
    public var timestampMs: Int64?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader],
        timestampMs: Int64?
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.packedHeaders = PackedKafkaHeaders(headers)
        self.timestampMs = timestampMs
    }

    init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], packedHeaders: PackedKafkaHeaders,
        timestampMs: Int64?
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.packedHeaders = packedHeaders
        self.timestampMs = timestampMs
    }

    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// The offset to commit once this record is processed (offset + 1).
    public var nextOffset: KafkaTopicPartitionOffset {
        KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: offset + 1)
    }
}
