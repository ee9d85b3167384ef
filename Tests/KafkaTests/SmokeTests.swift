import Kafka
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(3))) struct SmokeTests {
    @Test func produceAndConsumeOne() async throws {
        let topic = try await TestKafka.makeTopic("smoke", partitions: 1)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        let report = try await producer.send(
            KafkaProducerMessage(topic: topic, key: Array("k".utf8), value: Array("v".utf8), headers: [KafkaHeader(key: "h", string: "1")])
        )
        #expect(report.topic == topic)
        #expect(report.offset == 0)
        let consumer = try KafkaConsumer(configuration: try TestKafka.consumerConfiguration(topics: [topic]), logger: TestKafka.logger())
        var iterator = consumer.messages.makeAsyncIterator()
        let message = try await iterator.next()
        #expect(message?.value == Array("v".utf8))
        #expect(message?.headers == [KafkaHeader(key: "h", string: "1")])
        try await consumer.close()
        await producer.shutdown()
    }
}
