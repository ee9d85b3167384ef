import CRdKafka

extension RDKafkaClient {
    /// Enqueues one record (non-blocking). `id` comes back as the per-message opaque in the delivery report.
    /// Returns the enqueue error, if any; then no delivery report will follow.
    func produce(_ message: KafkaProducerMessage, id: UInt) -> KafkaError? {
        let headers = RDKafkaHeaders.make(message.headers)
        let error: OpaquePointer? = message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                withOptionalBytes(message.key) { key in
                    var values: [rd_kafka_vu_t] = []
                    values.reserveCapacity(8)

                    var entry = rd_kafka_vu_t()
                    entry.vtype = RD_KAFKA_VTYPE_TOPIC
                    entry.u.cstr = topic
                    values.append(entry)

                    entry = rd_kafka_vu_t()
                    entry.vtype = RD_KAFKA_VTYPE_PARTITION
                    entry.u.i32 = message.partition ?? -1  // RD_KAFKA_PARTITION_UA: let the partitioner choose
                    values.append(entry)

                    entry = rd_kafka_vu_t()
                    entry.vtype = RD_KAFKA_VTYPE_VALUE
                    entry.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                    entry.u.mem.size = value.count
                    values.append(entry)

                    if let key {
                        entry = rd_kafka_vu_t()
                        entry.vtype = RD_KAFKA_VTYPE_KEY
                        entry.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                        entry.u.mem.size = key.count
                        values.append(entry)
                    }

                    entry = rd_kafka_vu_t()
                    entry.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    entry.u.i = RD_KAFKA_MSG_F_COPY  // our buffers do not outlive this call
                    values.append(entry)

                    entry = rd_kafka_vu_t()
                    entry.vtype = RD_KAFKA_VTYPE_OPAQUE
                    entry.u.ptr = UnsafeMutableRawPointer(bitPattern: id)
                    values.append(entry)

                    if let timestamp = message.timestampMs {
                        entry = rd_kafka_vu_t()
                        entry.vtype = RD_KAFKA_VTYPE_TIMESTAMP
                        entry.u.i64 = timestamp
                        values.append(entry)
                    }

                    if let headers {
                        entry = rd_kafka_vu_t()
                        entry.vtype = RD_KAFKA_VTYPE_HEADERS
                        entry.u.headers = headers
                        values.append(entry)
                    }
                    return rd_kafka_produceva(handle, values, values.count)
                }
            }
        }
        guard let error else { return nil }
        // librdkafka takes the headers only on success.
        if let headers { rd_kafka_headers_destroy(headers) }
        return RDKafkaError.make(consuming: error, context: "produce to \(message.topic)")
    }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
