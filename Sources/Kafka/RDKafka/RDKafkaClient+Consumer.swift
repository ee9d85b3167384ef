import CRdKafka
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RDKafkaClient {
    /// What one `rd_kafka_consumer_poll` produced.
    enum ConsumerPoll {
        case nothing
        case message(KafkaConsumerMessage)
        /// librdkafka recovers from these by itself (broker down, topic not there yet, ...).
        case transientError(KafkaError, topic: String?)
        /// The consumer is unusable.
        case fatal(KafkaError)
    }

    /// Routes records, rebalances and errors to the one queue `consumerPoll` serves.
    func redirectMainQueueToConsumer() {
        _ = rd_kafka_poll_set_consumer(handle)
    }

    func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList(capacity: topics.count)
        for topic in topics { list.add(topic: topic, partition: -1) }  // RD_KAFKA_PARTITION_UA
        let error = rd_kafka_subscribe(handle, list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw RDKafkaError.make(error, context: "subscribe to \(topics.joined(separator: ","))")
        }
    }

    func assign(_ assignment: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList(assignment)
        let error = rd_kafka_assign(handle, list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw RDKafkaError.make(error, context: "assign \(assignment.map(\.description).joined(separator: ","))")
        }
    }

    /// Blocking synchronous commit of explicit offsets.
    func commit(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList(offsets)
        let error = rd_kafka_commit(handle, list.pointer, 0)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw RDKafkaError.make(error, context: "commit", client: handle)
        }
        for entry in list.entries where entry.error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw RDKafkaError.make(entry.error, context: "commit \(entry.partition)", client: handle)
        }
    }

    /// Blocking: revokes the assignment (through the rebalance callback) and sends LeaveGroup.
    func closeConsumer() -> KafkaError? {
        let error = rd_kafka_consumer_close(handle)
        return error == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : RDKafkaError.make(error, context: "close")
    }

    /// The name of the topic a consumed record came from, made again only when it changes: a name
    /// past 15 bytes is a heap-allocated `String`, and every record carries one. Compared by bytes,
    /// not by handle, because a freed topic handle's address can come back for another topic.
    struct TopicNames {
        private var name = ""

        mutating func name(of topic: OpaquePointer) -> String {
            let cName = rd_kafka_topic_name(topic)!
            let bytes = UnsafeRawBufferPointer(start: cName, count: strlen(cName))
            if !name.utf8.elementsEqual(bytes) { name = String(decoding: bytes, as: UTF8.self) }
            return name
        }
    }

    /// Blocking for up to `timeoutMs`; serves rebalance callbacks too.
    func consumerPoll(timeoutMs: Int32, topicNames: inout TopicNames) -> ConsumerPoll {
        guard let message = rd_kafka_consumer_poll(handle, timeoutMs) else { return .nothing }
        defer { rd_kafka_message_destroy(message) }
        let raw = message.pointee
        let topic = raw.rkt.map { topicNames.name(of: $0) }
        switch raw.err {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
            var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let timestamp = rd_kafka_message_timestamp(message, &timestampType)
            return .message(
                KafkaConsumerMessage(
                    topic: topic ?? "",
                    partition: raw.partition,
                    offset: raw.offset,
                    key: raw.key.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.key_len)) },
                    value: raw.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.len)) } ?? [],
                    packedHeaders: RDKafkaHeaders.readPacked(message),
                    timestampMs: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || timestamp < 0 ? nil : timestamp
                )
            )
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            return .nothing
        case RD_KAFKA_RESP_ERR__FATAL:
            return .fatal(RDKafkaError.fatal(client: handle, context: "consumer"))
        default:
            let detail = rd_kafka_message_errstr(message).map { String(cString: $0) } ?? ""
            return .transientError(RDKafkaError.make(raw.err, context: detail), topic: topic)
        }
    }

    /// The high watermark librdkafka cached from the partition's last fetch response, or nil before
    /// one arrived. Reads local state only (no request), so it may be called while holding a lock.
    static func cachedHighWatermark(handle: OpaquePointer, topic: String, partition: Int32) -> Int64? {
        var low: Int64 = -1
        var high: Int64 = -1
        guard rd_kafka_get_watermark_offsets(handle, topic, partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
            high >= 0
        else { return nil }
        return high
    }

    /// Non-blocking (only enqueues operations), so it may be called while holding a lock.
    static func pause(handle: OpaquePointer, _ partitions: [KafkaTopicPartition]) {
        let list = RDKafkaTopicPartitionList(partitions)
        _ = rd_kafka_pause_partitions(handle, list.pointer)
    }

    /// Non-blocking, like ``pause(handle:_:)``.
    static func resume(handle: OpaquePointer, _ partitions: [KafkaTopicPartition]) {
        let list = RDKafkaTopicPartitionList(partitions)
        _ = rd_kafka_resume_partitions(handle, list.pointer)
    }
}
