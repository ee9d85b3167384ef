import CRdKafka
public import Logging
public import ServiceLifecycle
import Synchronization

/// An idempotent (`acks=all`) Kafka producer.
///
/// `send` resumes when that record's delivery report arrives. Delivery reports are served by a dedicated
/// thread blocking in `rd_kafka_poll`, so a report is handed over as soon as librdkafka has it.
/// Run it in a `ServiceGroup`: `run()` waits for graceful shutdown, then flushes and closes.
public final class KafkaProducer: Service, Sendable {
    public let configuration: KafkaProducerConfiguration
    private let logger: Logger
    private let client: RDKafkaClient
    private let pollLoop: RDKafkaPollLoop
    private let state: SharedState

    /// Shared by the producer and its delivery-report callback (which must not capture the client).
    private final class SharedState: Sendable {
        let machine = Mutex(StateMachine())

        func deliver(id: UInt, result: Result<KafkaDeliveryReport, KafkaError>) {
            let continuation = machine.withLock { $0.delivered(id: id) }
            continuation?.resume(returning: result)
        }
    }

    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let state = SharedState()
        self.state = state
        let context = RDKafkaCallbackContext(logger: logger) { id, result in
            state.deliver(id: id, result: result)
        }
        let client = try RDKafkaClient(
            kind: .producer, properties: configuration.properties, context: context, logger: logger
        )
        self.client = client
        // The loop holds the client, so the handle is destroyed on this thread once the loop ends.
        self.pollLoop = RDKafkaPollLoop(
            name: "kafka-producer-poll",
            body: { client.poll(timeoutMs: 100) },
            onExit: {}
        )
    }

    deinit {
        pollLoop.requestStop()
    }

    /// Produces `message` and returns once the broker acknowledged it (all in-sync replicas).
    ///
    /// Throws ``KafkaError/Code/timedOut`` when it was not acknowledged within `deliveryTimeout`,
    /// ``KafkaError/Code/closed`` after shutdown began. Waits (up to `deliveryTimeout`) while the local queue is full.
    public func send(_ message: KafkaProducerMessage) async throws(KafkaError) -> KafkaDeliveryReport {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: configuration.deliveryTimeout)
        while true {
            let result = await enqueueAndWait(message)
            if case .failure(let error) = result, error.code == .queueFull, clock.now < deadline {
                try? await Task.sleep(for: .milliseconds(5))
                continue
            }
            return try result.get()
        }
    }

    private func enqueueAndWait(_ message: KafkaProducerMessage) async -> Result<KafkaDeliveryReport, KafkaError> {
        await withCheckedContinuation { (continuation: DeliveryContinuation) in
            // Registered before producing: the report can arrive on the poll thread before produce returns.
            switch state.machine.withLock({ $0.register(continuation) }) {
            case .fail(let error):
                continuation.resume(returning: .failure(error))
            case .produce(let id):
                if let error = client.produce(message, id: id) {
                    let registered = state.machine.withLock { $0.unregister(id: id) }
                    registered?.resume(returning: .failure(error))
                }
            }
        }
    }

    /// Waits until every queued record is delivered or failed, up to `timeout`. Returns whether the queue drained.
    public func flush(timeout: Duration) async -> Bool {
        let client = self.client
        let timeoutMs = timeout.kafkaMilliseconds
        return await RDKafkaBlocking.run { client.flush(timeoutMs: timeoutMs) }
    }

    /// Records (and other requests) librdkafka has not finished yet.
    public var outQueueLength: Int { client.outQueueLength }

    /// Whether a broker answers a metadata request within `timeout`. For readiness probes.
    public func isBrokerReachable(timeout: Duration) async -> Bool {
        guard case .running = state.machine.withLock({ $0.lifecycle }) else { return false }
        let client = self.client
        let timeoutMs = timeout.kafkaMilliseconds
        return await RDKafkaBlocking.run {
            (try? client.withMetadata(allTopics: false, timeoutMs: timeoutMs) { $0.pointee.broker_cnt > 0 }) ?? false
        }
    }

    /// Waits for graceful shutdown (or cancellation), then flushes (up to `deliveryTimeout`), fails what
    /// is left, and stops the poll thread.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Flushes and closes now. Idempotent; `run()` calls it on graceful shutdown.
    public func shutdown() async {
        guard state.machine.withLock({ $0.beginClosing() }) else {
            await pollLoop.waitForExit()
            return
        }
        let client = self.client
        let timeoutMs = configuration.deliveryTimeout.kafkaMilliseconds
        logger.debug("flushing producer", metadata: ["kafka.outq": "\(client.outQueueLength)"])
        let flushed = await RDKafkaBlocking.run { () -> Bool in
            if client.flush(timeoutMs: timeoutMs) { return true }
            // Fail what is left with a purge error rather than abandoning the waiting senders.
            client.purgeAll()
            _ = client.flush(timeoutMs: 1000)
            return false
        }
        if !flushed {
            logger.warning("producer shut down with undelivered records", metadata: ["kafka.outq": "\(client.outQueueLength)"])
        }
        pollLoop.requestStop()
        await pollLoop.waitForExit()
        let abandoned = state.machine.withLock { $0.close() }
        for continuation in abandoned {
            continuation.resume(returning: .failure(.closed("producer")))
        }
        logger.debug("producer closed")
    }
}
