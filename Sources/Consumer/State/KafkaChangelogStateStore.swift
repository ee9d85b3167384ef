import Foundation
package import Kafka
package import Logging
import StatusRelayCore

/// Keeps message states in a compacted changelog topic (`<topic>.state.<group>` by default), keyed by
/// MessageSid and co-partitioned with the source topic: the state of a message read from source
/// partition p lives in changelog partition p, so a consumer restores exactly the partitions it was
/// assigned, by reading them from the beginning to the high watermark.
///
/// Why a changelog rather than the database sink's transaction: it works with every sink
/// combination (JSONL, HTTP and Kafka sinks have no transactions), keeps sinks independent of the
/// reorderer, and restore cost is bounded by compaction (one record per message).
package struct KafkaChangelogStateStore: StateStore {
    package struct Configuration: Sendable {
        /// The changelog topic. Default `<source topic>.state.<group>`. Flag `--state-topic`, env `STATUSRELAY_STATE_TOPIC`.
        package var topic: String
        /// Broker list for the restore reader. Same as `--brokers`.
        package var bootstrapServers: [String]
        /// Raw librdkafka settings for the restore reader (`--kafka-config`).
        package var additional: [String: String]
        /// Replication factor when the topic is created (-1: broker default).
        package var replicationFactor: Int16
        /// Give up a restore that has not reached the high watermark after this long. Default 120 s.
        package var restoreTimeout: Duration

        package init(
            topic: String,
            bootstrapServers: [String],
            additional: [String: String] = [:],
            replicationFactor: Int16 = -1,
            restoreTimeout: Duration = .seconds(120)
        ) {
            self.topic = topic
            self.bootstrapServers = bootstrapServers
            self.additional = additional
            self.replicationFactor = replicationFactor
            self.restoreTimeout = restoreTimeout
        }
    }

    package let configuration: Configuration
    private let producer: KafkaProducer
    private let admin: KafkaAdminClient
    private let logger: Logger

    package init(configuration: Configuration, producer: KafkaProducer, admin: KafkaAdminClient, logger: Logger) {
        self.configuration = configuration
        self.producer = producer
        self.admin = admin
        self.logger = logger
    }

    package func start(sourcePartitions: [Int32]) async throws {
        let count = Int32(sourcePartitions.count)
        try await admin.createTopic(
            configuration.topic, partitions: max(1, count), replicationFactor: configuration.replicationFactor,
            configs: ["cleanup.policy": "compact"]
        )
        let existing = try await admin.partitions(of: configuration.topic)
        if existing.count < sourcePartitions.count {
            throw StateStoreError(
                code: .notCoPartitioned,
                message: "state topic \(configuration.topic) has \(existing.count) partitions, the source topic \(sourcePartitions.count); they must match"
            )
        }
    }

    package func restore(partitions: [Int32]) async throws -> [Int32: [String: MessageState]] {
        var result: [Int32: [String: MessageState]] = [:]
        var start: [KafkaTopicPartitionOffset] = []
        var ends: [Int32: Int64] = [:]
        for partition in partitions {
            result[partition] = [:]
            let (low, high) = try await admin.watermarks(topic: configuration.topic, partition: partition)
            if high > low {
                start.append(KafkaTopicPartitionOffset(topic: configuration.topic, partition: partition, offset: low))
                ends[partition] = high
            }
        }
        if start.isEmpty { return result }

        let began = ContinuousClock.now
        let reader = try KafkaConsumer(
            assignment: start,
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: configuration.bootstrapServers,
                groupID: "statusrelay-state-restore",
                topics: [],
                clientID: "statusrelay-state-restore",
                additional: configuration.additional.filter { !$0.key.hasPrefix("group.") }
            ),
            logger: logger
        )
        let timeout = configuration.restoreTimeout
        let initial = result
        let targets = ends
        typealias Restored = (states: [Int32: [String: MessageState]], records: Int)
        let (outcome, records): Restored = try await withThrowingTaskGroup(of: Restored?.self) { group in
            group.addTask { try await reader.run(); return nil }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw StateStoreError(code: .restoreTimedOut, message: "state restore of \(partitions) did not finish within \(DurationFormat.format(timeout))")
            }
            group.addTask {
                var states = initial
                var remaining = targets
                var records = 0
                let decoder = JSONDecoder()
                for try await message in reader.messages {
                    guard let end = remaining[message.partition] else { continue }
                    if let key = message.key, let sid = String(validating: key, as: UTF8.self) {
                        if message.value.isEmpty {
                            states[message.partition]?[sid] = nil
                        } else if let state = try? decoder.decode(MessageState.self, from: Data(message.value)) {
                            states[message.partition]?[sid] = state
                        }
                        records += 1
                    }
                    if message.offset + 1 >= end { remaining[message.partition] = nil }
                    if remaining.isEmpty { break }
                }
                return (states, records)
            }
            defer { group.cancelAll() }
            while let value = try await group.next() {
                if let value { return value }
            }
            throw StateStoreError(code: .restoreFailed, message: "state restore reader stopped early")
        }
        try? await reader.close()
        logger.info(
            "restored message state",
            metadata: [
                "partitions": "\(partitions.sorted())", "records": "\(records)",
                "messages": "\(outcome.values.reduce(0) { $0 + $1.count })",
                "duration": "\(ContinuousClock.now - began)",
            ]
        )
        return outcome
    }

    package func write(_ states: [Int32: [String: MessageState]], deleting: [Int32: [String]]) async throws {
        // One record per message; their order does not matter (each message has one per write).
        var records: [KafkaProducerMessage] = []
        records.reserveCapacity(states.values.reduce(0) { $0 + $1.count } + deleting.values.reduce(0) { $0 + $1.count })
        // Tombstones: compaction then forgets the message; restore treats them as deletions.
        for (partition, sids) in deleting {
            for sid in sids {
                records.append(KafkaProducerMessage(
                    topic: configuration.topic, key: Array(sid.utf8), value: [], headers: [], partition: partition
                ))
            }
        }
        for (partition, byMessage) in states {
            for (sid, state) in byMessage {
                records.append(KafkaProducerMessage(
                    topic: configuration.topic, key: Array(sid.utf8), value: state.jsonBytes(), headers: [],
                    partition: partition
                ))
            }
        }
        try await producer.sendAll(records)
    }
}
