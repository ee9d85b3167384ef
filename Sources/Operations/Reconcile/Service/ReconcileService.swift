import Foundation
import Logging
import StatusRelayCore
import ServiceLifecycle

/// `statusrelay reconcile --every DURATION`: one reconciliation pass, then a wait, until shutdown.
/// A pass that stops (Twilio refused the credentials, the sink or Kafka failed) is logged, counted
/// and shown on `/readyz`; the service goes on with the next pass.
package struct ReconcileService: Service {
    /// - `interval`: time from the start of one pass to the start of the next (a longer pass is
    ///   followed at once by the next).
    package struct Configuration: Sendable {
        package var interval: Duration

        package init(interval: Duration) {
            self.interval = interval
        }
    }

    let configuration: Configuration
    let reconciler: Reconciler
    let health: ReconcileHealth
    let metrics: ReconcileMetrics
    let logger: Logger

    init(configuration: Configuration, reconciler: Reconciler, health: ReconcileHealth, metrics: ReconcileMetrics, logger: Logger) {
        self.configuration = configuration
        self.reconciler = reconciler
        self.health = health
        self.metrics = metrics
        self.logger = logger
    }

    package func run() async throws {
        defer { health.stopped() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                let summary = try await cancelWhenGracefulShutdown { try await reconciler.run() }
                metrics.record(summary, endedAt: Date().timeIntervalSince1970)
                health.passEnded(failure: nil)
                logger.info(
                    "reconciliation pass done",
                    metadata: [
                        "checked": "\(summary.checked)", "changed": "\(summary.changedTotal)", "unchanged": "\(summary.unchanged)",
                        "not_found": "\(summary.notFound)", "failed": "\(summary.failed)", "published": "\(summary.published)",
                    ]
                )
            } catch let error as ReconcileError {
                let elapsed = ContinuousClock.now - started
                metrics.recordFailure(error, durationSeconds: elapsed.seconds)
                health.passEnded(failure: error.description)
                logger.error("reconciliation pass stopped", metadata: ["error": "\(error)"])
            } catch {
                // Cancelled by the graceful shutdown.
                break
            }
            let next = started + configuration.interval
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(until: next, clock: .continuous) }
            } catch {
                break
            }
        }
    }
}
