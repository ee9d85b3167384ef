import Foundation
import Hummingbird
import Kafka
package import Logging
import NIOCore
package import Prometheus
import ServiceLifecycle
package import UnixSignals
import StatusEvents
import StatusRelayCore
import Synchronization

/// The whole ingress: spool (recovered first), Kafka producer, spool drainer and HTTP server,
/// run as one `ServiceGroup`.
///
/// Shutdown (SIGTERM/SIGINT in the executable, `triggerGracefulShutdown()` in tests) runs in
/// reverse start order: the HTTP server stops accepting and finishes in-flight requests, the
/// drainer stops after its current wave, the producer flushes; the spool is closed last. Every
/// request answered 200 was durable (Kafka ack or spool fsync) before its response was written.
package final class IngressServer: Sendable {
    package let configuration: IngressConfiguration
    private let logger: Logger
    private let registry: PrometheusCollectorRegistry
    private let group = Mutex<ServiceGroup?>(nil)
    private let listening: AsyncStream<Int>.Continuation
    /// Yields the bound port once the HTTP server listens (useful with port 0).
    package let listeningPorts: AsyncStream<Int>

    package init(configuration: IngressConfiguration, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        (listeningPorts, listening) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Waits until the server listens and returns its port.
    package func waitUntilListening() async -> Int? {
        for await port in listeningPorts { return port }
        return nil
    }

    /// Starts a graceful shutdown of a running server.
    package func triggerGracefulShutdown() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// Runs until graceful shutdown (or a service fails). `signals` trigger graceful shutdown.
    package func run(gracefulShutdownSignals signals: [UnixSignal] = []) async throws {
        defer { listening.finish() }
        let configuration = self.configuration
        if configuration.createTopic { await createTopics() }

        let spool = try await Spool.open(configuration: configuration.spool, logger: logger)
        do {
            try await runServices(spool: spool, signals: signals)
        } catch {
            await spool.close()
            throw error
        }
        await spool.close()
        logger.info("ingress stopped", metadata: ["spooledRecords": "\(spool.statistics.records)"])
    }

    private func runServices(spool: Spool, signals: [UnixSignal]) async throws {
        let configuration = self.configuration
        let metrics = IngressMetrics(registry: registry, spoolMaxBytes: configuration.spool.maxBytes)
        var producerLogger = logger
        producerLogger[metadataKey: "component"] = "kafka-producer"
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: configuration.brokers,
                clientID: "statusrelay-ingress-\(configuration.nodeID)",
                deliveryTimeout: configuration.shutdownTimeout,
                linger: configuration.kafkaLinger,
                compression: configuration.kafkaCompression,
                additional: configuration.kafkaConfig
            ),
            logger: producerLogger
        )
        let publisher = EventPublisher(
            sender: producer, spool: spool, configuration: configuration.publisher, metrics: metrics, logger: logger
        )
        let drainer = SpoolDrainer(spool: spool, sender: producer, metrics: metrics, logger: logger)

        let listening = self.listening
        let logger = self.logger
        let application = try IngressApplication.buildApplication(
            configuration: configuration,
            dependencies: .init(
                publisher: publisher,
                metrics: metrics,
                brokerReachable: { await producer.isBrokerReachable(timeout: .milliseconds(500)) },
                spoolHasRoom: { spool.hasRoom },
                refreshGauges: {
                    let statistics = spool.statistics
                    metrics.spoolRecords.set(Double(statistics.records))
                    metrics.spoolBytes.set(Double(statistics.bytes))
                    let age = statistics.oldestTimestampMs.map { max(0, Double(CallbackHandler.nowMilliseconds() - $0) / 1000) } ?? 0
                    metrics.spoolOldestAge.set(age)
                    metrics.producerQueueLength.set(Double(producer.outQueueLength))
                }
            ),
            logger: logger,
            onServerRunning: { port in
                logger.notice(
                    "statusrelay-ingress listening",
                    metadata: [
                        "address": "\(configuration.listen.host):\(port)", "topic": "\(configuration.topic)",
                        "tls": "\(configuration.tlsCertificatePath != nil)", "node": "\(configuration.nodeID)",
                        "public_url": "\(configuration.publicURL.map { SecretRedaction.redact(url: $0) } ?? "from the Host header")",
                    ]
                )
                listening.yield(port)
            }
        )

        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: producer, serviceName: "kafka-producer"),
                    .init(service: drainer, serviceName: "spool-drainer"),
                    .init(service: application, serviceName: "http-server"),
                ],
                gracefulShutdownSignals: signals,
                cancellationSignals: [],
                logger: logger
            )
        )
        self.group.withLock { $0 = group }
        defer { self.group.withLock { $0 = nil } }
        try await group.run()
    }

    private func createTopics() async {
        do {
            let admin = try KafkaAdminClient(
                bootstrapServers: configuration.brokers, additional: configuration.kafkaConfig, timeout: .seconds(15), logger: logger
            )
            for topic in [configuration.topic, configuration.effectiveDeadLetterTopic] {
                try await admin.createTopic(topic, partitions: Int32(configuration.topicPartitions))
                logger.info("topic ready", metadata: ["topic": "\(topic)"])
            }
        } catch {
            logger.warning("could not create topics; continuing (events spool until Kafka is reachable)", metadata: ["error": "\(error)"])
        }
    }
}
