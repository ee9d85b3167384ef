import CRdKafka
import Logging

/// The C callbacks registered on every client. They run on librdkafka's threads (logs) or on the thread
/// that polls (delivery reports, rebalances).
enum RDKafkaCallbacks {
    static let log: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
        client, level, facility, message in
        guard let client, let context = RDKafkaCallbackContext.from(rd_kafka_opaque(client)) else { return }
        let facility = facility.map { String(cString: $0) } ?? "?"
        let text = message.map { String(cString: $0) } ?? ""
        context.logger.log(
            level: logLevel(syslog: level),
            "\(text)",
            metadata: ["librdkafka.facility": "\(facility)", "librdkafka.client": "\(String(cString: rd_kafka_name(client)))"]
        )
    }

    static let deliveryReport:
        @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
            client, message, opaque in
            guard let message, let context = RDKafkaCallbackContext.from(opaque), let onDelivery = context.onDelivery
            else { return }
            let id = UInt(bitPattern: message.pointee._private)
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            let error = message.pointee.err
            if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                onDelivery(
                    id,
                    .success(KafkaDeliveryReport(topic: topic, partition: message.pointee.partition, offset: message.pointee.offset))
                )
            } else {
                onDelivery(id, .failure(RDKafkaError.make(error, context: "delivery to \(topic) failed", client: client)))
            }
        }

    /// Applies the assignment (eager or cooperative) and tells the consumer: after assigning, before revoking.
    static let rebalance:
        @convention(c) (
            OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
        ) -> Void = { client, error, partitions, opaque in
            guard let client else { return }
            let context = RDKafkaCallbackContext.from(opaque)
            let notify = context?.onRebalance ?? { _ in }
            let list = RDKafkaTopicPartitionList.entries(of: partitions).map(\.partition.topicPartition)
            let cooperative = rd_kafka_rebalance_protocol(client).map { String(cString: $0) } == "COOPERATIVE"
            switch error {
            case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
                if cooperative {
                    if let failure = rd_kafka_incremental_assign(client, partitions) {
                        context?.logger.error("incremental assign failed", metadata: ["error": "\(RDKafkaError.make(consuming: failure, context: "assign"))"])
                    }
                } else {
                    let result = rd_kafka_assign(client, partitions)
                    if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                        context?.logger.error("assign failed", metadata: ["error": "\(RDKafkaError.make(result, context: "assign"))"])
                    }
                }
                // Cooperative rebalances may hand over an empty increment: nothing to report.
                if !list.isEmpty || !cooperative { notify(.assigned(list)) }
            case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
                if !list.isEmpty || !cooperative { notify(.revoked(list)) }
                if cooperative {
                    if let failure = rd_kafka_incremental_unassign(client, partitions) {
                        context?.logger.error("incremental unassign failed", metadata: ["error": "\(RDKafkaError.make(consuming: failure, context: "unassign"))"])
                    }
                } else {
                    _ = rd_kafka_assign(client, nil)
                }
            default:
                notify(.failed(RDKafkaError.make(error, context: "rebalance")))
                _ = rd_kafka_assign(client, nil)
            }
        }

    static func logLevel(syslog level: Int32) -> Logger.Level {
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }
}
