public import Logging
public import ServiceLifecycle
import Synchronization

/// An idempotent (`acks=all`) Kafka producer.
///
/// `send` resumes when that record's delivery report arrives. Delivery reports are served by a dedicated
/// thread blocking in `rd_kafka_poll`, so a report is handed over as soon as librdkafka has it.
/// Run it in a `ServiceGroup`: `run()` waits for graceful shutdown, then flushes and closes.
///
/// The librdkafka handle is replaced (new connections and producer id) after a fatal error, e.g. a broker
/// that fenced our producer id or forgot it (`PRODUCER_FENCED`, `UNKNOWN_PRODUCER_ID` after a broker lost
/// its state), or when deliveries keep timing out while the brokers answer. Sends caught on the dying handle
/// are produced again on the new one (within `deliveryTimeout`), so a replacement costs callers latency, not
/// errors; a record may then be stored twice, as with any at-least-once retry. ``clientGeneration`` counts handles.
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

    /// True for the first call only.
    private final class ReportOnce: Sendable {
        private let done = Atomic<Bool>(false)
        func first() -> Bool { !done.exchange(true, ordering: .relaxed) }
    }

    /// Shared by the producer, its delivery-report callback and its poll threads (none of which may
    /// capture the producer or a client strongly).
    private final class SharedState: Sendable {
        let machine: Mutex<StateMachine>
        /// Set right after init: reports a handle's fatal error to the producer.
        let onFatalError = Mutex<(@Sendable (Int) -> Void)?>(nil)

        init(stallWindow: Duration) {
            machine = Mutex(StateMachine(stallWindow: stallWindow))
        }

        func deliver(id: UInt, result: Result<KafkaDeliveryReport, KafkaError>) {
            guard let pending = machine.withLock({ $0.delivered(id: id) }) else { return }
            pending.handler(result, pending.generation)
        }

        func fatalErrorRaised(generation: Int) {
            onFatalError.withLock { $0 }?(generation)
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
        current = Mutex(try Self.makeGeneration(id: 1, configuration: configuration, context: context, state: state, logger: logger))
        state.onFatalError.withLock {
            $0 = { [weak self] generation in self?.fatalErrorRaised(generation: generation) }
        }
    }

    private static func makeGeneration(
        id: Int, configuration: KafkaProducerConfiguration, context: RDKafkaCallbackContext, state: SharedState, logger: Logger
    ) throws(KafkaError) -> Generation {
        let client = try RDKafkaClient(kind: .producer, properties: configuration.properties, context: context, logger: logger)
        let reported = ReportOnce()
        // The loop holds the client, so the handle is destroyed on that thread once the loop ends.
        let pollLoop = RDKafkaPollLoop(name: "kafka-producer-poll", body: {
            client.poll(timeoutMs: 100)
            // A fatal error may come without any send failing (e.g. while the spool drainer backs off).
            if client.hasFatalError, reported.first() {
                state.fatalErrorRaised(generation: id)
            }
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
    /// is full or the handle is being replaced. Cancelling the task does not withdraw the record: the call
    /// still waits for its outcome.
    public func send(_ message: KafkaProducerMessage) async throws(KafkaError) -> KafkaDeliveryReport {
        try await sendResult(message, deadline: ContinuousClock.now.advanced(by: configuration.deliveryTimeout)).get()
    }

    /// ``send(_:)`` with a completion handler, called exactly once with the same outcome. A delivery report
    /// calls it on the producer's poll thread, so it must be quick (resume a continuation, count). For
    /// callers that race the ack against their own deadline: it saves wrapping `send` in a task.
    public func send(
        _ message: KafkaProducerMessage, completion: @escaping @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void
    ) {
        let deadline = ContinuousClock.now.advanced(by: configuration.deliveryTimeout)
        enqueue(message) { [self] result, generation in
            guard case .done = settle(result, generation: generation, deadline: deadline) else {
                // Rare: queue full or handle replaced. The async path waits and tries again.
                Task { completion(await self.sendResult(message, deadline: deadline)) }
                return
            }
            completion(result)
        }
    }

    private func sendResult(_ message: KafkaProducerMessage, deadline: ContinuousClock.Instant) async -> Result<KafkaDeliveryReport, KafkaError> {
        while true {
            let (result, generation) = await withCheckedContinuation { continuation in
                enqueue(message) { result, generation in continuation.resume(returning: (result, generation)) }
            }
            switch settle(result, generation: generation, deadline: deadline) {
            case .done:
                return result
            case .queueFull:
                try? await Task.sleep(for: .milliseconds(5))
            case .resend:
                guard await waitForNewerGeneration(than: generation, until: deadline) else { return result }
            }
        }
    }

    private enum Settlement {
        case done
        /// librdkafka's queue is full: wait a little and produce again.
        case queueFull
        /// The handle died under the record: produce it again on the next one.
        case resend
    }

    /// Records a send's outcome (starting a handle replacement when it calls for one) and says whether to
    /// try again before `deadline`.
    private func settle(
        _ result: Result<KafkaDeliveryReport, KafkaError>, generation: Int, deadline: ContinuousClock.Instant
    ) -> Settlement {
        let now = ContinuousClock.now
        guard case .failure(let error) = result else {
            _ = state.machine.withLock { $0.sendCompleted(result, generation: generation, now: now) }
            return .done
        }
        if error.code == .queueFull { return now < deadline ? .queueFull : .done }
        let (replace, resend) = state.machine.withLock {
            ($0.sendCompleted(result, generation: generation, now: now), $0.shouldResend(after: error, generation: generation))
        }
        if let replace {
            Task { await self.replaceClient(reason: replace, failedGeneration: generation) }
        }
        return resend && now < deadline ? .resend : .done
    }

    /// Waits until a handle newer than `generation` serves sends; false at `deadline` or on shutdown.
    private func waitForNewerGeneration(than generation: Int, until deadline: ContinuousClock.Instant) async -> Bool {
        while true {
            let (newest, running) = state.machine.withLock { machine -> (Int, Bool) in
                if case .running = machine.lifecycle { return (machine.generation, true) }
                return (machine.generation, false)
            }
            if newest > generation { return running }
            guard running, ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Registers `handler` and produces on the current handle. The handler is called exactly once: with the
    /// delivery report, or right here when the produce call itself fails.
    private func enqueue(_ message: KafkaProducerMessage, handler: @escaping DeliveryHandler) {
        var used = 0
        // Registered before producing: the report can arrive on the poll thread before produce returns.
        // Produced under the generation lock (produceva does not block) so a handle being retired gets nothing new.
        let failure: KafkaError? = current.withLock { generation in
            used = generation.id
            switch state.machine.withLock({ $0.register(handler, generation: generation.id) }) {
            case .fail(let error):
                return error
            case .produce(let id):
                guard let error = generation.client.produce(message, id: id) else { return nil }
                return state.machine.withLock { $0.unregister(id: id) } != nil ? error : nil
            }
        }
        if let failure { handler(.failure(failure), used) }
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
        for pending in abandoned {
            pending.handler(.failure(.closed("producer")), pending.generation)
        }
        logger.debug("producer closed")
    }

    /// Flushes `generation` for up to `grace` (not at all once it raised a fatal error: it will deliver
    /// nothing more), purges what is left (failing those sends), and stops its thread.
    private static func retire(_ generation: Generation, grace: Duration) async -> Bool {
        let client = generation.client
        let timeoutMs = grace.kafkaMilliseconds
        let drained = await RDKafkaBlocking.run { () -> Bool in
            if !client.hasFatalError, client.flush(timeoutMs: timeoutMs) { return true }
            client.purgeAll()
            _ = client.flush(timeoutMs: 1000)  // serves the purged records' delivery reports
            return false
        }
        generation.pollLoop.requestStop()
        await generation.pollLoop.waitForExit()
        return drained
    }

    private func fatalErrorRaised(generation: Int) {
        if let reason = state.machine.withLock({ $0.fatalErrorRaised(generation: generation) }) {
            Task { await self.replaceClient(reason: reason, failedGeneration: generation) }
        }
    }

    /// Swaps in a new handle, then retires the old one at once: its pending sends fail as purged and
    /// `send` produces them again on the new handle.
    private func replaceClient(reason: StateMachine.ReplaceReason, failedGeneration: Int) async {
        if case .stalled = reason, !(await isBrokerReachable(timeout: configuration.deliveryTimeout)) {
            // The brokers are down: a new handle would not help.
            state.machine.withLock { $0.replacementEnded(newGeneration: nil) }
            return
        }
        let underlying = current.withLock { $0.id == failedGeneration ? $0.client.fatalError : nil }
        let old: Generation
        do throws(KafkaError) {
            let fresh = try Self.makeGeneration(
                id: failedGeneration + 1, configuration: configuration, context: context, state: state, logger: logger
            )
            let swapped: Generation? = current.withLock { generation in
                let stillCurrent = state.machine.withLock { machine -> Bool in
                    guard case .running = machine.lifecycle, generation.id == failedGeneration else { return false }
                    machine.replacementEnded(newGeneration: fresh.id)
                    return true
                }
                guard stillCurrent else { return nil }
                defer { generation = fresh }
                return generation
            }
            guard let swapped else {
                fresh.pollLoop.requestStop()
                state.machine.withLock { $0.replacementEnded(newGeneration: nil) }
                return
            }
            old = swapped
        } catch {
            logger.error("cannot replace the Kafka producer handle", metadata: ["error": "\(error)"])
            state.machine.withLock { $0.replacementEnded(newGeneration: nil) }
            return
        }
        var metadata: Logger.Metadata = [
            "reason": "\(reason)", "kafka.generation": "\(old.id + 1)", "kafka.outq": "\(old.client.outQueueLength)",
        ]
        if let underlying { metadata["error"] = "\(underlying)" }
        logger.warning("replaced the Kafka producer handle", metadata: metadata)
        _ = await Self.retire(old, grace: .zero)
        let abandoned = state.machine.withLock { $0.abandon(generation: old.id) }
        for handler in abandoned {
            handler(.failure(KafkaError(code: .purged, message: "the producer handle was replaced")), old.id)
        }
    }
}
