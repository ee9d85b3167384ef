import CRdKafka
import Foundation
import Logging

/// Reads a partition's high watermark from a Fetch response rather than from ListOffsets.
///
/// Some brokers answer ListOffsets(latest) with the last batch's base offset + 1 (Tansu does), which
/// is too low after a batched produce; the high watermark in a Fetch response is authoritative everywhere.
/// Blocking: creates a short-lived consumer, fetches once from `offset` and closes it.
enum RDKafkaWatermarkProbe {
    static func highWatermark(
        topic: String, partition: Int32, from offset: Int64, properties: [(String, String)], timeoutMs: Int32,
        logger: Logger
    ) throws(KafkaError) -> Int64? {
        let client = try RDKafkaClient(
            kind: .consumer,
            properties: properties + [
                ("group.id", "statusrelay-watermark-probe-\(UUID().uuidString.lowercased())"),
                ("enable.auto.commit", "false"),
                ("enable.auto.offset.store", "false"),
                ("enable.partition.eof", "true"),
                ("fetch.wait.max.ms", "10"),
            ],
            context: RDKafkaCallbackContext(logger: logger),
            logger: logger
        )
        _ = rd_kafka_poll_set_consumer(client.handle)
        defer { _ = rd_kafka_consumer_close(client.handle) }
        let list = RDKafkaTopicPartitionList(capacity: 1)
        list.add(topic: topic, partition: partition, offset: offset)
        let error = rd_kafka_assign(client.handle, list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw RDKafkaError.make(error, context: "watermark probe assign") }

        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(timeoutMs)))
        var fetched = false
        while !fetched, clock.now < deadline {
            guard let message = rd_kafka_consumer_poll(client.handle, 100) else { continue }
            let messageError = message.pointee.err
            // A record or end-of-partition means a Fetch response (with the high watermark) arrived.
            fetched = messageError == RD_KAFKA_RESP_ERR_NO_ERROR || messageError == RD_KAFKA_RESP_ERR__PARTITION_EOF
            rd_kafka_message_destroy(message)
        }
        guard fetched else { return nil }
        var low: Int64 = -1
        var high: Int64 = -1
        guard rd_kafka_get_watermark_offsets(client.handle, topic, partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
            high >= 0
        else { return nil }
        return high
    }
}
