/// Settings for ``KafkaProducer``. Idempotence (`enable.idempotence=true`) and `acks=all` are always on;
/// `additional` may not turn them off.
public struct KafkaProducerConfiguration: Sendable {
    /// Brokers to bootstrap from (`bootstrap.servers`). Default `["127.0.0.1:9092"]`.
    /// Executables: `--brokers` / `STATUSRELAY_BROKERS`.
    public var bootstrapServers: [String]
    /// `client.id`, shown in broker logs and quotas. Default `"statusrelay"`.
    public var clientID: String
    /// How long a record may take from `send` to acknowledged, retries included (`message.timeout.ms`).
    /// After it, `send` throws ``KafkaError/Code/timedOut``. Default 30 s.
    public var deliveryTimeout: Duration
    /// How long to wait for more records to batch (`linger.ms`). Default 0: each `send` waits for its own
    /// acknowledgement, so latency wins; records still batch while earlier requests are in flight.
    public var linger: Duration
    /// Batch compression (`compression.type`). Default ``Compression/none``.
    public var compression: Compression
    /// Raw librdkafka properties, applied last (over the typed ones). Executables: `--kafka-config KEY=VALUE`
    /// / `STATUSRELAY_KAFKA_CONFIG`. Values of secret-looking keys are never logged.
    public var additional: [String: String]

    public init(
        bootstrapServers: [String] = ["127.0.0.1:9092"],
        clientID: String = "statusrelay",
        deliveryTimeout: Duration = .seconds(30),
        linger: Duration = .zero,
        compression: Compression = .none,
        additional: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.deliveryTimeout = deliveryTimeout
        self.linger = linger
        self.compression = compression
        self.additional = additional
    }

    /// The librdkafka properties, in the order they are applied.
    var properties: [(String, String)] {
        var properties: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers.joined(separator: ",")),
            ("client.id", clientID),
            ("message.timeout.ms", String(deliveryTimeout.kafkaMilliseconds)),
            ("linger.ms", String(linger.kafkaMilliseconds)),
            ("compression.type", compression.rawValue),
            ("enable.idempotence", "true"),
            ("acks", "all"),
            // Same key -> same partition, and keyless records spread evenly.
            ("partitioner", "consistent_random"),
        ]
        properties += additional.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return properties
    }

    func validate() throws(KafkaError) {
        if let idempotence = additional["enable.idempotence"], idempotence != "true" {
            throw .invalidConfiguration("enable.idempotence cannot be turned off: the producer is always idempotent")
        }
        if let acks = additional["acks"] ?? additional["request.required.acks"], acks != "all", acks != "-1" {
            throw .invalidConfiguration("acks must stay \"all\": the producer only acknowledges durable records")
        }
        if bootstrapServers.isEmpty && additional["bootstrap.servers"] == nil {
            throw .invalidConfiguration("bootstrapServers is empty")
        }
    }
}
