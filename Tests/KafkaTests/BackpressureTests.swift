import Kafka
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(3))) struct BackpressureTests {
    /// A tiny buffer and a slow reader: fetching pauses and resumes, and every record still arrives once, in order.
    @Test func slowReaderGetsEveryRecordInOrder() async throws {
        let topic = try await TestKafka.makeTopic("backpressure", partitions: 2)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        let total = 400
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                group.addTask {
                    _ = try await producer.send(KafkaProducerMessage(topic: topic, value: Array("\(index)".utf8), partition: Int32(index % 2)))
                }
            }
            try await group.waitForAll()
        }
        await producer.shutdown()

        var configuration = try TestKafka.consumerConfiguration(topics: [topic])
        configuration.maxBufferedMessages = 8
        let consumer = try KafkaConsumer(configuration: configuration, logger: TestKafka.logger())
        var next: [Int32: Int64] = [0: 0, 1: 0]
        var count = 0
        for try await message in consumer.messages {
            #expect(message.offset == next[message.partition], "partition \(message.partition)")
            next[message.partition] = message.offset + 1
            count += 1
            if count % 25 == 0 { try await Task.sleep(for: .milliseconds(100)) }
            if count == total { break }
        }
        #expect(count == total)
        #expect(try await TestKafka.drain(consumer, for: .seconds(1)).isEmpty)
        try await consumer.close()
    }

    /// Cancelling run() closes the consumer and ends iteration.
    @Test func runEndsIterationOnShutdown() async throws {
        let topic = try await TestKafka.makeTopic("consumer-run", partitions: 1)
        let consumer = try KafkaConsumer(configuration: try TestKafka.consumerConfiguration(topics: [topic]), logger: TestKafka.logger())
        let running = Task { try await consumer.run() }
        var events = consumer.events.makeAsyncIterator()
        #expect(await events.next() == .partitionsAssigned([KafkaTopicPartition(topic: topic, partition: 0)]))
        let reader = Task { () -> Int in
            var count = 0
            for try await _ in consumer.messages { count += 1 }
            return count
        }
        running.cancel()
        try await running.value
        #expect(try await reader.value == 0)
        #expect(await events.next() == .partitionsRevoked([KafkaTopicPartition(topic: topic, partition: 0)]))
        #expect(await events.next() == nil)
        await #expect {
            try await consumer.commit([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 0)])
        } throws: { ($0 as? KafkaError)?.code == .closed }
    }
}
