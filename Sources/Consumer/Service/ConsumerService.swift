import Foundation
package import Kafka
package import Logging
import ServiceLifecycle
import StatusEvents
import StatusRelayCore

/// The live consumer: drives the ``EventPipeline`` from a Kafka consumer group.
///
/// It feeds the pipeline the group's records in batches, its rebalances and a clock tick every
/// `tickInterval`; checkpoints write the message states to the state store and commit the group's
/// offsets (``GroupCheckpointer``); progress goes to ``ConsumerHealth`` (`/readyz` fails while a
/// partition makes no committed progress) and consumer lag is measured per partition. On revoke the
/// partition's buffered work is dropped uncommitted; its next owner restores the state and re-reads.
///
/// Run it in a `ServiceGroup` after the `KafkaConsumer` and `KafkaProducer` it uses (the group stops
/// services in reverse order, so this one flushes and commits before the consumer leaves the group).
package final class ConsumerService: Service, Sendable {
    package let configuration: ConsumerServiceConfiguration
    package let health: ConsumerHealth
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer?
    private let admin: KafkaAdminClient?
    private let sinks: [any EventSink]
    private let stateStore: any StateStore
    private let logger: Logger
    private let metrics = ConsumerMetrics()
    private let progress: HealthProgress
    private let pipeline: EventPipeline

    /// - Parameters:
    ///   - producer: for the dead-letter topic; nil disables dead-lettering.
    ///   - admin: for the source topic's partition count (state store set-up) and lag; nil disables lag.
    package init(
        configuration: ConsumerServiceConfiguration,
        consumer: KafkaConsumer,
        producer: KafkaProducer?,
        admin: KafkaAdminClient?,
        sinks: [any EventSink],
        stateStore: any StateStore,
        health: ConsumerHealth = ConsumerHealth(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.consumer = consumer
        self.producer = producer
        self.admin = admin
        self.sinks = sinks
        self.stateStore = stateStore
        self.health = health
        self.logger = logger
        self.progress = HealthProgress(health: health)
        self.pipeline = EventPipeline(
            configuration: configuration, sinks: sinks,
            source: GroupRecordSource(consumer: consumer, topic: configuration.topic),
            checkpointer: GroupCheckpointer(stateStore: stateStore, consumer: consumer),
            progress: progress, producer: producer, metrics: metrics, logger: logger
        )
        health.setStallTimeout(configuration.stallTimeout)
    }

    package func run() async throws {
        do {
            for sink in sinks { try await sink.start() }
            let partitions = try await admin?.partitions(of: configuration.topic) ?? []
            try await stateStore.start(sourcePartitions: partitions)
            if let admin, producer != nil, let topic = configuration.deadLetterTopic, !topic.isEmpty {
                // Created up front so a dead letter never waits on topic auto-creation (often disabled).
                try await admin.createTopic(topic, partitions: Int32(max(1, partitions.count)))
            }
        } catch {
            health.update { $0.stopped = true; $0.lastError = "\(error)" }
            logger.error("consumer start-up failed", metadata: ["error": "\(error)"])
            throw error
        }
        health.update { $0.started = true }
        logger.info(
            "consumer pipeline started",
            metadata: [
                "topic": "\(configuration.topic)", "sinks": "\(sinks.map(\.name))",
                "reorder_window": "\(DurationFormat.format(configuration.reorder.window))",
            ]
        )

        var failure: (any Error)?
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.readMessages() }
                group.addTask { await self.forwardRebalances() }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.configuration.tickInterval)
                        if !(await self.pipeline.send(.tick)) { return }
                    }
                }
                if admin != nil {
                    group.addTask { await self.measureLag() }
                }
                do {
                    _ = try await pipeline.run()
                } catch {
                    failure = error
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.pipeline.stop()
        }
        for sink in sinks {
            do { try await sink.shutdown() } catch {
                logger.warning("sink shutdown failed", metadata: ["sink": "\(sink.name)", "error": "\(error)"])
            }
        }
        health.update { $0.stopped = true }
        if let failure {
            health.update { $0.lastError = "\(failure)" }
            logger.error("consumer pipeline failed", metadata: ["error": "\(failure)"])
            throw failure
        }
        logger.info("consumer pipeline stopped")
    }

    private func readMessages() async {
        var iterator = consumer.messages.makeAsyncIterator()
        do {
            while let messages = try await iterator.nextBatch(maxCount: EventPipeline.readBatchSize) {
                if !(await pipeline.send(messages)) { return }
            }
            // The consumer closed: end the pipeline.
            pipeline.finish()
        } catch {
            await pipeline.send(.readerFailed(error))
        }
    }

    private func forwardRebalances() async {
        for await event in consumer.events {
            let delivered: Bool
            switch event {
            case .partitionsAssigned(let partitions):
                delivered = await pipeline.send(.assigned(partitions.filter { $0.topic == configuration.topic }.map(\.partition)))
            case .partitionsRevoked(let partitions):
                delivered = await pipeline.send(.revoked(Set(partitions.filter { $0.topic == configuration.topic }.map(\.partition))))
            }
            if !delivered { return }
        }
    }

    private func measureLag() async {
        guard let admin else { return }
        while !Task.isCancelled {
            let current = progress.positions.withLock { $0 }
            for (partition, position) in current {
                if let (_, high) = try? await admin.watermarks(topic: configuration.topic, partition: partition) {
                    metrics.lag(partition: partition).record(max(0, high - position))
                }
            }
            try? await Task.sleep(for: configuration.lagInterval)
        }
    }
}
