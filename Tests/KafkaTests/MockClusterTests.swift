import Kafka
import Testing
import TestSupport

/// Broker errors Tansu cannot produce on demand, injected with librdkafka's mock cluster.
@Suite(.timeLimit(.minutes(3))) struct MockClusterTests {
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

    /// Deliveries that keep timing out while the broker answers: the producer replaces its handle.
    @Test func stalledDeliveriesReplaceTheHandle() async throws {
        let cluster = try KafkaMockCluster(logger: TestKafka.logger(level: .critical))
        try cluster.createTopic("events", partitions: 1)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: cluster.bootstrapServers, deliveryTimeout: .seconds(1),
                additional: ["retry.backoff.ms": "50", "retry.backoff.max.ms": "50"]
            ),
            logger: TestKafka.logger(level: .critical)
        )
        // The first delivery also waits for the connection and producer id: allow it a few tries on a busy machine.
        try await eventually(timeout: .seconds(20), "first delivery") {
            (try? await producer.send(KafkaProducerMessage(topic: "events", value: [0]))) != nil
        }
        let generation = producer.clientGeneration
        cluster.failNextRequests(.produce, with: Array(repeating: .notEnoughReplicas, count: 100_000))
        for _ in 0..<3 {
            await #expect {
                _ = try await producer.send(KafkaProducerMessage(topic: "events", value: [1]))
            } throws: { ($0 as? KafkaError)?.code == .timedOut }
        }
        try await eventually(timeout: .seconds(20), "handle replaced") { producer.clientGeneration == generation + 1 }
        cluster.clearRequestErrors(.produce)
        try await eventually(timeout: .seconds(30), "sends succeed again") {
            (try? await producer.send(KafkaProducerMessage(topic: "events", value: [2]))) != nil
        }
        await producer.shutdown()
    }

    /// A broker that fences the idempotent producer (or forgets its id) makes librdkafka raise a fatal error:
    /// the producer swaps in a new handle and the send caught on the dead one is produced again on it.
    @Test(arguments: [KafkaMockCluster.BrokerError.producerFenced, .invalidProducerEpoch])
    func fatalProducerErrorReplacesTheHandleAndResendsInFlightRecords(error: KafkaMockCluster.BrokerError) async throws {
        let cluster = try KafkaMockCluster(logger: TestKafka.logger(level: .critical))
        try cluster.createTopic("events", partitions: 1)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers, deliveryTimeout: .seconds(20)),
            logger: TestKafka.logger(level: .critical)
        )
        try await eventually(timeout: .seconds(20), "first delivery") {
            (try? await producer.send(KafkaProducerMessage(topic: "events", value: [0]))) != nil
        }
        #expect(producer.clientGeneration == 1)
        cluster.failNextRequests(.produce, with: [error])
        let report = try await producer.send(KafkaProducerMessage(topic: "events", key: [1], value: [1]))
        #expect(report.partition == 0)
        #expect(producer.clientGeneration == 2)
        // The new handle keeps working.
        _ = try await producer.send(KafkaProducerMessage(topic: "events", key: [1], value: [2]))
        #expect(producer.clientGeneration == 2)
        await producer.shutdown()
    }
}
