package import Kafka
import StatusEvents
package import StatusRelayCore

/// Every `statusrelay-ingress` setting: flag `--<name>`, env var, YAML key `<name>`, default.
/// `IngressConfiguration(resolving:)` reads them; the executable declares one option per setting.
package enum IngressSettings {
    /// The defaults come from `IngressConfiguration` (and the types it holds), so each is written once
    /// and `--help`/`--check-config` show what a default run uses.
    private static let defaults = IngressConfiguration(
        spoolDirectory: IngressConfiguration.defaultSpoolDirectory, brokers: KafkaSettings.defaultBrokers,
        topic: KafkaSettings.defaultTopic, authTokens: []
    )

    package static let listen = Setting<HostPort>.hostPort(
        "listen", env: "STATUSRELAY_LISTEN", default: defaults.listen, "HTTP listen address HOST:PORT.")
    package static let brokers = KafkaSettings.brokers
    package static let topic = KafkaSettings.topic("Kafka topic for normalized events.")
    package static let deadLetterTopic = Setting<String>.string(
        "dead-letter-topic", env: "STATUSRELAY_DEAD_LETTER_TOPIC", default: nil,
        "Topic for signed callbacks that fail normalization (default: <topic>.rejected).")
    package static let publicURL = Setting<String>.url(
        "public-url", env: "STATUSRELAY_PUBLIC_URL", default: nil,
        "Base URL Twilio calls (https://host[:port]); used to verify signatures. Default: from the Host header.")
    package static let authToken = Setting<[String]>.secretList(
        "auth-token", env: "TWILIO_AUTH_TOKEN", "Twilio Auth Token(s), comma-separated for rotation (primary first). Secret.")
    package static let sharedKey = Setting<[String: String]>.keyValues(
        "shared-key", env: "STATUSRELAY_SHARED_KEYS", secret: true,
        "Twilio webhook shared key ID=SECRET for signature-settings requests; repeatable. Secret.")
    package static let trustedProxy = Setting<[String]>.list(
        "trusted-proxy", env: "STATUSRELAY_TRUSTED_PROXIES", default: defaults.trustedProxies,
        "Proxy IP or CIDR whose X-Forwarded-*/Forwarded headers are trusted for the signing URL; repeatable.")
    package static let spoolDirectory = Setting<String>.string(
        "spool-dir", env: "STATUSRELAY_SPOOL_DIR", default: defaults.spool.directory, "Directory of the local durable spool.")
    package static let spoolMaxBytes = Setting<Int>.byteSize(
        "spool-max-bytes", env: "STATUSRELAY_SPOOL_MAX_BYTES", default: defaults.spool.maxBytes, "Size bound of the spool; when full, callbacks get 503.")
    package static let spoolSegmentBytes = Setting<Int>.byteSize(
        "spool-segment-bytes", env: "STATUSRELAY_SPOOL_SEGMENT_BYTES", default: defaults.spool.segmentBytes, "Spool segment file size.")
    package static let kafkaConfig = Setting<[String: String]>.keyValues(
        "kafka-config", env: "STATUSRELAY_KAFKA_CONFIG", "librdkafka property KEY=VALUE, applied last; repeatable.")
    package static let nodeID = Setting<String>.string(
        "node-id", env: "STATUSRELAY_NODE_ID", default: nil, "Ingress node id written into every event (default: host name).")
    package static let publishTimeout = Setting<Duration>.duration(
        "publish-timeout", env: "STATUSRELAY_PUBLISH_TIMEOUT", default: defaults.publisher.kafkaDeadline, "Wait this long for the Kafka ack, then spool.")
    package static let kafkaLinger = Setting<Duration>.duration(
        "kafka-linger", env: "STATUSRELAY_KAFKA_LINGER", default: defaults.kafkaLinger,
        "How long the producer gathers callbacks into one request (linger.ms); 0 sends each at once.")
    package static let kafkaCompression = KafkaSettings.compression("Batch compression of the produced events (compression.type)")
    package static let degradedHold = Setting<Duration>.duration(
        "degraded-hold", env: "STATUSRELAY_DEGRADED_HOLD", default: defaults.publisher.degradedHold,
        "After a Kafka failure, spool directly for this long before trying Kafka again.")
    package static let forceSpool = Setting<Bool>.bool(
        "force-spool", env: "STATUSRELAY_FORCE_SPOOL", default: defaults.publisher.forceSpool, "Always spool first (benchmarking the spool path).")
    package static let maxBodySize = Setting<Int>.byteSize(
        "max-body-size", env: "STATUSRELAY_MAX_BODY_SIZE", default: defaults.maxBodySize, "Largest accepted request body; larger gets 413.")
    package static let maxHeaderSize = Setting<Int>.byteSize(
        "max-header-size", env: "STATUSRELAY_MAX_HEADER_SIZE", default: defaults.maxHeaderSize, "Largest accepted request header section.")
    package static let maxFormParameters = Setting<Int>.int(
        "max-form-parameters", env: "STATUSRELAY_MAX_FORM_PARAMETERS", default: defaults.webhookLimits.maxFormParameters, range: 1...Int.max,
        "Most parameters in a form callback (Twilio sends 10-20); more gets 413 before the signature is checked.")
    package static let maxBatchEvents = Setting<Int>.int(
        "max-batch-events", env: "STATUSRELAY_MAX_BATCH_EVENTS", default: defaults.webhookLimits.maxBatchEvents, range: 1...Int.max,
        "Most events in an Event Streams batch; more gets 413 before the signature is checked.")
    package static let maxConcurrentRequests = Setting<Int>.int(
        "max-concurrent-requests", env: "STATUSRELAY_MAX_CONCURRENT_REQUESTS", default: defaults.maxConcurrentRequests,
        "Callbacks processed at once before answering 429; 0 disables the limit.")
    package static let maxRequestsPerSecond = Setting<Double>.double(
        "max-requests-per-second", env: "STATUSRELAY_MAX_REQUESTS_PER_SECOND", default: defaults.maxRequestsPerSecond,
        "Callbacks per second (token bucket, whole process) before answering 429; 0 disables the limit.")
    package static let rateLimitBurst = Setting<Int>.int(
        "rate-limit-burst", env: "STATUSRELAY_RATE_LIMIT_BURST", default: defaults.rateLimitBurst,
        "Callbacks allowed at once above --max-requests-per-second (bucket size); 0 = one second's worth.")
    package static let maxRequestsPerConnection = Setting<Int>.int(
        "max-requests-per-connection", env: "STATUSRELAY_MAX_REQUESTS_PER_CONNECTION", default: defaults.maxRequestsPerConnection,
        "Close a keep-alive connection after this many requests; 0 = unlimited.")
    package static let requestTimeout = Setting<Duration>.duration(
        "request-timeout", env: "STATUSRELAY_REQUEST_TIMEOUT", default: defaults.requestTimeout,
        "A whole request (headers and body) must arrive within this time (slow-loris guard).")
    package static let idleTimeout = Setting<Duration>.duration(
        "idle-timeout", env: "STATUSRELAY_IDLE_TIMEOUT", default: defaults.idleTimeout, "Close connections idle for this long.")
    package static let shutdownTimeout = Setting<Duration>.duration(
        "shutdown-timeout", env: "STATUSRELAY_SHUTDOWN_TIMEOUT", default: defaults.shutdownTimeout,
        "On SIGTERM/SIGINT, how long to wait for in-flight work and the producer flush.")
    package static let tlsCertificate = Setting<String>.string(
        "tls-cert", env: "STATUSRELAY_TLS_CERT", default: nil, "PEM certificate chain file; with --tls-key enables HTTPS.")
    package static let tlsKey = Setting<String>.string(
        "tls-key", env: "STATUSRELAY_TLS_KEY", default: nil, "PEM private key file for --tls-cert.")
    package static let formPath = Setting<String>.string(
        "form-path", env: "STATUSRELAY_FORM_PATH", default: defaults.routes.form, "Route for form status callbacks.")
    package static let eventStreamsPath = Setting<String>.string(
        "event-streams-path", env: "STATUSRELAY_EVENT_STREAMS_PATH", default: defaults.routes.eventStreams, "Route for Event Streams JSON.")
    package static let healthPath = Setting<String>.string(
        "health-path", env: "STATUSRELAY_HEALTH_PATH", default: defaults.routes.health, "Liveness route.")
    package static let readyPath = Setting<String>.string(
        "ready-path", env: "STATUSRELAY_READY_PATH", default: defaults.routes.ready, "Readiness route.")
    package static let metricsPath = Setting<String>.string(
        "metrics-path", env: "STATUSRELAY_METRICS_PATH", default: defaults.routes.metrics, "Prometheus metrics route.")
    package static let createTopic = Setting<Bool>.bool(
        "create-topic", env: "STATUSRELAY_CREATE_TOPIC", default: defaults.createTopic, "Create the topic and its dead-letter topic if missing.")
    package static let topicPartitions = Setting<Int>.int(
        "topic-partitions", env: "STATUSRELAY_TOPIC_PARTITIONS", default: defaults.topicPartitions, range: 1...10_000, "Partitions for --create-topic.")
}
