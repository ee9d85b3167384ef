import Kafka
import Testing
import TestSupport

/// Broker errors Tansu cannot produce on demand, injected with librdkafka's mock cluster.
@Suite struct MockClusterTests {
    @Test func retriableProduceErrorsAreRetriedAndSendSucceeds() async throws {
        let cluster = try KafkaMockCluster(logger: TestKafka.logger(level: .critical))
        try cluster.createTopic("events", partitions: 1)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: cluster.bootstrapServers, deliveryTimeout: .seconds(20),
                additional: ["retry.backoff.ms": "10"]
            ),
            logger: TestKafka.logger(level: .critical)
        )
        _ = try await producer.send(KafkaProducerMessage(topic: "events", value: [0]))
        cluster.failNextRequests(.produce, with: [.notLeaderForPartition, .requestTimedOut, .notEnoughReplicas])
        let report = try await producer.send(KafkaProducerMessage(topic: "events", key: [1], value: [1]))
        #expect(report.offset == 1)
        await producer.shutdown()
    }

    @Test func nonRetriableProduceErrorFailsTheSend() async throws {
        let cluster = try KafkaMockCluster(logger: TestKafka.logger(level: .critical))
        try cluster.createTopic("events", partitions: 1)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers, deliveryTimeout: .seconds(20)),
            logger: TestKafka.logger(level: .critical)
        )
        _ = try await producer.send(KafkaProducerMessage(topic: "events", value: [0]))
        cluster.failNextRequests(.produce, with: [.topicAuthorizationFailed])
        await #expect {
            _ = try await producer.send(KafkaProducerMessage(topic: "events", value: [1]))
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.code == .authentication && !error.isRetriable
        }
        await producer.shutdown()
    }
}
