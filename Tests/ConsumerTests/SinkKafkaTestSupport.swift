import Foundation
import Kafka
import Logging
import TestSupport

/// Kafka plumbing for the sink tests: a running producer, topic creation, and reading records back.
enum SinkKafkaTestSupport {
    /// Runs `body` with a producer on the shared broker whose `run()` is active meanwhile.
    static func withProducer<T: Sendable>(_ body: @Sendable (KafkaProducer) async throws -> T) async throws -> T {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: try TestEnvironment.bootstrapServers, clientID: "sink-tests",
                deliveryTimeout: .seconds(20)
            ),
            logger: Logger(label: "sink-tests.producer")
        )
        let runner = Task { try await producer.run() }
        do {
            let result = try await body(producer)
            await producer.shutdown()
            _ = await runner.result
            return result
        } catch {
            await producer.shutdown()
            _ = await runner.result
            throw error
        }
    }

    static func createTopic(_ name: String, partitions: Int32 = 1) async throws {
        let admin = try KafkaAdminClient(
            bootstrapServers: try TestEnvironment.bootstrapServers, additional: [:], logger: Logger(label: "sink-tests.admin")
        )
        try await admin.createTopic(name, partitions: partitions)
    }

    /// Reads `topic` from the beginning of every partition until `count` records arrived.
    static func readRecords(topic: String, partitions: Int32 = 1, count: Int, timeout: Duration = .seconds(60))
        async throws -> [KafkaConsumerMessage]
    {
        let consumer = try KafkaConsumer(
            assignment: (0..<partitions).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: 0) },
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: try TestEnvironment.bootstrapServers,
                groupID: TestEnvironment.uniqueName("sink-reader"),
                additional: TestEnvironment.consumerTuning
            ),
            logger: Logger(label: "sink-tests.consumer")
        )
        let runner = Task { try await consumer.run() }
        defer { runner.cancel() }
        return try await withThrowingTaskGroup(of: [KafkaConsumerMessage].self) { group in
            group.addTask {
                var records: [KafkaConsumerMessage] = []
                for try await record in consumer.messages {
                    records.append(record)
                    if records.count >= count { break }
                }
                return records
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw TestEnvironmentError("fewer than \(count) records on \(topic) after \(timeout)")
            }
            defer { group.cancelAll() }
            let records = try await group.next()!
            try? await consumer.close()
            return records
        }
    }

    static func header(_ record: KafkaConsumerMessage, _ key: String) -> String? {
        record.headers.first { $0.key == key }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}
