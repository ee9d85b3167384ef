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

        let pollThread = PollThreadState()
        let groupID: String
        let context: RDKafkaCallbackContext
        switch mode {
        case .subscribe:
            isManualAssignment = false
            groupID = configuration.groupID
            context = RDKafkaCallbackContext(logger: logger, onRebalance: { rebalance in
                // Records polled before the rebalance reach the buffer before it does.
                pollThread.handOver(to: shared)
                Self.rebalanced(rebalance, shared: shared)
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
        client.redirectMainQueueToConsumer()

        switch mode {
        case .subscribe(let topics):
            try client.subscribe(topics)
        case .assign(let assignment):
            try client.assign(assignment)
            let partitions = assignment.map(\.topicPartition)
            shared.assigned(partitions)
            eventsContinuation.yield(.partitionsAssigned(partitions))
        }

        // The loop holds the client; the handle is closed and destroyed on that thread.
        self.pollLoop = RDKafkaPollLoop(
            name: "kafka-consumer-poll",
            body: { Self.pollOnce(client: client, shared: shared, pollThread: pollThread) },
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
            try client.commit(offsets)
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

    /// Each partition's high watermark (the offset the next produced record gets) as of its last fetch
    /// response, from librdkafka's cache: no request, never blocks. A partition without a fetch response
    /// yet is missing. Once every record below it has been taken from ``messages``, the reader has
    /// caught up with the log as of that fetch.
    public func fetchedHighWatermarks(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: Int64] {
        shared.fetchedHighWatermarks(partitions)
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

    /// Most records the poll thread takes from librdkafka before it hands them to the buffer.
    static let pollBatchSize = 500

    /// Waits up to 100 ms for a record, then takes those already fetched without waiting, up to
    /// ``pollBatchSize``, and hands them to the buffer at once: one lock round trip and at most one
    /// wake-up of the reader per batch instead of per record.
    /// Returns false once the consumer failed and the loop should close it.
    private static func pollOnce(client: RDKafkaClient, shared: Shared, pollThread: PollThreadState) -> Bool {
        shared.waitForRoom(timeout: .milliseconds(200))
        defer { pollThread.handOver(to: shared) }
        var timeoutMs: Int32 = 100
        while pollThread.polled.count < pollBatchSize {
            switch client.consumerPoll(timeoutMs: timeoutMs, topicNames: &pollThread.topicNames) {
            case .nothing:
                return true
            case .message(let message):
                pollThread.polled.append(message)
                timeoutMs = 0
            case .transientError(let error, let topic):
                shared.logger.warning("consumer error", metadata: ["error": "\(error)", "kafka.topic": "\(topic ?? "-")"])
                return true
            case .fatal(let failure):
                pollThread.handOver(to: shared)
                shared.logger.error("consumer stopped by a fatal error", metadata: ["error": "\(failure)"])
                shared.fail(failure)
                return false
            }
        }
        return true
    }

    private static func closeClient(_ client: RDKafkaClient, shared: Shared) {
        shared.beginClosing()
        if let error = client.closeConsumer() {
            shared.logger.warning("consumer close", metadata: ["error": "\(error)"])
        }
        shared.closed()
        shared.logger.debug("consumer closed")
    }

    /// Runs on the poll thread, inside `rd_kafka_consumer_poll` (or the close).
    private static func rebalanced(_ rebalance: RDKafkaRebalance, shared: Shared) {
        switch rebalance {
        case .assigned(let partitions):
            shared.assigned(partitions)
            shared.logger.info("partitions assigned", metadata: ["kafka.partitions": "\(partitions.map(\.description).joined(separator: ","))"])
            shared.events.yield(.partitionsAssigned(partitions))
        case .revoked(let partitions):
            shared.logger.info("partitions revoked", metadata: ["kafka.partitions": "\(partitions.map(\.description).joined(separator: ","))"])
            shared.events.yield(.partitionsRevoked(partitions))
            shared.revoked(partitions)
        case .failed(let error):
            shared.logger.error("rebalance error", metadata: ["error": "\(error)"])
            let current = shared.machine.withLock { Array($0.assigned) }
            shared.revoked(current)
            if !current.isEmpty { shared.events.yield(.partitionsRevoked(current)) }
        }
    }
}
