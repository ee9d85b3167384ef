import Kafka
package import Logging
package import NIOCore
import NIOPosix
import StatusRelayCore
import Synchronization

/// Makes an event durable: Kafka first (acks=all) within a deadline, otherwise the local spool.
///
/// After a Kafka timeout or failure the publisher stays "degraded" for `degradedHold` and sends
/// straight to the spool, so an outage costs callers one deadline, not one per request. A
/// message that timed out stays queued in the producer and may reach Kafka too: its spooled
/// copy carries the same event id.
package final class EventPublisher: Sendable {
    package struct Configuration: Sendable {
        /// How long to wait for the Kafka ack before spooling instead.
        /// Flag `--publish-timeout`, env `STATUSRELAY_PUBLISH_TIMEOUT`; default 1 s.
        package var kafkaDeadline: Duration
        /// How long to bypass Kafka after it failed or timed out.
        /// Flag `--degraded-hold`, env `STATUSRELAY_DEGRADED_HOLD`; default 2 s.
        package var degradedHold: Duration
        /// Never send to Kafka directly (benchmarks of the spool path). Default false.
        package var forceSpool: Bool

        package init(kafkaDeadline: Duration = .seconds(1), degradedHold: Duration = .seconds(2), forceSpool: Bool = false) {
            self.kafkaDeadline = kafkaDeadline
            self.degradedHold = degradedHold
            self.forceSpool = forceSpool
        }
    }

    /// Where an event became durable.
    package enum Path: String, Sendable {
        case kafka
        case spool
    }

    private let sender: any MessageSending
    private let spool: Spool
    private let configuration: Configuration
    private let metrics: IngressMetrics
    private let logger: Logger
    private let degradedUntil = Mutex<ContinuousClock.Instant?>(nil)
    private let deadlines: PublishDeadlines
    private let kafkaDeadline: TimeAmount

    package init(
        sender: any MessageSending, spool: Spool, configuration: Configuration, metrics: IngressMetrics, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.sender = sender
        self.spool = spool
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.deadlines = PublishDeadlines(eventLoop: eventLoopGroup.any())
        self.kafkaDeadline = .nanoseconds(configuration.kafkaDeadline.nanoseconds)
    }

    /// Returns once the record is durable in Kafka or the spool; throws `unavailable` otherwise.
    package func publish(_ record: SpoolRecord) async throws(IngressError) -> Path {
        let start = ContinuousClock.now
        if !configuration.forceSpool, !isDegraded(now: start) {
            switch await sendWithDeadline(record.kafkaMessage) {
            case .acked:
                metrics.publishedKafka.increment()
                metrics.publishLatencyKafka.record(ContinuousClock.now - start)
                return .kafka
            case .timedOut:
                enterDegraded(reason: "Kafka did not ack within \(DurationFormat.format(configuration.kafkaDeadline))")
            case .failed(let error):
                enterDegraded(reason: "\(error)")
            }
        }
        do {
            try await spool.append(record)
        } catch {
            metrics.unavailable.increment()
            logger.error("event could not be made durable: Kafka unavailable and spool refused it", metadata: ["error": "\(error)"])
            throw IngressError(code: .unavailable, message: "Kafka is unavailable and the local spool cannot take the event (\(error.code))")
        }
        metrics.publishedSpool.increment()
        metrics.publishLatencySpool.record(ContinuousClock.now - start)
        return .spool
    }

    private func isDegraded(now: ContinuousClock.Instant) -> Bool {
        degradedUntil.withLock { until in
            guard let deadline = until else { return false }
            if now < deadline { return true }
            until = nil
            return false
        }
    }

    private func enterDegraded(reason: String) {
        let wasHealthy = degradedUntil.withLock { until in
            defer { until = .now + configuration.degradedHold }
            return until == nil
        }
        if wasHealthy {
            logger.warning("Kafka publish failed; spooling events", metadata: ["reason": "\(reason)"])
        }
    }

    enum SendOutcome: Sendable {
        case acked
        case timedOut
        case failed(any Error)
    }

    /// Races the producer's delivery report against the deadline. The send itself is not
    /// cancelled on timeout: librdkafka keeps the message and may still deliver it.
    private func sendWithDeadline(_ message: KafkaProducerMessage) async -> SendOutcome {
        let sender = self.sender
        let deadline = NIODeadline.now() + kafkaDeadline
        let once = ResumeOnce<SendOutcome>()
        deadlines.add(once, deadline: deadline)
        sender.send(message) { result in
            switch result {
            case .success: once.resume(.acked)
            case .failure(let error): once.resume(.failed(error))
            }
        }
        return await once.value()
    }
}
