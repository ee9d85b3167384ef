import Foundation
import Kafka
import Logging
import TestSupport

/// Kafka plumbing for the sink tests: a running producer, topic creation, and reading records back.
enum SinkKafkaTestSupport {
    /// Runs `body` with a producer on the shared broker whose `run()` is active meanwhile.
    static func withProducer<T: Sendable>(_ body: @Sendable (KafkaProducer) async throws -> T) async throws -> T {
        let producer = try KafkaProducer(
            configuration: try TestKafka.producerConfiguration(deliveryTimeout: .seconds(20)),
            logger: TestKafka.logger("sink-tests.producer")
        )
        let runner = Task { try await producer.run() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(producer))
        } catch {
            result = .failure(error)
        }
        runner.cancel()
        _ = await runner.result
        return try result.get()
    }

    static func createTopic(_ name: String, partitions: Int32 = 1) async throws {
        try await TestKafka.createTopic(name, partitions: partitions)
    }

    /// Reads `topic` from the beginning of every partition until `count` records arrived.
    static func readRecords(topic: String, partitions: Int32 = 1, count: Int) async throws -> [KafkaConsumerMessage] {
        let consumer = try KafkaConsumer(
            assignment: (0..<partitions).map {
                KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: KafkaTopicPartitionOffset.beginning)
            },
            configuration: try TestKafka.consumerConfiguration(topics: [topic]),
            logger: TestKafka.logger("sink-tests.consumer")
        )
        do {
            let records = try await TestKafka.collect(count, from: consumer)
            try await consumer.close()
            return records
        } catch {
            try? await consumer.close()
            throw error
        }
    }

    static func header(_ record: KafkaConsumerMessage, _ key: String) -> String? {
        record.headers.first { $0.key == key }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}
