public import Kafka
public import Logging

/// Kafka helpers for tests against the shared broker.
public enum TestKafka {
    /// A logger for Kafka clients in tests (warnings and above, so test output stays readable).
    public static func logger(_ label: String = "test.kafka", level: Logger.Level = .warning) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    /// Creates a topic on the shared broker (or `bootstrapServers`) and waits until it is visible.
    public static func createTopic(
        _ name: String, partitions: Int32 = 3, bootstrapServers: [String]? = nil
    ) async throws {
        let admin = try KafkaAdminClient(bootstrapServers: try bootstrapServers ?? TestEnvironment.bootstrapServers, logger: logger())
        try await admin.createTopic(name, partitions: partitions)
    }

    /// A fresh topic named `prefix-<unique>`, created with `partitions`.
    public static func makeTopic(_ prefix: String = "test", partitions: Int32 = 3) async throws -> String {
        let name = TestEnvironment.uniqueName(prefix)
        try await createTopic(name, partitions: partitions)
        return name
    }

    /// A group consumer configuration for the shared broker with the test tuning applied.
    public static func consumerConfiguration(topics: [String], groupID: String? = nil) throws -> KafkaConsumerConfiguration {
        KafkaConsumerConfiguration(
            bootstrapServers: try TestEnvironment.bootstrapServers,
            groupID: groupID ?? TestEnvironment.uniqueName("group"),
            topics: topics,
            sessionTimeout: .seconds(6),
            maxPollInterval: .seconds(10),
            additional: TestEnvironment.consumerTuning
        )
    }

    /// A producer configuration for the shared broker.
    public static func producerConfiguration(deliveryTimeout: Duration = .seconds(30)) throws -> KafkaProducerConfiguration {
        KafkaProducerConfiguration(bootstrapServers: try TestEnvironment.bootstrapServers, deliveryTimeout: deliveryTimeout)
    }
}

extension TestKafka {
    /// Reads `count` records from `consumer`, throwing if they do not all arrive within `timeout`.
    public static func collect(
        _ count: Int, from consumer: KafkaConsumer, timeout: Duration = .seconds(60)
    ) async throws -> [KafkaConsumerMessage] {
        try await withThrowingTaskGroup(of: [KafkaConsumerMessage]?.self) { group in
            group.addTask {
                var received: [KafkaConsumerMessage] = []
                guard count > 0 else { return received }
                for try await message in consumer.messages {
                    received.append(message)
                    if received.count == count { break }
                }
                return received
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let received = first else {
                throw TestEnvironmentError("did not receive \(count) records within \(timeout)")
            }
            guard received.count == count else {
                throw TestEnvironmentError("consumer ended after \(received.count) of \(count) records")
            }
            return received
        }
    }

    /// Collects whatever arrives within `window` (for checking that nothing more comes).
    public static func drain(_ consumer: KafkaConsumer, for window: Duration) async throws -> [KafkaConsumerMessage] {
        try await withThrowingTaskGroup(of: [KafkaConsumerMessage].self) { group in
            let box = Collected<KafkaConsumerMessage>()
            group.addTask {
                for try await message in consumer.messages { box.append(message) }
                return box.values
            }
            try await Task.sleep(for: window)
            group.cancelAll()
            _ = try await group.next()
            return box.values
        }
    }
}
