import Kafka
package import Logging
import ServiceLifecycle

/// Publishes spooled records to Kafka in spool order and acknowledges them to the spool, which
/// then deletes fully published segments.
///
/// A batch is sent in waves in which every key appears at most once, so records of one message
/// (same key) reach Kafka in spool order even though a wave is sent concurrently. A failed wave
/// is retried with backoff; waves already acked are not re-sent. On graceful shutdown the current
/// wave finishes and the rest stays in the spool for the next start.
package final class SpoolDrainer: Service {
    /// Flag/env: none (tuning constants with documented defaults).
    package struct Configuration: Sendable {
        /// Records read from the spool per batch; default 512.
        package var batchSize: Int
        /// Poll interval while the spool is empty; default 100 ms.
        package var idlePoll: Duration
        /// First retry delay after a failed wave, doubled up to `maxBackoff`; default 250 ms.
        package var initialBackoff: Duration
        /// Default 5 s.
        package var maxBackoff: Duration

        package init(
            batchSize: Int = 512, idlePoll: Duration = .milliseconds(100),
            initialBackoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(5)
        ) {
            self.batchSize = batchSize
            self.idlePoll = idlePoll
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }
    }

    private let spool: Spool
    private let sender: any MessageSending
    private let configuration: Configuration
    private let metrics: IngressMetrics?
    private let logger: Logger

    package init(spool: Spool, sender: any MessageSending, configuration: Configuration = .init(), metrics: IngressMetrics?, logger: Logger) {
        self.spool = spool
        self.sender = sender
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.drainLoop()
        }
    }

    private func drainLoop() async {
        var backoff = configuration.initialBackoff
        while !Task.isCancelled {
            let batch: Spool.Batch?
            do {
                batch = try await spool.readBatch(maxRecords: configuration.batchSize)
            } catch {
                logger.error("reading the spool failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: configuration.maxBackoff)
                continue
            }
            guard let batch, !batch.records.isEmpty else {
                try? await Task.sleep(for: configuration.idlePoll)
                continue
            }
            var remaining = batch.records[...]
            while !remaining.isEmpty {
                let wave = Self.nextWave(remaining)
                // On shutdown, stop waiting for delivery reports: the records stay in the spool.
                guard let failures = await unlessCancelled({ await self.publish(wave) }) else { return }
                if failures == 0 {
                    remaining = remaining.dropFirst(wave.count)
                    backoff = configuration.initialBackoff
                    continue
                }
                if Task.isCancelled { return }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, configuration.maxBackoff)
                if Task.isCancelled { return }
            }
            spool.acknowledge(batch)
            logger.debug("spooled records published", metadata: ["records": "\(batch.records.count)"])
        }
    }

    /// The longest prefix in which no key repeats.
    static func nextWave(_ records: ArraySlice<SpoolRecord>) -> ArraySlice<SpoolRecord> {
        var keys = Set<[UInt8]>()
        var end = records.startIndex
        while end < records.endIndex {
            if let key = records[end].key, !keys.insert(key).inserted { break }
            end += 1
        }
        return records[records.startIndex..<end]
    }

    /// Sends a wave concurrently; returns how many failed (each to be retried).
    private func publish(_ wave: ArraySlice<SpoolRecord>) async -> Int {
        await withTaskGroup(of: (any Error)?.self) { group in
            for record in wave {
                group.addTask {
                    do {
                        _ = try await self.sender.send(record.kafkaMessage)
                        self.metrics?.drained.increment()
                        return nil
                    } catch let error as KafkaError where error.code == .messageTooLarge {
                        // Kafka will never take it; retrying forever would block the spool.
                        self.metrics?.drainDropped.increment()
                        self.logger.error(
                            "spooled record permanently rejected by Kafka; dropped",
                            metadata: ["topic": "\(record.topic)", "error": "\(error)"]
                        )
                        return nil
                    } catch {
                        self.metrics?.drainFailures.increment()
                        return error
                    }
                }
            }
            var failures = 0
            var first: (any Error)?
            for await error in group {
                guard let error else { continue }
                failures += 1
                if first == nil { first = error }
            }
            if let first {
                self.logger.warning(
                    "publishing spooled records failed; will retry",
                    metadata: ["failed": "\(failures)", "wave": "\(wave.count)", "error": "\(first)"]
                )
            }
            return failures
        }
    }
}
