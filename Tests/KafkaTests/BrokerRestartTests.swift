import Kafka
import Testing
import TestSupport

/// Uses private brokers (TestBroker) so they can be frozen or killed without disturbing other tests.
@Suite(.timeLimit(.minutes(3))) struct BrokerRestartTests {
    /// A broker that stops answering (frozen, state kept): sends time out, then the same producer carries on.
    @Test func producerRecoversAfterBrokerOutage() async throws {
        let broker = try await TestBroker.start()
        defer { broker.process.kill() }
        let topic = TestEnvironment.uniqueName("outage")
        try await TestKafka.createTopic(topic, partitions: 1, bootstrapServers: broker.bootstrapServers)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers, deliveryTimeout: .seconds(3)),
            logger: TestKafka.logger(level: .critical)
        )
        #expect(try await producer.send(KafkaProducerMessage(topic: topic, value: [1])).offset == 0)

        await broker.pause()
        await #expect {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, value: [2]))
        } throws: { ($0 as? KafkaError)?.code == .timedOut }
        broker.resume()

        var delivered: KafkaDeliveryReport?
        try await eventually(timeout: .seconds(60), "a send succeeds after the outage") {
            delivered = try? await producer.send(KafkaProducerMessage(topic: topic, value: [3]))
            return delivered != nil
        }
        #expect(delivered?.partition == 0)
        // Tansu rejects the sequence after librdkafka's epoch bump, so recovery took a new handle there;
        // Apache Kafka accepts it and the first handle carries on.
        #expect(producer.clientGeneration >= 1)
        await producer.shutdown()
        await broker.stop()
    }

    /// A killed in-memory broker forgets everything, producer ids included, so a fresh producer is needed;
    /// it works against the restarted broker on the same port.
    @Test func newProducerWorksAfterBrokerRestart() async throws {
        let broker = try await TestBroker.start()
        let topic = TestEnvironment.uniqueName("restart")
        try await TestKafka.createTopic(topic, partitions: 1, bootstrapServers: broker.bootstrapServers)
        await broker.kill()
        #expect(broker.process.exitStatus == .signalled(9))
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers, deliveryTimeout: .seconds(2)),
            logger: TestKafka.logger(level: .critical)
        )
        await #expect {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, value: [1]))
        } throws: { ($0 as? KafkaError)?.code == .timedOut }
        await producer.shutdown()

        let restarted = try await broker.restart()
        defer { restarted.process.kill() }
        #expect(restarted.port == broker.port)
        try await TestKafka.createTopic(topic, partitions: 1, bootstrapServers: restarted.bootstrapServers)
        let fresh = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: restarted.bootstrapServers),
            logger: TestKafka.logger(level: .critical)
        )
        #expect(try await fresh.send(KafkaProducerMessage(topic: topic, value: [2])).offset == 0)
        await fresh.shutdown()
        await restarted.stop()
        #expect(restarted.process.isRunning == false)
    }

    /// kill -9 and restart on the same port: the broker comes back empty (no topic, no producer ids). The same
    /// producer must carry on by itself once the topic exists again, whatever the broker answers its old
    /// producer id with (Tansu: fenced / unknown producer id, fatal in librdkafka).
    @Test func sameProducerRecoversAfterBrokerKillAndRestart() async throws {
        let broker = try await TestBroker.start()
        let topic = TestEnvironment.uniqueName("killed")
        try await TestKafka.createTopic(topic, partitions: 1, bootstrapServers: broker.bootstrapServers)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers, deliveryTimeout: .seconds(3)),
            logger: TestKafka.logger(level: .critical)
        )
        try await eventually(timeout: .seconds(30), "first delivery") {
            (try? await producer.send(KafkaProducerMessage(topic: topic, value: [0]))) != nil
        }
        // Records in flight while the broker dies and comes back.
        let inFlight = Task { try await producer.send(KafkaProducerMessage(topic: topic, value: [1])) }
        await broker.kill()
        let restarted = try await broker.restart()
        defer { restarted.process.kill() }
        try await TestKafka.createTopic(topic, partitions: 1, bootstrapServers: restarted.bootstrapServers)
        _ = try? await inFlight.value
        // Tansu forgets producer ids on restart and may ack the first records of the stale idempotent
        // session without storing them, so recovery means: a later send is acked AND on the broker.
        let admin = try KafkaAdminClient(bootstrapServers: restarted.bootstrapServers, logger: TestKafka.logger(level: .critical))
        var delivered: KafkaDeliveryReport?
        try await eventually(timeout: .seconds(60), "a send succeeds and is stored on the restarted broker") {
            delivered = try? await producer.send(KafkaProducerMessage(topic: topic, value: [2]))
            guard delivered != nil else { return false }
            return ((try? await admin.watermarks(topic: topic, partition: 0))?.high ?? 0) >= 1
        }
        #expect(delivered?.topic == topic)
        await producer.shutdown()
        await restarted.stop()
    }
}
