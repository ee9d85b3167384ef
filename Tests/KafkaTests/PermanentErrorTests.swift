import Kafka
import Testing
import TestSupport

/// Issue 16 case 4: librdkafka errors are either transient (retried) or refuse the record itself
/// (``KafkaError/isPermanent``), classified in one place (`RDKafkaError`), against the real broker.
@Suite(.timeLimit(.minutes(3))) struct PermanentErrorTests {
    @Test func recordLargerThanMessageMaxBytesIsRefusedForGood() async throws {
        let topic = try await TestKafka.makeTopic("too-large", partitions: 1)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        defer { Task { await producer.shutdown() } }
        do {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, key: [1], value: [UInt8](repeating: 0, count: 1_000_100)))
            Issue.record("a record larger than message.max.bytes was produced")
        } catch {
            #expect(error.code == .messageTooLarge, "\(error)")
            #expect(error.isPermanent, "\(error)")
            #expect(!error.isRetriable)
        }
        // The same producer goes on with records that fit.
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: [1], value: [1]))
    }

    @Test func outageIsNotPermanent() async throws {
        let port = try freePort()
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:\(port)"], deliveryTimeout: .seconds(1)),
            logger: TestKafka.logger(level: .critical)
        )
        do {
            _ = try await producer.send(KafkaProducerMessage(topic: "nowhere", value: [1]))
            Issue.record("produced without a broker")
        } catch {
            #expect(!error.isPermanent, "\(error)")
        }
        await producer.shutdown()
    }
}
