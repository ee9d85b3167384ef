import CRdKafka
import Foundation
public import Logging
public import ServiceLifecycle

/// A Kafka consumer: either a group member (subscription, rebalances) or a manual assignment (replay).
///
/// A dedicated thread polls librdkafka and hands records to ``messages`` through a bounded buffer
/// (fetching pauses when it is full). Offsets are only committed by ``commit(_:)``.
/// `run()` keeps it going until graceful shutdown or cancellation, then closes it (leaving the group).
public final class KafkaConsumer: Service, Sendable {
    public let configuration: KafkaConsumerConfiguration
    /// The records, in order per partition.
    public let messages: KafkaConsumerMessages
    /// Rebalance notifications. Unbounded, but rebalances are rare.
    public let events: AsyncStream<KafkaConsumerEvent>
    /// True for a manual assignment (replay): no group membership and ``commit(_:)`` does nothing.
    public let isManualAssignment: Bool

    private let client: RDKafkaClient
    private let shared: Shared
    private let pollLoop: RDKafkaPollLoop
    private let logger: Logger

    /// A group member subscribed to `configuration.topics`.
    public convenience init(configuration: KafkaConsumerConfiguration, logger: Logger) throws(KafkaError) {
        guard !configuration.topics.isEmpty else {
            throw .invalidConfiguration("KafkaConsumerConfiguration.topics is empty")
        }
        try self.init(mode: .subscribe(configuration.topics), configuration: configuration, logger: logger)
    }

    /// Reads exactly `assignment` (use ``KafkaTopicPartitionOffset/beginning`` / ``KafkaTopicPartitionOffset/end``
    /// or a concrete offset); joins no group and never commits. An empty `groupID` means a random one.
    public convenience init(
        assignment: [KafkaTopicPartitionOffset], configuration: KafkaConsumerConfiguration, logger: Logger
    ) throws(KafkaError) {
        try self.init(mode: .assign(assignment), configuration: configuration, logger: logger)
    }

    private enum Mode {
        case subscribe([String])
        case assign([KafkaTopicPartitionOffset])
    }

