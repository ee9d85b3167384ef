/// A record to produce. With `partition` nil the partitioner picks one from the key (consistent_random:
/// the same key always maps to the same partition, like the Java client's murmur2 for ordering purposes).
public struct KafkaProducerMessage: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    public var partition: Int32?
    /// The record's CreateTime in ms since the epoch; nil means now.
    public var timestampMs: Int64?

    public init(
        topic: String, key: [UInt8]? = nil, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil,
        timestampMs: Int64? = nil
    ) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
        self.timestampMs = timestampMs
    }
}
