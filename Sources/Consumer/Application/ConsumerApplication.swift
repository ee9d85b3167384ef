import Kafka
package import Logging
package import ServiceLifecycle
package import UnixSignals
import StatusRelayCore

/// Wires `statusrelay-consumer`: Kafka consumer, producer (dead letters, state changelog, kafka
/// sinks), sinks, state store, pipeline and admin server, in one `ServiceGroup`.
///
/// Order matters: the group stops services in reverse order, so the admin server goes first, then
/// the pipeline flushes and commits, then the producer flushes, and the Kafka consumer leaves the
/// group last.
package enum ConsumerApplication {
    /// Builds every service. `onAdminRunning` receives the admin server's bound port.
    package static func makeServiceGroup(
        configuration: ConsumerConfiguration,
        logger: Logger,
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        onAdminRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> ServiceGroup {
        try KafkaLibrary.requireMinimumVersion(major: 2, minor: 3)
        // Before librdkafka's and the sinks' threads start, so they share the few arenas.
        configuration.allocator.apply()
        // Fail fast, in one line each, on a busy admin port and on brokers that are all down.
        try ListenAddressCheck.check(configuration.adminListen, setting: ConsumerSettings.adminListen)
        try await BrokerProbe.waitForAny(configuration.brokers, logger: logger)
        let registry = MetricsBootstrap.bootstrap(service: "consumer", catalog: ConsumerMetricCatalog.catalog)
        let topic = configuration.topic

        let admin = try KafkaAdminClient(
            bootstrapServers: configuration.brokers, additional: clientProperties(configuration.kafkaConfig), logger: logger
        )
        if configuration.createTopic {
            try await admin.createTopic(topic, partitions: configuration.topicPartitions)
        }
        var producerConfiguration = KafkaProducerConfiguration()
        producerConfiguration.bootstrapServers = configuration.brokers
        producerConfiguration.clientID = "statusrelay-consumer"
        producerConfiguration.additional = clientProperties(configuration.kafkaConfig)
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)

        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: configuration.brokers,
                groupID: configuration.group,
                topics: [topic],
                clientID: "statusrelay-consumer",
                // Large batches for the reader; the poll thread waits for the reader at 20k records
                // (and only pauses fetching at 40k, when the reader has stopped).
                maxBufferedMessages: 20_000,
                // librdkafka pre-fetches up to 64 MiB by default; 16 MiB is still ~0.2 s of input at
                // 100k events/s and keeps RSS down (KafkaConsumerConfiguration sets fetch.queue.backoff.ms
                // so that a full queue does not stall fetching for a second). --kafka-config overrides it.
                additional: ["queued.max.messages.kbytes": "16384"].merging(configuration.kafkaConfig) { $1 }
            ),
            logger: logger
        )

        var sinkConfiguration = configuration.sinkSettings
        sinkConfiguration.kafkaProducer = producer
        sinkConfiguration.http.authToken = configuration.forwardAuthToken
        sinkConfiguration.http.maxConcurrency = configuration.forwardConcurrency
        sinkConfiguration.http.maxAttempts = configuration.forwardMaxAttempts
        sinkConfiguration.http.requestTimeout = configuration.forwardRequestTimeout
        let sinks = try configuration.sinks.map { url in
            try SinkFactory.makeSink(url: url, configuration: sinkConfiguration, logger: logger)
        }

        let stateStore = KafkaChangelogStateStore(
            configuration: .init(
                topic: configuration.stateTopic,
                bootstrapServers: configuration.brokers,
                additional: clientProperties(configuration.kafkaConfig)
            ),
            producer: producer,
            admin: admin,
            logger: logger
        )
        let health = ConsumerHealth()
        let service = ConsumerService(
            configuration: configuration.service,
            consumer: consumer,
            producer: producer,
            admin: admin,
            sinks: sinks,
            stateStore: stateStore,
            health: health,
            logger: logger
        )
        let adminServer = ConsumerAdminServer.make(
            host: configuration.adminListen.host,
            port: configuration.adminListen.port,
            health: health,
            registry: registry,
            logger: logger,
            onServerRunning: onAdminRunning
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: consumer, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: producer),
            .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: adminServer),
        ]
        if let interval = configuration.allocator.trimInterval {
            services.append(.init(service: MemoryTrimService(interval: interval), successTerminationBehavior: .ignore))
        }
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: gracefulShutdownSignals,
                logger: logger
            )
        )
    }

    /// librdkafka properties that only make sense for a group consumer are left out of the clients
    /// that are not one (avoids librdkafka's "ignored by this producer" warnings).
    static func clientProperties(_ properties: [String: String]) -> [String: String] {
        let consumerOnly: Set<String> = [
            "session.timeout.ms", "max.poll.interval.ms", "heartbeat.interval.ms", "group.id", "group.instance.id",
            "auto.offset.reset", "partition.assignment.strategy", "group.protocol", "fetch.min.bytes",
            "fetch.wait.max.ms", "fetch.max.bytes", "max.partition.fetch.bytes", "isolation.level",
            "enable.auto.commit", "enable.auto.offset.store", "auto.commit.interval.ms", "queued.min.messages",
            "queued.max.messages.kbytes", "fetch.queue.backoff.ms", "enable.partition.eof", "check.crcs",
        ]
        return properties.filter { !consumerOnly.contains($0.key) }
    }
}
