package import Logging
package import StatusRelayCore

/// Every `statusrelay-consumer` setting: flag `--<name>`, env var, YAML key `<name>`, default.
/// `ConsumerConfiguration(resolving:)` reads them; the executable declares one option per setting.
package enum ConsumerSettings {
    /// The defaults come from the configuration types (`ConsumerConfiguration`, the pipeline's, the
    /// sinks'), so each is written once and `--help`/`--check-config` show what a default run uses.
    private static let defaults = ConsumerConfiguration()

    package static let brokers = KafkaSettings.brokers
    package static let topic = KafkaSettings.topic("Kafka topic of normalized status events.")
    package static let group = Setting<String>.string(
        "group", env: "STATUSRELAY_GROUP", default: defaults.group, "Kafka consumer group.")
    package static let sink = Setting<[String]>.urlList(
        "sink", env: "STATUSRELAY_SINKS", default: defaults.sinks,
        "Sink URL, repeatable (env: comma-separated): sqlite:PATH, postgres://..., http(s)://..., kafka:TOPIC, jsonl:PATH, stdout.")
    package static let reorderWindow = Setting<Duration>.duration(
        "reorder-window", env: "STATUSRELAY_REORDER_WINDOW", default: defaults.service.reorder.window,
        "How long events are held, in event time, to release each message's statuses in lifecycle order; 0 disables reordering.")
    package static let maxBufferedEvents = Setting<Int>.int(
        "max-buffered-events", env: "STATUSRELAY_MAX_BUFFERED_EVENTS", default: defaults.service.reorder.maxBufferedEvents, range: 1...100_000_000,
        "Most events held for reordering; beyond it the oldest are released early (counted).")
    package static let maxBatchSize = Setting<Int>.int(
        "max-batch-size", env: "STATUSRELAY_MAX_BATCH_SIZE", default: defaults.service.maxBatchSize, range: 1...1_000_000,
        "Most events written to the sinks per batch; batches grow toward it only while the sinks are behind.")
    package static let tickInterval = Setting<Duration>.duration(
        "tick-interval", env: "STATUSRELAY_TICK_INTERVAL", default: defaults.service.tickInterval,
        "How often watermarks advance with the clock and released events are handed to the sinks.")
    package static let stateRetention = Setting<Duration>.duration(
        "state-retention", env: "STATUSRELAY_STATE_RETENTION", default: defaults.service.reorder.stateRetention ?? .zero,
        "How long (event time) a message's state is kept after its last event; then it is dropped and tombstoned. 0 keeps all.")
    package static let maxEventTimeAhead = Setting<Duration>.duration(
        "max-event-time-ahead", env: "STATUSRELAY_MAX_EVENT_TIME_AHEAD", default: defaults.service.reorder.maxEventTimeAhead ?? .zero,
        "How far an event's receivedAt may lie ahead of the consumer's clock; beyond it the event is flagged and counted and its time moves no watermark. 0 disables the check.")
    package static let commitInterval = Setting<Duration>.duration(
        "commit-interval", env: "STATUSRELAY_COMMIT_INTERVAL", default: defaults.service.commitInterval,
        "How often message states are written and offsets committed; longer means fewer state records and more re-reading after a crash.")
    package static let stateTopic = Setting<String>.string(
        "state-topic", env: "STATUSRELAY_STATE_TOPIC", default: nil,
        "Compacted changelog topic of per-message state, one per consumer group (default: <topic>.state.<group>).")
    package static let deadLetterTopic = Setting<String>.string(
        "dead-letter-topic", env: "STATUSRELAY_DEAD_LETTER_TOPIC", default: nil,
        "Topic for records the consumer cannot handle (undecodable, key not the messageSid, refused by a sink) and HTTP forwards that gave up (default: <topic>.dlq).")
    package static let deadLetterMaxBytes = Setting<Int>.int(
        "dead-letter-max-bytes", env: "STATUSRELAY_DEAD_LETTER_MAX_BYTES", default: defaults.service.deadLetterMaxBytes, range: 4096...100_000_000,
        "Largest dead-letter record (key, value and headers); a larger one goes with its payload truncated (headers say so). Keep below the producer's message.max.bytes.")
    package static let stallTimeout = Setting<Duration>.duration(
        "stall-timeout", env: "STATUSRELAY_STALL_TIMEOUT", default: defaults.service.stallTimeout,
        "/readyz fails when a partition has records read but no committed progress for this long (keep it above the reorder window).")
    package static let createTopic = Setting<Bool>.bool(
        "create-topic", env: "STATUSRELAY_CREATE_TOPIC", default: defaults.createTopic, "Create the source topic if missing.")
    package static let topicPartitions = Setting<Int>.int(
        "topic-partitions", env: "STATUSRELAY_TOPIC_PARTITIONS", default: Int(defaults.topicPartitions), range: 1...10_000, "Partitions for --create-topic.")
    package static let adminListen = Setting<HostPort>.hostPort(
        "admin-listen", env: "STATUSRELAY_ADMIN_LISTEN", default: defaults.adminListen,
        "Admin HTTP address HOST:PORT for /healthz, /readyz and /metrics (port 0: any free port).")
    package static let kafkaConfig = Setting<[String: String]>.keyValues(
        "kafka-config", env: "STATUSRELAY_KAFKA_CONFIG", "librdkafka property KEY=VALUE, applied last; repeatable (env: comma-separated).")
    package static let shutdownTimeout = Setting<Duration>.duration(
        "shutdown-timeout", env: "STATUSRELAY_SHUTDOWN_TIMEOUT", default: defaults.service.shutdownGracePeriod,
        "On SIGTERM/SIGINT, how long to keep retrying a failing sink before exiting without committing.")
    package static let forwardAuthToken = Setting<String>(
        name: "forward-auth-token", environmentVariable: "STATUSRELAY_FORWARD_AUTH_TOKEN", defaultValue: nil,
        summary: "Auth token that HTTP forwarding signs requests with (X-Twilio-Signature). Secret.", isSecret: true
    ) { value throws(ConfigurationError) in
        guard case .scalar(let text) = value else {
            throw ConfigurationError(code: .invalidValue, setting: "forward-auth-token", message: "expected a single value")
        }
        return text
    }
    package static let forwardConcurrency = Setting<Int>.int(
        "forward-concurrency", env: "STATUSRELAY_FORWARD_CONCURRENCY", default: defaults.forwardConcurrency, range: 1...10_000,
        "HTTP forwarding: messages delivered in parallel.")
    package static let forwardMaxAttempts = Setting<Int>.int(
        "forward-max-attempts", env: "STATUSRELAY_FORWARD_MAX_ATTEMPTS", default: defaults.forwardMaxAttempts, range: 1...1000,
        "HTTP forwarding: attempts per event before it is dead-lettered.")
    package static let forwardRequestTimeout = Setting<Duration>.duration(
        "forward-request-timeout", env: "STATUSRELAY_FORWARD_REQUEST_TIMEOUT", default: defaults.forwardRequestTimeout,
        "HTTP forwarding: timeout of one request.")
    package static let forwardInitialBackoff = Setting<Duration>.duration(
        "forward-initial-backoff", env: "STATUSRELAY_FORWARD_INITIAL_BACKOFF", default: defaults.sinkSettings.http.initialBackoff,
        "HTTP forwarding: first retry delay; it doubles up to --forward-max-backoff.")
    package static let forwardMaxBackoff = Setting<Duration>.duration(
        "forward-max-backoff", env: "STATUSRELAY_FORWARD_MAX_BACKOFF", default: defaults.sinkSettings.http.maxBackoff,
        "HTTP forwarding: cap of the exponential backoff.")
    package static let forwardMaxRetryAfter = Setting<Duration>.duration(
        "forward-max-retry-after", env: "STATUSRELAY_FORWARD_MAX_RETRY_AFTER", default: defaults.sinkSettings.http.maxRetryAfter,
        "HTTP forwarding: cap of a server's Retry-After.")
    package static let forwardConnectTimeout = Setting<Duration>.duration(
        "forward-connect-timeout", env: "STATUSRELAY_FORWARD_CONNECT_TIMEOUT", default: defaults.sinkSettings.http.connectTimeout,
        "HTTP forwarding: TCP connect timeout.")
    package static let kafkaSinkConcurrency = Setting<Int>.int(
        "kafka-sink-concurrency", env: "STATUSRELAY_KAFKA_SINK_CONCURRENCY", default: defaults.sinkSettings.kafka.maxConcurrency, range: 1...100_000,
        "kafka: sinks: records of a batch produced at once.")
    package static let kafkaSinkPartitions = Setting<Int>.int(
        "kafka-sink-partitions", env: "STATUSRELAY_KAFKA_SINK_PARTITIONS", default: Int(defaults.sinkSettings.kafka.partitions), range: 1...100_000,
        "kafka: sinks: partitions of a topic the sink creates.")
    package static let postgresWriteTimeout = Setting<Duration>.duration(
        "postgres-write-timeout", env: "STATUSRELAY_POSTGRES_WRITE_TIMEOUT", default: defaults.sinkSettings.postgres.writeTimeout,
        "PostgreSQL sink: bound of one batch write; a slower write fails and is retried.")
    package static let postgresConnectTimeout = Setting<Duration>.duration(
        "postgres-connect-timeout", env: "STATUSRELAY_POSTGRES_CONNECT_TIMEOUT", default: defaults.sinkSettings.postgres.connectTimeout,
        "PostgreSQL sink: TCP connect timeout.")
    package static let postgresMaxConnections = Setting<Int>.int(
        "postgres-max-connections", env: "STATUSRELAY_POSTGRES_MAX_CONNECTIONS", default: defaults.sinkSettings.postgres.maximumConnections, range: 1...1000,
        "PostgreSQL sink: connection pool size.")
    package static let postgresWriteConcurrency = Setting<Int>.int(
        "postgres-write-concurrency", env: "STATUSRELAY_POSTGRES_WRITE_CONCURRENCY", default: defaults.sinkSettings.postgres.writeConcurrency, range: 1...64,
        "PostgreSQL sink: transactions one large batch is split into, by MessageSid, and written at once (at most the pool size).")
    package static let jsonlFsync = Setting<Bool>.bool(
        "jsonl-fsync", env: "STATUSRELAY_JSONL_FSYNC", default: defaults.sinkSettings.jsonl.fsync,
        "jsonl: sinks: fsync every batch before it counts as written (false survives process crashes only).")
    package static let sqliteSynchronous = Setting<SQLiteSink.Configuration.Synchronous>(
        name: "sqlite-synchronous", environmentVariable: "STATUSRELAY_SQLITE_SYNCHRONOUS", defaultValue: defaults.sinkSettings.sqlite.synchronous,
        summary: "SQLite sink: full (a written batch survives power loss) or normal (survives process crashes only)."
    ) { value throws(ConfigurationError) in
        guard case .scalar(let text) = value,
            let mode = SQLiteSink.Configuration.Synchronous(rawValue: text.filter { !$0.isWhitespace }.uppercased())
        else {
            throw ConfigurationError(code: .invalidValue, setting: "sqlite-synchronous", message: "expected full or normal")
        }
        return mode
    }
    package static let sqliteCheckpointInterval = Setting<Duration>.duration(
        "sqlite-checkpoint-interval", env: "STATUSRELAY_SQLITE_CHECKPOINT_INTERVAL", default: defaults.sinkSettings.sqlite.backgroundCheckpointInterval ?? .zero,
        "SQLite sink: how often a background connection checkpoints the WAL; 0 leaves it to the writer.")
    package static let sqliteBusyTimeout = Setting<Duration>.duration(
        "sqlite-busy-timeout", env: "STATUSRELAY_SQLITE_BUSY_TIMEOUT", default: defaults.sinkSettings.sqlite.busyTimeout,
        "SQLite sink: how long a write waits for another process holding the database's write lock.")
    package static let mallocArenaMax = Setting<Int>.int(
        "malloc-arena-max", env: "STATUSRELAY_MALLOC_ARENA_MAX", default: defaults.allocator.arenaMax, range: 0...1024,
        "Most malloc arenas when built with glibc's malloc (STATUSRELAY_SYSTEM_MALLOC=1): fewer cache less freed memory; 0 keeps glibc's default (8 per core). jemalloc builds: MALLOC_CONF=narenas:N.")
    package static let mallocTrimInterval = Setting<Duration>.duration(
        "malloc-trim-interval", env: "STATUSRELAY_MALLOC_TRIM_INTERVAL", default: defaults.allocator.trimInterval,
        "How often memory the allocator holds free is returned to the system (jemalloc: purge every arena; glibc: malloc_trim); 0 never.")
    package static let logFormat = LogFormat.setting
    package static let logLevel = Logger.Level.setting
}