    private init(mode: Mode, configuration: KafkaConsumerConfiguration, logger: Logger) throws(KafkaError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let (events, eventsContinuation) = AsyncStream.makeStream(of: KafkaConsumerEvent.self)
        self.events = events
        let shared = Shared(
            maxBufferedMessages: configuration.maxBufferedMessages, events: eventsContinuation, logger: logger
        )
        self.shared = shared
        self.messages = KafkaConsumerMessages(shared: shared)

        let groupID: String
        let context: RDKafkaCallbackContext
        switch mode {
        case .subscribe:
            isManualAssignment = false
            groupID = configuration.groupID
            context = RDKafkaCallbackContext(logger: logger, onRebalance: { handle, error, partitions in
                Self.rebalance(handle: handle, error: error, partitions: partitions, shared: shared)
            })
        case .assign:
            isManualAssignment = true
            groupID = configuration.groupID.isEmpty ? "statusrelay-manual-\(UUID().uuidString.lowercased())" : configuration.groupID
            context = RDKafkaCallbackContext(logger: logger)
        }
        guard !groupID.isEmpty else { throw .invalidConfiguration("KafkaConsumerConfiguration.groupID is empty") }

        let client = try RDKafkaClient(
            kind: .consumer, properties: configuration.properties(groupID: groupID), context: context, logger: logger
        )
        self.client = client
        shared.machine.withLock { $0.attach(handle: client.handle) }
        // One queue for records, rebalances and errors, served by the poll thread.
        _ = rd_kafka_poll_set_consumer(client.handle)

        switch mode {
        case .subscribe(let topics):
            let list = RDKafkaTopicPartitionList(capacity: topics.count)
            for topic in topics { list.add(topic: topic, partition: -1) }  // RD_KAFKA_PARTITION_UA
            let error = rd_kafka_subscribe(client.handle, list.pointer)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw RDKafkaError.make(error, context: "subscribe to \(topics.joined(separator: ","))")
            }
        case .assign(let assignment):
            let list = RDKafkaTopicPartitionList(assignment)
            let error = rd_kafka_assign(client.handle, list.pointer)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw RDKafkaError.make(error, context: "assign \(assignment.map(\.description).joined(separator: ","))")
            }
            let partitions = assignment.map(\.topicPartition)
            shared.assigned(partitions)
            eventsContinuation.yield(.partitionsAssigned(partitions))
        }

        // The loop holds the client; the handle is closed and destroyed on that thread.
        self.pollLoop = RDKafkaPollLoop(
            name: "kafka-consumer-poll",
            body: { Self.pollOnce(client: client, shared: shared) },
            onExit: { Self.closeClient(client, shared: shared) }
        )
    }

    deinit {
        shared.beginClosing()
        pollLoop.requestStop()
    }

    /// Commits `offsets` synchronously (each the NEXT offset to read, i.e. last processed + 1).
    /// Does nothing for a manual assignment. Throws ``KafkaError/Code/rebalance`` for partitions no longer owned.
    public func commit(_ offsets: [KafkaTopicPartitionOffset]) async throws(KafkaError) {
        guard !isManualAssignment, !offsets.isEmpty else { return }
        guard shared.isRunning else { throw shared.failure ?? .closed("consumer") }
        let client = self.client
        try await RDKafkaBlocking.run { () throws(KafkaError) in
            let list = RDKafkaTopicPartitionList(offsets)
            let error = rd_kafka_commit(client.handle, list.pointer, 0)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw RDKafkaError.make(error, context: "commit", client: client.handle)
            }
            for entry in list.entries where entry.error != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw RDKafkaError.make(entry.error, context: "commit \(entry.partition)", client: client.handle)
            }
        }
    }

    /// Stops fetching `partitions`. Records of them already buffered may still be delivered.
    /// A pause ends when the partition is revoked.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try shared.pause(partitions)
    }

    /// Resumes fetching `partitions` from the record after the last one delivered.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try shared.resume(partitions)
    }

    /// The partitions currently assigned.
    public var assignment: Set<KafkaTopicPartition> {
        shared.machine.withLock { $0.assigned }
    }

    /// Ends iteration, leaves the group (revoking the assignment) and closes the handle. Idempotent.
    public func close() async throws(KafkaError) {
        shared.beginClosing()
        pollLoop.requestStop()
        await pollLoop.waitForExit()
    }

    /// Polls (on a dedicated thread) until graceful shutdown or cancellation, then closes.
    /// Throws the fatal error that stopped the consumer, if any.
    public func run() async throws {
        await withTaskCancellationOrGracefulShutdownHandler {
            await pollLoop.waitForExit()
        } onCancelOrGracefulShutdown: { [shared, pollLoop] in
            shared.beginClosing()
            pollLoop.requestStop()
        }
        if let failure = shared.failure { throw failure }
    }

    // MARK: - Poll thread

    /// Returns false once the consumer failed and the loop should close it.
    private static func pollOnce(client: RDKafkaClient, shared: Shared) -> Bool {
        guard let message = rd_kafka_consumer_poll(client.handle, 100) else { return true }
        defer { rd_kafka_message_destroy(message) }
        let error = message.pointee.err
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return handlePollError(error, message: message, client: client, shared: shared)
        }
        shared.received(convert(message))
        return true
    }

    private static func convert(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaConsumerMessage {
        let raw = message.pointee
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaConsumerMessage(
            topic: raw.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "",
            partition: raw.partition,
            offset: raw.offset,
            key: raw.key.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.key_len)) },
            value: raw.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.len)) } ?? [],
            headers: RDKafkaHeaders.read(message),
            timestampMs: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || timestamp < 0 ? nil : timestamp
        )
    }

    private static func handlePollError(
        _ error: rd_kafka_resp_err_t, message: UnsafeMutablePointer<rd_kafka_message_t>, client: RDKafkaClient,
        shared: Shared
    ) -> Bool {
        switch error {
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            return true
        case RD_KAFKA_RESP_ERR__FATAL:
            let failure = RDKafkaError.fatal(client: client.handle, context: "consumer")
            shared.logger.error("consumer stopped by a fatal error", metadata: ["error": "\(failure)"])
            shared.fail(failure)
            return false
        default:
            // librdkafka recovers from these by itself (broker down, topic not there yet, ...).
            let detail = rd_kafka_message_errstr(message).map { String(cString: $0) } ?? ""
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) }
            shared.logger.warning(
                "consumer error",
                metadata: [
                    "error": "\(RDKafkaError.make(error, context: detail))",
                    "kafka.topic": "\(topic ?? "-")",
                ]
            )
            return true
        }
    }

    private static func closeClient(_ client: RDKafkaClient, shared: Shared) {
        shared.beginClosing()
        // Revokes the assignment through the rebalance callback and sends LeaveGroup.
        let error = rd_kafka_consumer_close(client.handle)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            shared.logger.warning("consumer close", metadata: ["error": "\(RDKafkaError.make(error, context: "close"))"])
        }
        shared.closed()
        shared.logger.debug("consumer closed")
    }

    /// Runs on the poll thread, inside `rd_kafka_consumer_poll` (or `rd_kafka_consumer_close`).
    private static func rebalance(
        handle: OpaquePointer, error: rd_kafka_resp_err_t,
        partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, shared: Shared
    ) {
        let list = RDKafkaTopicPartitionList.entries(of: partitions).map(\.partition.topicPartition)
        let cooperative = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) } == "COOPERATIVE"
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative {
                if let failure = rd_kafka_incremental_assign(handle, partitions) {
                    shared.logger.error("incremental assign failed", metadata: ["error": "\(RDKafkaError.make(consuming: failure, context: "assign"))"])
                }
            } else {
                let result = rd_kafka_assign(handle, partitions)
                if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                    shared.logger.error("assign failed", metadata: ["error": "\(RDKafkaError.make(result, context: "assign"))"])
                }
            }
            shared.assigned(list)
            // Cooperative rebalances may hand over an empty increment: nothing to report.
            guard !list.isEmpty || !cooperative else { return }
            shared.logger.info("partitions assigned", metadata: ["kafka.partitions": "\(list.map(\.description).joined(separator: ","))"])
            shared.events.yield(.partitionsAssigned(list))
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            if !list.isEmpty || !cooperative {
                shared.logger.info("partitions revoked", metadata: ["kafka.partitions": "\(list.map(\.description).joined(separator: ","))"])
                shared.events.yield(.partitionsRevoked(list))
            }
            shared.revoked(list)
            if cooperative {
                if let failure = rd_kafka_incremental_unassign(handle, partitions) {
                    shared.logger.error("incremental unassign failed", metadata: ["error": "\(RDKafkaError.make(consuming: failure, context: "unassign"))"])
                }
            } else {
                _ = rd_kafka_assign(handle, nil)
            }
        default:
            shared.logger.error("rebalance error", metadata: ["error": "\(RDKafkaError.make(error, context: "rebalance"))"])
            let current = shared.machine.withLock { Array($0.assigned) }
            shared.revoked(current)
            if !current.isEmpty { shared.events.yield(.partitionsRevoked(current)) }
            _ = rd_kafka_assign(handle, nil)
        }
    }
}
