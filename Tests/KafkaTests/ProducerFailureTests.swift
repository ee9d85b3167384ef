import Kafka
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(3))) struct ProducerFailureTests {
    /// Nothing listens on the port: the send fails with timedOut after the delivery timeout instead of hanging.
    @Test func sendToUnreachableBrokerTimesOut() async throws {
        let port = try freePort()
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:\(port)"], deliveryTimeout: .seconds(2)),
            logger: TestKafka.logger(level: .critical)
        )
        let outcome = try await withThrowingTaskGroup(of: Result<KafkaDeliveryReport, KafkaError>?.self) { group in
            group.addTask {
                do { return .success(try await producer.send(KafkaProducerMessage(topic: "nowhere", value: [1]))) }
                catch let error as KafkaError { return .failure(error) }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        let result = try #require(outcome, "send did not return within 60 s")
        #expect(throws: KafkaError.self) { try result.get() }
        if case .failure(let error) = result {
            #expect(error.code == .timedOut, "\(error)")
            #expect(error.isRetriable)
            #expect(!error.isFatal)
        }
        #expect(await producer.isBrokerReachable(timeout: .milliseconds(500)) == false)
        #expect(await producer.flush(timeout: .seconds(5)))
        await producer.shutdown()
    }

    @Test func reachableBrokerIsReported() async throws {
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        #expect(await producer.isBrokerReachable(timeout: .seconds(10)))
        await producer.shutdown()
        #expect(await producer.isBrokerReachable(timeout: .seconds(1)) == false)
    }

    /// `run()` returns on cancellation (as on graceful shutdown) after flushing; later sends fail with closed.
    @Test func runFlushesAndClosesOnShutdown() async throws {
        let topic = try await TestKafka.makeTopic("run", partitions: 1)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        let running = Task { try await producer.run() }
        let report = try await producer.send(KafkaProducerMessage(topic: topic, value: [42]))
        #expect(report.offset == 0)
        running.cancel()
        try await running.value
        await #expect {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, value: [43]))
        } throws: { ($0 as? KafkaError)?.code == .closed }
    }

    @Test func idempotenceCannotBeTurnedOff() {
        #expect {
            _ = try KafkaProducer(
                configuration: KafkaProducerConfiguration(additional: ["enable.idempotence": "false"]), logger: TestKafka.logger()
            )
        } throws: { ($0 as? KafkaError)?.code == .invalidConfiguration }
        #expect {
            _ = try KafkaProducer(configuration: KafkaProducerConfiguration(additional: ["acks": "1"]), logger: TestKafka.logger())
        } throws: { ($0 as? KafkaError)?.code == .invalidConfiguration }
    }

    @Test func rejectedSecretValueIsNotEchoed() {
        #expect {
            _ = try KafkaProducer(
                configuration: KafkaProducerConfiguration(additional: ["sasl.password.bogus": "hunter2-secret"]), logger: TestKafka.logger()
            )
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.code == .invalidConfiguration && error.message.contains("sasl.password.bogus")
                && !"\(error)".contains("hunter2")
        }
        #expect {
            _ = try KafkaProducer(configuration: KafkaProducerConfiguration(additional: ["linger.ms": "soon"]), logger: TestKafka.logger())
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.code == .invalidConfiguration && error.message.contains("linger.ms")
        }
    }
}
