public import Kafka

/// The Kafka settings every component shares (ingress, consumer, `statusrelay` subcommands): one flag,
/// env var and default each, so a default changes in one place.
public enum KafkaSettings {
    /// `127.0.0.1:9092`.
    public static let defaultBrokers = ["127.0.0.1:9092"]
    /// `twilio.message-status`: the raw topic the ingress writes and the consumer reads.
    public static let defaultTopic = "twilio.message-status"

    /// `lz4`: what the ingress and `statusrelay reconcile` produce with (see `IngressConfiguration.kafkaCompression`).
    public static let defaultCompression: KafkaProducerConfiguration.Compression = .lz4

    public static let brokers = Setting<[String]>.list(
        "brokers", env: "STATUSRELAY_BROKERS", default: defaultBrokers, "Kafka bootstrap servers, comma-separated.")

    /// `--topic`, `STATUSRELAY_TOPIC`, default ``defaultTopic``; each component words its own summary.
    public static func topic(_ summary: String) -> Setting<String> {
        .string("topic", env: "STATUSRELAY_TOPIC", default: defaultTopic, summary)
    }

    /// `--kafka-compression`, `STATUSRELAY_KAFKA_COMPRESSION`, default ``defaultCompression``; `summary`
    /// says what is compressed.
    public static func compression(_ summary: String) -> Setting<KafkaProducerConfiguration.Compression> {
        .choice("kafka-compression", env: "STATUSRELAY_KAFKA_COMPRESSION", default: defaultCompression, "\(summary): none, gzip, snappy, lz4 or zstd.")
    }
}
