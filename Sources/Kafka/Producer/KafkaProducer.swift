public import Logging
public import ServiceLifecycle
import Synchronization

/// An idempotent (`acks=all`) Kafka producer.
///
/// `send` resumes when that record's delivery report arrives. Delivery reports are served by a dedicated
/// thread blocking in `rd_kafka_poll`, so a report is handed over as soon as librdkafka has it.
/// Run it in a `ServiceGroup`: `run()` waits for graceful shutdown, then flushes and closes.
///
/// The librdkafka handle is replaced (new connections and producer id) after a fatal error, or when
/// deliveries keep timing out while the brokers answer: an idempotent producer whose broker lost its
/// producer state (e.g. an in-memory broker) otherwise never recovers. ``clientGeneration`` counts replacements.
public final class KafkaProducer: Service, Sendable {
    public let configuration: KafkaProducerConfiguration
    private let logger: Logger
    private let state: SharedState
    private let context: RDKafkaCallbackContext
    private let current: Mutex<Generation>

    /// One librdkafka handle and the thread polling it.
    private struct Generation {
        let id: Int
        let client: RDKafkaClient
        let pollLoop: RDKafkaPollLoop
    }

    /// Shared by the producer and its delivery-report callback (which must not capture a client).
    private final class SharedState: Sendable {
        let machine: Mutex<StateMachine>

        init(stallWindow: Duration) {
            machine = Mutex(StateMachine(stallWindow: stallWindow))
        }

        func deliver(id: UInt, result: Result<KafkaDeliveryReport, KafkaError>) {
            let continuation = machine.withLock { $0.delivered(id: id) }
            continuation?.resume(returning: result)
        }
    }

    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let state = SharedState(stallWindow: configuration.deliveryTimeout)
        self.state = state
        let context = RDKafkaCallbackContext(logger: logger) { id, result in
            state.deliver(id: id, result: result)
        }
        self.context = context
        current = Mutex(try Self.makeGeneration(id: 1, configuration: configuration, context: context, logger: logger))
    }

    private static func makeGeneration(
        id: Int, configuration: KafkaProducerConfiguration, context: RDKafkaCallbackContext, logger: Logger
    ) throws(KafkaError) -> Generation {
        let client = try RDKafkaClient(kind: .producer, properties: configuration.properties, context: context, logger: logger)
        // The loop holds the client, so the handle is destroyed on that thread once the loop ends.
        let pollLoop = RDKafkaPollLoop(name: "kafka-producer-poll", body: {
            client.poll(timeoutMs: 100)
            return true
        }, onExit: {})
        return Generation(id: id, client: client, pollLoop: pollLoop)
    }

    deinit {
        _ = current.withLock { $0.pollLoop.requestStop() }
    }

    private var client: RDKafkaClient { current.withLock { $0.client } }

    /// How many librdkafka handles this producer has used (1 until the first replacement).
    public var clientGeneration: Int { current.withLock { $0.id } }

    /// Produces `message` and returns once the broker acknowledged it (all in-sync replicas).
    ///
    /// Throws ``KafkaError/Code/timedOut`` when it was not acknowledged within `deliveryTimeout`,
    /// ``KafkaError/Code/closed`` after shutdown began. Waits (up to `deliveryTimeout`) while the local queue
    /// is full. Cancelling the task does not withdraw the record: the call still waits for its outcome.
    public func send(_ message: KafkaProducerMessage) async throws(KafkaError) -> KafkaDeliveryReport {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: configuration.deliveryTimeout)
        while true {
            let result = await enqueueAndWait(message)
            if case .failure(let error) = result, error.code == .queueFull, clock.now < deadline {
                try? await Task.sleep(for: .milliseconds(5))
                continue
            }
            if let reason = state.machine.withLock({ $0.sendCompleted(result, now: clock.now) }) {
                Task { await self.replaceClient(reason: reason) }
            }
            return try result.get()
        }
    }

    private func enqueueAndWait(_ message: KafkaProducerMessage) async -> Result<KafkaDeliveryReport, KafkaError> {
        await withCheckedContinuation { (continuation: DeliveryContinuation) in
            // Registered before producing: the report can arrive on the poll thread before produce returns.
            // Produced under the generation lock (produceva does not block) so a handle being retired gets nothing new.
            let failure: KafkaError? = current.withLock { generation in
                switch state.machine.withLock({ $0.register(continuation, generation: generation.id) }) {
                case .fail(let error):
                    return error
                case .produce(let id):
                    guard let error = generation.client.produce(message, id: id) else { return nil }
                    return state.machine.withLock { $0.unregister(id: id) } != nil ? error : nil
                }
            }
            if let failure { continuation.resume(returning: .failure(failure)) }
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
            client.isBrokerReachable(timeoutMs: timeoutMs)
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
        let generation = current.withLock { $0 }
        guard state.machine.withLock({ $0.beginClosing() }) else {
            await generation.pollLoop.waitForExit()
            return
        }
        logger.debug("flushing producer", metadata: ["kafka.outq": "\(generation.client.outQueueLength)"])
        let drained = await Self.retire(generation, grace: configuration.deliveryTimeout)
        if !drained {
            logger.warning("producer shut down with undelivered records")
        }
        let abandoned = state.machine.withLock { $0.close() }
        for continuation in abandoned {
            continuation.resume(returning: .failure(.closed("producer")))
        }
        logger.debug("producer closed")
    }

    /// Flushes `generation` for up to `grace`, purges what is left (failing those sends), and stops its thread.
    private static func retire(_ generation: Generation, grace: Duration) async -> Bool {
        let client = generation.client
        let timeoutMs = grace.kafkaMilliseconds
        let drained = await RDKafkaBlocking.run { () -> Bool in
            if client.flush(timeoutMs: timeoutMs) { return true }
            client.purgeAll()
            _ = client.flush(timeoutMs: 1000)
            return false
        }
        generation.pollLoop.requestStop()
        await generation.pollLoop.waitForExit()
        return drained
    }

    private func replaceClient(reason: StateMachine.ReplaceReason) async {
        if case .stalled = reason, !(await isBrokerReachable(timeout: configuration.deliveryTimeout)) {
            // The brokers are down: a new handle would not help.
            state.machine.withLock { $0.replacementEnded(replaced: false) }
            return
        }
        let old: Generation
        do throws(KafkaError) {
            let nextID = current.withLock { $0.id } + 1
            let fresh = try Self.makeGeneration(id: nextID, configuration: configuration, context: context, logger: logger)
            let swapped: Generation? = current.withLock { generation in
                guard case .running = state.machine.withLock({ $0.lifecycle }) else { return nil }
                defer { generation = fresh }
                return generation
            }
            guard let swapped else {
                fresh.pollLoop.requestStop()
                state.machine.withLock { $0.replacementEnded(replaced: false) }
                return
            }
            old = swapped
        } catch {
            logger.error("cannot replace the Kafka producer handle", metadata: ["error": "\(error)"])
            state.machine.withLock { $0.replacementEnded(replaced: false) }
            return
        }
        state.machine.withLock { $0.replacementEnded(replaced: true) }
        logger.warning(
            "replaced the Kafka producer handle",
            metadata: ["reason": "\(reason)", "kafka.generation": "\(old.id + 1)"]
        )
        _ = await Self.retire(old, grace: configuration.deliveryTimeout)
        let abandoned = state.machine.withLock { $0.abandon(generation: old.id) }
        for continuation in abandoned {
            continuation.resume(returning: .failure(KafkaError(code: .purged, message: "the producer handle was replaced")))
        }
    }
}
