import CRdKafka

extension RDKafkaClient {
    /// Blocking CreateTopics. An existing topic is not an error.
    func createTopic(
        _ name: String, partitions: Int32, replicationFactor: Int16, configs: [String: String], timeoutMs: Int32
    ) throws(KafkaError) {
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(name, partitions, Int32(replicationFactor), &errorBuffer, errorBuffer.count)
        else {
            throw .invalidConfiguration("topic \(name): \(Self.string(errorBuffer))")
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        for (key, value) in configs.sorted(by: { $0.key < $1.key }) {
            let error = rd_kafka_NewTopic_set_config(newTopic, key, value)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw RDKafkaError.make(error, context: "topic \(name) config \(key)")
            }
        }
        guard let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS) else {
            throw KafkaError(code: .underlying, message: "rd_kafka_AdminOptions_new failed")
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errorBuffer, errorBuffer.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errorBuffer, errorBuffer.count)

        let queue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(queue) }
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(handle, &topics, 1, options, queue)

        // The result always arrives (the request has its own timeout); the margin covers scheduling.
        guard let event = rd_kafka_queue_poll(queue, timeoutMs + 5000) else {
            throw KafkaError(code: .timedOut, message: "create topic \(name): no result", isRetriable: true)
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        guard eventError == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw RDKafkaError.make(eventError, context: "create topic \(name)", client: handle)
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError(code: .underlying, message: "create topic \(name): unexpected admin result")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
        for index in 0..<count {
            guard let topicResult = results[index] else { continue }
            let error = rd_kafka_topic_result_error(topicResult)
            if error == RD_KAFKA_RESP_ERR_NO_ERROR || error == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { continue }
            let detail = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) }
            var failure = RDKafkaError.make(error, context: "create topic \(name)")
            if let detail, !detail.isEmpty { failure.message += " (\(detail))" }
            throw failure
        }
    }

    /// Blocking metadata lookup of one topic's partition ids. Asks for all topics, so that the lookup
    /// can never auto-create the topic on brokers that allow it.
    func partitions(of topic: String, timeoutMs: Int32) throws(KafkaError) -> [Int32] {
        try withMetadata(allTopics: true, timeoutMs: timeoutMs) { metadata throws(KafkaError) in
            let raw = metadata.pointee
            for index in 0..<Int(raw.topic_cnt) {
                let entry = raw.topics[index]
                guard String(cString: entry.topic) == topic else { continue }
                guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw RDKafkaError.make(entry.err, context: "metadata of \(topic)")
                }
                return (0..<Int(entry.partition_cnt)).map { entry.partitions[$0].id }.sorted()
            }
            throw KafkaError(
                code: .unknownTopicOrPartition, message: "topic \(topic) does not exist", isRetriable: true,
                librdkafkaName: "UNKNOWN_TOPIC_OR_PART"
            )
        }
    }

    /// Blocking ListOffsets for the low and high watermark.
    func watermarks(topic: String, partition: Int32, timeoutMs: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = -1
        var high: Int64 = -1
        let error = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, timeoutMs)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw RDKafkaError.make(error, context: "watermarks of \(topic)[\(partition)]", client: handle)
        }
        return (low, high)
    }

    /// Blocking offsets-for-times: per partition, the first offset whose timestamp is >= `timestampMs`,
    /// or -1 when there is none (the end).
    func offsets(forTimestampMs timestampMs: Int64, topic: String, partitions: [Int32], timeoutMs: Int32)
        throws(KafkaError) -> [Int32: Int64]
    {
        let list = RDKafkaTopicPartitionList(capacity: partitions.count)
        for partition in partitions { list.add(topic: topic, partition: partition, offset: timestampMs) }
        let error = rd_kafka_offsets_for_times(handle, list.pointer, timeoutMs)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw RDKafkaError.make(error, context: "offsets for times on \(topic)", client: handle)
        }
        var offsets: [Int32: Int64] = [:]
        for entry in list.entries {
            guard entry.error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw RDKafkaError.make(entry.error, context: "offsets for times on \(entry.partition.topicPartition)")
            }
            offsets[entry.partition.partition] = entry.partition.offset < 0 ? -1 : entry.partition.offset
        }
        return offsets
    }
}
