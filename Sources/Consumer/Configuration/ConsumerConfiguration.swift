package import Logging
package import StatusRelayCore

/// Everything `statusrelay-consumer` needs, resolved from flags > env > YAML file > defaults.
package struct ConsumerConfiguration: Sendable {
    /// `--brokers`, `STATUSRELAY_BROKERS`; default `127.0.0.1:9092`.
    package var brokers: [String] = KafkaSettings.defaultBrokers
    /// `--group`, `STATUSRELAY_GROUP`; default `statusrelay`.
    package var group = "statusrelay"
    /// `--sink` (repeatable), `STATUSRELAY_SINKS`; default `sqlite:./data/statusrelay.sqlite`.
    package var sinks: [String] = ["sqlite:./data/statusrelay.sqlite"]
    /// `--state-topic`, `STATUSRELAY_STATE_TOPIC`; default `<topic>.state.<group>`: the state belongs to
    /// one consumer group (two groups release the same events independently), like a Kafka Streams changelog.
    package var stateTopic: String {
        get { explicitStateTopic ?? Self.defaultStateTopic(topic: topic, group: group) }
        set { explicitStateTopic = newValue }
    }
    private var explicitStateTopic: String?
    /// `--create-topic` / `--topic-partitions`: create the source topic if missing (default off, 3).
    package var createTopic = false
    package var topicPartitions: Int32 = 3
    /// `--admin-listen`, `STATUSRELAY_ADMIN_LISTEN`; default `127.0.0.1:9464`.
    package var adminListen = HostPort(host: "127.0.0.1", port: 9464)
    /// `--kafka-config KEY=VALUE` (repeatable), `STATUSRELAY_KAFKA_CONFIG`: raw librdkafka settings.
    package var kafkaConfig: [String: String] = [:]
    /// The pipeline (topic, reorder window, batch size, dead-letter topic, ...).
    package var service: ConsumerServiceConfiguration
    /// Sink settings (HTTP forwarding token, ...).
    package var forwardAuthToken: String?
    package var forwardConcurrency = HTTPForwardSink.Configuration().maxConcurrency
    package var forwardMaxAttempts = HTTPForwardSink.Configuration().maxAttempts
    package var forwardRequestTimeout = HTTPForwardSink.Configuration().requestTimeout
    /// The other sink settings (backoffs, timeouts, pool sizes, durability); the producer and admin
    /// client are left for the application to set.
    package var sinkSettings = SinkFactory.Configuration()
    /// How freed memory is held and returned (`--malloc-arena-max`, `--malloc-trim-interval`).
    package var allocator = AllocatorPolicy()
    /// `--log-format`, `--log-level`.
    package var logFormat = LoggingBootstrap.defaultFormat
    package var logLevel = LoggingBootstrap.defaultLevel

    package init(topic: String = KafkaSettings.defaultTopic) {
        service = ConsumerServiceConfiguration(topic: topic)
    }

    static func defaultStateTopic(topic: String, group: String) -> String {
        "\(topic).state.\(group)"
    }

    package var topic: String { service.topic }

    package init(resolving resolver: inout ConfigurationResolver) throws(ConfigurationError) {
        let topic = try resolver.required(ConsumerSettings.topic)
        self.init(topic: topic)
        brokers = try resolver.required(ConsumerSettings.brokers)
        if brokers.isEmpty { throw ConfigurationError(code: .invalidValue, setting: "brokers", message: "no broker given") }
        group = try resolver.required(ConsumerSettings.group)
        sinks = try resolver.required(ConsumerSettings.sink)
        if sinks.isEmpty { throw ConfigurationError(code: .invalidValue, setting: "sink", message: "at least one sink is needed") }
        let derivedStateTopic = Self.defaultStateTopic(topic: topic, group: group)
        let stateTopic = try resolver.value(ConsumerSettings.stateTopic) { derivedStateTopic }
        explicitStateTopic = stateTopic == derivedStateTopic ? nil : stateTopic
        if stateTopic == topic {
            throw ConfigurationError(code: .invalidValue, setting: "state-topic", message: "must differ from the source topic")
        }
        createTopic = try resolver.required(ConsumerSettings.createTopic)
        topicPartitions = Int32(try resolver.required(ConsumerSettings.topicPartitions))
        adminListen = try resolver.required(ConsumerSettings.adminListen)
        kafkaConfig = try resolver.required(ConsumerSettings.kafkaConfig)
        service = ConsumerServiceConfiguration(
            topic: topic,
            reorder: ReorderConfiguration(
                window: try resolver.required(ConsumerSettings.reorderWindow),
                maxBufferedEvents: try resolver.required(ConsumerSettings.maxBufferedEvents),
                stateRetention: try resolver.required(ConsumerSettings.stateRetention),
                maxEventTimeAhead: try resolver.required(ConsumerSettings.maxEventTimeAhead)
            ),
            maxBatchSize: try resolver.required(ConsumerSettings.maxBatchSize),
            tickInterval: try resolver.required(ConsumerSettings.tickInterval),
            deadLetterTopic: try resolver.value(ConsumerSettings.deadLetterTopic) {
                ConsumerServiceConfiguration.defaultDeadLetterTopic(topic: topic)
            },
            shutdownGracePeriod: try resolver.required(ConsumerSettings.shutdownTimeout),
            commitInterval: try resolver.required(ConsumerSettings.commitInterval),
            deadLetterMaxBytes: try resolver.required(ConsumerSettings.deadLetterMaxBytes),
            stallTimeout: try resolver.required(ConsumerSettings.stallTimeout)
        )
        if service.stallTimeout <= .zero {
            throw ConfigurationError(code: .invalidValue, setting: "stall-timeout", message: "must be positive")
        }
        if service.tickInterval <= .zero {
            throw ConfigurationError(code: .invalidValue, setting: "tick-interval", message: "must be positive")
        }
        if service.commitInterval <= .zero {
            throw ConfigurationError(code: .invalidValue, setting: "commit-interval", message: "must be positive")
        }
        forwardAuthToken = try resolver.optional(ConsumerSettings.forwardAuthToken)
        for sink in sinks {
            // Everything start would reject about a sink URL, as a configuration error naming it.
            do {
                try SinkFactory.validate(url: sink)
            } catch {
                throw ConfigurationError(
                    code: .invalidValue, setting: "sink", message: "\(SecretRedaction.redact(url: sink)): \(error.message)",
                    underlying: error
                )
            }
            if SinkFactory.isHTTP(sink), forwardAuthToken?.isEmpty ?? true {
                throw ConfigurationError(
                    code: .missingValue, setting: "forward-auth-token",
                    message: "the HTTP sink \(SecretRedaction.redact(url: sink)) re-signs callbacks: set --forward-auth-token (STATUSRELAY_FORWARD_AUTH_TOKEN)"
                )
            }
        }
        forwardConcurrency = try resolver.required(ConsumerSettings.forwardConcurrency)
        forwardMaxAttempts = try resolver.required(ConsumerSettings.forwardMaxAttempts)
        forwardRequestTimeout = try resolver.required(ConsumerSettings.forwardRequestTimeout)
        sinkSettings.http.initialBackoff = try resolver.required(ConsumerSettings.forwardInitialBackoff)
        sinkSettings.http.maxBackoff = try resolver.required(ConsumerSettings.forwardMaxBackoff)
        sinkSettings.http.maxRetryAfter = try resolver.required(ConsumerSettings.forwardMaxRetryAfter)
        sinkSettings.http.connectTimeout = try resolver.required(ConsumerSettings.forwardConnectTimeout)
        sinkSettings.kafka.maxConcurrency = try resolver.required(ConsumerSettings.kafkaSinkConcurrency)
        sinkSettings.kafka.partitions = Int32(try resolver.required(ConsumerSettings.kafkaSinkPartitions))
        sinkSettings.postgres.writeTimeout = try resolver.required(ConsumerSettings.postgresWriteTimeout)
        sinkSettings.postgres.connectTimeout = try resolver.required(ConsumerSettings.postgresConnectTimeout)
        sinkSettings.postgres.maximumConnections = try resolver.required(ConsumerSettings.postgresMaxConnections)
        sinkSettings.postgres.writeConcurrency = try resolver.required(ConsumerSettings.postgresWriteConcurrency)
        sinkSettings.jsonl.fsync = try resolver.required(ConsumerSettings.jsonlFsync)
        sinkSettings.sqlite.synchronous = try resolver.required(ConsumerSettings.sqliteSynchronous)
        sinkSettings.sqlite.busyTimeout = try resolver.required(ConsumerSettings.sqliteBusyTimeout)
        let checkpointInterval = try resolver.required(ConsumerSettings.sqliteCheckpointInterval)
        sinkSettings.sqlite.backgroundCheckpointInterval = checkpointInterval > .zero ? checkpointInterval : nil
        for (name, value) in [
            ("forward-initial-backoff", sinkSettings.http.initialBackoff), ("forward-max-backoff", sinkSettings.http.maxBackoff),
            ("forward-connect-timeout", sinkSettings.http.connectTimeout), ("postgres-write-timeout", sinkSettings.postgres.writeTimeout),
            ("postgres-connect-timeout", sinkSettings.postgres.connectTimeout),
        ] where value <= .zero {
            throw ConfigurationError(code: .invalidValue, setting: name, message: "must be positive")
        }
        allocator = AllocatorPolicy(
            arenaMax: try resolver.required(ConsumerSettings.mallocArenaMax),
            trimInterval: try resolver.required(ConsumerSettings.mallocTrimInterval)
        )
        logFormat = try resolver.required(ConsumerSettings.logFormat)
        logLevel = try resolver.required(ConsumerSettings.logLevel)
    }
}
