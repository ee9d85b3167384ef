import AsyncHTTPClient
import Foundation
import Kafka
package import Logging
import ServiceLifecycle
import StatusRelayCore
import Synchronization

/// Wires `statusrelay reconcile`: the Twilio client, the producer (not in a dry run), the
/// reconciler, and for `--every` the service group with the admin server.
package enum ReconcileApplication {
    /// One pass, with a progress bar on stderr when `showProgress`.
    package static func runOnce(
        configuration: ReconcileCommandConfiguration, showProgress: Bool, logger: Logger
    ) async throws(ReconcileError) -> ReconcileSummary {
        let client = TwilioAPIClient(configuration: configuration.api, credentials: configuration.credentials, logger: logger)
        let reporter = Mutex(ReplayProgressReporter(total: 0, enabled: showProgress, unit: "messages"))
        let progress: @Sendable (Int, Int) -> Void = { done, total in
            reporter.withLock { reporter in
                if reporter.total != Int64(total) { reporter = ReplayProgressReporter(total: Int64(total), enabled: showProgress, unit: "messages") }
                reporter.update(done: Int64(done))
            }
        }
        defer { reporter.withLock { $0.finish(done: $0.lastDone) } }
        do {
            let summary = try await withProducer(configuration: configuration, logger: logger) { publisher throws(ReconcileError) in
                try await Reconciler(
                    configuration: configuration.reconcile, client: client, publisher: publisher, logger: logger, progress: progress
                ).run()
            }
            await client.shutdown()
            return summary
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// `--every`: passes until SIGTERM/SIGINT, with `/healthz`, `/readyz` and `/metrics`.
    package static func runService(
        configuration: ReconcileCommandConfiguration, interval: Duration, logger: Logger,
        onAdminRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let registry = MetricsBootstrap.bootstrap(service: "reconcile", catalog: ReconcileMetricCatalog.catalog)
        let client = TwilioAPIClient(configuration: configuration.api, credentials: configuration.credentials, logger: logger)
        let health = ReconcileHealth()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var publisher: KafkaReconcilePublisher?
        if !configuration.reconcile.dryRun {
            let producer = try KafkaProducer(configuration: configuration.producer, logger: logger)
            services.append(.init(service: producer, serviceName: "kafka-producer"))
            publisher = KafkaReconcilePublisher(producer: producer, topic: configuration.topic)
        }
        let reconciler = Reconciler(configuration: configuration.reconcile, client: client, publisher: publisher, logger: logger)
        let service = ReconcileService(
            configuration: .init(interval: interval), reconciler: reconciler, health: health, metrics: ReconcileMetrics(), logger: logger
        )
        let admin = ReconcileAdminServer.make(
            host: configuration.adminListen.host, port: configuration.adminListen.port, health: health, registry: registry,
            logger: logger
        ) { port in
            logger.info("admin server listening", metadata: ["address": "\(configuration.adminListen.host):\(port)"])
            await onAdminRunning(port)
        }
        // The reconciler ends first, then the admin server, then the producer (flushes last).
        services.append(.init(service: admin, serviceName: "admin"))
        services.append(.init(service: service, serviceName: "reconcile"))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await group.run()
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// Runs `body` with a Kafka publisher whose producer runs alongside; nil in a dry run.
    private static func withProducer(
        configuration: ReconcileCommandConfiguration, logger: Logger,
        _ body: @Sendable @escaping (KafkaReconcilePublisher?) async throws(ReconcileError) -> ReconcileSummary
    ) async throws(ReconcileError) -> ReconcileSummary {
        if configuration.reconcile.dryRun { return try await body(nil) }
        let producer: KafkaProducer
        do {
            producer = try KafkaProducer(configuration: configuration.producer, logger: logger)
        } catch {
            throw ReconcileError(code: .kafka, message: "producer: \(error)", underlying: error)
        }
        let publisher = KafkaReconcilePublisher(producer: producer, topic: configuration.topic)
        do {
            return try await withThrowingTaskGroup(of: ReconcileSummary?.self) { group in
                group.addTask {
                    try await producer.run()
                    return nil
                }
                defer { group.cancelAll() }
                return try await body(publisher)
            }
        } catch let error as ReconcileError {
            throw error
        } catch {
            throw ReconcileError(code: .kafka, message: "producer: \(error)", underlying: error)
        }
    }
}
